"""The mail client driven in Python (no kernel, no browser) against a real SMTP server on loopback.

Each test acts as a learner would (fill the fields, click the buttons' handlers) and then
looks at what really exists: the learner's Maildir folders, the employers' and adviser's
Maildirs, the journal events of the mail contract.
"""

from __future__ import annotations

import html
import json
import mailbox
from pathlib import Path

import pytest
from tremplin.widgets.activity import ActivityJournal
from tremplin.widgets.mail_addresses import ADVISER_ADDRESS, learner_address, register_address
from tremplin.widgets.mail_client_backend import MailBackend, world_contacts
from tremplin.widgets.mail_message import parse_message
from tremplin.widgets.mail_server import MailServer, transmit
from tremplin.widgets.mail_widget import MailClient, message_id_of
from tremplin.widgets.workspace import Workspace

ACTIVITY = "lecon-courriel-candidature"
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 20 + b"\n%%EOF\n"


@pytest.fixture
def server(root: Path):
    with MailServer(root) as running:
        yield running


@pytest.fixture
def workspace(root: Path, world) -> Workspace:
    made = Workspace.create(root / "learners" / "camille", "Camille",
                            world={"seed": world.manifest.seed, "offers": world.manifest.offers})
    made.seed_inbox(world.inbox_paths())
    register_address(root, learner_address("camille"), made.root)
    (made.documents_dir / "CV-Camille.pdf").write_bytes(PDF)
    return made


@pytest.fixture
def client(workspace: Workspace, root: Path, world, server: MailServer) -> MailClient:
    backend = MailBackend(workspace, root, world, endpoint=server.endpoint)
    return MailClient(backend, ActivityJournal(workspace, ACTIVITY))


@pytest.fixture
def employer(world) -> dict:
    return next(e for e in world.employers() if e.get("email"))


def events(workspace: Workspace, kind: str) -> list[dict]:
    return [e.data for e in workspace.events(kind=kind) if e.data.get("context") == ACTIVITY]


def maildir_messages(path: Path) -> list:
    return [parse_message(bytes(m)) for m in mailbox.Maildir(path, factory=None, create=False)]


def write(client: MailClient, to: str, subject: str, body: str, *, cc: str = "", bcc: str = "") -> None:
    client.new_message()
    composer = client.composer
    composer.to.value, composer.cc.value, composer.bcc.value = to, cc, bcc
    composer.subject.value, composer.body.value = subject, body


def open_first(client: MailClient, folder: str, kind: str = "", subject: str = ""):
    client.open_folder(folder)
    summary = client.find(subject, kind=kind)
    assert summary is not None, (folder, kind, subject)
    client.messages.value = summary.key  # what choosing it in the list does
    assert client.view is not None and client.view.summary.key == summary.key
    return client.view


def said(client: MailClient) -> str:
    """What the client and its form say right now, as the learner reads it (unescaped)."""
    return html.unescape(client.status.value + " " + client.composer.status.value)


# -- writing and sending ---------------------------------------------------------------------


def test_compose_with_an_attachment_send_and_find_it_in_sent(client, workspace, employer, root) -> None:
    write(client, employer["email"], "Candidature – vendeur (réf. TRP-1)",
          "Madame, Monsieur,\n\nJe vous propose ma candidature.\n\nBien cordialement,\nCamille")
    client.composer.files.value = "CV-Camille.pdf"
    client.composer.attach_button.click()
    assert "CV-Camille.pdf" in client.composer.attached_html.value
    client.composer.send_button.click()

    assert "Votre message est parti" in said(client)
    assert client.composer.widget.layout.display == "none"
    [summary] = client.backend.list("Sent")
    view = client.backend.read("Sent", summary.key)
    assert [(a.filename, a.data) for a in view.attachments] == [("CV-Camille.pdf", PDF)]
    assert client.backend.list("Drafts") == []
    [delivered] = maildir_messages(root / "mail" / "employers" / employer["id"])
    assert delivered["Message-ID"] == summary.message_id
    [sent] = events(workspace, "mail.send")
    assert sent["to"] == [employer["email"]] and sent["kind"] == "new"
    assert sent["attachments"] == ["CV-Camille.pdf"] and sent["message_id"] == summary.message_id
    assert events(workspace, "mail.address") == [{"address": "camille@courriel.example", "context": ACTIVITY}]


