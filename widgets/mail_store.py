"""The learner's mail folders over the workspace's Maildir++ tree (mail/).

Folder names are the contract's: "INBOX" (the Maildir root), "Sent", "Drafts", "Junk",
"Trash" (`.Sent`, `.Drafts`…). Listing reads only each file's header block (a few header fields, see
`parse_head`) and sorts on Date, newest first: Maildir keys are not chronological.
Every change is a rename or a write-then-remove, so no message is ever lost half-way;
a message deleted to Trash carries one extra first line naming its folder, removed again
by `restore`, which gives back the exact bytes.
"""

from __future__ import annotations

import base64
import contextlib
import mailbox
import os
import quopri
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from tremplin.widgets.i18n import t
from tremplin.widgets.mail_addresses import MailError
from tremplin.widgets.mail_message import Attachment, attachments_of, body_text, parse_message

INBOX = "INBOX"
FOLDERS = (INBOX, "Sent", "Drafts", "Junk", "Trash")
ORIGIN_HEADER = b"X-Tremplin-Deleted-From: "
HEAD_CHUNK = 8192
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: Bare addresses inside a header (cheaper than getaddresses for a list of 1,000).
_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+[A-Za-z0-9]")


_MAILDIR_KEY = re.compile(r"^(\d+)\.M(\d+)P")


def _arrival(key: str) -> tuple[int, int, str]:
    """When a message was stored, from its Maildir key (« 1732870000.M52P… »: seconds then
    microseconds, not zero-padded, so a plain string order puts M99 after M100000)."""
    found = _MAILDIR_KEY.match(key)
    return (int(found[1]), int(found[2]), key) if found else (0, 0, key)


@dataclass(frozen=True)
class Summary:
    """What a folder list shows of one message (headers only, nothing decoded beyond them)."""

    key: str
    folder: str
    message_id: str
    sender: str
    sender_address: str
    to: list[str]
    subject: str
    date: datetime | None
    kind: str
    seen: bool
    has_attachments: bool
    in_reply_to: str
    size: int

    def to_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["date"] = self.date.isoformat() if self.date else None
        return data


@dataclass(frozen=True)
class MailView:
    """One message opened: its summary, parsed message, readable text and attachments."""

    summary: Summary
    message: EmailMessage
    body: str
    attachments: list[Attachment]
    raw: bytes


_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"(\?=)\s+(=\?)")


def _decode_word(match: re.Match[str]) -> str:
    charset, encoding, text = match.group(1).split("*")[0], match.group(2).upper(), match.group(3)
    if encoding == "B":
        data = base64.b64decode(text + "=" * (-len(text) % 4))
    else:
        data = quopri.decodestring(text.replace("_", " ").encode("ascii"), header=True)
    return data.decode(charset, "replace")


def _text(value: Any) -> str:
    """A header as readable text: RFC 2047 encoded words decoded (cheaply, for lists)."""
    if value is None:
        return ""
    text = str(value)
    if "=?" not in text:
        return text.strip()
    try:
        return _ENCODED_WORD.sub(_decode_word, _BETWEEN_WORDS.sub(r"\1\2", text)).strip()
    except (ValueError, LookupError, UnicodeError):
        try:
            return str(make_header(decode_header(text))).strip()
        except (ValueError, LookupError, UnicodeError):
            return text.strip()


