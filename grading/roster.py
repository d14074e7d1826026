"""A group's roster (CSV: id, pseudonym, optional email) checked, then added to the gradebook.

Parsing and validation are pure (`parse_roster`, `decode_roster`, `conflicts`): they return
the rows and every problem, line by line, in French, so the mediator fixes the whole file
at once. `import_roster` is the only writer, and it writes all rows or none: a roster with
one bad line leaves the gradebook exactly as it was.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tremplin.grading.course import require_writable
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t
from tremplin.widgets.workspace import Workspace, WorkspaceError, pseudonym_slug, validate_pseudonym

#: The gradebook id of a learner: what `pseudonym_slug` makes, and short enough for folders.
LEARNER_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;.]{2,}$")
#: Header names accepted for each column (case-insensitive), French names included.
COLUMNS = {
    "id": ("id", "identifiant"),
    "pseudonym": ("pseudonym", "pseudonyme"),
    "email": ("email", "e-mail", "courriel", "mail"),
}
#: Tried in this order; cp1252 is Latin-1 plus the Windows quotes and the euro sign.
ENCODINGS = (("utf-8-sig", "UTF-8"), ("cp1252", "Windows-1252 (Latin-1)"))
MAX_BYTES = 5_000_000


@dataclass(frozen=True)
class RosterRow:
    line: int
    learner_id: str
    pseudonym: str
    email: str = ""


@dataclass
class Roster:
    """What a roster file holds: the good rows, the problems, and how it was read."""

    rows: list[RosterRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    encoding: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


# -- reading and checking (pure) -------------------------------------------------------


def decode_roster(data: bytes) -> tuple[str | None, str]:
    """(text, encoding label), or (None, reason) when the bytes are not a text file."""
    if not data.strip():
        return None, t("roster.empty")
    if b"\x00" in data:
        return None, t("roster.not_text")
    for codec, label in ENCODINGS:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec == "utf-8-sig" and data.startswith(b"\xef\xbb\xbf"):
            label = t("roster.utf8_bom")
        if any(ord(char) < 32 and char not in "\t\r\n" for char in text):
            return None, t("roster.not_text")
        return text, label
    return None, t("roster.not_text")


def parse_roster(text: str, encoding: str = "") -> Roster:
    """Every row of a roster text, or its problems; never raises on bad content."""
    roster = Roster(encoding=encoding)
    lines = text.splitlines()
    header_index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_index is None:
        roster.problems.append(t("roster.empty"))
        return roster
    delimiter, columns = _header(lines[header_index])
    missing = "pseudonym" not in columns
    if missing:
        found = ", ".join(f"« {name} »" for name in _cells(lines[header_index], delimiter)) or "—"
        roster.problems.append(t("roster.missing_column", line=header_index + 1, found=found))
        return roster
    seen: dict[str, int] = {}
    reader = csv.reader(lines[header_index + 1:], delimiter=delimiter)
    for offset, cells in enumerate(reader, start=header_index + 2):
        if not any(cell.strip() for cell in cells):
            continue
        row = _row(offset, cells, columns, roster.problems)
        if row is None:
            continue
        if row.learner_id in seen:
            roster.problems.append(
                t("roster.duplicate", line=offset, id=row.learner_id, first=seen[row.learner_id])
            )
            continue
        seen[row.learner_id] = offset
        if row.email and not EMAIL.match(row.email):
            roster.problems.append(t("roster.bad_email", line=offset, email=_shown(row.email)))
            continue
        roster.rows.append(row)
    if not roster.rows and not roster.problems:
        roster.problems.append(t("roster.no_rows"))
    return roster


def read_roster(path: Path) -> Roster:
    """Read and check a roster file; an unreadable file is a TremplinError (one line)."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise TremplinError(t("roster.too_big", path=path))
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise TremplinError(t("roster.missing_file", path=path)) from error
    except IsADirectoryError as error:
        raise TremplinError(t("roster.not_text_file", path=path)) from error
    except OSError as error:
        raise TremplinError(t("roster.unreadable", path=path, reason=error.strerror)) from error
    text, label = decode_roster(data)
    if text is None:
        return Roster(problems=[label])
    return parse_roster(text, label)


def conflicts(
    rows: Iterable[RosterRow], gradebook_ids: Iterable[str], pseudonyms: Mapping[str, str]
) -> list[str]:
    """Rows whose id is already in the gradebook for a learner with another pseudonym."""
    present = set(gradebook_ids)
    problems = []
    for row in rows:
        known = pseudonyms.get(row.learner_id)
        if row.learner_id in present and known and known.casefold() != row.pseudonym.casefold():
            problems.append(
                t("roster.taken", line=row.line, id=row.learner_id, pseudonym=known)
            )
    return problems