def test_cc_and_bcc_from_the_address_book(client, workspace, employer, root) -> None:
    client.new_message()
    book = client.composer.book
    book.search.value = employer["name"]
    assert book.choice.value == employer["email"]
    book.buttons["to"].click()
    book.search.value = "conseil"
    book.buttons["cc"].click()
    book.buttons["cc"].click()  # twice: still once
    assert client.composer.cc.value == ADVISER_ADDRESS
    client.composer.subject.value, client.composer.body.value = "Candidature", "Madame, Monsieur,"
    assert client.composer.send() is True
    [sent] = events(workspace, "mail.send")
    assert sent["to"] == [employer["email"]] and sent["cc"] == [ADVISER_ADDRESS] and sent["bcc"] == []
    assert maildir_messages(root / "mail" / "adviser")


def test_reply_keeps_the_thread(client, workspace, employer) -> None:
    view = open_first(client, "INBOX", kind="recruiter")
    client.act("reply")
    composer = client.composer
    assert composer.to.value == view.summary.sender_address
    assert composer.subject.value.startswith("RE : ")
    assert "candidat@" not in composer.cc.value
    answer = "Madame, Monsieur,\n\nJe confirme ma présence.\n\nCordialement,\nCamille\n"
    composer.body.value = answer + composer.body.value
    assert composer.send() is True
    [summary] = client.backend.list("Sent")
    sent = client.backend.read("Sent", summary.key).message
    assert sent["In-Reply-To"] == view.summary.message_id
    assert view.summary.message_id in str(sent["References"])
    [event] = events(workspace, "mail.send")
    assert event["kind"] == "reply" and event["in_reply_to"] == view.summary.message_id


def test_forward_keeps_the_attachment(client, workspace, server, root, employer) -> None:
    from email.message import EmailMessage

    letter = EmailMessage()
    letter["From"], letter["To"] = employer["email"], "camille@courriel.example"
    letter["Subject"], letter["Message-ID"] = "Fiche de poste", "<fiche.1@employeur.example>"
    letter["Date"] = "Mon, 02 Nov 2026 10:00:00 +0100"
    letter.set_content("Bonjour,\n\nVoici la fiche de poste.\n")
    letter.add_attachment(PDF, maintype="application", subtype="pdf", filename="fiche-de-poste.pdf")
    transmit(employer["email"], ["camille@courriel.example"], letter.as_bytes(), server.endpoint)

    open_first(client, "INBOX", subject="Fiche de poste")
    assert "fiche-de-poste.pdf" in client.reader.attachments.value
    client.act("forward")
    assert client.composer.subject.value == "TR : Fiche de poste"
    assert "fiche-de-poste.pdf" in client.composer.attached_html.value
    client.composer.to.value = ADVISER_ADDRESS
    assert client.composer.send() is True
    [forwarded] = maildir_messages(root / "mail" / "adviser")
    assert [(p.get_filename(), p.get_payload(decode=True)) for p in forwarded.iter_attachments()] == [
        ("fiche-de-poste.pdf", PDF)]
    [event] = events(workspace, "mail.send")
    assert event["kind"] == "forward" and event["attachments"] == ["fiche-de-poste.pdf"]


def test_a_draft_is_saved_and_resumed(client, workspace, employer) -> None:
    write(client, employer["email"], "Candidature à finir", "Madame, Monsieur,\n\nJe")
    client.composer.attach("CV-Camille.pdf")
    client.composer.save_button.click()
    client.composer.save_button.click()  # saved twice: one draft
    assert "Brouillon enregistré" in said(client)
    [draft] = client.backend.list("Drafts")
    assert [e["message_id"] for e in events(workspace, "mail.draft")] == [draft.message_id] * 2
    client.close_composer()

    open_first(client, "Drafts")
    client.act("edit")
    composer = client.composer
    assert (composer.to.value, composer.subject.value) == (employer["email"], "Candidature à finir")
    assert composer.body.value.rstrip().endswith("Je")
    assert "CV-Camille.pdf" in composer.attached_html.value
    composer.body.value += " vous propose ma candidature.\n\nCordialement,\nCamille"
    assert composer.send() is True
    assert client.backend.list("Drafts") == []
    [sent] = client.backend.list("Sent")
    assert sent.message_id == draft.message_id and sent.has_attachments


# -- sorting ----------------------------------------------------------------------------------


