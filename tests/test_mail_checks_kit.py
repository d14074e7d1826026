"""What the email-check tests share: real PDFs, real RFC 5322 messages in a real Maildir, journal events.

`Mailer` plays the mail client's part without importing it: it puts each sent message into
`.Sent` and records the contract's `mail.*` events through an ActivityJournal. The tests of
this file check the reader (grading/mail_evidence.py) and the sensitive-number finders.
"""

from __future__ import annotations

import datetime as dt
import io
import mailbox
from collections.abc import Iterable
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from tremplin.grading.mail_evidence import (
    INBOX,
    JUNK,
    SENT,
    attachments,
    locate,
    norm_id,
    pdf_facts,
    read_folder,
    sent_in_activity,
)
from tremplin.grading.mail_scenario import MailScenario
from tremplin.grading.sensitive_data import IBAN, ID_NUMBER, NIR, find_sensitive, iban_ok, nir_key_ok
from tremplin.widgets.activity import ActivityJournal
from tremplin.widgets.workspace import Workspace

LEARNER = "camille.martin@courriel.example"
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
VALID_IBAN = "FR76 3000 6000 0112 3456 7890 189"


def nir(body: str = "1850578006084") -> str:
    """A NIR with its right key, written with spaces as people do."""
    key = 97 - int(body.replace("2A", "19").replace("2B", "18")) % 97
    return f"{body[0]} {body[1:3]} {body[3:5]} {body[5:7]} {body[7:10]} {body[10:13]} {key:02d}"


def make_pdf(*lines: str, pages: int = 1) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for _page in range(pages):
        for index, line in enumerate(lines):
            pdf.drawString(72, 770 - 16 * index, line)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


CV = ("Martin_Camille_CV.pdf", make_pdf("Camille Martin", "Expérience", "Formation", "Compétences"))
LETTER = ("Martin_Camille_Lettre_motivation.pdf", make_pdf("Madame, Monsieur,", "Je vous prie d'agréer..."))


def letter_body(title: str, reference: str, name: str = "Camille Martin") -> str:
    return (
        "Madame, Monsieur,\n\n"
        f"Je vous adresse ma candidature au poste de {title} (référence {reference}), vu sur le moteur "
        "de recherche de l'espace emploi. Forte de trois années d'expérience dans ce métier, je suis "
        "disponible immédiatement et très motivée pour rejoindre votre équipe.\n\n"
        "Vous trouverez ci-joint mon CV et ma lettre de motivation. Je reste à votre disposition pour "
        "un entretien.\n\n"
        "Je vous prie d'agréer, Madame, Monsieur, mes salutations distinguées.\n\n"
        f"{name}\n"
    )


def new_workspace(root: Path, world, name: str = "Camille", seed: bool = True) -> Workspace:
    identity = {"seed": world.manifest.seed, "offers": world.manifest.offers}
    workspace = Workspace.create(root, name, world=identity)
    if seed:
        workspace.seed_inbox(world.inbox_paths())
    return workspace


class Mailer:
    """Sends, files and clicks like the mail client would, in one activity."""

    def __init__(self, workspace: Workspace, activity: str, sender: str = LEARNER) -> None:
        self.workspace = workspace
        self.journal = ActivityJournal(workspace, activity)
        self.sender = sender
        self.root = mailbox.Maildir(workspace.mail_dir, factory=None, create=False)

    def folder(self, name: str) -> mailbox.Maildir:
        if name == INBOX:
            return self.root
        if name not in self.root.list_folders():
            self.root.add_folder(name)
        return self.root.get_folder(name)

    def address(self, address: str) -> None:
        self.journal.record("mail.address", {"address": address})

    def send(self, to: Iterable[str] | str, subject: str, body: str, *, cc: Iterable[str] = (),
             bcc: Iterable[str] = (), files: Iterable[tuple[str, bytes]] = (), in_reply_to: str | None = None,
             references: Iterable[str] = (), kind: str = "new", date: dt.datetime | None = None,
             bcc_header: bool = False, record: bool = True) -> str:
        to = [to] if isinstance(to, str) else list(to)
        cc, bcc, files = list(cc), list(bcc), list(files)
        message = EmailMessage()
        message["From"] = f"Camille Martin <{self.sender}>"
        if to:
            message["To"] = ", ".join(to)
        if cc:
            message["Cc"] = ", ".join(cc)
        if bcc and bcc_header:
            message["Bcc"] = ", ".join(bcc)
        message["Subject"] = subject
        message["Date"] = format_datetime(date or NOW)
        message_id = make_msgid(domain="courriel.example")
        message["Message-ID"] = message_id
        if in_reply_to:
            message["In-Reply-To"] = f"<{norm_id(in_reply_to)}>"
        refs = list(references) or ([in_reply_to] if in_reply_to else [])
        if refs:
            message["References"] = " ".join(f"<{norm_id(r)}>" for r in refs)
        message.set_content(body)
        for name, data in files:
            maintype, subtype = ("application", "pdf") if name.lower().endswith(".pdf") else ("application",
                                                                                                "octet-stream")
            message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
        self.folder(SENT).add(message.as_bytes())
        if record:
            self.journal.record("mail.send", {
                "message_id": message_id, "to": to, "cc": cc, "bcc": bcc, "subject": subject,
                "attachments": [name for name, _data in files], "in_reply_to": in_reply_to, "kind": kind})
        return message_id

    def _key(self, folder: str, message_id: str) -> str | None:
        box = self.folder(folder)
        for key, message in box.items():
            if norm_id(message.get("Message-ID")) == norm_id(message_id):
                return key
        return None

    def move(self, message_id: str, to_folder: str, from_folder: str = INBOX, record: bool = True) -> None:
        source = self.folder(from_folder)
        key = self._key(from_folder, message_id)
        assert key is not None, message_id
        self.folder(to_folder).add(source.get_bytes(key))
        source.remove(key)
        if record:
            self.journal.record("mail.move", {"message_id": message_id, "from_folder": from_folder,
                                              "to_folder": to_folder})

    def report(self, message_id: str) -> None:
        self.journal.record("mail.report_phishing", {"message_id": message_id})
        self.move(message_id, JUNK)

    def open(self, message_id: str, folder: str = INBOX) -> None:
        self.journal.record("mail.open", {"message_id": message_id, "folder": folder})

    def click(self, message_id: str, url: str) -> None:
        self.journal.record("mail.link_click", {"message_id": message_id, "url": url, "text": url})


