"""Turn what a learner typed into a safe SQLite FTS5 MATCH expression.

Raw input never reaches MATCH: FTS5 treats `"`, `*`, `-`, `+`, `:`, `^`, parentheses and
the words AND/OR/NOT/NEAR as syntax, so `c++` or an unbalanced quote would raise. The
query is split here into plain words (letters and digits only, like FTS5's unicode61
tokenizer), exact phrases ("..."), and excluded words (-nuit); each becomes a quoted FTS5
string. A light French stemmer maps feminine and plural forms onto one stem (vendeuse →
vendeur, cuisinières → cuisinier); the index applies it to a separate column, so the
original text stays intact for highlighting.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

#: More words than this make a query slow and rarely help; the rest is dropped with a message.
MAX_TERMS = 10
#: Characters read from the input at most (a pasted page is cut before parsing).
MAX_CHARS = 2000
#: Private-use characters used to mark highlights inside snippets; never allowed in text.
MARK_OPEN, MARK_CLOSE, ELLIPSIS = "\ue000", "\ue001", "\ue002"

#: Words too common to narrow a search; dropped unless they are all the learner typed.
STOPWORDS = frozenset(
    "a au aux d de des du en et h f hf l la le les ou pour sur un une avec dans par".split()
)

_WORD = re.compile(r"[^\W_]+")
_STEM_RULES: tuple[tuple[str, str], ...] = (
    ("trices", "teur"),
    ("trice", "teur"),
    ("euses", "eur"),
    ("euse", "eur"),
    ("ieres", "ier"),
    ("iere", "ier"),
    ("eres", "er"),
    ("ere", "er"),
    ("iennes", "ien"),
    ("ienne", "ien"),
    ("onnes", "on"),
    ("onne", "on"),
    ("elles", "el"),
    ("elle", "el"),
    ("ives", "if"),
    ("ive", "if"),
    ("ees", "e"),
    ("ee", "e"),
)


def fold_text(text: str) -> str:
    """Lower-case, accent-free form, as FTS5's `remove_diacritics 2` sees words."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


#: Control, invisible-format, surrogate and private-use characters (never meaningful in text),
#: written as "anything but the allowed ranges": Python's re scans that ten times faster.
_UNWANTED = re.compile(
    "[^\x20-\x7e\u00a0-\u00ac\u00ae-\u200a\u2010-\u2027\u202f-\u205f\u2070-\ud7ff"
    "\uf900-\ufefe\uff00-\U000effff]"
)


