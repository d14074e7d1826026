"""Autograding collected hand-ins with nbgrader, one submission at a time, never silently.

nbgrader's autograde re-runs each submitted épreuve in a fresh kernel with the hand-in
folder as working directory, so the graded cells read ./workspace. Tremplin runs it
through NbGraderAPI per (épreuve, learner), with TREMPLIN_DATA set for the kernels, and
reports each submission's outcome: a run that failed (kernel died, notebook missing,
gradebook refused) is a line of its own and a non-zero exit, not a missing row.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

from tremplin.grading.course import Course, Progress
from tremplin.grading.exchange import StepResult, step_from_result, submitted_learners
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t


def autograde_epreuves(
    course: Course,
    epreuves: Iterable[str] | None = None,
    learner: str | None = None,
    progress: Progress = print,
) -> list[StepResult]:
    """Autograde every collected hand-in of the épreuves (or only `learner`'s)."""
    chosen = course.require_epreuves(epreuves)
    todo = [(e, s) for e in chosen for s in submitted_learners(course, e)]
    if learner is not None:
        todo = [(e, s) for e, s in todo if s == learner]
        if not todo:
            raise TremplinError(t("course.learner_not_submitted", learner=learner))
    if not todo:
        progress(t("course.nothing_to_grade"))
        return []
    api = course.api()
    results = []
    with course.kernel_environment(), warnings.catch_warnings():
        # nbgrader 0.9.6's autograde trips SQLAlchemy "not in session" warnings on every
        # new submission; they are harmless and would bury the progress lines.
        warnings.filterwarnings("ignore", message=".*not in session.*")
        for index, (epreuve_id, student_id) in enumerate(todo, start=1):
            progress(t("course.grading", index=index, total=len(todo),
                       epreuve=epreuve_id, learner=student_id))
            result = step_from_result(api.autograde(epreuve_id, student_id), epreuve_id, student_id)
            if not result.ok:
                progress(t("course.grade_failed", epreuve=epreuve_id, learner=student_id,
                           reason=result.message))
            results.append(result)
    failed = sum(not r.ok for r in results)
    progress(t("course.graded", ok=len(results) - failed, failed=failed))
    return results
