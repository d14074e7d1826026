"""« Imprimer mon dossier »: a CV and a letter become one A4 PDF, written whole or not at all."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from tremplin.widgets.documents.errors import DocumentError
from tremplin.widgets.documents.print_pack import A4, print_pack
from tremplin.widgets.documents.read_back import pdf_metadata, pdf_pages, pdf_text


@pytest.fixture
def workspace(tmp_path: Path):
    from tremplin.widgets.workspace import Workspace

    return Workspace.create(tmp_path / "ws", "Camille")


def _pdf(pages: list[str], size: tuple[float, float]) -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    sheet = canvas.Canvas(out, pagesize=size)
    sheet.setAuthor("Camille Dupont, ordinateur-perso")
    for text in pages:
        sheet.drawString(72, size[1] - 100, text)
        sheet.showPage()
    sheet.save()
    return out.getvalue()


def _files(workspace) -> list[Path]:
    return sorted(p for p in Path(workspace.documents_dir).rglob("*") if p.is_file())


def test_a_cv_and_a_us_letter_page_letter_become_one_a4_pdf(workspace) -> None:
    from reportlab.lib.pagesizes import A4 as RL_A4
    from reportlab.lib.pagesizes import letter

    documents = Path(workspace.documents_dir)
    (documents / "Candidatures").mkdir()
    (documents / "Candidatures" / "MARTIN_Camille_CV.pdf").write_bytes(
        _pdf(["CV de Camille page un", "CV de Camille page deux"], RL_A4))
    (documents / "Lettre.pdf").write_bytes(_pdf(["Lettre pour Transports Le Goff"], letter))
    files = ["Candidatures/MARTIN_Camille_CV.pdf", "Lettre.pdf"]

    path = print_pack(workspace, files, "Dossier_Le_Goff.pdf")

    assert path == documents / "Dossier_Le_Goff.pdf"
    data = path.read_bytes()
    sizes = pdf_pages(data)
    assert len(sizes) == 3  # the sum of the pages
    for width, height in sizes:
        assert width == pytest.approx(A4[0], abs=0.5) and height == pytest.approx(A4[1], abs=0.5)
    text = pdf_text(data)
    assert text.index("page un") < text.index("page deux") < text.index("Transports Le Goff")
    metadata = pdf_metadata(data)
    assert "Camille" not in " ".join(metadata.values()) and metadata.get("title") == "Dossier_Le_Goff"
    event = workspace.events("files.print_pack")[-1]
    assert event.data == {"files": files, "path": "Dossier_Le_Goff.pdf", "pages": 3}
    assert not [p for p in _files(workspace) if p.name.endswith(".tmp")]


def test_the_letter_size_page_is_scaled_to_fit_not_cropped(workspace) -> None:
    from pypdf import PdfReader
    from reportlab.lib.pagesizes import letter

    (Path(workspace.documents_dir) / "us.pdf").write_bytes(_pdf(["Texte en haut de page"], letter))
    page = PdfReader(print_pack(workspace, ["us.pdf"], "imprimer")).pages[0]
    assert page.mediabox.width == pytest.approx(A4[0], abs=0.5)
    content = page.get_contents().get_data()
    scale = A4[0] / letter[0]
    assert f"{scale:.4f}".encode()[:5] in content  # drawn at 595.28 / 612 of its size, whole


def test_a_taken_name_gets_a_number_and_replace_swaps_it(workspace) -> None:
    from reportlab.lib.pagesizes import A4 as RL_A4

    documents = Path(workspace.documents_dir)
    (documents / "cv.pdf").write_bytes(_pdf(["CV"], RL_A4))
    (documents / "Dossier_a_imprimer.pdf").write_bytes(b"le dossier d'hier")
    second = print_pack(workspace, ["cv.pdf"], "Dossier_a_imprimer.pdf")
    assert second.name == "Dossier_a_imprimer (2).pdf"
    assert (documents / "Dossier_a_imprimer.pdf").read_bytes() == b"le dossier d'hier"
    replaced = print_pack(workspace, ["cv.pdf"], "Dossier_a_imprimer.pdf", replace=True)
    assert replaced == documents / "Dossier_a_imprimer.pdf" and len(pdf_pages(replaced.read_bytes())) == 1


def test_a_corrupted_input_stops_everything_and_leaves_no_output(workspace) -> None:
    from reportlab.lib.pagesizes import A4 as RL_A4

    documents = Path(workspace.documents_dir)
    (documents / "cv.pdf").write_bytes(_pdf(["CV"], RL_A4))
    good = _pdf(["Lettre"], RL_A4)
    (documents / "lettre.pdf").write_bytes(good[: len(good) // 2])
    before = _files(workspace)
    with pytest.raises(DocumentError, match="lettre.pdf"):
        print_pack(workspace, ["cv.pdf", "lettre.pdf"], "Dossier.pdf")
    assert _files(workspace) == before
    assert workspace.events("files.print_pack") == []


@pytest.mark.parametrize("files", [[], ["../profile.json"], ["absent.pdf"], ["notes.docx"], ["/etc/passwd"]])
def test_missing_foreign_or_escaping_inputs_are_refused_in_french(workspace, files: list[str]) -> None:
    (Path(workspace.documents_dir) / "notes.docx").write_bytes(b"PK")
    with pytest.raises(DocumentError) as caught:
        print_pack(workspace, files, "Dossier.pdf")
    assert any(word in str(caught.value) for word in ("Choisissez", "PDF", "dossier"))
    assert not (Path(workspace.documents_dir) / "Dossier.pdf").exists()


def test_an_output_name_that_is_a_path_is_refused_and_an_odd_one_cleaned(workspace) -> None:
    from reportlab.lib.pagesizes import A4 as RL_A4

    (Path(workspace.documents_dir) / "cv.pdf").write_bytes(_pdf(["CV"], RL_A4))
    for name in ("../dehors.pdf", "..\\dehors.pdf", "/tmp/dehors.pdf"):
        with pytest.raises(DocumentError, match="chemin"):
            print_pack(workspace, ["cv.pdf"], name)
    assert not (Path(workspace.root) / "dehors.pdf").exists()
    assert print_pack(workspace, ["cv.pdf"], ".cache\x00").name == "cache.pdf"  # never a hidden file