def test_report_phishing_and_move_spam_to_junk_and_back(client, workspace) -> None:
    phishing = open_first(client, "INBOX", kind="phishing")
    client.act("phishing")
    assert "signalé comme frauduleux" in said(client)
    newsletter = open_first(client, "INBOX", kind="newsletter")
    client.act("junk")
    junk = {s.message_id for s in client.backend.list("Junk")}
    assert junk == {phishing.summary.message_id, newsletter.summary.message_id}
    assert events(workspace, "mail.report_phishing") == [
        {"message_id": phishing.summary.message_id, "context": ACTIVITY}]
    moves = [(e["message_id"], e["from_folder"], e["to_folder"]) for e in events(workspace, "mail.move")]
    assert (newsletter.summary.message_id, "INBOX", "Junk") in moves

    open_first(client, "Junk", kind="newsletter")
    client.act("not_junk")
    assert newsletter.summary.message_id in {s.message_id for s in client.backend.list("INBOX")}


def test_delete_and_restore(client, workspace) -> None:
    view = open_first(client, "INBOX", kind="recruiter")
    before = client.backend.store.raw("INBOX", view.summary.key)
    client.act("delete")
    assert view.summary.message_id not in {s.message_id for s in client.backend.list("INBOX")}
    open_first(client, "Trash")
    client.act("restore")
    assert "revenu dans « Boîte de réception »" in said(client)
    back = client.backend.store.find(view.summary.message_id)
    assert back is not None and back[0] == "INBOX"
    assert client.backend.store.raw("INBOX", back[1]) == before  # the exact bytes
    assert events(workspace, "mail.delete")[0]["folder"] == "INBOX"
    assert events(workspace, "mail.restore")[0]["to_folder"] == "INBOX"


def test_a_link_is_recorded_never_followed(client, workspace) -> None:
    view = open_first(client, "INBOX", subject="URGENT")
    assert view.summary.kind == "phishing"
    url, _text = client.reader.current_links[0]
    assert url.startswith("https://francetravail-compte-verification.example/")
    shown = client.reader.body.value + client.reader.links.children[0].value
    assert "<a " not in shown and "href" not in shown
    client.reader.links.children[1].click()
    assert "vous avez cliqué sur un lien" in client.reader.warning.value
    assert "n'a pas été ouvert" in html.unescape(client.reader.warning.value)
    [click] = events(workspace, "mail.link_click")
    assert click["message_id"] == message_id_of(view.summary) == view.summary.message_id.strip()
    assert click["url"] == url



def test_a_link_whose_text_lies_shows_both_addresses(client, workspace) -> None:
    view = open_first(client, "INBOX", subject="URGENT")
    buttons = [b for b in client.reader.links.children[1:]
               if "francetravail.example/mon-espace" in b.description]
    assert len(buttons) == 1  # labelled with the text the message shows
    buttons[0].click()
    [click] = events(workspace, "mail.link_click")
    assert click["message_id"] == view.summary.message_id.strip()
    assert click["url"].startswith("https://francetravail-compte-verification.example/")
    assert click["text"] == "https://www.francetravail.example/mon-espace"
    warning = html.unescape(client.reader.warning.value)
    assert "texte affiché dans le message et la vraie destination du lien sont différents" in warning.lower()
    assert "https://www.francetravail.example/mon-espace" in warning and click["url"] in warning


def test_the_link_warning_escapes_and_stays_quiet_when_text_and_target_agree() -> None:
    from tremplin.widgets.mail_read_widget import warning_html

    hostile = warning_html("https://mechant.example/<x>", "<script>alert(1)</script> https://banque.example")
    assert "<script>" not in hostile and "&lt;script&gt;" in hostile and "&lt;x&gt;" in hostile
    assert "différents" not in html.unescape(warning_html("https://a.example/x", "https://a.example/x"))
    assert "différents" not in html.unescape(warning_html("https://a.example/x", "www.a.example/x/"))
    assert "différents" in html.unescape(warning_html("https://b.example/x", "https://a.example/x"))


def test_a_reply_to_other_than_the_sender_is_shown(client) -> None:
    open_first(client, "INBOX", subject="Félicitations")
    headers = html.unescape(client.reader.headers.value)
    assert "Répondre à" in headers and "rh.embauche-rapide@boite-privee.example" in headers
    assert "pas celle de l'expéditeur" in headers
    open_first(client, "INBOX", kind="recruiter")
    assert "Répondre à" not in html.unescape(client.reader.headers.value)


