"""What the CV editor and the letter editor share: form rows, entry lists, preview, export, saving.

Both editors keep their state in the workspace (editor/cv.json, editor/letters/<id>.json),
show a live preview rendered from the same layout as the PDF and DOCX files, and export
through documents.export, so this module holds every piece they have in common; each
editor only says which fields it has and how they map to its document.
"""

from __future__ import annotations

import filecmp
import glob
import html
import logging
import os
import re
from collections.abc import Callable
from dataclasses import fields as dataclass_fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ipywidgets as w
from tremplin.widgets.documents import export as exporter
from tremplin.widgets.documents.errors import DocumentError
from tremplin.widgets.documents.layout import unprintable
from tremplin.widgets.documents.model import LINE_MAX, TEXT_MAX, Entry, save_json_atomic, write_atomic
from tremplin.widgets.documents.render_html import render_html
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t

LOG = logging.getLogger(__name__)

FORMATS = ("pdf", "docx")
MAX_FOLDERS = 300
#: Control characters and the invisible ones that reorder or hide text (bidi overrides, BOM).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_MARKUP = re.compile(r"<[^>]*>|&[#\w]+;")
_STYLE = {"description_width": "12em"}
#: Keeps the preview in view beside the form on a wide screen (plain CSS, no script): ipywidgets'
#: boxes scroll their own content (overflow: auto), which would pin the preview inside its row
#: only, so the boxes around it let it overflow; a preview taller than the window scrolls inside.
PREVIEW_CSS = """<style>
.jupyter-widget-box:has(.tremplin-editor-preview), .jp-OutputArea-output:has(.tremplin-editor-preview) {
  overflow: visible;
}
@media (min-width: 1000px) {
  .jupyter-widget-box.tremplin-editor-preview {
    position: sticky; top: 0; max-height: 100vh; overflow-y: auto;
  }
}
</style>"""


def editor_dir(workspace: Any) -> Path:
    """editor/ of the workspace (Workspace.editor_dir once it exists, the same folder until then)."""
    folder = getattr(workspace, "editor_dir", None)
    return Path(folder) if folder is not None else Path(workspace.root) / "editor"


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def limits(*fields: w.Text | w.Textarea) -> list[tuple[str, int]]:
    """(typed text, longest kept) of each field: a paragraph box keeps more than a one-line field."""
    return [(field.value, TEXT_MAX if isinstance(field, w.Textarea) else LINE_MAX) for field in fields]


def input_notes(values: list[tuple[str, int]]) -> list[str]:
    """French notes on typed text that will not be kept as typed (too long, invisible characters, markup)."""
    notes = []
    longest = [limit for value, limit in values if len(value.strip()) > limit]
    if longest:
        notes.append(t("editors.note_too_long", max=min(longest)))
    if any(_CONTROL.search(value.replace("\n", "").replace("\t", "")) for value, _limit in values):
        notes.append(t("editors.note_control"))
    if any(_MARKUP.search(value) for value, _limit in values):
        notes.append(t("editors.note_markup"))
    return notes


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [text for item in value for text in _strings(item)] if isinstance(value, list) else []


def unprintable_notes(data: dict[str, Any]) -> list[str]:
    """A French note naming the characters of a document (its JSON) that the PDF will leave out."""
    dropped = unprintable("\n".join(_strings(data)))
    if not dropped:
        return []
    shown = " ".join(char if char.isprintable() else f"U+{ord(char):04X}" for char in sorted(dropped)[:8])
    return [t("editors.note_unprintable", chars=shown)]


# -- form rows ----------------------------------------------------------------------------------


def text_row(label: str, value: str = "", *, placeholder: str = "", lines: int = 0) -> w.Text | w.Textarea:
    """One labelled input; `lines` > 0 gives a multi-line box that tall."""
    layout = w.Layout(width="100%", max_width="42em")
    if lines:
        layout.height = f"{1.6 * lines + 0.6:.1f}em"
        kind: type[w.Text] | type[w.Textarea] = w.Textarea
    else:
        kind = w.Text
    return kind(value=value, description=label, placeholder=placeholder, style=_STYLE, layout=layout)


