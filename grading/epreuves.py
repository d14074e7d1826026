"""The épreuves of the kit: their title, their statement and the page that runs them.

Each theme declares its own (grading/*_theme.py); this is the merged view. The statement
is shown both in the nbgrader source notebook (for mediators) and on the learner's kiosk
page, from this one place. Every épreuve's first code cell is the same call,
`show_epreuve(id)`, so the notebook does not change when a page's code does.
"""

from __future__ import annotations

from typing import Any

from tremplin.grading.themes import all_epreuves

EPREUVES: dict[str, dict[str, Any]] = all_epreuves()


def page_code(epreuve: str) -> str:
    return f'from tremplin.grading.epreuve_page import show_epreuve\nshow_epreuve("{epreuve}")'
