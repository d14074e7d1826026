"""The « adapter sa recherche » épreuve page: the two-step mission, one search widget, hand-in."""

from __future__ import annotations

import ipywidgets as widgets
from tremplin.grading.page_support import (
    ActivityPage,
    mission_html,
    open_engine,
    show_activity,
    show_statement,
)
from tremplin.grading.variant_scenario import EPREUVE, VariantScenario
from tremplin.widgets.i18n import t
from tremplin.widgets.search_widget import SearchWidget


def variant_mission_html(scenario: VariantScenario) -> str:
    steps = [
        t(f"variant.step{n}", job=s.job, contract=s.contract, km=s.radius_km, commune=s.commune,
          count=s.min_saved)
        for n, s in ((1, scenario.first), (2, scenario.second))
    ]
    return mission_html(t("variant.mission_heading"), steps)


class VariantActivity(ActivityPage):
    """The two-step mission and one search widget (no panel: the épreuve is graded)."""

    EPREUVE = EPREUVE

    def parts(self) -> list[widgets.Widget]:
        self.search = SearchWidget(open_engine(self.data_root / "world"), self.journal)
        return [widgets.HTML(variant_mission_html(self.scenario)), self.search.widget]


build_variant_activity = VariantActivity.build


def show_variant_epreuve(epreuve: str = EPREUVE) -> None:
    """The épreuve page: statement, the learner's two-step mission, the search and the hand-in."""
    show_statement(epreuve)
    show_activity(build_variant_activity, hand_in=epreuve)
