"""The épreuve source notebooks agree with the check registry and pass nbgrader's validation."""

from __future__ import annotations

import nbformat
from tremplin.grading.checks import specs_for
from tremplin.grading.epreuve_builder import kiosk_page_path, notebook_path, render, render_kiosk_page
from tremplin.grading.epreuves import EPREUVES


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
        graded = {
            cell.metadata["nbgrader"]["grade_id"]: cell.metadata["nbgrader"]["points"]
            for cell in notebook.cells
            if cell.metadata.get("nbgrader", {}).get("grade")
        }
        assert graded == {spec.id: spec.points for spec in specs_for(epreuve)}
        for cell in notebook.cells:
            assert cell.metadata["nbgrader"]["locked"] is True
        hidden = [c.source for c in notebook.cells if c.metadata["nbgrader"].get("grade")]
        assert all(s.startswith("### BEGIN HIDDEN TESTS") for s in hidden)
