"""Pages of « Se renseigner sur l'employeur »: the mission (two employers to look up), the
« Annuaire des entreprises » over the world's directory (homonyms included), then the hand-in
button (épreuve) or the « Vérifier » panel (lesson, same checks on the lesson's own journal).

`build_employer_activity()` returns the live page, which tests and the demo learners drive
exactly as a learner clicks; page_support finds the visit and the world and speaks French.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets
from tremplin.grading.check_context import load_context
from tremplin.grading.checks import check_workspace
from tremplin.grading.employer_scenario import EPREUVE, LESSON, EmployerScenario
from tremplin.grading.page_support import mission_html, open_world, panel_items, show_activity, show_statement
from tremplin.widgets.activity import ActivityJournal
from tremplin.widgets.employer_widget import EmployerWidget
from tremplin.widgets.feedback_panel import FeedbackPanel, PanelItem
from tremplin.widgets.i18n import t
from tremplin.widgets.paths import data_root as default_data_root
from tremplin.widgets.workspace import Workspace

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


class EmployerActivity:
    """The live pieces of one page, kept so a simulated learner or a test can drive them."""

    def __init__(
        self, workspace: Workspace, world: Any, data_root: Path, activity: str = EPREUVE, *, with_panel: bool
    ) -> None:
        self.workspace, self.world, self.data_root, self.activity = workspace, world, data_root, activity
        self.scenario: EmployerScenario = load_context(workspace.root, activity, world=world).scenario
        self.panel = FeedbackPanel(self.panel_items) if with_panel else None
        self.directory = EmployerWidget(world.employers, ActivityJournal(workspace, activity),
                                        on_change=self.panel.notify if self.panel else None)
        shown = [widgets.HTML(employer_mission_html(self.scenario)), self.directory.widget]
        self.widget = widgets.VBox(shown + ([self.panel.widget] if self.panel else []))

    def results(self) -> list[Any]:
        return check_workspace(self.workspace.root, self.activity, world=self.world)

    def panel_items(self) -> list[PanelItem]:
        return panel_items(self.results())


def build_employer_activity(
    workspace: Workspace, *, data_root: Path | None = None, world: Any | None = None,
    activity: str = EPREUVE, with_panel: bool = False,
) -> EmployerActivity:
    root = default_data_root(data_root)
    world = world or open_world(root / "world")
    return EmployerActivity(workspace, world, root, activity, with_panel=with_panel)


def show_employer_epreuve(epreuve: str = EPREUVE) -> None:
    """The épreuve page: statement, the learner's mission, the directory and the hand-in."""
    show_statement(epreuve)
    show_activity(lambda workspace: build_employer_activity(workspace, activity=epreuve), hand_in=epreuve)
