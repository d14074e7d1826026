"""Plain data for the mediators' dashboard: a course in, tables and lists out.

Every function here is pure (no widget, no HTML) so the dashboard page, the CSV export
and the tests read the same figures. `load_dashboard` is the one place that touches the
course: the report (grading/gradebook_report.py), the gradebook's hand-ins, the attempts
log (grading/attempts.py) and the reviews waiting (grading/review_scores.py).
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t

VALIDATED, NOT_VALIDATED, NOT_ATTEMPTED = "validated", "not_validated", "not_attempted"
#: A learner is stuck on an épreuve after this many failed attempts in a row...
STUCK_AFTER_FAILURES = 2
#: ...or when their last attempt failed longer ago than this.
STUCK_AFTER = timedelta(days=14)
CSV_DELIMITER = ";"  # what French spreadsheets open without asking


class AttemptLike(Protocol):
    """One autograded hand-in, as grading/attempts.py records it."""

    learner: str
    epreuve: str
    when: datetime
    points: float
    max_points: float
    passed: bool


# -- the heat map ----------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    status: str
    level: str | None = None
    points: float = 0.0
    max_points: float = 0.0
    #: A human review of this competence waits: the result may still change.
    provisional: bool = False

    @property
    def mark(self) -> str:
        """What the cell shows: the level reached, « ✘ » not validated, « — » not attempted."""
        if self.status == VALIDATED:
            return self.level or "✔"
        return "✘" if self.status == NOT_VALIDATED else "—"


EMPTY = Cell(NOT_ATTEMPTED)


@dataclass(frozen=True)
class Matrix:
    learners: tuple[str, ...]
    competences: tuple[str, ...]
    cells: Mapping[tuple[str, str], Cell] = field(default_factory=dict)

    def cell(self, learner: str, competence: str) -> Cell:
        return self.cells.get((learner, competence), EMPTY)


def natural_key(text: str) -> tuple[Any, ...]:
    """R2 before R10."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", text) if p)


def matrix(report: Any, attempted: Collection[tuple[str, str]] | None = None) -> Matrix:
    """Learners × competences of a report (gradebook_report.Report).

    `attempted` holds the (learner, competence) pairs with at least one hand-in; a
    competence outside it is « not attempted » even though the report counts it at 0.
    Without it, a competence with no point at all counts as not attempted.
    """
    cells: dict[tuple[str, str], Cell] = {}
    competences: set[str] = set()
    for learner in report.learners:
        for cid, tally in learner.competences.items():
            competences.add(cid)
            tried = (learner.id, cid) in attempted if attempted is not None else tally.points > 0
            status = VALIDATED if tally.validated else NOT_VALIDATED if tried else NOT_ATTEMPTED
            cells[(learner.id, cid)] = Cell(status, tally.level if tally.validated else None,
                                            float(tally.points), float(tally.max_points),
                                            bool(getattr(tally, "pending_reviews", None)))
    learners = tuple(learner.id for learner in report.learners)
    return Matrix(learners, tuple(sorted(competences, key=natural_key)), cells)


def to_csv(table: Matrix) -> str:
    """The heat map as CSV (« ; », one line per learner): N1–N3, « non validée », « non tentée »."""
    words = {NOT_VALIDATED: t("dashboard.csv_not_validated"), NOT_ATTEMPTED: t("dashboard.csv_not_attempted")}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([t("dashboard.csv_learner"), *table.competences])
    for learner in table.learners:
        row = []
        for cid in table.competences:
            cell = table.cell(learner, cid)
            row.append(cell.mark if cell.status == VALIDATED else words[cell.status])
        writer.writerow([learner, *row])
    return out.getvalue()


# -- progress over time ----------------------------------------------------------------


@dataclass(frozen=True)
class WeekProgress:
    week: date  # the Monday the week starts on
    validated: int  # learner × competence pairs validated by the end of the week
    new: int  # of which validated during the week


def week_of(moment: datetime) -> date:
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


def progress_over_time(
    attempts: Iterable[AttemptLike], epreuve_competences: Mapping[str, Iterable[str]] | None = None
) -> list[WeekProgress]:
    """Per week, from the first passed attempt on: competences validated in the group so far.

    A passed attempt validates the competences of its épreuve for its learner (each pair
    counts once, on its first pass). Weeks without a new validation still appear, so the
    chart's time axis is even. `epreuve_competences` defaults to the check registry's.
    """
    competences_of = _or_registry(epreuve_competences)
    first: dict[tuple[str, str], date] = {}
    for attempt in sorted((a for a in attempts if a.passed), key=lambda a: a.when):
        for cid in competences_of.get(attempt.epreuve, ()):
            first.setdefault((attempt.learner, cid), week_of(attempt.when))
    if not first:
        return []
    per_week: dict[date, int] = defaultdict(int)
    for week in first.values():
        per_week[week] += 1
    weeks, total, week = [], 0, min(per_week)
    while week <= max(per_week):
        total += per_week.get(week, 0)
        weeks.append(WeekProgress(week, total, per_week.get(week, 0)))
        week += timedelta(days=7)
    return weeks