def _date(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        found = parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def _read_head(path: Path) -> tuple[bytes, int]:
    with open(path, "rb") as handle:
        head = handle.read(HEAD_CHUNK)
        while b"\n\n" not in head and b"\r\n\r\n" not in head:
            more = handle.read(HEAD_CHUNK)
            if not more:
                break
            head += more
        size = os.fstat(handle.fileno()).st_size
    return head, size


def summarize(path: Path, folder: str, key: str, seen: bool) -> Summary:
    head, size = _read_head(path)
    if head.startswith(ORIGIN_HEADER):
        head = head.split(b"\n", 1)[-1]
    return _from_head(head, folder, key, seen, size)


def summarize_bytes(raw: bytes, folder: str, key: str, seen: bool) -> Summary:
    """A Summary from a message's bytes (used when the message is already in memory)."""
    end = raw.find(b"\n\n")
    return _from_head(raw if end < 0 else raw[: end + 2], folder, key, seen, len(raw))


_WANTED = {"from", "to", "subject", "date", "message-id", "x-tremplin-kind", "content-type", "in-reply-to"}


def parse_head(head: bytes) -> dict[str, str]:
    """The header fields a list needs, unfolded ({lower-case name: first value}).

    A plain line scanner: about four times cheaper than `BytesHeaderParser` on a folder of
    1,000 messages, and as tolerant (a line that is no header is skipped).
    """
    text = head.decode("utf-8", "replace").replace("\r\n", "\n")
    fields: dict[str, str] = {}
    name = None
    for line in text.split("\n"):
        if not line:
            break
        if line[0] in " \t":
            if name is not None:
                fields[name] += " " + line.strip()
            continue
        label, colon, value = line.partition(":")
        label = label.strip().lower()
        name = label if colon and label in _WANTED and label not in fields else None
        if name is not None:
            fields[name] = value.strip()
    return fields


def _from_head(head: bytes, folder: str, key: str, seen: bool, size: int) -> Summary:
    headers = parse_head(head)
    sender = _text(headers.get("from"))
    to = _ADDRESS.findall(headers.get("to", ""))
    return Summary(
        key=key,
        folder=folder,
        message_id="".join(headers.get("message-id", "").split()),  # a folded header keeps its spaces
        sender=sender,
        sender_address=(_ADDRESS.findall(sender) or [""])[-1],
        to=to,
        subject=_text(headers.get("subject")),
        date=_date(headers.get("date")),
        kind=headers.get("x-tremplin-kind", ""),
        seen=seen,
        has_attachments=headers.get("content-type", "").lower().startswith("multipart/mixed"),
        in_reply_to=headers.get("in-reply-to", ""),
        size=size,
    )


class MailStore:
    """The folders of one Maildir++ root (a workspace's mail/)."""

    def __init__(self, mail_dir: Path):
        self.root = Path(mail_dir)
        if not (self.root / "cur").is_dir():
            raise MailError(t("mail.mailbox_missing", path=self.root))

    @classmethod
    def for_workspace(cls, workspace: Any) -> MailStore:
        return cls(workspace.mail_dir)

    # -- folders --------------------------------------------------------------------------

    def path(self, folder: str, *, create: bool = False) -> Path:
        """The Maildir of a folder; `create` makes a missing one (workspaces have no Trash yet).

        Reading never creates anything, so listing a handed-in snapshot leaves it as it was.
        """
        if folder not in FOLDERS:
            raise MailError(t("mail.folder_unknown", folder=str(folder)[:40]))
        if folder == INBOX:
            return self.root
        path = self.root / f".{folder}"
        if create and not (path / "cur").is_dir():
            mailbox.Maildir(self.root, create=False).add_folder(folder)
        return path

    def _maildir(self, folder: str) -> mailbox.Maildir:
        return mailbox.Maildir(self.path(folder, create=True), factory=None, create=False)

    def _entries(self, folder: str) -> list[tuple[str, Path, bool]]:
        found = []
        base = self.path(folder)
        for sub in ("new", "cur"):
            with contextlib.suppress(FileNotFoundError), os.scandir(base / sub) as entries:
                for entry in entries:
                    if entry.name.startswith(".") or not entry.is_file():
                        continue
                    key, _, info = entry.name.partition(":")
                    found.append((key, Path(entry.path), "S" in info.partition(",")[2]))
        return found

    def _file(self, folder: str, key: str) -> Path:
        for found_key, path, _seen in self._entries(folder):
            if found_key == key:
                return path
        raise MailError(t("mail.message_missing"))

    def list(self, folder: str = INBOX) -> list[Summary]:
        """Every message of `folder`, newest first (undated ones last)."""
        summaries = []
        for key, path, seen in self._entries(folder):
            try:
                summaries.append(summarize(path, folder, key, seen))
            except FileNotFoundError:  # moved meanwhile by another tab
                continue
        summaries.sort(key=lambda s: (s.date or _EPOCH, _arrival(s.key)), reverse=True)
        return summaries

    def raw(self, folder: str, key: str) -> bytes:
        try:
            data = self._file(folder, key).read_bytes()
        except FileNotFoundError as error:
            raise MailError(t("mail.message_missing")) from error
        return data.split(b"\n", 1)[-1] if data.startswith(ORIGIN_HEADER) else data

    def read(self, folder: str, key: str) -> MailView:
        """One message with its text and attachments (does not change its seen flag)."""
        path = self._file(folder, key)
        raw = self.raw(folder, key)
        message = parse_message(raw)
        seen = "S" in path.name.partition(":")[2]
        return MailView(summarize_bytes(raw, folder, key, seen), message, body_text(message),
                        attachments_of(message), raw)

    def find(self, message_id: str, folders: tuple[str, ...] = FOLDERS) -> tuple[str, str] | None:
        """(folder, key) of the message with this Message-ID, or None."""
        wanted = message_id.strip()
        for folder in folders:
            for summary in self.list(folder):
                if summary.message_id == wanted:
                    return folder, summary.key
        return None

    # -- changes --------------------------------------------------------------------------

    def add(self, folder: str, data: bytes | Message, *, seen: bool = False) -> str:
        """Store a message (bytes kept exactly) in `folder`; returns its key."""
        maildir = self._maildir(folder)
        key = maildir.add(data.as_bytes() if isinstance(data, Message) else data)
        if seen:
            self.mark_seen(folder, key)
        return key

    def mark_seen(self, folder: str, key: str, seen: bool = True) -> None:
        path = self._file(folder, key)
        info = path.name.partition(":")[2]
        flags = set(info.partition(",")[2]) if info.startswith("2,") else set()
        flags = (flags | {"S"}) if seen else (flags - {"S"})
        target = self.path(folder) / "cur" / f"{key}:2,{''.join(sorted(flags))}"
        if target != path:
            os.rename(path, target)

    def move(self, key: str, from_folder: str, to_folder: str) -> str:
        """Move a message between folders (one rename: never lost); returns its key."""
        if from_folder == to_folder:
            return key
        source = self._file(from_folder, key)
        target = self.path(to_folder, create=True) / source.parent.name / source.name
        os.rename(source, target)
        return key

    def delete(self, folder: str, key: str) -> str | None:
        """Put the message in Trash (returns its Trash key); from Trash, remove it for good."""
        source = self._file(folder, key)
        if folder == "Trash":
            source.unlink()
            return None
        data = source.read_bytes()
        new_key = self.add("Trash", ORIGIN_HEADER + folder.encode() + b"\n" + data, seen=True)
        source.unlink()
        return new_key

    def origin(self, key: str) -> str:
        """The folder a message of Trash came from (INBOX if unknown)."""
        head, _size = _read_head(self._file("Trash", key))
        if head.startswith(ORIGIN_HEADER):
            name = head.split(b"\n", 1)[0][len(ORIGIN_HEADER):].decode("ascii", "replace").strip()
            if name in FOLDERS and name != "Trash":
                return name
        return INBOX

    def restore(self, key: str) -> tuple[str, str]:
        """Put a message of Trash back where it was, with its exact bytes: (folder, key)."""
        folder = self.origin(key)
        new_key = self.add(folder, self.raw("Trash", key), seen=True)
        self._file("Trash", key).unlink()
        return folder, new_key

    def save_draft(self, message: bytes | Message, replace_key: str | None = None) -> str:
        """Store a draft, then drop its previous version (a crash between keeps both)."""
        key = self.add("Drafts", message, seen=True)
        if replace_key:
            with contextlib.suppress(MailError, FileNotFoundError):
                self._file("Drafts", replace_key).unlink()
        return key

    def drafts_with_id(self, message_id: str) -> list[str]:
        return [s.key for s in self.list("Drafts") if message_id and s.message_id == message_id.strip()]

    def remove_drafts(self, message_id: str, keep: str | None = None) -> None:
        for key in self.drafts_with_id(message_id):
            if key != keep:
                with contextlib.suppress(MailError, FileNotFoundError):
                    self._file("Drafts", key).unlink()

