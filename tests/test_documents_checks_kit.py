"""What the documents-check tests share, and the tests of the scenario, the evidence and the speller.

Files are made the way a learner makes them: the real `export` renders a CV or a letter
into documents/ (recording `doc.export` in the activity), `FilesStore` makes folders,
renames, copies to the USB key and records `files.*`, `print_pack` merges the print PDF.
Only the deliberately wrong files (a Letter-size page, an author in the metadata) are made
with reportlab or python-docx directly.
"""

from __future__ import annotations

import io
from pathlib import Path

from tremplin.grading import (  # noqa: F401 - importing registers the checks
    checks_documents_cv,
    checks_documents_files,
    checks_documents_format,
    checks_documents_letter,
    checks_documents_privacy,
)
from tremplin.grading.check_context import load_context
from tremplin.grading.check_model import REGISTRY, CheckResult
from tremplin.grading.demo_documents import application_cv
from tremplin.grading.documents_evidence import CV, LETTER, OTHER, PACK, classify, keyword_hits, scan
from tremplin.grading.documents_scenario import (
    CV_EPREUVE,
    FILES_EPREUVE,
    LETTER_EPREUVE,
    DocumentsScenario,
    documents_scenario,
    mission,
    seed_find_files,
)
from tremplin.grading.spelling import spelling_mistakes, unknown_words
from tremplin.widgets.activity import ActivityJournal
from tremplin.widgets.documents.export import export
from tremplin.widgets.documents.model import CV as CVDoc
from tremplin.widgets.documents.model import Contact, Letter, letter_for_offer
from tremplin.widgets.files_store import FilesStore
from tremplin.widgets.workspace import Workspace

NAME = "Camille Martin"


def scenario_of(world, activity: str, learner: str = "Camille") -> DocumentsScenario:
    return documents_scenario(world, learner, activity)


def contact(scenario: DocumentsScenario, **changes: str) -> Contact:
    values = {"full_name": NAME, "headline": scenario.offer.title.replace("(H/F)", "").strip(),
              "email": "camille.martin@courriel.example", "phone": "06 12 34 56 78", "town": "Rennes"}
    return Contact(**{**values, **changes})


def good_cv(scenario: DocumentsScenario, **contact_changes: str) -> CVDoc:
    """A CV that passes every D1 check: sections, dates newest first, one page, the offer's skills."""
    return application_cv(scenario.offer, contact(scenario, **contact_changes))


def good_letter(scenario: DocumentsScenario, second: bool = False) -> Letter:
    """A letter for the scenario's offer (or its second one) in the learner's own words."""
    offer = scenario.second_offer if second else scenario.offer
    letter = letter_for_offer(offer.as_offer(), contact(scenario))
    skills = [k.lower() for k in offer.keywords]
    letter.you = (f"Votre offre de {offer.title} à {offer.town} a retenu toute mon attention. "
                  f"{offer.employer} est une entreprise reconnue dans la région et je souhaite rejoindre "
                  "votre équipe.")
    letter.me = (f"Depuis trois ans, je travaille dans ce domaine. Je maîtrise {skills[0]} et {skills[1]}, "
                 "et je suis ponctuelle, rigoureuse et organisée.")
    letter.us = ("Je serais heureuse de mettre mon sérieux au service de votre équipe. Je me tiens à votre "
                 "disposition pour un entretien à la date qui vous conviendra.")
    if second:
        letter.us = ("Votre atelier recrute et ma disponibilité immédiate vous sera utile dès le premier "
                     "jour. Je vous propose de nous rencontrer lors d'un entretien, quand vous le "
                     "souhaiterez.")
    return letter


class Learner:
    """Plays the learner in one activity: exports, files, copies and prints through the real pieces."""

    def __init__(self, workspace: Workspace, world, activity: str) -> None:
        self.workspace = workspace
        self.world = world
        self.activity = activity
        self.journal = ActivityJournal(workspace, activity)
        self.store = FilesStore(workspace, journal=self.journal)
        self.scenario = scenario_of(world, activity, workspace.pseudonym)

    def export(self, kind: str, doc: CVDoc | Letter, fmt: str, folder: str = "", name: str | None = None,
               replace: bool = False) -> str:
        path = export(self.workspace, kind, doc, fmt, folder=folder, name=name, replace=replace,
                      journal=self.journal)
        return path.relative_to(self.workspace.documents_dir).as_posix()

    def both(self, kind: str, doc: CVDoc | Letter, folder: str = "",
             name: str | None = None) -> tuple[str, str]:
        """The document as PDF and DOCX (same name), returns their paths in documents/."""
        stem = name.rsplit(".", 1)[0] if name else None
        return (self.export(kind, doc, "pdf", folder, f"{stem}.pdf" if stem else None),
                self.export(kind, doc, "docx", folder, f"{stem}.docx" if stem else None))

    def write(self, relative: str, data: bytes, place: str = "documents") -> Path:
        root = self.workspace.documents_dir if place == "documents" else self.workspace.usb_dir
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def check(self, check_id: str) -> CheckResult:
        spec = REGISTRY.get(check_id)
        assert spec is not None, check_id
        assert self.activity in spec.epreuves, (check_id, self.activity)
        context = load_context(self.workspace.root, self.activity, world=self.world)
        result = spec.run(context)
        assert "{" not in result.feedback and "documents_checks." not in result.feedback, result.feedback
        return result


