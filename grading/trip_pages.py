"""The « Préparer le trajet » pages (épreuve and lesson): the learner's mission, the route planner
with its offline map, the monthly-cost answer, and either the hand-in or the « Vérifier » panel.

Everything a page does is reachable through `build_trip_activity()`, so a test or a simulated
learner drives the same widgets a learner clicks; the visit, the world and the French messages
come from page_support, like every page.
"""

from __future__ import annotations

import ipywidgets as widgets
from tremplin.grading.page_support import ActivityPage, mission_html, show_activity, show_statement
from tremplin.grading.trip_scenario import EPREUVE, LESSON, TripScenario, planner_for
from tremplin.widgets.i18n import t
from tremplin.widgets.route_widget import CostAnswer, RouteWidget

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


class TripActivity(ActivityPage):
    """The mission, the planner with its map, and the monthly-cost answer."""

    EPREUVE = EPREUVE

    def parts(self) -> list[widgets.Widget]:
        self.route = RouteWidget(planner_for(self.world), self.journal, on_change=self.notify,
                                 origin=self.scenario.home)
        self.answer = CostAnswer(self.journal, on_change=self.notify)
        return [widgets.HTML(trip_mission_html(self.scenario)), self.route.widget, self.answer.widget]


build_trip_activity = TripActivity.build


def show_trip_epreuve(epreuve: str = EPREUVE) -> None:
    """The épreuve page: statement, the learner's mission, the planner, the answer and the hand-in."""
    show_statement(epreuve)
    show_activity(lambda workspace: build_trip_activity(workspace, activity=epreuve), hand_in=epreuve)
