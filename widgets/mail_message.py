"""Writing messages: a Draft (what the learner typed) becomes a real RFC 5322 EmailMessage.

`compose` checks everything a sending client must (addresses, CR/LF in headers, the
attachments in the learner's documents/ folder and their sizes, the body's length) and
raises MailError with one French line; Bcc recipients travel in the envelope only, never
in the headers. `reply`, `reply_all` and `forward` build the next Draft from a received
message: "RE : " / "TR : " subjects, In-Reply-To and References, the quoted text, and the
forwarded attachments kept. A Draft can also be stored as a message of `.Drafts`
(`draft_message`, Bcc kept there since only the learner sees it) and read back.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import format_datetime, formataddr, getaddresses, make_msgid, parseaddr
from pathlib import Path

from tremplin.widgets.i18n import t
from tremplin.widgets.mail_addresses import (
    LEARNER_DOMAIN,
    MailError,
    has_line_break,
    parse_address,
    parse_address_list,
)

MAX_ATTACHMENT = 5 * 1024 * 1024
MAX_ATTACHMENTS_TOTAL = 10 * 1024 * 1024
MAX_BODY = 100_000
MAX_SUBJECT = 250
MAX_DISPLAY_NAME = 100
KINDS = ("new", "reply", "reply_all", "forward")
REPLY_PREFIX, FORWARD_PREFIX = "RE : ", "TR : "
_PREFIX = re.compile(r"^\s*((re|tr|fwd?|aw|wg)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_SAFE_NAME = re.compile(r"^[^/\\\x00-\x1f]+$")
DRAFT_KIND_HEADER = "X-Tremplin-Draft-Kind"


@dataclass(frozen=True)
class Attachment:
    """One attached file: its name as shown, MIME type and bytes."""

    filename: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class Draft:
    """What the learner is writing. Addresses are typed text or lists; nothing is checked yet.

    `attachments` are file names in the learner's documents/ (read when composing);
    `carried` are attachments already in hand (a forwarded message's, a saved draft's).
    """

    sender: str
    to: str | list[str] = ""
    cc: str | list[str] = ""
    bcc: str | list[str] = ""
    subject: str = ""
    body: str = ""
    attachments: tuple[str, ...] = ()
    carried: tuple[Attachment, ...] = ()
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    kind: str = "new"
    message_id: str | None = None
    sender_name: str = ""
    extra_headers: tuple[tuple[str, str], ...] = field(default=())


def new_message_id(domain: str = LEARNER_DOMAIN) -> str:
    """A fresh, unique Message-ID on the stable domain ("<…@courriel.example>")."""
    return make_msgid(domain=domain)


def strip_prefixes(subject: str) -> str:
    """The subject without "RE :", "Re:", "TR :", "Fwd:"… prefixes (any number of them)."""
    return _PREFIX.sub("", subject or "").strip()


def _check_header(value: str, field_key: str, limit: int) -> str:
    value = value.replace("\t", " ")
    if has_line_break(value):
        raise MailError(t("mail.header_line_break", field=t(field_key)))
    if len(value) > limit:
        raise MailError(t("mail.header_too_long", field=t(field_key), max=limit))
    return value.strip()


def read_attachment(documents_dir: Path, name: str) -> Attachment:
    """The file `name` of documents/ (a relative path: « Candidature X/CV.pdf ») as an
    Attachment named by its last part; MailError if absent, odd, hidden, outside or too big."""
    parts = name.split("/") if isinstance(name, str) else []
    if not parts or any(not part.strip() or not _SAFE_NAME.match(part) or part.startswith(".")
                        for part in parts):
        raise MailError(t("mail.attachment_bad_name", name=str(name)[:80]))
    folder = Path(documents_dir).resolve()
    path = (folder / name).resolve()
    if folder not in path.parents:
        raise MailError(t("mail.attachment_bad_name", name=name[:80]))
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise MailError(t("mail.attachment_missing", name=name))
        if size > MAX_ATTACHMENT:
            raise MailError(t("mail.attachment_too_big", name=name, max=_megabytes(MAX_ATTACHMENT)))
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise MailError(t("mail.attachment_missing", name=name)) from error
    except OSError as error:
        raise MailError(t("mail.attachment_unreadable", name=name)) from error
    return Attachment(parts[-1], guess_type(parts[-1]), data)


def guess_type(name: str) -> str:
    guessed, encoding = mimetypes.guess_type(name, strict=False)
    return guessed if guessed and not encoding else "application/octet-stream"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def _gather_attachments(draft: Draft, documents_dir: Path | None) -> list[Attachment]:
    found = list(draft.carried)
    for name in draft.attachments:
        if documents_dir is None:
            raise MailError(t("mail.attachment_missing", name=name))
        found.append(read_attachment(documents_dir, name))
    for attachment in found:
        if attachment.size > MAX_ATTACHMENT:
            raise MailError(
                t("mail.attachment_too_big", name=attachment.filename, max=_megabytes(MAX_ATTACHMENT))
            )
    if sum(a.size for a in found) > MAX_ATTACHMENTS_TOTAL:
        raise MailError(t("mail.attachments_total_too_big", max=_megabytes(MAX_ATTACHMENTS_TOTAL)))
    return found


def _check_body(body: str) -> str:
    if not isinstance(body, str):
        raise MailError(t("mail.body_invalid"))
    if len(body) > MAX_BODY:
        raise MailError(t("mail.body_too_long", max=MAX_BODY, length=len(body)))
    if "\x00" in body:
        body = body.replace("\x00", "")
    return body


@dataclass(frozen=True)
class Outgoing:
    """A composed message and its envelope (Bcc recipients are only here)."""

    message: EmailMessage
    sender: str
    to: list[str]
    cc: list[str]
    bcc: list[str]
    attachments: list[str]

    @property
    def recipients(self) -> list[str]:
        seen: list[str] = []
        for address in [*self.to, *self.cc, *self.bcc]:
            if address.lower() not in (a.lower() for a in seen):
                seen.append(address)
        return seen

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    def as_bytes(self) -> bytes:
        return self.message.as_bytes(policy=policy.default)


def compose(draft: Draft, documents_dir: Path | None, *, now: datetime | None = None) -> Outgoing:
    """The message to send, every check done; MailError (French) at the first problem."""
    if draft.kind not in KINDS:
        raise ValueError(f"unknown kind {draft.kind!r}")
    sender = parse_address(draft.sender)
    to, cc, bcc = (parse_address_list(value) for value in (draft.to, draft.cc, draft.bcc))
    if not (to or cc or bcc):
        raise MailError(t("mail.no_recipient"))
    subject = _check_header(draft.subject or "", "mail.field_subject", MAX_SUBJECT)
    name = _check_header(draft.sender_name or "", "mail.field_name", MAX_DISPLAY_NAME)
    body = _check_body(draft.body)
    attachments = _gather_attachments(draft, documents_dir)
    message = EmailMessage()
    message["From"] = formataddr((name, sender)) if name else sender
    if to:
        message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    if not to and not cc:
        message["To"] = "undisclosed-recipients:;"
    message["Subject"] = subject
    message["Date"] = format_datetime(now or datetime.now().astimezone())
    message["Message-ID"] = _message_id(draft.message_id)
    if draft.in_reply_to:
        message["In-Reply-To"] = _check_header(draft.in_reply_to, "mail.field_thread", 1000)
    if draft.references:
        message["References"] = _check_header(" ".join(draft.references), "mail.field_thread", 10_000)
    for header, value in draft.extra_headers:
        message[header] = _check_header(value, "mail.field_thread", 1000)
    message["MIME-Version"] = "1.0"
    message.set_content(body, cte="quoted-printable")
    for attachment in attachments:
        _attach(message, attachment)
    return Outgoing(message, sender, to, cc, bcc, [a.filename for a in attachments])


def _message_id(given: str | None) -> str:
    if given and not has_line_break(given) and re.fullmatch(r"<[^<>\s]+@[^<>\s]+>", given.strip()):
        return given.strip()
    return new_message_id()


def _attach(message: EmailMessage, attachment: Attachment) -> None:
    maintype, _, subtype = attachment.content_type.partition("/")
    message.add_attachment(
        attachment.data,
        maintype=maintype or "application",
        subtype=subtype or "octet-stream",
        filename=attachment.filename,
    )


# -- reading a message back -------------------------------------------------------------------


def parse_message(data: bytes) -> EmailMessage:
    """A whole message from its bytes (never raises on damaged input: defects are kept)."""
    return BytesParser(policy=policy.default).parsebytes(data)


def body_text(message: Message) -> str:
    """The readable text of a message: its text/plain part, else its HTML without tags."""
    try:
        part = message.get_body(preferencelist=("plain", "html"))  # type: ignore[attr-defined]
    except (AttributeError, KeyError):
        part = None
    if part is None:
        return ""
    try:
        text = part.get_content()
    except (LookupError, ValueError, AssertionError):
        payload = part.get_payload(decode=True) or b""
        text = payload.decode("utf-8", "replace")
    if part.get_content_subtype() == "html":
        text = re.sub(r"<[^>]+>", " ", text)
    return text


def attachments_of(message: Message) -> list[Attachment]:
    """Every attachment of a received message, with its decoded bytes."""
    found = []
    for part in message.iter_attachments():  # type: ignore[attr-defined]
        data = part.get_payload(decode=True) or b""
        name = part.get_filename() or t("mail.attachment_unnamed")
        found.append(Attachment(name, part.get_content_type(), data))
    return found


def _addresses(message: Message, *headers: str) -> list[str]:
    values = [str(value) for header in headers for value in message.get_all(header, [])]
    return [address for _name, address in getaddresses(values) if "@" in address]


def _quote(message: Message) -> str:
    sender = str(message.get("From", ""))
    date = str(message.get("Date", ""))
    quoted = "\n".join(f"> {line}" if line else ">" for line in body_text(message).splitlines())
    return "\n\n" + t("mail.quote_header", date=date, sender=sender) + "\n" + quoted + "\n"


def _thread(message: Message) -> tuple[str | None, tuple[str, ...]]:
    parent = str(message.get("Message-ID", "")).strip() or None
    references = str(message.get("References", "")).split()
    if not references and message.get("In-Reply-To"):
        references = str(message["In-Reply-To"]).split()
    if parent:
        references.append(parent)
    return parent, tuple(references[-20:])


def reply(message: Message, own_address: str, *, everyone: bool = False) -> Draft:
    """The answer to `message`: to its sender (Reply-To first), "RE : " subject, threaded."""
    own = own_address.lower()
    sender = _addresses(message, "Reply-To") or _addresses(message, "From")
    if sender and sender[0].lower() == own:  # answering one's own sent message
        sender = _addresses(message, "To")
    cc: list[str] = []
    if everyone:
        others = _addresses(message, "To", "Cc")
        cc = [a for a in others if a.lower() != own and a.lower() not in (s.lower() for s in sender)]
    parent, references = _thread(message)
    subject = REPLY_PREFIX + strip_prefixes(str(message.get("Subject", "")))
    return Draft(
        sender=own_address,
        to=", ".join(sender),
        cc=", ".join(dict.fromkeys(cc)),
        subject=subject,
        body=_quote(message),
        in_reply_to=parent,
        references=references,
        kind="reply_all" if everyone else "reply",
    )


def reply_all(message: Message, own_address: str) -> Draft:
    return reply(message, own_address, everyone=True)


def forward(message: Message, own_address: str) -> Draft:
    """A forward of `message`: "TR : " subject, its text below, its attachments kept."""
    header = t(
        "mail.forward_header",
        sender=str(message.get("From", "")),
        date=str(message.get("Date", "")),
        subject=str(message.get("Subject", "")),
        to=str(message.get("To", "")),
    )
    _parent, references = _thread(message)
    return Draft(
        sender=own_address,
        subject=FORWARD_PREFIX + strip_prefixes(str(message.get("Subject", ""))),
        body="\n\n" + header + "\n\n" + body_text(message),
        carried=tuple(attachments_of(message)),
        references=references,
        kind="forward",
    )


# -- drafts as messages of .Drafts -------------------------------------------------------------


def _lenient(value: str | list[str], limit: int) -> str:
    text = ", ".join(value) if isinstance(value, list | tuple) else str(value or "")
    return re.sub(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+", " ", text)[:limit]


def draft_message(draft: Draft, documents_dir: Path | None, *, now: datetime | None = None) -> EmailMessage:
    """The draft as a message for `.Drafts`: lenient (a draft may be unfinished), Bcc kept.

    Line breaks in a header become spaces; addresses are kept as typed. Only a body over the
    limit and attachments that cannot be read raise MailError, so nothing typed is dropped
    silently.
    """
    body = _check_body(draft.body)
    attachments = _gather_attachments(draft, documents_dir)
    message = EmailMessage(policy=policy.default.clone(raise_on_defect=False))
    message["From"] = _lenient(draft.sender, 500)
    for header, value in (("To", draft.to), ("Cc", draft.cc), ("Bcc", draft.bcc)):
        text = _lenient(value, 5_000)
        if text.strip():
            message[header] = text
    message["Subject"] = _lenient(draft.subject, MAX_SUBJECT * 4)
    message["Date"] = format_datetime(now or datetime.now().astimezone())
    message["Message-ID"] = _message_id(draft.message_id)
    if draft.in_reply_to:
        message["In-Reply-To"] = _lenient(draft.in_reply_to, 1000)
    if draft.references:
        message["References"] = _lenient(" ".join(draft.references), 10_000)
    message[DRAFT_KIND_HEADER] = draft.kind if draft.kind in KINDS else "new"
    message["X-Tremplin-Kind"] = "draft"
    message.set_content(body, cte="quoted-printable")
    for attachment in attachments:
        _attach(message, attachment)
    return message


def sent_as_draft(outgoing: Outgoing, data: bytes, kind: str) -> bytes:
    """A composed message kept as a draft: its exact bytes with the Bcc and kind lines added.

    Cheaper than `draft_message` (nothing is encoded twice); every added value is ASCII,
    already checked by `compose`.
    """
    lines = [f"{DRAFT_KIND_HEADER}: {kind if kind in KINDS else 'new'}", "X-Tremplin-Kind: draft"]
    if outgoing.bcc:
        lines.append("Bcc: " + ", ".join(outgoing.bcc))
    return ("\n".join(lines) + "\n").encode("ascii") + data


def draft_from_message(message: Message) -> Draft:
    """A stored draft (or a message that failed to send) back into a Draft to edit."""
    sender = str(message.get("From", ""))
    _name, address = parseaddr(sender)
    kind = str(message.get(DRAFT_KIND_HEADER, "new"))
    return Draft(
        sender=address or sender,
        to=str(message.get("To", "")),
        cc=str(message.get("Cc", "")),
        bcc=str(message.get("Bcc", "")),
        subject=str(message.get("Subject", "")),
        body=body_text(message),
        carried=tuple(attachments_of(message)),
        in_reply_to=str(message["In-Reply-To"]) if message.get("In-Reply-To") else None,
        references=tuple(str(message.get("References", "")).split()),
        kind=kind if kind in KINDS else "new",
        message_id=str(message.get("Message-ID", "")).strip() or None,
    )


def with_message_id(draft: Draft) -> Draft:
    """The same draft with a Message-ID fixed once (kept across saves and the send)."""
    return draft if draft.message_id else replace(draft, message_id=new_message_id())
