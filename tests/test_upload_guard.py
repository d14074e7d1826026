"""The upload gate: real files pass with a safe name, disguised, damaged or hostile ones are refused."""

from __future__ import annotations

import html
import io
import os
import zipfile

import pytest
from tremplin.widgets.documents.errors import DocumentError
from tremplin.widgets.documents.upload_guard import check_upload, check_zip, safe_name


def _pdf(text: str = "Alice Martin — CV") -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return out.getvalue()


def _docx(text: str = "Expérience professionnelle") -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _image(kind: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 50), (200, 120, 40)).save(out, format=kind)
    return out.getvalue()


def _refused(name: str, data: bytes, **options: object) -> str:
    with pytest.raises(DocumentError) as caught:
        check_upload(name, data, **options)
    return str(caught.value)


def test_real_documents_and_photos_pass_with_their_name() -> None:
    assert check_upload("MARTIN_Alice_CV.pdf", _pdf()) == "MARTIN_Alice_CV.pdf"
    assert check_upload("Lettre cariste.docx", _docx()) == "Lettre cariste.docx"
    assert check_upload("photo.png", _image("PNG")) == "photo.png"
    assert check_upload("Photo.JPG", _image("JPEG")) == "Photo.JPG"
    assert check_upload("photo.jpeg", _image("JPEG")) == "photo.jpeg"


@pytest.mark.parametrize("head", [b"MZ\x90\x00\x03", b"\x7fELF\x02\x01\x01", b"#!/bin/sh\nrm -rf ~\n"])
def test_an_executable_renamed_pdf_is_refused_as_a_program(head: bytes) -> None:
    message = _refused("cv.pdf", head + bytes(200))
    assert "cv.pdf" in message and "programme" in message


def test_empty_oversized_and_wrong_type_files_are_refused() -> None:
    assert "vide" in _refused("cv.pdf", b"")
    assert "trop lourd" in _refused("cv.pdf", _pdf(), max_bytes=100)
    assert "5 Mo" in _refused("cv.pdf", b"%PDF-1.4\n" + bytes(5 * 1024 * 1024))
    assert "type accepté" in _refused("cv.exe", b"hello")
    assert "type accepté" in _refused("cv", _pdf())
    assert "ne correspond pas" in _refused("photo.png", _image("JPEG"))
    assert "ne correspond pas" in _refused("cv.docx", _pdf())


def test_corrupted_pdfs_are_refused() -> None:
    good = _pdf()
    assert "abîmé" in _refused("cv.pdf", good[: len(good) // 2])
    noise = b"%PDF-1.4\n" + os.urandom(4000) + b"\n%%EOF\n"
    assert "abîmé" in _refused("cv.pdf", noise)
    assert "abîmé" in _refused("cv.pdf", good.replace(b"/Kids [", b"/Kidz ["))  # no page tree


def test_corrupted_docx_files_are_refused() -> None:
    assert "abîmé" in _refused("cv.docx", b"PK\x03\x04" + os.urandom(500))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("notes.txt", "pas de document.xml")
    assert "abîmé" in _refused("cv.docx", out.getvalue())
    good = _docx()
    assert "abîmé" in _refused("cv.docx", good[: len(good) - 300])


def _bomb() -> bytes:
    """A 200 MB member of zeros, streamed in so memory stays small: about 200 KB on disk."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = bytes(1024 * 1024)
            for _ in range(200):
                member.write(chunk)
    return out.getvalue()


def test_a_docx_zip_bomb_is_refused_before_anything_unpacks_it() -> None:
    bomb = _bomb()
    assert len(bomb) < 2 * 1024 * 1024
    message = _refused("CV bombe.docx", bomb)
    assert "CV bombe.docx" in message and "sécurité" in message
    with pytest.raises(DocumentError):
        check_zip(bomb)


def test_a_zip_with_too_many_members_or_climbing_names_is_refused() -> None:
    crowd = io.BytesIO()
    with zipfile.ZipFile(crowd, "w") as archive:
        for number in range(1001):
            archive.writestr(f"word/media/{number}.xml", "")
    assert "sécurité" in _refused("cv.docx", crowd.getvalue())
    for bad_name in ("../../evil.sh", "/etc/passwd", "word\\..\\..\\evil"):
        climbing = io.BytesIO()
        with zipfile.ZipFile(climbing, "w") as archive:
            archive.writestr("word/document.xml", "<w:document/>")
            archive.writestr(bad_name, "x")
        with pytest.raises(DocumentError, match="noms dangereux"):
            check_zip(climbing.getvalue())


@pytest.mark.parametrize("name", ["../cv.pdf", "../../etc/cv.pdf", "dossier\\cv.pdf", "a/b.pdf", "cv..pdf"])
def test_names_that_are_paths_are_refused(name: str) -> None:
    assert "chemin" in _refused(name, _pdf())


def test_names_are_cleaned_of_control_characters_dots_and_excess_length() -> None:
    pdf = _pdf()
    assert check_upload("cv\x00\x1b[31m\n.pdf", pdf) == "cv[31m.pdf"
    assert check_upload(".cv.pdf", pdf) == "cv.pdf"
    assert check_upload("cv\u202efdp.pdf", pdf) == "cvfdp.pdf"  # the right-to-left disguise
    assert check_upload('CV: "final"?.pdf', pdf) == "CV_ _final__.pdf"
    long = check_upload("C" * 300 + ".pdf", pdf)
    assert len(long) == 120 and long.endswith(".pdf")
    with pytest.raises(DocumentError):
        check_upload(".pdf", pdf)  # nothing left but the extension
    with pytest.raises(DocumentError):
        safe_name("\x00\x01")


def test_a_name_with_markup_is_quoted_as_text_and_shows_escaped() -> None:
    message = _refused("<script>alert(1)</script>.pdf", b"")
    assert "<script>alert(1)</script>.pdf" in message
    assert "<script>" not in html.escape(message)
