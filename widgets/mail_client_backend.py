"""What the mail client needs of the mail system, in one place (an adapter over mail_* modules).

The client's widgets call only this module: the learner's folders (`mail_store.MailStore`),
composing and threading (`mail_message`), sending through the kit's SMTP server on
loopback (`mail_server.send`), the address registry, and the simulated employers'
answers. A change in those modules' API is fixed here, not in the widgets.

The page finds the running server through data_root/mail/server.json (the kiosk's); when
there is none, or it no longer answers, it starts one in this process (`ensure_server`),
kept for the life of the kernel.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import socket
import threading
from dataclasses import dataclass, replace
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from tremplin.widgets.i18n import t
from tremplin.widgets.mail_addresses import (
    ADVISER_ADDRESS,
    MailError,
    learner_address,
    learner_local_part,
    register_address,
)
from tremplin.widgets.mail_message import (
    Draft,
    draft_from_message,
    forward,
    reply,
    with_message_id,
)
from tremplin.widgets.mail_server import MailServer, SendResult, endpoint_for, save_draft, send
from tremplin.widgets.mail_store import FOLDERS, INBOX, MailStore, MailView, Summary

__all__ = [
    "ADVISER_ADDRESS", "FOLDERS", "INBOX", "Contact", "Draft", "MailBackend", "MailError", "MailView",
    "SendResult", "Summary", "ensure_server", "stop_local_servers", "with_message_id",
]

Endpoint = tuple[str, int]
_LOCAL: dict[Path, MailServer] = {}
_LOCK = threading.Lock()


def _answers(endpoint: Endpoint) -> bool:
    """True if an SMTP server greets at `endpoint` (a stale server.json, or another program, does not)."""
    try:
        with socket.create_connection(endpoint, timeout=1) as connection:
            return connection.recv(4).startswith(b"220")
    except OSError:
        return False


def ensure_server(data_root: Path) -> Endpoint:
    """The endpoint of a running mail server for `data_root`; one is started here if none answers."""
    root = Path(data_root).resolve()
    with _LOCK:
        local = _LOCAL.get(root)
        if local is not None and local.running:
            return local.endpoint
        with contextlib.suppress(MailError):
            endpoint = endpoint_for(root)
            if _answers(endpoint):
                return endpoint
        try:
            server = MailServer(root)
        except ImportError:  # the employers' desk is not there: plain delivery still works
            server = MailServer(root, employer_replies=False)
        server.start()
        _LOCAL[root] = server
        atexit.register(server.stop)
        return server.endpoint


def local_server(data_root: Path) -> MailServer | None:
    return _LOCAL.get(Path(data_root).resolve())


def stop_local_servers() -> None:
    """Stop the servers this process started (tests; the kernel's exit does it too)."""
    with _LOCK:
        for server in _LOCAL.values():
            server.stop()
        _LOCAL.clear()


@dataclass(frozen=True)
class Contact:
    """One entry of the address book."""

    name: str
    address: str

    @property
    def label(self) -> str:
        return f"{self.name} <{self.address}>"


def world_contacts(world: Any) -> list[Contact]:
    """The adviser first, then every employer of the world that has an email, by name."""
    found = [Contact(t("mail_client.adviser_name"), ADVISER_ADDRESS)]
    employers = []
    if world is not None:
        for employer in world.employers():
            email = str(employer.get("email") or "").strip()
            if email:
                employers.append(Contact(str(employer.get("name") or email), email))
    employers.sort(key=lambda c: c.name.casefold())
    return found + employers


class MailBackend:
    """One learner's mail: folders, their address, sending; every failure a French MailError."""

    def __init__(self, workspace: Any, data_root: Path | None, world: Any = None,
                 endpoint: Endpoint | None = None) -> None:
        self.workspace = workspace
        self.data_root = Path(data_root) if data_root is not None else None
        self.world = world
        self._endpoint = endpoint
        self.store = MailStore.for_workspace(workspace)
        manifest = getattr(world, "manifest", None)
        #: The address the world's seeded inbox is written to ("candidat@…"): the learner too.
        self.inbox_alias = str(getattr(manifest, "inbox_to", "") or "").lower()

    # -- the learner's address ------------------------------------------------------------

    @property
    def address(self) -> str:
        """The last address the learner chose (`mail.address`, any activity), else from the pseudonym."""
        for event in reversed(self.workspace.events(kind="mail.address")):
            chosen = str(event.data.get("address") or "")
            if chosen:
                return chosen
        return learner_address(self.workspace.pseudonym)

    def own_addresses(self) -> set[str]:
        """Every address that is the learner: the default, each one chosen, the world inbox's."""
        found = {learner_address(self.workspace.pseudonym).lower(), self.address.lower()}
        chosen = self.workspace.events(kind="mail.address")
        found |= {str(event.data.get("address") or "").lower() for event in chosen}
        if self.inbox_alias:
            found.add(self.inbox_alias)
        return found - {""}

    def choose_address(self, local_part: str) -> str:
        """The full address for a chosen local part, registered so replies reach this workspace."""
        address = learner_address(learner_local_part(local_part))
        self.register(address)
        return address

    def register(self, address: str | None = None) -> None:
        if self.data_root is not None:
            register_address(self.data_root, address or self.address, self.workspace.root)

    # -- the server -----------------------------------------------------------------------

    def endpoint(self) -> Endpoint:
        if self._endpoint is None:
            if self.data_root is None:
                raise MailError(t("mail_client.no_server"))
            return ensure_server(self.data_root)
        return self._endpoint

    def deliver_due(self) -> int:
        """Deliver the simulated employers' answers that are due; how many.

        The schedule is a locked file of the data root, so any process may deliver: the
        kiosk's server ticks on its own, and a refresh here delivers without waiting for it.
        """
        if self.data_root is None:
            return 0
        server = local_server(self.data_root)
        desk = server.desk if server is not None and server.running else None
        if desk is None:
            try:
                from tremplin.widgets.mail_employers import EmployerDesk
            except ImportError:
                return 0
            desk = EmployerDesk(self.data_root)
        return len(desk.deliver_due(endpoint=self.endpoint()))

    def reply_kind(self, key: str) -> str:
        """The kind of a simulated employer's answer (X-Tremplin-Reply), else its X-Tremplin-Kind."""
        head = self.store.raw(INBOX, key).split(b"\n\n", 1)[0]
        from email.parser import BytesHeaderParser

        headers = BytesHeaderParser().parsebytes(head)
        return str(headers.get("X-Tremplin-Reply") or headers.get("X-Tremplin-Kind") or "recruiter").strip()

    # -- folders --------------------------------------------------------------------------

    def list(self, folder: str) -> list[Summary]:
        return self.store.list(folder)

    def read(self, folder: str, key: str) -> MailView:
        view = self.store.read(folder, key)
        with contextlib.suppress(MailError, OSError):
            self.store.mark_seen(folder, key)
        return view

    def move(self, key: str, from_folder: str, to_folder: str) -> str:
        return self.store.move(key, from_folder, to_folder)

    def delete(self, folder: str, key: str) -> str | None:
        return self.store.delete(folder, key)

    def restore(self, key: str) -> tuple[str, str]:
        return self.store.restore(key)

    def documents(self) -> list[str]:
        """The learner's files in « Mes documents », as paths relative to it (sub-folders
        included, hidden files and folders left out)."""
        folder = Path(self.workspace.documents_dir)
        found: list[str] = []
        with contextlib.suppress(OSError):
            for path in folder.rglob("*"):
                relative = path.relative_to(folder)
                if path.is_file() and not any(part.startswith(".") for part in relative.parts):
                    found.append(relative.as_posix())
        return sorted(found, key=str.casefold)

    def save_attachment(self, attachment: Any) -> str:
        """Copy a received file into « Mes documents » (never a program, never over another file);
        returns the name it was saved under. The write is atomic: a half file never appears."""
        from tremplin.widgets.mail_read_widget import can_open

        name = safe_file_name(str(attachment.filename or ""))
        if not name or not can_open(name):
            raise MailError(t("mail_client.attachment_not_saved", name=str(attachment.filename)[:80]))
        folder = Path(self.workspace.documents_dir)
        stem, dot, suffix = name.rpartition(".") if "." in name else (name, "", "")
        target, n = folder / name, 1
        while target.exists():
            n += 1
            target = folder / f"{stem} ({n}){dot}{suffix}"
        tmp = folder / f".{target.name}.{os.getpid()}.tmp"
        try:
            tmp.write_bytes(attachment.data)
            os.replace(tmp, target)
        except OSError as error:
            tmp.unlink(missing_ok=True)
            raise MailError(t("mail_client.attachment_not_saved", name=name)) from error
        return target.name

    # -- writing --------------------------------------------------------------------------

    def new_draft(self) -> Draft:
        return Draft(sender=self.address, sender_name=self.workspace.pseudonym)

    def _own(self, draft: Draft) -> Draft:
        """A reply's draft written from the learner's address, never to themselves."""
        def keep(text: str | list[str]) -> str:
            value = ", ".join(text) if isinstance(text, list | tuple) else str(text or "")
            parts = [p.strip() for p in value.split(",") if p.strip()]
            return ", ".join(p for p in parts if parseaddr(p)[1].lower() not in own)
        own = self.own_addresses()
        return replace(draft, sender=self.address, sender_name=self.workspace.pseudonym,
                       to=keep(draft.to), cc=keep(draft.cc))

    def reply_draft(self, view: MailView, everyone: bool = False) -> Draft:
        """The answer to a message; to one's own sent message (a follow-up), to its recipients,
        even when it was written from an address the learner has changed since."""
        sender = parseaddr(str(view.message.get("From", "")))[1].lower()
        own = sender if sender in self.own_addresses() else self.address
        return self._own(reply(view.message, own, everyone=everyone))

    def forward_draft(self, view: MailView) -> Draft:
        return self._own(forward(view.message, self.address))

    def draft_of(self, view: MailView) -> Draft:
        return self._own(draft_from_message(view.message))

    def save_draft(self, draft: Draft) -> tuple[Draft, str]:
        return save_draft(draft, self.workspace)

    def send(self, draft: Draft) -> SendResult:
        self.register()
        return send(draft, self.workspace, self.endpoint())


def safe_file_name(name: str) -> str:
    """A received file's name as it may live in « Mes documents »: no folder part, no control
    character, no leading dot, at most 120 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable()).strip().lstrip(".")
    return base[-120:]
