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
from tremplin.grading.check_context import load_context
from tremplin.grading.checks import run_checks
from tremplin.grading.page_support import (
    mission_html,
    open_engine,
    open_world,
    panel_items,
    preload,
    show_activity,
)
from tremplin.widgets.activity import ActivityJournal
from tremplin.widgets.compare_widget import CompareWidget
from tremplin.widgets.feedback_panel import FeedbackPanel, PanelItem
from tremplin.widgets.i18n import t
from tremplin.widgets.paths import data_root as default_data_root
from tremplin.widgets.search_widget import SearchWidget
from tremplin.widgets.workspace import Workspace

COMPARE_LESSON = checks_compare.LESSON
__all__ = ["build_compare_lesson", "preload", "show_compare_lesson"]


def lesson_mission_html(scenario: Any) -> str:
    text = t("compare.lesson_mission", commune=getattr(scenario, "commune", ""),
             job=getattr(scenario, "job", ""))
    return mission_html(t("pages.mission_heading"), [text])


class CompareLesson:
    """The live pieces of the page, kept so a test or a simulated learner can drive them."""

    def __init__(
        self, workspace: Workspace, world: Any, data_root: Path, activity: str = COMPARE_LESSON
    ) -> None:
        self.workspace, self.world, self.activity, self.data_root = workspace, world, activity, data_root
        self.scenario = load_context(workspace.root, activity, world=world).scenario
        self.panel = FeedbackPanel(self.panel_items)
        engine = open_engine(data_root / "world")
        journal = ActivityJournal(workspace, activity)
        self.compare = CompareWidget(engine.offer, journal, home=lambda: self.search.commune.value,
                                     on_change=self.panel.notify)
        self.search = SearchWidget(engine, journal, on_change=self.panel.notify,
                                   on_compare=self.compare.pick)
        # the comparison sits between the offer's detail and « Ma sélection », where eyes are
        parts = list(self.search.widget.children)
        parts.insert(parts.index(self.search.selection.widget), self.compare.widget)
        self.search.widget.children = parts
        self.widget = widgets.VBox([widgets.HTML(lesson_mission_html(self.scenario)), self.search.widget,
                                    self.panel.widget])

    def results(self) -> list[Any]:
        context = load_context(self.workspace.root, self.activity, world=self.world)
        return run_checks(context, self.activity)

    def panel_items(self) -> list[PanelItem]:
        return panel_items(self.results())


def build_compare_lesson(
    workspace: Workspace, *, data_root: Path | None = None, world: Any | None = None,
    activity: str = COMPARE_LESSON,
) -> CompareLesson:
    root = default_data_root(data_root)
    return CompareLesson(workspace, world or open_world(root / "world"), root, activity)


def show_compare_lesson(activity: str = COMPARE_LESSON) -> None:
    """The lesson page for the learner of this visit; a French message instead of any error."""
    show_activity(lambda workspace: build_compare_lesson(workspace, activity=activity))