def _header(line: str) -> tuple[str, dict[str, int]]:
    """The delimiter (';' or ',') whose header names the pseudonym column, and column positions."""
    best: tuple[str, dict[str, int]] = (";" if line.count(";") >= line.count(",") else ",", {})
    for delimiter in (";", ","):
        columns: dict[str, int] = {}
        for index, name in enumerate(_cells(line, delimiter)):
            for key, aliases in COLUMNS.items():
                if name.casefold() in aliases and key not in columns:
                    columns[key] = index
        if "pseudonym" in columns:
            return delimiter, columns
        if len(columns) > len(best[1]):
            best = (delimiter, columns)
    return best


def _cells(line: str, delimiter: str) -> list[str]:
    return [cell.strip() for cell in next(csv.reader([line], delimiter=delimiter), [])]


def _row(line: int, cells: list[str], columns: dict[str, int], problems: list[str]) -> RosterRow | None:
    def cell(key: str) -> str:
        index = columns.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    raw_pseudonym, raw_id, email = cell("pseudonym"), cell("id"), cell("email")
    try:
        pseudonym = validate_pseudonym(raw_pseudonym)
    except WorkspaceError as error:
        problems.append(t("roster.bad_pseudonym", line=line, pseudonym=_shown(raw_pseudonym),
                          reason=str(error).rstrip(".")))
        return None
    learner_id = raw_id or pseudonym_slug(pseudonym)
    if not LEARNER_ID.match(learner_id):
        hint = pseudonym_slug(pseudonym)
        problems.append(t("roster.bad_id", line=line, id=_shown(learner_id),
                          example=hint if LEARNER_ID.match(hint) else "amina-k"))
        return None
    return RosterRow(line, learner_id, pseudonym, email)


def _shown(value: str) -> str:
    """A value as quoted in a message: one line, at most 60 characters."""
    text = " ".join(value.split())
    return text if len(text) <= 60 else text[:59] + "…"


# -- the gradebook (the only writer) ---------------------------------------------------


@dataclass
class ImportReport:
    roster: Roster
    added: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)


def import_roster(course: Any, roster: Roster) -> ImportReport:
    """Add every row to the course's gradebook, all or nothing.

    Checks first (a roster with problems, or an id already taken by another pseudonym,
    writes nothing), then writes through nbgrader's own `update_or_create_student`; if a
    write fails half-way, the learners added by this run are removed again.
    """
    report = ImportReport(roster)
    if not roster.ok:
        return report
    require_writable(course.layout)
    from nbgrader.api import Gradebook

    try:
        gradebook = Gradebook(course.layout.db_url, course.layout.course_id)
    except Exception as error:  # a damaged or foreign database file
        raise TremplinError(
            t("roster.bad_gradebook", path=course.layout.gradebook_path, reason=_reason(error))
        ) from error
    with gradebook:
        existing = {student.id: student for student in gradebook.students}
        # the pseudonym a learner was imported with (nbgrader's first name), else their workspace's
        known = {sid: s.first_name for sid, s in existing.items() if s.first_name}
        known.update(_workspace_pseudonyms(course.layout.learners_dir, existing))
        roster.problems.extend(conflicts(roster.rows, existing, known))
        if not roster.ok:
            return report
        old_emails = {learner_id: student.email for learner_id, student in existing.items()}
        old_names = {learner_id: student.first_name for learner_id, student in existing.items()}
        try:
            for row in roster.rows:
                email = row.email or old_emails.get(row.learner_id)
                # the pseudonym as nbgrader's first name: the formgrader then shows who is who
                gradebook.update_or_create_student(row.learner_id, email=email or None,
                                                   first_name=row.pseudonym)
                (report.present if row.learner_id in existing else report.added).append(row.learner_id)
        except Exception as error:
            gradebook.db.rollback()
            for learner_id in report.added:
                gradebook.remove_student(learner_id)
            for learner_id in report.present:
                gradebook.update_or_create_student(learner_id, email=old_emails[learner_id],
                                                   first_name=old_names[learner_id])
            raise TremplinError(
                t("roster.write_failed", path=course.layout.gradebook_path, reason=_reason(error))
            ) from error
    return report


def _workspace_pseudonyms(learners_dir: Path, ids: Iterable[str]) -> dict[str, str]:
    """The pseudonym of each gradebook learner who has a workspace (the gradebook has none)."""
    known = {}
    for learner_id in ids:
        folder = learners_dir / learner_id
        if folder.is_dir():
            try:
                known[learner_id] = Workspace.open(folder).pseudonym
            except (WorkspaceError, KeyError):
                continue
    return known


def _reason(error: Exception) -> str:
    return " ".join(str(getattr(error, "orig", None) or error).split())[:200]
