"""The mediator's side of the review items, straight on nbgrader's gradebook.

`pending_reviews` lists the review cells of autograded hand-ins that no one has scored
yet; `score_review` scores one exactly as the formgrader's API does (GradeHandler.put,
CommentHandler.put in nbgrader/server_extensions/formgrader/apihandlers.py): it sets the
Grade's manual_score, recomputes needs_manual_grade, and sets the Comment's manual_comment.
Scores set here and in the formgrader are therefore the same thing, read by the report.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from tremplin.grading.review_items import REVIEW_ITEMS, ReviewItem
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import number, t


@dataclass(frozen=True)
class ReviewScore:
    """What the gradebook holds after `score_review`."""

    learner: str
    epreuve: str
    grade_id: str
    score: float
    max_score: float
    comment: str | None


@contextmanager
def _gradebook(gradebook_or_course: Any) -> Iterator[Any]:
    """An open Gradebook: the one given, or the course's (opened and closed here)."""
    layout = getattr(gradebook_or_course, "layout", None)
    if layout is None:
        yield gradebook_or_course
        return
    from nbgrader.api import Gradebook

    with Gradebook(layout.db_url, layout.course_id) as gradebook:
        yield gradebook


def pending_reviews(gradebook_or_course: Any) -> list[tuple[str, str, str]]:
    """(learner, épreuve, grade_id) of every review cell of an autograded hand-in still to score.

    Waiting = no manual score, or nbgrader asks for a look again (a new hand-in autograded
    after a score was given keeps the old score but sets needs_manual_grade)."""
    found = []
    with _gradebook(gradebook_or_course) as gradebook:
        for assignment in gradebook.assignments:
            wanted = {i.id for i in REVIEW_ITEMS.values() if i.epreuve == assignment.name}
            if not wanted:
                continue
            for submission in assignment.submissions:
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        if grade.name in wanted and (grade.manual_score is None or grade.needs_manual_grade):
                            found.append((submission.student.id, assignment.name, grade.name))
    return sorted(found)


def review_item(epreuve: str, grade_id: str) -> ReviewItem:
    """The review item of an épreuve, or a French TremplinError naming the possible ones."""
    item = REVIEW_ITEMS.get(grade_id)
    if item is None:
        raise TremplinError(t("review.unknown_grade_id", item=grade_id, known=", ".join(REVIEW_ITEMS)))
    if item.epreuve != epreuve:
        raise TremplinError(t("review.wrong_epreuve", item=grade_id, expected=item.epreuve, epreuve=epreuve))
    return item


def checked_score(item: ReviewItem, score: Any, max_score: float) -> float:
    """The score as a float within 0..max_score, else a French TremplinError."""
    try:
        value = float(score)
    except (TypeError, ValueError):
        raise TremplinError(t("review.not_a_number", item=item.id, points=number(max_score),
                              score=score)) from None
    if not math.isfinite(value) or not 0 <= value <= max_score:
        raise TremplinError(t("review.bad_score", item=item.id, points=number(max_score), score=score))
    return value


def score_review(course: Any, epreuve: str, learner: str, grade_id: str, score: float,
                 comment: str = "") -> ReviewScore:
    """Score one review of one learner's autograded hand-in; an empty comment clears it."""
    from nbgrader.api import MissingEntry

    item = review_item(epreuve, grade_id)
    with _gradebook(course) as gradebook:
        try:
            grade = gradebook.find_grade(grade_id, epreuve, epreuve, learner)
            remark = gradebook.find_comment(grade_id, epreuve, epreuve, learner)
        except MissingEntry:
            raise TremplinError(t("review.not_graded", epreuve=epreuve, learner=learner)) from None
        max_score = float(grade.max_score if grade.max_score is not None else item.points)
        grade.manual_score = checked_score(item, score, max_score)
        grade.needs_manual_grade = grade.manual_score is None and grade.auto_score is None
        remark.manual_comment = comment.strip() or None
        gradebook.db.commit()
        return ReviewScore(learner, epreuve, grade_id, grade.manual_score, max_score, remark.manual_comment)
