"""Grading a group as the mediator's command does it: check each hand-in, grade, count it.

Around nbgrader's autograde (grading/autograde.py, parallel), each hand-in is first checked
(a tampered or damaged one is put right or refused with its reason, grading/
submission_check.py) and held to the retake policy (grading/retake.py); once graded, it is
recorded as an attempt with its points and whether it passed (grading/attempts.py), which
is what the policy and the dashboard read next time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from tremplin.grading.autograde import After, Before, autograde_epreuves
from tremplin.grading.course import Course, Progress
from tremplin.grading.exchange import StepResult
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t


def grade_group(
    course: Course,
    epreuves: Iterable[str] | None = None,
    learner: str | None = None,
    progress: Progress = print,
    jobs: int | None = None,
    bar: Any = None,
) -> list[StepResult]:
    """`tremplin course autograde`: every collected hand-in, checked, graded and recorded."""
    before, after = grading_hooks(progress)
    return autograde_epreuves(course, epreuves, learner, progress, jobs, before=before, after=after, bar=bar)


def grading_hooks(progress: Progress) -> tuple[Before, After]:
    """The (before, after) pair autograde runs around each hand-in, in the parent process."""

    def before(course: Course, epreuve: str, learner: str) -> None:
        from tremplin.grading.retake import allowed_to_grade
        from tremplin.grading.submission_check import prepare_submission

        prepared = prepare_submission(course, epreuve, learner)
        if not prepared.ok:
            raise TremplinError(prepared.reason_fr)
        if prepared.reason_fr:
            progress(t("course.submission_note", epreuve=epreuve, learner=learner, reason=prepared.reason_fr))
        decision = allowed_to_grade(course.layout.course_dir, learner, epreuve)
        if not decision.allowed:
            raise TremplinError(decision.message_fr)

    def after(course: Course, result: StepResult) -> None:
        if result.ok and result.student is not None:
            record(course, result.epreuve, result.student)

    return before, after


def record(course: Course, epreuve: str, learner: str) -> None:
    """One attempt: the automatic checks' points and whether the épreuve is passed."""
    from nbgrader.api import Gradebook
    from tremplin.grading.attempts import record_attempt
    from tremplin.grading.gradebook_report import read_scores
    from tremplin.grading.retake import attempt_passed, handed_in_at

    layout = course.layout
    with Gradebook(layout.db_url, layout.course_id) as gradebook:
        rows = [row for row in read_scores(gradebook, [learner], [epreuve]) if not row.pending]
        name_unknown_learner(gradebook, layout.learners_dir, learner)
    automatic = [row for row in rows if not _is_review(row.grade_id)]
    when = handed_in_at(layout.course_dir, learner, epreuve) or datetime.now(UTC)
    record_attempt(layout.course_dir, learner, epreuve, when,
                   sum(r.score for r in automatic), sum(r.max_score for r in automatic),
                   attempt_passed(automatic))


def name_unknown_learner(gradebook: Any, learners_dir: Any, learner: str) -> None:
    """A learner nbgrader met at hand-in has no name: give it their pseudonym, so the
    formgrader shows « Alice Diligente », not only « alice-diligente »."""
    from tremplin.grading.certification import pseudonym_of

    student = gradebook.find_student(learner)
    pseudonym = pseudonym_of(learners_dir, learner)
    if not student.first_name and pseudonym != learner:
        student.first_name = pseudonym
        gradebook.db.commit()


def _is_review(grade_id: str) -> bool:
    from tremplin.grading.review_items import REVIEW_ITEMS

    return grade_id in REVIEW_ITEMS