# -- who is stuck ----------------------------------------------------------------------


@dataclass(frozen=True)
class StuckItem:
    learner: str
    epreuve: str
    failed_attempts: int  # failed attempts in a row, up to the last one
    last_attempt: datetime
    reason: str  # "repeated" (≥ 2 failures) or "stale" (last failure > 14 days ago)
    competences: tuple[str, ...]  # the épreuve's competences the learner has not validated
    check: str | None  # the check that lost the most points in the last graded hand-in


def stuck(
    report: Any,
    attempts: Iterable[AttemptLike],
    now: datetime,
    *,
    epreuve_competences: Mapping[str, Iterable[str]] | None = None,
    rows: Iterable[Any] = (),
) -> list[StuckItem]:
    """Learners stuck on an épreuve: its last attempt failed, and it is the 2nd failure in a
    row or it is more than 14 days old. `rows` are the gradebook's ScoreRow (learner,
    épreuve, grade_id, score, max_score) of the last graded hand-ins; they name the check."""
    competences_of = _or_registry(epreuve_competences)
    history: dict[tuple[str, str], list[AttemptLike]] = defaultdict(list)
    for attempt in attempts:
        history[(attempt.learner, attempt.epreuve)].append(attempt)
    worst = _worst_checks(rows)
    items = []
    for (learner, epreuve), tries in history.items():
        tries.sort(key=lambda a: a.when)
        failures = 0
        for attempt in reversed(tries):
            if attempt.passed:
                break
            failures += 1
        if not failures:
            continue
        last = tries[-1].when
        if failures >= STUCK_AFTER_FAILURES:
            reason = "repeated"
        elif now - last > STUCK_AFTER:
            reason = "stale"
        else:
            continue
        result = report.learner(learner) if hasattr(report, "learner") else None
        missing = tuple(
            cid for cid in sorted(competences_of.get(epreuve, ()), key=natural_key)
            if result is None or not (result.competences.get(cid) and result.competences[cid].validated)
        )
        items.append(StuckItem(learner, epreuve, failures, last, reason, missing,
                               worst.get((learner, epreuve))))
    return sorted(items, key=lambda item: (item.learner, item.epreuve))


def _worst_checks(rows: Iterable[Any]) -> dict[tuple[str, str], str]:
    """(learner, épreuve) -> the grade id that lost the most points (ties: first by id)."""
    lost: dict[tuple[str, str], tuple[float, str]] = {}
    for row in rows:
        gap = float(row.max_score) - float(row.score)
        if gap <= 0:
            continue
        key = (row.learner, row.epreuve)
        best = lost.get(key)
        if best is None or (-gap, row.grade_id) < (-best[0], best[1]):
            lost[key] = (gap, row.grade_id)
    return {key: grade_id for key, (_gap, grade_id) in lost.items()}


# -- reviews waiting -------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewWaiting:
    learner: str
    epreuve: str
    grade_id: str
    title: str


def reviews_waiting(course: Any) -> list[ReviewWaiting]:
    """The human reviews not scored yet (grading/review_scores.pending_reviews), with titles."""
    from tremplin.grading.review_scores import pending_reviews

    items = _review_items()
    waiting = []
    for learner, epreuve, grade_id in pending_reviews(course):
        item = items.get(grade_id)
        title = t(item.title_key) if item is not None and getattr(item, "title_key", None) else grade_id
        waiting.append(ReviewWaiting(learner, epreuve, grade_id, title))
    return sorted(waiting, key=lambda r: (r.learner, r.epreuve, r.grade_id))


def _review_items() -> Mapping[str, Any]:
    try:
        from tremplin.grading.review_items import REVIEW_ITEMS
    except ModuleNotFoundError as error:  # the review helper's module is not installed yet
        if error.name != "tremplin.grading.review_items":
            raise
        return {}
    return REVIEW_ITEMS


# -- the checks' map -------------------------------------------------------------------


def _or_registry(epreuve_competences: Mapping[str, Iterable[str]] | None) -> Mapping[str, Iterable[str]]:
    return registry_epreuve_competences() if epreuve_competences is None else epreuve_competences


@cache
def known_checks() -> dict[str, Any]:
    """grade_id -> check metadata: the automatic checks plus the human review items."""
    from tremplin.grading.gradebook_report import registry_checks

    return {**registry_checks(), **_review_items()}


