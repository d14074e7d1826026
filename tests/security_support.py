"""Tools for the kiosk's security tests: raw HTTP probes, a kernel websocket client, kernel counts.

Not a test module (no tests inside); test_kiosk_security.py imports it. Everything here
talks to a real `tremplin kiosk` the way a curious browser (or a script on the public
computer) would: paths sent byte for byte, Jupyter messages sent by hand.
"""

from __future__ import annotations

import http.client
import json
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psutil
from websockets.sync.client import ClientConnection, connect

KERNEL_ID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def raw_get(port: int, path: str, timeout: float = 90) -> tuple[int, dict[str, str], str]:
    """(status, headers, body) of a GET whose path is sent exactly as given (no `..` folding)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


def kernel_processes(server_pid: int) -> list[psutil.Process]:
    """The live ipykernel processes started under the kiosk's process tree."""
    found = []
    try:
        children = psutil.Process(server_pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    for child in children:
        try:
            if child.status() != psutil.STATUS_ZOMBIE and "ipykernel_launcher" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:
            continue  # ended while we looked
    return found


def wait_for(condition: Callable[[], bool], timeout: float, step: float = 0.5) -> bool:
    """Poll `condition` until it holds or `timeout` seconds pass; its last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


@dataclass
class KernelChannel:
    """A hand-made client of Voilà's kernel websocket (`/api/kernels/<id>/channels`).

    It speaks the plain JSON form of the Jupyter protocol, as any script could; what it
    sends is what a page's JavaScript could send, nothing more.
    """

    socket: ClientConnection
    session: str = field(default_factory=lambda: uuid.uuid4().hex)
    received: list[dict] = field(default_factory=list)

    @classmethod
    @contextmanager
    def open(cls, port: int, kernel_id: str) -> Iterator[KernelChannel]:
        session = uuid.uuid4().hex
        url = f"ws://127.0.0.1:{port}/api/kernels/{kernel_id}/channels?session_id={session}"
        with connect(url, open_timeout=30, max_size=None) as socket:
            yield cls(socket, session)

    def send(self, msg_type: str, content: dict, channel: str = "shell") -> str:
        """Send one message; return its msg_id (replies name it as their parent)."""
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "msg_type": msg_type, "username": "kiosk-visitor",
                  "session": self.session, "date": datetime.now(UTC).isoformat(), "version": "5.3"}
        message = {"header": header, "parent_header": {}, "metadata": {}, "content": content,
                   "channel": channel, "buffers": []}
        self.socket.send(json.dumps(message))
        return msg_id

    def replies_to(self, msg_id: str) -> list[dict]:
        return [m for m in self.received if (m.get("parent_header") or {}).get("msg_id") == msg_id]

    def wait_reply(self, msg_id: str, msg_type: str, timeout: float = 30) -> dict:
        """Read messages until `msg_type` answers `msg_id`; everything read is kept in `received`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            raw = self.socket.recv(timeout=max(deadline - time.monotonic(), 0.01))
            if isinstance(raw, bytes):
                from jupyter_server.services.kernels.connection.base import deserialize_binary_message

                message = deserialize_binary_message(raw)
            else:
                message = json.loads(raw)
            self.received.append(message)
            if message["header"]["msg_type"] == msg_type and message["parent_header"].get("msg_id") == msg_id:
                return message
        raise TimeoutError(f"no {msg_type} for {msg_id}")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes: what "nothing saved is lost" compares."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
