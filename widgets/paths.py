"""Where the kit keeps its data: one rule for the kiosk, the lessons, the CLI and grading.

The data root holds world/ (the simulated world), course/ (nbgrader's course), exchange/
(nbgrader's exchange), learners/ (one workspace per learner) and visits/.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DATA = "data"


def data_root(explicit: str | Path | None = None) -> Path:
    """The argument, else $TREMPLIN_DATA, else ./data; always absolute."""
    raw = explicit if explicit is not None else (os.environ.get("TREMPLIN_DATA") or DEFAULT_DATA)
    return Path(raw).expanduser().resolve()
