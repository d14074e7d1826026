"""The kit's own SMTP server on 127.0.0.1 (aiosmtpd), and `send`, the only way mail leaves.

`MailServer(data_root)` delivers each recipient into a Maildir:
  learner addresses (…@courriel.example) -> that learner's workspace mail/ (registry
      data_root/mail/addresses.json, see mail_addresses.lookup_learner),
  the world's employers (their `email` in world/employers.jsonl) ->
      data_root/mail/employers/<employer-id>/, and their simulated answers are scheduled
      (mail_employers.EmployerDesk),
  the adviser (ADVISER_ADDRESS) -> data_root/mail/adviser/,
  anything else -> "550 unknown recipient" (the sender gets a French message).
It writes data_root/mail/server.json {host, port, pid} while it runs, so the kiosk's
kernels (other processes) find it. Port 0 does not work with aiosmtpd: a free port is
picked first. `start`/`stop` are idempotent; it is a context manager.

`send(draft, workspace, server)` composes (a message that cannot be composed is kept as a
draft as typed), keeps the composed message in `.Drafts`, talks SMTP (every recipient
accepted, or nothing sent), then stores the exact bytes sent in `.Sent` and drops the
draft. On any failure the draft stays and MailError says why, in French.

Run alone (for the benchmark, or by hand): `python -m tremplin.widgets.mail_server DATA_ROOT`
prints "PORT <n>" and serves until SIGTERM or Ctrl+C.
"""

from __future__ import annotations

import contextlib
import json
import logging
import mailbox
import os
import signal
import smtplib
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from tremplin.widgets.i18n import t
from tremplin.widgets.mail_addresses import (
    ADVISER_ADDRESS,
    MAIL_DIR,
    MailError,
    lookup_learner,
    write_atomically,
)
from tremplin.widgets.mail_message import (
    Draft,
    Outgoing,
    compose,
    draft_message,
    sent_as_draft,
    with_message_id,
)
from tremplin.widgets.mail_store import MailStore

HOST = "127.0.0.1"
SERVER_FILE = "server.json"
EMPLOYERS_DIR, ADVISER_DIR = "employers", "adviser"
#: 10 MB of attachments grow by a third in base64; leave room for the text and headers.
DATA_SIZE_LIMIT = 16 * 1024 * 1024
SMTP_TIMEOUT_S = 10
DEFAULT_TICK_S = 2.0
log = logging.getLogger(__name__)

Endpoint = tuple[str, int]


def free_port(host: str = HOST) -> int:
    """A port nobody listens on right now (aiosmtpd cannot bind port 0 itself)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def mail_root(data_root: Path) -> Path:
    return Path(data_root) / MAIL_DIR


# -- where each recipient's mail goes -----------------------------------------------------------


@dataclass(frozen=True)
class Destination:
    kind: str  # "learner" | "employer" | "adviser"
    maildir: Path
    ident: str  # workspace path, employer id or "adviser"


class Router:
    """Maps a recipient address to its Maildir; None for an unknown address."""

    def __init__(self, data_root: Path):
        self.data_root = Path(data_root)
        self._employers: dict[str, str] | None = None

    def employers(self) -> dict[str, str]:
        """{email: employer id} of the world (read once; an absent world has none)."""
        if self._employers is None:
            found: dict[str, str] = {}
            path = self.data_root / "world" / "employers.jsonl"
            with contextlib.suppress(OSError), open(path, encoding="utf-8") as handle:
                for line in handle:
                    with contextlib.suppress(ValueError, AttributeError, TypeError):
                        record = json.loads(line)
                        if record.get("email"):
                            found[str(record["email"]).lower()] = str(record["id"])
            self._employers = found
        return self._employers

    def resolve(self, address: str) -> Destination | None:
        address = address.strip().strip("<>").lower()
        if address == ADVISER_ADDRESS:
            return Destination("adviser", mail_root(self.data_root) / ADVISER_DIR, "adviser")
        employer = self.employers().get(address)
        if employer is not None:
            return Destination("employer", mail_root(self.data_root) / EMPLOYERS_DIR / employer, employer)
        workspace = lookup_learner(self.data_root, address)
        if workspace is not None:
            return Destination("learner", workspace / MAIL_DIR, str(workspace))
        return None


def deliver(destination: Destination, data: bytes) -> str:
    """Write one message into the destination's Maildir (new/); returns its key."""
    destination.maildir.parent.mkdir(parents=True, exist_ok=True)
    return mailbox.Maildir(destination.maildir, create=True).add(data)


