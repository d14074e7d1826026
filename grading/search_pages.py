"""The searching lesson and épreuve pages, composed from the widgets and the checks.

Notebooks call one function each, so everything a page does is reachable by tests; the
same composition serves Voilà (the learner), the demo (a simulated learner) and tests.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path
from typing import Any

import ipywidgets as widgets
from tremplin.grading.check_context import load_context
from tremplin.grading.checks import run_checks
from tremplin.grading.scenarios import SearchScenario
from tremplin.widgets.activity import ActivityJournal
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.feedback_panel import FeedbackPanel, PanelItem
from tremplin.widgets.i18n import t
from tremplin.widgets.paths import data_root as default_data_root
from tremplin.widgets.search import SearchEngine
from tremplin.widgets.search_widget import SearchWidget
from tremplin.widgets.workspace import Workspace

SEARCH_EPREUVE = "chercher-offres"
SEARCH_LESSON = "lecon-chercher-offres"


def scenario_html(scenario: SearchScenario) -> str:
    text = t(
        "pages.search_mission",
        job=scenario.job,
        commune=scenario.commune,
        radius=scenario.radius_km,
        contract=scenario.contract,
        count=scenario.min_saved,
    )
    heading = html.escape(t("pages.mission_heading"))
    return f'<div class="tremplin-mission" role="note"><h2>{heading}</h2><p>{html.escape(text)}</p></div>'


class SearchActivity:
    """The live pieces of one page, kept so a simulated learner or a test can drive them."""

    def __init__(
        self, workspace: Workspace, world: Any, activity: str, data_root: Path, *, with_panel: bool
    ) -> None:
        self.workspace, self.world, self.activity, self.data_root = workspace, world, activity, data_root
        self.scenario: SearchScenario = load_context(workspace.root, activity, world=world).scenario
        self.panel = FeedbackPanel(lambda: _panel_items(self)) if with_panel else None
        engine = _open_engine(data_root / "world")
        journal = ActivityJournal(workspace, activity)
        self.search = SearchWidget(engine, journal, on_change=self.panel.notify if self.panel else None)
        children: list[widgets.Widget] = [widgets.HTML(scenario_html(self.scenario)), self.search.widget]
        if self.panel:
            children.append(self.panel.widget)
        self.widget = widgets.VBox(children)

    def results(self) -> list[Any]:
        context = load_context(self.workspace.root, self.activity, world=self.world)
        return run_checks(context, SEARCH_EPREUVE)


def _panel_items(activity: SearchActivity) -> list[PanelItem]:
    return [
        PanelItem(t(f"checks.{r.id}.title"), r.passed, r.feedback, r.points, r.max_points)
        for r in activity.results()
    ]


@cache
def _open_world(world_dir: Path) -> Any:
    from tremplin.widgets.world import World

    return World.open(world_dir)


@cache
def _open_engine(world_dir: Path) -> SearchEngine:
    return SearchEngine.open(world_dir)


def preload(data_root: Path | None = None) -> None:
    """Open the world and its index ahead of the learner (a preheated kernel does it while waiting)."""
    try:
        world_dir = default_data_root(data_root) / "world"
        _open_engine(world_dir)
        _open_world(world_dir)
    except TremplinError:
        pass  # the page itself will say what is wrong once the learner is there


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
        workspace, world or _open_world(root / "world"), activity, root, with_panel=with_panel
    )


def _message(text: str) -> widgets.HTML:
    return widgets.HTML(f'<div class="tremplin-message" role="alert"><p>{html.escape(text)}</p></div>')


def learner_workspace() -> Workspace | None:
    """The workspace of the learner in front of the page (their visit), or None."""
    from tremplin.widgets.visit import current_visit

    visit = current_visit()
    if visit is None:
        return None
    return Workspace.open(Path(visit.workspace))


def show(widget: widgets.Widget) -> None:
    from IPython.display import display

    display(widget)


def show_search_lesson(activity: str = SEARCH_LESSON) -> None:
    """The lesson page; returns nothing, so the notebook cell shows only the widgets."""
    _show_page(activity, with_panel=True)


def show_search_epreuve(epreuve: str = SEARCH_EPREUVE) -> None:
    """The épreuve page: its statement, the learner's mission, the search and the hand-in."""
    from IPython.display import Markdown
    from tremplin.grading.epreuves import EPREUVES

    show(Markdown(EPREUVES[epreuve]["statement"]))
    _show_page(epreuve, with_panel=False, hand_in=True)


def _show_page(activity: str, *, with_panel: bool, hand_in: bool = False) -> SearchActivity | None:
    try:
        workspace = learner_workspace()
        if workspace is None:
            from tremplin.widgets.visit import missing_visit_html

            show(widgets.HTML(missing_visit_html()))
            return None
        page = build_search_activity(workspace, activity, with_panel=with_panel)
    except TremplinError as error:
        show(_message(str(error)))
        return None
    if hand_in:
        from tremplin.grading.handin_widget import HandInButton

        page.widget.children = (
            *page.widget.children,
            HandInButton(page.data_root, activity, workspace).widget,
        )
    show(page.widget)
    return page