def apply_well(mailer: Mailer, scenario: MailScenario, **changes) -> str:
    """A correct application to the scenario's employer, adviser in Cc; `changes` alter it."""
    target = scenario.apply
    sent = {"to": [target.email], "subject": f"Candidature – {target.title} (réf. {target.reference})",
            "body": letter_body(target.title, target.reference), "cc": [scenario.adviser],
            "files": [CV, LETTER]}
    sent.update(changes)
    return mailer.send(sent.pop("to"), sent.pop("subject"), sent.pop("body"), **sent)


# ---------------------------------------------------------------- the reader and the finders


def test_the_reader_finds_sent_messages_by_event_takes_bcc_from_it_and_sorts_on_date(tmp_path, world) -> None:
    workspace = new_workspace(tmp_path / "ws", world)
    mailer = Mailer(workspace, "essai")
    late = mailer.send("a@b.example", "Deux", "texte", date=NOW + dt.timedelta(days=1))
    early = mailer.send("a@b.example", "Un", "texte", bcc=["cache@c.example"], files=[CV])
    mailer.send("x@b.example", "Hors activité", "texte", record=False)
    found = sent_in_activity(workspace.mail_dir, workspace.events())
    assert [s.mail.message_id for s in found] == [norm_id(early), norm_id(late)]
    assert found[0].bcc == ("cache@c.example",) and found[0].to == ("a@b.example",)
    assert [(a.name, a.content_type) for a in attachments(found[0].mail.message)] == [
        ("Martin_Camille_CV.pdf", "application/pdf")]
    inbox = read_folder(workspace.mail_dir, INBOX)
    assert len(inbox) == len(world.inbox_paths())
    assert [m.date for m in inbox] == sorted(m.date for m in inbox)
    assert locate(workspace.mail_dir)[norm_id(early)] == SENT


def test_a_damaged_message_or_folder_is_skipped_not_raised(tmp_path, world) -> None:
    workspace = new_workspace(tmp_path / "ws", world, seed=False)
    (workspace.mail_dir / "new" / "garbage").write_bytes(b"\x00\xff<script>" * 1000)
    assert len(read_folder(workspace.mail_dir, INBOX)) <= 1
    assert read_folder(workspace.mail_dir, "Nowhere") == []
    assert read_folder(tmp_path / "absent", SENT) == []


def test_a_real_pdf_is_read_and_a_renamed_exe_is_not() -> None:
    facts = pdf_facts(make_pdf("Bonjour", pages=2))
    assert facts.is_pdf and facts.pages == 2 and "Bonjour" in facts.text
    assert not pdf_facts(b"MZ\x90\x00" + b"\x00" * 200).is_pdf
    assert pdf_facts(b"%PDF-1.4 broken").pages == 0


def test_nir_with_its_key_iban_and_id_numbers_are_found_and_lookalikes_are_not() -> None:
    assert [f.kind for f in find_sensitive(f"Sécu : {nir()}")] == [NIR]
    corsica = nir("269022A341732")
    assert nir_key_ok(corsica.replace(" ", "")) and [f.kind for f in find_sensitive(corsica)] == [NIR]
    right = nir()
    wrong = right[:-2] + f"{(int(right[-2:]) + 1) % 97:02d}"
    assert find_sensitive(f"Numéro : {wrong}") == []
    assert iban_ok(VALID_IBAN) and not iban_ok(VALID_IBAN[:-1] + "8")
    assert [f.kind for f in find_sensitive(f"Mon IBAN : {VALID_IBAN} merci")] == [IBAN]
    assert find_sensitive(f"IBAN {VALID_IBAN[:-1]}8") == []
    kinds = [f.kind for f in find_sensitive("passeport 12AB34567, carte d'identité n° 880692310285")]
    assert kinds == [ID_NUMBER, ID_NUMBER]
    harmless = "Réf. OF-001234, tél. 02 99 12 34 56, 35000 Rennes, le 02/11/2026, 3 200 € brut"
    assert find_sensitive(harmless) == []
    assert find_sensitive(f"{nir()}"[:10]) == [] and find_sensitive(None) == []  # type: ignore[arg-type]
    assert all("•" in f.masked for f in find_sensitive(f"{nir()} {VALID_IBAN}"))
