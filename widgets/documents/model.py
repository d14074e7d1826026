"""The CV and the cover letter as plain data, saved as JSON the editors reopen.

Everything typed by the learner goes through `clean_text` on the way in (NFC, control
characters out, bounded length) and is stored as typed: markup stays text, escaped only
where it is shown. Loading never raises for a damaged file: it keeps what it can read and
returns French warnings, so a bad file never costs the learner the rest of their work.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

from tremplin.widgets.i18n import t

TEMPLATES = ("classique", "moderne")
FORMAT = 1
LINE_MAX = 200
TEXT_MAX = 3000
ITEM_MAX = 120
LIST_MAX = 40
ENTRIES_MAX = 30
_JSON_MAX_BYTES = 2_000_000
#: Invisible characters that reorder or hide text (bidi overrides, BOM): removed like controls.
_INVISIBLE = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0xFEFF)}
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre")
#: What each of the three letter paragraphs is for (i18n keys, shown beside the fields).
LETTER_HINTS = {"you": "documents.hint_you", "me": "documents.hint_me", "us": "documents.hint_us"}


def clean_text(value: Any, max_len: int = LINE_MAX, multiline: bool = True) -> str:
    """`value` as safe text: NFC, control and invisible characters out, trimmed, at most `max_len`.

    Line breaks survive only when `multiline` (a paragraph); in a one-line field they become
    spaces. Tabs become spaces. Anything that is not a string gives "".
    """
    if not isinstance(value, str):
        return ""
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    kept = []
    for char in text:
        if char == "\n":
            kept.append("\n" if multiline else " ")
        elif char == "\t":
            kept.append(" ")
        elif unicodedata.category(char) in ("Cc", "Cs") or char in _INVISIBLE:
            continue
        else:
            kept.append(char)
    text = "".join(kept)
    if multiline:
        text = "\n".join(line.rstrip() for line in text.split("\n"))
        text = re.sub(r"\n{3,}", "\n\n", text)
    else:
        text = re.sub(r" {2,}", " ", text)
    return text.strip()[:max_len].strip()


@dataclass
class Entry:
    """One experience or training line; `end` "" means still going on."""

    title: str = ""
    organisation: str = ""
    place: str = ""
    start: str = ""
    end: str = ""
    details: str = ""  # one line = one bullet


@dataclass
class Contact:
    """Who the CV is about; photo, birth date and driving licence are optional and shown only when filled."""

    full_name: str = ""
    headline: str = ""
    email: str = ""
    phone: str = ""
    town: str = ""
    photo: str = ""
    birth_date: str = ""
    driving_licence: str = ""


@dataclass
class CV:
    """A whole CV; the template only changes how it looks, never what it says."""

    contact: Contact = field(default_factory=Contact)
    summary: str = ""
    experience: list[Entry] = field(default_factory=list)
    training: list[Entry] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    interests: list[str] = field(default_factory=list)
    template: str = "classique"


@dataclass
class Letter:
    """A cover letter for one offer; `you`, `me`, `us` are the learner's own three paragraphs."""

    offer_id: str = ""
    reference: str = ""
    job_title: str = ""
    sender_name: str = ""
    sender_address: str = ""
    sender_email: str = ""
    sender_phone: str = ""
    recipient: str = ""
    recipient_address: str = ""
    place: str = ""
    date: str = ""
    subject: str = ""
    greeting: str = "Madame, Monsieur,"
    you: str = ""
    me: str = ""
    us: str = ""
    closing: str = ""
    signature: str = ""
    template: str = "classique"


#: Fields that keep their line breaks (paragraphs and addresses); every other field is one line.
_MULTILINE = {"details", "summary", "sender_address", "recipient_address", "you", "me", "us", "closing"}


def field_label(name: str) -> str:
    """The learner's word for a field (« Adresse électronique » for email), in the interface language."""
    key = f"documents.field_{name}"
    label = t(key)
    return name if label == key else label


