"""What every lesson and épreuve page shares: the learner in front of it, the world, showing it.

A page module builds its own activity (mission, widgets, panel); this module finds the
visit's workspace, opens the world and the search index once per kernel, and turns a
missing visit or a broken data folder into a French message instead of a traceback.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import ipywidgets as widgets
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.feedback_panel import PanelItem
from tremplin.widgets.i18n import SUPPORTED_LOCALES, catalogue, current_locale, t
from tremplin.widgets.paths import data_root as default_data_root
from tremplin.widgets.search import SearchEngine
from tremplin.widgets.workspace import Workspace


@cache
def open_world(world_dir: Path) -> Any:
    from tremplin.widgets.world import World

    return World.open(world_dir)


@cache
def open_engine(world_dir: Path) -> SearchEngine:
    return SearchEngine.open(world_dir)


def preload(data_root: Path | None = None) -> None:
    """Open the world, its index and the words of every language ahead of the learner (a
    preheated kernel does it while waiting; the learner's language is known only once there)."""
    for locale in SUPPORTED_LOCALES:
        catalogue(locale)
    try:
        world_dir = default_data_root(data_root) / "world"
        open_engine(world_dir)
        open_world(world_dir)
    except TremplinError:
        pass  # the page itself will say what is wrong once the learner is there


def message(text: str) -> widgets.HTML:
    return widgets.HTML(f'<div class="tremplin-message" role="alert"><p>{html.escape(text)}</p></div>')


def mission_html(heading: str, paragraphs: list[str]) -> str:
    """The learner's own task, as a note at the top of the page (every text escaped)."""
    body = "".join(f"<p>{html.escape(text)}</p>" for text in paragraphs)
    return f'<div class="tremplin-mission" role="note"><h2>{html.escape(heading)}</h2>{body}</div>'


def panel_items(results: list[Any]) -> list[PanelItem]:
    """Check results as the formative « Vérifier » panel lists them, titled by their catalogue."""
    from tremplin.grading.check_model import REGISTRY

    items = []
    for result in results:
        spec = REGISTRY.get(result.id)
        title = t(spec.title_key) if spec else result.id
        items.append(PanelItem(title, result.passed, result.feedback, result.points, result.max_points))
    return items


class ActivityPage:
    """One lesson or épreuve page: the learner's scenario, the widgets a subclass makes in
    `parts()`, and in a lesson the « Vérifier » panel running the checks on the page's journal.

    Kept alive by the page so a simulated learner or a test drives the same widgets."""

    def __init__(
        self, workspace: Workspace, world: Any, data_root: Path, activity: str, *, with_panel: bool = False
    ) -> None:
        from tremplin.grading.check_context import load_context
        from tremplin.widgets.activity import ActivityJournal
        from tremplin.widgets.feedback_panel import FeedbackPanel

        self.workspace, self.world, self.data_root, self.activity = workspace, world, data_root, activity
        self.scenario: Any = load_context(workspace.root, activity, world=world).scenario
        self.panel = FeedbackPanel(self.panel_items) if with_panel else None
        self.notify: Callable[[], None] | None = self.panel.notify if self.panel else None
        self.journal = ActivityJournal(workspace, activity)
        self.widget = widgets.VBox([*self.parts(), *([self.panel.widget] if self.panel else [])])

    def parts(self) -> list[Any]:
        """The page's widgets, top to bottom (the mission first)."""
        raise NotImplementedError

    def results(self) -> list[Any]:
        from tremplin.grading.checks import check_workspace

        return check_workspace(self.workspace.root, self.activity, world=self.world)

    def panel_items(self) -> list[PanelItem]:
        return panel_items(self.results())

    @classmethod
    def build(
        cls, workspace: Workspace, *, data_root: Path | None = None, world: Any | None = None,
        activity: str | None = None, with_panel: bool = False,
    ) -> Any:
        """The page on `workspace`, opening the data root's world unless one is given."""
        root = default_data_root(data_root)
        world = world or open_world(root / "world")
        return cls(workspace, world, root, activity or cls.EPREUVE, with_panel=with_panel)

    #: The épreuve a page class serves by default (its lesson passes `activity=`).
    EPREUVE = ""


def learner_workspace() -> Workspace | None:
    """The workspace of the learner in front of the page (their visit), or None."""
    from tremplin.widgets.visit import current_visit

    visit = current_visit()
    if visit is None:
        return None
    return Workspace.open(Path(visit.workspace))


def show(widget: Any) -> None:
    from IPython.display import display

    display(widget)


def show_statement(epreuve: str) -> None:
    from IPython.display import Markdown
    from tremplin.grading.epreuve_texts_en import STATEMENTS_EN
    from tremplin.grading.epreuves import EPREUVES

    english = current_locale() == "en" and STATEMENTS_EN.get(epreuve)
    show(Markdown(english or EPREUVES[epreuve]["statement"]))


def show_activity(build: Callable[[Workspace], Any], *, hand_in: str | None = None) -> Any | None:
    """Build the learner's page with `build(workspace)` and show it; `hand_in` adds that épreuve's
    « Rendre » button. Returns the page (for tests), or None when a French message was shown."""
    try:
        workspace = learner_workspace()
        if workspace is None:
            from tremplin.widgets.visit import missing_visit_html

            show(widgets.HTML(missing_visit_html()))
            return None
        page = build(workspace)
    except TremplinError as error:
        show(message(str(error)))
        return None
    if hand_in:
        from tremplin.grading.handin_widget import HandInButton

        button = HandInButton(page.data_root, hand_in, workspace)
        page.widget.children = (*page.widget.children, button.widget)
    show(page.widget)
    return page