def heading(title: str, help_text: str = "", level: int = 4) -> w.HTML:
    """A heading (left out when `title` is empty: no empty heading for screen readers) and a help line."""
    top = f"<h{level}>{esc(title)}</h{level}>" if title else ""
    body = f"<p>{esc(help_text)}</p>" if help_text else ""
    return w.HTML(top + body)


def lines_of(text: str) -> list[str]:
    """A « one per line » box as a list: blank lines dropped, each line trimmed."""
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


def template_choice(templates: tuple[str, ...] | list[str], value: str) -> w.ToggleButtons:
    options = [(t(f"editors.template_{name}"), name) for name in templates]
    return w.ToggleButtons(options=options, value=value if value in templates else templates[0],
                           description=t("editors.template"), style=_STYLE,
                           tooltips=[t(f"editors.template_{name}_tip") for name in templates])


def button(key: str, icon: str, action: Callable[[], Any], *, tip: str = "",
           primary: bool = False) -> w.Button:
    """A button labelled by catalogue `key` (its tooltip `key`_tip unless `tip`), as wide as its words."""
    made = w.Button(description=t(f"editors.{key}"), icon=icon, tooltip=tip or t(f"editors.{key}_tip"),
                    button_style="primary" if primary else "", layout=w.Layout(width="auto"))
    made.on_click(lambda _b: action())
    return made


def refresh_button(tooltip: str, action: Callable[[], Any]) -> w.Button:
    """« Actualiser »: reread a list drawn from « Mes documents » (files may have been added meanwhile)."""
    return button("refresh", "refresh", action, tip=tooltip)


class Status:
    """The one message area of an editor: what happened and what to do next, read out by screen readers."""

    def __init__(self) -> None:
        self.widget = w.HTML()
        self.text = ""

    def say(self, text: str, role: str = "status") -> None:
        self.text = text
        live = "assertive" if role == "alert" else "polite"
        paragraphs = "".join(f"<p>{esc(line)}</p>" for line in text.split("\n") if line)
        self.widget.value = f'<div role="{role}" aria-live="{live}">{paragraphs}</div>'


# -- entry lists --------------------------------------------------------------------------------

ENTRY_FIELDS = tuple(f.name for f in dataclass_fields(Entry))


class EntryRow:
    """One experience or training line: its fields and the buttons up, down and remove."""

    def __init__(self, kind: str, entry: Entry, act: Callable[[EntryRow, int | None], None]) -> None:
        self.fields: dict[str, w.Text | w.Textarea] = {
            name: text_row(t(f"editors.{kind}_{name}"), str(getattr(entry, name) or ""),
                           placeholder=t(f"editors.{kind}_{name}_placeholder"),
                           lines=3 if name == "details" else 0)
            for name in ENTRY_FIELDS
        }
        self.up = button("move_up", "arrow-up", lambda: act(self, -1))
        self.down = button("move_down", "arrow-down", lambda: act(self, 1))
        self.remove = button("remove", "trash", lambda: act(self, None))
        self.title = w.HTML()
        self.widget = w.VBox([self.title, *self.fields.values(), w.HBox([self.up, self.down, self.remove])],
                             layout=w.Layout(border="1px solid #bbb", padding="0.4em", margin="0.3em 0"))
        self.widget.add_class("tremplin-editor-entry")

    def entry(self) -> Entry:
        return Entry(**{name: field.value for name, field in self.fields.items()})


