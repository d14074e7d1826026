"""The lesson page « Repérer une offre douteuse » (R3): the same six offers to review as the épreuve,
with the « Vérifier » panel running the épreuve's checks on the lesson's own journal.

One function per notebook cell: `preload()` while the page waits for its learner, then
`show_scams_lesson()`.
"""

from __future__ import annotations

from tremplin.grading.page_support import preload, show_activity
from tremplin.grading.scams_pages import build_scams_activity
from tremplin.grading.scams_scenario import LESSON

__all__ = ["preload", "show_scams_lesson"]


def show_scams_lesson(activity: str = LESSON) -> None:
    """The lesson page; returns nothing, so the notebook cell shows only the widgets."""
    show_activity(lambda workspace: build_scams_activity(workspace, activity=activity, with_panel=True))
