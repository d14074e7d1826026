"""The first code cell of every épreuve: the learner's page in the kiosk, nothing at grading.

During nbgrader's autograde the graded cells do the work; this cell must then cost
nothing, so the page's widgets (ipywidgets, the search engine) are imported only when a
learner is in front of it. Which page an épreuve shows is its theme's `show` entry.
"""

from __future__ import annotations

import os


def show_epreuve(epreuve: str) -> None:
    if os.environ.get("NBGRADER_EXECUTION"):
        return
    from tremplin.grading.epreuves import EPREUVES
    from tremplin.grading.themes import resolve

    resolve(EPREUVES[epreuve]["show"])(epreuve)