def test_a_program_in_disguise_is_flagged_and_cannot_be_opened(client) -> None:
    from tremplin.widgets.mail_read_widget import can_open, is_dangerous

    view = open_first(client, "INBOX", subject="CONVOCATION")
    assert [a.filename for a in view.attachments] == ["convocation-entretien.pdf.exe"]
    shown = html.unescape(client.reader.attachments.value)
    assert "programme déguisé" in shown and "ni ouvert ni enregistré" in shown
    assert not can_open("convocation-entretien.pdf.exe")
    for name in ("photo.JPG.scr", "a.bat", "facture.js", "x.pdf.exe. "):
        assert is_dangerous(name), name
    for name in ("fiche-de-poste.pdf", "exe.pdf", "notes.json", ""):
        assert not is_dangerous(name) and can_open(name), name
    view = open_first(client, "INBOX", subject="Accusé de réception")
    assert [a.filename for a in view.attachments] == ["fiche-de-poste.pdf"]
    assert "programme déguisé" not in html.unescape(client.reader.attachments.value)


def test_a_received_file_is_saved_to_the_usb_key_but_never_a_program(client, workspace) -> None:
    view = open_first(client, "INBOX", subject="Accusé de réception")
    [sheet] = view.attachments
    assert client.save_attachment(0) == "fiche-de-poste.pdf"
    assert (workspace.documents_dir / "fiche-de-poste.pdf").read_bytes() == sheet.data
    assert "fiche-de-poste.pdf" in html.unescape(client.status.value)
    assert client.save_attachment(0) == "fiche-de-poste (2).pdf"  # never over a file already kept
    assert (workspace.documents_dir / "fiche-de-poste.pdf").read_bytes() == sheet.data
    [first, _second] = events(workspace, "mail.save_attachment")
    assert first["name"] == "fiche-de-poste.pdf" and first["message_id"] == view.summary.message_id

    open_first(client, "INBOX", subject="CONVOCATION")
    labels = [getattr(b, "description", "") for b in client.reader.links.children]
    assert not any("convocation-entretien" in label for label in labels)  # no save button
    assert client.save_attachment(0) is None
    assert "pas être enregistré" in html.unescape(client.status.value)
    assert not any(p.name.endswith(".exe") for p in workspace.documents_dir.iterdir())


# -- the employers answer ------------------------------------------------------------------------


def test_the_employer_answers_and_the_answer_is_recorded(client, workspace, employer, server) -> None:
    write(client, employer["email"], "Candidature – vendeur", "Madame, Monsieur,\n\nCordialement,\nCamille")
    client.composer.attach("CV-Camille.pdf")
    assert client.composer.send() is True
    [sent] = client.backend.list("Sent")
    server.desk.advance(10_000)
    assert client.check_mail() == 2
    answers = [s for s in client.backend.list("INBOX") if s.in_reply_to == sent.message_id]
    assert len(answers) == 2 and all(s.kind == "recruiter" for s in answers)
    delivered = events(workspace, "mail.delivered")
    assert {e["message_id"] for e in delivered} == {s.message_id for s in answers}
    assert "acknowledgment" in {e["kind"] for e in delivered}
    assert client.check_mail() == 0  # recorded once


# -- hostile and wrong input ------------------------------------------------------------------------


def test_a_line_break_in_the_subject_is_refused_and_the_draft_kept(client, employer) -> None:
    write(client, employer["email"], "Candidature\r\nBcc: victime@exemple.example", "Bonjour")
    assert client.composer.send() is False
    assert "une seule ligne" in said(client)
    assert "Brouillons" in said(client)
    assert client.backend.list("Sent") == []
    [draft] = client.backend.list("Drafts")
    assert "victime" not in str(client.backend.read("Drafts", draft.key).message.get("Bcc", ""))
    assert client.composer.subject.value.startswith("Candidature\r\n")  # nothing typed is lost
    client.composer.subject.value = "Candidature"
    assert client.composer.send() is True
    assert client.backend.list("Drafts") == []


@pytest.mark.parametrize(("to", "words"), [
    ("", "au moins un destinataire"),
    ("rh@entreprise", "rh@entreprise"),
    ("personne@inconnu.example", "n'existe pas"),
])
def test_a_wrong_address_gives_a_french_message(client, to, words) -> None:
    write(client, to, "Candidature", "Madame, Monsieur,")
    assert client.composer.send() is False
    assert words in said(client)
    assert client.backend.list("Sent") == []
    assert len(client.backend.list("Drafts")) == 1


def test_a_vanished_attachment_and_a_huge_body(client, workspace, employer) -> None:
    write(client, employer["email"], "Candidature", "Madame, Monsieur,")
    client.composer.attach("CV-Camille.pdf")
    (workspace.documents_dir / "CV-Camille.pdf").unlink()
    assert client.composer.send() is False
    assert "n'existe plus" in said(client)
    assert client.composer.attach("CV-Camille.pdf") is False
    assert "n'est plus dans « Mes documents »" in said(client)
    client.composer.detach("CV-Camille.pdf")

    huge = "Madame, Monsieur, " * 200_000  # 3.6 MB
    client.composer.body.value = huge
    assert client.composer.send() is False
    assert "trop long" in said(client)
    assert client.composer.body.value == huge
    assert client.save_draft(client.composer.draft()) is None  # refused, said, nothing changed
    client.composer.body.value = "Madame, Monsieur,\n\nCordialement,\nCamille"
    assert client.composer.send() is True


