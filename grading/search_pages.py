"""The searching lesson and épreuve pages, composed from the widgets and the checks.

Notebooks call one function each, so everything a page does is reachable by tests; the
same composition serves Voilà (the learner), the demo (a simulated learner) and tests.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import ipywidgets as widgets
from tremplin.grading.check_context import load_context
from tremplin.grading.checks import run_checks
from tremplin.grading.page_support import (
    learner_workspace,
    mission_html,
    open_engine,
    open_world,
    panel_items,
    show,
    show_activity,
    show_statement,
)
from tremplin.grading.page_support import preload as preload_world
from tremplin.grading.scenarios import SearchScenario, scenario_candidates
from tremplin.widgets.activity import ActivityJournal
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.feedback_panel import FeedbackPanel, PanelItem
from tremplin.widgets.i18n import t
from tremplin.widgets.paths import data_root as default_data_root
from tremplin.widgets.search_widget import SearchWidget
from tremplin.widgets.shared_looks import column, html_widget
from tremplin.widgets.workspace import Workspace

SEARCH_EPREUVE = "chercher-offres"
SEARCH_LESSON = "lecon-chercher-offres"


def preload(data_root: Path | None = None) -> None:
    """The world, its index and the search missions' candidates, ahead of the learner.

    Choosing a learner's mission scans every offer against every home town (~0.3 CPU-s);
    a preheated kernel does it while it waits, not once the learner is in front of the page."""
    preload_world(data_root)
    with contextlib.suppress(TremplinError, OSError):  # the page will say what is wrong, to the learner
        scenario_candidates(open_world(default_data_root(data_root) / "world"))


def scenario_html(scenario: SearchScenario) -> str:
    text = t(
        "pages.search_mission",
        job=scenario.job,
        commune=scenario.commune,
        radius=scenario.radius_km,
        contract=scenario.contract,
        count=scenario.min_saved,
    )
    return mission_html(t("pages.mission_heading"), [text])


class SearchActivity:
    """The live pieces of one page, kept so a simulated learner or a test can drive them."""

    def __init__(
        self, workspace: Workspace, world: Any, activity: str, data_root: Path, *, with_panel: bool
    ) -> None:
        self.workspace, self.world, self.activity, self.data_root = workspace, world, activity, data_root
        self.scenario: SearchScenario = load_context(workspace.root, activity, world=world).scenario
        self.panel = FeedbackPanel(lambda: _panel_items(self)) if with_panel else None
        engine = open_engine(data_root / "world")
        journal = ActivityJournal(workspace, activity)
        self.search = SearchWidget(engine, journal, on_change=self.panel.notify if self.panel else None)
        children: list[widgets.Widget] = [html_widget(scenario_html(self.scenario)), self.search.widget]
        if self.panel:
            children.append(self.panel.widget)
        self.widget = column(children)

    def results(self) -> list[Any]:
        context = load_context(self.workspace.root, self.activity, world=self.world)
        return run_checks(context, SEARCH_EPREUVE)


def _panel_items(activity: SearchActivity) -> list[PanelItem]:
    return panel_items(activity.results())


__all__ = ["learner_workspace", "preload", "show", "show_search_epreuve", "show_search_lesson"]


def build_search_activity(
    workspace: Workspace,
    activity: str,
    *,
    data_root: Path | None = None,
    world: Any | None = None,
    with_panel: bool = True,
) -> SearchActivity:
    """The search widget on the learner's workspace, with their mission and (in a lesson) the panel."""
    root = default_data_root(data_root)
    return SearchActivity(
        workspace, world or open_world(root / "world"), activity, root, with_panel=with_panel
    )


def show_search_lesson(activity: str = SEARCH_LESSON) -> None:
    """The lesson page; returns nothing, so the notebook cell shows only the widgets."""
    _show_page(activity, with_panel=True)


def show_search_epreuve(epreuve: str = SEARCH_EPREUVE) -> None:
    """The épreuve page: its statement, the learner's mission, the search and the hand-in."""
    show_statement(epreuve)
    _show_page(epreuve, with_panel=False, hand_in=True)


def _show_page(activity: str, *, with_panel: bool, hand_in: bool = False) -> SearchActivity | None:
    return show_activity(
        lambda workspace: build_search_activity(workspace, activity, with_panel=with_panel),
        hand_in=activity if hand_in else None,
    )