class DeliveryHandler:
    """The aiosmtpd handler: refuse unknown recipients at RCPT, deliver at DATA."""

    def __init__(self, router: Router, on_employer: Callable[[bytes, str, str], Any] | None = None):
        self.router = router
        self.on_employer = on_employer

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if self.router.resolve(address) is None:
            return "550 5.1.1 Unknown recipient"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        data = bytes(envelope.original_content or envelope.content).replace(b"\r\n", b"\n")
        for address in envelope.rcpt_tos:
            destination = self.router.resolve(address)
            if destination is None:  # vanished between RCPT and DATA
                continue
            try:
                deliver(destination, data)
            except OSError:
                log.exception("delivery to %s failed", address)
                return "451 4.3.0 Delivery failed, try again"
            if destination.kind == "employer" and self.on_employer is not None:
                try:
                    self.on_employer(data, destination.ident, str(envelope.mail_from or ""))
                except Exception:  # a reply that cannot be scheduled must not lose the mail
                    log.exception("could not schedule the answer of %s", destination.ident)
        return "250 Message accepted for delivery"


# -- the server -------------------------------------------------------------------------------


class MailServer:
    """aiosmtpd on 127.0.0.1 delivering into the data root's Maildirs; see the module doc."""

    def __init__(
        self,
        data_root: Path,
        host: str = HOST,
        port: int | None = None,
        *,
        employer_replies: bool = True,
        tick_seconds: float | None = None,
        factor: float | None = None,
    ):
        self.data_root = Path(data_root).resolve()
        self.host = host
        self._wanted_port = port
        self.port: int | None = None
        self._controller: Any = None
        self._desk: Any = None
        self._ticker: threading.Thread | None = None
        self._stopping = threading.Event()
        self._tick = tick_seconds
        if employer_replies:
            from tremplin.widgets.mail_employers import EmployerDesk

            self._desk = EmployerDesk(self.data_root, factor=factor)

    @property
    def running(self) -> bool:
        return self._controller is not None

    @property
    def endpoint(self) -> Endpoint:
        if self.port is None:
            raise MailError(t("mail.server_down"))
        return (self.host, self.port)

    @property
    def desk(self) -> Any:
        """The employers' desk (mail_employers.EmployerDesk), None if replies are off."""
        return self._desk

    def start(self) -> MailServer:
        if self._controller is not None:
            return self
        from aiosmtpd.controller import Controller

        on_employer = self._desk.receive if self._desk is not None else None
        handler = DeliveryHandler(Router(self.data_root), on_employer)
        last_error: Exception | None = None
        for _attempt in range(5):
            port = self._wanted_port or free_port(self.host)
            controller = Controller(
                handler, hostname=self.host, port=port, data_size_limit=DATA_SIZE_LIMIT, ready_timeout=10
            )
            try:
                controller.start()
            except (OSError, RuntimeError) as error:  # taken meanwhile: try another port
                last_error = error
                if self._wanted_port:
                    break
                continue
            self._controller, self.port = controller, port
            break
        if self._controller is None:
            raise MailError(t("mail.server_start_failed", reason=str(last_error)[:200]))
        mail_root(self.data_root).mkdir(parents=True, exist_ok=True)
        info = {"host": self.host, "port": self.port, "pid": os.getpid()}
        write_atomically(mail_root(self.data_root) / SERVER_FILE, json.dumps(info) + "\n")
        if self._desk is not None and self._tick:
            self._stopping.clear()
            self._ticker = threading.Thread(target=self._tick_loop, name="tremplin-mail-replies", daemon=True)
            self._ticker.start()
        return self

    def _tick_loop(self) -> None:
        while not self._stopping.wait(self._tick or DEFAULT_TICK_S):
            try:
                self._desk.deliver_due(endpoint=self.endpoint)
            except Exception:  # keep ticking: one bad reply must not stop the others
                log.exception("delivering the employers' answers failed")

    def stop(self) -> None:
        if self._controller is None:
            return
        self._stopping.set()
        if self._ticker is not None:
            self._ticker.join(timeout=5)
            self._ticker = None
        with contextlib.suppress(Exception):
            self._controller.stop()
        self._controller = None
        path = mail_root(self.data_root) / SERVER_FILE
        with contextlib.suppress(OSError, ValueError):
            if json.loads(path.read_text(encoding="utf-8")).get("port") == self.port:
                path.unlink()
        self.port = None

    def __enter__(self) -> MailServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"MailServer({str(self.data_root)!r}, port={self.port})"


def start_for_kiosk(data_root: Path) -> MailServer:
    """Start the kiosk's mail server (employer answers ticking every 2 s); stop it on exit."""
    return MailServer(data_root, tick_seconds=DEFAULT_TICK_S).start()


def endpoint_for(data_root: Path | None = None) -> Endpoint:
    """Where the running server listens, from data_root/mail/server.json; MailError if none."""
    if data_root is None:
        from tremplin.widgets.paths import data_root as default_root

        data_root = default_root()
    try:
        info = json.loads((mail_root(Path(data_root)) / SERVER_FILE).read_text(encoding="utf-8"))
        return (str(info["host"]), int(info["port"]))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise MailError(t("mail.server_down")) from error


# -- sending ----------------------------------------------------------------------------------


