"""Importing an existing CV: a real DOCX and a real PDF pre-fill the editor's fields."""

from __future__ import annotations

import io

import pytest
from tremplin.widgets.documents.cv_import import cv_from_text, import_cv, section_of
from tremplin.widgets.documents.errors import DocumentError

#: A CV as a learner typed it elsewhere: (style, text); style None = a plain paragraph.
LINES: list[tuple[str | None, str]] = [
    ("Title", "Alice Martin"),
    (None, "Préparatrice de commandes — CACES 1, 3, 5"),
    (None, "Courriel : alice.martin@courriel.example | Tél. : 06 12 34 56 78"),
    (None, "35000 Rennes"),
    (None, "Permis B"),
    (None, "Née le 12/03/1990"),
    ("Heading 1", "Profil"),
    (None, "Sérieuse et ponctuelle, j'aime le travail en équipe."),
    ("Heading 1", "Expérience professionnelle"),
    (None, "Préparatrice de commandes — Entrepôts Lidl, Rennes"),
    (None, "2021 – aujourd'hui"),
    ("List Bullet", "Préparation de 150 colis par jour"),
    ("List Bullet", "Conduite de chariots élévateurs"),
    (None, "03/2018 – 12/2020 Caissière — Super U, Vitré"),
    ("List Bullet", "Accueil et encaissement des clients"),
    ("Heading 1", "Formation"),
    (None, "2017 CAP Cuisine — Lycée Jean Guéhenno, Fougères"),
    ("Heading 1", "Compétences"),
    (None, "Gestion des stocks ; Travail en équipe ; Logiciel WMS"),
    ("Heading 1", "Langues"),
    (None, "Anglais : niveau B1, lu et parlé"),
    (None, "Espagnol : notions"),
    ("Heading 1", "Centres d'intérêt"),
    (None, "Randonnée, cuisine, bénévolat aux Restos du cœur"),
]


def _docx() -> bytes:
    import docx

    document = docx.Document()
    for style, text in LINES:
        if style == "Title":
            document.add_heading(text, level=0)
        elif style == "Heading 1":
            document.add_heading(text, level=1)
        else:
            document.add_paragraph(text, style=style)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _pdf(lines: list[str]) -> bytes:
    """A plain PDF of these lines, one under the other (the benchmark's bare reportlab canvas)."""
    from tremplin.grading.bench_documents import plain_pdf

    return plain_pdf(lines)


def _assert_alice(cv, notes: list[str]) -> None:
    contact = cv.contact
    assert contact.full_name == "Alice Martin"
    assert contact.headline == "Préparatrice de commandes — CACES 1, 3, 5"
    assert contact.email == "alice.martin@courriel.example"
    assert contact.phone == "06 12 34 56 78"
    assert contact.town == "Rennes"
    assert contact.driving_licence == "Permis B"
    assert contact.birth_date == ""  # never copied: a note says why
    assert cv.summary.startswith("Sérieuse et ponctuelle")
    assert [e.title for e in cv.experience] == ["Préparatrice de commandes", "Caissière"]
    first, second = cv.experience
    assert (first.organisation, first.place, first.start, first.end) == ("Entrepôts Lidl", "Rennes", "2021",
                                                                         "")
    assert first.details.splitlines() == ["Préparation de 150 colis par jour",
                                          "Conduite de chariots élévateurs"]
    assert (second.organisation, second.place, second.start, second.end) == ("Super U", "Vitré", "03/2018",
                                                                             "12/2020")
    assert second.details == "Accueil et encaissement des clients"
    assert len(cv.training) == 1
    training = cv.training[0]
    assert (training.title, training.organisation) == ("CAP Cuisine", "Lycée Jean Guéhenno")
    assert (training.place, training.start, training.end) == ("Fougères", "", "2017")
    assert cv.skills == ["Gestion des stocks", "Travail en équipe", "Logiciel WMS"]
    assert cv.languages == ["Anglais : niveau B1, lu et parlé", "Espagnol : notions"]
    assert cv.interests == ["Randonnée", "cuisine", "bénévolat aux Restos du cœur"]
    assert any("date de naissance" in note for note in notes)
    assert not any("adresse électronique" in note or "téléphone" in note for note in notes)


def test_a_real_docx_cv_prefills_every_section() -> None:
    cv, notes = import_cv(_docx(), "Mon CV.docx")
    _assert_alice(cv, notes)
    assert "relisez" in notes[0].lower()


def test_a_real_pdf_cv_prefills_every_section() -> None:
    lines = [("• " if style == "List Bullet" else "") + text for style, text in LINES]
    cv, notes = import_cv(_pdf(lines), "CV Alice.pdf")
    _assert_alice(cv, notes)


