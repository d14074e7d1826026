"""Mail figures for `make bench`: Tremplin's SMTP path and folder listing beside the plain tools.

- send_deliver_p50_ms / send_deliver_p95_ms: `mail_server.send` of 200 messages with a
  20 KB PDF attachment, learner to learner, to the server running in its own process
  (draft kept, composed, SMTP on loopback, delivered into the recipient's Maildir, copy in
  `.Sent`: `send` returns once the server has written the message);
- plain_smtp_p95_ms: smtplib → aiosmtpd's stock `Mailbox` handler (own process), same bytes;
- folder_open_1000_ms: `MailStore.list` of a folder of 1,000 such messages (median of 3),
  beside plain_maildir_open_1000_ms: python's `mailbox.Maildir` reading the same folder
  (subject and date of each message, sorted on date);
- smtp_server_rss_mb: the server process's resident memory after the sends (/proc).
"""

from __future__ import annotations

import smtplib
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from tremplin.grading.bench_search import percentile

SENDS = 200
FOLDER_SIZE = 1000
ATTACHMENT_BYTES = 20 * 1024
#: (figure, how it compares, bound): what issue 4 asks (for bench.TARGETS).
TARGETS = (
    ("send_deliver_p95_ms", "≤ ms", 100.0),
    ("folder_open_1000_ms", "≤ ms", 300.0),
    ("smtp_server_rss_mb", "≤ MB", 60.0),
)
_PLAIN_SERVER = """
import sys, time
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
controller = Controller(Mailbox(sys.argv[1]), hostname="127.0.0.1", port=int(sys.argv[2]))
controller.start()
print("PORT", sys.argv[2], flush=True)
sys.stdin.read()
controller.stop()
"""


def _attachment() -> bytes:
    body = bytes((i * 7 + 3) % 251 for i in range(ATTACHMENT_BYTES - 20))
    return b"%PDF-1.4\n" + body + b"\n%%EOF\n"


def _wait_port(process: subprocess.Popen) -> int:
    line = process.stdout.readline() if process.stdout else ""
    if not line.startswith("PORT "):
        process.kill()
        raise RuntimeError(f"mail server did not start: {line!r}")
    return int(line.split()[1])