def transmit(sender: str, recipients: list[str], data: bytes, endpoint: Endpoint) -> None:
    """One SMTP transaction on loopback: every recipient accepted, or nothing sent."""
    host, port = endpoint
    try:
        with smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_S) as smtp:
            smtp.ehlo_or_helo_if_needed()
            code, _reply = smtp.mail(sender)
            if code != 250:
                raise MailError(t("mail.server_refused", code=code))
            refused = [rcpt for rcpt in recipients if smtp.rcpt(rcpt)[0] not in (250, 251)]
            if refused:
                smtp.rset()
                raise MailError(t("mail.unknown_recipient", addresses=", ".join(refused)))
            code, _reply = smtp.data(data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
            if code != 250:
                raise MailError(t("mail.server_refused", code=code))
    except (OSError, smtplib.SMTPException) as error:
        if isinstance(error, smtplib.SMTPResponseException) and error.smtp_code == 552:
            raise MailError(t("mail.too_big_for_server")) from error
        raise MailError(t("mail.server_down")) from error


@dataclass(frozen=True)
class SendResult:
    """What was sent: enough for the journal event `mail.send` (see `event_data`)."""

    outgoing: Outgoing
    sent_key: str
    kind: str
    in_reply_to: str | None

    @property
    def message_id(self) -> str:
        return self.outgoing.message_id

    def event_data(self) -> dict[str, Any]:
        message = self.outgoing
        return {
            "message_id": message.message_id,
            "to": message.to,
            "cc": message.cc,
            "bcc": message.bcc,
            "subject": str(message.message["Subject"] or ""),
            "attachments": message.attachments,
            "in_reply_to": self.in_reply_to,
            "kind": self.kind,
        }


def _resolve_endpoint(server: MailServer | Endpoint | None, data_root: Path | None) -> Endpoint:
    if isinstance(server, MailServer):
        return server.endpoint
    if server is not None:
        return (str(server[0]), int(server[1]))
    return endpoint_for(data_root)


def save_draft(draft: Draft, workspace: Any, *, now: datetime | None = None) -> tuple[Draft, str]:
    """Store the draft in `.Drafts` (replacing its previous version); (draft, key).

    The draft gets its Message-ID here if it had none, so every later save and the send
    keep the same one. MailError (nothing changed) for a body over the limit or an
    attachment that cannot be read.
    """
    draft = with_message_id(draft)
    store = MailStore.for_workspace(workspace)
    key = store.save_draft(draft_message(draft, workspace.documents_dir, now=now))
    store.remove_drafts(draft.message_id or "", keep=key)
    return draft, key


def _keep_as_typed(draft: Draft, workspace: Any, now: datetime | None) -> bool:
    """Save a draft that cannot be sent; without the attachments that cannot be read if need be."""
    for attempt in (draft, replace(draft, attachments=())):
        try:
            save_draft(attempt, workspace, now=now)
        except MailError:
            continue
        return True
    return False


def send(
    draft: Draft,
    workspace: Any,
    server: MailServer | Endpoint | None = None,
    *,
    now: datetime | None = None,
    data_root: Path | None = None,
) -> SendResult:
    """Send `draft` from `workspace` through the SMTP server; see the module doc.

    `server` is a running MailServer, a (host, port), or None to read server.json of
    `data_root` (default: the kit's data root). Raises MailError (French); the draft is
    then in `.Drafts`.
    """
    draft = with_message_id(draft)
    kept = t("mail.kept_in_drafts")
    store = MailStore.for_workspace(workspace)
    try:
        outgoing = compose(draft, workspace.documents_dir, now=now)
    except MailError as error:
        if not _keep_as_typed(draft, workspace, now):
            raise  # a body over the limit: nothing to keep, the previously saved draft stays
        raise MailError(f"{error} {kept}") from error
    data = outgoing.as_bytes()
    draft_key = store.save_draft(sent_as_draft(outgoing, data, draft.kind))
    store.remove_drafts(outgoing.message_id, keep=draft_key)
    try:
        transmit(outgoing.sender, outgoing.recipients, data, _resolve_endpoint(server, data_root))
    except MailError as error:
        raise MailError(f"{error} {kept}") from error
    sent_key = store.add("Sent", data, seen=True)
    store.remove_drafts(outgoing.message_id)
    return SendResult(outgoing, sent_key, draft.kind, draft.in_reply_to)


def main(argv: list[str] | None = None) -> int:
    """`python -m tremplin.widgets.mail_server DATA_ROOT [--no-replies]`: serve until stopped."""
    args = list(sys.argv[1:] if argv is None else argv)
    replies = "--no-replies" not in args
    args = [a for a in args if a != "--no-replies"]
    if len(args) != 1:
        print("usage: python -m tremplin.widgets.mail_server DATA_ROOT [--no-replies]", file=sys.stderr)
        return 2
    tick = DEFAULT_TICK_S if replies else None
    server = MailServer(Path(args[0]), employer_replies=replies, tick_seconds=tick)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    server.start()
    print(f"PORT {server.port}", flush=True)
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