class EntryList:
    """An editable list of entries (experiences or trainings): add, remove, move up and down."""

    def __init__(self, kind: str, on_change: Callable[[], None]) -> None:
        self.kind = kind
        self.on_change = on_change
        self.rows: list[EntryRow] = []
        self.box = w.VBox()
        self.add_button = button(f"{kind}_add", "plus", self.add)
        self.widget = w.VBox([heading("", t(f"editors.{kind}_help")), self.box, self.add_button])

    def entries(self) -> list[Entry]:
        return [row.entry() for row in self.rows]

    def set(self, entries: list[Entry]) -> None:
        """Show `entries` (rows rebuilt; nothing announced: the caller refreshes)."""
        self.rows = []
        for entry in entries:
            row = EntryRow(self.kind, entry, self._act)
            for field in row.fields.values():
                field.observe(lambda _c: self.on_change(), names="value")
            self.rows.append(row)
        for number, row in enumerate(self.rows):
            row.title.value = f"<h5>{esc(t(f'editors.{self.kind}_number', number=number + 1))}</h5>"
            row.up.disabled = number == 0
            row.down.disabled = number == len(self.rows) - 1
        self.box.children = [row.widget for row in self.rows]

    def _act(self, row: EntryRow, delta: int | None) -> None:
        """A row's button: move it by `delta`, or remove it (None)."""
        if row in self.rows:
            index = self.rows.index(row)
            if delta is None:
                self.remove(index)
            else:
                self.move(index, delta)

    def add(self, entry: Entry | None = None) -> None:
        self.set([*self.entries(), entry or Entry()])
        self.on_change()

    def remove(self, index: int) -> None:
        entries = self.entries()
        if 0 <= index < len(entries):
            del entries[index]
            self.set(entries)
            self.on_change()

    def move(self, index: int, delta: int) -> None:
        entries = self.entries()
        target = index + delta
        if 0 <= index < len(entries) and 0 <= target < len(entries):
            entries[index], entries[target] = entries[target], entries[index]
            self.set(entries)
            self.on_change()


# -- preview ------------------------------------------------------------------------------------


class Preview:
    """The live preview: the document's blocks rendered to escaped HTML, kept in view while typing."""

    def __init__(self) -> None:
        self.html = w.HTML()
        self.widget = w.VBox([heading(t("editors.preview_heading"), t("editors.preview_help")), self.html],
                             layout=w.Layout(min_width="18em", flex="1 1 22em", align_self="flex-start"))
        self.widget.add_class("tremplin-editor-preview")
        self.style = w.HTML(PREVIEW_CSS)

    def show(self, blocks: list[Any], template: str, photo: bytes | None = None) -> None:
        try:
            self.html.value = render_html(blocks, template, photo=photo)
        except TremplinError as error:
            self.html.value = f'<p role="alert">{esc(error)}</p>'


