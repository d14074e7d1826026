"""The lesson page « Trier, comparer, enregistrer »: search, compare two offers, keep notes, find again.

One function per notebook cell (`show_compare_lesson()`), so everything the page does is
reachable by tests and by a simulated learner through `build_compare_lesson()`. The
visit, the world and the French messages come from page_support, like every page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets
from tremplin.grading import checks_compare
from tremplin.grading.page_support import (
    ActivityPage,
    mission_html,
    open_engine,
    preload,
    show_activity,
)
from tremplin.widgets.compare_widget import CompareWidget
from tremplin.widgets.i18n import t
from tremplin.widgets.search_widget import SearchWidget
from tremplin.widgets.workspace import Workspace

COMPARE_LESSON = checks_compare.LESSON
__all__ = ["build_compare_lesson", "preload", "show_compare_lesson"]


def lesson_mission_html(scenario: Any) -> str:
    text = t("compare.lesson_mission", commune=getattr(scenario, "commune", ""),
             job=getattr(scenario, "job", ""))
    return mission_html(t("pages.mission_heading"), [text])


class CompareLesson(ActivityPage):
    """Search with « Comparer » under each offer, the side-by-side table, notes, and the panel."""

    EPREUVE = COMPARE_LESSON

    def __init__(self, workspace: Workspace, world: Any, data_root: Path, activity: str = COMPARE_LESSON,
                 *, with_panel: bool = True) -> None:
        super().__init__(workspace, world, data_root, activity, with_panel=with_panel)

    def parts(self) -> list[widgets.Widget]:
        engine = open_engine(self.data_root / "world")
        self.compare = CompareWidget(engine.offer, self.journal, home=lambda: self.search.commune.value,
                                     on_change=self.notify)
        self.search = SearchWidget(engine, self.journal, on_change=self.notify, on_compare=self.compare.pick)
        # the comparison sits between the offer's detail and « Ma sélection », where eyes are
        parts = list(self.search.widget.children)
        parts.insert(parts.index(self.search.selection.widget), self.compare.widget)
        self.search.widget.children = parts
        return [widgets.HTML(lesson_mission_html(self.scenario)), self.search.widget]


def build_compare_lesson(
    workspace: Workspace, *, data_root: Path | None = None, world: Any | None = None,
    activity: str = COMPARE_LESSON,
) -> CompareLesson:
    return CompareLesson.build(workspace, data_root=data_root, world=world, activity=activity,
                               with_panel=True)


def show_compare_lesson(activity: str = COMPARE_LESSON) -> None:
    """The lesson page for the learner of this visit; a French message instead of any error."""
    show_activity(lambda workspace: build_compare_lesson(workspace, activity=activity))
