"""The mail client in a real browser (Debian's chromium via Playwright), in one lesson page:
write an application with an attachment → send → the employer's answer arrives → reply →
spot the phishing (a link clicked is recorded and not followed, then the message reported).
The Maildir and the journal on the server are what the checks read, so the test looks there."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_kiosk_support import Kiosk, exact_button, start_real_kiosk, verify
from tremplin.grading.browser import WIDGETS_TIMEOUT_MS
from tremplin.grading.mail_scenario import mail_scenario
from tremplin.widgets.mail_employers import EmployerDesk
from tremplin.widgets.mail_store import MailStore
from tremplin.widgets.visit import page_url, start_visit
from tremplin.widgets.workspace import Workspace

pytestmark = pytest.mark.slow
LESSON = "lecons/06-envoyer-sa-candidature-par-courriel.ipynb"
ACTIVITY = "lecon-courriel-candidature"


button = exact_button


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory: pytest.TempPathFactory, data_root: Path) -> Iterator[Kiosk]:
    server = start_real_kiosk(tmp_path_factory.mktemp("mail-journey"), data_root / "world", (LESSON,))
    yield server
    server.stop()


def wait_text(page, text: str) -> None:
    page.get_by_text(text).first.wait_for(timeout=WIDGETS_TIMEOUT_MS)


def pick_message(page, words: str) -> None:
    """Choose, in the « Messages » list, the first message whose line holds `words`."""
    select = page.get_by_label("Messages")
    labels = select.locator("option").all_inner_texts()
    found = [i for i, label in enumerate(labels) if words in label.replace("\xa0", " ")]
    assert found, labels
    select.select_option(index=found[0])


def journal(kiosk: Kiosk, slug: str) -> list[tuple[str, dict]]:
    path = kiosk.data / "learners" / slug / "journal.jsonl"
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(e["kind"], e["data"]) for e in lines if e["data"].get("context") == ACTIVITY]


def test_apply_get_the_answer_reply_and_spot_the_phishing(kiosk: Kiosk, browser, world) -> None:
    visit = start_visit("Nadia Courriel", kiosk.data)
    scenario = mail_scenario(world, visit.pseudonym, ACTIVITY)
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(kiosk.url.rstrip("/") + page_url(LESSON, visit))
    button(page, "Nouveau message").wait_for(timeout=WIDGETS_TIMEOUT_MS)

    button(page, "Nouveau message").click()
    page.get_by_label("À", exact=True).fill(scenario.employer_email)
    subject = f"Candidature <b>{scenario.job_title}</b> (réf. {scenario.offer_reference})"
    page.get_by_label("Objet").fill(subject)
    page.get_by_label("Message", exact=True).fill(
        f"Madame, Monsieur,\n\nJe vous propose ma candidature au poste de {scenario.job_title}, référence "
        f"{scenario.offer_reference}. Mon expérience et ma motivation correspondent à ce que vous "
        "recherchez ; vous trouverez ci-joints mon CV et ma lettre de motivation.\n\n"
        "Bien cordialement,\nNadia Courriel")
    files = [f"CV-{visit.slug}.pdf", f"Lettre-motivation-{visit.slug}.pdf"]
    for name in files:
        page.get_by_label("Mes documents").select_option(label=name)
        button(page, "Joindre un fichier").click()
        wait_text(page, f"« {name} » est joint au message.")
    button(page, "Envoyer").click()
    wait_text(page, "Votre message est parti")
    panel = verify(page, "étape(s) réussie(s)")
    assert "7 étape(s) réussie(s) sur 7" in panel, panel

    desk = EmployerDesk(kiosk.data)
    deadline = time.monotonic() + 30  # the room's SMTP server files the answer to come as it receives
    while not any(e["status"] == "pending" for e in desk.entries()) and time.monotonic() < deadline:
        time.sleep(0.2)
    desk.advance(10_000)  # the employer's time flies
    button(page, "Relever le courrier").click()
    wait_text(page, "nouveau(x) message(s)")
    pick_message(page, "RE : Candidature")
    page.locator(".tremplin-mail-subject").filter(has_text="RE : Candidature").wait_for(
        timeout=WIDGETS_TIMEOUT_MS)
    button(page, "Répondre").click()
    body = page.get_by_label("Message", exact=True)
    body.fill("Madame, Monsieur,\n\nMerci pour votre réponse.\n\nCordialement,\nNadia Courriel\n"
              + body.input_value())
    button(page, "Envoyer").click()
    wait_text(page, "Votre message est parti")

    pick_message(page, "URGENT")
    link = page.get_by_role("button",
                            name=re.compile(re.escape("Lien : https:") + r"\W+(?:www\.)?francetravail"))
    link.click()
    wait_text(page, "Attention : vous avez cliqué sur un lien")
    assert page.locator(".tremplin-mail a[href]").count() == 0  # no message link is ever an anchor
    button(page, "Signaler comme frauduleux").click()
    wait_text(page, "signalé comme frauduleux")
    assert not dialogs and page.url.startswith(kiosk.url.rstrip("/"))

    workspace = Workspace.open(kiosk.data / "learners" / visit.slug)
    store = MailStore.for_workspace(workspace)
    sent = store.list("Sent")
    assert len(sent) == 2 and sent[0].in_reply_to  # the reply, threaded
    application = store.read("Sent", sent[1].key)
    assert [a.filename for a in application.attachments] == files
    assert " ".join(str(application.message["Subject"]).split()) == subject  # (folding adds a space)
    assert [s.kind for s in store.list("Junk")] == ["phishing"]
    events = journal(kiosk, visit.slug)
    kinds = [kind for kind, _ in events]
    for kind in ("mail.address", "mail.send", "mail.delivered", "mail.open", "mail.link_click",
                 "mail.report_phishing"):
        assert kind in kinds, kind
    sends = [data for kind, data in events if kind == "mail.send"]
    assert [s["kind"] for s in sends] == ["new", "reply"] and sends[0]["attachments"] == files
    page.close()