def clean_text(text: str) -> str:
    """NFC text without control, format or private-use characters (kept out of the index)."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = text.replace("\n", " ")  # the one such character real text has, replaced fast
    return _UNWANTED.sub(" ", text) if _UNWANTED.search(text) else text


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(fold_text(word)))


def words(text: str) -> list[str]:
    """The words of `text` as FTS5's unicode61 tokenizer cuts them, folded."""
    return [w for raw in _WORD.findall(clean_text(text)) for w in _fold_word(raw)]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light French stem of a folded word: feminine and plural endings removed."""
    if len(word) > 3 and word[-1] in "sx" and not word.endswith("ss"):
        word = word[:-1]
    for ending, replacement in _STEM_RULES:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)] + replacement
    return word


@lru_cache(maxsize=16384)
def stem_text(text: str) -> str:
    """The stems of all words of `text`, space-separated (the index's `stems` column)."""
    return " ".join(stem(w) for w in words(text))


@dataclass(frozen=True)
class ParsedQuery:
    """What the learner asked for: words to find, exact phrases, words to leave out."""

    terms: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[str, ...] = ()
    truncated: bool = False
    unbalanced_quote: bool = False
    dropped: tuple[str, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not (self.terms or self.phrases)

    @property
    def has_exclusions(self) -> bool:
        return bool(self.excluded)

    def positive_words(self) -> list[str]:
        """Every word the learner wants to find (for suggestions)."""
        return list(self.terms) + [w for p in self.phrases for w in p]


def _split_segments(text: str) -> tuple[list[tuple[str, str, bool]], bool]:
    """Cut the text into (kind, chunk, negated) with kind "phrase" or "words"."""
    segments: list[tuple[str, str, bool]] = []
    i, n, buffer = 0, len(text), []
    unbalanced = False

    def flush() -> None:
        if buffer:
            segments.extend(_word_chunks("".join(buffer)))
            buffer.clear()

    while i < n:
        c = text[i]
        if c in "\"«»“”":
            negated = bool(buffer) and buffer[-1] == "-" and (
                len(buffer) == 1 or buffer[-2].isspace()
            )
            if negated:
                buffer.pop()
            flush()
            end = _closing_quote(text, i + 1)
            if end < 0:
                unbalanced = True
                end = n
            segments.append(("phrase", text[i + 1 : end], negated))
            i = end + 1
            continue
        buffer.append(c)
        i += 1
    flush()
    return segments, unbalanced


def _closing_quote(text: str, start: int) -> int:
    for j in range(start, len(text)):
        if text[j] in "\"»“”":
            return j
    return -1


def _word_chunks(text: str) -> list[tuple[str, str, bool]]:
    """Whitespace-separated chunks; a leading minus excludes, an inner hyphen joins (Saint-Malo)."""
    chunks = []
    for chunk in text.split():
        negated = chunk.startswith("-") and len(chunk) > 1
        parts = words(chunk.lstrip("-") if negated else chunk)
        if not parts:
            continue
        joined = re.search(r"[^\W_][-'’][^\W_]", chunk) and len(parts) > 1
        if joined and not _is_elision(chunk):
            chunks.append(("phrase", " ".join(parts), negated))
        else:
            for part in parts:
                chunks.append(("word", part, negated))
    return chunks


def _is_elision(chunk: str) -> bool:
    """l'accueil, d'entretien: the article is dropped, the word kept."""
    return bool(re.match(r"^-?[^\W_]{1,2}['’]", chunk)) and "-" not in chunk.lstrip("-")


def parse_query(text: str | None) -> ParsedQuery:
    """Parse learner input; never raises, whatever the text."""
    raw = "" if text is None else str(text)
    truncated = len(raw) > MAX_CHARS
    raw = clean_text(raw[:MAX_CHARS])
    segments, unbalanced = _split_segments(raw)
    terms: list[str] = []
    phrases: list[tuple[str, ...]] = []
    excluded: list[str] = []
    count = 0
    for kind, chunk, negated in segments:
        parts = tuple(words(chunk))
        if not parts:
            continue
        if count >= MAX_TERMS:
            truncated = True
            break
        if negated:
            excluded.extend(p for p in parts if p not in excluded)
        elif kind == "phrase" and len(parts) > 1:
            if parts not in phrases:
                phrases.append(parts)
        elif parts[0] not in terms:
            terms.append(parts[0])
        count += 1
    kept = [w for w in terms if w not in STOPWORDS and not (len(w) == 1 and not w.isdigit())]
    dropped = tuple(w for w in terms if w not in kept)
    if not kept and not phrases:
        kept, dropped = terms, ()
    return ParsedQuery(
        terms=tuple(kept),
        phrases=tuple(phrases),
        excluded=tuple(excluded),
        truncated=truncated,
        unbalanced_quote=unbalanced,
        dropped=dropped,
    )


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _term_expression(word: str, prefix: bool) -> str:
    """A word matches as itself (the last one also as a prefix) or through its stem."""
    own = _quoted(word) + ("*" if prefix and len(word) >= 4 else "")
    stemmed = stem(word)
    return f"({own} OR stems : {_quoted(stemmed)})"


def match_expression(query: ParsedQuery) -> str | None:
    """The FTS5 MATCH string for the words and phrases to find, or None if there are none."""
    last = len(query.terms) - 1
    parts = [_term_expression(w, i == last) for i, w in enumerate(query.terms)]
    parts += [_quoted(" ".join(p)) for p in query.phrases]
    return " AND ".join(parts) if parts else None


def title_expression(query: ParsedQuery) -> str | None:
    """The same words, found in the title only (as written or through their stem).

    Offers whose title holds the words come first in relevance order, and ranking them
    alone keeps bm25 to a few thousand rows even at 100,000 offers.
    """
    last = len(query.terms) - 1
    parts = []
    for index, word in enumerate(query.terms):
        own = _quoted(word) + ("*" if index == last and len(word) >= 4 else "")
        stemmed = stem(word)
        parts.append(f"({own} OR {_quoted(stemmed)})" if stemmed != word else f"({own})")
    parts += [_quoted(" ".join(p)) for p in query.phrases]
    return "{title} : (" + " AND ".join(parts) + ")" if parts else None


def exclusion_expression(query: ParsedQuery) -> str | None:
    """The FTS5 MATCH string of the excluded words (any of them), or None."""
    if not query.excluded:
        return None
    return " OR ".join(f"({_quoted(w)} OR stems : {_quoted(stem(w))})" for w in query.excluded)