def _stop(process: subprocess.Popen) -> None:
    if process.stdin:
        process.stdin.close()
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB, from /proc/<pid>/status (VmRSS, kB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _learners(root: Path) -> tuple[Any, Any]:
    from tremplin.widgets.mail_addresses import register_address
    from tremplin.widgets.workspace import Workspace

    sender = Workspace.create(root / "learners" / "alice.martin", "Alice")
    recipient = Workspace.create(root / "learners" / "bruno.lefeuvre", "Bruno")
    register_address(root, "alice.martin@courriel.example", sender.root)
    register_address(root, "bruno.lefeuvre@courriel.example", recipient.root)
    (sender.documents_dir / "cv.pdf").write_bytes(_attachment())
    return sender, recipient


def tremplin_sends(root: Path, sends: int = SENDS) -> dict[str, float]:
    """send_deliver p50/p95 (ms) and the server's RSS (MB), server in its own process."""
    from tremplin.widgets.mail_message import Draft
    from tremplin.widgets.mail_server import send

    sender, recipient = _learners(root)
    process = subprocess.Popen(
        [sys.executable, "-m", "tremplin.widgets.mail_server", str(root), "--no-replies"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        endpoint = ("127.0.0.1", _wait_port(process))
        timings = []
        for number in range(sends + 5):
            draft = Draft(
                sender="alice.martin@courriel.example",
                to="bruno.lefeuvre@courriel.example",
                subject=f"Candidature n°{number} – agent d'accueil",
                body="Bonjour,\n\nVeuillez trouver ci-joint mon CV.\n\nCordialement,\nAlice Martin\n",
                attachments=("cv.pdf",),
            )
            start = time.perf_counter()
            send(draft, sender, endpoint)
            if number >= 5:  # the first ones warm the imports and the connection path
                timings.append((time.perf_counter() - start) * 1000)
        rss = rss_mb(process.pid)
    finally:
        _stop(process)
    delivered = len(list((recipient.mail_dir / "new").iterdir()))
    if delivered != sends + 5:
        raise RuntimeError(f"{delivered} messages delivered out of {sends + 5}")
    return {
        "send_deliver_p50_ms": round(statistics.median(timings), 2),
        "send_deliver_p95_ms": round(percentile(timings, 0.95), 2),
        "smtp_server_rss_mb": rss,
    }


def plain_sends(root: Path, data: bytes, sends: int = SENDS) -> float:
    """p95 (ms) of smtplib.sendmail to aiosmtpd's stock Mailbox handler (own process)."""
    from tremplin.widgets.mail_server import free_port

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", _PLAIN_SERVER, str(root / "plain-maildir"), str(port)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        _wait_port(process)
        wire = data.replace(b"\n", b"\r\n")
        timings = []
        for number in range(sends + 5):
            start = time.perf_counter()
            with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
                client.sendmail("alice.martin@courriel.example", ["bruno.lefeuvre@courriel.example"], wire)
            if number >= 5:
                timings.append((time.perf_counter() - start) * 1000)
    finally:
        _stop(process)
    return round(percentile(timings, 0.95), 2)


def _folder(root: Path, data: bytes, size: int = FOLDER_SIZE) -> Any:
    """A workspace whose inbox holds `size` copies of `data`, with distinct ids and dates."""
    import mailbox

    from tremplin.widgets.mail_message import parse_message
    from tremplin.widgets.workspace import Workspace

    workspace = Workspace.create(root / "learners" / "folder", "Dossier")
    original = parse_message(data)
    old_id, old_date = str(original["Message-ID"]).encode(), str(original["Date"]).encode()
    inbox = mailbox.Maildir(workspace.mail_dir, create=False)
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    for number in range(size):
        when = format_datetime(start + timedelta(minutes=(number * 7919) % (size * 3))).encode()
        inbox.add(data.replace(old_id, f"<{number}.bench@courriel.example>".encode()).replace(old_date, when))
    return workspace


def _median_ms(action: Any, runs: int = 3) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(timings), 2)


def folder_timings(root: Path, data: bytes) -> dict[str, float]:
    import mailbox

    from tremplin.widgets.mail_store import MailStore

    workspace = _folder(root, data)
    store = MailStore.for_workspace(workspace)
    if len(store.list()) != FOLDER_SIZE:
        raise RuntimeError("the bench folder is incomplete")

    def plain() -> list[tuple[str, str]]:
        box = mailbox.Maildir(workspace.mail_dir, create=False)
        rows = [(str(m["Subject"]), str(m["Date"])) for m in box]
        return sorted(rows, key=lambda row: row[1])

    return {
        "folder_open_1000_ms": _median_ms(store.list),
        "plain_maildir_open_1000_ms": _median_ms(plain),
    }


def mail_figures(scratch_dir: Path) -> dict[str, float]:
    """Every mail figure of bench.json, measured under `scratch_dir` (made if missing)."""
    from tremplin.widgets.mail_store import MailStore

    root = Path(scratch_dir) / "mail-bench"
    root.mkdir(parents=True, exist_ok=True)
    figures = tremplin_sends(root)
    sender_store = MailStore(root / "learners" / "alice.martin" / "mail")
    data = sender_store.raw("Sent", sender_store.list("Sent")[0].key)
    figures["plain_smtp_p95_ms"] = plain_sends(root, data)
    figures.update(folder_timings(root, data))
    return figures


if __name__ == "__main__":
    import json
    import tempfile

    from tremplin.grading.bench import verdicts

    with tempfile.TemporaryDirectory(prefix="tremplin-mail-bench-") as scratch:
        result = mail_figures(Path(scratch))
    print(json.dumps({"figures": result, "targets_met": verdicts(result)}, indent=2))
