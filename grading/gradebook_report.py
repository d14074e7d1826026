"""Per-competence results from nbgrader's gradebook: scores in, competences out.

The steps, each its own function:
    read_scores   gradebook -> one ScoreRow per (learner, épreuve, graded cell)
    aggregate     rows + check map + validation rule -> LearnerResult per learner

Each competence keeps its evidence (which épreuve, which checks earned points), the date
it was validated (the latest hand-in behind it) and the human reviews still waiting: a
review cell the mediator has not scored yet is left out of the points and marks the
competence provisional, so no attestation is issued before a human has looked.

The grade_id -> competences map is injected (by default, Tremplin's check registry); it
never comes from a submission. Rows are keyed by the gradebook's *source* grade cells
(a Grade's name is its GradeCell's name), so a learner who edits a cell's metadata in
their copy cannot add, rename or re-map a graded cell. A grade_id the map does not know
is skipped with a warning instead of being guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from tremplin.widgets.i18n import t


class CheckInfo(Protocol):
    """What the report needs of a check; the registry's CheckSpec already fits."""

    competences: tuple[str, ...]
    critical: bool
    level: str


@dataclass(frozen=True)
class CheckMeta:
    """A plain CheckInfo, for maps built by hand (tests, other registries)."""

    competences: tuple[str, ...]
    critical: bool = False
    level: str = "N1"
    #: Scored by a human in the formgrader (an unscored one is a pending review, not a 0).
    manual: bool = False


LEVELS = ("N1", "N2", "N3")


#: is_validated(competence_id, points, max_points, critical_failures) -> bool
Validator = Callable[[str, float, float, int], bool]


@dataclass(frozen=True)
class ScoreRow:
    """One graded cell of one épreuve for one learner; score 0 when nothing was handed in.

    `when` is the hand-in's time; `pending`: nobody (neither the autograder nor a human)
    scored the cell; `reviewed`: a human scored it and nbgrader does not ask for another
    look (a new hand-in of the épreuve asks again).
    """

    learner: str
    epreuve: str
    grade_id: str
    score: float
    max_score: float
    when: datetime | None = None
    pending: bool = False
    reviewed: bool = False


@dataclass
class CompetenceTally:
    points: float = 0.0
    max_points: float = 0.0
    critical_failures: int = 0
    validated: bool = False
    #: The highest level reached (N1–N3), None when not validated.
    level: str | None = None
    #: level -> [points, max_points] of the checks written for that level.
    by_level: dict[str, list[float]] = field(default_factory=dict)
    #: épreuve -> grade ids that earned points there (the evidence behind the competence).
    evidence: dict[str, list[str]] = field(default_factory=dict)
    #: "épreuve/grade_id" of the human reviews not scored yet.
    pending_reviews: list[str] = field(default_factory=list)
    #: The latest hand-in that counted for this competence.
    last_hand_in: datetime | None = None

    def add(self, level: str, score: float, max_score: float, critical_failed: bool) -> None:
        self.points += score
        self.max_points += max_score
        self.critical_failures += int(critical_failed)
        earned = self.by_level.setdefault(level if level in LEVELS else LEVELS[0], [0.0, 0.0])
        earned[0] += score
        earned[1] += max_score

    def note(self, row: ScoreRow) -> None:
        """Remember where this competence's points come from and when they were handed in."""
        if row.when is not None and (self.last_hand_in is None or row.when > self.last_hand_in):
            self.last_hand_in = row.when
        checks = self.evidence.setdefault(row.epreuve, []) if row.when is not None else None
        if checks is not None and row.score > 0 and row.grade_id not in checks:
            checks.append(row.grade_id)

    @property
    def provisional(self) -> bool:
        """A human review is still waiting: the level may change once it is scored."""
        return bool(self.pending_reviews)

    @property
    def validated_on(self) -> str | None:
        """ISO date of the latest hand-in behind a validated competence."""
        if not self.validated or self.last_hand_in is None:
            return None
        return self.last_hand_in.date().isoformat()

    def settle(self, cid: str, is_validated: Validator) -> None:
        """Level N is reached when the checks of N and below, together, meet the competence's
        rule; a critical failure at any level counts against every level (it defeats the
        purpose of the competence, whatever else went well)."""
        self.level = None
        points = max_points = 0.0
        for level in LEVELS:
            if level not in self.by_level:
                continue
            points += self.by_level[level][0]
            max_points += self.by_level[level][1]
            if not is_validated(cid, points, max_points, self.critical_failures):
                break
            self.level = level
        self.validated = self.level is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "points": round(self.points, 2),
            "max_points": round(self.max_points, 2),
            "validated": self.validated,
            "level": self.level,
            "critical_failures": self.critical_failures,
            "validated_on": self.validated_on,
            "evidence": [{"epreuve": e, "checks": list(ids)} for e, ids in self.evidence.items()],
            "pending_reviews": list(self.pending_reviews),
        }


