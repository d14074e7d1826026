"""Filing (D4), the USB key and printing (D5), and personal data (S1) on real files moved, copied and
printed through FilesStore and print_pack, as « Mes fichiers » does."""

from __future__ import annotations

import dataclasses

from reportlab.lib.pagesizes import letter as LETTER_SIZE
from test_documents_checks_kit import Learner, docx_bytes, good_cv, good_letter, pdf_bytes
from tremplin.grading.checks_documents_privacy import (
    PRIVACY_CHECK_ID,
    documents_privacy_findings,
    privacy_result,
)
from tremplin.grading.documents_evidence import scan
from tremplin.grading.documents_scenario import (
    CV_EPREUVE,
    DATA_LESSON,
    FILES_EPREUVE,
    FILES_LESSON,
    USB_LESSON,
    seed_find_files,
)
from tremplin.grading.sensitive_data import IBAN, NIR
from tremplin.widgets.activity import ActivityJournal
from tremplin.widgets.documents.model import save_json_atomic
from tremplin.widgets.documents.print_pack import print_pack
from tremplin.widgets.workspace import Workspace

FILES_CHECKS = ("d4-dossier-candidature", "d4-noms-parlants", "d4-fichier-retrouve", "d4-deux-candidatures",
                "d5-copie-sur-cle", "d5-copie-identique", "d5-pdf-a4-imprimable",
                "d5-impression-plusieurs-documents")
VALID_IBAN = "FR76 3000 6000 0112 3456 7890 189"


def nir(body: str = "1850578006084") -> str:
    key = 97 - int(body) % 97
    return f"{body[0]} {body[1:3]} {body[3:5]} {body[5:7]} {body[7:10]} {body[10:13]} {key:02d}"


def application(learner: Learner, second: bool = False) -> tuple[str, str]:
    """The CV and the letter (PDF and DOCX) exported into the offer's folder; returns the two PDF paths."""
    offer = learner.scenario.second_offer if second else learner.scenario.offer
    learner.store.mkdir("documents", offer.folder)
    cv_pdf, _cv_docx = learner.both("cv", good_cv(learner.scenario), folder=offer.folder)
    letter_pdf, _docx = learner.both("letter", good_letter(learner.scenario, second), folder=offer.folder)
    return cv_pdf, letter_pdf


def full_journey(learner: Learner) -> None:
    """Everything the épreuve asks: two folders, the file found, the USB copies, the print in order."""
    scenario = learner.scenario
    seed_find_files(learner.workspace.documents_dir, scenario)
    cv_pdf, letter_pdf = application(learner)
    application(learner, second=True)
    learner.store.open("documents", scenario.decoys[0])
    learner.store.open("documents", scenario.find_path)
    learner.store.copy_to_usb(cv_pdf)
    learner.store.copy_to_usb(letter_pdf)
    print_pack(learner.workspace, [cv_pdf, letter_pdf, scenario.find_path], journal=learner.journal)


def test_the_whole_journey_passes_every_files_check(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, FILES_EPREUVE)
    full_journey(learner)
    for check_id in FILES_CHECKS:
        result = learner.check(check_id)
        assert result.passed, (check_id, result.feedback)
    assert learner.check("d5-copie-identique").feedback.count("…") == 1


def test_nothing_done_fails_every_files_check(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, FILES_EPREUVE)
    seed_find_files(learner_workspace.documents_dir, learner.scenario)
    for check_id in FILES_CHECKS:
        result = learner.check(check_id)
        assert not result.passed and result.points == 0, (check_id, result.feedback)
    assert learner.scenario.find_name in learner.check("d4-fichier-retrouve").feedback


# -- D4 ---------------------------------------------------------------------------------------------------


def test_files_left_loose_need_an_application_folder(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, FILES_LESSON)
    learner.both("cv", good_cv(learner.scenario))
    learner.both("letter", good_letter(learner.scenario))
    result = learner.check("d4-dossier-candidature")
    assert not result.passed and "en vrac" in result.feedback
    assert learner.scenario.offer.folder in result.feedback
    learner.store.mkdir("documents", "Lettres")
    letters = [doc.path for doc in scan(learner_workspace) if doc.kind == "letter"]
    for path in letters:
        learner.store.move("documents", path, "Lettres")
    half = learner.check("d4-dossier-candidature")
    assert not half.passed and half.points == 1 and "pas votre CV" in half.feedback


