"""Every autograded hand-in is one attempt, one JSON line of `<course>/attempts.jsonl`.

The gradebook keeps only the latest hand-in of each learner, so the history that the retake
policy needs (how many tries, when, passed or not) lives here. Lines are appended under an
exclusive flock in one write, so parallel graders never interleave; a damaged line is
skipped with a warning and every other line still counts. `when` is the hand-in's own time
(nbgrader's timestamp), so grading the same hand-in again replaces its line's meaning
instead of adding a try: for one (learner, épreuve, when) the last line wins.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import math
import os
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t

ATTEMPTS_NAME = "attempts.jsonl"


class AttemptsWarning(UserWarning):
    """A line of attempts.jsonl could not be read and was skipped."""


@dataclass(frozen=True)
class Attempt:
    learner: str
    epreuve: str
    when: datetime  # aware, UTC
    points: float
    max_points: float
    passed: bool

    def to_json(self) -> dict[str, Any]:
        return {"learner": self.learner, "epreuve": self.epreuve, "when": self.when.isoformat(),
                "points": self.points, "max_points": self.max_points, "passed": self.passed}


def attempts_path(course_dir: Path) -> Path:
    return Path(course_dir) / ATTEMPTS_NAME


def as_utc(when: datetime) -> datetime:
    """An aware UTC datetime; a naive one is taken as UTC (nbgrader's timestamps are)."""
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def record_attempt(
    course_dir: Path, learner: str, epreuve: str, when: datetime,
    points: float, max_points: float, passed: bool,
) -> Attempt:
    """Append one attempt; returns it. Raises TremplinError if the file cannot be written."""
    attempt = Attempt(str(learner), str(epreuve), as_utc(when), float(points), float(max_points),
                      bool(passed))
    if not attempt.learner or not attempt.epreuve or not _finite(attempt.points, attempt.max_points):
        raise ValueError(f"bad attempt {attempt!r}")
    line = (json.dumps(attempt.to_json(), ensure_ascii=False) + "\n").encode("utf-8")
    path = attempts_path(course_dir)
    try:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError as error:
        raise TremplinError(t("retake.attempts_unwritable", path=path,
                              reason=error.strerror or error)) from error
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            line = b"\n" + line  # a torn last line stays alone, ours stays whole
        os.write(fd, line)
        os.fsync(fd)
    except OSError as error:
        raise TremplinError(t("retake.attempts_unwritable", path=path,
                              reason=error.strerror or error)) from error
    finally:
        os.close(fd)
    return attempt


def all_attempts(course_dir: Path) -> list[Attempt]:
    """Every readable attempt, oldest hand-in first; one per (learner, épreuve, when)."""
    path = attempts_path(course_dir)
    try:
        with open(path, "rb") as handle:
            with contextlib.suppress(OSError):
                fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
            content = handle.read()
    except FileNotFoundError:
        return []
    except OSError as error:
        raise TremplinError(t("retake.attempts_unreadable", path=path,
                              reason=error.strerror or error)) from error
    latest: dict[tuple[str, str, datetime], Attempt] = {}
    for number, raw in enumerate(content.split(b"\n"), start=1):
        if not raw.strip():
            continue
        attempt = _parse(raw)
        if attempt is None:
            warnings.warn(t("retake.attempts_bad_line", path=path, line=number), AttemptsWarning,
                          stacklevel=2)
            continue
        key = (attempt.learner, attempt.epreuve, attempt.when)
        latest.pop(key, None)
        latest[key] = attempt
    return sorted(latest.values(), key=lambda a: a.when)


def attempts_of(course_dir: Path, learner: str, epreuve: str) -> list[Attempt]:
    """One learner's attempts at one épreuve, oldest first."""
    return [a for a in all_attempts(course_dir) if a.learner == learner and a.epreuve == epreuve]


def _parse(raw: bytes) -> Attempt | None:
    try:
        data = json.loads(raw.decode("utf-8"))
        when = as_utc(datetime.fromisoformat(data["when"]))
        points, max_points = data["points"], data["max_points"]
        fields_ok = (
            isinstance(data["learner"], str) and data["learner"]
            and isinstance(data["epreuve"], str) and data["epreuve"]
            and isinstance(data["passed"], bool)
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in (points, max_points))
        )
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        return None
    if not fields_ok or not _finite(points, max_points):
        return None
    return Attempt(data["learner"], data["epreuve"], when, float(points), float(max_points),
                   data["passed"])


def _finite(*values: float) -> bool:
    return all(math.isfinite(v) and v >= 0 for v in values)