def registry_epreuve_competences() -> dict[str, tuple[str, ...]]:
    """épreuve -> its competences, from the check registry and the review items."""
    from tremplin.grading.checks import REGISTRY

    found: dict[str, set[str]] = defaultdict(set)
    for spec in REGISTRY.all():
        for epreuve in spec.epreuves:
            found[epreuve].update(spec.competences)
    for item in _review_items().values():
        found[item.epreuve].update(item.competences)
    return {epreuve: tuple(sorted(cids, key=natural_key)) for epreuve, cids in found.items()}


# -- the whole course ------------------------------------------------------------------


@dataclass
class Dashboard:
    matrix: Matrix
    progress: list[WeekProgress]
    stuck: list[StuckItem]
    reviews: list[ReviewWaiting]
    warnings: list[str]
    generated: datetime


@dataclass
class HandIns:
    """What the gradebook says about hand-ins, beyond the report's sums."""

    epreuve_competences: dict[str, tuple[str, ...]]
    attempted: set[tuple[str, str]]
    rows: list[Any]


def course_dir_from_env(explicit: str | Path | None = None) -> Path:
    """The argument, else $TREMPLIN_COURSE, else the data root's course/."""
    from tremplin.grading.course import learner_course_dir

    return Path(explicit).expanduser().resolve() if explicit else learner_course_dir()


def load_dashboard(
    course_dir: Path,
    now: datetime | None = None,
    checks: Mapping[str, Any] | None = None,
    is_validated: Any = None,
) -> Dashboard:
    """Everything the dashboard shows, read once; a missing course or gradebook is a French
    TremplinError (opening the course never creates a gradebook from here)."""
    from tremplin.grading.course import CONFIG_NAME, open_course
    from tremplin.grading.gradebook_report import course_report

    course_dir = Path(course_dir).resolve()
    if not (course_dir / CONFIG_NAME).is_file():
        raise TremplinError(t("dashboard.no_course", path=course_dir))
    gradebook = course_dir / "gradebook.db"
    if not gradebook.is_file() or gradebook.stat().st_size == 0:
        raise TremplinError(t("dashboard.no_gradebook", path=gradebook))
    course = open_course(course_dir)
    report = course_report(course, checks, is_validated)
    hand_ins = read_hand_ins(course, known_checks() if checks is None else checks,
                             [learner.id for learner in report.learners])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        attempts = course_attempts(course_dir)  # a damaged line is a warning, shown in the page
    now = now or datetime.now(UTC)
    competences_of = {**registry_epreuve_competences(), **hand_ins.epreuve_competences}
    return Dashboard(
        matrix=matrix(report, hand_ins.attempted),
        progress=progress_over_time(attempts, competences_of),
        stuck=stuck(report, attempts, now, epreuve_competences=competences_of, rows=hand_ins.rows),
        reviews=course_reviews(course),
        warnings=[*report.warnings, *(str(item.message) for item in caught)],
        generated=now,
    )


def read_hand_ins(course: Any, checks: Mapping[str, Any], learners: Iterable[str]) -> HandIns:
    """Each épreuve's competences (its graded cells through `checks`), who handed in what,
    and the scores of those hand-ins (a few queries, whatever the size of the group)."""
    from nbgrader.api import Assignment, Gradebook, SubmittedAssignment
    from tremplin.grading.gradebook_report import read_scores

    layout = course.layout
    with Gradebook(layout.db_url, layout.course_id) as gradebook:
        handed = set(
            gradebook.db.query(SubmittedAssignment.student_id, Assignment.name)
            .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
        )
        epreuves = sorted(name for (name,) in gradebook.db.query(Assignment.name))
        rows = read_scores(gradebook, sorted(set(learners) | {lid for lid, _e in handed}), epreuves)
    found: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        check = checks.get(row.grade_id)
        found[row.epreuve].update(check.competences if check is not None else ())
    competences_of = {epreuve: tuple(sorted(cids, key=natural_key)) for epreuve, cids in found.items()}
    attempted = {(lid, cid) for lid, epreuve in handed for cid in competences_of.get(epreuve, ())}
    kept = [row for row in rows  # a review nobody scored yet is not a failed check
            if (row.learner, row.epreuve) in handed and not getattr(row, "pending", False)]
    return HandIns(competences_of, attempted, kept)


def course_attempts(course_dir: Path) -> list[AttemptLike]:
    """The attempts log (grading/attempts.py); empty while that module is not installed."""
    try:
        from tremplin.grading.attempts import all_attempts
    except ModuleNotFoundError as error:
        if error.name != "tremplin.grading.attempts":
            raise
        return []
    return list(all_attempts(course_dir))


def course_reviews(course: Any) -> list[ReviewWaiting]:
    """`reviews_waiting`, empty while grading/review_scores.py is not installed."""
    try:
        return reviews_waiting(course)
    except ModuleNotFoundError as error:
        if error.name != "tremplin.grading.review_scores":
            raise
        return []
