"""A learner's documents in a real browser (Debian's chromium via Playwright), lesson by lesson:
fill the CV by typing (markup shown as text in the live preview, never run) → export PDF and
Word → « Vérifier » → write the letter for an offer saved earlier → copy the CV to the USB key
(verified) and download it. The files and the journal on the server are what the checks read,
so the test reads them back there (pypdf / python-docx through read_back).

The three tests follow one learner: the letter's sender comes from the CV, and the USB lesson
copies the CV's PDF, so they run in this order."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_kiosk_support import Kiosk, exact_button, start_real_kiosk, verify
from tremplin.grading.browser import WIDGETS_TIMEOUT_MS
from tremplin.grading.documents_pages import offer_card
from tremplin.grading.documents_scenario import LETTER_LESSON as LETTER_ACTIVITY
from tremplin.grading.documents_scenario import documents_scenario
from tremplin.widgets.documents.read_back import document_text, same_text
from tremplin.widgets.letter_widget import offer_label
from tremplin.widgets.shortlist import add_offer
from tremplin.widgets.visit import Visit, page_url, start_visit
from tremplin.widgets.workspace import Workspace

pytestmark = pytest.mark.slow
CV_LESSON = "lecons/12-construire-un-cv-lisible.ipynb"
LETTER_LESSON = "lecons/13-adapter-sa-lettre-a-l-offre.ipynb"
USB_LESSON = "lecons/16-sauvegarder-sur-cle-usb-et-imprimer.ipynb"
NAME = "Maëlle Kerbrat"
MARKUP = "<script>alert(1)</script>"
CONTACT = {"Prénom et nom": NAME, "Métier recherché": "Cariste",
           "Adresse e-mail": "maelle.kerbrat@exemple.fr", "Téléphone": "06 12 34 56 78"}
EXPORT_BUTTON = {"pdf": "Exporter en PDF", "docx": "Exporter en Word (DOCX)"}


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory: pytest.TempPathFactory, data_root: Path) -> Iterator[Kiosk]:
    """The real kiosk serving its home page and only these three lessons."""
    server = start_real_kiosk(tmp_path_factory.mktemp("documents-journey"), data_root / "world",
                              (CV_LESSON, LETTER_LESSON, USB_LESSON))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def visit(kiosk: Kiosk) -> Visit:
    return start_visit(NAME, kiosk.data)


def workspace_of(visit: Visit) -> Workspace:
    return Workspace.open(visit.workspace)


def wait_text(tool, text: str) -> None:
    """Wait for `text` inside one tool (the lesson's prose may quote the same words)."""
    tool.get_by_text(text).first.wait_for(timeout=WIDGETS_TIMEOUT_MS)


def open_lesson(kiosk: Kiosk, browser, notebook: str, visit: Visit, ready: str):
    """The lesson page once its `ready` button is there, and the list of dialogs it opened."""
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(kiosk.url.rstrip("/") + page_url(notebook, visit), timeout=WIDGETS_TIMEOUT_MS)
    exact_button(page, ready).first.wait_for(timeout=WIDGETS_TIMEOUT_MS)
    return page, dialogs


def open_section(page, title: str) -> None:
    """Go to one part of the CV form: every part is open, under a real heading a screen reader lists."""
    page.get_by_role("heading", name=title, exact=True).scroll_into_view_if_needed()


def export(editor, fmt: str) -> str:
    """Click « Exporter en … », wait for « C'est fait », return the file's name in « Mes documents »."""
    exact_button(editor, EXPORT_BUTTON[fmt]).click()
    wait_text(editor, f"C'est fait : votre fichier {fmt.upper()} est dans")
    return f"{editor.get_by_label('Nom du fichier').input_value()}.{fmt}"


def kinds(visit: Visit, activity: str) -> list[tuple[str, dict]]:
    return [(e.kind, e.data) for e in workspace_of(visit).events() if e.data.get("context") == activity]


def test_fill_the_cv_see_it_live_and_export_pdf_and_word(kiosk: Kiosk, browser, visit: Visit) -> None:
    page, dialogs = open_lesson(kiosk, browser, CV_LESSON, visit, EXPORT_BUTTON["pdf"])
    editor = page.locator(".tremplin-cv-editor")
    preview = editor.locator(".tremplin-editor-preview")
    for label, value in CONTACT.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Ville", exact=True).first.fill("Lannion")  # the contact's; each entry has one too
    preview.get_by_text(NAME).wait_for(timeout=WIDGETS_TIMEOUT_MS)  # the preview follows the typing

    open_section(page, "Expérience professionnelle")
    exact_button(page, "Ajouter une expérience").click()
    page.get_by_label("Poste", exact=True).fill("Préparatrice de commandes")
    page.get_by_label("Employeur", exact=True).fill("Entrepôts Durand")
    page.get_by_label("Début", exact=True).first.fill("03/2021")
    open_section(page, "Formation")
    exact_button(page, "Ajouter une formation").click()
    page.get_by_label("Diplôme ou formation", exact=True).fill("CACES R489 catégories 1, 3 et 5")
    page.get_by_label("École ou organisme", exact=True).fill("AFPA Saint-Brieuc")
    open_section(page, "Compétences, langues, centres d'intérêt")
    page.get_by_label("Compétences", exact=True).fill(f"Conduite de chariots élévateurs\n{MARKUP}")
    for typed in ("Préparatrice de commandes", "AFPA Saint-Brieuc", "Conduite de chariots", MARKUP):
        preview.get_by_text(typed).first.wait_for(timeout=WIDGETS_TIMEOUT_MS)
    wait_text(editor, "Les signes < > et & sont gardés comme du texte ordinaire")
    assert page.locator(".tremplin-editor-preview script").count() == 0  # shown as text, never a tag

    documents = workspace_of(visit).documents_dir
    pdf, docx = documents / export(editor, "pdf"), documents / export(editor, "docx")
    text = document_text(pdf)
    for typed in (NAME, "Entrepôts Durand", "AFPA Saint-Brieuc", CONTACT["Adresse e-mail"], MARKUP):
        assert typed in text, typed
    assert NAME in document_text(docx) and same_text(pdf, docx)
    exports = [data for kind, data in kinds(visit, "lecon-cv-lisible") if kind == "doc.export"]
    assert [(e["kind"], e["format"]) for e in exports] == [("cv", "pdf"), ("cv", "docx")]

    panel = verify(page, "étape(s) réussie(s)")
    done = re.search(r"(\d+) étape\(s\) réussie\(s\) sur (\d+)", panel)
    assert done and int(done[1]) >= 1, panel  # the e-mail and the phone are on the CV, at least
    assert not dialogs
    page.close()


def test_write_the_letter_for_an_offer_saved_in_the_search_lesson(kiosk: Kiosk, browser, visit: Visit,
                                                                    world) -> None:
    scenario = documents_scenario(world, visit.pseudonym, LETTER_ACTIVITY)
    mission = {scenario.offer.offer_id, scenario.second_offer.offer_id}
    saved = offer_card(world, next(o["id"] for o in world.offers() if o["id"] not in mission))
    add_offer(workspace_of(visit), saved["id"], saved["title"])  # as the search lesson records it

    page, dialogs = open_lesson(kiosk, browser, LETTER_LESSON, visit, EXPORT_BUTTON["pdf"])
    chooser = page.get_by_label("Offre", exact=True)
    labels = [label.replace("\xa0", " ") for label in chooser.locator("option").all_inner_texts()]
    assert labels[3:] == [offer_label(saved)], labels  # after « Choisissez » and the mission's two offers
    chooser.select_option(index=3)
    editor = page.locator(".tremplin-letter-editor")
    wait_text(editor, "La lettre est préparée pour cette offre")
    assert page.get_by_label("Entreprise", exact=True).input_value() == saved["employer"]
    assert page.get_by_label("Référence de l'offre").input_value() == saved["reference"]
    assert page.get_by_label("Prénom et nom").input_value() == NAME  # the sender, from the saved CV

    paragraphs = {
        "vous": f"L'entreprise {saved['employer']} est reconnue dans la région et son activité m'intéresse.",
        "moi": "J'ai trois ans d'expérience en entrepôt et je conduis les chariots en sécurité.",
        "nous": "Je serais heureuse de vous rencontrer lors d'un entretien pour en parler.",
    }
    for part, typed in paragraphs.items():
        page.get_by_label(f"Paragraphe « {part} »").fill(typed)
    editor.locator(".tremplin-editor-preview").get_by_text(paragraphs["nous"]).wait_for(
        timeout=WIDGETS_TIMEOUT_MS)
    letter = workspace_of(visit).documents_dir / export(editor, "pdf")
    text = " ".join(document_text(letter).split())
    assert saved["employer"] in text and saved["reference"] in text and paragraphs["moi"] in text
    assert not dialogs
    page.close()


def test_copy_the_cv_to_the_usb_key_and_download_it(kiosk: Kiosk, browser, visit: Visit) -> None:
    workspace = workspace_of(visit)
    made = sorted(workspace.documents_dir.glob("*_CV_*.pdf"))
    assert len(made) == 1, "the CV test above exports the PDF this lesson copies"
    cv = made[0]
    page, dialogs = open_lesson(kiosk, browser, USB_LESSON, visit, "Copier sur la clé USB")
    files = page.get_by_label("Choisir", exact=True)
    files.select_option(label=f"📄 {cv.name}")
    copy = exact_button(page, "Copier sur la clé USB")
    copy.click()
    tool = page.locator(".tremplin-files")
    wait_text(tool, "Dans quel dossier de la clé USB copier")
    assert copy.count() == 1  # the form's button has its own name: one « Copier sur la clé USB » only
    exact_button(page, "Copier maintenant").click()
    wait_text(tool, f"Copie vérifiée : « {cv.name} » est sur votre clé USB")
    assert (workspace.usb_dir / cv.name).read_bytes() == cv.read_bytes()

    files.select_option(label=f"📄 {cv.name}")
    exact_button(page, "Télécharger").click()
    link = page.get_by_role("link", name=re.compile(re.escape(f"« {cv.name} »")))
    with page.expect_download(timeout=WIDGETS_TIMEOUT_MS) as download:
        link.click()
    assert download.value.suggested_filename == cv.name
    assert Path(download.value.path()).read_bytes() == cv.read_bytes()

    events = dict(kinds(visit, "lecon-cle-usb-imprimer"))
    assert events["files.copy_usb"]["verified"] is True
    assert events["files.download"] == {"place": "documents", "path": cv.name, "zip": False,
                                        "context": "lecon-cle-usb-imprimer"}
    assert not dialogs
    page.close()
