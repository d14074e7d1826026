"""The kiosk home page: a warm welcome, the pseudonym, then the learner's lessons and épreuves.

Pages are discovered, not listed by hand: every notebook in lecons/ and epreuves/ of the
folder served appears, titled by its metadata `tremplin.title` or its first heading. The
page's state (who is here) lives in the visit file, never only in the kernel, so coming
back to the home page with `?visit=` shows the same list without asking again.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import ipywidgets as widgets
from tremplin.widgets.i18n import t
from tremplin.widgets.visit import Visit, current_visit, end_visit, page_url, start_visit
from tremplin.widgets.workspace import WorkspaceError

LESSONS_DIR, EPREUVES_DIR = "lecons", "epreuves"
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


@dataclass(frozen=True)
class PageLink:
    """One page the learner can open: its title and its path relative to the folder served."""

    title: str
    path: str


def notebooks_dir(explicit: Path | None = None) -> Path:
    """The folder the kiosk serves: the argument, else $TREMPLIN_NOTEBOOKS, else the kit's notebooks/."""
    if explicit is not None:
        return Path(explicit)
    from_env = os.environ.get("TREMPLIN_NOTEBOOKS")
    if from_env:
        return Path(from_env)
    from tremplin import NOTEBOOKS_DIR

    return NOTEBOOKS_DIR


def notebook_title(path: Path) -> str:
    """metadata.tremplin.title, else the first markdown heading, else the file name made readable.

    Read as plain JSON (nbformat costs seconds to import): the home page must open fast.
    """
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        notebook = {}
    title = ((notebook.get("metadata") or {}).get("tremplin") or {}).get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    for cell in notebook.get("cells") or []:
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        match = _HEADING.search(source)
        if match:
            return match.group(1).strip()
    return re.sub(r"^\d+[-_ ]*", "", path.stem).replace("-", " ").replace("_", " ").strip().capitalize()


def discover_pages(folder: Path, subfolder: str) -> list[PageLink]:
    """The notebooks of one subfolder, in file-name order (number them to order them)."""
    base = folder / subfolder
    if not base.is_dir():
        return []
    return [
        PageLink(notebook_title(path), f"{subfolder}/{path.name}")
        for path in sorted(base.glob("*.ipynb"))
        if not path.name.startswith(".")
    ]


def _message_html(text: str, role: str = "status") -> str:
    return f'<div class="tremplin-message" role="{role}"><p>{html.escape(text)}</p></div>'


def _links_html(heading: str, empty: str, pages: list[PageLink], visit: Visit) -> str:
    items = "".join(
        f'<li><a class="tremplin-big-link" href="{html.escape(page_url(page.path, visit))}">'
        f"{html.escape(page.title)}</a></li>"
        for page in pages
    )
    body = f'<ul class="tremplin-pages">{items}</ul>' if pages else f"<p>{html.escape(empty)}</p>"
    return f"<h2>{html.escape(heading)}</h2>{body}"


class HomePage:
    """The live widgets of the home page; tests drive it by setting values and calling handlers."""

    def __init__(self, root: Path | None = None, folder: Path | None = None, visit: Visit | None = None):
        self.root = root
        self.folder = notebooks_dir(folder)
        self.visit: Visit | None = None
        self.welcome = widgets.HTML(self._welcome_html())
        self.pseudonym = widgets.Text(
            description=t("kiosk.pseudonym_label"),
            placeholder=t("kiosk.pseudonym_placeholder"),
            style={"description_width": "initial"},
            layout=widgets.Layout(width="100%", max_width="32em"),
        )
        self.start_button = widgets.Button(
            description=t("kiosk.start"), button_style="primary", tooltip=t("kiosk.start_tooltip")
        )
        self.start_button.on_click(self.on_start)
        self.message = widgets.HTML()
        help_text = widgets.HTML(f"<p>{html.escape(t('kiosk.pseudonym_help'))}</p>")
        self.form = widgets.VBox([help_text, self.pseudonym, self.start_button])
        self.pages = widgets.HTML()
        self.end_button = widgets.Button(description=t("kiosk.end"), tooltip=t("kiosk.end_tooltip"))
        self.end_button.on_click(self.on_end)
        end_text = widgets.HTML(
            f"<h2>{html.escape(t('kiosk.end_heading'))}</h2><p>{html.escape(t('kiosk.end_help'))}</p>"
        )
        self.session = widgets.VBox([self.pages, end_text, self.end_button])
        self.widget = widgets.VBox([self.welcome, self.message, self.form, self.session])
        self._show(visit)

    def _welcome_html(self) -> str:
        keys = ("kiosk.intro_what", "kiosk.intro_calm")
        paragraphs = "".join(f"<p>{html.escape(t(key))}</p>" for key in keys)
        return f"<h1>{html.escape(t('kiosk.welcome'))}</h1>{paragraphs}"

    def _show(self, visit: Visit | None) -> None:
        """Show the form (no visit) or the learner's pages (a visit)."""
        self.visit = visit
        if visit is None:
            self.form.layout.display = None
            self.session.layout.display = "none"
            self.pages.value = ""
            return
        lessons = discover_pages(self.folder, LESSONS_DIR)
        epreuves = discover_pages(self.folder, EPREUVES_DIR)
        hello = html.escape(t("kiosk.hello", pseudonym=visit.pseudonym))
        self.pages.value = (
            f"<h2>{hello}</h2><p>{html.escape(t('kiosk.choose'))}</p>"
            + _links_html(t("kiosk.lessons"), t("kiosk.no_lessons"), lessons, visit)
            + _links_html(t("kiosk.epreuves"), t("kiosk.no_epreuves"), epreuves, visit)
        )
        self.form.layout.display = "none"
        self.session.layout.display = None

    def on_start(self, _button: widgets.Button | None = None) -> None:
        """"Commencer": open the learner's workspace and start the visit, or say what is wrong."""
        try:
            visit = start_visit(self.pseudonym.value, self.root)
        except WorkspaceError as error:
            self.message.value = _message_html(str(error), role="alert")
            return
        self.message.value = ""
        self._show(visit)

    def on_end(self, _button: widgets.Button | None = None) -> None:
        """"Terminer ma visite": forget the token and say that nothing stays on this computer."""
        if self.visit is not None and self.visit.token:
            end_visit(self.visit.token, self.root)
        self.pseudonym.value = ""
        self.message.value = _message_html(t("kiosk.ended"))
        self._show(None)


def show_home(
    root: Path | None = None,
    folder: Path | None = None,
    display: Callable[[object], None] | None = None,
) -> None:
    """Show the home page for the learner in front of it (their visit, if the URL carries one).

    Returns nothing, so the notebook cell prints no stray value under the widgets; tests
    build a `HomePage` directly.
    """
    page = HomePage(root, folder, current_visit(root))
    if display is None:
        from IPython.display import display
    display(page.widget)
