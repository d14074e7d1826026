"""Writing the world's files the same way every time: fixed JSON form, hashed as written.

Every file goes to a temporary name first and is renamed into place, so a reader never
sees half a file; its sha256 is computed from the bytes written, for the manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def dumps_line(record: Any) -> str:
    """One JSON Lines record: key order kept, UTF-8 text, compact separators."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def dumps_document(document: Any) -> str:
    """A JSON document meant to be read by people too: indented, final newline."""
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


class HashedWriter:
    """Write text to `path` through a temporary file, hashing the bytes on the way."""

    def __init__(self, path: Path):
        self.path = path
        self._temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        self._handle = self._temp.open("wb")
        self._hash = hashlib.sha256()
        self._buffer: list[bytes] = []
        self._size = 0

    def write(self, text: str) -> None:
        data = text.encode("utf-8")
        self._buffer.append(data)
        self._size += len(data)
        if self._size > 1 << 20:
            self._flush()

    def _flush(self) -> None:
        chunk = b"".join(self._buffer)
        self._hash.update(chunk)
        self._handle.write(chunk)
        self._buffer, self._size = [], 0

    def close(self) -> str:
        """Finish the file, move it into place and return its sha256."""
        self._flush()
        self._handle.close()
        os.replace(self._temp, self.path)
        return self._hash.hexdigest()

    def abort(self) -> None:
        self._handle.close()
        self._temp.unlink(missing_ok=True)


def write_jsonl(path: Path, records: Iterable[Any]) -> str:
    writer = HashedWriter(path)
    try:
        for record in records:
            writer.write(dumps_line(record) + "\n")
    except BaseException:
        writer.abort()
        raise
    return writer.close()


def write_text(path: Path, text: str) -> str:
    writer = HashedWriter(path)
    writer.write(text)
    return writer.close()


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