@dataclass
class LearnerResult:
    id: str
    competences: dict[str, CompetenceTally] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "competences": {cid: tally.to_json() for cid, tally in self.competences.items()},
        }


@dataclass
class Report:
    learners: list[LearnerResult]
    warnings: list[str] = field(default_factory=list)
    #: competence -> its validation rule in words (from the referential), shown with the results.
    rules: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Exactly `{"learners": [...], "group": {...}}`; warnings are for the terminal."""
        return {"learners": [learner.to_json() for learner in self.learners], "group": self.group()}

    def group(self) -> dict[str, dict[str, Any]]:
        """Per competence, over the whole group: how many learners validated it, at which level,
        and how many results wait for a human review."""
        summary: dict[str, dict[str, Any]] = {}
        for learner in self.learners:
            for cid, tally in learner.competences.items():
                item = summary.setdefault(cid, {"learners": 0, "validated": 0, "pending_reviews": 0,
                                                "levels": dict.fromkeys(LEVELS, 0)})
                item["learners"] += 1
                item["rule"] = self.rules.get(cid)
                item["pending_reviews"] += int(tally.provisional)
                if tally.validated:
                    item["validated"] += 1
                    item["levels"][tally.level] += 1
        return dict(sorted(summary.items(), key=_natural))

    def learner(self, learner_id: str) -> LearnerResult | None:
        return next((item for item in self.learners if item.id == learner_id), None)


# -- validation rules ------------------------------------------------------------------

#: Fallback rule while no referential is installed: at least 70 % and no critical failure.
DEFAULT_THRESHOLD = 0.7


def default_rule(_cid: str, points: float, max_points: float, critical_failures: int) -> bool:
    return max_points > 0 and points / max_points >= DEFAULT_THRESHOLD and critical_failures == 0


def referential_validator() -> Validator:
    """The referential's rule per competence (grading/referential.py), else `default_rule`."""
    import importlib.util

    if importlib.util.find_spec("tremplin.grading.referential") is None:
        return default_rule
    from tremplin.grading.referential import load_referential

    referential = load_referential()

    def is_validated(cid: str, points: float, max_points: float, critical: int) -> bool:
        return bool(referential.rule_for(cid).is_validated(points, max_points, critical))

    return is_validated


def registry_checks() -> Mapping[str, CheckInfo]:
    """grade_id -> metadata: Tremplin's check registry and its human-review items."""
    from tremplin.grading.checks import REGISTRY
    from tremplin.grading.review_items import REVIEW_ITEMS

    return {**{spec.id: spec for spec in REGISTRY.all()}, **REVIEW_ITEMS}


# -- step 1: the gradebook -------------------------------------------------------------


def read_scores(
    gradebook: Any, learners: Iterable[str], epreuves: Iterable[str]
) -> list[ScoreRow]:
    """One row per learner × épreuve × source grade cell, from an open nbgrader Gradebook.

    Score = manual score if a human set one, else the autograder's, else 0 (extra credit
    is not counted: competences are earned by checks, not bonuses). A graded cell of a
    hand-in with neither score is a human review still waiting (`pending`). An épreuve
    without a hand-in counts every cell at 0 so the learner still shows its competences.

    Two queries in all (grade cells, then every grade with its hand-in): walking nbgrader's
    ORM objects instead costs several queries per hand-in, minutes for a few hundred learners.
    """
    epreuves = list(epreuves)
    cells = _grade_cells(gradebook, epreuves)
    scores, stamps = _submitted_scores(gradebook, epreuves)
    rows: list[ScoreRow] = []
    for learner in learners:
        for epreuve in epreuves:
            when = _aware(stamps.get((learner, epreuve)))
            for notebook, grade_id, max_score in cells.get(epreuve, []):
                key = (learner, epreuve, notebook, grade_id)
                auto, manual, asks_human = scores.get(key, (None, None, True))
                score = manual if manual is not None else auto
                rows.append(ScoreRow(learner, epreuve, grade_id, score or 0.0, max_score, when,
                                     pending=score is None and when is not None,
                                     reviewed=manual is not None and not asks_human))
    return rows


