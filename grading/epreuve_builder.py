"""Writes an épreuve's nbgrader source notebook from the check registry and the review items.

The graded cells (grade_id = check id, points = the check's points) come from the same
registry that scores the checks, so the notebook and the checks cannot drift apart; a
test compares the committed notebook with what this module builds.

After the checks come the épreuve's human review items (grading/review_items.py), one
« manually graded answer » cell each (grade and solution, grade_id = the item's id). Two
nbgrader 0.9.6 rules shape its source (see `review_source`):
- generate_assignment replaces a solution cell without a « ### BEGIN SOLUTION » region by
  « raise NotImplementedError() »: the region keeps the `show_for_review` call;
- autograde gives 0 to a solution cell whose checksum equals its master copy's (« no
  response »). The region sits inside a hidden-tests region, which generate_assignment
  keeps in the gradebook's master copy and strips from the released one: the two
  differ, so autograde leaves the score to the mediator (auto_score None,
  needs_manual_grade). The stub never runs: only the gradebook holds it.
A solution cell is never locked (nbgrader restores no source for it); a learner who edits
it can only lose the display, never gain points: a manual score is the only score.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tremplin.grading.checks import specs_for
from tremplin.grading.epreuve_texts_en import TITLES_EN
from tremplin.grading.epreuves import EPREUVES, page_code
from tremplin.grading.review_items import ReviewItem, items_for

from tremplin import EXERCISES_DIR, NOTEBOOKS_DIR

#: The kiosk page's first cell: warms the kernel up while the page waits for its learner.
WAIT_FOR_VISITOR = (
    "from tremplin.grading.page_support import preload\n"
    "from tremplin.widgets.visit import wait_for_visitor\n"
    "\n"
    "preload()  # opens the world and its index while the page waits for its learner\n"
    "wait_for_visitor()"
)


def _meta(grade_id: str, *, grade: bool = False, points: float = 0, solution: bool = False) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": not solution,
        "schema_version": 3,
        "solution": solution,
    }
    if grade:
        meta["points"] = points
    return meta


def review_source(item: ReviewItem) -> str:
    """The review cell's source; learners get its first three lines (see the module's docstring)."""
    return (
        "# Relecture du médiateur : le rendu, puis la grille pour le noter à la main.\n"
        "from tremplin.grading.review_cell import show_for_review\n"
        f'show_for_review("{item.id}")\n'
        "### BEGIN HIDDEN TESTS\n"
        "### BEGIN SOLUTION\n"
        "### END SOLUTION\n"
        "### END HIDDEN TESTS"
    )


def review_cell(item: ReviewItem) -> Any:
    import nbformat

    meta = _meta(item.id, grade=True, points=item.points, solution=True)
    return nbformat.v4.new_code_cell(review_source(item), metadata={"nbgrader": meta})


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
    cells.extend(review_cell(item) for item in items_for(epreuve))
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



def build_kiosk_page(epreuve: str) -> Any:
    """The learner's épreuve page on the kiosk (notebooks/epreuves/): the same `show_epreuve` call
    as the graded notebook's page cell, so both show the same thing."""
    import nbformat

    v4 = nbformat.v4
    notebook = v4.new_notebook(
        cells=[
            v4.new_code_cell(WAIT_FOR_VISITOR, metadata={"tags": ["tremplin-wait-for-visitor"]}),
            v4.new_code_cell(page_code(epreuve)),
        ]
    )
    notebook.metadata.update(
        {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
            "tremplin": {"title": EPREUVES[epreuve]["title"], "title_en": TITLES_EN[epreuve]},
        }
    )
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"kiosk-{epreuve}-{index}"
    return notebook


def kiosk_page_path(epreuve: str, root: Path = NOTEBOOKS_DIR) -> Path:
    return root / "epreuves" / f"{epreuve}.ipynb"


def render_kiosk_page(epreuve: str) -> str:
    import nbformat

    return nbformat.writes(build_kiosk_page(epreuve)) + "\n"


def write_all(root: Path = EXERCISES_DIR, pages: Path = NOTEBOOKS_DIR) -> list[Path]:
    """Every épreuve's nbgrader source notebook and its kiosk page."""
    written = []
    for epreuve in EPREUVES:
        for path, text in (
            (notebook_path(epreuve, root), render(epreuve)),
            (kiosk_page_path(epreuve, pages), render_kiosk_page(epreuve)),
        ):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_all():
        print(written_path)
