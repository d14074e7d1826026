"""The course's own settings (structure, mediator, retake policy) in `<course>/tremplin_course.json`.

nbgrader_config.py belongs to nbgrader (and may be the mediator's own file), so Tremplin keeps
what nbgrader has no place for in a small JSON file beside it. A missing file means the
defaults; a damaged one is a French error naming the file and is never overwritten by a read,
so a typo made by hand cannot silently reset the retake policy of a whole group.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tremplin.widgets.documents.model import write_atomic
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t

SETTINGS_NAME = "tremplin_course.json"
SETTINGS_FORMAT = 1
#: Bounds that catch typos (70 days for 7) without constraining any real group.
MAX_RETAKE_DAYS = 365
MAX_ATTEMPTS = 99
MAX_TEXT = 120


@dataclass(frozen=True)
class CourseSettings:
    structure: str = ""
    mediator: str = ""
    retake_after_days: int = 7
    max_attempts: int = 3


def settings_path(course_dir: Path) -> Path:
    return Path(course_dir) / SETTINGS_NAME


def load_settings(course_dir: Path) -> CourseSettings:
    """The course's settings; defaults when the file is missing, TremplinError when damaged."""
    path = settings_path(course_dir)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return CourseSettings()
    except OSError as error:
        raise _damaged(path, error.strerror or str(error)) from error
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _damaged(path, t("retake.reason_json")) from None
    if not isinstance(data, dict):
        raise _damaged(path, t("retake.reason_not_object"))
    try:
        return validated(**{name: data[name] for name in _FIELDS if name in data})
    except TremplinError as error:
        raise _damaged(path, str(error)) from None


def save_settings(course_dir: Path, settings: CourseSettings) -> Path:
    """Validate then write the settings atomically (whole file or the old one untouched)."""
    checked = validated(**asdict(settings))
    path = settings_path(course_dir)
    if not Path(course_dir).is_dir():
        raise TremplinError(t("course.missing", path=course_dir))
    content = {"format": SETTINGS_FORMAT, **asdict(checked)}
    write_atomic(path, (json.dumps(content, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return path


_FIELDS = tuple(CourseSettings.__dataclass_fields__)


def validated(**values: Any) -> CourseSettings:
    """CourseSettings from loose values (file or command line); TremplinError names the bad one."""
    defaults = asdict(CourseSettings())
    merged = {**defaults, **values}
    return CourseSettings(
        structure=_text(merged["structure"], "structure"),
        mediator=_text(merged["mediator"], "mediator"),
        retake_after_days=_whole(merged["retake_after_days"], "retake_after_days", 0, MAX_RETAKE_DAYS),
        max_attempts=_whole(merged["max_attempts"], "max_attempts", 1, MAX_ATTEMPTS),
    )


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise TremplinError(t("retake.bad_text", field=_label(name), max=MAX_TEXT))
    text = " ".join(unicodedata.normalize("NFC", value).split())
    if len(text) > MAX_TEXT or any(unicodedata.category(c).startswith("C") for c in text):
        raise TremplinError(t("retake.bad_text", field=_label(name), max=MAX_TEXT))
    return text


def _whole(value: Any, name: str, low: int, high: int) -> int:
    """An int within [low, high]; "7" from a command line counts, 7.5, true and "sept" do not."""
    if isinstance(value, str):
        stripped = value.strip()
        if not stripped.lstrip("-").isdigit():
            raise TremplinError(t("retake.not_a_number", field=_label(name), value=value))
        value = int(stripped)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TremplinError(t("retake.not_a_number", field=_label(name), value=value))
    if value < low or value > high:
        raise TremplinError(t("retake.out_of_range", field=_label(name), value=value, low=low, high=high))
    return value


def _label(name: str) -> str:
    return t(f"retake.field_{name}")


def _damaged(path: Path, reason: str) -> TremplinError:
    return TremplinError(t("retake.settings_damaged", path=path, reason=reason))