def test_hostile_messages_are_shown_as_text(client, server) -> None:
    from email.message import EmailMessage

    evil = EmailMessage()
    evil["From"] = '"<img src=x onerror=alert(1)>" <pirate@mechant.example>'
    evil["To"] = "camille@courriel.example"
    evil["Subject"], evil["Message-ID"] = "<script>alert('objet')</script>", "<evil.1@mechant.example>"
    evil["Date"] = "Tue, 03 Nov 2026 10:00:00 +0100"
    evil.set_content("Texte <script>alert('corps')</script>")
    evil.add_alternative('<p>Cliquez <a href="https://mechant.example/vol">ici</a></p><script>alert(2)</script>',
                         subtype="html")
    transmit("pirate@mechant.example", ["camille@courriel.example"], evil.as_bytes(), server.endpoint)

    open_first(client, "INBOX", subject="<script>")
    shown = client.reader.headers.value + client.reader.body.value
    assert "<script" not in shown and "<img" not in shown
    assert "&lt;script&gt;alert(&#x27;corps&#x27;)&lt;/script&gt;" in shown
    assert ("https://mechant.example/vol", "ici") in client.reader.current_links


def test_choosing_an_address(client, workspace, root) -> None:
    assert client.choose_address("<script>") is False
    assert client.status.value.startswith('<p role="alert">')
    assert client.choose_address("Camille.Martin") is True
    assert events(workspace, "mail.address")[-1]["address"] == "camille.martin@courriel.example"
    assert "camille.martin@courriel.example" in client.address_html.value
    registry = json.loads((root / "mail" / "addresses.json").read_text(encoding="utf-8"))
    assert registry["camille.martin@courriel.example"] == str(workspace.root.resolve())


def test_the_address_book_holds_the_adviser_and_the_employers(world) -> None:
    contacts = world_contacts(world)
    assert contacts[0].address == ADVISER_ADDRESS
    assert len(contacts) == 1 + sum(1 for e in world.employers() if e.get("email"))


def test_closing_the_form_keeps_what_was_typed(client, workspace) -> None:
    client.new_message()
    client.composer.close_button.click()  # nothing typed: nothing kept
    assert client.backend.list("Drafts") == []
    write(client, "", "Ma candidature", "Madame, Monsieur, je")
    client.composer.close_button.click()
    assert client.composer.widget.layout.display == "none"
    [draft] = client.backend.list("Drafts")
    assert draft.subject == "Ma candidature"
    client.new_message()
    client.composer.body.value = "x" * 200_000  # too long to keep: the form stays open, as typed
    client.composer.close_button.click()
    assert client.composer.widget.layout.display is None and "trop long" in said(client)


def test_a_follow_up_after_changing_address_goes_to_the_employer(client, workspace, employer) -> None:
    write(client, employer["email"], "Candidature", "Madame, Monsieur,\n\nCordialement,\nCamille")
    assert client.composer.send() is True
    assert client.choose_address("camille.martin") is True
    open_first(client, "Sent")
    client.act("reply")
    assert client.composer.to.value == employer["email"] and client.composer.cc.value == ""
    client.composer.body.value = "Madame, Monsieur,\n\nJe me permets de revenir vers vous.\n\nCamille"
    assert client.composer.send() is True
    follow = events(workspace, "mail.send")[-1]
    assert follow["to"] == [employer["email"]] and follow["kind"] == "reply"
    [newest, _first] = client.backend.list("Sent")
    assert "camille.martin@courriel.example" in client.backend.read("Sent", newest.key).message["From"]


def test_a_received_file_name_cannot_leave_the_usb_key() -> None:
    from tremplin.widgets.mail_client_backend import safe_file_name

    assert safe_file_name("../../etc/passwd") == "passwd"
    assert safe_file_name("..\\..\\cv.pdf") == "cv.pdf"
    assert safe_file_name("cv\x00\x1b[31m.pdf") == "cv[31m.pdf"
    assert safe_file_name(".bashrc") == "bashrc"
    long = safe_file_name("a" * 500 + ".pdf")
    assert len(long) == 120 and long.endswith(".pdf")
