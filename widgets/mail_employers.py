"""The world's employers answer a learner's mail, on a simulated clock.

When a message reaches an employer (the SMTP server calls `EmployerDesk.receive`), its
answers are scheduled in data_root/mail/replies.json:
  a new application  -> an acknowledgment, then a request for the missing document when
                        no PDF is attached, else an interview invitation or a rejection;
  an answer to a "missing document" request -> the same follow-up (PDF now there or not);
  an answer to anything else (an interview invitation…) -> a short "noted".
Everything is deterministic from (world seed, learner address, Message-ID): which answer,
after how long, from whom, which interview day (counted from the delivery day).

Simulated time: `factor` simulated minutes pass for each real second (default 1: the
acknowledgment comes after 2-20 s, the follow-up after 1-4 min); `advance(minutes)` jumps
ahead. `deliver_due(now)` sends the due answers through the SMTP server (they arrive in the
learner's inbox with X-Tremplin-Kind: recruiter and In-Reply-To the learner's message) and
records `mail.delivered` in the learner's journal. The lock on the schedule is never held
while talking SMTP, so the server's own ticker cannot deadlock with a delivery.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from functools import cache
from pathlib import Path
from typing import Any

from tremplin.widgets.mail_addresses import (
    MAIL_DIR,
    MailError,
    is_learner_address,
    lookup_learner,
    write_atomically,
)
from tremplin.widgets.mail_message import attachments_of, parse_message, strip_prefixes

REPLIES_FILE = "replies.json"
TEMPLATES = Path(__file__).resolve().parent / "data" / "mail_replies.json"
REPLY_KINDS = ("acknowledgment", "noted", "missing_document", "interview", "rejection")
CLAIM_TIMEOUT_S = 60


@cache
def templates() -> dict[str, Any]:
    return json.loads(TEMPLATES.read_text(encoding="utf-8"))


def has_pdf(message: Any) -> bool:
    """True if one attachment is a PDF (by type or by name)."""
    return any(
        a.content_type == "application/pdf" or a.filename.lower().endswith(".pdf")
        for a in attachments_of(message)
    )


def _digest(*parts: object) -> str:
    return hashlib.sha256(":".join(str(p) for p in parts).encode("utf-8")).hexdigest()


def _rng(*parts: object) -> random.Random:
    return random.Random(int(_digest("tremplin-mail", *parts)[:16], 16))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


class EmployerDesk:
    """Schedules and delivers the employers' answers of one data root."""

    def __init__(self, data_root: Path, *, factor: float | None = None, seed: int | None = None):
        self.data_root = Path(data_root)
        self.factor = float(factor) if factor else 1.0
        self._seed = seed
        self._employers: dict[str, dict[str, Any]] | None = None

    # -- state ----------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        return self.data_root / MAIL_DIR / REPLIES_FILE

    @property
    def seed(self) -> int:
        if self._seed is None:
            try:
                manifest = json.loads((self.data_root / "world" / "world.json").read_text(encoding="utf-8"))
                self._seed = int(manifest.get("seed", 0))
            except (OSError, ValueError, TypeError, AttributeError):
                self._seed = 0
        return self._seed

    def employer(self, employer_id: str) -> dict[str, Any]:
        if self._employers is None:
            found: dict[str, dict[str, Any]] = {}
            path = self.data_root / "world" / "employers.jsonl"
            with contextlib.suppress(OSError), open(path, encoding="utf-8") as handle:
                for line in handle:
                    with contextlib.suppress(ValueError, KeyError, TypeError):
                        record = json.loads(line)
                        found[str(record["id"])] = record
            self._employers = found
        return self._employers.get(employer_id) or {"id": employer_id, "name": employer_id}

    @contextlib.contextmanager
    def _locked(self) -> Iterator[list[dict[str, Any]]]:
        """The schedule's entries, written back when the block ends without error."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path.with_name(".replies.lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            entries = self._read()
            yield entries
            write_atomically(self.path, json.dumps({"entries": entries}, ensure_ascii=False, indent=1) + "\n")
        finally:
            os.close(fd)

    def _read(self) -> list[dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        entries = data.get("entries") if isinstance(data, dict) else None
        return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []

    def entries(self) -> list[dict[str, Any]]:
        """Every scheduled answer (pending, being sent, delivered), a copy."""
        return self._read()

    # -- scheduling ------------------------------------------------------------------------

    def receive(
        self, data: bytes, employer_id: str, mail_from: str = "", now: datetime | None = None
    ) -> list[dict[str, Any]]:
        """Schedule the answers to a message just delivered to `employer_id`; returns them."""
        message = parse_message(data)
        learner = parseaddr(str(message.get("From", "")))[1].lower()
        if not is_learner_address(learner):
            learner = parseaddr(mail_from)[1].lower()
        message_id = str(message.get("Message-ID", "")).strip()
        if not learner or not message_id:
            return []
        received = now or datetime.now(UTC)
        in_reply_to = str(message.get("In-Reply-To", "")).strip()
        subject = strip_prefixes(str(message.get("Subject", ""))) or "Votre message"
        rng = _rng(self.seed, learner, message_id)
        settings = templates()
        references = [*str(message.get("References", "")).split(), message_id][-20:]
        with self._locked() as entries:
            if any(e["in_reply_to"] == message_id and e["employer_id"] == employer_id for e in entries):
                return []
            ours = {e["id"]: e for e in entries}
            asked = ours.get(in_reply_to, {}).get("kind") == "missing_document"
            kinds: list[tuple[str, list[int]]] = []
            follow_up = self._follow_up(rng, has_pdf(message))
            if asked:
                kinds.append((follow_up, settings["delays_minutes"]["follow_up"]))
            elif in_reply_to:
                kinds.append(("noted", settings["delays_minutes"]["noted"]))
            else:
                kinds.append(("acknowledgment", settings["delays_minutes"]["acknowledgment"]))
                kinds.append((follow_up, settings["delays_minutes"]["follow_up"]))
            added = []
            for kind, (low, high) in kinds:
                entry = {
                    "id": self._reply_id(learner, message_id, kind, employer_id),
                    "kind": kind,
                    "employer_id": employer_id,
                    "to": learner,
                    "in_reply_to": message_id,
                    "references": references,
                    "subject": subject,
                    "received_at": _iso(received),
                    "delay_minutes": rng.randint(low, high),
                    "status": "pending",
                }
                entries.append(entry)
                added.append(entry)
        return added

    def _follow_up(self, rng: random.Random, pdf: bool) -> str:
        if not pdf:
            return "missing_document"
        return "interview" if rng.random() < float(templates()["interview_share"]) else "rejection"

    def _reply_id(self, learner: str, message_id: str, kind: str, employer_id: str) -> str:
        email = str(self.employer(employer_id).get("email") or f"rh@{employer_id}.example")
        domain = email.rsplit("@", 1)[-1]
        return f"<{_digest(self.seed, learner, message_id, kind)[:20]}.{kind}@{domain}>"

    def advance(self, minutes: float) -> None:
        """Let `minutes` of simulated time pass for every answer still waiting."""
        with self._locked() as entries:
            for entry in entries:
                if entry["status"] == "pending":
                    entry["delay_minutes"] = float(entry["delay_minutes"]) - float(minutes)

    def due(self, now: datetime | None = None) -> list[dict[str, Any]]:
        now = now or datetime.now(UTC)
        return [e for e in self._read() if e["status"] == "pending" and self._is_due(e, now)]

    def _is_due(self, entry: dict[str, Any], now: datetime) -> bool:
        elapsed_s = (now - datetime.fromisoformat(entry["received_at"])).total_seconds()
        return elapsed_s * self.factor >= float(entry["delay_minutes"])

    # -- writing and delivering ------------------------------------------------------------

    def build(self, entry: dict[str, Any], now: datetime) -> bytes:
        """The answer as RFC 5322 bytes (deterministic for a given `now`)."""
        settings = templates()
        employer = self.employer(entry["employer_id"])
        address = employer.get("address") or {}
        person_rng = _rng(self.seed, "person", entry["employer_id"])
        person = f"{person_rng.choice(settings['persons'])} {person_rng.choice(settings['surnames'])}"
        role = person_rng.choice(settings["roles"])
        rng = _rng(self.seed, entry["id"])
        from tremplin.widgets.world.inbox import french_day, next_weekday

        local = now.astimezone()
        values = {
            "person": person,
            "role": role,
            "employer": employer.get("name", ""),
            "street": address.get("street", ""),
            "postcode": address.get("postcode", ""),
            "commune": address.get("commune", ""),
            "phone": employer.get("phone", ""),
            "subject": entry["subject"],
            "interview_day": french_day(next_weekday(local.date(), rng.randint(2, 6))),
            "interview_time": rng.choice(settings["interview_times"]),
        }
        template = settings["replies"][entry["kind"]]
        message = EmailMessage()
        sender = str(employer.get("email") or f"rh@{entry['employer_id']}.example")
        message["From"] = formataddr((f"{person} – {values['employer']}", sender))
        message["To"] = entry["to"]
        message["Subject"] = template["subject"].format(**values)
        message["Date"] = format_datetime(local)
        message["Message-ID"] = entry["id"]
        message["In-Reply-To"] = entry["in_reply_to"]
        message["References"] = " ".join(entry["references"])
        message["X-Tremplin-Kind"] = "recruiter"
        message["X-Tremplin-Employer"] = entry["employer_id"]
        message["X-Tremplin-Reply"] = entry["kind"]
        message.set_content(template["body"].format(**values), cte="quoted-printable")
        return message.as_bytes()

    def deliver_due(
        self, now: datetime | None = None, *, endpoint: tuple[str, int] | None = None
    ) -> list[dict[str, Any]]:
        """Send every answer that is due through SMTP; returns the entries delivered."""
        from tremplin.widgets.mail_server import endpoint_for, transmit

        now = now or datetime.now(UTC)
        with self._locked() as entries:
            claimed = []
            for entry in entries:
                stale = entry["status"] == "sending" and (
                    now - datetime.fromisoformat(entry.get("claimed_at", entry["received_at"]))
                ) > timedelta(seconds=CLAIM_TIMEOUT_S)
                if (entry["status"] == "pending" and self._is_due(entry, now)) or stale:
                    entry["status"], entry["claimed_at"] = "sending", _iso(now)
                    claimed.append(dict(entry))
        if not claimed:
            return []
        target = endpoint or endpoint_for(self.data_root)
        outcome: dict[str, str] = {}
        for entry in claimed:
            employer = self.employer(entry["employer_id"])
            try:
                transmit(str(employer.get("email") or ""), [entry["to"]], self.build(entry, now), target)
            except MailError:
                outcome[entry["id"]] = "pending"
                continue
            outcome[entry["id"]] = "delivered"
            self._journal(entry, employer)
        with self._locked() as entries:
            for entry in entries:
                if entry["id"] in outcome and entry["status"] == "sending":
                    entry["status"] = outcome[entry["id"]]
                    if entry["status"] == "delivered":
                        entry["delivered_at"] = _iso(now)
        return [e for e in claimed if outcome.get(e["id"]) == "delivered"]

    def _journal(self, entry: dict[str, Any], employer: dict[str, Any]) -> None:
        folder = lookup_learner(self.data_root, entry["to"])
        if folder is None:
            return
        from tremplin.widgets.workspace import Workspace, WorkspaceError

        with contextlib.suppress(WorkspaceError, OSError):
            Workspace.open(folder).record(
                "mail.delivered",
                {
                    "message_id": entry["id"],
                    "from": employer.get("email", ""),
                    "kind": entry["kind"],
                    "in_reply_to": entry["in_reply_to"],
                    "employer_id": entry["employer_id"],
                },
            )
