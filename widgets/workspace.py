"""The learner's workspace: one folder of plain files a mediator can open.

    profile.json    who (a pseudonym, never a real name), which language, which world
    journal.jsonl   what the learner did (see journal.py)
    mail/           a Maildir++ tree: inbox, .Sent, .Drafts, .Junk
    documents/      the learner's own files (« Mes documents »): CV, letters, their folders
    usb/            « Ma clé USB », a simulated USB key the learner copies files to
    editor/         what the CV and letter editors keep between visits (cv.json, letters/)
    trash/          the file manager's « Corbeille » (never part of a hand-in)

State lives here, never only in a kernel: a page reload gives a fresh kernel, and the
hand-in is a copy of this folder. Opening never modifies anything; creating never
overwrites an existing profile.
"""

from __future__ import annotations

import copy
import fcntl
import hashlib
import json
import mailbox
import os
import re
import secrets
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime
from pathlib import Path
from typing import Any

from tremplin.widgets.i18n import SUPPORTED_LOCALES, t
from tremplin.widgets.journal import (
    Clock,
    Event,
    JournalWarning,
    WorkspaceError,
    WorkspaceVersionError,
    append_event,
    format_timestamp,
    read_events,
    utc_now,
)

__all__ = [
    "PROFILE_FORMAT",
    "MAIL_FOLDERS",
    "Event",
    "JournalWarning",
    "Workspace",
    "WorkspaceError",
    "WorkspaceVersionError",
    "pseudonym_slug",
    "validate_pseudonym",
]

PROFILE_FORMAT = 1
"""The newest profile format this Tremplin reads and the one it writes."""

PROFILE, JOURNAL, MAIL, DOCUMENTS = "profile.json", "journal.jsonl", "mail", "documents"
USB, EDITOR, TRASH = "usb", "editor", "trash"
#: The folders a hand-in snapshot copies, beside profile.json and the journal.
SNAPSHOT_FOLDERS = (MAIL, DOCUMENTS, USB, EDITOR)
MAIL_FOLDERS = ("Sent", "Drafts", "Junk")
PSEUDONYM_MAX = 40
_PROFILE_MAX_BYTES = 1_000_000
_APOSTROPHES = "'\u2019"
_SPACES = re.compile(r"[ \u00a0\u202f]+")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {
    f"{name}{n}" for name in ("com", "lpt") for n in range(1, 10)
}
SEED_KIND = "mail.seed"


def validate_pseudonym(raw: str) -> str:
    """The pseudonym as stored: NFC, trimmed, single spaces; WorkspaceError if unfit.

    Letters of any alphabet (accents included), digits 0-9, space, hyphen, underscore and
    apostrophe; 1 to 40 characters, at least one letter or digit. Anything else (markup,
    control characters, emoji) is refused rather than cleaned silently, so the learner
    sees exactly the name they will be known by.
    """
    if not isinstance(raw, str):
        raise WorkspaceError(t("workspace.pseudonym_empty"))
    text = _SPACES.sub(" ", unicodedata.normalize("NFC", raw)).strip()
    if not text:
        raise WorkspaceError(t("workspace.pseudonym_empty"))
    if len(text) > PSEUDONYM_MAX:
        raise WorkspaceError(t("workspace.pseudonym_too_long", max=PSEUDONYM_MAX))
    for char in text:
        category = unicodedata.category(char)
        allowed = (
            category.startswith("L")
            or category in ("Mn", "Mc")
            or char in "0123456789 -_"
            or char in _APOSTROPHES
        )
        if not allowed:
            raise WorkspaceError(t("workspace.pseudonym_invalid"))
    if not any(char.isalnum() for char in text):
        raise WorkspaceError(t("workspace.pseudonym_no_letter"))
    return text


def pseudonym_slug(pseudonym: str) -> str:
    """An ASCII, lower-case, hyphenated name for the learner's folder.

    Accents are dropped ("Zoé L'Hôte" -> "zoe-l-hote"). When letters had no ASCII form
    (Cyrillic, Arabic...), a short hash of the pseudonym is appended, so two such
    learners never share a folder.
    """
    text = validate_pseudonym(pseudonym)
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    lost = any(ord(c) > 127 and c.isalnum() for c in ascii_text)
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.encode("ascii", "ignore").decode().lower())
    slug = slug.strip("-")
    if lost or not slug:
        digest = hashlib.sha256(text.casefold().encode("utf-8")).hexdigest()[:8]
        slug = f"{slug}-{digest}" if slug else f"apprenant-{digest}"
    if slug in _WINDOWS_RESERVED:
        slug += "-1"
    return slug