def _version(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except (OSError, ValueError):
        return None
    return info.st_size, info.st_mtime_ns


class PreviewPhoto:
    """The CV photo as the export will embed it (export.photo_for), prepared once per version.

    Preparing a photo (Pillow) takes tens of milliseconds; the key (name, size, modification
    time) costs one stat, so typing stays a few milliseconds. `problem` is the French reason
    when the photo cannot be used (the export would refuse it too).
    """

    def __init__(self, workspace: Any) -> None:
        self.workspace = workspace
        self.key: tuple[Any, ...] | None = None
        self.data: bytes | None = None
        self.problem = ""

    def get(self, cv: Any) -> tuple[bytes | None, str]:
        name = str(cv.contact.photo or "").strip()
        key = (name, _version(Path(self.workspace.documents_dir) / name)) if name else None
        if key != self.key:
            self.key = key
            try:
                self.data, self.problem = exporter.photo_for(self.workspace, cv), ""
            except TremplinError as error:
                self.data, self.problem = None, str(error)
        return self.data, self.problem


# -- saving -------------------------------------------------------------------------------------


def keep_damaged(path: Path) -> Path | None:
    """Keep a damaged editor file aside as <name>.damaged-<timestamp> (never overwriting one).

    Opening the same damaged file again keeps no second copy: the first one is returned.
    """
    if not path.is_file():
        return None
    for earlier in sorted(path.parent.glob(f"{glob.escape(path.name)}.damaged-*")):
        if earlier.is_file() and filecmp.cmp(earlier, path, shallow=False):
            return earlier
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for number in range(100):
        suffix = f"-{number}" if number else ""
        target = path.with_name(f"{path.name}.damaged-{stamp}{suffix}")
        try:
            os.link(path, target)  # atomic, and the old bytes survive any later os.replace of `path`
            return target
        except FileExistsError:
            continue
        except OSError:  # no hard links here (some USB or network file systems): a copy
            write_atomic(target, path.read_bytes())
            return target
    return None


def open_saved(path: Path, loader: Callable[[Path], tuple[Any, list[str]]]) -> tuple[Any | None, list[str]]:
    """The document saved at `path` (None if there is none) and French notes if it was damaged.

    A damaged file is kept aside before anything can overwrite it; what could be read is returned.
    """
    if not path.exists():
        return None, []
    try:
        document, warnings = loader(path)
    except (TremplinError, OSError, ValueError) as error:
        document, warnings = None, [str(error)]
    if warnings:
        kept = keep_damaged(path)
        if kept is not None:
            warnings = [*warnings, t("editors.damaged_kept", name=kept.name)]
    return document, warnings


def save_document(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    save_json_atomic(path, data)


# -- export -------------------------------------------------------------------------------------


def document_folders(documents: Path) -> list[tuple[str, str]]:
    """(label, relative folder) of « Mes documents » and its sub-folders (hidden ones left out)."""
    options = [(t("editors.folder_root"), "")]
    if not documents.is_dir():
        return options
    found: list[str] = []
    for current, dirs, _files in os.walk(documents):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = Path(current).relative_to(documents)
        found.extend((base / d).as_posix() for d in dirs)
        if len(found) >= MAX_FOLDERS:
            break
    return options + [(t("editors.folder_sub", folder=f), f) for f in sorted(found)[:MAX_FOLDERS]]


def name_stem(name: str) -> str:
    """The name without a .pdf or .docx the learner may have typed."""
    text = str(name or "").strip()
    for fmt in FORMATS:
        if text.lower().endswith("." + fmt):
            return text[: -len(fmt) - 1].strip()
    return text


class ExportRow:
    """Folder, file name (proposed, editable), « Remplacer le fichier existant » and the export buttons."""

    def __init__(self, workspace: Any, kind: str, on_export: Callable[[str], Any]) -> None:
        self.workspace, self.kind = workspace, kind
        self.folder = w.Dropdown(description=t("editors.export_folder"), style=_STYLE,
                                 layout=w.Layout(width="100%", max_width="42em"))
        self.name = text_row(t("editors.export_name"), placeholder=t("editors.export_name_placeholder"))
        self.replace = w.Checkbox(value=False, description=t("editors.export_replace"), indent=False)
        self.pdf_button = button("export_pdf", "file-pdf-o", lambda: on_export("pdf"))
        self.docx_button = button("export_docx", "file-word-o", lambda: on_export("docx"))
        self.suggested = ""
        self.refresh_button = refresh_button(t("editors.refresh_folders_tip"), self.refresh_folders)
        self.widget = w.VBox([
            heading(t("editors.export_heading"), t("editors.export_help")),
            w.HBox([self.folder, self.refresh_button]), self.name,
            w.HTML(f"<p><small>{esc(t('editors.export_name_help'))}</small></p>"),
            self.replace, w.HBox([self.pdf_button, self.docx_button]),
        ])
        self.refresh_folders()

    def refresh_folders(self) -> None:
        current = self.folder.value
        options = document_folders(Path(self.workspace.documents_dir))
        self.folder.options = options
        values = [value for _label, value in options]
        self.folder.value = current if current in values else ""

    def suggest(self, kind: str, document: Any, job: str = "") -> None:
        """Propose a name from the document, unless the learner typed their own."""
        try:
            proposed = name_stem(exporter.suggested_name(kind, document, "pdf", job=job))
        except TremplinError:
            return
        if self.name.value.strip() in ("", self.suggested):
            self.name.value = proposed
        self.suggested = proposed

    def target(self, fmt: str) -> tuple[str, str]:
        """(folder, file name) the export would write for `fmt`."""
        stem = name_stem(self.name.value) or self.suggested
        return str(self.folder.value or ""), f"{stem}.{fmt}"

    def export(self, document: Any, fmt: str, journal: Any) -> Path:
        """Write the file; DocumentError (French) if the name is taken and « Remplacer » is not ticked."""
        folder, name = self.target(fmt)
        existing = Path(self.workspace.documents_dir) / folder / name
        if existing.exists() and not self.replace.value:
            raise DocumentError(t("editors.export_taken", name=name))
        path = exporter.export(self.workspace, self.kind, document, fmt, folder=folder, name=name,
                               replace=bool(self.replace.value), journal=journal)
        self.replace.value = False
        self.refresh_folders()
        return path


def relative_label(workspace: Any, path: Path) -> str:
    """« Mes documents/… » for a file written into documents/."""
    try:
        inside = Path(path).relative_to(Path(workspace.documents_dir)).as_posix()
    except ValueError:
        inside = Path(path).name
    return f"{t('editors.documents_label')}/{inside}"


def fail_message(error: Exception) -> str:
    """A French message for any failure: the library's own when it is one, else a generic one."""
    if isinstance(error, TremplinError):
        return str(error)
    LOG.exception("document editor action failed")
    return t("editors.failed")


# -- the editor skeleton ------------------------------------------------------------------------


class EditorBase:
    """Status, preview, « Enregistrer » and export shared by both editors.

    A subclass says how its form maps to a document: `document()`, `blocks(doc)`,
    `to_json(doc)`, `path()` (None while nothing can be saved), `job(doc)`, `raw_values()`,
    `export_notes(doc)`.
    """

    kind = ""

    def __init__(self, workspace: Any, journal: Any = None) -> None:
        self.workspace = workspace
        self.journal = journal if journal is not None else workspace
        self.status = Status()
        self.preview = Preview()
        self.export_row = ExportRow(workspace, self.kind, self.export)
        self.save_button = button("save", "save", self.save, primary=True)
        self.filling = False
        self.notes: list[str] = []
        self.loaded: dict[str, Any] = {}  # the document as last opened or saved, to tell if it changed

    # what a subclass provides
    def document(self) -> Any:
        raise NotImplementedError

    def blocks(self, document: Any) -> list[Any]:
        raise NotImplementedError

    def to_json(self, document: Any) -> dict[str, Any]:
        raise NotImplementedError

    def path(self) -> Path | None:
        raise NotImplementedError

    def job(self, document: Any) -> str:
        return ""

    def raw_values(self) -> list[tuple[str, int]]:
        return []

    def export_notes(self, document: Any) -> list[str]:
        return []

    def preview_photo(self, document: Any) -> tuple[bytes | None, str]:
        """(the photo the export will embed, French problem or "")."""
        return None, ""

    # shared behaviour
    def observe(self, *widgets: w.Widget) -> None:
        for widget in widgets:
            widget.observe(lambda _c: self.changed(), names="value")

    def changed(self) -> None:
        """Redraw the preview and the proposed name after any change in the form (cheap: a few ms)."""
        if self.filling:
            return
        document = self.document()
        photo, problem = self.preview_photo(document)
        self.preview.show(self.blocks(document), document.template, photo)
        self.export_row.suggest(self.kind, document, self.job(document))
        notes = [*input_notes(self.raw_values()), *unprintable_notes(self.to_json(document)),
                 *([problem] if problem else [])]
        if notes != self.notes:
            self.notes = notes
            if notes:
                self.status.say("\n".join(notes), role="alert")

    def save(self, quiet: bool = False) -> bool:
        """Write the document atomically into editor/; `quiet` for the autosave before an export."""
        path = self.path()
        if path is None:
            self.status.say(t(f"editors.{self.kind}_nothing_to_save"), role="alert")
            return False
        document = self.document()
        data = self.to_json(document)
        try:
            save_document(path, data)
            self.loaded = data
            self.journal.record("doc.save", self.save_event(document))
        except (TremplinError, OSError) as error:
            self.status.say(t("editors.save_failed", reason=fail_message(error)), role="alert")
            return False
        if not quiet:
            self.status.say(t(f"editors.{self.kind}_saved"))
        return True

    def save_event(self, document: Any) -> dict[str, Any]:
        return {"kind": self.kind}

    def export(self, fmt: str) -> Path | None:
        """Autosave, then write the PDF or DOCX into the chosen folder of « Mes documents »."""
        if not self.save(quiet=True):
            return None
        document = self.document()
        try:
            path = self.export_row.export(document, fmt, self.journal)
        except Exception as error:  # noqa: BLE001 — a learner never sees a traceback
            self.status.say(fail_message(error), role="alert")
            return None
        lines = [t("editors.exported", format=fmt.upper(), where=relative_label(self.workspace, path)),
                 *self.export_notes(document), t(f"editors.{self.kind}_after_export")]
        self.status.say("\n".join(lines))
        return path

    def layout(self, form: w.Widget, intro: w.Widget) -> w.VBox:
        side = w.VBox([form, self.save_button, self.export_row.widget],
                      layout=w.Layout(min_width="20em", flex="1 1 26em"))
        row = w.HBox([side, self.preview.widget], layout=w.Layout(flex_flow="row wrap"))
        return w.VBox([self.preview.style, intro, self.status.widget, row])
