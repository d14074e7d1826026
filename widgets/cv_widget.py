"""« Mon CV »: the CV editor — sections to fill, entries to order, a live preview, PDF and Word files.

The CV lives in editor/cv.json (saved on « Enregistrer » and before every export), so a
page reload or another day finds it again; a damaged file opens with what can be read and
is kept aside first. Optional personal details sit apart, under « Facultatif », because a
CV does not need them. An existing CV (PDF or Word) can be imported to pre-fill the form.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import ipywidgets as w
from tremplin.widgets.documents import cv_import, upload_guard
from tremplin.widgets.documents.layout import cv_blocks
from tremplin.widgets.documents.model import (
    CV,
    ITEM_MAX,
    TEMPLATES,
    Contact,
    clean_text,
    cv_from_json,
    cv_to_json,
    load_cv,
)
from tremplin.widgets.editor_parts import (
    EditorBase,
    EntryList,
    PreviewPhoto,
    editor_dir,
    esc,
    fail_message,
    heading,
    limits,
    lines_of,
    open_saved,
    refresh_button,
    template_choice,
    text_row,
)
from tremplin.widgets.i18n import t

CONTACT_FIELDS = ("full_name", "headline", "email", "phone", "town")
OPTIONAL_FIELDS = ("birth_date", "driving_licence")
LIST_FIELDS = ("skills", "languages", "interests")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
MAX_IMAGES = 200
IMPORT_TYPES = (".pdf", ".docx")


def cv_path(workspace: Any) -> Path:
    return editor_dir(workspace) / "cv.json"


def saved_contact(workspace: Any) -> Contact | None:
    """The contact of the saved CV, if there is one that can be read (for the letter's sender)."""
    path = cv_path(workspace)
    if not path.is_file():
        return None
    try:
        cv, _warnings = load_cv(path)
    except (OSError, ValueError):
        return None
    return cv.contact


def document_images(documents: Path) -> list[str]:
    """PNG and JPEG files of « Mes documents » (relative paths), for the optional photo."""
    found: list[str] = []
    for current, dirs, files in os.walk(documents):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = Path(current).relative_to(documents)
        found.extend((base / f).as_posix() for f in sorted(files)
                     if f.lower().endswith(IMAGE_SUFFIXES) and not f.startswith("."))
        if len(found) >= MAX_IMAGES:
            break
    return found[:MAX_IMAGES]


class CVEditor(EditorBase):
    """The whole editor; `.widget` is what the page shows."""

    kind = "cv"

    def __init__(self, workspace: Any, journal: Any = None) -> None:
        super().__init__(workspace, journal)
        self.photo_cache = PreviewPhoto(workspace)
        self.contact = {name: self._row(name) for name in CONTACT_FIELDS}
        self.optional = {name: self._row(name) for name in OPTIONAL_FIELDS}
        self.photo_refresh = refresh_button(t("editors.refresh_photos_tip"), self.refresh_photos)
        self.photo = w.Dropdown(description=t("editors.cv_photo"), style={"description_width": "12em"},
                                layout=w.Layout(width="100%", max_width="42em"))
        self.summary = self._row("summary", lines=4)
        self.experience = EntryList("experience", self.changed)
        self.training = EntryList("training", self.changed)
        self.lists = {name: self._row(name, lines=4) for name in LIST_FIELDS}
        self.template = template_choice(TEMPLATES, "classique")
        self.upload = w.FileUpload(accept=",".join(IMPORT_TYPES), multiple=False,
                                   description=t("editors.cv_import"), icon="upload",
                                   layout=w.Layout(width="auto", min_width="12em"))
        self.upload.observe(self._uploaded, names="value")
        self.observe(*self.contact.values(), *self.optional.values(), self.photo, self.summary,
                     *self.lists.values(), self.template)
        self.widget = self.layout(self._form(), self._intro())
        self.widget.add_class("tremplin-cv-editor")
        self.open()

    @staticmethod
    def _row(name: str, lines: int = 0) -> w.Text | w.Textarea:
        return text_row(t(f"editors.cv_{name}"), placeholder=t(f"editors.cv_{name}_placeholder"), lines=lines)

    # -- layout ---------------------------------------------------------------------------------

    def _intro(self) -> w.VBox:
        return w.VBox([heading(t("editors.cv_heading"), t("editors.cv_intro"), level=3),
                       w.HBox([self.upload, w.HTML(f"<p>{esc(t('editors.cv_import_help'))}</p>")])])

    def _form(self) -> w.VBox:
        optional = w.VBox(
            [heading(t("editors.optional_heading"), t("editors.optional_why")),
             w.HBox([self.photo, self.photo_refresh]),
             w.HTML(f"<p><small>{esc(t('editors.cv_photo_help'))}</small></p>"), *self.optional.values()],
            layout=w.Layout(border="2px dashed #888", padding="0.5em", margin="0.5em 0"))
        optional.add_class("tremplin-editor-optional")
        self.optional_box = optional
        sections = [
            (t("editors.section_contact"), w.VBox([*self.contact.values(), optional])),
            (t("editors.section_summary"), w.VBox([heading("", t("editors.cv_summary_help")), self.summary])),
            (t("editors.section_experience"), self.experience.widget),
            (t("editors.section_training"), self.training.widget),
            (t("editors.section_lists"), w.VBox([heading("", t("editors.cv_lists_help")),
                                                 *self.lists.values()])),
            (t("editors.section_template"), w.VBox([heading("", t("editors.template_help")), self.template])),
        ]
        # Sections under real headings, always open: ipywidgets' Accordion headers are bare <div>s that
        # neither a keyboard nor a screen reader can open.
        form = w.VBox([part for title, box in sections for part in (heading(title, level=3), box)])
        form.add_class("tremplin-cv-form")
        return form

    # -- the form and the CV --------------------------------------------------------------------

    def document(self) -> CV:
        """The CV as typed, cleaned by the model's own rules (markup stays text, escaped wherever shown)."""
        return cv_from_json({
            "contact": {**{name: field.value for name, field in self.contact.items()},
                        **{name: field.value for name, field in self.optional.items()},
                        "photo": str(self.photo.value or "")},
            "summary": self.summary.value,
            "experience": [vars(entry) for entry in self.experience.entries()],
            "training": [vars(entry) for entry in self.training.entries()],
            **{name: lines_of(field.value) for name, field in self.lists.items()},
            "template": self.template.value,
        })

    def fill(self, cv: CV) -> None:
        """Show `cv` in the form (one preview refresh at the end, not one per field)."""
        self.filling = True
        try:
            for name, field in self.contact.items():
                field.value = str(getattr(cv.contact, name) or "")
            for name, field in self.optional.items():
                field.value = str(getattr(cv.contact, name) or "")
            self.refresh_photos(str(cv.contact.photo or ""))
            self.summary.value = str(cv.summary or "")
            self.experience.set(list(cv.experience))
            self.training.set(list(cv.training))
            for name, field in self.lists.items():
                field.value = "\n".join(str(item) for item in getattr(cv, name) or [])
            self.template.value = cv.template if cv.template in TEMPLATES else TEMPLATES[0]
        finally:
            self.filling = False
        self.changed()

    def refresh_photos(self, keep: str | None = None) -> None:
        current = self.photo.value if keep is None else keep
        images = document_images(Path(self.workspace.documents_dir))
        options = [(t("editors.cv_no_photo"), "")] + [(name, name) for name in images]
        if current and current not in images:
            options.append((t("editors.cv_photo_missing", name=current), current))
        self.photo.options = options
        self.photo.value = current or ""

    def raw_values(self) -> list[tuple[str, int]]:
        values = limits(*self.contact.values(), *self.optional.values(), self.summary)
        values += [(line, ITEM_MAX) for field in self.lists.values() for line in field.value.splitlines()]
        for entries in (self.experience, self.training):
            values += limits(*(f for row in entries.rows for f in row.fields.values()))
        return values

    def blocks(self, document: CV) -> list[Any]:
        return cv_blocks(document)

    def preview_photo(self, document: CV) -> tuple[bytes | None, str]:
        return self.photo_cache.get(document)

    def to_json(self, document: CV) -> dict[str, Any]:
        return cv_to_json(document)

    def path(self) -> Path:
        return cv_path(self.workspace)

    # -- opening and importing ------------------------------------------------------------------

    def open(self) -> None:
        """Show the saved CV (or an empty one); a damaged file says so and is kept aside."""
        cv, warnings = open_saved(self.path(), load_cv)
        self.fill(cv if cv is not None else CV())
        if warnings:
            self.status.say("\n".join([t("editors.cv_damaged"), *warnings]), role="alert")
        elif cv is not None:
            self.status.say(t("editors.cv_opened"))
        else:
            self.status.say(t("editors.cv_start"))

    def _uploaded(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        item = files[0]
        try:
            self.import_file(str(item.get("name", "")), bytes(item.get("content", b"")))
        finally:
            self.upload.value = ()

    def import_file(self, filename: str, data: bytes) -> bool:
        """Pre-fill the form from a PDF or Word CV; a refused file leaves the form as it was."""
        shown_name = clean_text(filename, 120, multiline=False)
        try:
            cv, notes = cv_import.import_cv(data, filename)  # through the upload guard first
            safe = upload_guard.safe_name(filename)
        except Exception as error:  # noqa: BLE001 — the guard's French message, never a traceback
            self.journal.record("doc.import", {"name": shown_name, "ok": False})
            self.status.say("\n".join([fail_message(error), t("editors.cv_import_kept")]), role="alert")
            return False
        cv.template = str(self.template.value)
        self.fill(cv)
        self.journal.record("doc.import", {"name": safe, "ok": True})
        self.status.say("\n".join([t("editors.cv_imported", name=safe), *notes, t("editors.cv_import_next")]))
        return True