def _field_text(name: str, value: Any, warnings: list[str]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        else:
            warnings.append(t("documents.load_field", field=field_label(name)))
            return ""
    multiline = name in _MULTILINE
    limit = TEXT_MAX if multiline else LINE_MAX
    text = clean_text(value, limit, multiline)
    if len(value.strip()) > limit:
        warnings.append(t("documents.load_truncated", field=field_label(name), max=limit))
    return text


def _fill(cls: type, data: Any, warnings: list[str], where: str) -> Any:
    """An instance of the flat dataclass `cls` from `data`, keeping what is readable."""
    if not isinstance(data, dict):
        if data is not None:
            warnings.append(t("documents.load_field", field=field_label(where)))
        return cls()
    values = {f.name: _field_text(f.name, data[f.name], warnings) for f in fields(cls) if f.name in data}
    return cls(**values)


def _template(value: Any) -> str:
    return value if value in TEMPLATES else TEMPLATES[0]


def _entries(data: Any, warnings: list[str], where: str) -> list[Entry]:
    if data is None:
        return []
    if not isinstance(data, list):
        warnings.append(t("documents.load_field", field=field_label(where)))
        return []
    return [_fill(Entry, item, warnings, where) for item in data[:ENTRIES_MAX]]


def _items(data: Any, warnings: list[str], where: str) -> list[str]:
    if data is None:
        return []
    if not isinstance(data, list):
        warnings.append(t("documents.load_field", field=field_label(where)))
        return []
    items = [clean_text(item, ITEM_MAX, multiline=False) for item in data[:LIST_MAX] if isinstance(item, str)]
    return [item for item in items if item]


def _cv_with_warnings(data: Any) -> tuple[CV, list[str]]:
    warnings: list[str] = []
    if not isinstance(data, dict):
        return CV(), [t("documents.load_damaged")]
    cv = CV(
        contact=_fill(Contact, data.get("contact"), warnings, "contact"),
        summary=_field_text("summary", data.get("summary"), warnings),
        experience=_entries(data.get("experience"), warnings, "experience"),
        training=_entries(data.get("training"), warnings, "training"),
        skills=_items(data.get("skills"), warnings, "skills"),
        languages=_items(data.get("languages"), warnings, "languages"),
        interests=_items(data.get("interests"), warnings, "interests"),
        template=_template(data.get("template")),
    )
    return cv, warnings


def cv_to_json(cv: CV) -> dict[str, Any]:
    """The CV as a JSON-ready dict (with a format number for later versions)."""
    return {"format": FORMAT, **asdict(cv)}


def cv_from_json(data: Any) -> CV:
    """A CV from a dict as saved; unknown keys ignored, unreadable values left empty; never raises."""
    return _cv_with_warnings(data)[0]


def letter_to_json(letter: Letter) -> dict[str, Any]:
    """The letter as a JSON-ready dict."""
    return {"format": FORMAT, **asdict(letter)}


def _letter_with_warnings(data: Any) -> tuple[Letter, list[str]]:
    warnings: list[str] = []
    if not isinstance(data, dict):
        return Letter(), [t("documents.load_damaged")]
    letter = _fill(Letter, data, warnings, "letter")
    letter.template = _template(data.get("template"))
    return letter, warnings


def letter_from_json(data: Any) -> Letter:
    """A letter from a dict as saved; lenient like `cv_from_json`."""
    return _letter_with_warnings(data)[0]


def _read_json(path: Path) -> tuple[Any, list[str]]:
    """The parsed file, or None and a French warning; a missing file is simply empty."""
    try:
        if not path.exists():
            return {}, []
        if path.stat().st_size > _JSON_MAX_BYTES:
            return None, [t("documents.load_damaged")]
        return json.loads(path.read_text(encoding="utf-8")), []
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None, [t("documents.load_damaged")]


def load_cv(path: Path) -> tuple[CV, list[str]]:
    """The CV saved at `path` (empty if none) and French warnings about what could not be read."""
    data, warnings = _read_json(Path(path))
    if data is None:
        return CV(), warnings
    cv, more = _cv_with_warnings(data)
    return cv, warnings + more


def load_letter(path: Path) -> tuple[Letter, list[str]]:
    """The letter saved at `path` (empty if none) and French warnings."""
    data, warnings = _read_json(Path(path))
    if data is None:
        return Letter(), warnings
    letter, more = _letter_with_warnings(data)
    return letter, warnings + more


def write_atomic(path: Path, content: bytes, replace: bool = True) -> None:
    """Write `content` to `path` whole or not at all: temp file beside it, fsync, rename.

    With `replace=False` an existing file is never touched: FileExistsError instead (the
    temp file is hard-linked into place, which fails rather than overwrites).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(path.parent)


def _link_new(tmp: Path, path: Path) -> None:
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: check, then rename
        if path.exists():
            raise FileExistsError(path) from None
        os.replace(tmp, path)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def save_json_atomic(path: Path, data: Any) -> None:
    """Save `data` as indented UTF-8 JSON, atomically."""
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    write_atomic(Path(path), text.encode("utf-8"))


def french_date(day: date) -> str:
    """« 29 novembre 2026 » (« 1er » for the first of the month)."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {_MONTHS[day.month - 1]} {day.year}"


def _text(value: Any) -> str:
    text = value if isinstance(value, str) else "" if value is None else str(value)
    return clean_text(text, LINE_MAX, False)


def _address(offer: Any, employer: Any) -> str:
    """The employer's postal address as lines, from whichever fields the offer or employer carry."""
    source = None
    for candidate in (offer.get("employer_address"), offer.get("address"),
                      (employer or {}).get("address") if isinstance(employer, dict) else None):
        if candidate:
            source = candidate
            break
    if isinstance(source, str):
        return clean_text(source, TEXT_MAX)
    source = source if isinstance(source, dict) else {}
    street = _text(source.get("street"))
    postcode = _text(source.get("postcode") or offer.get("postcode"))
    town = _text(source.get("commune") or source.get("town") or offer.get("commune") or offer.get("town"))
    return "\n".join(part for part in (street, f"{postcode} {town}".strip()) if part)


def letter_for_offer(offer: Any, sender: Contact, employer: dict | None = None,
                     today: date | None = None) -> Letter:
    """A letter prepared for `offer`: company, job, reference, address, subject, date, greeting, closing.

    The three paragraphs (vous / moi / nous) stay empty: the learner writes them.
    """
    offer = offer if isinstance(offer, dict) else {}
    job = _text(offer.get("title"))
    reference = _text(offer.get("reference"))
    subject = t("documents.letter_subject_ref" if reference else "documents.letter_subject", "fr",
                job=job, reference=reference)
    return Letter(
        offer_id=_text(offer.get("id")),
        reference=reference,
        job_title=job,
        sender_name=sender.full_name,
        sender_address=sender.town,
        sender_email=sender.email,
        sender_phone=sender.phone,
        recipient=_text(offer.get("employer_name") or offer.get("employer")
                        or (employer or {}).get("name")),
        recipient_address=_address(offer, employer),
        place=sender.town,
        date=french_date(today or date.today()),
        subject=clean_text(subject, LINE_MAX, False),
        greeting=t("documents.letter_greeting", "fr"),
        closing=t("documents.letter_closing", "fr"),
        signature=sender.full_name,
    )
