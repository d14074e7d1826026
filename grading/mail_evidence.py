"""Reading the learner's real messages from the workspace's Maildir, for the email checks.

The Maildir++ tree (mail/: inbox at its root, `.Sent`, `.Drafts`, `.Junk`, `.Trash`) is read
with python's `email` only (no mail server); an unparsable message is skipped.
Which sent messages belong to an activity, and their Bcc (a sent copy may not show it), come
from the activity's `mail.send` events: a lesson's practice never counts in an épreuve.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from typing import Any

INBOX, SENT, DRAFTS, JUNK, TRASH = "INBOX", "Sent", "Drafts", "Junk", "Trash"
FOLDERS = (INBOX, SENT, DRAFTS, JUNK, TRASH)
#: Parsing stops at this size: a message or a PDF beyond it is judged as too big anyway.
MAX_MESSAGE_BYTES = 30_000_000
MAX_PDF_PAGES_READ = 20
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_TAGS = re.compile(r"<[^>]+>")


def norm_id(value: Any) -> str:
    """A Message-ID as compared: no angle brackets, no spaces, lower case."""
    return str(value or "").strip().strip("<>").strip().lower()


def ids_in(value: Any) -> set[str]:
    """Every Message-ID of an In-Reply-To / References header."""
    return {norm_id(found) for found in re.findall(r"<([^<>\s]+)>", str(value or ""))} or (
        {norm_id(value)} if norm_id(value) else set())


def addresses(*values: Any) -> list[str]:
    """Bare lower-case addresses of header values or lists of addresses."""
    flat: list[str] = []
    for value in values:
        if isinstance(value, list | tuple):
            flat.extend(str(v) for v in value)
        elif value:
            flat.append(str(value))
    return [a.strip().lower() for _name, a in getaddresses(flat) if "@" in a]


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Mail:
    folder: str
    message: EmailMessage = field(repr=False)

    @property
    def message_id(self) -> str:
        return norm_id(self.message.get("Message-ID"))

    @property
    def subject(self) -> str:
        return " ".join(str(self.message.get("Subject") or "").split())

    @property
    def date(self) -> dt.datetime:
        try:
            when = parsedate_to_datetime(str(self.message.get("Date")))
        except (TypeError, ValueError, IndexError):
            return _EPOCH
        return when if when.tzinfo else when.replace(tzinfo=dt.UTC)

    @property
    def sender(self) -> str:
        found = addresses(self.message.get("From"))
        return found[0] if found else ""

    def header_ids(self) -> set[str]:
        return ids_in(self.message.get("In-Reply-To")) | ids_in(self.message.get("References"))

    @property
    def kind(self) -> str:
        return str(self.message.get("X-Tremplin-Kind") or "").strip().lower()


@dataclass(frozen=True)
class SentMail:
    """A message the learner sent in the activity: the copy in `.Sent` and its `mail.send` event."""

    mail: Mail
    event: dict[str, Any]
    to: tuple[str, ...]
    cc: tuple[str, ...]
    bcc: tuple[str, ...]

    @property
    def recipients(self) -> tuple[str, ...]:
        return (*self.to, *self.cc, *self.bcc)

    @property
    def kind(self) -> str:
        return str(self.event.get("kind") or "new")


def parse(data: bytes) -> EmailMessage | None:
    try:
        message = BytesParser(policy=policy.default).parsebytes(data[:MAX_MESSAGE_BYTES])
    except Exception:  # noqa: BLE001 - a damaged message is skipped, never fatal
        return None
    return message if isinstance(message, EmailMessage) else None


def message_files(mail_dir: Any, folder: str = INBOX) -> list[Path]:
    """The files of one Maildir++ folder, read straight from cur/ and new/.

    Not through `mailbox.Maildir`: nbgrader's copies drop empty directories, so a handed-in
    folder may lack new/ or tmp/, which `mailbox` takes for a broken mailbox."""
    base = Path(mail_dir) if folder == INBOX else Path(mail_dir) / f".{folder}"
    files: list[Path] = []
    for part in ("cur", "new"):
        try:
            files.extend(p for p in (base / part).iterdir() if p.is_file() and not p.name.startswith("."))
        except OSError:
            continue
    return files


def read_folder(mail_dir: Any, folder: str = INBOX) -> list[Mail]:
    """The messages of one folder, sorted on Date (Maildir keys are not chronological)."""
    found = []
    for path in message_files(mail_dir, folder):
        try:
            with path.open("rb") as handle:
                message = parse(handle.read(MAX_MESSAGE_BYTES))
        except OSError:
            continue
        if message is not None:
            found.append(Mail(folder, message))
    return sorted(found, key=lambda m: m.date)


def all_mail(mail_dir: Any) -> list[Mail]:
    return [m for folder in FOLDERS for m in read_folder(mail_dir, folder)]


def locate(mail_dir: Any) -> dict[str, str]:
    """Message-ID → the folder it is in now (the inbox wins over a copy elsewhere)."""
    where: dict[str, str] = {}
    for mail in reversed(all_mail(mail_dir)):
        if mail.message_id:
            where[mail.message_id] = mail.folder
    return where


def sent_in_activity(mail_dir: Any, events: Any) -> list[SentMail]:
    """The activity's sent messages (by `mail.send` event, found in `.Sent`), oldest first."""
    sent = {m.message_id: m for m in read_folder(mail_dir, SENT) if m.message_id}
    found: list[SentMail] = []
    for event in events:
        if event.kind != "mail.send" or not isinstance(event.data, dict):
            continue
        mail = sent.pop(norm_id(event.data.get("message_id")), None)
        if mail is None:
            continue
        message = mail.message
        bcc = addresses(message.get_all("Bcc") or [], event.data.get("bcc") or [])
        found.append(SentMail(mail, dict(event.data), tuple(addresses(message.get_all("To") or [])),
                              tuple(addresses(message.get_all("Cc") or [])), tuple(dict.fromkeys(bcc))))
    return sorted(found, key=lambda s: s.mail.date)


