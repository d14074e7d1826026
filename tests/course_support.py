"""Builders for tests that need a real nbgrader course: a tiny épreuve, learners, copies.

The épreuve's graded cells read the hand-in's ./workspace, so what a learner wrote decides
the scores; `clone_course` makes an identical second course (same gradebook, same
hand-ins) so two ways of grading can be compared on the same submissions.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
from tremplin.grading.course import Course, CourseLayout, init_course, open_course
from tremplin.grading.exchange import collect_epreuves, hand_in, release_epreuves
from tremplin.widgets.workspace import Workspace

EPREUVE = "lettre-courte"
LETTER = "workspace/documents/lettre.txt"
#: grade_id → (points, test run by the graded cell on the learner's letter `text`)
GRADE_CELLS = {
    "t-bonjour": (2, "assert 'bonjour' in text"),
    "t-formule": (1, "assert 'cordialement' in text"),
    "t-donnees": (1, "assert (Path(os.environ['TREMPLIN_DATA']) / 'world-marker.txt').is_file()"),
}


def _quiet(_line: str) -> None:
    return None


def nbgrader_meta(grade_id: str, points: float | None = None) -> dict:
    meta = {"grade": points is not None, "grade_id": grade_id, "locked": True,
            "schema_version": 3, "solution": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def build_epreuve(exercises: Path) -> Path:
    """exercises/lettre-courte/: a statement, a reading cell and one cell per GRADE_CELLS."""
    v4 = nbformat.v4
    read = (
        "import os\nfrom pathlib import Path\n"
        f"letter = Path({LETTER!r})\n"
        "text = letter.read_text(encoding='utf-8').lower() if letter.is_file() else ''"
    )
    cells = [v4.new_markdown_cell("Écrivez une lettre courte.", metadata=nbgrader_meta("consignes")),
             v4.new_code_cell(read, metadata=nbgrader_meta("lecture"))]
    cells += [v4.new_code_cell(code, metadata=nbgrader_meta(grade_id, points))
              for grade_id, (points, code) in GRADE_CELLS.items()]
    notebook = v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    folder = exercises / EPREUVE
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / f"{EPREUVE}.ipynb")
    return folder


def build_course(root: Path, exercises: Path, letters: dict[str, str | None]) -> Course:
    """A released épreuve, one hand-in per learner (letter text, None = no letter), collected."""
    layout = CourseLayout.under(root)
    init_course(layout, exercises_dir=exercises)
    (layout.data_root / "world-marker.txt").write_text("world\n", encoding="utf-8")
    course = open_course(layout.course_dir)
    assert all(r.ok for r in release_epreuves(course, [EPREUVE], progress=_quiet))
    for slug, letter in letters.items():
        workspace = Workspace.create(layout.learners_dir / slug, slug.capitalize())
        if letter is not None:
            (workspace.documents_dir / "lettre.txt").write_text(letter, encoding="utf-8")
        hand_in(layout.data_root, EPREUVE, slug, workspace.root)
    assert all(r.ok for r in collect_epreuves(course, [EPREUVE], progress=_quiet))
    return course


def clone_course(source: Course, root: Path, exercises: Path) -> Course:
    """An identical course under `root`: every file copied, its config pointed at `root`."""
    shutil.copytree(source.layout.data_root, root, symlinks=True)
    init_course(CourseLayout.under(root), exercises_dir=exercises)
    return open_course(root / "course")


def submitted_notebook(course: Course, learner: str) -> Path:
    return course.layout.step_dir("submitted", learner, EPREUVE) / f"{EPREUVE}.ipynb"


def gradebook_scores(course: Course) -> dict[str, dict[str, float | None]]:
    """learner → grade_id → score, for every submission in the gradebook."""
    from nbgrader.api import Gradebook

    scores: dict[str, dict[str, float | None]] = {}
    with Gradebook(course.layout.db_url, course.layout.course_id) as gradebook:
        for submission in gradebook.find_assignment(EPREUVE).submissions:
            grades = {grade.name: grade.score for notebook in submission.notebooks
                      for grade in notebook.grades}
            scores[submission.student.id] = grades
    return scores


def integrity(course: Course) -> str:
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(course.layout.gradebook_path)) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
