"""The lesson page « Préparer le trajet » (R5): the same planner and answer as the épreuve, with the
« Vérifier » panel running the épreuve's checks on the lesson's own journal.

One function per notebook cell: `preload()` while the page waits for its learner, then
`show_trip_lesson()`.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

from tremplin.grading.page_support import open_world, show_activity
from tremplin.grading.trip_pages import build_trip_activity
from tremplin.grading.trip_scenario import LESSON, planner_for
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.paths import data_root as default_data_root


def preload(data_root: Path | None = None) -> None:
    """Open the world and build its route planner ahead of the learner (a preheated kernel does it)."""
    # a broken data folder is said by the page itself once the learner is there
    with suppress(TremplinError):
        planner_for(open_world(default_data_root(data_root) / "world"))


def show_trip_lesson(activity: str = LESSON) -> None:
    """The lesson page; returns nothing, so the notebook cell shows only the widgets."""
    show_activity(lambda workspace: build_trip_activity(workspace, activity=activity, with_panel=True))