def attachments(message: EmailMessage) -> list[Attachment]:
    """Attached files (a forwarded message/rfc822 counts as one, with its own attachments inside)."""
    found = []
    for part in message.walk():
        if part.get_content_type() == "message/rfc822" and part is not message:
            inner = part.get_payload()
            data = inner[0].as_bytes() if isinstance(inner, list) and inner else b""
            found.append(Attachment(str(part.get_filename() or "message.eml"), "message/rfc822", data))
            continue
        disposition = part.get_content_disposition()
        name = part.get_filename()
        if part.is_multipart() or (disposition != "attachment" and not name):
            continue
        try:
            data = part.get_payload(decode=True) or b""
        except Exception:  # noqa: BLE001 - a broken part is an empty file
            data = b""
        found.append(Attachment(str(name or ""), part.get_content_type(), data))
    return found


def body_text(message: EmailMessage) -> str:
    """The text the learner wrote: the plain part, else the HTML part without its tags."""
    for preference in (("plain",), ("html",)):
        try:
            part = message.get_body(preferencelist=preference)
            text = part.get_content() if part is not None else None
        except Exception:  # noqa: BLE001 - an undecodable body reads as empty
            text = None
        if isinstance(text, str):
            return html.unescape(_TAGS.sub(" ", text)) if preference == ("html",) else text
    return ""


@dataclass(frozen=True)
class PdfFacts:
    is_pdf: bool
    pages: int
    text: str


#: What was read of each PDF, by content hash (a few entries: one hand-in holds few files).
_PDF_FACTS: dict[str, PdfFacts] = {}
_PDF_CACHE_SIZE = 64


def _read_pdf(data: bytes) -> PdfFacts:
    if not data.startswith(b"%PDF-"):
        return PdfFacts(False, 0, "")
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data), strict=False)
        pages = len(reader.pages)
        text = "\n".join((page.extract_text() or "") for page in reader.pages[:MAX_PDF_PAGES_READ])
    except Exception:  # noqa: BLE001 - pypdf raises many kinds on a damaged file
        return PdfFacts(True, 0, "")
    return PdfFacts(True, pages, text)


def pdf_facts(data: bytes) -> PdfFacts:
    """Whether `data` is a real PDF (magic bytes and pypdf can read ≥ 1 page), and its text."""
    digest = hashlib.sha256(data).hexdigest()
    if digest not in _PDF_FACTS:
        if len(_PDF_FACTS) >= _PDF_CACHE_SIZE:
            _PDF_FACTS.pop(next(iter(_PDF_FACTS)))
        _PDF_FACTS[digest] = _read_pdf(data)
    return _PDF_FACTS[digest]


def attachment_text(attachment: Attachment) -> str:
    """The readable text of an attachment: a PDF's text, a text file, else nothing."""
    if attachment.data.startswith(b"%PDF-"):
        return pdf_facts(attachment.data).text
    if attachment.content_type.startswith("text/"):
        return attachment.data[:MAX_MESSAGE_BYTES].decode("utf-8", "replace")
    return ""
