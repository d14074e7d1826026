"""« Ma lettre de motivation »: a letter started from an offer, in the usual French structure.

Choosing an offer fills what comes from it (company, address, job, reference, subject line,
date, greeting, closing) and the sender block from the saved CV; the three paragraphs
« vous », « moi », « nous » stay empty, each with a hint, because the learner writes them.
One letter per offer, kept in editor/letters/<offer id>.json; export like the CV.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import ipywidgets as w
from tremplin.widgets.cv_widget import saved_contact
from tremplin.widgets.documents.layout import letter_blocks
from tremplin.widgets.documents.model import (
    LETTER_HINTS,
    TEMPLATES,
    Contact,
    Letter,
    letter_for_offer,
    letter_from_json,
    letter_to_json,
    load_letter,
)
from tremplin.widgets.editor_parts import (
    EditorBase,
    editor_dir,
    fail_message,
    heading,
    limits,
    open_saved,
    template_choice,
    text_row,
)
from tremplin.widgets.i18n import t

PARAGRAPHS = ("you", "me", "us")
#: The letter's parts in reading order: (section key, its fields).
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("sender", ("sender_name", "sender_address", "sender_email", "sender_phone")),
    ("recipient", ("recipient", "recipient_address")),
    ("offer", ("job_title", "reference")),
    ("date", ("place", "date")),
    ("subject", ("subject",)),
    ("greeting", ("greeting",)),
    ("you", ("you",)),
    ("me", ("me",)),
    ("us", ("us",)),
    ("closing", ("closing", "signature")),
)
#: Fields typed on several lines, and how tall their box is.
LINES = {"sender_address": 2, "recipient_address": 3, "you": 6, "me": 6, "us": 5, "closing": 3}
LETTER_FIELDS = tuple(name for _key, names in SECTIONS for name in names)


def offer_file_name(offer_id: str) -> str:
    """A safe file name for one offer's letter (the id as is when it is plain, else a hash)."""
    text = str(offer_id or "")
    if re.fullmatch(r"[A-Za-z0-9_-]{1,80}", text):
        return f"{text}.json"
    return f"offre-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}.json"


def letter_path(workspace: Any, offer_id: str) -> Path:
    return editor_dir(workspace) / "letters" / offer_file_name(offer_id)


def offer_label(offer: dict[str, Any]) -> str:
    """« Titre — Employeur (Ville) » for the offer chooser."""
    title = str(offer.get("title") or offer.get("id") or "")
    employer = str(offer.get("employer") or offer.get("employer_name") or "")
    town = str(offer.get("town") or offer.get("commune") or "")
    label = f"{title} — {employer}" if employer else title
    return f"{label} ({town})"[:150] if town else label[:150]


class LetterEditor(EditorBase):
    """The letter editor for a list of offers (the learner's shortlist first); `.widget` is the root."""

    kind = "letter"

    def __init__(self, workspace: Any, offers: list[dict[str, Any]], journal: Any = None) -> None:
        super().__init__(workspace, journal)
        self.offers = {str(offer.get("id")): dict(offer) for offer in offers if offer.get("id")}
        self.offer_id = ""
        self.chooser = w.Dropdown(
            options=[(t("editors.letter_choose_offer"), "")]
            + [(offer_label(offer), offer_id) for offer_id, offer in self.offers.items()],
            value="", description=t("editors.letter_offer"), style={"description_width": "12em"},
            layout=w.Layout(width="100%", max_width="42em"))
        self.chooser.observe(lambda change: self.choose(change["new"]), names="value")
        self.fields = {name: text_row(t(f"editors.letter_{name}"),
                                      placeholder=t(f"editors.letter_{name}_placeholder"),
                                      lines=LINES.get(name, 0))
                       for name in LETTER_FIELDS}
        self.template = template_choice(TEMPLATES, "classique")
        self.observe(*self.fields.values(), self.template)
        self.widget = self.layout(self._form(), self._intro())
        self.widget.add_class("tremplin-letter-editor")
        self.fill(Letter())
        self.status.say(t("editors.letter_start") if self.offers else t("editors.letter_no_offers"))

    # -- layout ---------------------------------------------------------------------------------

    def _intro(self) -> w.VBox:
        intro = heading(t("editors.letter_heading"), t("editors.letter_intro"), level=3)
        return w.VBox([intro, self.chooser])

    def _form(self) -> w.VBox:
        parts: list[w.Widget] = []
        for key, names in SECTIONS:
            hint = t(LETTER_HINTS[key]) if key in PARAGRAPHS else ""
            title = heading(t(f"editors.letter_section_{key}"), hint)
            parts.append(w.VBox([title, *(self.fields[name] for name in names)]))
        look = heading(t("editors.section_template"), t("editors.template_help"))
        parts.append(w.VBox([look, self.template]))
        return w.VBox(parts)

    # -- the form and the letter ----------------------------------------------------------------

    def document(self) -> Letter:
        values = {name: field.value for name, field in self.fields.items()}
        return letter_from_json({**values, "offer_id": self.offer_id, "template": self.template.value})

    def fill(self, letter: Letter) -> None:
        self.filling = True
        try:
            for name, field in self.fields.items():
                field.value = str(getattr(letter, name) or "")
            self.template.value = letter.template if letter.template in TEMPLATES else TEMPLATES[0]
        finally:
            self.filling = False
        self.loaded = self.to_json(self.document())
        self.changed()

    def raw_values(self) -> list[tuple[str, int]]:
        return limits(*self.fields.values())

    def blocks(self, document: Letter) -> list[Any]:
        return letter_blocks(document)

    def to_json(self, document: Letter) -> dict[str, Any]:
        return letter_to_json(document)

    def path(self) -> Path | None:
        if not self.offer_id:
            return None
        return letter_path(self.workspace, self.offer_id)

    def job(self, document: Letter) -> str:
        return document.job_title

    def save_event(self, document: Letter) -> dict[str, Any]:
        return {"kind": self.kind, "offer_id": self.offer_id}

    def export_notes(self, document: Letter) -> list[str]:
        return [t("editors.letter_empty_paragraph", part=t(f"editors.letter_section_{key}"))
                for key in PARAGRAPHS if not getattr(document, key).strip()]

    # -- choosing an offer ----------------------------------------------------------------------

    def choose(self, offer_id: str) -> bool:
        """Open the letter for this offer: the saved one, else a new one filled from the offer."""
        offer_id = str(offer_id or "")
        if offer_id == self.offer_id:
            return bool(offer_id)
        if self.offer_id and self.to_json(self.document()) != self.loaded:
            self.save(quiet=True)  # nothing typed for the previous offer is lost
        if offer_id not in self.offers:
            self.offer_id = ""
            self.fill(Letter())
            self.status.say(t("editors.letter_start"))
            return False
        self.offer_id = offer_id
        if self.chooser.value != offer_id:
            self.chooser.value = offer_id
        letter, warnings = open_saved(letter_path(self.workspace, offer_id), load_letter)
        if letter is not None:
            letter.offer_id = offer_id
            self.fill(letter)
            lines = [t("editors.letter_damaged"), *warnings] if warnings else [t("editors.letter_opened")]
            self.status.say("\n".join(lines), role="alert" if warnings else "status")
            return True
        try:
            letter = letter_for_offer(self.offers[offer_id], saved_contact(self.workspace) or Contact())
        except Exception as error:  # noqa: BLE001 — a learner never sees a traceback
            self.status.say(fail_message(error), role="alert")
            return False
        letter.offer_id = offer_id
        self.fill(letter)
        self.status.say("\n".join([*warnings, t("editors.letter_filled")]))
        return True
