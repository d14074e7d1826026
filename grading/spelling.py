"""French spelling, offline: the words of a document no dictionary knows.

pyspellchecker's French word list is loaded once per process. What a dictionary cannot
judge is left alone: proper names (a capital inside a sentence, or a word the document
itself writes with a capital mid-sentence), acronyms and words with a capital inside
(CACES, McDo), numbers, e-mail and web addresses, and the world's own words (towns,
employers, job titles and skills of the offers). An elided article (« l' », « d' »,
« qu' ») is checked without its apostrophe part. A learner's CV or letter passes with a
few unknown words: the check reports them as minor, never critical.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

MAX_TEXT = 200_000
#: Elided words before an apostrophe (« l'entreprise », « qu'il », « jusqu'à »).
ELIDED = {"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "quelqu"}
#: Everyday words of a French CV that the word list lacks.
KNOWN = {"aujourd'hui", "cariste", "caces", "email", "e-mail", "mail", "mails", "cv", "cdi", "cdd", "bts",
         "bep", "bafa", "sst", "ehpad", "excel", "word", "linkedin", "plaquiste", "téléconseiller",
         "téléconseillère", "télévendeur", "télévendeuse", "puériculture", "aide-soignant", "aide-soignante",
         "manutentionnaire", "préparateur", "préparatrice", "intérimaire", "polyvalente", "chronotachygraphe",
         "agréer", "recto", "verso", "réf", "tél", "etc"}
_SKIP = re.compile(r"\S+@\S+|(?:https?://|www\.)\S+|\b[\w.-]+\.(?:fr|com|org|net|example|pdf|docx)\b",
                   re.IGNORECASE)
_TOKEN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿŒœÆæ]+(?:['’-][A-Za-zÀ-ÖØ-öø-ÿŒœÆæ]+)*")
#: What ends a sentence before a word (a dash does not: « Cariste — Leclerc » names a company).
_SENTENCE_END = re.compile(r"[.!?:;•·(«\"]\s*$")


@cache
def checker() -> Any:
    """The French spell checker (≈ 0.5 s to load the word list: once per process)."""
    from spellchecker import SpellChecker

    return SpellChecker(language="fr")


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Each word of `text` and whether it starts a sentence or a line (so its capital says nothing)."""
    found = []
    for line in _SKIP.sub(" ", text[:MAX_TEXT]).splitlines():
        for match in _TOKEN.finditer(line):
            before = line[: match.start()]
            starts = not any(char.isalnum() for char in before) or bool(_SENTENCE_END.search(before))
            found.append((match.group(0), starts))
    return found


def _is_name(word: str, starts: bool) -> bool:
    """A proper name or an acronym: capital mid-sentence, capital inside the word, all capitals."""
    letters = word.replace("'", "").replace("’", "").replace("-", "")
    if len(letters) > 1 and letters.isupper():
        return True
    if any(char.isupper() for char in word[1:]) and not word.isupper():
        return True
    return word[:1].isupper() and not starts


def _parts(word: str) -> list[str]:
    """The parts a dictionary can judge: elision dropped, hyphenated words split, single letters out."""
    lower = word.lower().replace("’", "'")
    if lower in KNOWN:
        return []
    pieces = lower.split("'")
    if len(pieces) > 1 and pieces[0] in ELIDED:
        pieces = pieces[1:]
    joined = "'".join(pieces)
    if joined in KNOWN:
        return []
    return [part for piece in pieces for part in piece.split("-") if len(part) > 1 and part not in KNOWN]


def vocabulary(texts: Iterable[str]) -> frozenset[str]:
    """Every word of some texts, lower case (the world's names and job words, a document's own names)."""
    return frozenset(part.lower() for text in texts for word, _start in _tokens(text)
                     for part in re.split(r"['’-]", word) if part)


_WORLD: dict[tuple[Any, ...], frozenset[str]] = {}


def world_words(world: Any) -> frozenset[str]:
    """Towns, employers, offer titles, job families' words and skills of a world (once per world)."""
    if world is None:
        return frozenset()
    files = getattr(world.manifest, "files", {}) or {}
    key = (world.manifest.seed, files.get("offers.jsonl", ""), files.get("employers.jsonl", ""))
    if key not in _WORLD:
        texts: list[str] = [str(c.get("name") or "") for c in world.communes.values()]
        texts += [str(e.get("name") or "") for e in world.employers()]
        for family in world.families():
            for name in ("label", "job", "schedule"):
                texts.append(str(family.get(name) or ""))
            for name in ("titles", "synonyms", "skills", "missions", "requirements"):
                texts += [str(v) for v in family.get(name) or []]
        _WORLD[key] = vocabulary(texts)
    return _WORLD[key]


def unknown_words(text: str, known: Iterable[str] = ()) -> list[str]:
    """The words of `text` the French dictionary does not know, each once, in reading order.

    `known` adds words to accept (the world's, the learner's name…), compared in lower case.
    """
    tokens = _tokens(text)
    names = {word.lower() for word, starts in tokens if _is_name(word, starts)}
    accepted = {word.lower() for word in known} | names
    candidates: dict[str, str] = {}
    for word, starts in tokens:
        if _is_name(word, starts) or word.lower() in accepted:
            continue
        for part in _parts(word):
            if part not in accepted:
                candidates.setdefault(part, word)
    if not candidates:
        return []
    unknown = checker().unknown(list(candidates))
    return list(dict.fromkeys(candidates[part] for part in candidates if part in unknown))


def spelling_mistakes(text: str, world: Any = None, names: Iterable[str] = ()) -> list[str]:
    """Unknown words of a learner's document, the world's words and the given names accepted."""
    return unknown_words(text, known=world_words(world) | vocabulary(names))
