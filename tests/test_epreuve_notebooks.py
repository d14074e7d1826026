"""The épreuve source notebooks agree with the check registry and pass nbgrader's validation."""

from __future__ import annotations

import nbformat
from tremplin.grading.checks import specs_for
from tremplin.grading.epreuve_builder import kiosk_page_path, notebook_path, render, render_kiosk_page
from tremplin.grading.epreuves import EPREUVES
from tremplin.grading.review_items import items_for


def test_committed_epreuves_are_what_the_builder_makes() -> None:
    for epreuve in EPREUVES:
        committed = notebook_path(epreuve).read_text(encoding="utf-8")
        assert committed == render(epreuve), (
            f"{notebook_path(epreuve)} is stale: run `python -m tremplin.grading.epreuve_builder`"
        )


def test_every_epreuve_has_its_kiosk_page() -> None:
    for epreuve in EPREUVES:
        committed = kiosk_page_path(epreuve).read_text(encoding="utf-8")
        assert committed == render_kiosk_page(epreuve), (
            f"{kiosk_page_path(epreuve)} is stale: run `python -m tremplin.grading.epreuve_builder`"
        )


def test_graded_cells_are_the_registry_checks_with_their_points() -> None:
    for epreuve in EPREUVES:
        notebook = nbformat.read(notebook_path(epreuve), as_version=4)
        meta = [cell.metadata["nbgrader"] for cell in notebook.cells]
        automatic = {m["grade_id"]: m["points"] for m in meta if m["grade"] and not m["solution"]}
        assert automatic == {spec.id: spec.points for spec in specs_for(epreuve)}
        manual = {m["grade_id"]: m["points"] for m in meta if m["grade"] and m["solution"]}
        assert manual == {item.id: item.points for item in items_for(epreuve)}
        for cell in notebook.cells:
            # nbgrader never locks an answer cell; every other cell is restored if a learner edits it
            assert cell.metadata["nbgrader"]["locked"] is not cell.metadata["nbgrader"]["solution"]
        hidden = [c.source for c, m in zip(notebook.cells, meta, strict=True)
                  if m["grade"] and not m["solution"]]
        assert all(s.startswith("### BEGIN HIDDEN TESTS") for s in hidden)
