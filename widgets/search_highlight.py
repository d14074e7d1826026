"""The learner's words marked in a result's title and description snippet.

Done in Python on the page's offers, replacing FTS5's snippet(); the marks are
private-use sentinels that search_results.marked_to_html turns into <mark> after
escaping. Apart from the engine because it needs only the parsed query and the text.
"""

from __future__ import annotations

import re

from tremplin.widgets.search_query import (
    ELLIPSIS,
    MARK_CLOSE,
    MARK_OPEN,
    ParsedQuery,
    clean_text,
    stem,
    words,
)

#: Words around the first match in a snippet (FTS5's snippet() used 28 tokens too).
SNIPPET_WORDS = 28
_TOKEN = re.compile(r"[^\W_]+")


def _wanted(parsed: ParsedQuery) -> tuple[frozenset[str], tuple[str, ...]]:
    """Folded words and stems to mark, and the prefixes (the last word, from 4 letters)."""
    exact: set[str] = set()
    for word in parsed.positive_words():
        exact.update((word, stem(word)))
    prefixes = tuple(parsed.terms[-1:]) if parsed.terms and len(parsed.terms[-1]) >= 4 else ()
    return frozenset(exact), prefixes


def _is_wanted(token: str, exact: frozenset[str], prefixes: tuple[str, ...]) -> bool:
    for folded in words(token):
        if folded in exact or stem(folded) in exact or folded.startswith(prefixes or ("\0",)):
            return True
    return False


def _mark(text: str, exact: frozenset[str], prefixes: tuple[str, ...]) -> str:
    """`text` with the wanted words between MARK_OPEN and MARK_CLOSE."""

    def marked(match: re.Match[str]) -> str:
        token = match.group()
        return f"{MARK_OPEN}{token}{MARK_CLOSE}" if _is_wanted(token, exact, prefixes) else token

    return _TOKEN.sub(marked, text)


def _marked(title: str, description: str, parsed: ParsedQuery) -> tuple[str | None, str | None]:
    """(description snippet, title) with the learner's words marked, as FTS5's snippet() did.

    Done in Python on the page's ten offers: FTS5's snippet() re-tokenised each whole
    description through the index (about 1.5 ms an offer at 100,000 offers).
    """
    if parsed.is_empty:
        return None, None
    exact, prefixes = _wanted(parsed)
    title_marked = _mark(title, exact, prefixes)
    tokens = list(_TOKEN.finditer(description))
    first = next((i for i, m in enumerate(tokens) if _is_wanted(m.group(), exact, prefixes)), None)
    if first is None:
        return None, title_marked
    start = max(0, min(first - 3, len(tokens) - SNIPPET_WORDS))
    stop = min(len(tokens), start + SNIPPET_WORDS)
    begin = tokens[start].start() if start else 0
    end = tokens[stop - 1].end() if stop < len(tokens) else len(description)
    window = _mark(description[begin:end], exact, prefixes)
    return (ELLIPSIS if start else "") + window + (ELLIPSIS if stop < len(tokens) else ""), title_marked


def _first_words(text: str, count: int = 28) -> str:
    parts = clean_text(text).split()
    return " ".join(parts[:count]) + (ELLIPSIS if len(parts) > count else "")