def test_document1_is_not_a_telling_name(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, FILES_LESSON)
    folder = learner.scenario.offer.folder
    learner.store.mkdir("documents", folder)
    learner.both("cv", good_cv(learner.scenario), folder=folder, name="Document1.pdf")
    learner.both("letter", good_letter(learner.scenario), folder=folder)
    assert learner.check("d4-dossier-candidature").passed
    result = learner.check("d4-noms-parlants")
    assert not result.passed and "« Document1.pdf »" in result.feedback and "NOM_Prenom_CV" in result.feedback
    learner.store.rename("documents", f"{folder}/Document1.pdf", "MARTIN_Camille_CV_cariste.pdf")
    learner.store.rename("documents", f"{folder}/Document1.docx", "MARTIN_Camille_CV_cariste.docx")
    assert learner.check("d4-noms-parlants").passed


def test_a_vague_folder_name_is_told_to_say_which_application(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, FILES_LESSON)
    learner.store.mkdir("documents", "Nouveau dossier")
    learner.both("cv", good_cv(learner.scenario), folder="Nouveau dossier")
    learner.both("letter", good_letter(learner.scenario), folder="Nouveau dossier")
    result = learner.check("d4-noms-parlants")
    assert not result.passed and learner.scenario.offer.folder in result.feedback


def test_opening_the_wrong_file_is_not_finding_the_one_asked(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, FILES_EPREUVE)
    seed_find_files(learner_workspace.documents_dir, learner.scenario)
    learner.store.open("documents", learner.scenario.decoys[0])
    result = learner.check("d4-fichier-retrouve")
    assert not result.passed and learner.scenario.decoys[0] in result.feedback
    ActivityJournal(learner_workspace, FILES_LESSON).record(
        "files.open", {"place": "documents", "path": learner.scenario.find_path})
    assert not learner.check("d4-fichier-retrouve").passed  # a lesson's practice does not count


def test_two_applications_in_one_folder_are_mixed(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, FILES_EPREUVE)
    application(learner)
    learner.both("letter", good_letter(learner.scenario, second=True), folder=learner.scenario.offer.folder)
    result = learner.check("d4-deux-candidatures")
    assert not result.passed and learner.scenario.second_offer.folder in result.feedback


# -- D5 ---------------------------------------------------------------------------------------------------


def test_an_altered_usb_copy_fails_its_checksum(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, USB_LESSON)
    cv_pdf, letter_pdf = application(learner)
    copy = learner.store.copy_to_usb(cv_pdf)
    learner.store.copy_to_usb(letter_pdf)
    assert copy.verified and learner.check("d5-copie-identique").passed
    usb = learner_workspace.usb_dir / copy.path
    usb.write_bytes(usb.read_bytes().replace(b"%%EOF", b"%%EOF\n% abime"))
    result = learner.check("d5-copie-identique")
    assert not result.passed and copy.path in result.feedback
    assert "copiez le fichier à nouveau" in result.feedback
    assert learner.check("d5-copie-sur-cle").passed


def test_only_the_cv_on_the_key(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, USB_LESSON)
    cv_pdf, _letter_pdf = application(learner)
    learner.store.copy_to_usb(cv_pdf)
    result = learner.check("d5-copie-sur-cle")
    assert not result.passed and result.points == 1 and "pas votre lettre" in result.feedback


def test_a_letter_size_print_pdf_is_not_a4(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, USB_LESSON)
    cv_pdf, letter_pdf = application(learner)
    texts = {doc.path: doc.text for doc in scan(learner_workspace)}
    lines = (texts[cv_pdf] + "\n" + texts[letter_pdf]).splitlines()
    learner.write("Dossier_a_imprimer.pdf", pdf_bytes(*lines[:50], pagesize=LETTER_SIZE))
    result = learner.check("d5-pdf-a4-imprimable")
    assert not result.passed and "Letter" in result.feedback and "A4" in result.feedback
    print_pack(learner.workspace, [cv_pdf, letter_pdf], name="Dossier_A4.pdf", journal=learner.journal)
    assert learner.check("d5-pdf-a4-imprimable").passed


def test_a_print_without_the_letter_or_in_the_wrong_order(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, FILES_EPREUVE)
    seed_find_files(learner_workspace.documents_dir, learner.scenario)
    cv_pdf, letter_pdf = application(learner)
    print_pack(learner.workspace, [cv_pdf], journal=learner.journal)
    result = learner.check("d5-pdf-a4-imprimable")
    assert not result.passed and "pas votre lettre" in result.feedback
    print_pack(learner.workspace, [letter_pdf, cv_pdf, learner.scenario.find_path], journal=learner.journal)
    assert learner.check("d5-pdf-a4-imprimable").passed
    order = learner.check("d5-impression-plusieurs-documents")
    assert not order.passed and "ordre" in order.feedback


