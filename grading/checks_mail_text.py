"""Judging plain French text for the email checks: greetings, closings, text-speak, capitals, « tu ».

Lenient on form (any greeting of the usual kinds, any closing formula) and strict only on what a
recruiter would notice. Words are compared folded (lower case, no accents, no apostrophes).
"""

from __future__ import annotations

import re

from tremplin.widgets.geo import fold

GREETINGS_FORMAL = ("madame", "monsieur", "mesdames", "messieurs", "bonjour", "cher", "chere")
GREETINGS_CASUAL = ("salut", "coucou", "hello", "hey", "yo", "wesh", "cc", "slt", "bjr", "hi", "kikou")
CLOSINGS_FORMAL = ("cordialement", "bien a vous", "salutations", "veuillez agreer", "je vous prie d agreer",
                   "respectueusement", "mes remerciements", "avec mes remerciements", "sinceres salutations")
CLOSINGS_CASUAL = ("bisous", "biz", "bises", "a plus", "a+", "@+", "ciao", "tchao", "bye", "a bientot",
                   "merci")
TEXT_SPEAK = ("stp", "svp", "bjr", "bsr", "slt", "mdr", "lol", "ptdr", "tkt", "dsl", "bcp", "pk", "pcq",
              "pq", "jsp", "qqn", "qqch", "jtm", "chui", "jte", "koi", "kan", "bizz", "a+", "@+", "mrc")
#: whole parts of an address that are nicknames (first names such as Angel or Love are left alone)
NICKNAMES = ("loulou", "bogoss", "bg", "cheri", "cherie", "chouchou", "doudou", "bebe", "sexy", "lol", "mdr",
             "kiss", "ptit", "titi", "minou", "poupee", "star", "queen", "boss", "gamer", "killer", "dark",
             "diablo", "princess", "princesse", "beaugosse", "bouboule", "cool", "fun", "swag", "kikou")
#: nicknames also when glued to another word ("bogossdu35", "loulouchou")
NICKNAME_STEMS = ("loulou", "bogoss", "beaugosse", "chouchou", "doudou", "sexy", "bouboule", "swag", "kikou")
MIN_BODY_WORDS = 25
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ@+]+(?:\+)?")


def words(text: str) -> list[str]:
    return [fold(w) for w in _WORD.findall(text)]


def _starts(line: str, options: tuple[str, ...]) -> bool:
    folded = " ".join(words(line))
    return any(folded == o or folded.startswith(o + " ") for o in options)


def greeting(lines: list[str]) -> str | None:
    """'formal', 'casual' or None, from the first line the learner wrote."""
    if not lines:
        return None
    first = lines[0]
    if _starts(first, GREETINGS_FORMAL):
        return "formal"
    if _starts(first, GREETINGS_CASUAL):
        return "casual"
    return None


def closing(lines: list[str]) -> str | None:
    """'formal', 'casual' or None, from the last lines of the message."""
    tail = " | ".join(" ".join(words(line)) for line in lines[-6:])
    if any(re.search(rf"(^|\W){re.escape(o)}(\W|$)", tail) for o in CLOSINGS_FORMAL):
        return "formal"
    if any(re.search(rf"(^|\W){re.escape(o)}(\W|$)", tail) for o in CLOSINGS_CASUAL):
        return "casual"
    return None


def substance(lines: list[str]) -> int:
    """How many words the message says between its greeting and its closing lines."""
    return len(words(" ".join(lines[1:-2]))) if len(lines) > 3 else len(words(" ".join(lines)))


def names_offer(subject: str, title: str, reference: str, job: str = "") -> bool:
    """Whether a subject names the job (most of the title's words, or the job) or the reference."""
    bare = fold(subject).replace(" ", "")
    if reference and fold(reference).replace(" ", "") in bare:
        return True
    got = set(words(subject))
    key = [w for w in words(re.split(r"[–(]", title)[0]) if len(w) >= 4]
    if key and sum(w in got for w in key) * 2 >= len(key):
        return True
    job_words = [w for w in words(job) if len(w) >= 4]
    return bool(job_words) and all(w in got for w in job_words)


def text_speak(text: str) -> list[str]:
    tokens = [w for w in re.findall(r"[\w@+]+", fold(text))]
    found = [tok for tok in tokens if tok in TEXT_SPEAK]
    if tokens and tokens[0] == "cc":
        found.append("cc")
    return list(dict.fromkeys(found))


def shouting(text: str) -> bool:
    """Whole words in capitals (five letters or more, so CV, CDI or CACES do not count)."""
    loud = [w for w in re.findall(r"[A-Za-zÀ-ÖØ-öø-ÿ]{5,}", text) if w.isupper()]
    return len(loud) >= 3


def thou(lines: list[str]) -> list[str]:
    """The « tu » forms a message uses (t' counts: « je t'envoie »)."""
    text = " ".join(lines).replace("’", "'")
    found = re.findall(r"(?<![\w'])(tu|toi|ton|ta|tes|te|t')(?![\w])", text, re.IGNORECASE)
    return list(dict.fromkeys(f.lower() for f in found))


def unprofessional(address: str) -> bool:
    """A nickname, digits only, or a word glued to a number ("loulou75") does not look serious."""
    local = fold(address.split("@")[0]).replace(" ", "-")
    parts = [p for p in re.split(r"[._-]+", local) if p]
    if not parts or local.replace(".", "").replace("-", "").replace("_", "").isdigit() or len(local) < 3:
        return True
    bare = [re.sub(r"\d+", "", part) for part in parts]
    if any(part in NICKNAMES or any(stem in part for stem in NICKNAME_STEMS) for part in bare):
        return True
    return len(parts) == 1 and re.fullmatch(r"[a-z]+\d{2,}", local) is not None
