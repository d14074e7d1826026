"""The lesson page « Se renseigner sur l'employeur » (R4): the same directory and mission as the
épreuve, with the « Vérifier » panel running the épreuve's checks on the lesson's own journal.

One function per notebook cell: `preload()` while the page waits for its learner, then
`show_employer_lesson()`.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

from tremplin.grading.employer_pages import build_employer_activity
from tremplin.grading.employer_scenario import LESSON, candidates
from tremplin.grading.page_support import open_world, show_activity
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.paths import data_root as default_data_root

__all__ = ["preload", "show_employer_lesson"]


def preload(data_root: Path | None = None) -> None:
    """Open the world and list its scenario employers ahead of the learner (a preheated kernel)."""
    # a broken data folder is said by the page itself once the learner is there
    with suppress(TremplinError):
        candidates(open_world(default_data_root(data_root) / "world"))


def show_employer_lesson(activity: str = LESSON) -> None:
    """The lesson page; returns nothing, so the notebook cell shows only the widgets."""
    show_activity(lambda workspace: build_employer_activity(workspace, activity=activity, with_panel=True))
