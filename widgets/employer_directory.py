"""The employers' directory, as the learner searches it: names folded, near spellings found.

Pure: no ipywidgets. The employer checks (grading/checks_employer.py) compare the learner's
notes with the directory through these functions, so an nbgrader autograde kernel does not
import the widget stack; the search widget (employer_widget.py) uses the same ones.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from tremplin.widgets import geo

MAX_FIELD = 300
#: Similarity (0–1) above which a name counts as found despite a spelling slip.
FUZZY = 0.8
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean(value: Any, limit: int = MAX_FIELD) -> str:
    """Learner input made safe to keep: text, no control characters, bounded length."""
    return " ".join(_CONTROL.sub(" ", "" if value is None else str(value)).split())[:limit]


def folded(value: Any) -> str:
    """Case, accents and punctuation ignored: what two spellings of one name share."""
    return " ".join(re.sub(r"[^a-z0-9@.]+", " ", geo.fold(clean(value))).split())


def address_line(employer: dict[str, Any]) -> str:
    address = employer.get("address") or {}
    place = f"{address.get('postcode', '')} {address.get('commune', '')}".strip()
    return ", ".join(part for part in (str(address.get("street", "")), place) if part)


def matches(query: str, name: str) -> bool:
    """Whether a directory name answers a query: every word found, or a near spelling."""
    words, target = folded(query).split(), folded(name)
    if not words:
        return False
    if all(word in target for word in words):
        return True
    name_words = target.split()
    return all(
        any(difflib.SequenceMatcher(None, word, other).ratio() >= FUZZY for other in name_words)
        for word in words
    )


def domain(email: Any) -> str:
    return folded(email).rpartition("@")[2]