def _aware(moment: datetime | None) -> datetime | None:
    """nbgrader stores naive UTC times."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _grade_cells(gradebook: Any, epreuves: list[str]) -> dict[str, list[tuple[str, str, float]]]:
    """épreuve -> (notebook, grade id, max score) of its source grade cells, in notebook order."""
    from nbgrader.api import Assignment, GradeCell, Notebook

    found = (
        gradebook.db.query(Assignment.name, Notebook.name, GradeCell.name, GradeCell.max_score, GradeCell.id)
        .join(Notebook, Notebook.assignment_id == Assignment.id)
        .join(GradeCell, GradeCell.notebook_id == Notebook.id)
        .filter(Assignment.name.in_(epreuves))
    )
    position = _insertion_order(gradebook)
    cells: dict[str, list[tuple[str, str, float]]] = {}
    for epreuve, notebook, grade_id, max_score, _id in sorted(found, key=lambda row: position.get(row[4], 0)):
        cells.setdefault(epreuve, []).append((notebook, grade_id, float(max_score or 0)))
    return cells


def _insertion_order(gradebook: Any) -> dict[str, int]:
    """Cell id -> the order nbgrader wrote it in (the notebook's order); SQLite's rowid."""
    from sqlalchemy import text

    if gradebook.db.bind.dialect.name != "sqlite":
        return {}
    rows = gradebook.db.execute(text("SELECT id, rowid FROM base_cell"))
    return {cell_id: rowid for cell_id, rowid in rows}


Scores = dict[tuple[str, str, str, str], tuple[float | None, float | None, bool]]
Stamps = dict[tuple[str, str], datetime | None]


def _submitted_scores(gradebook: Any, epreuves: list[str]) -> tuple[Scores, Stamps]:
    """(learner, épreuve, notebook, grade id) -> (auto score, manual score, needs a human);
    and (learner, épreuve) -> hand-in time for every hand-in."""
    from nbgrader.api import Assignment, Grade, GradeCell, Notebook, SubmittedAssignment, SubmittedNotebook

    handed_in = (
        gradebook.db.query(SubmittedAssignment.student_id, Assignment.name, SubmittedAssignment.timestamp)
        .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
        .filter(Assignment.name.in_(epreuves))
    )
    stamps = {(learner, epreuve): when for learner, epreuve, when in handed_in}
    found = (
        gradebook.db.query(SubmittedAssignment.student_id, Assignment.name, Notebook.name, GradeCell.name,
                           Grade.auto_score, Grade.manual_score, Grade.needs_manual_grade)
        .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
        .join(SubmittedNotebook, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
        .join(Notebook, SubmittedNotebook.notebook_id == Notebook.id)
        .join(Grade, Grade.notebook_id == SubmittedNotebook.id)
        .join(GradeCell, Grade.cell_id == GradeCell.id)
        .filter(Assignment.name.in_(epreuves))
    )
    scores: Scores = {}
    for learner, epreuve, notebook, grade_id, auto, manual, asks_human in found:
        scores[(learner, epreuve, notebook, grade_id)] = (
            None if auto is None else float(auto), None if manual is None else float(manual), bool(asks_human)
        )
    return scores, stamps


# -- step 2: per competence ------------------------------------------------------------


def aggregate(
    rows: Iterable[ScoreRow],
    checks: Mapping[str, CheckInfo],
    is_validated: Validator = default_rule,
    learners: Iterable[str] = (),
) -> Report:
    """Sum points per learner, competence and level; a critical check below its max is one
    critical failure for each of its competences. `learners` lists who must appear even
    with no row at all (no épreuve released yet)."""
    results: dict[str, LearnerResult] = {lid: LearnerResult(lid) for lid in learners}
    unknown: set[str] = set()
    for row in rows:
        learner = results.setdefault(row.learner, LearnerResult(row.learner))
        check = checks.get(row.grade_id)
        if check is None:
            unknown.add(row.grade_id)
            continue
        failed_critical = check.critical and row.score < row.max_score
        level = getattr(check, "level", LEVELS[0])
        for cid in check.competences:
            tally = learner.competences.setdefault(cid, CompetenceTally())
            if getattr(check, "manual", False) and not row.reviewed and row.when is not None:
                tally.pending_reviews.append(f"{row.epreuve}/{row.grade_id}")
                continue
            tally.add(level, row.score, row.max_score, failed_critical)
            tally.note(row)
    for learner in results.values():
        learner.competences = dict(sorted(learner.competences.items(), key=_natural))
        for cid, tally in learner.competences.items():
            tally.settle(cid, is_validated)
    warnings = [t("course.unknown_grade_id", grade_id=g) for g in sorted(unknown)]
    ordered = sorted(results.values(), key=lambda item: item.id)
    return Report(ordered, warnings)


def _natural(item: tuple[str, Any]) -> tuple[Any, ...]:
    """R2 before R10."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", item[0]))


