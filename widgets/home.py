"""The kiosk home page: a warm welcome, pseudonym and code, then the learner's lessons and épreuves.

A returning learner types their pseudonym and code; a first visit chooses a pseudonym and
writes down the code the kiosk proposes (widgets/visit_code.py). Pages are discovered, not
listed by hand: every notebook in lecons/ and epreuves/ of the folder served appears,
titled by its metadata `tremplin.title` or its first heading. The page's state (who is
here) lives in the visit file, never only in the kernel, so coming back to the home page
with `?visit=` shows the same list without asking again.

After sign-in, when the notebook passes a progress provider (grading/learner_progress.py),
the page also shows « Où j'en suis », « Et maintenant ? » and « Mes retours », computed in
the background so the page opens as fast as before; « Mes documents » zips the learner's
documents on demand.

The end of a visit reaches this page in two ways: « Terminer ma visite » here (the message
then carries `data-tremplin-ended`, and tremplin.js clears the browser and reloads the home
page), or an address `?visit=<token>&fin=<reason>` that tremplin.js opens when the learner
has been away too long (or clicks « Terminer » in another page's header): the visit is
ended before anything else, and the page says why.
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path

import ipywidgets as widgets
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.home_progress import (
    DOCUMENTS_ZIP,
    PageLink,
    ProgressProvider,
    documents_zip,
    feedback_html,
    next_html,
    progress_html,
)
from tremplin.widgets.i18n import current_locale, t
from tremplin.widgets.visit import Visit, current_visit, end_visit, guard_visit, page_url, request_query
from tremplin.widgets.visit_code import create_learner, propose_code, sign_in

LESSONS_DIR, EPREUVES_DIR = "lecons", "epreuves"
#: Why a visit ended, as tremplin.js names it in `?fin=`: the message to show for each.
END_REASONS = {"terminee": "kiosk.ended", "inactivite": "kiosk.timed_out"}
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
LOG = logging.getLogger(__name__)
__all__ = ["HomePage", "PageLink", "discover_pages", "notebook_title", "show_home"]


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
    """metadata.tremplin.title (title_en first on an English page), else the first markdown
    heading, else the file name made readable.

    Read as plain JSON (nbformat costs seconds to import): the home page must open fast.
    """
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        notebook = {}
    meta = (notebook.get("metadata") or {}).get("tremplin") or {}
    keys = ("title_en", "title") if current_locale() == "en" else ("title",)
    for key in keys:
        title = meta.get(key)
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


def _message_html(text: str, role: str = "status", ended: str = "") -> str:
    """A message box; `ended` marks the end of a visit for tremplin.js (clear the browser, reload)."""
    marker = f' data-tremplin-ended="{html.escape(ended)}"' if ended else ""
    return f'<div class="tremplin-message" role="{role}"{marker}><p>{html.escape(text)}</p></div>'


def _links_html(heading: str, empty: str, pages: list[PageLink], visit: Visit) -> str:
    items = "".join(
        f'<li><a class="tremplin-big-link" href="{html.escape(page_url(page.path, visit))}">'
        f"{html.escape(page.title)}</a></li>"
        for page in pages
    )
    body = f'<ul class="tremplin-pages">{items}</ul>' if pages else f"<p>{html.escape(empty)}</p>"
    return f"<h2>{html.escape(heading)}</h2>{body}"


def _field(widget_class: type, label: str, placeholder: str = "") -> widgets.Widget:
    return widget_class(
        description=label,
        placeholder=placeholder,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="100%", max_width="32em"),
    )


def _paragraphs(*keys: str) -> widgets.HTML:
    return widgets.HTML("".join(f"<p>{html.escape(t(key))}</p>" for key in keys))


class HomePage:
    """The live widgets of the home page; tests drive it by setting values and calling handlers."""

    def __init__(
        self,
        root: Path | None = None,
        folder: Path | None = None,
        visit: Visit | None = None,
        ended: str | None = None,
        progress: ProgressProvider | None = None,
        *,
        background: bool = False,
    ):
        self.root = root
        self.provider, self.background = progress, background
        self.folder = notebooks_dir(folder)
        self.visit: Visit | None = None
        self.welcome = widgets.HTML(self._welcome_html())
        self.message = widgets.HTML()
        # A returning learner: pseudonym and code.
        self.pseudonym = _field(widgets.Text, t("kiosk.pseudonym_label"), t("kiosk.pseudonym_placeholder"))
        self.code = _field(widgets.Password, t("kiosk.code_label"), t("kiosk.code_placeholder"))
        self.sign_in_button = widgets.Button(
            description=t("kiosk.sign_in"), button_style="primary", tooltip=t("kiosk.sign_in_tooltip")
        )
        self.sign_in_button.on_click(self.on_sign_in)
        self.first_visit_button = widgets.Button(description=t("kiosk.first_visit"))
        self.first_visit_button.on_click(self.on_first_visit)
        self.form = widgets.VBox(
            [
                widgets.HTML(f"<h2>{html.escape(t('kiosk.returning_heading'))}</h2>"),
                _paragraphs("kiosk.returning_help"),
                self.pseudonym,
                self.code,
                self.sign_in_button,
                _paragraphs("kiosk.code_forgotten"),
                widgets.HTML(f"<h2>{html.escape(t('kiosk.first_heading'))}</h2>"),
                self.first_visit_button,
            ]
        )
        # A first visit: a pseudonym to choose and the code the kiosk proposes.
        placeholder = t("kiosk.pseudonym_placeholder")
        self.new_pseudonym = _field(widgets.Text, t("kiosk.new_pseudonym_label"), placeholder)
        self.new_code = _field(widgets.Text, t("kiosk.new_code_label"))
        self.start_button = widgets.Button(
            description=t("kiosk.start"), button_style="primary", tooltip=t("kiosk.start_tooltip")
        )
        self.start_button.on_click(self.on_start)
        self.back_button = widgets.Button(description=t("kiosk.back_to_sign_in"))
        self.back_button.on_click(self.on_back)
        self.first_form = widgets.VBox(
            [
                widgets.HTML(f"<h2>{html.escape(t('kiosk.first_heading'))}</h2>"),
                _paragraphs("kiosk.pseudonym_help"),
                self.new_pseudonym,
                _paragraphs("kiosk.code_help"),
                self.new_code,
                self.start_button,
                self.back_button,
            ]
        )
        self.pages = widgets.HTML()
        self.end_button = widgets.Button(description=t("kiosk.end"), tooltip=t("kiosk.end_tooltip"))
        self.end_button.on_click(self.on_end)
        end_text = widgets.HTML(
            f"<h2>{html.escape(t('kiosk.end_heading'))}</h2><p>{html.escape(t('kiosk.end_help'))}</p>"
        )
        # After sign-in: progress, next steps and feedback (from the provider), documents.
        self.progress = widgets.HTML()
        self.documents_button = widgets.Button(
            description=t("home.documents_button"), tooltip=t("home.documents_tooltip"), icon="download"
        )
        self.documents_button.on_click(self.on_documents)
        self.documents_link = widgets.HTML()
        documents = widgets.VBox(
            [
                widgets.HTML(
                    f"<h2>{html.escape(t('home.documents_heading'))}</h2>"
                    f"<p>{html.escape(t('home.documents_help'))}</p>"
                ),
                self.documents_button,
                self.documents_link,
            ]
        )
        self.session = widgets.VBox([self.pages, self.progress, documents, end_text, self.end_button])
        self.widget = widgets.VBox([self.welcome, self.message, self.form, self.first_form, self.session])
        if ended:
            self.message.value = _message_html(t(END_REASONS.get(ended, "kiosk.ended")))
        self._show(visit)

    def _welcome_html(self) -> str:
        keys = ("kiosk.intro_what", "kiosk.intro_calm")
        paragraphs = "".join(f"<p>{html.escape(t(key))}</p>" for key in keys)
        return f"<h1>{html.escape(t('kiosk.welcome'))}</h1>{paragraphs}"

    def _show(self, visit: Visit | None, new_code: str = "", first: bool = False) -> None:
        """Show the sign-in form, the first-visit form, or (with a visit) the learner's pages."""
        self.visit = visit
        self.code.value = ""
        if visit is None:
            self.form.layout.display = "none" if first else None
            self.first_form.layout.display = None if first else "none"
            self.session.layout.display = "none"
            self.pages.value = self.progress.value = self.documents_link.value = ""
            return
        lessons = discover_pages(self.folder, LESSONS_DIR)
        epreuves = discover_pages(self.folder, EPREUVES_DIR)
        hello = html.escape(t("kiosk.hello", pseudonym=visit.pseudonym))
        reminder = f"<p><strong>{html.escape(t('kiosk.code_reminder', code=new_code))}</strong></p>"
        self.pages.value = (
            f'<div class="tremplin-visit" data-tremplin-visit="{html.escape(visit.token or "")}">'
            f"<h2>{hello}</h2>{reminder if new_code else ''}<p>{html.escape(t('kiosk.choose'))}</p>"
            + _links_html(t("kiosk.lessons"), t("kiosk.no_lessons"), lessons, visit)
            + _links_html(t("kiosk.epreuves"), t("kiosk.no_epreuves"), epreuves, visit)
            + "</div>"
        )
        self.form.layout.display = self.first_form.layout.display = "none"
        self.session.layout.display = None
        self.documents_link.value = ""
        self._load_progress(visit, lessons, epreuves)

    def _load_progress(self, visit: Visit, lessons: list[PageLink], epreuves: list[PageLink]) -> None:
        """Ask the provider for the learner's progress; in the background under Voilà."""
        if self.provider is None:
            self.progress.value = ""
            return
        self.progress.value = f'<p role="status">{html.escape(t("home.loading"))}</p>'
        if self.background:
            threading.Thread(
                target=self._fill_progress,
                args=(visit, lessons, epreuves),
                name="tremplin-home-progress",
                daemon=True,
            ).start()
        else:
            self._fill_progress(visit, lessons, epreuves)

    def _fill_progress(self, visit: Visit, lessons: list[PageLink], epreuves: list[PageLink]) -> None:
        try:
            progress = self.provider(visit, lessons, epreuves)  # type: ignore[misc]
            shown = progress_html(progress) + next_html(progress, visit) + feedback_html(progress)
        except Exception:  # the learner gets a kind word, the log the traceback
            LOG.exception("home progress failed")
            shown = f'<p role="status">{html.escape(t("home.progress_failed"))}</p>'
        if self.visit == visit:  # the learner may have left in the meantime
            self.progress.value = shown

    def on_documents(self, _button: widgets.Button | None = None) -> None:
        """« Télécharger mes documents »: a zip of « Mes documents », carried in the page."""
        from tremplin.widgets.files_widget import download_link

        if self.visit is None:
            return
        try:
            data = documents_zip(Path(self.visit.workspace))
        except TremplinError as error:
            self.documents_link.value = f'<p role="alert">{html.escape(str(error))}</p>'
            return
        if data is None:
            self.documents_link.value = f'<p role="status">{html.escape(t("home.no_documents"))}</p>'
            return
        self.documents_link.value = download_link(DOCUMENTS_ZIP, data)

    def _opened(self, visit: Visit, new_code: str = "") -> None:
        self.message.value = ""
        self.pseudonym.value = self.new_pseudonym.value = self.new_code.value = ""
        guard_visit(visit, self.root)  # under Voilà: this kernel ends with the visit
        self._show(visit, new_code)

    def on_sign_in(self, _button: widgets.Button | None = None) -> None:
        """« Ouvrir mon espace »: pseudonym and code; one message whatever was wrong."""
        try:
            visit = sign_in(self.pseudonym.value, self.code.value, self.root)
        except TremplinError as error:
            self.code.value = ""
            self.message.value = _message_html(str(error), role="alert")
            return
        self._opened(visit)

    def on_first_visit(self, _button: widgets.Button | None = None) -> None:
        """« C'est ma première visite »: propose a code to write down."""
        self.message.value = ""
        self.new_code.value = propose_code()
        if self.pseudonym.value.strip() and not self.new_pseudonym.value:
            self.new_pseudonym.value = self.pseudonym.value
        self._show(None, first=True)

    def on_back(self, _button: widgets.Button | None = None) -> None:
        self.message.value = ""
        self._show(None)

    def on_start(self, _button: widgets.Button | None = None) -> None:
        """« Commencer » (first visit): create the learner's space with their code, or say what is wrong."""
        code = self.new_code.value.strip()
        try:
            visit = create_learner(self.new_pseudonym.value, code, self.root)
        except TremplinError as error:
            self.message.value = _message_html(str(error), role="alert")
            return
        self._opened(visit, new_code=code)

    def on_end(self, _button: widgets.Button | None = None) -> None:
        """ "Terminer ma visite": forget the token; tremplin.js then clears the browser."""
        if self.visit is not None and self.visit.token:
            end_visit(self.visit.token, self.root)
        self.pseudonym.value = ""
        self.message.value = _message_html(t("kiosk.ended"), ended="terminee")
        self._show(None)


def show_home(
    root: Path | None = None,
    folder: Path | None = None,
    display: Callable[[object], None] | None = None,
    progress: ProgressProvider | None = None,
) -> None:
    """Show the home page for the learner in front of it (their visit, if the URL carries one).

    An address with `fin=` ends its visit first (the inactivity timer and the other pages'
    « Terminer » link come here), and never reopens it. Returns nothing, so the notebook
    cell prints no stray value under the widgets; tests build a `HomePage` directly.
    `progress` (given by the notebook) computes the learner's progress after sign-in.
    """
    query = request_query()
    ended = query.get("fin")
    if ended:
        end_visit(query.get("visit"), root)
        page = HomePage(root, folder, None, ended=ended, progress=progress, background=True)
    else:
        page = HomePage(root, folder, current_visit(root), progress=progress, background=True)
    if display is None:
        from IPython.display import display
    display(page.widget)
