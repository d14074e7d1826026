"""PDF, DOCX and HTML made from one layout, read back with pypdf and python-docx."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

import docx
import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from tremplin.widgets.documents import read_back
from tremplin.widgets.documents.errors import DocumentError
from tremplin.widgets.documents.layout import cv_blocks, letter_blocks, prepare_photo
from tremplin.widgets.documents.model import CV, Contact, Entry, Letter
from tremplin.widgets.documents.render_docx import render_docx
from tremplin.widgets.documents.render_html import render_html
from tremplin.widgets.documents.render_pdf import render_pdf

MARKUP = "<b>x</b> <script>alert(1)</script> &amp;"
ACCENTS = "« é è à ç œ » l’heure, 12 €"


def two_page_cv(template: str = "classique") -> CV:
    """A CV long enough for two A4 pages, with accents, ’, €, œ and typed markup."""
    jobs = [
        Entry(f"Préparatrice de commandes n°{n}", "Logistique Le Gac", "Janzé", f"0{n}/201{n}",
              "2020" if n < 5 else "",
              "Préparer les commandes avec un chariot élévateur\nContrôler la qualité des colis\n"
              f"Former les nouveaux arrivants à l’œuvre, prime de 150 € ({MARKUP})")
        for n in range(1, 8)
    ]
    training = [Entry("CACES R489 catégories 1, 3 et 5", "AFPA", "Rennes", "2019", "2019",
                      "Conduite en sécurité"),
                Entry("CAP Agent d’entreposage", "Lycée Jean Jaurès", "Rennes", "2016", "2018", "")]
    contact = Contact("Alice Martin", "Cariste — CACES 1, 3, 5", "alice.martin@exemple.fr", "06 12 34 56 78",
                      "Rennes", driving_licence="Permis B")
    return CV(contact, f"Cariste rigoureuse, sept ans d’expérience. {ACCENTS}", jobs, training,
              ["Conduite de chariots", "Gestion des stocks", f"Sécurité {MARKUP}"], ["Anglais : notions"],
              ["Randonnée", "Cuisine"], template)


def sample_letter() -> Letter:
    return Letter(offer_id="OF-1", reference="TRP-000001", job_title="Cariste", sender_name="Alice Martin",
                  sender_address="3 rue des Lilas\n35000 Rennes", sender_email="alice.martin@exemple.fr",
                  recipient="Transports Le Goff", recipient_address="12 avenue du Port\n29200 Brest",
                  place="Rennes", date="29 novembre 2026", subject="Objet : candidature au poste de cariste",
                  you=f"Votre entreprise {MARKUP} m’intéresse.", me=f"J’ai conduit des chariots. {ACCENTS}",
                  us="Je serais heureuse de vous rencontrer.", closing="Salutations distinguées.",
                  signature="Alice Martin")


@pytest.fixture(scope="module")
def files() -> dict[tuple[str, str], bytes]:
    """The two-page CV rendered in both formats and both templates."""
    made = {}
    for template in ("classique", "moderne"):
        blocks = cv_blocks(two_page_cv(template))
        made["pdf", template] = render_pdf(blocks, template, title="CV – Cariste")
        made["docx", template] = render_docx(blocks, template, title="CV – Cariste")
    return made


@pytest.mark.parametrize("template", ["classique", "moderne"])
def test_pdf_and_docx_of_the_same_cv_carry_the_same_text(files, template):
    pdf, docx_data = files["pdf", template], files["docx", template]
    assert read_back.same_text(pdf, docx_data)
    for text in (read_back.pdf_text(pdf), read_back.docx_text(docx_data)):
        for piece in ("€", "œ", "’", "« é è à ç œ »", "Expérience professionnelle", "Centres d'intérêt",
                      MARKUP):
            assert piece in text


def test_same_text_notices_a_changed_word(files):
    text = read_back.docx_text(files["docx", "classique"])
    assert not read_back.same_text(files["pdf", "classique"], text.replace("Janzé", "Janze", 1))


@pytest.mark.parametrize("template", ["classique", "moderne"])
def test_a_two_page_cv_makes_two_a4_pages(files, template):
    pages = read_back.pdf_pages(files["pdf", template])
    assert len(pages) == 2
    assert all(abs(w - 595.3) < 1 and abs(h - 841.9) < 1 for w, h in pages)


def test_metadata_name_no_author(files):
    for template in ("classique", "moderne"):
        meta = read_back.pdf_metadata(files["pdf", template])
        assert meta["author"] == "" and meta["title"] == "CV – Cariste"
        assert meta["creator"] == meta["producer"] == "Tremplin"
        assert not any("Camille" in value or "python" in value.lower() for value in meta.values())
        core = read_back.docx_metadata(files["docx", template])
        assert core["author"] == core["last_modified_by"] == core["comments"] == ""
        assert core["title"] == "CV – Cariste"


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 80), (200, 120, 40)).save(out, "PNG")
    return prepare_photo(out.getvalue())


@pytest.mark.parametrize("photo", [False, True])
def test_docx_package_keeps_nothing_of_python_docx_template(files, photo):
    """S1 « métadonnées propres » at every level: app.xml neutral, no thumbnail, no template leftovers."""
    data = (render_docx(cv_blocks(two_page_cv()), title="CV – Cariste", photo=_photo()) if photo
            else files["docx", "classique"])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        app = ElementTree.fromstring(archive.read("docProps/app.xml"))
        package_rels = archive.read("_rels/.rels").decode("utf-8")
        settings = archive.read("word/settings.xml").decode("utf-8")
        everything = b" ".join(archive.read(name) for name in names if not name.startswith("word/media/"))
    ns = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
    assert app.findtext(f"{ns}Application") == "Tremplin"
    assert [child.tag.removeprefix(ns) for child in app if child.tag.removeprefix(ns) in
            ("Template", "Company", "Manager", "AppVersion", "TotalTime", "Pages", "Words")] == []
    assert not any("thumbnail" in name or name.startswith("customXml/") for name in names)
    assert "thumbnail" not in package_rels and "extended-properties" in package_rels
    assert "savePreviewPicture" not in settings
    for leftover in (b"Macintosh", b"Microsoft Macintosh Word", b"Normal.dotm", b"python-docx"):
        assert leftover not in everything
    assert any(name.startswith("word/media/") for name in names) == photo
    reopened = docx.Document(io.BytesIO(data))
    assert reopened.core_properties.title == "CV – Cariste"
    assert "Expérience professionnelle" in read_back.docx_text(data)


def _pdf_fonts(data: bytes) -> set[str]:
    fonts = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


def _docx_fonts(data: bytes) -> set[str]:
    """The fonts a DOCX's text is shown in: the Normal style's, and any a run sets itself."""
    document = docx.Document(io.BytesIO(data))
    runs = {run.font.name for paragraph in document.paragraphs for run in paragraph.runs} - {None}
    return runs | {document.styles["Normal"].font.name}


def test_the_two_templates_look_different_but_say_the_same(files):
    assert "/Times-Bold" in _pdf_fonts(files["pdf", "classique"])
    assert not any("Times" in font for font in _pdf_fonts(files["pdf", "moderne"]))
    assert _docx_fonts(files["docx", "classique"]) == {"Times New Roman"}
    assert _docx_fonts(files["docx", "moderne"]) == {"Arial"}
    assert files["pdf", "classique"] != files["pdf", "moderne"]
    assert read_back.same_text(files["pdf", "classique"], files["docx", "moderne"])
    blocks = cv_blocks(two_page_cv())
    assert render_html(blocks, "classique") != render_html(blocks, "moderne")
    assert "#0E7C7B" in render_html(blocks, "moderne") and "#0E7C7B" not in render_html(blocks, "classique")


def test_markup_and_control_characters_stay_inert_everywhere():
    cv = CV(Contact("<i>Alice</i> \x07Martin\x1b", "a\u202eb"), f"{MARKUP}\x00 fin", skills=["<br/>", "&lt;"])
    blocks = cv_blocks(cv)
    pdf, docx_data, html = render_pdf(blocks), render_docx(blocks), render_html(blocks)
    for text in (read_back.pdf_text(pdf), read_back.docx_text(docx_data)):
        assert "<i>Alice</i> Martin" in text and MARKUP in text and "<br/>" in text and "&lt;" in text
        assert not any(char in text for char in "\x00\x07\x1b\u202e")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&amp;amp;" in html and "&lt;br/&gt;" in html and "\x07" not in html


def test_letter_renders_the_same_text_in_pdf_and_docx():
    blocks = letter_blocks(sample_letter())
    pdf, docx_data = render_pdf(blocks, "moderne"), render_docx(blocks, "moderne")
    assert read_back.same_text(pdf, docx_data)
    text = read_back.pdf_text(pdf)
    assert "29200 Brest" in text and "Rennes, le 29 novembre 2026" in text and MARKUP in text
    assert len(read_back.pdf_pages(pdf)) == 1
    assert "Transports Le Goff" in render_html(blocks, "moderne")


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _future_zip(data: bytes) -> bytes:
    """A zip whose central directory asks for a zip version Python does not know (NotImplementedError)."""
    at = data.rindex(b"PK\x01\x02")
    return data[:at + 6] + b"\xff\x00" + data[at + 8:]


def _locked_pdf(pdf: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_damaged_or_unsafe_files_give_a_french_document_error(files, tmp_path):
    pdf = files["pdf", "classique"]
    bomb = _zip({"word/document.xml": b"0" * 30_000_000})
    cases = [
        (read_back.pdf_text, pdf[: len(pdf) // 3] + b"garbage", ""),
        (read_back.pdf_text, b"%PDF-1.4\n" + bytes(range(256)) * 4, ""),
        (read_back.pdf_metadata, b"", "vide"),
        (read_back.pdf_text, _locked_pdf(pdf), "mot de passe"),
        (read_back.docx_text, bomb, ""),
        (read_back.docx_text, _zip({"hello.txt": b"hi"}), ""),
        (read_back.docx_metadata, b"PK\x03\x04 not a zip", ""),
        (read_back.docx_text, _future_zip(files["docx", "classique"]), ""),
        (read_back.document_text, b"just some text", "ni un PDF"),
        (read_back.document_text, tmp_path / "absent.pdf", "introuvable"),
    ]
    for function, data, words in cases:
        with pytest.raises(DocumentError) as caught:
            function(data)
        assert words in str(caught.value)
        assert "Traceback" not in str(caught.value) and str(caught.value)[:1].isupper()


def test_document_text_reads_paths_and_guesses_the_kind(files, tmp_path):
    path = tmp_path / "cv.docx"
    path.write_bytes(files["docx", "moderne"])
    assert read_back.document_text(path) == read_back.docx_text(files["docx", "moderne"])
    assert read_back.document_text(files["pdf", "moderne"]) == read_back.pdf_text(files["pdf", "moderne"])
    assert read_back.same_text(str(path), files["pdf", "classique"])
