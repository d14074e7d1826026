"""The « adapter sa recherche » épreuve page: the two-step mission, one search widget, hand-in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets
from tremplin.grading.check_context import load_context
from tremplin.grading.page_support import mission_html, open_engine, open_world, show_activity, show_statement
from tremplin.grading.variant_scenario import EPREUVE, VariantScenario
from tremplin.widgets.activity import ActivityJournal
from tremplin.widgets.i18n import t
from tremplin.widgets.paths import data_root as default_data_root
from tremplin.widgets.search_widget import SearchWidget
from tremplin.widgets.workspace import Workspace


def variant_mission_html(scenario: VariantScenario) -> str:
    steps = [
        t(f"variant.step{n}", job=s.job, contract=s.contract, km=s.radius_km, commune=s.commune,
          count=s.min_saved)
        for n, s in ((1, scenario.first), (2, scenario.second))
    ]
    return mission_html(t("variant.mission_heading"), steps)


class VariantActivity:
    """The live pieces of the page, kept so a simulated learner or a test can drive them."""

    def __init__(self, workspace: Workspace, world: Any, data_root: Path) -> None:
        self.workspace, self.world, self.data_root = workspace, world, data_root
        self.scenario: VariantScenario = load_context(workspace.root, EPREUVE, world=world).scenario
        self.search = SearchWidget(open_engine(data_root / "world"), ActivityJournal(workspace, EPREUVE))
        self.widget = widgets.VBox([widgets.HTML(variant_mission_html(self.scenario)), self.search.widget])


def build_variant_activity(
    workspace: Workspace, *, data_root: Path | None = None, world: Any | None = None
) -> VariantActivity:
    root = default_data_root(data_root)
    return VariantActivity(workspace, world or open_world(root / "world"), root)


def show_variant_epreuve(epreuve: str = EPREUVE) -> None:
    """The épreuve page: statement, the learner's two-step mission, the search and the hand-in."""
    show_statement(epreuve)
    show_activity(build_variant_activity, hand_in=epreuve)
