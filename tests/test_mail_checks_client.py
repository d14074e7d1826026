"""The email checks on what the real mail client writes: a real SMTP server on loopback, the client's
own buttons, then the checks on the workspace (the contract between widgets/mail_* and the checks)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_mail_checks_kit import letter_body, make_pdf
from tremplin.grading import checks_mail_follow, checks_mail_phishing  # noqa: F401 (registers the checks)
from tremplin.grading.check_context import load_context
from tremplin.grading.checks import run_checks
from tremplin.grading.mail_evidence import norm_id
from tremplin.grading.mail_scenario import APPLY, FOLLOW, mail_scenario
from tremplin.widgets import mail_addresses as addresses
from tremplin.widgets import mail_client_backend as backend_module
from tremplin.widgets import mail_server as server_module
from tremplin.widgets import mail_widget
from tremplin.widgets.activity import ActivityJournal
from tremplin.widgets.workspace import Workspace


@pytest.fixture
def workspace(root: Path, world) -> Workspace:
    made = Workspace.create(root / "learners" / "camille", "Camille",
                            world={"seed": world.manifest.seed, "offers": world.manifest.offers})
    made.seed_inbox(world.inbox_paths())
    addresses.register_address(root, addresses.learner_address("camille.martin"), made.root)
    (made.documents_dir / "Martin_Camille_CV.pdf").write_bytes(make_pdf("Camille Martin", "Expérience"))
    (made.documents_dir / "Martin_Camille_Lettre.pdf").write_bytes(make_pdf("Madame, Monsieur,"))
    return made


def client_for(workspace: Workspace, root: Path, world, server, activity: str):
    backend = backend_module.MailBackend(workspace, root, world, endpoint=server.endpoint)
    return mail_widget.MailClient(backend, ActivityJournal(workspace, activity))


def results(workspace: Workspace, world, activity: str) -> dict:
    return {r.id: r for r in run_checks(load_context(workspace.root, activity, world=world), activity)}


def test_an_application_sent_with_the_real_client_passes_the_checks(workspace, root, world) -> None:
    scenario = mail_scenario(world, "Camille", APPLY)
    with server_module.MailServer(root) as server:
        client = client_for(workspace, root, world, server, APPLY)
        client.new_message()
        composer = client.composer
        composer.to.value, composer.cc.value = scenario.apply.email, scenario.adviser
        composer.subject.value = f"Candidature – {scenario.apply.title} (réf. {scenario.apply.reference})"
        composer.body.value = letter_body(scenario.apply.title, scenario.apply.reference)
        for name in ("Martin_Camille_CV.pdf", "Martin_Camille_Lettre.pdf"):
            composer.attach(name)
        assert composer.send() is True
    got = results(workspace, world, APPLY)
    assert all(r.passed for r in got.values()), {k: r.feedback for k, r in got.items() if not r.passed}


def test_a_reply_and_phishing_handled_in_the_real_client_are_seen(workspace, root, world) -> None:
    scenario = mail_scenario(world, "Camille", FOLLOW)
    with server_module.MailServer(root) as server:
        client = client_for(workspace, root, world, server, FOLLOW)
        client.open_folder("INBOX")
        summary = client.find(scenario.reply_subject, kind="recruiter")
        client.messages.value = summary.key
        client.act("reply")
        answer = ("Bonjour Madame,\n\nJe vous confirme ma disponibilité et vous remercie de votre message, "
                  "je serai présente au rendez-vous proposé avec plaisir.\n\nCordialement,\nCamille Martin\n")
        client.composer.body.value = answer + client.composer.body.value
        assert client.composer.send() is True
        for message_id in scenario.phishing_ids:
            client.open_folder("INBOX")
            found = next(s for s in client.backend.list("INBOX") if norm_id(s.message_id) == message_id)
            client.messages.value = found.key
            if client.reader.current_links and message_id == scenario.phishing_ids[0]:
                client.reader.links.children[1].click()  # the one slip: a click on a fake link
            client.act("phishing")
    got = results(workspace, world, FOLLOW)
    assert got["c4-reponse-envoyee"].passed and got["c4-reponse-dans-le-fil"].passed
    assert got["c6-tous-hameconnages-traites"].passed and got["c6-vrai-recruteur-garde"].passed
    assert got["c5-ton-adapte-suivi"].passed, got["c5-ton-adapte-suivi"].feedback
    clicked = got["c6-lien-non-clique"]
    assert not clicked.passed and clicked.critical
