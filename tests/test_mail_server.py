"""The local mail system end to end: real SMTP on loopback, Maildirs, employers' answers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tremplin.widgets.mail_addresses import ADVISER_ADDRESS, MailError, learner_address, register_address
from tremplin.widgets.mail_employers import EmployerDesk
from tremplin.widgets.mail_message import Draft, draft_from_message, forward, reply
from tremplin.widgets.mail_server import MailServer, Router, endpoint_for, send
from tremplin.widgets.mail_store import MailStore
from tremplin.widgets.workspace import Workspace

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
DOCX = b"PK\x03\x04" + bytes(reversed(range(256))) * 30


def make_learner(root: Path, pseudonym: str, local: str) -> Workspace:
    workspace = Workspace.create(root / "learners" / local, pseudonym, world={"seed": 42})
    register_address(root, learner_address(local), workspace.root)
    return workspace


@pytest.fixture
def server(root: Path):
    with MailServer(root, employer_replies=True) as running:
        yield running


@pytest.fixture
def alice(root: Path) -> Workspace:
    workspace = make_learner(root, "Alice", "alice.martin")
    (workspace.documents_dir / "CV Alice.pdf").write_bytes(PDF)
    (workspace.documents_dir / "lettre.docx").write_bytes(DOCX)
    return workspace


@pytest.fixture
def bruno(root: Path) -> Workspace:
    return make_learner(root, "Bruno", "bruno.lefeuvre")


def employer_of(root: Path) -> dict:
    with open(root / "world" / "employers.jsonl", encoding="utf-8") as handle:
        return json.loads(handle.readline())


def test_round_trip_with_two_attachments_byte_equal(server, alice, bruno) -> None:
    draft = Draft(
        sender=learner_address("alice.martin"),
        to="Bruno <bruno.lefeuvre@courriel.example>",
        subject="Candidature – agent d'entretien (réf. 123)",
        body="Bonjour,\n\nVeuillez trouver mon CV et ma lettre.\n\nCordialement,\nAlice",
        attachments=("CV Alice.pdf", "lettre.docx"),
    )
    result = send(draft, alice, server)
    inbox = MailStore.for_workspace(bruno).list("INBOX")
    assert [s.message_id for s in inbox] == [result.message_id]
    view = MailStore.for_workspace(bruno).read("INBOX", inbox[0].key)
    assert {a.filename: a.data for a in view.attachments} == {"CV Alice.pdf": PDF, "lettre.docx": DOCX}
    assert {a.filename: a.content_type for a in view.attachments}["CV Alice.pdf"] == "application/pdf"
    assert view.message["Subject"] == "Candidature – agent d'entretien (réf. 123)"
    assert "Veuillez trouver mon CV" in view.body
    sent = MailStore.for_workspace(alice)
    [summary] = sent.list("Sent")
    assert sent.raw("Sent", summary.key) == view.raw  # the exact bytes that went through SMTP
    assert sent.list("Drafts") == []
    assert result.event_data()["attachments"] == ["CV Alice.pdf", "lettre.docx"]
    assert result.event_data()["kind"] == "new"


def test_bcc_delivered_but_never_in_headers(server, alice, bruno, root) -> None:
    carla = make_learner(root, "Carla", "carla.dupont")
    draft = Draft(sender="alice.martin@courriel.example", to="bruno.lefeuvre@courriel.example",
                  bcc="carla.dupont@courriel.example", subject="Point", body="Bonjour")
    result = send(draft, alice, server)
    for workspace in (bruno, carla):
        [summary] = MailStore.for_workspace(workspace).list()
        raw = MailStore.for_workspace(workspace).raw("INBOX", summary.key)
        assert b"carla" not in raw.split(b"\n\n", 1)[0].lower()
    sent = MailStore.for_workspace(alice)
    assert b"Bcc" not in sent.raw("Sent", sent.list("Sent")[0].key)
    assert result.event_data()["bcc"] == ["carla.dupont@courriel.example"]


def test_reply_threads_and_forward_keeps_attachments(server, alice, bruno) -> None:
    question = Draft(sender="alice.martin@courriel.example", to="bruno.lefeuvre@courriel.example",
                     subject="Question", body="Une question ?", attachments=("CV Alice.pdf",))
    first = send(question, alice, server)
    bruno_store = MailStore.for_workspace(bruno)
    received = bruno_store.read("INBOX", bruno_store.list()[0].key).message
    answer = send(reply(received, "bruno.lefeuvre@courriel.example"), bruno, server)
    alice_store = MailStore.for_workspace(alice)
    back = alice_store.read("INBOX", alice_store.list()[0].key).message
    assert back["In-Reply-To"] == first.message_id
    assert first.message_id in back["References"]
    assert back["Subject"] == "RE : Question"
    assert "> Une question ?" in back.get_body().get_content()
    assert answer.event_data()["in_reply_to"] == first.message_id
    fwd = forward(received, "bruno.lefeuvre@courriel.example")
    fwd = Draft(**{**fwd.__dict__, "to": "alice.martin@courriel.example"})
    send(fwd, bruno, server)
    forwarded = [s for s in alice_store.list() if s.subject.startswith("TR : ")]
    attachments = alice_store.read("INBOX", forwarded[0].key).attachments
    assert [(a.filename, a.data) for a in attachments] == [("CV Alice.pdf", PDF)]


def test_unknown_recipient_refused_in_french_and_draft_kept(server, alice, bruno) -> None:
    draft = Draft(sender="alice.martin@courriel.example",
                  to="bruno.lefeuvre@courriel.example, personne@nulle-part.example", subject="Test", body="x")
    with pytest.raises(MailError, match="n'existe pas : personne@nulle-part.example.*Brouillons"):
        send(draft, alice, server)
    assert MailStore.for_workspace(bruno).list() == []  # all or nothing
    [kept] = MailStore.for_workspace(alice).list("Drafts")
    assert kept.subject == "Test"
    assert MailStore.for_workspace(alice).list("Sent") == []


def test_stopped_server_keeps_the_draft(root, alice, bruno) -> None:
    server = MailServer(root, employer_replies=False).start()
    endpoint = server.endpoint
    assert endpoint_for(root) == endpoint
    server.stop()
    server.stop()  # idempotent
    draft = Draft(sender="alice.martin@courriel.example", to="bruno.lefeuvre@courriel.example",
                  subject="Perdu ?", body="Texte important", attachments=("CV Alice.pdf",),
                  bcc="alice.martin@courriel.example", kind="reply", in_reply_to="<q@x.example>")
    with pytest.raises(MailError, match="ne répond pas.*Brouillons"):
        send(draft, alice, endpoint)
    with pytest.raises(MailError, match="ne répond pas"):
        endpoint_for(root)  # server.json removed on stop
    store = MailStore.for_workspace(alice)
    [kept] = store.list("Drafts")
    view = store.read("Drafts", kept.key)
    assert "Texte important" in view.body and view.attachments[0].data == PDF
    again_draft = draft_from_message(view.message)
    assert (again_draft.bcc, again_draft.kind, again_draft.in_reply_to) == (
        "alice.martin@courriel.example", "reply", "<q@x.example>")
    # sent later, once the server is back: the draft leaves Drafts, the Message-ID is kept
    with MailServer(root, employer_replies=False) as again:
        result = send(again_draft, alice, again)
    assert result.message_id == kept.message_id
    assert store.list("Drafts") == [] and len(store.list("Sent")) == 1


def test_adviser_and_employer_mailboxes(server, alice, root) -> None:
    employer = employer_of(root)
    send(Draft(sender="alice.martin@courriel.example", to=f"{ADVISER_ADDRESS}, {employer['email']}",
               subject="Bonjour", body="Bonjour"), alice, server)
    assert len(list((root / "mail" / "adviser" / "new").iterdir())) == 1
    assert len(list((root / "mail" / "employers" / employer["id"] / "new").iterdir())) == 1
    assert Router(root).resolve("inconnu@courriel.example") is None


def test_employer_answers_deterministic_and_delivered(root, alice) -> None:
    employer = employer_of(root)
    with MailServer(root) as server:
        application = send(Draft(sender="alice.martin@courriel.example", to=employer["email"],
                                 subject="Candidature au poste de vendeur", body="Bonjour, ...",
                                 attachments=("lettre.docx",)), alice, server)
        desk = server.desk
        entries = desk.entries()
        assert [e["kind"] for e in entries] == ["acknowledgment", "missing_document"]
        assert all(e["in_reply_to"] == application.message_id for e in entries)
        assert desk.deliver_due(datetime.now(UTC) - timedelta(hours=1)) == []
        desk.advance(24 * 60)
        delivered = desk.deliver_due(endpoint=server.endpoint)
        assert [e["kind"] for e in delivered] == ["acknowledgment", "missing_document"]
        assert desk.deliver_due(endpoint=server.endpoint) == []  # never twice
        store = MailStore.for_workspace(alice)
        inbox = store.list()
        assert {s.kind for s in inbox} == {"recruiter"}
        request = next(s for s in inbox if "document manquant" in s.subject)
        message = store.read("INBOX", request.key).message
        assert message["In-Reply-To"] == application.message_id
        assert message["X-Tremplin-Employer"] == employer["id"]
        assert "CV" in message.get_body().get_content()
        # answering the request with the PDF CV brings the interview or the rejection
        answer = reply(message, "alice.martin@courriel.example")
        send(Draft(**{**answer.__dict__, "attachments": ("CV Alice.pdf",)}), alice, server)
        desk.advance(24 * 60)
        [outcome] = desk.deliver_due(endpoint=server.endpoint)
        assert outcome["kind"] in ("interview", "rejection")
    kinds = [e.data["kind"] for e in alice.events(kind="mail.delivered")]
    assert kinds == ["acknowledgment", "missing_document", outcome["kind"]]
    # deterministic: the same application in another data root gets the same answers
    when = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    sent = MailStore.for_workspace(alice)
    data = sent.raw("Sent", sent.list("Sent")[-1].key)
    one, two = EmployerDesk(root / "a", seed=42), EmployerDesk(root / "b", seed=42)
    for desk in (one, two):
        desk.data_root.mkdir()
        (desk.data_root / "world").symlink_to(root / "world")
        desk.receive(data, employer["id"], now=when)
    assert [e["id"] for e in one.entries()] == [e["id"] for e in two.entries()]
    assert [one.build(e, when) for e in one.entries()] == [two.build(e, when) for e in two.entries()]


def test_bad_input_never_loses_the_saved_draft(server, alice, bruno) -> None:
    from tremplin.widgets.mail_server import save_draft

    first, _key = save_draft(Draft(sender="alice.martin@courriel.example", subject="Ma candidature",
                                   to="bruno.lefeuvre@courriel.example", body="Version sage"), alice)
    store = MailStore.for_workspace(alice)
    huge = Draft(**{**first.__dict__, "body": "bla " * 1_000_000})
    with pytest.raises(MailError, match="trop long"):
        send(huge, alice, server)
    (alice.documents_dir / "video.mp4").write_bytes(b"\x00" * (5 * 1024 * 1024 + 1))
    with pytest.raises(MailError, match="trop lourd"):
        send(Draft(**{**first.__dict__, "attachments": ("video.mp4",)}), alice, server)
    with pytest.raises(MailError, match="n'existe plus.*Brouillons"):
        send(Draft(**{**first.__dict__, "body": "Version 2", "attachments": ("effacé.pdf",)}), alice, server)
    assert "Version 2" in store.read("Drafts", store.list("Drafts")[0].key).body  # the text is kept
    with pytest.raises(MailError, match="une seule ligne.*Brouillons"):
        send(Draft(**{**first.__dict__, "subject": "Ma candidature\r\nBcc: x@y.example"}), alice, server)
    [kept] = store.list("Drafts")
    assert kept.message_id == first.message_id and kept.subject == "Ma candidature Bcc: x@y.example"
    assert store.list("Sent") == [] and MailStore.for_workspace(bruno).list() == []
    send(first, alice, server)
    assert store.list("Drafts") == [] and len(MailStore.for_workspace(bruno).list()) == 1


def test_server_ticker_delivers_answers_by_itself(root, alice) -> None:
    import time

    employer = employer_of(root)
    with MailServer(root, tick_seconds=0.05, factor=100_000) as server:
        send(Draft(sender="alice.martin@courriel.example", to=employer["email"], subject="Candidature",
                   body="Bonjour", attachments=("CV Alice.pdf",)), alice, server)
        deadline = time.monotonic() + 5
        while len(MailStore.for_workspace(alice).list()) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    kinds = sorted(e["kind"] for e in EmployerDesk(root).entries() if e["status"] == "delivered")
    assert len(kinds) == 2 and kinds[0] == "acknowledgment" and kinds[1] in ("interview", "rejection")


def test_start_for_kiosk_and_the_bench_server_process(root) -> None:
    from tremplin.grading.bench_mail import tremplin_sends
    from tremplin.widgets.mail_server import start_for_kiosk

    server = start_for_kiosk(root)
    try:
        assert server.running and endpoint_for(root) == server.endpoint
        assert server.start() is server  # idempotent
    finally:
        server.stop()
    assert not (root / "mail" / "server.json").exists()
    figures = tremplin_sends(root / "bench", sends=5)
    assert figures["send_deliver_p95_ms"] > 0 and 0 < figures["smtp_server_rss_mb"] < 200
