"""The document pages (six lessons, three épreuves): the learner's mission, then the CV editor,
the letter editor or « Mes fichiers », and either the « Vérifier » panel (lessons) or the
hand-in (épreuves).

Which tools a page shows is data (`TOOLS`), so a lesson and its épreuve compose the same
widgets. Everything is reachable through `build_documents_activity()`, so a test or a
simulated learner drives the same widgets a learner clicks.
"""

from __future__ import annotations

import html
from contextlib import suppress
from pathlib import Path
from typing import Any

import ipywidgets as widgets
from tremplin.grading.documents_scenario import mission, seed_find_files
from tremplin.grading.page_support import (
    ActivityPage,
    mission_html,
    open_world,
    show_activity,
    show_statement,
)
from tremplin.widgets.i18n import t
from tremplin.widgets.shortlist import current_shortlist

__all__ = ["EPREUVES", "LESSONS", "TOOLS", "DocumentsActivity", "build_documents_activity", "offer_card",
           "preload", "show_documents_epreuve", "show_documents_lesson"]

EPREUVES = ("construire-son-cv", "lettre-adaptee", "ranger-sauvegarder-imprimer")
LESSONS = ("lecon-cv-lisible", "lecon-lettre-offre", "lecon-pdf-docx", "lecon-nommer-ranger",
           "lecon-cle-usb-imprimer", "lecon-donnees-cv")
#: The tools each page shows, top to bottom.
TOOLS: dict[str, tuple[str, ...]] = {
    "construire-son-cv": ("cv", "files"),
    "lettre-adaptee": ("letter", "files"),
    "ranger-sauvegarder-imprimer": ("files",),
    "lecon-cv-lisible": ("cv",),
    "lecon-lettre-offre": ("letter",),
    "lecon-pdf-docx": ("cv", "files"),
    "lecon-nommer-ranger": ("files",),
    "lecon-cle-usb-imprimer": ("files",),
    "lecon-donnees-cv": ("cv",),
}
SHORTLIST_SHOWN = 10


def preload(data_root: Path | None = None) -> None:
    """Open the world while the page waits (not the search index: no document page searches)."""
    from tremplin.widgets.errors import TremplinError
    from tremplin.widgets.paths import data_root as default_data_root

    with suppress(TremplinError):
        open_world(default_data_root(data_root) / "world")


def offer_card(world: Any, offer_id: str) -> dict[str, Any] | None:
    """An offer as the letter editor takes it: the offer's fields with its employer's name and address."""
    offer = world.offer(offer_id)
    if offer is None:
        return None
    employer = world.employer(offer.get("employer_id")) or {}
    address = employer.get("address") or {}
    return {**offer, "employer": offer.get("employer_name") or employer.get("name", ""),
            "address": address.get("street", ""),
            "postcode": address.get("postcode", offer.get("postcode", "")),
            "town": address.get("commune", offer.get("commune", ""))}


def letter_offers(world: Any, scenario: Any, events: list[Any]) -> list[dict[str, Any]]:
    """The mission's offers first (the application, then the N3 variant's), then the learner's
    shortlist (saved in any activity: it is theirs)."""
    wanted = [scenario.offer.offer_id, scenario.second_offer.offer_id]
    wanted += [entry.offer_id for entry in current_shortlist(events)][-SHORTLIST_SHOWN:]
    offers, seen = [], set()
    for offer_id in wanted:
        card = offer_card(world, offer_id) if offer_id and offer_id not in seen else None
        if card:
            offers.append(card)
            seen.add(offer_id)
    return offers


class DocumentsActivity(ActivityPage):
    """The mission and the page's tools on the learner's own files."""

    EPREUVE = EPREUVES[0]

    def parts(self) -> list[Any]:
        notes = []
        if self.scenario.kind == "files" and seed_find_files(self.workspace.documents_dir, self.scenario):
            notes.append(widgets.HTML(f'<p role="status">{html.escape(t("documents_checks.seeded"))}</p>'))
        self.cv_editor = self.letter_editor = self.files = None
        tools: list[Any] = []
        for tool in TOOLS[self.activity]:
            if tool == "cv":
                from tremplin.widgets.cv_widget import CVEditor

                self.cv_editor = CVEditor(self.workspace, journal=self.journal)
                tools.append(self.cv_editor.widget)
            elif tool == "letter":
                from tremplin.widgets.letter_widget import LetterEditor

                offers = letter_offers(self.world, self.scenario, self.workspace.events())
                self.letter_editor = LetterEditor(self.workspace, offers, journal=self.journal)
                tools.append(self.letter_editor.widget)
            else:
                from tremplin.widgets.files_widget import FilesWidget

                self.files = FilesWidget(self.workspace, journal=self.journal)
                tools.append(self.files.widget)
        heading = t("documents_checks.mission_heading")
        return [widgets.HTML(mission_html(heading, mission(self.scenario))), *notes, *tools]


build_documents_activity = DocumentsActivity.build


def show_documents_lesson(activity: str = LESSONS[0]) -> None:
    """A lesson page: the mission, the tools and the « Vérifier » panel."""
    show_activity(lambda workspace: build_documents_activity(workspace, activity=activity, with_panel=True))


def show_documents_epreuve(epreuve: str = EPREUVES[0]) -> None:
    """An épreuve page: statement, the learner's mission, the tools and the hand-in."""
    show_statement(epreuve)
    show_activity(lambda workspace: build_documents_activity(workspace, activity=epreuve), hand_in=epreuve)


def page_for(workspace: Any, data_root: Path, world: Any, activity: str) -> DocumentsActivity:
    return build_documents_activity(workspace, data_root=data_root, world=world, activity=activity)