# -- the whole course ------------------------------------------------------------------


def course_report(
    course: Any,
    checks: Mapping[str, CheckInfo] | None = None,
    is_validated: Validator | None = None,
) -> Report:
    """The per-competence report of a course (a tremplin.grading.course.Course).

    Learners: everyone in the gradebook plus every workspace under the data root's
    learners/ (so a learner who handed in nothing still appears). Épreuves: those of the
    gradebook that are released or have at least one hand-in.
    """
    from nbgrader.api import Gradebook, Student

    checks = registry_checks() if checks is None else checks
    is_validated = referential_validator() if is_validated is None else is_validated
    layout = course.layout
    with Gradebook(layout.db_url, layout.course_id) as gradebook:
        released = set(course.released_epreuves())
        epreuves = [name for name, handed_in in _assignments(gradebook) if name in released or handed_in]
        students = {student_id for (student_id,) in gradebook.db.query(Student.id)}
        learners = sorted(students | set(workspace_learners(layout)))
        rows = read_scores(gradebook, learners, epreuves)
    report = aggregate(rows, checks, is_validated, learners)
    report.warnings.extend(ungraded_warnings(layout, epreuves))
    report.rules = referential_rules()
    return report


def referential_rules() -> dict[str, str]:
    """Each competence's validation rule in French words, read from the referential."""
    from tremplin.grading.referential import load_referential, rule_text

    referential = load_referential()
    return {c.id: rule_text(referential.rule_for(c.id)) for c in referential.competences}


def _assignments(gradebook: Any) -> list[tuple[str, bool]]:
    """(épreuve, has at least one hand-in) for every assignment of the gradebook, by name."""
    from nbgrader.api import Assignment, SubmittedAssignment
    from sqlalchemy import func

    counts = (
        gradebook.db.query(Assignment.name, func.count(SubmittedAssignment.id))
        .outerjoin(SubmittedAssignment, SubmittedAssignment.assignment_id == Assignment.id)
        .group_by(Assignment.name)
        .order_by(Assignment.name)
    )
    return [(name, count > 0) for name, count in counts]


def ungraded_warnings(layout: Any, epreuves: Iterable[str]) -> list[str]:
    """A collected hand-in without an autograded copy counts 0: say so, never silently."""
    warnings = []
    for epreuve in epreuves:
        for folder in sorted((layout.course_dir / "submitted").glob(f"*/{epreuve}")):
            learner = folder.parent.name
            if not layout.step_dir("autograded", learner, epreuve).is_dir():
                warnings.append(t("course.not_graded", epreuve=epreuve, learner=learner))
    return warnings


def workspace_learners(layout: Any) -> list[str]:
    """Slugs of the workspaces under the data root's learners/ (folders with a profile)."""
    folder = layout.learners_dir
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / "profile.json").is_file())
