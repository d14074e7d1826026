"""How the three simulated learners work on the document épreuves (« construire-son-cv »,
« lettre-adaptee », « ranger-sauvegarder-imprimer »), through the real editors and « Mes fichiers ».

Alice makes a folder per application, writes a CV tailored to her offer and exports it in PDF
and DOCX, writes her letters in her own words for both offers, then finds the requested file,
copies her application to the USB key and prints it in one A4 PDF. Bruno rushes: a CV with his
social-security number and no training, saved as « Document1 », the letter template left as it
is. Chloé opens the pages and does nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tremplin.grading.demo_plan import DILIGENT, HASTY, DemoPlan
from tremplin.grading.documents_pages import EPREUVES, DocumentsActivity, page_for
from tremplin.widgets.documents.model import CV, Contact, Entry
from tremplin.widgets.documents.print_pack import print_pack

CV_EPREUVE, LETTER_EPREUVE, FILES_EPREUVE = EPREUVES
ALICE = Contact(full_name="Alice Diligente", email="alice.diligente@courriel.example", phone="06 12 34 56 78",
                town="Rennes")
BRUNO_NIR = "1 85 05 35 238 042 57"  # a well-formed NIR with its key: what never goes on a CV


def application_cv(offer: Any, contact: Contact) -> CV:
    """A CV that passes every D1 check for `offer`: all sections, newest first, one page, the offer's
    skills (the demo's Alice and the check tests share it)."""
    return CV(
        contact=contact,
        summary="Sérieuse et ponctuelle, j'aime le travail bien fait et le travail en équipe.",
        experience=[Entry("Agent polyvalent", "Mairie de Rennes", "Rennes", "2021", "",
                          "Accueil du public\nEntretien des locaux"),
                    Entry("Employée libre-service", "Supermarché du centre", "Rennes", "03/2018", "12/2020",
                          "Mise en rayon\nAccueil des clients")],
        training=[Entry("CAP Agent polyvalent de restauration", "Lycée professionnel", "Rennes", "2015",
                        "2017")],
        skills=[*offer.keywords[:3], "Travail en équipe"],
        languages=["Anglais : notions"],
        interests=["Randonnée"],
    )


def alice_cv(page: DocumentsActivity) -> CV:
    offer = page.scenario.offer
    return application_cv(offer, Contact(**{**ALICE.__dict__,
                                            "headline": offer.title.replace("(H/F)", "").strip()}))


def _export_both(editor: Any, folder: str) -> list[Path]:
    editor.export_row.refresh_folders()
    editor.export_row.folder.value = folder
    return [path for path in (editor.export("pdf"), editor.export("docx")) if path is not None]


def diligent_cv(page: DocumentsActivity) -> None:
    scenario = page.scenario
    for offer in (scenario.offer, scenario.second_offer):
        if not (Path(page.workspace.documents_dir) / offer.folder).exists():
            page.files.store.mkdir("documents", offer.folder)
    page.cv_editor.fill(alice_cv(page))
    _export_both(page.cv_editor, scenario.offer.folder)


def _write_letter(page: DocumentsActivity, second: bool) -> None:
    offer = page.scenario.second_offer if second else page.scenario.offer
    editor = page.letter_editor
    editor.choose(offer.offer_id)
    skills = [k.lower() for k in offer.keywords] or ["l'organisation", "le travail en équipe"]
    editor.fields["you"].value = (
        f"Votre offre de {offer.title} à {offer.town} a retenu toute mon attention. {offer.employer} est une "
        "entreprise reconnue dans la région et je souhaite rejoindre votre équipe.")
    editor.fields["me"].value = (
        f"Depuis trois ans, je travaille dans ce domaine. Je maîtrise {skills[0]} et {skills[-1]}, et je "
        "suis ponctuelle, rigoureuse et organisée.")
    editor.fields["us"].value = (
        "Votre atelier recrute et ma disponibilité immédiate vous sera utile dès le premier jour. Je vous "
        "propose de nous rencontrer lors d'un entretien, quand vous le souhaiterez." if second else
        "Je serais heureuse de mettre mon sérieux au service de votre équipe. Je me tiens à votre "
        "disposition pour un entretien à la date qui vous conviendra.")
    _export_both(editor, offer.folder)


def diligent_letter(page: DocumentsActivity) -> None:
    _write_letter(page, second=False)
    _write_letter(page, second=True)


def _exported(page: DocumentsActivity, kind: str, fmt: str = "pdf") -> str | None:
    """The newest file of `kind` the learner exported, relative to « Mes documents »."""
    paths = [e.data.get("path") for e in page.workspace.events("doc.export")
             if e.data.get("kind") == kind and e.data.get("format") == fmt]
    inside = [p for p in paths if isinstance(p, str) and p.startswith(f"{page.scenario.offer.folder}/")]
    return (inside or paths or [None])[-1]


def diligent_files(page: DocumentsActivity) -> None:
    scenario, store = page.scenario, page.files.store
    store.open("documents", scenario.find_path)
    application = [path for path in (_exported(page, "cv"), _exported(page, "letter")) if path]
    for path in application:
        store.copy_to_usb(path, replace=True)
    print_pack(page.workspace, [*application, scenario.find_path], folder=scenario.offer.folder,
               journal=page.journal)


def hasty_cv(page: DocumentsActivity) -> None:
    cv = alice_cv(page)
    cv.contact = Contact(full_name="Bruno Pressé", email="brunodu35@courriel.example",
                         headline="Cherche travail")
    cv.summary = f"N° de sécurité sociale : {BRUNO_NIR}"
    cv.training = []
    page.cv_editor.fill(cv)
    page.cv_editor.export_row.name.value = "Document1"
    page.cv_editor.export("pdf")


def hasty_letter(page: DocumentsActivity) -> None:
    page.letter_editor.choose(page.scenario.offer.offer_id)
    page.letter_editor.export("pdf")  # the template as it came: no word of his own


def hasty_files(page: DocumentsActivity) -> None:
    if (Path(page.workspace.documents_dir) / "Document1.pdf").exists():
        page.files.store.copy_to_usb("Document1.pdf", replace=True)


def _page(activity: str):
    def build(workspace: Any, data_root: Path, world: Any) -> DocumentsActivity:
        return page_for(workspace, data_root, world, activity)
    return build


CV_DEMO = DemoPlan(build_page=_page(CV_EPREUVE), behaviours={DILIGENT: diligent_cv, HASTY: hasty_cv})
LETTER_DEMO = DemoPlan(build_page=_page(LETTER_EPREUVE), behaviours={DILIGENT: diligent_letter,
                                                                     HASTY: hasty_letter})
FILES_DEMO = DemoPlan(build_page=_page(FILES_EPREUVE), behaviours={DILIGENT: diligent_files,
                                                                   HASTY: hasty_files})
