"""The letter editor driven like a learner would: choose an offer, write, save, export, read back."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from tremplin.widgets.activity import ActivityJournal
from tremplin.widgets.cv_widget import CVEditor
from tremplin.widgets.documents.read_back import document_text
from tremplin.widgets.letter_widget import LetterEditor, offer_file_name
from tremplin.widgets.workspace import Workspace

ACTIVITY = "lettre-adaptee"
OFFERS = [
    {"id": "OF-000042", "title": "Cariste (H/F)", "reference": "TRP-000042", "employer": "Transports Le Goff",
     "address": "4 rue du Port\n35400 Saint-Malo", "town": "Saint-Malo", "contract": "CDI"},
    {"id": "OF-000077", "title": "Préparateur de commandes", "reference": "TRP-000077",
     "employer_name": "Entrepôts Durand", "commune": "Vitré", "postcode": "35500"},
]


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace.create(tmp_path / "ws", "Camille")


@pytest.fixture
def editor(workspace: Workspace) -> LetterEditor:
    return LetterEditor(workspace, OFFERS, ActivityJournal(workspace, ACTIVITY))


def events(workspace: Workspace, kind: str) -> list[dict]:
    return [e.data for e in workspace.events(kind=kind) if e.data.get("context") == ACTIVITY]


def shown(editor: LetterEditor) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", editor.preview.html.value))


def form_text(editor: LetterEditor) -> str:
    """Every heading and hint of the form, as text."""
    def walk(widget) -> list[str]:
        own = [widget.value] if widget.__class__.__name__ == "HTML" else []
        return own + [text for child in getattr(widget, "children", ()) for text in walk(child)]
    return html.unescape(" ".join(walk(editor.widget)))


def test_choosing_an_offer_fills_what_comes_from_it_and_leaves_the_paragraphs(editor: LetterEditor) -> None:
    labels = [label for label, _value in editor.chooser.options]
    assert labels[1:] == ["Cariste (H/F) — Transports Le Goff (Saint-Malo)",
                          "Préparateur de commandes — Entrepôts Durand (Vitré)"]
    assert "Choisissez d'abord" in editor.status.text
    editor.chooser.value = "OF-000042"
    fields = {name: field.value for name, field in editor.fields.items()}
    assert fields["recipient"] == "Transports Le Goff"
    assert fields["recipient_address"] == "4 rue du Port\n35400 Saint-Malo"
    assert fields["job_title"] == "Cariste (H/F)" and fields["reference"] == "TRP-000042"
    assert "TRP-000042" in fields["subject"] and fields["subject"].startswith("Objet")
    assert fields["greeting"] == "Madame, Monsieur," and fields["closing"] and fields["date"]
    assert fields["you"] == fields["me"] == fields["us"] == ""
    assert "Transports Le Goff" in shown(editor) and "TRP-000042" in shown(editor)
    text = form_text(editor)
    for words in ("entreprise", "Moi", "entretien"):
        assert words in text
    assert "avec un exemple" in editor.fields["me"].placeholder
    assert "trois paragraphes" in editor.status.text


def test_the_sender_comes_from_the_saved_cv(workspace: Workspace) -> None:
    cv = CVEditor(workspace)
    cv.contact["full_name"].value = "Alice MARTIN"
    cv.contact["email"].value = "alice.martin@exemple.fr"
    cv.contact["phone"].value = "06 12 34 56 78"
    cv.contact["town"].value = "Rennes"
    cv.save()
    editor = LetterEditor(workspace, OFFERS)
    editor.chooser.value = "OF-000077"
    assert editor.fields["sender_name"].value == "Alice MARTIN"
    assert editor.fields["sender_email"].value == "alice.martin@exemple.fr"
    assert editor.fields["signature"].value == "Alice MARTIN"
    assert editor.fields["recipient"].value == "Entrepôts Durand"
    assert "Vitré" in editor.fields["recipient_address"].value


def test_save_keeps_one_letter_per_offer_and_reopens_it(workspace: Workspace, editor: LetterEditor) -> None:
    editor.save_button.click()
    assert "Choisissez d'abord une offre" in editor.status.text and not events(workspace, "doc.save")
    editor.chooser.value = "OF-000042"
    editor.fields["you"].value = "Votre entreprise livre toute la Bretagne."
    editor.fields["me"].value = "J'ai conduit des chariots pendant cinq ans."
    assert "cinq ans" in shown(editor)
    editor.save_button.click()
    path = workspace.root / "editor" / "letters" / "OF-000042.json"
    assert json.loads(path.read_text(encoding="utf-8"))["me"] == "J'ai conduit des chariots pendant cinq ans."
    assert events(workspace, "doc.save") == [{"kind": "letter", "offer_id": "OF-000042", "context": ACTIVITY}]

    editor.chooser.value = "OF-000077"  # another offer: another, new letter
    assert editor.fields["you"].value == "" and editor.fields["recipient"].value == "Entrepôts Durand"
    editor.fields["us"].value = "Je serais heureux de vous rencontrer."
    editor.chooser.value = "OF-000042"  # switching saves what was typed for the other offer
    assert editor.fields["me"].value == "J'ai conduit des chariots pendant cinq ans."
    other = workspace.root / "editor" / "letters" / "OF-000077.json"
    assert json.loads(other.read_text(encoding="utf-8"))["us"] == "Je serais heureux de vous rencontrer."

    again = LetterEditor(workspace, OFFERS)
    again.chooser.value = "OF-000042"
    assert again.fields["you"].value == "Votre entreprise livre toute la Bretagne."
    assert "enregistrée" in again.status.text


def test_export_with_an_empty_paragraph_warns_but_writes_both_files(workspace: Workspace,
                                                                     editor: LetterEditor) -> None:
    editor.chooser.value = "OF-000042"
    editor.fields["sender_name"].value = "Alice MARTIN"
    editor.fields["you"].value = "Votre entreprise livre toute la Bretagne."
    editor.fields["me"].value = "J'ai conduit des chariots pendant cinq ans."
    stem = editor.export_row.name.value
    assert stem == "MARTIN_Alice_Lettre_cariste_Transports-Le-Goff"
    editor.export_row.pdf_button.click()
    assert "« Nous » est encore vide" in editor.status.text.replace("paragraphe ", "")
    editor.export_row.docx_button.click()
    for fmt in ("pdf", "docx"):
        text = document_text(workspace.documents_dir / f"{stem}.{fmt}")
        for words in ("Transports Le Goff", "TRP-000042", "cinq ans", "Alice MARTIN"):
            assert words in text
    assert [e["format"] for e in events(workspace, "doc.export")] == ["pdf", "docx"]
    assert (workspace.root / "editor" / "letters" / "OF-000042.json").is_file()


def test_markup_in_a_paragraph_stays_text(editor: LetterEditor) -> None:
    editor.chooser.value = "OF-000042"
    editor.fields["you"].value = "<script>alert(1)</script> Bonjour"
    assert "<script>" not in editor.preview.html.value
    assert "&lt;script&gt;" in editor.preview.html.value
    assert "comme du texte" in editor.status.text


def test_characters_the_pdf_drops_are_named_in_the_letter_too(editor: LetterEditor) -> None:
    editor.chooser.value = editor.chooser.options[1][1]
    editor.fields["me"].value = "J'aime conduire \u2605 et ranger."
    assert "\u2605" in editor.status.text and 'role="alert"' in editor.status.widget.value
    assert "\u2605" not in editor.preview.html.value and "ranger" in editor.preview.html.value


def test_a_damaged_saved_letter_opens_what_can_be_read(workspace: Workspace, editor: LetterEditor) -> None:
    folder = workspace.root / "editor" / "letters"
    folder.mkdir(parents=True, exist_ok=True)
    content = json.dumps({"recipient": "Transports Le Goff", "me": ["pas", "un texte"],
                          "us": "Rencontrons-nous."})
    (folder / "OF-000042.json").write_text(content, encoding="utf-8")
    editor.chooser.value = "OF-000042"
    assert editor.fields["us"].value == "Rencontrons-nous." and editor.fields["me"].value == ""
    assert "abîmée" in editor.status.text
    assert [p.read_text(encoding="utf-8") for p in folder.glob("OF-000042.json.damaged-*")] == [content]


def test_offer_ids_become_safe_file_names() -> None:
    assert offer_file_name("OF-000042") == "OF-000042.json"
    odd = offer_file_name("../../profile")
    assert odd.startswith("offre-") and "/" not in odd and odd.endswith(".json")