def test_an_image_only_or_empty_pdf_gives_a_french_note_not_an_exception() -> None:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.rect(50, 50, 300, 400, fill=1)  # a drawing, like a scan: no text at all
    page.showPage()
    page.save()
    cv, notes = import_cv(out.getvalue(), "scan.pdf")
    assert cv.contact.full_name == "" and cv.experience == []
    assert len(notes) == 1 and "pas de texte lisible" in notes[0]
    cv, notes = import_cv(_pdf([]), "vide.pdf")
    assert "pas de texte lisible" in notes[0]


def test_a_text_without_headings_or_contact_says_what_is_missing() -> None:
    cv, notes = cv_from_text(
        "Bonjour\nCariste\n12 rue des Lilas\n"
        "Je cherche un emploi de cariste à Rennes ou dans les environs, près de chez moi."
    )
    joined = " ".join(notes)
    assert "Aucune rubrique" in joined and "adresse électronique" in joined and "téléphone" in joined
    assert "n'ont pas trouvé leur place, par exemple « 12 rue des Lilas »" in joined
    assert (cv.contact.full_name, cv.contact.headline) == ("Bonjour", "Cariste")
    assert cv.summary.startswith("Je cherche un emploi")  # a sentence at the top is an accroche


@pytest.mark.parametrize("template", ["classique", "moderne"])
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_cv_exported_by_tremplin_comes_back_whole(template: str, fmt: str) -> None:
    from tremplin.widgets.documents.layout import cv_blocks
    from tremplin.widgets.documents.model import CV, Contact, Entry
    from tremplin.widgets.documents.render_docx import render_docx
    from tremplin.widgets.documents.render_pdf import render_pdf

    cv = CV(
        contact=Contact(full_name="Alice Martin", headline="Cariste — CACES 1, 3, 5", phone="06 12 34 56 78",
                        email="alice.martin@courriel.example", town="Rennes"),
        summary="Sérieuse et ponctuelle, je connais la logistique.",
        experience=[Entry("Cariste", "Transports Le Goff", "Rennes", "2021", "", "Chargement\nInventaire"),
                    Entry("Caissière", "Super U", "Vitré", "2018", "2020", "Encaissement")],
        training=[Entry("CAP Cuisine", "Lycée Jean Guéhenno", "Fougères", "2016", "2017", "")],
        skills=["Gestion des stocks", "Travail en équipe"], languages=["Anglais : B1"],
        interests=["Randonnée"],
    )
    render = render_pdf if fmt == "pdf" else render_docx
    back, notes = import_cv(render(cv_blocks(cv), template, "CV"), f"cv.{fmt}")
    assert back.contact == cv.contact and back.summary == cv.summary
    assert back.experience == cv.experience and back.training == cv.training
    assert (back.skills, back.languages, back.interests) == (cv.skills, cv.languages, cv.interests)
    assert notes == [notes[0]]  # only « relisez » : nothing missing, nothing unplaced


def test_markup_and_control_characters_stay_harmless_text() -> None:
    cv, _notes = cv_from_text("<b>Alice</b>\x07 Martin\nCompétences\n<script>alert(1)</script>")
    assert cv.contact.full_name == "<b>Alice</b> Martin"  # kept as typed: escaped where shown
    assert cv.skills == ["<script>alert(1)</script>"]


def test_a_number_inside_a_sentence_is_not_taken_for_a_date() -> None:
    cv, _notes = cv_from_text(
        "Alice Martin\n10 ans d'expérience en entrepôt\nExpérience\nCariste — Geodis, Rennes\n"
        "2019 – 2021\nChargement de 2000 colis par semaine.\nCAP Cuisine (2017)"
    )
    assert cv.contact.headline == "10 ans d'expérience en entrepôt"  # not mistaken for an age
    spans = [(e.title, e.start, e.end, e.details) for e in cv.experience]
    assert spans == [("Cariste", "2019", "2021", "Chargement de 2000 colis par semaine."),
                     ("CAP Cuisine", "", "2017", "")]


def test_headings_are_recognised_by_keyword_whatever_the_accents_and_case() -> None:
    assert section_of("EXPÉRIENCES PROFESSIONNELLES") == "experience"
    assert section_of("Formations et diplômes :") == "training"
    assert section_of("Loisirs") == "interests"
    assert section_of("Centres d’intérêt") == "interests"
    assert section_of("Compétences clés") == "skills"
    assert section_of("Langues étrangères") == "languages"
    assert section_of("Expérience de 10 ans dans la logistique et le transport routier") is None
    assert section_of("- Formation des nouveaux") is None


def test_a_file_the_guard_refuses_raises_a_french_document_error() -> None:
    with pytest.raises(DocumentError, match="programme"):
        import_cv(b"MZ\x90\x00" + bytes(100), "cv.pdf")
    with pytest.raises(DocumentError, match="type accepté"):
        import_cv(b"\x89PNG\r\n\x1a\n", "cv.png")
