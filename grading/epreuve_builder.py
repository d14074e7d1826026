"""Writes an épreuve's nbgrader source notebook from the check registry.

The graded cells (grade_id = check id, points = the check's points) come from the same
registry that scores the checks, so the notebook and the checks cannot drift apart; a
test compares the committed notebook with what this module builds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tremplin.grading.checks import specs_for
from tremplin.grading.epreuves import EPREUVES, page_code

from tremplin import EXERCISES_DIR


def _meta(grade_id: str, *, grade: bool = False, points: float = 0) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": True,
        "schema_version": 3,
        "solution": False,
    }
    if grade:
        meta["points"] = points
    return meta


def build_notebook(epreuve: str) -> Any:
    import nbformat

    info = EPREUVES[epreuve]
    v4 = nbformat.v4
    cells = [
        v4.new_markdown_cell(info["statement"], metadata={"nbgrader": _meta("consignes")}),
        v4.new_code_cell(page_code(epreuve), metadata={"nbgrader": _meta("page")}),
    ]
    for spec in specs_for(epreuve):
        source = (
            "### BEGIN HIDDEN TESTS\n"
            "from tremplin.grading.cells import grade\n"
            f'grade("{spec.id}")\n'
            "### END HIDDEN TESTS"
        )
        cells.append(
            v4.new_code_cell(source, metadata={"nbgrader": _meta(spec.id, grade=True, points=spec.points)})
        )
    notebook = v4.new_notebook(cells=cells)
    notebook.metadata.update(
        {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
            "tremplin": {"title": info["title"], "epreuve": epreuve},
        }
    )
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"{epreuve}-{index}"
    return notebook


def notebook_path(epreuve: str, root: Path = EXERCISES_DIR) -> Path:
    return root / epreuve / f"{epreuve}.ipynb"


def render(epreuve: str) -> str:
    import nbformat

    return nbformat.writes(build_notebook(epreuve)) + "\n"


def write_all(root: Path = EXERCISES_DIR) -> list[Path]:
    written = []
    for epreuve in EPREUVES:
        path = notebook_path(epreuve, root)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(epreuve), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_all():
        print(written_path)
