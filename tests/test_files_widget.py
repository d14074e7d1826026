"""« Mes fichiers » driven as a learner would: real ipywidgets, values set, buttons clicked."""

from __future__ import annotations

import base64
import html
import io
import re
import zipfile
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, letter
from test_files_store import pdf_bytes
from tremplin.widgets.activity import ActivityJournal
from tremplin.widgets.files_widget import FilesWidget
from tremplin.widgets.i18n import catalogue

#: `<b>x</b>.pdf` holds a "/" so it cannot be a file name; this one can, and is a classic XSS probe.
MARKUP = "<img src=x onerror=alert(1)>.pdf"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;.pdf"
NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
LINK = re.compile(r'<a download="([^"]*)" href="data:([^;]+);base64,([A-Za-z0-9+/=]*)"')


@pytest.fixture
def page(learner_workspace) -> FilesWidget:
    docs = learner_workspace.documents_dir
    (docs / "MARTIN_Camille_CV.pdf").write_bytes(pdf_bytes("CV de Camille"))
    (docs / "MARTIN_Camille_Lettre.pdf").write_bytes(pdf_bytes("Lettre de Camille", letter))
    return FilesWidget(learner_workspace, ActivityJournal(learner_workspace, "ranger-sauvegarder-imprimer"))


def status(page: FilesWidget) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page.status.value))


def link(page: FilesWidget) -> tuple[str, str, bytes]:
    match = LINK.search(page.download.value)
    assert match, page.download.value
    return html.unescape(match.group(1)), match.group(2), base64.b64decode(match.group(3))


def choose(page: FilesWidget, name: str) -> None:
    """Click an item of the list: the Select's value is the item's path (or trash id)."""
    page.select(name)
    assert page.choice.value


def file_away(page: FilesWidget, name: str, folder: str) -> None:
    """Make `folder` with « Nouveau dossier », then move `name` into it with « Déplacer »."""
    page.new_folder_button.click()
    page.name_text.value = folder
    page.confirm_button.click()
    choose(page, name)
    page.move_button.click()
    page.destination.value = ("documents", folder)
    page.confirm_button.click()


def test_make_a_folder_move_a_file_into_it_and_copy_it_to_the_usb_key(page, learner_workspace):
    docs = learner_workspace.documents_dir
    page.new_folder_button.click()
    page.name_text.value = "Candidatures"
    page.confirm_button.click()
    assert (docs / "Candidatures").is_dir()
    assert "Candidatures" in status(page) and "Déplacer" in status(page)
    assert page.form.children == ()
    choose(page, "MARTIN_Camille_CV.pdf")
    page.move_button.click()
    page.destination.value = ("documents", "Candidatures")
    page.confirm_button.click()
    assert (docs / "Candidatures" / "MARTIN_Camille_CV.pdf").exists()
    assert "Mes documents › Candidatures" in status(page)
    choose(page, "Candidatures")
    page.open_button.click()
    assert page.folder == "Candidatures" and "Candidatures" in page.where.value
    choose(page, "MARTIN_Camille_CV.pdf")
    page.copy_button.click()
    page.confirm_button.click()
    usb = learner_workspace.usb_dir
    assert (usb / "MARTIN_Camille_CV.pdf").read_bytes() == pdf_bytes("CV de Camille")
    copied = learner_workspace.events(kind="files.copy_usb")[0].data
    assert "Copie vérifiée" in status(page) and copied["sha256"][:8] in status(page)
    # a second copy of the same file: told how to replace it, nothing overwritten silently
    choose(page, "MARTIN_Camille_CV.pdf")
    page.copy_button.click()
    page.confirm_button.click()
    assert "Remplacer" in status(page) and 'role="alert"' in page.status.value
    page.replace_box.value = True
    page.confirm_button.click()
    assert "Copie vérifiée" in status(page)
    page.places.value = "usb"
    assert "MARTIN_Camille_CV.pdf" in page.listing.value and page.copy_button.layout.display == "none"
    page.up_button.click()  # hidden at the top: nothing happens
    assert page.place == "usb" and page.folder == ""


