"""The hidden words of the index's `tags` column (filters and map cells as FTS5 words),
and the FTS5 MATCH expressions that combine them with the learner's words.

Shared by the parts that must agree on them: search_index.py writes the words,
search_area.py and search.py match them. Changing a word changes the index format
(INDEX_FORMAT in search_index.py).
"""

from __future__ import annotations

import math

#: Hidden words start with a private-use character: clean_text strips it from offers and
#: from learners' queries, so no one can type them, yet FTS5's tokenizer keeps it.
TAG = "\ue010"
ALL = TAG + "all"
#: Map cell heights in degrees of latitude, finest first; a cell is 1.5 times as wide.
CELL_SIZES = (0.0125, 0.025, 0.05, 0.1, 0.2, 0.4)
CELL_WIDTH, CELL_OFFSET = 1.5, 100_000


def _tag(kind: str, value: str) -> str:
    """A hidden word of the `tags` column: the private-use TAG, a kind letter, a value."""
    return f"{TAG}{kind}{value}"


def _place_tag(insee: str) -> str:
    return _tag("i", insee.encode("utf-8").hex())


def _cell(lat: float, lon: float, level: int) -> tuple[int, int]:
    size = CELL_SIZES[level]
    return math.floor(lat / size), math.floor(lon / (size * CELL_WIDTH))


def _cell_tag(level: int, i: int, j: int) -> str:
    return _tag("g", f"{level}a{i + CELL_OFFSET}b{j + CELL_OFFSET}")


def _any(tags: list[str]) -> str:
    return "(" + " OR ".join(_quoted(tag) for tag in tags) + ")"


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _expression(parts: list[str | None], negative: str | None = None) -> str:
    """FTS5 `(a) AND (b) ... NOT (n)`; parts are already valid expressions."""
    kept = [f"({p})" for p in parts if p]
    joined = " AND ".join(kept) if kept else _quoted(ALL)
    return f"({joined}) NOT ({negative})" if negative else joined
