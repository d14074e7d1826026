"""The email pages without a kernel: the lesson and épreuve pages, their mission, the server they
start when the kiosk has none, the practice documents, and the six lesson notebooks."""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

import pytest
from tremplin.grading.mail_pages import (
    EPREUVES,
    LESSONS,
    build_mail_activity,
    mail_mission_html,
    preload,
    sample_pdf,
    show_mail_lesson,
)
from tremplin.widgets.i18n import t
from tremplin.widgets.mail_server import endpoint_for
from tremplin.widgets.workspace import Workspace

from tremplin import NOTEBOOKS_DIR

NOTEBOOKS = sorted((Path(NOTEBOOKS_DIR) / "lecons").glob("[01][0-9]-*.ipynb"))
MAIL_NOTEBOOKS = [p for p in NOTEBOOKS if 6 <= int(p.name[:2]) <= 11]


@pytest.fixture
def workspace(root: Path, world) -> Workspace:
    made = Workspace.create(root / "learners" / "soizic", "Soizic",
                            world={"seed": world.manifest.seed, "offers": world.manifest.offers})
    made.seed_inbox(world.inbox_paths())
    return made


def test_the_lesson_page_starts_a_server_gives_practice_files_and_sends(root, workspace, world, shown,
                                                                         monkeypatch) -> None:
    monkeypatch.setenv("TREMPLIN_WORKSPACE", str(workspace.root))
    monkeypatch.setenv("TREMPLIN_DATA", str(root))
    show_mail_lesson("lecon-courriel-pieces-jointes")
    (page_widget,) = shown
    assert "Votre mission" in page_widget.children[0].value
    assert endpoint_for(root)  # no kiosk server: the page started one
    page = build_mail_activity(workspace, data_root=root, world=world,
                               activity="lecon-courriel-pieces-jointes", with_panel=True)
    names = page.client.backend.documents()
    assert names == ["CV-soizic.pdf", "Lettre-motivation-soizic.pdf"]
    employer = next(e for e in world.employers() if e.get("email"))
    client = page.client
    client.new_message()
    client.composer.to.value, client.composer.subject.value = employer["email"], "Candidature"
    client.composer.body.value = "Madame, Monsieur,\n\nCordialement,\nSoizic"
    for name in names:
        client.composer.attach(name)
    assert client.composer.send() is True
    sent = [e.data for e in workspace.events(kind="mail.send")]
    assert sent[-1]["context"] == "lecon-courriel-pieces-jointes" and sent[-1]["attachments"] == names
    items = page.panel.refresh()  # whatever the checks say, never a traceback
    assert "tremplin-check" in page.panel.output.value or not items


def test_the_epreuve_page_has_the_hand_in_and_no_panel(root, workspace, world) -> None:
    page = build_mail_activity(workspace, data_root=root, world=world, activity=EPREUVES[0])
    assert page.panel is None
    assert page.client.backend.documents() == []  # an épreuve never plants files


def test_preload_on_a_broken_folder_says_nothing(tmp_path: Path) -> None:
    preload(tmp_path / "vide")


def test_the_mission_names_the_learners_offer_escaped() -> None:
    class Scenario:
        employer_name = "Boulangerie <Le Goff>"
        employer_email = "rh@le-goff.example"
        job_title = "Vendeur d'été"
        reference = "TRP-000123"

    text = mail_mission_html(Scenario(), "lecon-courriel-destinataires")
    assert "Boulangerie &lt;Le Goff&gt;" in text and "rh@le-goff.example" in text
    assert "conseil@agence-emploi.example" in text
    generic = mail_mission_html(object(), "lecon-courriel-candidature")
    assert "rh@" not in generic and "Relever le courrier" in html.unescape(generic)


def test_the_practice_pdf_is_a_real_pdf() -> None:
    from pypdf import PdfReader

    data = sample_pdf(["Zoé (Brest)", "Curriculum vitae"])
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1 and "Zoé (Brest)" in reader.pages[0].extract_text()


@pytest.mark.parametrize("path", MAIL_NOTEBOOKS, ids=lambda p: p.name)
def test_each_lesson_notebook_waits_then_shows_its_page(path: Path) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert len(code) == 2 and code[0]["metadata"]["tags"] == ["tremplin-wait-for-visitor"]
    call = "".join(code[-1]["source"]).strip()
    activity = re.fullmatch(r'show_mail_lesson\("([a-z-]+)"\)', call).group(1)
    assert activity in LESSONS
    assert notebook["metadata"]["tremplin"]["title"]
    text = "".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
    assert "Vérifier" in text
    catalogue_path = Path(__file__).parents[1] / "widgets/locales/fr/mail_client.json"
    catalogue = json.loads(catalogue_path.read_text(encoding="utf-8"))
    labels = set(catalogue.values())
    for quoted in re.findall(r"« ([^«»]+?) »", text):
        if quoted.split()[0] in ("Envoyer", "Joindre", "Répondre", "Transférer", "Signaler", "Déplacer",
                                 "Nouveau", "Relever", "Choisir", "Ajouter"):
            assert quoted in labels or quoted.startswith("Ajouter dans"), quoted


def test_the_six_lessons_are_there() -> None:
    found = set()
    for path in MAIL_NOTEBOOKS:
        call = "".join(json.loads(path.read_text(encoding="utf-8"))["cells"][-1]["source"])
        found.add(call.split('"')[1])
    assert found == set(LESSONS)