def test_delete_then_restore_from_the_trash(page, learner_workspace):
    docs = learner_workspace.documents_dir
    choose(page, "MARTIN_Camille_Lettre.pdf")
    page.delete_button.click()
    assert "corbeille" in html.unescape(page.question.value)
    assert (docs / "MARTIN_Camille_Lettre.pdf").exists()  # asked first
    page.confirm_button.click()
    assert not (docs / "MARTIN_Camille_Lettre.pdf").exists()
    assert "Restaurer" in status(page)
    page.places.value = "trash"
    assert page.trash_actions.layout.display == "flex" and page.file_actions.layout.display == "none"
    assert "MARTIN_Camille_Lettre.pdf" in page.listing.value and "Mes documents" in page.listing.value
    choose(page, "MARTIN_Camille_Lettre.pdf")
    page.restore_button.click()
    assert (docs / "MARTIN_Camille_Lettre.pdf").read_bytes() == pdf_bytes("Lettre de Camille", letter)
    assert "de retour" in status(page) and "vide" in page.listing.value
    assert learner_workspace.events(kind="files.restore")[0].data["path"] == "MARTIN_Camille_Lettre.pdf"
    page.restore_button.click()
    assert "Choisissez d'abord" in status(page)


def test_download_a_file_and_a_folder(page, learner_workspace):
    choose(page, "MARTIN_Camille_CV.pdf")
    page.download_button.click()
    name, mime, data = link(page)
    assert (name, mime) == ("MARTIN_Camille_CV.pdf", "application/pdf")
    assert data == pdf_bytes("CV de Camille")
    file_away(page, "MARTIN_Camille_CV.pdf", "Envoyés")
    choose(page, "Envoyés")
    page.download_button.click()
    name, mime, data = link(page)
    assert (name, mime) == ("Envoyés.zip", "application/zip")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("Envoyés/MARTIN_Camille_CV.pdf") == pdf_bytes("CV de Camille")
    downloads = [event.data for event in learner_workspace.events(kind="files.download")]
    assert [(d["path"], d["zip"]) for d in downloads] == [("MARTIN_Camille_CV.pdf", False), ("Envoyés", True)]


def test_upload_a_good_pdf_and_a_bad_one(page, learner_workspace):
    docs = learner_workspace.documents_dir
    before = sorted(p.name for p in docs.iterdir())
    page.upload_button.click()
    assert page.upload in page.form.children and page.upload.accept == ".pdf,.docx,.png,.jpg,.jpeg"
    executable = b"MZ\x90\x00" + b"\x00" * 500
    page.upload.value = ({"name": "<i>cv.pdf", "type": "application/pdf", "size": len(executable),
                          "content": memoryview(executable), "last_modified": NOW},)
    assert 'role="alert"' in page.status.value and "<i>" not in page.status.value
    assert "n'a pas été enregistré" in status(page) and "programme" in status(page)
    assert "&lt;i&gt;cv.pdf" in page.status.value
    page.upload.value = ({"name": "<b>x</b>.pdf", "type": "application/pdf", "size": 8,
                          "content": memoryview(b"%PDF-1.4"), "last_modified": NOW},)
    assert "chemin" in status(page) and "<b>" not in page.status.value
    assert sorted(p.name for p in docs.iterdir()) == before
    good = pdf_bytes("Attestation")
    page.upload.value = ({"name": "attestation.pdf", "type": "application/pdf", "size": len(good),
                          "content": memoryview(good), "last_modified": NOW},)
    assert (docs / "attestation.pdf").read_bytes() == good
    assert "attestation.pdf" in status(page) and page.form.children == ()
    assert learner_workspace.events(kind="files.upload")[0].data["path"] == "attestation.pdf"


def test_print_my_application_makes_one_a4_pdf(page, learner_workspace):
    page.print_button.click()
    assert page.cv_choice.value == "MARTIN_Camille_CV.pdf"
    assert page.letter_choice.value == "MARTIN_Camille_Lettre.pdf"
    page.name_text.value = "Dossier_Camille.pdf"
    page.confirm_button.click()
    made = next(learner_workspace.documents_dir.glob("Dossier_Camille*.pdf"))
    assert "prêt" in status(page)
    name, mime, data = link(page)
    assert name == made.name and data == made.read_bytes()
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2
    for sheet in reader.pages:
        width, height = float(sheet.mediabox.width), float(sheet.mediabox.height)
        assert abs(width - A4[0]) < 2 and abs(height - A4[1]) < 2
    assert "CV de Camille" in reader.pages[0].extract_text()
    assert "Lettre de Camille" in reader.pages[1].extract_text()
    recorded = learner_workspace.events(kind="files.print_pack")[0].data
    assert recorded["path"] == made.name and recorded["context"] == "ranger-sauvegarder-imprimer"


