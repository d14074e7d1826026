"""Email addresses in Tremplin: validation, the learners' test domain, the address registry.

Learners write from `<local>@courriel.example` (the `.example` TLD is reserved by
RFC 2606, so no message can ever leave the machine). Employers use the `email` of the
world's employers.jsonl; the simulated job-centre adviser is ADVISER_ADDRESS.

`parse_address` / `parse_address_list` turn what a learner typed ("Nom <a@b.example>",
"a@b.example; c@d.example") into bare addresses, or raise MailError with one French line.
The registry (data_root/mail/addresses.json, written atomically under a lock) tells the
SMTP server which workspace a learner address belongs to.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import unicodedata
from collections.abc import Iterator
from email.utils import parseaddr
from pathlib import Path

from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t

LEARNER_DOMAIN = "courriel.example"
ADVISER_ADDRESS = "conseil@agence-emploi.example"
MAIL_DIR = "mail"
REGISTRY_NAME = "addresses.json"
LEARNERS_DIR = "learners"
MAX_ADDRESS = 254
MAX_LOCAL = 64
MAX_RECIPIENTS = 50
MAX_FIELD = 5_000

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = re.compile(rf"^{_ATOM}(\.{_ATOM})*$")
_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_LEARNER_LOCAL = re.compile(r"^[a-z0-9]+([._-][a-z0-9]+)*$")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\u0085\u2028\u2029]")  # a tab is only a space


class MailError(TremplinError):
    """A message cannot be written, sent or read as asked; the text says why, in French."""


def has_line_break(text: str) -> bool:
    """True if `text` holds a CR, LF or another control character but tab (header injection)."""
    return bool(_CONTROL.search(text))


def parse_address(text: str) -> str:
    """The bare address in `text` ("Nom <a@b.example>" -> "a@b.example"); MailError if unfit.

    The domain is lower-cased; the local part is kept as typed. Accents, spaces, a missing
    "@" or a domain without a dot are refused with a message saying what to fix.
    """
    if not isinstance(text, str) or not text.strip():
        raise MailError(t("mail.address_empty"))
    if has_line_break(text):
        raise MailError(t("mail.header_line_break", field=t("mail.field_address")))
    raw = text.strip()
    if len(raw) > MAX_ADDRESS + 200:
        raise MailError(t("mail.address_too_long", max=MAX_ADDRESS))
    _name, address = parseaddr(raw)
    shown = raw[:80]
    if "@" not in address:
        raise MailError(t("mail.address_no_at", address=shown))
    local, _, domain = address.rpartition("@")
    if any(ord(char) > 127 for char in address):
        raise MailError(t("mail.address_accents", address=shown))
    if len(local) > MAX_LOCAL:
        raise MailError(t("mail.address_too_long", max=MAX_ADDRESS))
    if not local or not _LOCAL.match(local):
        raise MailError(t("mail.address_invalid", address=shown))
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise MailError(t("mail.address_domain", address=shown))
    address = f"{local}@{domain.lower()}"
    if len(address) > MAX_ADDRESS:
        raise MailError(t("mail.address_too_long", max=MAX_ADDRESS))
    return address


def split_addresses(text: str) -> list[str]:
    """Pieces of a typed list, split on "," or ";" outside quotes and angle brackets."""
    pieces, current, quoted, angle = [], [], False, False
    for char in text:
        if char == '"' and not angle:
            quoted = not quoted
        elif char == "<" and not quoted:
            angle = True
        elif char == ">" and not quoted:
            angle = False
        if char in ",;" and not quoted and not angle:
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
    pieces.append("".join(current))
    return [piece.strip() for piece in pieces if piece.strip()]


def parse_address_list(text: str | list[str] | tuple[str, ...] | None) -> list[str]:
    """Every address of a typed list (empty text -> []), duplicates dropped, order kept."""
    if text is None:
        return []
    if isinstance(text, list | tuple):
        text = ", ".join(str(item) for item in text)
    if not isinstance(text, str):
        raise MailError(t("mail.address_invalid", address=str(text)[:80]))
    if len(text) > MAX_FIELD:
        raise MailError(t("mail.too_many_recipients", max=MAX_RECIPIENTS))
    if has_line_break(text):
        raise MailError(t("mail.header_line_break", field=t("mail.field_address")))
    found: list[str] = []
    for piece in split_addresses(text):
        address = parse_address(piece)
        if address.lower() not in (a.lower() for a in found):
            found.append(address)
    if len(found) > MAX_RECIPIENTS:
        raise MailError(t("mail.too_many_recipients", max=MAX_RECIPIENTS))
    return found


def learner_local_part(text: str) -> str:
    """A local part fit for a learner address: ASCII lower case, dots, hyphens; MailError."""
    if not isinstance(text, str) or not text.strip():
        raise MailError(t("mail.address_empty"))
    raw = text.strip()
    if "@" in raw:
        raw = raw.split("@", 1)[0]
    decomposed = unicodedata.normalize("NFKD", raw.replace("\u2019", "'"))
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    local = re.sub(r"[\s']+", "-", ascii_text)
    if not _LEARNER_LOCAL.match(local) or len(local) > MAX_LOCAL:
        raise MailError(t("mail.local_invalid", local=raw[:80]))
    return local


def learner_address(local_or_pseudonym: str) -> str:
    """`<local>@courriel.example` from a chosen local part, or from a pseudonym.

    A valid local part is kept as typed ("camille.martin"); anything else is taken as a
    pseudonym and gets the slug of its workspace folder ("Zoé L'Hôte" -> zoe-l-hote), so
    the default address reaches the learner even before it is registered.
    """
    text = local_or_pseudonym.strip() if isinstance(local_or_pseudonym, str) else ""
    if not text:
        raise MailError(t("mail.address_empty"))
    if _LEARNER_LOCAL.match(text) and len(text) <= MAX_LOCAL:
        return f"{text}@{LEARNER_DOMAIN}"
    from tremplin.widgets.workspace import WorkspaceError, pseudonym_slug

    try:
        local = pseudonym_slug(text)[:MAX_LOCAL].strip("-")
    except WorkspaceError:
        local = learner_local_part(text)
    return f"{learner_local_part(local)}@{LEARNER_DOMAIN}"


def is_learner_address(address: str) -> bool:
    return address.lower().endswith("@" + LEARNER_DOMAIN)


# -- the registry: which workspace an address belongs to ------------------------------------


def registry_path(data_root: Path) -> Path:
    return Path(data_root) / MAIL_DIR / REGISTRY_NAME


@contextlib.contextmanager
def _registry_lock(data_root: Path) -> Iterator[None]:
    folder = Path(data_root) / MAIL_DIR
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / ".addresses.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def read_registry(data_root: Path) -> dict[str, str]:
    """{address: workspace path}; an absent or damaged file reads as empty."""
    try:
        data = json.loads(registry_path(data_root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k).lower(): str(v) for k, v in data.items() if isinstance(v, str)}


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` through a temporary file, fsynced then renamed."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def register_address(data_root: Path, address: str, workspace_root: Path) -> str:
    """Record that `address` (a learner address) delivers to `workspace_root`; return it.

    The learner's previous address (same workspace) is dropped; an address already taken
    by another workspace raises MailError.
    """
    address = parse_address(address).lower()
    if not is_learner_address(address):
        raise MailError(t("mail.address_not_learner", domain=LEARNER_DOMAIN))
    target = str(Path(workspace_root).resolve())
    with _registry_lock(data_root):
        registry = read_registry(data_root)
        owner = registry.get(address)
        if owner is not None and owner != target:
            raise MailError(t("mail.address_taken", address=address))
        registry = {k: v for k, v in registry.items() if v != target}
        registry[address] = target
        text = json.dumps(registry, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        write_atomically(registry_path(data_root), text)
    return address


def lookup_learner(data_root: Path, address: str) -> Path | None:
    """The workspace folder of a learner address, or None.

    The registry first; else a learner whose folder under learners/ is named like the
    local part (the default address, slug of the pseudonym) and chose no other address.
    """
    address = address.lower()
    found = read_registry(data_root).get(address)
    if found:
        return Path(found) if Path(found, "profile.json").is_file() else None
    if not is_learner_address(address):
        return None
    local = address.rsplit("@", 1)[0]
    candidate = Path(data_root) / LEARNERS_DIR / local
    if "/" in local or local.startswith(".") or not (candidate / "profile.json").is_file():
        return None
    taken = set(read_registry(data_root).values())
    return None if str(candidate.resolve()) in taken else candidate