def pdf_bytes(*lines: str, pagesize=None, author: str = "", title: str = "", pages: int = 1) -> bytes:
    """A plain PDF (reportlab canvas) for the cases the real export never makes."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=pagesize or A4)
    pdf.setAuthor(author)
    pdf.setTitle(title)
    for _page in range(pages):
        y = (pagesize or A4)[1] - 60
        for line in lines:
            pdf.drawString(60, y, line)
            y -= 15
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def docx_bytes(*paragraphs: str, author: str = "") -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.core_properties.author = author
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# -- the scenario --------------------------------------------------------------------------------------


def test_scenario_is_stable_per_learner_and_shared_across_activities(world) -> None:
    cv, letter = scenario_of(world, CV_EPREUVE), scenario_of(world, LETTER_EPREUVE)
    assert cv == scenario_of(world, CV_EPREUVE)
    assert cv.offer == letter.offer and cv.kind == "cv" and letter.kind == "letter"
    assert cv.second_offer.employer_id != cv.offer.employer_id
    assert cv.offer.street and cv.offer.keywords and cv.offer.folder.startswith("Candidature_")
    others = {scenario_of(world, CV_EPREUVE, f"Apprenant {n}").offer.offer_id for n in range(8)}
    assert len(others) > 1
    files = scenario_of(world, FILES_EPREUVE)
    assert files.find_path.endswith(files.find_name) and files.find_path not in files.decoys
    assert len(mission(files)) == 5 and all(files.find_name in p or "{" not in p for p in mission(files))


def test_seeded_files_are_found_and_never_overwrite(learner_workspace: Workspace, world) -> None:
    scenario = scenario_of(world, FILES_EPREUVE)
    written = seed_find_files(learner_workspace.documents_dir, scenario)
    assert len(written) == 1 + len(scenario.decoys)
    target = learner_workspace.documents_dir / scenario.find_path
    target.write_bytes(b"%PDF-1.4 mine")
    assert seed_find_files(learner_workspace.documents_dir, scenario) == []
    assert target.read_bytes() == b"%PDF-1.4 mine"
    kinds = {doc.path: doc.kind for doc in scan(learner_workspace)}
    assert set(kinds.values()) == {OTHER}


# -- the evidence --------------------------------------------------------------------------------------


def test_files_are_sorted_by_what_their_text_shows(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, CV_EPREUVE)
    cv_pdf, cv_docx = learner.both("cv", good_cv(learner.scenario))
    letter_pdf, _docx = learner.both("letter", good_letter(learner.scenario), folder="Lettres")
    learner.write("Divers/notes.pdf", pdf_bytes("Liste de courses", "Pain, lait"))
    learner.write("Divers/abime.pdf", b"%PDF-1.4 garbage")
    kinds = {doc.path: doc for doc in scan(learner_workspace)}
    assert kinds[cv_pdf].kind == CV and kinds[cv_docx].kind == CV
    assert kinds[letter_pdf].kind == LETTER and kinds[letter_pdf].folder == "Lettres"
    assert kinds["Divers/notes.pdf"].kind == OTHER
    broken = kinds["Divers/abime.pdf"]
    assert not broken.readable and "PDF" in broken.facts.error
    assert classify("pack.pdf", kinds[cv_pdf].text + "\n" + kinds[letter_pdf].text) == PACK
    assert keyword_hits("Je sais arrimer un chargement.", ["Chargement et arrimage", "Conduite de nuit"]) == [
        "Chargement et arrimage"]


def test_the_evidence_reads_what_mes_fichiers_lists_and_nothing_else(learner_workspace: Workspace,
                                                                       world) -> None:
    """The checks see the files « Mes fichiers » shows: hidden or odd names and links are left alone."""
    learner = Learner(learner_workspace, world, CV_EPREUVE)
    cv_pdf, _docx = learner.both("cv", good_cv(learner.scenario))
    documents = learner_workspace.documents_dir
    data = (documents / cv_pdf).read_bytes()
    for odd in (".cache/cv.pdf", "cv\u202e.pdf", "Dossier\u0007/cv.pdf", "x" * 121 + ".pdf"):
        (documents / odd).parent.mkdir(parents=True, exist_ok=True)
        (documents / odd).write_bytes(data)
    (documents / "lien.pdf").symlink_to(documents / cv_pdf)
    listed = {item.path for item in FilesStore(learner_workspace).files("documents", ".pdf")}
    assert {doc.path for doc in scan(learner_workspace) if doc.fmt == "pdf"} == listed == {cv_pdf}
    usb = learner_workspace.usb_dir
    if usb.exists():
        usb.rmdir()
    assert scan(learner_workspace, "usb") == [] and not usb.exists()  # reading makes no folder


# -- spelling ------------------------------------------------------------------------------------------


def test_spelling_ignores_names_acronyms_addresses_and_world_words(world) -> None:
    text = ("Camille Martin\ncamille.martin@courriel.example\nJ'ai travaillé chez Leroy Merlin à Janzé "
            "avec le CACES 3 jusqu'à aujourd'hui. L'entreprise m'a formée.\n")
    assert spelling_mistakes(text, world, [NAME]) == []
    found = unknown_words("Je suis tres motivee et j'ai de l'experiance.")
    assert found == ["tres", "motivee", "l'experiance"]


def test_the_catalogue_has_the_same_keys_and_placeholders_in_both_languages() -> None:
    import re

    from tremplin.widgets.i18n import catalogue

    french = {k: v for k, v in catalogue("fr").items() if k.startswith("documents_checks.")}
    english = {k: v for k, v in catalogue("en").items() if k.startswith("documents_checks.")}
    assert french and french.keys() == english.keys()
    for key, text in french.items():
        assert set(re.findall(r"\{(\w+)\}", text)) == set(re.findall(r"\{(\w+)\}", english[key])), key
    for spec in REGISTRY.all():
        if spec.title_key.startswith("documents_checks."):
            assert spec.title_key in french, spec.id