def test_print_adds_a_third_document_when_chosen(page, learner_workspace):
    (learner_workspace.documents_dir / "Diplome_CAP.pdf").write_bytes(pdf_bytes("Diplome de Camille"))
    page.print_button.click()
    assert page.other_choice.value == ""  # nothing more unless the learner asks
    page.other_choice.value = "Diplome_CAP.pdf"
    page.name_text.value = "Dossier_complet.pdf"
    page.confirm_button.click()
    made = learner_workspace.documents_dir / "Dossier_complet.pdf"
    texts = [sheet.extract_text() for sheet in PdfReader(io.BytesIO(made.read_bytes())).pages]
    assert len(texts) == 3 and "Diplome de Camille" in texts[2]
    assert learner_workspace.events(kind="files.print_pack")[-1].data["files"] == [
        "MARTIN_Camille_CV.pdf", "MARTIN_Camille_Lettre.pdf", "Diplome_CAP.pdf"]


def test_print_refuses_a_damaged_pdf_in_french(page, learner_workspace):
    docs = learner_workspace.documents_dir
    (docs / "MARTIN_Camille_Lettre.pdf").write_bytes(b"%PDF-1.4\n garbage, no pages")
    page.print_button.click()
    page.confirm_button.click()
    assert 'role="alert"' in page.status.value and "Traceback" not in page.status.value
    assert sorted(p.name for p in docs.iterdir()) == ["MARTIN_Camille_CV.pdf", "MARTIN_Camille_Lettre.pdf"]
    assert page.form.children  # the form stays open: the learner can choose another letter


def test_a_markup_file_name_is_shown_escaped_everywhere(page, learner_workspace):
    docs = learner_workspace.documents_dir
    (docs / MARKUP).write_bytes(pdf_bytes("markup"))
    page.refresh()
    assert ESCAPED in page.listing.value and "<img src" not in page.listing.value
    choose(page, MARKUP)
    page.rename_button.click()
    assert "<img src" not in page.question.value and page.name_text.value == MARKUP
    page.close_form()
    page.download_button.click()
    assert "<img src" not in page.download.value + page.status.value
    assert link(page)[0] == MARKUP and link(page)[2] == pdf_bytes("markup")
    page.delete_button.click()
    page.confirm_button.click()
    assert "<img src" not in page.status.value
    page.places.value = "trash"
    assert ESCAPED in page.listing.value and "<img src" not in page.listing.value


def test_bad_names_and_missing_choices_get_a_french_message(page, learner_workspace):
    page.rename_button.click()
    assert "Choisissez d'abord" in status(page) and page.form.children == ()
    page.new_folder_button.click()
    for bad in ("../dehors", ".cache", "a/b", "nul\x07"):
        page.name_text.value = bad
        page.confirm_button.click()
        assert 'role="alert"' in page.status.value, bad
    assert sorted(p.name for p in learner_workspace.documents_dir.iterdir()) == [
        "MARTIN_Camille_CV.pdf", "MARTIN_Camille_Lettre.pdf"]
    page.cancel_button.click()
    assert page.form.children == ()


def test_find_a_file_again_and_open_it(page, learner_workspace):
    file_away(page, "MARTIN_Camille_Lettre.pdf", "Candidatures")
    page.places.value = "usb"  # searching looks in both places, from anywhere
    page.search_button.click()
    page.name_text.value = "lettre"
    page.confirm_button.click()
    assert "1 résultat" in status(page)
    page.results.value = ("documents", "Candidatures/MARTIN_Camille_Lettre.pdf")
    page.form.children[-1].click()
    assert (page.place, page.folder) == ("documents", "Candidatures")
    assert link(page)[2] == pdf_bytes("Lettre de Camille", letter)
    opened = learner_workspace.events(kind="files.open")[-1].data
    assert opened["path"] == "Candidatures/MARTIN_Camille_Lettre.pdf"


def test_a_damaged_trash_index_is_reported_not_fatal(page, learner_workspace):
    choose(page, "MARTIN_Camille_CV.pdf")
    page.delete_button.click()
    page.confirm_button.click()
    trash = learner_workspace.trash_dir
    (trash / "index.json").write_text("{broken", encoding="utf-8")
    page.places.value = "trash"
    assert "abîmée" in status(page) and "MARTIN_Camille_CV.pdf" in page.listing.value
    choose(page, "MARTIN_Camille_CV.pdf")
    page.restore_button.click()
    assert (learner_workspace.documents_dir / "MARTIN_Camille_CV.pdf").exists()


def test_french_and_english_catalogues_hold_the_same_keys(learner_workspace, monkeypatch):
    french = {key for key in catalogue("fr") if key.startswith("files.")}
    assert french == {key for key in catalogue("en") if key.startswith("files.")}
    monkeypatch.setenv("TREMPLIN_LANG", "en")
    page = FilesWidget(learner_workspace)
    assert "You are in: My documents" in page.where.value and "files." not in page.listing.value
