"""The data files the world is written from (job families, templates, scams, inbox, lines).

Content lives in widgets/data/ so that a mediator or a translator can change the wording
without touching code; this module only reads and caches those files.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
FAMILIES_FILE = DATA_DIR / "job_families.json"
TEMPLATES_FILE = DATA_DIR / "world_templates.json"
NAMES_FILE = DATA_DIR / "world_names.json"
SCAMS_FILE = DATA_DIR / "scam_patterns.json"
INBOX_FILE = DATA_DIR / "inbox_templates.json"
TRANSPORT_FILE = DATA_DIR / "transport_lines.json"


@cache
def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def job_data() -> dict[str, Any]:
    """The job families file: {"families": [...], "employer_kinds": [...]} (shared, read-only)."""
    return _load(FAMILIES_FILE)


def families() -> list[dict[str, Any]]:
    """A copy of the job families, in file order, so callers may change theirs freely."""
    return copy.deepcopy(job_data()["families"])


def templates() -> dict[str, Any]:
    return _load(TEMPLATES_FILE)


def names() -> dict[str, Any]:
    return _load(NAMES_FILE)


def scam_patterns() -> dict[str, Any]:
    return _load(SCAMS_FILE)


def inbox_templates() -> dict[str, Any]:
    return _load(INBOX_FILE)


def transport_lines() -> dict[str, Any]:
    return _load(TRANSPORT_FILE)
