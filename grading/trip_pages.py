"""The « Préparer le trajet » pages (épreuve and lesson): the learner's mission, the route planner
with its offline map, the monthly-cost answer, and either the hand-in or the « Vérifier » panel.

Everything a page does is reachable through `build_trip_activity()`, so a test or a simulated
learner drives the same widgets a learner clicks; the visit, the world and the French messages
come from page_support, like every page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets
from tremplin.grading.check_context import load_context
from tremplin.grading.checks import run_checks
from tremplin.grading.page_support import mission_html, open_world, panel_items, show_activity, show_statement
from tremplin.grading.trip_scenario import EPREUVE, LESSON, TripScenario, planner_for
from tremplin.widgets.activity import ActivityJournal
from tremplin.widgets.feedback_panel import FeedbackPanel, PanelItem
from tremplin.widgets.i18n import t
from tremplin.widgets.paths import data_root as default_data_root
from tremplin.widgets.route_widget import CostAnswer, RouteWidget
from tremplin.widgets.workspace import Workspace

__all__ = ["EPREUVE", "LESSON", "TripActivity", "build_trip_activity", "show_trip_epreuve",
           "trip_mission_html"]


def trip_mission_html(scenario: TripScenario) -> str:
    """The learner's three steps: the interview on time, the job with a change, the month's cost."""
    return mission_html(t("trip.mission_heading"), [
        t("trip.mission_interview", home=scenario.home, employer=scenario.interview_employer,
          commune=scenario.interview_commune, day=scenario.interview_day, time=scenario.interview_time),
        t("trip.mission_job", employer=scenario.job_employer, commune=scenario.job_commune,
          time=scenario.job_start),
        t("trip.mission_cost", days=scenario.working_days, commune=scenario.job_commune),
    ])


class TripActivity:
    """The live pieces of one page, kept so a simulated learner or a test can drive them."""

    def __init__(
        self, workspace: Workspace, world: Any, data_root: Path, activity: str = EPREUVE, *, with_panel: bool
    ) -> None:
        self.workspace, self.world, self.data_root, self.activity = workspace, world, data_root, activity
        self.scenario: TripScenario = load_context(workspace.root, activity, world=world).scenario
        self.panel = FeedbackPanel(self.panel_items) if with_panel else None
        notify = self.panel.notify if self.panel else None
        journal = ActivityJournal(workspace, activity)
        self.route = RouteWidget(planner_for(world), journal, on_change=notify, origin=self.scenario.home)
        self.answer = CostAnswer(journal, on_change=notify)
        children: list[widgets.Widget] = [
            widgets.HTML(trip_mission_html(self.scenario)), self.route.widget, self.answer.widget
        ]
        if self.panel:
            children.append(self.panel.widget)
        self.widget = widgets.VBox(children)

    def results(self) -> list[Any]:
        return run_checks(load_context(self.workspace.root, self.activity, world=self.world), self.activity)

    def panel_items(self) -> list[PanelItem]:
        return panel_items(self.results())


def build_trip_activity(
    workspace: Workspace, *, data_root: Path | None = None, world: Any | None = None,
    activity: str = EPREUVE, with_panel: bool = False,
) -> TripActivity:
    root = default_data_root(data_root)
    world = world or open_world(root / "world")
    return TripActivity(workspace, world, root, activity, with_panel=with_panel)


def show_trip_epreuve(epreuve: str = EPREUVE) -> None:
    """The épreuve page: statement, the learner's mission, the planner, the answer and the hand-in."""
    show_statement(epreuve)
    show_activity(lambda workspace: build_trip_activity(workspace, activity=epreuve), hand_in=epreuve)