def test_french_and_english_catalogues_have_the_same_keys() -> None:
    base = Path(__file__).parents[1] / "widgets/locales"
    fr = json.loads((base / "fr/mail_client.json").read_text(encoding="utf-8"))
    en = json.loads((base / "en/mail_client.json").read_text(encoding="utf-8"))
    assert set(fr) == set(en)
    assert t("mail_client.folder_Junk") == "Indésirables"


def assert_all_passed(items) -> None:
    assert items
    assert all(item.passed for item in items), [(i.title, i.feedback) for i in items if not i.passed]


def apply_properly(page, fresh: bool = True) -> None:
    """A careful learner's application in the page's client: the mission's employer, both PDFs."""
    scenario, client = page.scenario, page.client
    if fresh:
        client.new_message()
    composer = client.composer
    composer.to.value = scenario.employer_email
    composer.subject.value = f"Candidature – {scenario.job_title} (réf. {scenario.offer_reference})"
    composer.body.value = (
        "Madame, Monsieur,\n\n"
        f"Je vous adresse ma candidature au poste de {scenario.job_title}, référence "
        f"{scenario.offer_reference}. Mon expérience et ma motivation correspondent à ce que vous "
        "recherchez, et je serais heureuse de vous rencontrer pour en parler. Vous trouverez "
        "ci-joints mon CV et ma lettre de motivation.\n\n"
        "Je vous prie d'agréer, Madame, Monsieur, mes salutations distinguées.\n\nSoizic\n")
    for name in client.backend.documents():
        composer.attach(name)
    assert composer.send() is True, composer.status.value


def test_a_careful_application_passes_the_lessons_checks(root, workspace, world) -> None:
    page = build_mail_activity(workspace, data_root=root, world=world,
                               activity="lecon-courriel-pieces-jointes", with_panel=True)
    apply_properly(page)
    assert_all_passed(page.panel.refresh())


def test_the_follow_up_lesson_puts_the_first_application_in_sent(root, workspace, world) -> None:
    page = build_mail_activity(workspace, data_root=root, world=world, activity="lecon-courriel-suivi",
                               with_panel=True)
    scenario = page.scenario
    [first] = page.client.backend.list("Sent")
    assert first.message_id == f"<{scenario.first_message_id}>" and first.subject == scenario.first_subject
    build_mail_activity(workspace, data_root=root, world=world, activity="lecon-courriel-suivi")
    assert len(page.client.backend.list("Sent")) == 1  # once
    text = html.unescape(page.widget.children[0].value)
    assert scenario.reply_subject in text and scenario.follow_up.email in text


def open_by_id(client, folder: str, message_id: str) -> None:
    client.open_folder(folder)
    wanted = message_id.strip("<>").lower()  # the checks' ids have no angle brackets
    [summary] = [s for s in client.summaries if s.message_id.strip().strip("<>").lower() == wanted]
    client.messages.value = summary.key


def test_sorting_the_inbox_passes_the_phishing_lesson(root, workspace, world) -> None:
    page = build_mail_activity(workspace, data_root=root, world=world, activity="lecon-courriel-hameconnage",
                               with_panel=True)
    for message_id in page.scenario.phishing_ids:
        open_by_id(page.client, "INBOX", message_id)
        assert page.client.report_phishing() is True
    items = page.panel.refresh()
    assert_all_passed(items)


def test_reply_forward_and_follow_up_pass_the_follow_up_lesson(root, workspace, world) -> None:
    page = build_mail_activity(workspace, data_root=root, world=world, activity="lecon-courriel-suivi",
                               with_panel=True)
    scenario, client = page.scenario, page.client
    polite = ("Madame, Monsieur,\n\nJe vous remercie pour votre message. Je reste à votre disposition pour "
              "tout complément d'information et pour convenir d'un rendez-vous à votre convenance.\n\n"
              "Je vous prie d'agréer, Madame, Monsieur, mes salutations distinguées.\n\nSoizic\n")
    open_by_id(client, "INBOX", scenario.reply_id)
    client.reply()
    client.composer.body.value = polite + client.composer.body.value
    assert client.composer.send() is True, client.composer.status.value
    open_by_id(client, "INBOX", scenario.forward_id)
    client.forward()
    client.composer.to.value = scenario.adviser
    client.composer.body.value = ("Bonjour,\n\nVoici le message de l'employeur.\n\nCordialement,\nSoizic\n"
                                  + client.composer.body.value)
    assert client.composer.send() is True, client.composer.status.value
    open_by_id(client, "Sent", f"<{scenario.first_message_id}>")
    client.reply()
    client.composer.body.value = (
        f"Madame, Monsieur,\n\nJe me permets de revenir vers vous au sujet de ma candidature au poste de "
        f"{scenario.follow_up.title} (référence {scenario.follow_up.reference}), envoyée il y a "
        f"{scenario.follow_up_days} jours. Je suis toujours très intéressée par ce poste.\n\n"
        "Je vous prie d'agréer, Madame, Monsieur, mes salutations distinguées.\n\nSoizic\n")
    assert client.composer.send() is True, client.composer.status.value
    items = page.panel.refresh()
    assert_all_passed(items)
