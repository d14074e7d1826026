"""Damaged or tampered hand-ins, with REAL nbgrader: release, hand in, collect, damage, prepare,
autograde, then read the gradebook.

One course for the module: each learner's collected copy is damaged one way, every copy is
prepared, the whole group is autograded once. The tiny épreuve (retakes_support) has a
letter check (2 points) and a check that opens the workspace as the kit's checks do (1 point).
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pytest
from retakes_support import EPREUVE, NOTEBOOK, make_learner, released_course
from tremplin.grading.autograde import autograde_epreuves
from tremplin.grading.course import CourseLayout
from tremplin.grading.exchange import collect_epreuves, hand_in
from tremplin.grading.submission_check import Preparation, prepare_submission

NOW = datetime(2026, 12, 5, 10, 30, tzinfo=UTC)
KEPT = f"{NOTEBOOK}.tampered-20261205T103000Z"


def _notebook(folder: Path) -> nbformat.NotebookNode:
    return nbformat.read(folder / NOTEBOOK, as_version=4)


def _rewrite(change):
    def damage(folder: Path) -> None:
        notebook = _notebook(folder)
        change(notebook)
        nbformat.write(notebook, folder / NOTEBOOK)

    return damage


def _pirate(notebook: nbformat.NotebookNode) -> None:
    """A plain cell that would write the letter the learner never wrote, before the check."""
    cell = nbformat.v4.new_code_cell(
        "from pathlib import Path\n"
        "Path('workspace/documents/lettre.txt').write_text('bonjour', encoding='utf-8')\n"
        "Path('pirate.txt').write_text('passé', encoding='utf-8')"
    )
    notebook.cells.insert(1, cell)


def _append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


#: learner -> (has a letter, how their collected copy is damaged)
DAMAGES = {
    "intacte": (True, lambda folder: None),
    "modifie": (False, _rewrite(lambda nb: setattr(nb.cells[1], "source", "print('ok')"))),
    "ajoute": (False, _rewrite(_pirate)),
    "absent": (True, lambda folder: (folder / NOTEBOOK).unlink()),
    "sansespace": (True, lambda folder: shutil.rmtree(folder / "workspace")),
    "profilabime": (True, lambda folder: (folder / "workspace" / "profile.json").write_text(
        "{abîmé", encoding="utf-8")),
    "journal": (True, lambda folder: (
        _append(folder / "workspace" / "journal.jsonl", "ligne cassée\n"),
        (folder / "workspace" / "editor" / "cv.json").write_text("[1, 2", encoding="utf-8"),
        shutil.copy(folder / NOTEBOOK, folder / "en-trop.ipynb"),
    )),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    course = released_course(tmp_path_factory.mktemp("rendus"))
    layout = course.layout
    for slug, (letter, _damage) in DAMAGES.items():
        workspace = make_learner(layout, slug, "Bonjour Madame" if letter else None)
        hand_in(layout.data_root, EPREUVE, slug, workspace.root)
    assert all(r.ok for r in collect_epreuves(course, [EPREUVE], progress=lambda _l: None))
    for slug, (_letter, damage) in DAMAGES.items():
        damage(layout.step_dir("submitted", slug, EPREUVE))
    prepared = {slug: prepare_submission(course, EPREUVE, slug, now=NOW) for slug in DAMAGES}
    results = autograde_epreuves(course, [EPREUVE], progress=lambda _l: None)
    return {"layout": layout, "prepared": prepared, "results": {r.student: r for r in results},
            "scores": _scores(layout)}


def _scores(layout: CourseLayout) -> dict[str, dict[str, float]]:
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(layout.db_url, layout.course_id) as gradebook:
        for slug in DAMAGES:
            notebook = gradebook.find_submission_notebook(EPREUVE, EPREUVE, slug)
            scores[slug] = {grade.name: grade.score for grade in notebook.grades}
    return scores


FULL = {"t-lettre": 2.0, "t-profil": 1.0}


def test_the_whole_group_is_graded(graded: dict) -> None:
    assert all(graded["prepared"][slug].ok for slug in DAMAGES), graded["prepared"]
    assert sorted(graded["results"]) == sorted(DAMAGES)
    assert all(result.ok for result in graded["results"].values()), graded["results"]


def test_an_untouched_hand_in_is_left_alone(graded: dict) -> None:
    assert graded["prepared"]["intacte"] == Preparation(True, "", False)
    assert graded["scores"]["intacte"] == FULL


def _repaired_reason(said: str) -> str:
    return f"{said}; la version distribuée a été remise en place ; le fichier rendu est gardé sous « {KEPT} »"


@pytest.mark.parametrize(("slug", "said"), [
    ("modifie", "cellules modifiées dans « mini-rendu.ipynb » : t-lettre"),
    ("ajoute", "cellules ajoutées dans « mini-rendu.ipynb » : cellule sans identifiant"),
])
def test_a_tampered_notebook_is_replaced_and_kept_aside(graded: dict, slug: str, said: str) -> None:
    prepared = graded["prepared"][slug]
    assert prepared == Preparation(True, _repaired_reason(said), True)
    folder = graded["layout"].step_dir("submitted", slug, EPREUVE)
    released = graded["layout"].course_dir / "release" / EPREUVE / NOTEBOOK
    assert (folder / NOTEBOOK).read_bytes() == released.read_bytes()
    assert (folder / KEPT).is_file()  # the learner's file, as evidence
    # nbgrader graded the released cells: the learner had no letter, and it shows
    assert graded["scores"][slug] == {"t-lettre": 0.0, "t-profil": 1.0}


def test_an_added_cell_never_runs(graded: dict) -> None:
    autograded = graded["layout"].step_dir("autograded", "ajoute", EPREUVE)
    assert autograded.is_dir() and not (autograded / "pirate.txt").exists()
    assert graded["scores"]["ajoute"]["t-lettre"] == 0.0  # no letter, and none was forged


def test_a_missing_notebook_is_put_back(graded: dict) -> None:
    prepared = graded["prepared"]["absent"]
    assert prepared == Preparation(True, "cahier « mini-rendu.ipynb » absent du rendu; "
                                         "la version distribuée a été remise en place", True)
    assert graded["scores"]["absent"] == FULL


def test_a_missing_workspace_is_graded_zero(graded: dict) -> None:
    prepared = graded["prepared"]["sansespace"]
    assert prepared.ok and not prepared.repaired
    assert "espace de travail absent" in prepared.reason_fr
    assert graded["scores"]["sansespace"] == {"t-lettre": 0.0, "t-profil": 0.0}


def test_a_damaged_profile_fails_the_checks_that_open_the_workspace(graded: dict) -> None:
    prepared = graded["prepared"]["profilabime"]
    assert prepared.ok and "espace de travail abîmé" in prepared.reason_fr
    assert "profile.json" in prepared.reason_fr
    assert graded["scores"]["profilabime"] == {"t-lettre": 2.0, "t-profil": 0.0}


def test_damaged_journal_lines_and_files_are_reported_not_fatal(graded: dict) -> None:
    prepared = graded["prepared"]["journal"]
    folder = graded["layout"].step_dir("submitted", "journal", EPREUVE)
    assert prepared.ok and prepared.repaired
    assert prepared.reason_fr == (
        "cahier en trop « en-trop.ipynb » mis de côté sous « en-trop.ipynb.tampered-20261205T103000Z »; "
        "journal : 1 ligne(s) illisible(s) retirée(s) de la copie rendue "
        "(journal d'origine gardé sous « journal.jsonl.damaged-20261205T103000Z »); "
        "fichier abîmé dans l'espace de travail : editor/cv.json (lu comme vide)"
    )
    assert not (folder / "en-trop.ipynb").exists()
    # nbgrader zeroes a graded cell that writes on stderr: the journal's warning would have
    # cost the learner the check; the copy's journal keeps its readable events only
    kept = (folder / "journal.jsonl.damaged-20261205T103000Z").read_text(encoding="utf-8")
    journal = (folder / "workspace" / "journal.jsonl").read_text(encoding="utf-8")
    assert kept.endswith("ligne cassée\n") and journal == kept.removesuffix("ligne cassée\n")
    assert graded["scores"]["journal"] == FULL


def test_preparing_again_changes_nothing(graded: dict) -> None:
    course = type("C", (), {"layout": graded["layout"]})()
    again = prepare_submission(course, EPREUVE, "modifie", now=NOW)
    assert again == Preparation(True, "", False)


# -- without running nbgrader again: more damage, and what cannot be graded at all ----------


def _bare_course(tmp_path: Path, released: Path | None = None) -> object:
    """A course folder holding only the release (copied from `released`) and hand-ins."""
    layout = CourseLayout.under(tmp_path / "data")
    if released is not None:
        shutil.copytree(released, layout.course_dir / "release" / EPREUVE)
    return type("C", (), {"layout": layout})()


@pytest.mark.parametrize(("change", "said"), [
    (lambda nb: nb.cells.pop(1), "cellules supprimées dans « mini-rendu.ipynb » : t-lettre"),
    (lambda nb: nb.cells.reverse(), "cellules déplacées dans « mini-rendu.ipynb »"),
    (lambda nb: nb.cells[2].metadata.nbgrader.update(points=10),
     "cellules modifiées dans « mini-rendu.ipynb » : t-profil"),
    (lambda nb: nb.cells[1].metadata.nbgrader.update(grade_id="r9-injecte"),
     "cellules supprimées dans « mini-rendu.ipynb » : t-lettre; "
     "cellules ajoutées dans « mini-rendu.ipynb » : r9-injecte"),
    ("{pas du json", "cahier « mini-rendu.ipynb » illisible (ce n'est pas du JSON)"),
    (json.dumps({"cells": []}), "« mini-rendu.ipynb » n'est pas un cahier Jupyter"),
])
def test_every_kind_of_damage_is_named_and_repaired(graded: dict, tmp_path: Path, change, said) -> None:
    released = graded["layout"].course_dir / "release" / EPREUVE
    course = _bare_course(tmp_path, released)
    folder = course.layout.step_dir("submitted", "zoe", EPREUVE)
    folder.mkdir(parents=True)
    if isinstance(change, str):
        (folder / NOTEBOOK).write_text(change, encoding="utf-8")
    else:
        _rewrite(change)(shutil.copy(released / NOTEBOOK, folder / NOTEBOOK) and folder)
    broken = (folder / NOTEBOOK).read_bytes()
    prepared = prepare_submission(course, EPREUVE, "zoe", now=NOW)
    assert prepared == Preparation(True, f"{_repaired_reason(said)}; espace de travail absent : "
                                         "le rendu est corrigé quand même, chaque vérification vaudra 0",
                                   True)
    assert (folder / KEPT).read_bytes() == broken
    assert (folder / NOTEBOOK).read_bytes() == (released / NOTEBOOK).read_bytes()


def test_no_submission_cannot_be_graded(tmp_path: Path) -> None:
    prepared = prepare_submission(_bare_course(tmp_path), EPREUVE, "personne")
    assert not prepared.ok and prepared.reason_fr.startswith("aucun rendu ramassé dans ")


def test_a_broken_notebook_without_a_release_cannot_be_repaired(tmp_path: Path) -> None:
    course = _bare_course(tmp_path)
    folder = course.layout.step_dir("submitted", "zoe", EPREUVE)
    folder.mkdir(parents=True)
    (folder / NOTEBOOK).write_text(json.dumps({"bonjour": 1}), encoding="utf-8")
    prepared = prepare_submission(course, EPREUVE, "zoe")
    assert not prepared.ok and not prepared.repaired
    assert prepared.reason_fr.startswith(
        "« mini-rendu.ipynb » n'est pas un cahier Jupyter; impossible de réparer : "
        "la version distribuée de « mini-rendu » est introuvable")
    assert json.loads((folder / NOTEBOOK).read_text(encoding="utf-8")) == {"bonjour": 1}  # untouched
