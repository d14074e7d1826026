"""The « Repérer une offre douteuse » pages (épreuve and lesson): the learner's mission, their six
offers to review one by one, and either the hand-in or the « Vérifier » panel.

Everything a page does is reachable through `build_scams_activity()`, so a test or a simulated
learner drives the same widget a learner clicks. The offers reach the widget without the
world's scam flags: the page never tells the answer.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
from tremplin.grading.page_support import (
    ActivityPage,
    mission_html,
    show_activity,
    show_statement,
)
from tremplin.grading.scams_scenario import EPREUVE, LESSON, ScamScenario
from tremplin.widgets.i18n import t
from tremplin.widgets.offer_review_widget import OfferReviewWidget

__all__ = ["EPREUVE", "LESSON", "ScamsActivity", "build_scams_activity", "scams_mission_html",
           "show_scams_epreuve"]


def scams_mission_html(scenario: ScamScenario, activity: str = EPREUVE) -> str:
    count = len(scenario.offer_ids)
    first = (t("scams.lesson_mission", count=count, job=scenario.job) if activity == LESSON
             else t("scams.mission_text", count=count, job=scenario.job))
    return mission_html(t("scams.mission_heading"), [first, t("scams.mission_steps")])


def shown_offer(world: Any, offer_id: str) -> dict[str, Any] | None:
    """An offer as a job board shows it: everything but the world's own scam flags."""
    offer = world.offer(offer_id)
    return None if offer is None else {k: v for k, v in offer.items() if not k.startswith("scam")}


class ScamsActivity(ActivityPage):
    """The mission and the learner's six offers, reviewed one at a time."""

    EPREUVE = EPREUVE

    def parts(self) -> list[widgets.Widget]:
        offers = [o for oid in self.scenario.offer_ids if (o := shown_offer(self.world, oid))]
        self.review = OfferReviewWidget(offers, self.journal, on_change=self.notify)
        return [widgets.HTML(scams_mission_html(self.scenario, self.activity)), self.review.widget]


build_scams_activity = ScamsActivity.build


def show_scams_epreuve(epreuve: str = EPREUVE) -> None:
    """The épreuve page: statement, the learner's mission, the six offers and the hand-in."""
    show_statement(epreuve)
    show_activity(lambda workspace: build_scams_activity(workspace, activity=epreuve), hand_in=epreuve)
