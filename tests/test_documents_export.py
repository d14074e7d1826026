"""Export to « Mes documents »: suggested names, atomic no-clobber writes, the doc.export event."""

from __future__ import annotations

import hashlib
import io
import zipfile

import docx
import pytest
from pypdf import PdfReader
from test_documents_render import sample_letter, two_page_cv
from tremplin.widgets.documents import read_back
from tremplin.widgets.documents.errors import DocumentError
from tremplin.widgets.documents.export import export, photo_for, suggested_name
from tremplin.widgets.documents.layout import cv_blocks
from tremplin.widgets.documents.model import CV, Contact, Letter
from tremplin.widgets.documents.render_html import render_html
from tremplin.widgets.workspace import Workspace


@pytest.fixture
def workspace(tmp_path) -> Workspace:
    return Workspace.create(tmp_path / "ws", "Camille")


class Journal:
    """Anything with `.record(kind, data)` can receive the export event."""

    def __init__(self):
        self.events: list[tuple[str, dict]] = []

    def record(self, kind: str, data: dict) -> None:
        self.events.append((kind, data))


def test_suggested_names_are_plain_ascii_and_say_who_what_for_whom():
    cv = CV(Contact(full_name="Alice Martin", headline="Cariste — CACES 1, 3, 5"))
    assert suggested_name("cv", cv, "pdf") == "MARTIN_Alice_CV_cariste.pdf"
    assert suggested_name("cv", cv, "docx", job="Préparateur de commandes (H/F)") == \
        "MARTIN_Alice_CV_preparateur-de-commandes.docx"
    letter = Letter(sender_name="Alice Martin", job_title="Cariste", recipient="Transports Le Goff")
    assert suggested_name("letter", letter, "pdf") == "MARTIN_Alice_Lettre_cariste_Transports-Le-Goff.pdf"
    upper_first = CV(Contact(full_name="LE GOFF Zoé Œlie"))
    assert suggested_name("cv", upper_first, "pdf") == "LE-GOFF_Zoe-OElie_CV.pdf"
    long_letter = Letter(sender_name="É" * 90, job_title="j" * 90, recipient="c" * 90)
    long_name = suggested_name("letter", long_letter, "pdf")
    assert len(long_name) <= 100 and long_name.isascii() and " " not in long_name
    assert suggested_name("cv", CV(), "docx") == "CV.docx"


def test_export_writes_a_real_file_and_records_its_checksum(workspace):
    cv = two_page_cv("moderne")
    path = export(workspace, "cv", cv, "pdf")
    assert path == workspace.documents_dir / "MARTIN_Alice_CV_cariste.pdf"
    data = path.read_bytes()
    assert len(read_back.pdf_pages(data)) == 2 and read_back.pdf_metadata(data)["author"] == ""
    [event] = workspace.events("doc.export")
    assert event.data == {"kind": "cv", "format": "pdf", "path": "MARTIN_Alice_CV_cariste.pdf",
                          "template": "moderne", "sha256": hashlib.sha256(data).hexdigest()}
    docx_path = export(workspace, "cv", cv, "docx", folder="Candidatures/2026")
    assert docx_path.parent == workspace.documents_dir / "Candidatures" / "2026"
    assert read_back.same_text(path, docx_path)
    assert workspace.events("doc.export")[-1].data["path"] == "Candidatures/2026/MARTIN_Alice_CV_cariste.docx"
    assert not list(workspace.documents_dir.rglob(".*"))


def test_an_existing_file_is_kept_unless_the_learner_chooses_to_replace_it(workspace):
    letter = sample_letter()
    path = export(workspace, "letter", letter, "docx", name="ma lettre")
    assert path.name == "ma lettre.docx"
    before = path.read_bytes()
    letter.us = "Je reste disponible pour un entretien."
    with pytest.raises(DocumentError, match="remplacer"):
        export(workspace, "letter", letter, "docx", name="ma lettre.docx")
    assert path.read_bytes() == before and len(workspace.events("doc.export")) == 1
    journal = Journal()
    export(workspace, "letter", letter, "docx", name="ma lettre.docx", replace=True, journal=journal)
    assert "entretien" in read_back.docx_text(path.read_bytes())
    assert [kind for kind, _ in journal.events] == ["doc.export"] and len(workspace.events("doc.export")) == 1
    assert journal.events[0][1]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert sorted(p.name for p in workspace.documents_dir.iterdir()) == ["ma lettre.docx"]


def test_names_and_folders_that_leave_my_documents_are_refused(workspace, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (workspace.documents_dir / "lien").symlink_to(outside, target_is_directory=True)
    (workspace.documents_dir / "dossier.pdf").mkdir()
    cv = two_page_cv()
    refused = [dict(folder="../.."), dict(folder="/etc"), dict(folder=".cache"), dict(folder="lien"),
               dict(name="../cv"), dict(name="a/b"), dict(name=".cache"), dict(name="cv\x07"),
               dict(name="dossier")]
    for arguments in refused:
        with pytest.raises(DocumentError):
            export(workspace, "cv", cv, "pdf", **arguments)
    with pytest.raises(DocumentError, match="Format"):
        export(workspace, "cv", cv, "odt")
    with pytest.raises(DocumentError):
        export(workspace, "letter", cv, "pdf")
    assert list(outside.iterdir()) == [] and workspace.events("doc.export") == []


def _phone_photo() -> bytes:
    """A JPEG as a phone writes it: with an EXIF block naming the camera's owner."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x013B] = "Camille Durand"  # Artist
    out = io.BytesIO()
    Image.new("RGB", (900, 1200), (200, 150, 120)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_the_optional_photo_is_embedded_without_its_metadata(workspace):
    (workspace.documents_dir / "Photos").mkdir()
    (workspace.documents_dir / "Photos" / "moi.jpg").write_bytes(_phone_photo())
    cv = two_page_cv()
    cv.contact.photo = "Photos/moi.jpg"
    pdf_path = export(workspace, "cv", cv, "pdf")
    docx_path = export(workspace, "cv", cv, "docx")
    [image] = [x.get_object() for x in PdfReader(pdf_path).pages[0]["/Resources"]["/XObject"].values()
               if x.get_object()["/Subtype"] == "/Image"]
    with zipfile.ZipFile(docx_path) as archive:
        [media] = [archive.read(name) for name in archive.namelist() if name.startswith("word/media/")]
    for embedded in (image.get_data(), media):
        assert embedded.startswith(b"\xff\xd8")
        assert b"Camille Durand" not in embedded and b"Exif" not in embedded
    assert image["/Width"] <= 480 and len(docx.Document(docx_path).inline_shapes) == 1
    assert read_back.same_text(pdf_path, docx_path) and len(read_back.pdf_pages(pdf_path.read_bytes())) == 2
    photo = photo_for(workspace, cv)
    assert "data:image/jpeg;base64," in render_html(cv_blocks(cv), photo=photo)


def test_a_missing_or_fake_photo_stops_the_export_with_a_clear_message(workspace):
    (workspace.documents_dir / "faux.jpg").write_bytes(b"MZ\x90\x00 not a picture")
    cv = two_page_cv()
    for photo, words in (("absente.jpg", "introuvable"), ("../../profile.json", "introuvable"),
                         ("faux.jpg", "n'a pas pu être lue")):
        cv.contact.photo = photo
        with pytest.raises(DocumentError, match=words):
            export(workspace, "cv", cv, "pdf")
    assert not list(workspace.documents_dir.glob("*.pdf")) and workspace.events("doc.export") == []
