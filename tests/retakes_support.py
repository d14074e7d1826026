"""A tiny épreuve released through real nbgrader, for the retake and hand-in-check tests.

Two graded cells: one reads the learner's letter in ./workspace (like a real check reads the
snapshot), one opens the workspace as the checks do (Workspace.open, then its journal), so a
missing or damaged workspace shows in the score.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from course_support import nbgrader_meta
from tremplin.grading.course import Course, CourseLayout, init_course, open_course
from tremplin.grading.exchange import release_epreuves
from tremplin.widgets.workspace import Workspace

EPREUVE = "mini-rendu"
NOTEBOOK = f"{EPREUVE}.ipynb"
LETTER_CELL = (
    "from pathlib import Path\n"
    "letter = Path('workspace/documents/lettre.txt')\n"
    "assert letter.is_file() and 'bonjour' in letter.read_text(encoding='utf-8').lower()"
)
PROFILE_CELL = (
    "from pathlib import Path\n"
    "from tremplin.widgets.workspace import Workspace\n"
    "events = Workspace.open(Path('workspace')).events()"
)


def build_epreuve(folder: Path) -> None:
    v4 = nbformat.v4
    notebook = v4.new_notebook(cells=[
        v4.new_markdown_cell("Écrivez une lettre qui dit bonjour.", metadata=nbgrader_meta("consignes")),
        v4.new_code_cell(LETTER_CELL, metadata=nbgrader_meta("t-lettre", 2)),
        v4.new_code_cell(PROFILE_CELL, metadata=nbgrader_meta("t-profil", 1)),
    ])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / NOTEBOOK)


def released_course(tmp: Path) -> Course:
    """init + release of the tiny épreuve under `tmp/data`."""
    build_epreuve(tmp / "exercises" / EPREUVE)
    layout = CourseLayout.under(tmp / "data")
    init_course(layout, exercises_dir=tmp / "exercises")
    course = open_course(layout.course_dir)
    assert all(r.ok for r in release_epreuves(course, [EPREUVE], progress=lambda _l: None))
    return course


def make_learner(layout: CourseLayout, slug: str, letter: str | None = "Bonjour Madame") -> Workspace:
    workspace = Workspace.create(layout.learners_dir / slug, slug.capitalize())
    workspace.record("visit.start", {"context": EPREUVE})
    if letter is not None:
        (workspace.documents_dir / "lettre.txt").write_text(letter, encoding="utf-8")
    return workspace