def _make_maildir(path: Path) -> None:
    """A Maildir at `path` (tmp/, new/, cur/, private as `mailbox` makes them), whoever else is
    making it at the same moment."""
    path.mkdir(mode=0o700, exist_ok=True)
    for part in ("tmp", "new", "cur"):
        (path / part).mkdir(mode=0o700, exist_ok=True)


class Workspace:
    """One learner's workspace folder; get one with `create` or `open`."""

    def __init__(self, root: Path, profile: dict[str, Any], clock: Clock | None = None):
        self._root = Path(root)
        self._profile = profile
        self._clock = clock or utc_now

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        root: Path,
        pseudonym: str,
        world: dict[str, Any] | None = None,
        locale: str = "fr",
        *,
        clock: Clock | None = None,
    ) -> Workspace:
        """Make the workspace at `root`, or open it if it is already this learner's.

        Missing pieces (mail folders, documents/, an empty journal) are added; nothing
        that exists is overwritten. A folder holding another learner's profile, or a
        damaged one, raises WorkspaceError and is left as it was.
        """
        root = Path(root)
        name = validate_pseudonym(pseudonym)
        if locale not in SUPPORTED_LOCALES:
            choices = ", ".join(SUPPORTED_LOCALES)
            raise WorkspaceError(t("workspace.locale_unknown", locale=locale, choices=choices))
        if world is not None and not isinstance(world, dict):
            raise TypeError("world must be a dict or None")
        if (root / PROFILE).exists() or (root / PROFILE).is_symlink():
            workspace = cls.open(root, clock=clock)
            existing = workspace.pseudonym
            if existing.casefold() != name.casefold():
                raise WorkspaceError(
                    t("workspace.other_pseudonym", path=root, existing=existing)
                )
            workspace._ensure_layout()
            return workspace
        journal = root / JOURNAL
        if journal.is_file() and journal.stat().st_size > 0:
            raise WorkspaceError(t("workspace.journal_without_profile", path=root))

        now = (clock or utc_now)()
        profile = {
            "format": PROFILE_FORMAT,
            "pseudonym": name,
            "locale": locale,
            "created_at": format_timestamp(now),
            "world": copy.deepcopy(world),
        }
        content = _profile_bytes(profile)  # TypeError now, before anything is made
        try:
            root.mkdir(parents=True, exist_ok=True)
            workspace = cls(root, profile, clock)
            workspace._ensure_layout()
            created = _write_new_file(root / PROFILE, content)
        except NotADirectoryError as error:
            raise WorkspaceError(t("workspace.not_a_folder", path=root)) from error
        except FileExistsError as error:
            raise WorkspaceError(t("workspace.not_a_folder", path=root)) from error
        except OSError as error:
            reason = error.strerror or str(error)
            raise WorkspaceError(t("workspace.cannot_create", path=root, reason=reason)) from error
        if not created:  # another process created it meanwhile: theirs stands
            return cls.create(root, name, world, locale, clock=clock)
        return workspace

    @classmethod
    def open(cls, root: Path, *, clock: Clock | None = None) -> Workspace:
        """Open an existing workspace; WorkspaceError (one French line) if it cannot be.

        Only reads: a missing, foreign or damaged folder is left exactly as found.
        """
        root = Path(root)
        if not root.exists():
            raise WorkspaceError(t("workspace.missing", path=root))
        if not root.is_dir():
            raise WorkspaceError(t("workspace.not_a_folder", path=root))
        return cls(root, _read_profile(root / PROFILE), clock)

    def _ensure_layout(self) -> None:
        """Create what is missing of mail/, documents/ and the journal file.

        The Maildir (and its folders) is laid out here rather than by `mailbox.Maildir(create=True)`
        and `add_folder`, which test then create: two kiosk pages creating the same learner's
        workspace at once made one of them fail (FileExistsError). The layout is Maildir's own."""
        _make_maildir(self.mail_dir)
        for folder in MAIL_FOLDERS:
            _make_maildir(self.mail_dir / f".{folder}")
            os.close(os.open(self.mail_dir / f".{folder}" / "maildirfolder", os.O_WRONLY | os.O_CREAT, 0o666))
        for folder in (self.documents_dir, self.usb_dir, self.editor_dir):
            folder.mkdir(exist_ok=True)
        os.close(os.open(self.journal_path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o666))

    # -- what it holds -------------------------------------------------------------------

    @property
    def root(self) -> Path:
        return self._root

    @property
    def profile(self) -> dict[str, Any]:
        """A copy of profile.json's content (changing it changes nothing on disk)."""
        return copy.deepcopy(self._profile)

    @property
    def pseudonym(self) -> str:
        return self._profile["pseudonym"]

    @property
    def locale(self) -> str:
        return self._profile["locale"]

    @property
    def world(self) -> dict[str, Any] | None:
        return copy.deepcopy(self._profile.get("world"))

    @property
    def journal_path(self) -> Path:
        return self._root / JOURNAL

    @property
    def mail_dir(self) -> Path:
        return self._root / MAIL

    @property
    def documents_dir(self) -> Path:
        return self._root / DOCUMENTS

    @property
    def usb_dir(self) -> Path:
        return self._root / USB

    @property
    def editor_dir(self) -> Path:
        return self._root / EDITOR

    @property
    def trash_dir(self) -> Path:
        return self._root / TRASH

    def mailbox(self) -> mailbox.Maildir:
        """The inbox as a Maildir; its `.Sent`, `.Drafts`, `.Junk` via `get_folder`."""
        try:
            return mailbox.Maildir(self.mail_dir, create=False)
        except mailbox.NoSuchMailboxError as error:
            raise WorkspaceError(t("workspace.mailbox_missing", path=self.mail_dir)) from error

    # -- the journal ---------------------------------------------------------------------

    def record(
        self, kind: str, data: dict[str, Any], now: datetime | None = None
    ) -> Event:
        """Append one event (kind like "search.query") to the journal and return it."""
        return append_event(self.journal_path, kind, data, now=now or self._clock())

    def events(self, kind: str | None = None, prefix: str | None = None) -> list[Event]:
        """Journal events, optionally only one `kind` or a dotted `prefix` ("shortlist")."""
        events = read_events(self.journal_path)
        if kind is not None:
            events = [event for event in events if event.kind == kind]
        if prefix is not None:
            stem = prefix.rstrip(".")
            events = [e for e in events if e.kind == stem or e.kind.startswith(stem + ".")]
        return events

    # -- mail ----------------------------------------------------------------------------

    def seed_inbox(self, paths: Iterable[Path]) -> list[str]:
        """Put the world's incoming .eml messages into the inbox's new/, once.

        Each message is identified by its content hash and recorded in the journal
        (kind "mail.seed"), so a second call, even after the learner deleted a message,
        adds nothing. Returns the Maildir keys of the messages added by this call.
        """
        sources = [Path(path) for path in paths]
        inbox = self.mailbox()
        added: list[dict[str, str]] = []
        with _flocked(self.mail_dir, fcntl.LOCK_EX, directory=True):
            seeded = {
                item.get("sha256")
                for event in self.events(kind=SEED_KIND)
                for item in event.data.get("messages", [])
                if isinstance(item, dict)
            }
            for source in sources:
                try:
                    content = source.read_bytes()
                except OSError as error:
                    raise WorkspaceError(t("workspace.seed_missing", path=source)) from error
                digest = hashlib.sha256(content).hexdigest()
                if digest in seeded:
                    continue
                key = inbox.add(content)
                seeded.add(digest)
                added.append({"file": source.name, "sha256": digest, "key": key})
            if added:
                self.record(SEED_KIND, {"messages": added})
        return [item["key"] for item in added]

    # -- hand-in -------------------------------------------------------------------------

    def snapshot(self, dest: Path) -> Path:
        """Copy the workspace to `dest` (which must not exist) for a hand-in.

        Copies profile.json, journal.jsonl, mail/, documents/, usb/ and editor/ (Maildir layout and empty
        folders included; symbolic links copied as links, never followed), while holding
        the journal lock so no event is half-copied. The copy is built beside `dest` and
        renamed into place, so `dest` is either complete or absent.
        """
        dest = Path(dest)
        if dest.exists() or dest.is_symlink():
            raise WorkspaceError(t("workspace.snapshot_exists", path=dest))
        target = dest.resolve()
        for member in (self._root / name for name in SNAPSHOT_FOLDERS):
            if target == member.resolve() or member.resolve() in target.parents:
                raise WorkspaceError(t("workspace.snapshot_inside", path=dest))
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".snapshot-", dir=dest.parent))
        except OSError as error:
            raise _snapshot_error(dest, error) from error
        try:
            copy_root = staging / "workspace"
            copy_root.mkdir()
            journal_lock = (
                _flocked(self.journal_path, fcntl.LOCK_SH)
                if self.journal_path.exists()
                else nullcontext()
            )
            with journal_lock:
                for name in (PROFILE, JOURNAL):
                    if (self._root / name).exists():
                        shutil.copy2(self._root / name, copy_root / name)
                for name in SNAPSHOT_FOLDERS:
                    if (self._root / name).is_dir():
                        shutil.copytree(self._root / name, copy_root / name, symlinks=True)
            if dest.exists():
                raise WorkspaceError(t("workspace.snapshot_exists", path=dest))
            os.rename(copy_root, dest)
        except (OSError, shutil.Error) as error:
            raise _snapshot_error(dest, error) from error
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return dest

    def __repr__(self) -> str:
        return f"Workspace({str(self._root)!r}, pseudonym={self.pseudonym!r})"


