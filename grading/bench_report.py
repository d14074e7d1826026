"""A course of many graded learners, written straight into nbgrader's gradebook, to time the
report and the attestations the way a mediator's end-of-session run would meet them.

The gradebook gets the real épreuves' graded cells (the check registry and the review
items, with their points) and one submission per learner and épreuve, scored by a seeded
draw so that some learners validate much, some little. Going through nbgrader's Gradebook
API (not raw SQL) keeps the database exactly as autograde would leave it.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from tremplin.grading.course import CourseLayout


def graded_cells(epreuve: str) -> list[tuple[str, float]]:
    """(grade id, points) of an épreuve's notebook: its checks, then its review items."""
    from tremplin.grading.checks import specs_for
    from tremplin.grading.review_items import REVIEW_ITEMS

    cells = [(spec.id, float(spec.points)) for spec in specs_for(epreuve)]
    reviews = [(item.id, float(item.points)) for item in REVIEW_ITEMS.values() if item.epreuve == epreuve]
    return cells + reviews


def synthetic_course(root: Path, learners: int, seed: int = 7) -> Any:
    """A course under `root` with `learners` learners who handed in and were graded.

    Assignments and grade cells go through nbgrader's Gradebook API; the many hand-ins and
    grades are bulk-inserted into nbgrader's own tables (its per-object API takes minutes
    for a few hundred learners), with the columns autograde would set.
    """
    from nbgrader.api import Gradebook
    from tremplin.grading.course import ensure_gradebook, init_course, open_course
    from tremplin.grading.epreuves import EPREUVES

    layout = CourseLayout.under(root)
    init_course(layout, epreuves=[])
    ensure_gradebook(layout)
    draw = random.Random(seed)
    with Gradebook(layout.db_url, layout.course_id) as gradebook:
        cells = {}
        for epreuve in EPREUVES:
            gradebook.add_assignment(epreuve)
            gradebook.add_notebook(epreuve, epreuve)
            cells[epreuve] = [
                gradebook.add_grade_cell(name, epreuve, epreuve, max_score=points, cell_type="code")
                for name, points in graded_cells(epreuve)
            ]
        _bulk_hand_ins(gradebook, cells, learners, draw)
    course = open_course(layout.course_dir)
    for epreuve in EPREUVES:  # released: the report counts released épreuves
        (layout.outbound_dir / epreuve).mkdir(parents=True, exist_ok=True)
    return course


def _bulk_hand_ins(gradebook: Any, cells: dict[str, list[Any]], learners: int, draw: random.Random) -> None:
    from datetime import datetime, timedelta

    from nbgrader.api import Grade, Student, SubmittedAssignment, SubmittedNotebook, new_uuid
    from sqlalchemy import insert
    from tremplin.grading.review_items import REVIEW_ITEMS

    assignments = {a.name: a for a in gradebook.assignments}
    students, handed, notebooks, grades = [], [], [], []
    start = datetime(2026, 9, 1, 9, 0)
    for index in range(learners):
        student = f"apprenant-{index:03d}"
        students.append({"id": student})
        skill = draw.random()
        for day, (epreuve, grade_cells) in enumerate(cells.items()):
            assignment = assignments[epreuve]
            submission_id, notebook_id = new_uuid(), new_uuid()
            handed.append({"id": submission_id, "assignment_id": assignment.id, "student_id": student,
                           "timestamp": start + timedelta(days=7 * day, minutes=index)})
            notebooks.append({"id": notebook_id, "assignment_id": submission_id,
                              "notebook_id": assignment.notebooks[0].id, "flagged": False})
            for cell in grade_cells:
                value = cell.max_score if draw.random() < skill else 0.0
                manual = cell.name in REVIEW_ITEMS
                grades.append({"id": new_uuid(), "notebook_id": notebook_id, "cell_id": cell.id,
                               "auto_score": None if manual else value,
                               "manual_score": value if manual else None, "needs_manual_grade": False})
    session = gradebook.db
    for model, rows in ((Student, students), (SubmittedAssignment, handed),
                        (SubmittedNotebook, notebooks), (Grade, grades)):
        session.execute(insert(model.__table__), rows)
    session.commit()
