"""Pages of « Se renseigner sur l'employeur »: the mission (two employers to look up), the
« Annuaire des entreprises » over the world's directory (homonyms included), then the hand-in
button (épreuve) or the « Vérifier » panel (lesson, same checks on the lesson's own journal).

`build_employer_activity()` returns the live page, which tests and the demo learners drive
exactly as a learner clicks; page_support finds the visit and the world and speaks French.
"""

from __future__ import annotations

import ipywidgets as widgets
from tremplin.grading.employer_scenario import EPREUVE, LESSON, EmployerScenario
from tremplin.grading.page_support import ActivityPage, mission_html, show_activity, show_statement
from tremplin.widgets.employer_widget import EmployerWidget
from tremplin.widgets.i18n import t

__all__ = ["EPREUVE", "LESSON", "EmployerActivity", "build_employer_activity", "employer_mission_html",
           "show_employer_epreuve"]


def employer_mission_html(scenario: EmployerScenario) -> str:
    """The learner's three steps: open the offer's employer, note it, find the right homonym."""
    return mission_html(t("employer.mission_heading"), [
        t("employer.mission_offer", title=scenario.offer_title, reference=scenario.offer_reference,
          name=scenario.employer_name),
        t("employer.mission_note"),
        t("employer.mission_homonym", name=scenario.target_name, commune=scenario.target_commune,
          email=scenario.misleading_email),
    ])


class EmployerActivity(ActivityPage):
    """The mission and the employers' directory (search, page, note, address check)."""

    EPREUVE = EPREUVE

    def parts(self) -> list[widgets.Widget]:
        self.directory = EmployerWidget(self.world.employers, self.journal, on_change=self.notify)
        return [widgets.HTML(employer_mission_html(self.scenario)), self.directory.widget]


build_employer_activity = EmployerActivity.build


def show_employer_epreuve(epreuve: str = EPREUVE) -> None:
    """The épreuve page: statement, the learner's mission, the directory and the hand-in."""
    show_statement(epreuve)
    show_activity(lambda workspace: build_employer_activity(workspace, activity=epreuve), hand_in=epreuve)