# -- S1 ---------------------------------------------------------------------------------------------------


def test_a_nir_on_the_cv_is_a_critical_failure(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, CV_EPREUVE)
    cv = good_cv(learner.scenario)
    cv.summary = f"N° de sécurité sociale : {nir()}"
    learner.both("cv", cv)
    result = learner.check("s1-cv-sans-numero-sensible")
    assert not result.passed and result.critical and "sécurité sociale" in result.feedback
    assert nir().replace(" ", "") not in result.feedback.replace(" ", "") and "•" in result.feedback
    assert not learner.check("s1-pas-de-donnees-discriminantes").passed


def test_an_iban_in_the_letter_docx_is_a_critical_failure(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, DATA_LESSON)
    learner.both("cv", good_cv(learner.scenario))
    letter = good_letter(learner.scenario)
    letter.us += f" Mon IBAN pour le salaire : {VALID_IBAN}."
    learner.export("letter", letter, "docx")
    result = learner.check("s1-cv-sans-numero-sensible")
    assert not result.passed and "IBAN" in result.feedback and ".docx" in result.feedback


def test_pdf_metadata_with_an_author_fails(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, DATA_LESSON)
    learner.both("cv", good_cv(learner.scenario))
    assert learner.check("s1-metadonnees-propres").passed
    learner.write("CV_Camille.pdf", pdf_bytes("Camille Martin", "Expérience professionnelle", "Formation",
                                              author="jdupont"))
    result = learner.check("s1-metadonnees-propres")
    assert not result.passed and "« jdupont »" in result.feedback and "auteur" in result.feedback


def test_metadata_naming_someone_else_or_a_machine_path_fail(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, DATA_LESSON)
    learner.both("cv", good_cv(learner.scenario))
    learner.write("CV_Camille.pdf", pdf_bytes("Camille Martin", "Formation", "Compétences",
                                              title="CV de Josiane Durand"))
    assert "Josiane" in learner.check("s1-metadonnees-propres").feedback
    learner.write("CV_Camille.pdf", pdf_bytes("Camille Martin", "Formation", "Compétences",
                                              title="C:\\Users\\jdupont\\Bureau\\cv.docx"))
    assert "chemin" in learner.check("s1-metadonnees-propres").feedback


def test_a_birth_date_is_fine_when_chosen_in_the_optional_field(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, CV_EPREUVE)
    cv = good_cv(learner.scenario, birth_date="12/03/1990")
    learner.both("cv", cv)
    assert not learner.check("s1-champs-facultatifs-choisis").passed
    save_json_atomic(learner_workspace.editor_dir / "cv.json", {"contact": dataclasses.asdict(cv.contact)})
    result = learner.check("s1-champs-facultatifs-choisis")
    assert result.passed and "votre choix" in result.feedback


def test_family_status_on_the_cv_is_flagged(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, CV_EPREUVE)
    cv = good_cv(learner.scenario)
    cv.interests = [*cv.interests, "Mariée, 2 enfants"]
    learner.both("cv", cv)
    result = learner.check("s1-pas-de-donnees-discriminantes")
    assert not result.passed and "situation de famille" in result.feedback


def test_workspace_findings_cover_documents_usb_and_sent_mail(learner_workspace: Workspace, world) -> None:
    from test_mail_checks_kit import Mailer

    assert documents_privacy_findings(learner_workspace.root) == []
    assert privacy_result(learner_workspace.root).passed
    learner = Learner(learner_workspace, world, DATA_LESSON)
    learner.write("Divers/attestation.docx", docx_bytes("Attestation", f"NIR : {nir()}"))
    learner.write("scan.pdf", pdf_bytes("Relevé", f"IBAN {VALID_IBAN}"), place="usb")
    Mailer(learner_workspace, DATA_LESSON).send("rh@exemple.example", "Candidature", f"Mon NIR : {nir()}",
                                                 files=[("cv.pdf", pdf_bytes("CV", VALID_IBAN))])
    found = documents_privacy_findings(learner_workspace.root)
    where = {(f.kind, f.where.split(" :")[0]) for f in found}
    assert (NIR, "documents/Divers/attestation.docx") in where and (IBAN, "usb/scan.pdf") in where
    assert {(NIR, "mail/.Sent"), (IBAN, "mail/.Sent")} <= where
    assert all("•" in f.masked for f in found)
    result = privacy_result(learner_workspace.root)
    assert not result.passed and result.critical and result.id == PRIVACY_CHECK_ID and result.points == 0
    assert "S1" in result.competences and "autre" in result.feedback
