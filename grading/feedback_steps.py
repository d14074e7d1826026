"""Giving learners their feedback: nbgrader's generate_feedback then release_feedback.

Both go through NbGraderAPI, one autograded submission at a time, so each hand-in gets
its own progress line and StepResult, and a failure (say a gradebook without that
submission) never hides the others. What the HTML shows is decided by the course config
(`c.GenerateFeedback.preprocessors`, see grading/feedback.py), not here, so the
formgrader's button renders the same pages.
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterable

from tremplin.grading.course import Course, Progress
from tremplin.grading.exchange import WORKSPACE_DIR, StepResult, learners_at, step_from_result, step_todo
from tremplin.widgets.i18n import t


def graded_learners(course: Course, epreuve_id: str) -> list[str]:
    """Learners whose hand-in of this épreuve was autograded (folders of autograded/)."""
    return learners_at(course, "autograded", epreuve_id)


def feedback_todo(
    course: Course, epreuves: Iterable[str] | None = None, learner: str | None = None
) -> list[tuple[str, str]]:
    """(épreuve, learner) pairs to give feedback on; asking for an ungraded learner is an error."""
    return step_todo(course, "autograded", epreuves, learner, "course_feedback.learner_not_graded")


def generate_feedback(api: object, epreuve_id: str, student_id: str) -> StepResult:
    """feedback/<learner>/<épreuve>/*.html, rewritten if it was already there."""
    with warnings.catch_warnings():
        # nbgrader 0.9.6's gradebook trips SQLAlchemy "not in session" warnings; harmless.
        warnings.filterwarnings("ignore", message=".*not in session.*")
        result = api.generate_feedback(epreuve_id, student_id, force=True)  # type: ignore[attr-defined]
    return step_from_result(result, epreuve_id, student_id)


def drop_learner_files(course: Course, epreuve_id: str, student_id: str) -> None:
    """Remove the workspace copy nbgrader puts next to the feedback HTML.

    generate_feedback copies every file of the autograded hand-in, so the learner's
    journal, mails and documents would sit a second time under feedback/; only the HTML is
    released, so that copy serves nobody.
    """
    folder = course.layout.step_dir("feedback", student_id, epreuve_id) / WORKSPACE_DIR
    shutil.rmtree(folder, ignore_errors=True)


def release_feedback(api: object, epreuve_id: str, student_id: str) -> StepResult:
    """Copy the learner's feedback HTML into the exchange's feedback/ folder."""
    with warnings.catch_warnings():
        # nbgrader 0.9.6 passes a misspelt "authentictor" to its exchange; harmless.
        warnings.filterwarnings("ignore", message=".*unrecognized arguments.*")
        result = api.release_feedback(epreuve_id, student_id)  # type: ignore[attr-defined]
    return step_from_result(result, epreuve_id, student_id)


def give_feedback(
    course: Course,
    epreuves: Iterable[str] | None = None,
    learner: str | None = None,
    progress: Progress = print,
) -> list[StepResult]:
    """Generate then release the feedback of every autograded hand-in (or only `learner`'s)."""
    todo = feedback_todo(course, epreuves, learner)
    if not todo:
        progress(t("course_feedback.nothing_graded"))
        return []
    api = course.api()
    results = []
    for index, (epreuve_id, student_id) in enumerate(todo, start=1):
        progress(t("course_feedback.start", index=index, total=len(todo),
                   epreuve=epreuve_id, learner=student_id))
        result = generate_feedback(api, epreuve_id, student_id)
        drop_learner_files(course, epreuve_id, student_id)
        if result.ok:
            result = release_feedback(api, epreuve_id, student_id)
        if result.ok:
            progress(t("course_feedback.given", epreuve=epreuve_id, learner=student_id))
        else:
            progress(t("course_feedback.failed", epreuve=epreuve_id, learner=student_id,
                       reason=result.message))
        results.append(result)
    failed = sum(not r.ok for r in results)
    progress(t("course_feedback.done", ok=len(results) - failed, failed=failed))
    return results
