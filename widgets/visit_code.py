"""The learner's short code: asked with the pseudonym, kept only as a salted scrypt hash.

The code is 4 to 6 digits, like a door code: nothing to spell, no capitals, easy to write
on the « carte Tremplin » the learner keeps. The kiosk proposes a random 4-digit code at the
first visit (the learner may type another one, but not an obvious one such as 1234 or 0000).
Four digits are enough because guessing is slowed down on the server: after `max_failures`
wrong codes for a pseudonym, every attempt (even with the right code) is refused for
`lock_minutes`, doubled at each new lock (capped at a day); the counters are on disk, so a
kiosk restart does not reset them. A forgotten code is replaced by the mediator
(`reset_code`, see docs/kiosk.md).

Each pseudonym has DATA/codes/<slug>.json, outside the learner's workspace, so no hand-in,
snapshot or « Mes fichiers » ever carries it: the scrypt parameters, a random 16-byte salt,
the hash, and the failure counters. A wrong pseudonym and a wrong code get the same French
message, the same slow hash and the same counters: signing in never tells whether a
pseudonym exists. Only « Première visite » does (« ce pseudonyme est déjà pris »), as any
choice of a unique name must; the code, not the pseudonym, protects the work.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import math
import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t
from tremplin.widgets.paths import data_root
from tremplin.widgets.visit import LEARNERS_DIR, Visit, start_visit, visit_settings
from tremplin.widgets.workspace import PROFILE, pseudonym_slug

__all__ = [
    "CODES_DIR",
    "CodeError",
    "CodeRefused",
    "TooManyAttempts",
    "check_code_format",
    "create_learner",
    "has_code",
    "propose_code",
    "reset_code",
    "sign_in",
]

CODES_DIR = "codes"
CODE_FORMAT = 1
_CODE = re.compile(r"^[0-9]{4,6}$")
#: scrypt with 16 MiB of memory: about 50 ms per try here, ruinous for a guesser with the file.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_SALT_BYTES, _HASH_BYTES = 16, 32
_MAX_LOCK = timedelta(days=1)
#: Hashed for a pseudonym with no code, so that a wrong pseudonym costs what a wrong code costs.
_DUMMY_SALT = bytes(_SALT_BYTES)


class CodeError(TremplinError):
    """A code that cannot be used (wrong format, too obvious, pseudonym taken): say why."""


class CodeRefused(CodeError):
    """The pseudonym and code do not match: one message whether the pseudonym exists or not."""


class TooManyAttempts(CodeError):
    """Too many wrong codes for this pseudonym: every attempt waits until `until`."""

    def __init__(self, message: str, until: datetime):
        super().__init__(message)
        self.until = until


@dataclass(frozen=True)
class _Record:
    """What DATA/codes/<slug>.json holds; `hash` is empty for a pseudonym that has no code."""

    salt: str = ""
    hash: str = ""
    failures: int = 0
    lockouts: int = 0
    locked_until: str = ""

    def locked(self, now: datetime) -> datetime | None:
        if not self.locked_until:
            return None
        until = datetime.fromisoformat(self.locked_until)
        return until if until > now else None


def check_code_format(code: str) -> str:
    """The code without surrounding spaces; CodeError in French if it is not 4 to 6 digits."""
    text = (code or "").strip()
    if not _CODE.fullmatch(text):
        raise CodeError(t("kiosk.code_format"))
    return text


def _obvious(code: str) -> bool:
    """All one digit, or a run up or down (0000, 1234, 98765): the first codes a guesser tries."""
    steps = {int(b) - int(a) for a, b in zip(code, code[1:], strict=False)}
    return len(steps) == 1 and steps <= {-1, 0, 1}


def propose_code() -> str:
    """A random 4-digit code that is not obvious, for the learner to write down."""
    while True:
        code = f"{secrets.randbelow(10_000):04d}"
        if not _obvious(code):
            return code


def _hash(code: str, salt: bytes) -> bytes:
    return hashlib.scrypt(code.encode("ascii"), salt=salt, dklen=_HASH_BYTES, maxmem=64 * 2**20, **_SCRYPT)


def _codes_file(root: Path, slug: str) -> Path:
    return root / CODES_DIR / f"{slug}.json"


@contextlib.contextmanager
def _locked(root: Path, slug: str) -> Iterator[Path]:
    """Hold the pseudonym's lock file: two tabs trying at once count two failures, not one."""
    folder = root / CODES_DIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = os.open(folder / f".{slug}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as error:
        raise CodeError(t("kiosk.visit_unwritable", reason=error.strerror or str(error))) from error
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield _codes_file(root, slug)
    finally:
        os.close(handle)


def _read(path: Path) -> _Record:
    """The record, or an empty one if absent; a damaged file counts as a locked-out pseudonym."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return _Record(
            str(data.get("salt", "")), str(data.get("hash", "")), int(data.get("failures", 0)),
            int(data.get("lockouts", 0)), str(data.get("locked_until", "")),
        )
    except FileNotFoundError:
        return _Record()
    except (OSError, ValueError, TypeError, AttributeError) as error:
        raise CodeError(t("kiosk.code_damaged")) from error


def _write(path: Path, record: _Record) -> None:
    """Replace the record atomically: a crash leaves the old one or the new one, never half."""
    content = {"format": CODE_FORMAT, "kdf": "scrypt", **_SCRYPT, **record.__dict__}
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".code-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(content, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise CodeError(t("kiosk.visit_unwritable", reason=error.strerror or str(error))) from error


def _with_code(record: _Record, code: str) -> _Record:
    salt = secrets.token_bytes(_SALT_BYTES)
    return _Record(salt.hex(), _hash(code, salt).hex())


def _matches(record: _Record, code: str) -> bool:
    """Constant-time comparison; a pseudonym without a code still pays for one hash."""
    if not record.hash:
        _hash(code, _DUMMY_SALT)
        return False
    return hmac.compare_digest(_hash(code, bytes.fromhex(record.salt)), bytes.fromhex(record.hash))


def _workspace_exists(root: Path, slug: str) -> bool:
    return (root / LEARNERS_DIR / slug / PROFILE).is_file()


def _wait_message(until: datetime, now: datetime) -> str:
    return t("kiosk.code_locked", minutes=max(1, math.ceil((until - now).total_seconds() / 60)))


def has_code(pseudonym: str, root: Path | None = None) -> bool:
    """True if this pseudonym has a code (for the mediator's tools, never shown to learners)."""
    return bool(_read(_codes_file(data_root(root), pseudonym_slug(pseudonym))).hash)


def sign_in(pseudonym: str, code: str, root: Path | None = None, *, now: datetime | None = None) -> Visit:
    """A new visit if the code is right; CodeRefused, TooManyAttempts or CodeError otherwise.

    A locked pseudonym refuses even the right code until the lock ends, so guessing
    cannot go on in the background; the right code clears the failure count.
    """
    root, now = data_root(root), (now or datetime.now(UTC))
    slug = pseudonym_slug(pseudonym)  # WorkspaceError: the pseudonym itself is unfit
    code = check_code_format(code)
    settings = visit_settings()
    with _locked(root, slug) as path:
        record = _read(path)
        until = record.locked(now)
        if until is not None:
            raise TooManyAttempts(_wait_message(until, now), until)
        if _matches(record, code) and _workspace_exists(root, slug):
            if record.failures or record.lockouts or record.locked_until:
                _write(path, _Record(record.salt, record.hash))
            return start_visit(pseudonym, root, now=now)
        failures = record.failures + 1
        if failures < settings.max_failures:
            _write(path, _Record(record.salt, record.hash, failures, record.lockouts, ""))
            raise CodeRefused(t("kiosk.code_refused", left=settings.max_failures - failures))
        delay = min(timedelta(minutes=settings.lock_minutes) * 2**record.lockouts, _MAX_LOCK)
        until = now + delay
        _write(path, _Record(record.salt, record.hash, 0, record.lockouts + 1, until.isoformat()))
        raise TooManyAttempts(_wait_message(until, now), until)


def create_learner(
    pseudonym: str, code: str, root: Path | None = None, *, now: datetime | None = None
) -> Visit:
    """First visit: a new workspace protected by `code`; CodeError if the pseudonym is taken.

    A pseudonym whose workspace exists is taken even without a code (a learner from before
    codes, or one made by a test): the mediator gives it a code with `reset_code`, so nobody
    can claim someone else's work by signing up with their pseudonym.
    """
    root = data_root(root)
    slug = pseudonym_slug(pseudonym)
    code = check_code_format(code)
    if _obvious(code):
        raise CodeError(t("kiosk.code_obvious"))
    with _locked(root, slug) as path:
        record = _read(path)
        if record.hash or _workspace_exists(root, slug):
            raise CodeError(t("kiosk.pseudonym_taken"))
        _write(path, _with_code(record, code))  # the code first: never a workspace open to anyone
        try:
            return start_visit(pseudonym, root, now=now)
        except BaseException:
            _write(path, record)  # the pseudonym stays free, as before
            raise


def reset_code(pseudonym: str, root: Path | None = None, code: str | None = None) -> str:
    """The mediator's remedy for a forgotten code: a new code (returned), no lock, work kept.

    Refused for a pseudonym with no workspace: the mediator sees the learner in person,
    so saying so here leaks nothing.
    """
    root = data_root(root)
    slug = pseudonym_slug(pseudonym)
    if not _workspace_exists(root, slug):
        raise CodeError(t("kiosk.reset_unknown", pseudonym=pseudonym))
    new_code = check_code_format(code) if code else propose_code()
    with _locked(root, slug) as path:
        _write(path, _with_code(_Record(), new_code))
    return new_code