# -- helpers ---------------------------------------------------------------------------


def _snapshot_error(dest: Path, error: Exception) -> WorkspaceError:
    reason = getattr(error, "strerror", None) or str(error)
    return WorkspaceError(t("workspace.snapshot_failed", path=dest, reason=reason))


def _profile_bytes(profile: dict[str, Any]) -> bytes:
    return (json.dumps(profile, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _read_profile(path: Path) -> dict[str, Any]:
    """The validated content of profile.json; WorkspaceError otherwise. Never writes."""
    folder = path.parent
    if not path.exists() and not path.is_symlink():
        raise WorkspaceError(t("workspace.not_a_workspace", path=folder))
    try:
        with open(path, "rb") as handle:
            content = handle.read(_PROFILE_MAX_BYTES + 1)
    except OSError as error:
        reason = error.strerror or str(error)
        raise WorkspaceError(t("workspace.profile_unreadable", path=path, reason=reason)) from error

    def corrupted(reason_key: str, **values: object) -> WorkspaceError:
        return WorkspaceError(
            t("workspace.profile_corrupted", path=path, reason=t(reason_key, **values))
        )

    if not content.strip():
        raise corrupted("workspace.reason_empty")
    if len(content) > _PROFILE_MAX_BYTES:
        raise corrupted("workspace.reason_too_big")
    try:
        profile = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise corrupted("workspace.reason_json") from None
    if not isinstance(profile, dict):
        raise corrupted("workspace.reason_not_object")
    version = profile.get("format")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise corrupted("workspace.reason_field", field="format")
    if version > PROFILE_FORMAT:
        raise WorkspaceVersionError(
            t("workspace.newer_profile", found=version, supported=PROFILE_FORMAT)
        )
    pseudonym = profile.get("pseudonym")
    try:
        if validate_pseudonym(pseudonym) != pseudonym:
            raise WorkspaceError("not normalised")
    except WorkspaceError:
        raise corrupted("workspace.reason_field", field="pseudonym") from None
    if not isinstance(profile.get("locale"), str):
        raise corrupted("workspace.reason_field", field="locale")
    if not isinstance(profile.get("created_at"), str):
        raise corrupted("workspace.reason_field", field="created_at")
    if not isinstance(profile.get("world"), dict | None):
        raise corrupted("workspace.reason_field", field="world")
    return profile


def _write_new_file(path: Path, content: bytes) -> bool:
    """Write `content` at `path` atomically, unless `path` exists (then return False).

    The bytes go to a temporary file that is fsynced then hard-linked into place: a power
    cut leaves either no file or the whole file, and an existing one is never replaced.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
    finally:
        os.unlink(temporary)
    directory = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return True


@contextmanager
def _flocked(path: Path, operation: int, directory: bool = False) -> Iterator[None]:
    """Hold a flock on an existing file or directory for the `with` block."""
    flags = os.O_RDONLY | os.O_CLOEXEC | (os.O_DIRECTORY if directory else 0)
    fd = os.open(path, flags)
    try:
        fcntl.flock(fd, operation)
        yield
    finally:
        os.close(fd)
