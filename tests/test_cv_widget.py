"""The CV editor driven like a learner would: real ipywidgets set and clicked, real files read back."""

from __future__ import annotations

import html
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tremplin.widgets.activity import ActivityJournal
from tremplin.widgets.cv_widget import CVEditor, cv_path
from tremplin.widgets.documents.layout import cv_blocks
from tremplin.widgets.documents.model import CV, Contact, Entry
from tremplin.widgets.documents.read_back import document_text
from tremplin.widgets.documents.render_docx import render_docx
from tremplin.widgets.workspace import Workspace

ACTIVITY = "construire-son-cv"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace.create(tmp_path / "ws", "Camille")


@pytest.fixture
def editor(workspace: Workspace) -> CVEditor:
    return CVEditor(workspace, ActivityJournal(workspace, ACTIVITY))


def events(workspace: Workspace, kind: str) -> list[dict]:
    return [e.data for e in workspace.events(kind=kind) if e.data.get("context") == ACTIVITY]


def shown(editor: CVEditor) -> str:
    """The preview as text a reader sees (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", editor.preview.html.value))


def fill_entry(row, **values: str) -> None:
    for name, value in values.items():
        row.fields[name].value = value


def fill(editor: CVEditor) -> None:
    editor.contact["full_name"].value = "Alice MARTIN"
    editor.contact["headline"].value = "Cariste"
    editor.contact["email"].value = "alice.martin@exemple.fr"
    editor.contact["phone"].value = "06 12 34 56 78"
    editor.contact["town"].value = "Rennes"
    editor.summary.value = "Cariste sérieuse, cinq ans d'entrepôt."
    editor.experience.add_button.click()
    editor.experience.add_button.click()
    fill_entry(editor.experience.rows[0], title="Préparatrice de commandes", organisation="Entrepôts Durand",
               place="Vitré", start="2019", end="2021", details="Préparation\nInventaire")
    fill_entry(editor.experience.rows[1], title="Cariste", organisation="Transports Le Goff",
               place="Rennes", start="2021")
    editor.training.add_button.click()
    fill_entry(editor.training.rows[0], title="CACES 1, 3, 5", organisation="AFPA", place="Rennes",
               end="2019")
    editor.lists["skills"].value = "Conduite de chariots\nGestion des stocks"
    editor.lists["languages"].value = "Français\nAnglais : bases"


def test_filling_the_form_fills_the_preview_in_order_and_entries_move(editor: CVEditor) -> None:
    fill(editor)
    text = shown(editor)
    for words in ("Alice MARTIN", "Préparatrice de commandes", "CACES 1, 3, 5", "Gestion des stocks",
                  "Anglais : bases", "Expérience professionnelle", "Formation"):
        assert words in text
    assert text.index("Préparatrice de commandes") < text.index("Transports Le Goff")

    assert editor.experience.rows[0].up.disabled and editor.experience.rows[1].down.disabled
    editor.experience.rows[0].down.click()
    assert editor.experience.rows[0].fields["title"].value == "Cariste"
    assert shown(editor).index("Transports Le Goff") < shown(editor).index("Préparatrice de commandes")
    editor.experience.rows[1].up.click()
    assert shown(editor).index("Préparatrice de commandes") < shown(editor).index("Transports Le Goff")

    editor.experience.add_button.click()
    fill_entry(editor.experience.rows[2], title="Manutentionnaire", organisation="Intérim Ouest")
    assert "Manutentionnaire" in shown(editor) and len(editor.document().experience) == 3
    editor.experience.rows[2].remove.click()
    assert "Manutentionnaire" not in shown(editor)
    assert [e.title for e in editor.document().experience] == ["Préparatrice de commandes", "Cariste"]


def test_optional_details_sit_apart_and_the_photo_comes_from_documents(workspace: Workspace) -> None:
    (workspace.documents_dir / "moi.png").write_bytes(PNG)
    (workspace.documents_dir / "Photos").mkdir()
    (workspace.documents_dir / "Photos" / "portrait.JPG").write_bytes(b"\xff\xd8\xff\xe0")
    (workspace.documents_dir / "lettre.pdf").write_bytes(b"%PDF-1.4")
    editor = CVEditor(workspace)
    box = editor.optional_box
    title = html.unescape(box.children[0].value)
    assert "<h4>Facultatif</h4>" in title and "vides" in title
    assert editor.photo in box.children[1].children and editor.optional["birth_date"] in box.children
    assert editor.optional["driving_licence"] in box.children
    assert [value for _label, value in editor.photo.options] == ["", "moi.png", "Photos/portrait.JPG"]
    (workspace.documents_dir / "nouvelle.jpeg").write_bytes(b"\xff\xd8\xff\xe0")
    editor.photo_refresh.click()
    assert "nouvelle.jpeg" in [value for _label, value in editor.photo.options]

    editor.contact["full_name"].value = "Alice MARTIN"
    assert "Permis B" not in shown(editor)
    editor.optional["driving_licence"].value = "Permis B"
    editor.photo.value = "moi.png"
    assert "Permis B" in shown(editor)
    assert editor.document().contact.photo == "moi.png"


def real_png(path: Path, colour: tuple[int, int, int]) -> None:
    from PIL import Image

    Image.new("RGB", (90, 120), colour).save(path, "PNG")


def test_the_preview_shows_the_photo_the_export_will_embed_prepared_once(
        workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    import base64

    from tremplin.widgets.documents import export

    calls: list[str] = []
    real_photo_for = export.photo_for
    def counted(ws: Workspace, cv: CV) -> bytes | None:
        calls.append(cv.contact.photo)
        return real_photo_for(ws, cv)

    monkeypatch.setattr(export, "photo_for", counted)
    photo = workspace.documents_dir / "moi.png"
    real_png(photo, (200, 100, 50))
    editor = CVEditor(workspace)
    editor.refresh_photos()
    editor.photo.value = "moi.png"
    embedded = base64.b64encode(real_photo_for(workspace, editor.document())).decode("ascii")
    assert f"data:image/jpeg;base64,{embedded}" in editor.preview.html.value
    for letters in ("A", "Al", "Ali", "Alic", "Alice"):
        editor.contact["full_name"].value = letters
    assert calls == ["moi.png"]  # typing reuses the prepared photo
    real_png(photo, (10, 20, 200))
    os.utime(photo, ns=(photo.stat().st_atime_ns, photo.stat().st_mtime_ns + 10**9))
    editor.contact["full_name"].value = "Alice M"
    assert calls == ["moi.png", "moi.png"] and embedded not in editor.preview.html.value
    assert "data:image/jpeg" in editor.preview.html.value
    editor.photo.value = ""
    assert "<img" not in editor.preview.html.value


def test_a_photo_the_export_would_refuse_is_said_once(workspace: Workspace) -> None:
    (workspace.documents_dir / "abime.png").write_bytes(PNG)  # a PNG header with nothing after it
    editor = CVEditor(workspace)
    editor.photo.value = "abime.png"
    assert 'role="alert"' in editor.status.widget.value and "photo" in editor.status.text
    assert "<img" not in editor.preview.html.value
    editor.status.say("Enregistré.")
    editor.contact["full_name"].value = "Alice"
    assert editor.status.text == "Enregistré."  # not repeated on every keystroke


def test_characters_the_pdf_drops_are_named_once(editor: CVEditor) -> None:
    editor.contact["headline"].value = "Cariste \U0001F600 ✓"
    said = editor.status.text
    assert "\U0001F600" in said and "✓" in said and "PDF" in said
    assert 'role="alert"' in editor.status.widget.value
    assert "\U0001F600" not in editor.preview.html.value  # the preview shows what the PDF will show
    editor.status.say("Enregistré.")
    editor.contact["headline"].value = "Cariste \U0001F600 ✓ CACES"
    assert editor.status.text == "Enregistré."
    editor.contact["headline"].value = "Cariste — CACES 1, 3, 5 « é » 12 €"
    editor.status.say("Enregistré.")
    editor.summary.value = "Rigoureuse."
    assert editor.status.text == "Enregistré."  # nothing left to warn about


def test_the_preview_stays_in_view_beside_the_form(editor: CVEditor) -> None:
    style = editor.widget.children[0]
    assert "position: sticky" in style.value and "tremplin-editor-preview" in style.value
    assert "tremplin-editor-preview" in editor.preview.widget._dom_classes
    assert editor.preview.widget.layout.align_self == "flex-start"
    assert style not in editor.preview.widget.children  # not inside the preview, whose text is read


def test_template_choice_changes_the_preview(editor: CVEditor) -> None:
    fill(editor)
    classic = editor.preview.html.value
    assert [value for _label, value in editor.template.options] == ["classique", "moderne"]
    editor.template.value = "moderne"
    assert editor.preview.html.value != classic
    assert shown(editor) == html.unescape(shown(editor))  # same words, another look
    assert editor.document().template == "moderne"


def test_markup_typed_by_the_learner_is_shown_as_text(editor: CVEditor) -> None:
    editor.contact["full_name"].value = "<script>alert(1)</script>"
    editor.summary.value = "<b>gras</b> & <img src=x onerror=alert(2)>"
    preview = editor.preview.html.value
    assert "<script>" not in preview and "<img" not in preview and "<b>" not in preview
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in preview
    assert "comme du texte" in html.unescape(editor.status.widget.value)
    assert 'role="alert"' in editor.status.widget.value


def test_save_writes_cv_json_and_a_new_editor_shows_it(workspace: Workspace, editor: CVEditor) -> None:
    fill(editor)
    editor.template.value = "moderne"
    editor.save_button.click()
    path = cv_path(workspace)
    assert path == workspace.root / "editor" / "cv.json"
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["contact"]["full_name"] == "Alice MARTIN"
    assert [e["title"] for e in saved["experience"]] == ["Préparatrice de commandes", "Cariste"]
    assert events(workspace, "doc.save") == [{"kind": "cv", "context": ACTIVITY}]
    assert "enregistré" in editor.status.text
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]

    again = CVEditor(workspace)
    assert again.contact["full_name"].value == "Alice MARTIN"
    titles = [row.fields["title"].value for row in again.experience.rows]
    assert titles == ["Préparatrice de commandes", "Cariste"]
    assert again.experience.rows[0].fields["details"].value == "Préparation\nInventaire"
    assert again.lists["languages"].value == "Français\nAnglais : bases"
    assert again.template.value == "moderne"
    assert again.preview.html.value == editor.preview.html.value
    assert "enregistré" in again.status.text


@pytest.mark.parametrize("content", [
    b'{"contact": {"full_name": "Alice MARTIN", "email": ', b"\xff\xfe not json",
    json.dumps({"contact": {"full_name": "Alice MARTIN", "phone": ["06"]}, "experience": "oops",
                "skills": ["Cariste", 7]}).encode(),
])
def test_a_damaged_cv_opens_with_what_can_be_read_and_is_kept_aside(workspace: Workspace,
                                                                    content: bytes) -> None:
    path = cv_path(workspace)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    editor = CVEditor(workspace)
    assert 'role="alert"' in editor.status.widget.value
    assert "abîmé" in editor.status.text and "damaged-" in editor.status.text
    kept = [p for p in path.parent.iterdir() if p.name.startswith("cv.json.damaged-")]
    assert len(kept) == 1 and kept[0].read_bytes() == content
    if content.startswith(b'{"contact": {"full_name": "Alice MARTIN", "phone"'):
        assert editor.contact["full_name"].value == "Alice MARTIN"
        assert editor.lists["skills"].value == "Cariste"
    editor.contact["town"].value = "Rennes"
    assert editor.save()
    assert json.loads(path.read_text(encoding="utf-8"))["contact"]["town"] == "Rennes"
    assert kept[0].read_bytes() == content  # the saved file replaced, the damaged copy intact


def test_export_pdf_and_docx_into_a_chosen_folder_with_the_suggested_name(workspace: Workspace,
                                                                          editor: CVEditor) -> None:
    fill(editor)
    row = editor.export_row
    assert [value for _label, value in row.folder.options] == [""]
    (workspace.documents_dir / "Candidatures").mkdir()
    (workspace.documents_dir / ".cache").mkdir()
    row.refresh_button.click()
    assert [value for _label, value in row.folder.options] == ["", "Candidatures"]
    row.folder.value = "Candidatures"
    stem = row.name.value
    assert stem.startswith("MARTIN_Alice_CV") and not stem.endswith(".pdf")

    row.pdf_button.click()
    pdf = workspace.documents_dir / "Candidatures" / f"{stem}.pdf"
    assert pdf.is_file(), editor.status.text
    assert "Mes documents/Candidatures/" in editor.status.text
    row.docx_button.click()
    docx = workspace.documents_dir / "Candidatures" / f"{stem}.docx"
    for path in (pdf, docx):
        text = document_text(path)
        for words in ("Alice MARTIN", "Préparatrice de commandes", "Transports Le Goff", "CACES 1, 3, 5"):
            assert words in text
    saved = json.loads(cv_path(workspace).read_text(encoding="utf-8"))
    assert saved["contact"]["full_name"] == "Alice MARTIN"
    exports = events(workspace, "doc.export")
    assert [e["format"] for e in exports] == ["pdf", "docx"] and all(e["kind"] == "cv" for e in exports)
    assert len(events(workspace, "doc.save")) == 2  # autosaved before each export


def test_a_taken_name_asks_for_another_name_or_replace(workspace: Workspace, editor: CVEditor) -> None:
    fill(editor)
    row = editor.export_row
    row.name.value = "Mon CV.pdf"  # the learner's own name; a typed extension is not doubled
    row.pdf_button.click()
    pdf = workspace.documents_dir / "Mon CV.pdf"
    assert pdf.is_file(), editor.status.text
    first = pdf.read_bytes()

    editor.contact["full_name"].value = "Alice MARTIN-DUVAL"
    row.pdf_button.click()
    assert "autre nom" in editor.status.text and "Remplacer le fichier existant" in editor.status.text
    assert pdf.read_bytes() == first
    assert row.name.value == "Mon CV.pdf"  # the learner's own name is not replaced by a suggestion

    row.replace.value = True
    row.pdf_button.click()
    assert "MARTIN-DUVAL" in document_text(pdf)
    assert row.replace.value is False


def upload(editor: CVEditor, name: str, data: bytes) -> None:
    editor.upload.value = ({"name": name, "type": "", "size": len(data), "content": memoryview(data),
                            "last_modified": datetime(2026, 11, 29, tzinfo=UTC)},)


def test_import_prefills_from_a_word_cv(workspace: Workspace, editor: CVEditor) -> None:
    old = CV(contact=Contact(full_name="Bruno LE GALL", headline="Magasinier", email="bruno@exemple.fr",
                             phone="06 98 76 54 32", town="Brest"),
             experience=[Entry(title="Magasinier", organisation="Leclerc", place="Brest", start="2018")],
             skills=["Gestion des stocks"])
    assert editor.upload.accept == ".pdf,.docx"
    upload(editor, "ancien cv.docx", render_docx(cv_blocks(old)))
    assert editor.contact["full_name"].value == "Bruno LE GALL"
    assert editor.contact["email"].value == "bruno@exemple.fr"
    assert "Magasinier" in shown(editor) and "Gestion des stocks" in shown(editor)
    assert editor.upload.value == ()
    assert events(workspace, "doc.import") == [{"name": "ancien cv.docx", "ok": True, "context": ACTIVITY}]
    assert not cv_path(workspace).exists()  # nothing saved until the learner saves


def test_a_bad_upload_is_refused_and_the_cv_stays(workspace: Workspace, editor: CVEditor) -> None:
    fill(editor)
    editor.save()
    before, saved = editor.document(), cv_path(workspace).read_bytes()
    upload(editor, "cv.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    assert 'role="alert"' in editor.status.widget.value
    assert "cv.pdf" in editor.status.text and "pas été modifié" in editor.status.text
    assert editor.document() == before and cv_path(workspace).read_bytes() == saved
    assert events(workspace, "doc.import") == [{"name": "cv.pdf", "ok": False, "context": ACTIVITY}]


def test_reopening_a_damaged_cv_keeps_a_single_copy(workspace: Workspace) -> None:
    path = cv_path(workspace)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"{broken")
    CVEditor(workspace)
    second = CVEditor(workspace)
    kept = list(path.parent.glob("cv.json.damaged-*"))
    assert len(kept) == 1 and kept[0].name in second.status.text


def walk_texts(widget) -> list[str]:
    """Every text a widget tree shows: values of HTML, descriptions, placeholders, option labels."""
    texts = [str(getattr(widget, name, "") or "") for name in ("description", "placeholder", "tooltip")]
    if widget.__class__.__name__ == "HTML":
        texts.append(widget.value)
    texts += [label for label, _value in getattr(widget, "options", ()) if isinstance(label, str)]
    texts += [str(title) for title in getattr(widget, "titles", ()) or ()]
    return texts + [text for child in getattr(widget, "children", ()) for text in walk_texts(child)]


@pytest.mark.parametrize(("lang", "cv_title", "letter_title"),
                         [("fr", "Mon CV", "Ma lettre de motivation"), ("en", "My CV", "My cover letter")])
def test_every_text_of_both_editors_is_translated(workspace: Workspace, monkeypatch: pytest.MonkeyPatch,
                                                  lang: str, cv_title: str, letter_title: str) -> None:
    from tremplin.widgets.letter_widget import LetterEditor

    monkeypatch.setenv("TREMPLIN_LANG", lang)
    cv = CVEditor(workspace)
    cv.experience.add_button.click()
    cv.training.add_button.click()
    letter = LetterEditor(workspace, [{"id": "OF-1", "title": "Cariste", "employer": "Le Goff"}])
    letter.chooser.value = "OF-1"
    texts = walk_texts(cv.widget) + walk_texts(letter.widget)
    missing = [text for text in texts if re.search(r"\b(editors|documents)\.[a-z_]+", text)]
    assert missing == []
    assert any(cv_title in text for text in texts) and any(letter_title in text for text in texts)


def test_the_editors_catalogue_has_the_same_keys_in_french_and_english() -> None:
    from tremplin.widgets.i18n import catalogue

    french = {key for key in catalogue("fr") if key.startswith("editors.")}
    assert french and french == {key for key in catalogue("en") if key.startswith("editors.")}
