"""Per-competence results from nbgrader's gradebook: scores in, competences out.

The steps, each its own function:
    read_scores   gradebook -> one ScoreRow per (learner, épreuve, graded cell)
    aggregate     rows + check map + validation rule -> LearnerResult per learner

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


LEVELS = ("N1", "N2", "N3")


#: is_validated(competence_id, points, max_points, critical_failures) -> bool
Validator = Callable[[str, float, float, int], bool]


@dataclass(frozen=True)
class ScoreRow:
    """One graded cell of one épreuve for one learner; score 0 when nothing was handed in."""

    learner: str
    epreuve: str
    grade_id: str
    score: float
    max_score: float


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

    def add(self, level: str, score: float, max_score: float, critical_failed: bool) -> None:
        self.points += score
        self.max_points += max_score
        self.critical_failures += int(critical_failed)
        earned = self.by_level.setdefault(level if level in LEVELS else LEVELS[0], [0.0, 0.0])
        earned[0] += score
        earned[1] += max_score

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

    def to_json(self) -> dict[str, Any]:
        """Exactly `{"learners": [...]}`; warnings are for the mediator's terminal."""
        return {"learners": [learner.to_json() for learner in self.learners]}

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
    """grade_id -> check metadata from Tremplin's check registry."""
    from tremplin.grading.checks import REGISTRY

    return {spec.id: spec for spec in REGISTRY.all()}


# -- step 1: the gradebook -------------------------------------------------------------


def read_scores(
    gradebook: Any, learners: Iterable[str], epreuves: Iterable[str]
) -> list[ScoreRow]:
    """One row per learner × épreuve × source grade cell, from an open nbgrader Gradebook.

    Score = manual score if a human set one, else the autograder's, else 0 (extra credit
    is not counted: competences are earned by checks, not bonuses). An épreuve without a
    hand-in counts every cell at 0 so the learner still shows its competences.
    """
    from nbgrader.api import MissingEntry

    rows: list[ScoreRow] = []
    cells = {e: _grade_cells(gradebook, e) for e in epreuves}
    for learner in learners:
        for epreuve, cell_list in cells.items():
            try:
                submission = gradebook.find_submission(epreuve, learner)
            except MissingEntry:
                submission = None
            scores = _submitted_scores(submission) if submission is not None else {}
            for notebook, grade_id, max_score in cell_list:
                score = scores.get((notebook, grade_id), 0.0)
                rows.append(ScoreRow(learner, epreuve, grade_id, score, max_score))
    return rows


def _grade_cells(gradebook: Any, epreuve: str) -> list[tuple[str, str, float]]:
    from nbgrader.api import MissingEntry

    try:
        assignment = gradebook.find_assignment(epreuve)
    except MissingEntry:
        return []
    return [
        (notebook.name, cell.name, float(cell.max_score or 0))
        for notebook in assignment.notebooks
        for cell in notebook.grade_cells
    ]


def _submitted_scores(submission: Any) -> dict[tuple[str, str], float]:
    scores = {}
    for notebook in submission.notebooks:
        for grade in notebook.grades:
            value = grade.manual_score if grade.manual_score is not None else grade.auto_score
            scores[(notebook.name, grade.name)] = float(value or 0.0)
    return scores


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
            tally.add(level, row.score, row.max_score, failed_critical)
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
    from nbgrader.api import Gradebook

    checks = registry_checks() if checks is None else checks
    is_validated = referential_validator() if is_validated is None else is_validated
    layout = course.layout
    with Gradebook(layout.db_url, layout.course_id) as gradebook:
        released = set(course.released_epreuves())
        epreuves = [
            a.name for a in gradebook.assignments if a.name in released or a.submissions
        ]
        learners = sorted({s.id for s in gradebook.students} | set(workspace_learners(layout)))
        rows = read_scores(gradebook, learners, epreuves)
    report = aggregate(rows, checks, is_validated, learners)
    report.warnings.extend(ungraded_warnings(layout, epreuves))
    return report


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
