"""Parallel autograde gives the gradebook sequential autograde gives, with REAL nbgrader.

Two identical courses (same hand-ins, one notebook not even JSON): one graded in this
process one by one, the other by three worker processes, plus, in the parallel one only,
a hand-in whose code kills the process grading it. Scores per learner and grade cell must
match, the shared SQLite gradebook must be sound, and each failure must stay its own.
"""

from __future__ import annotations

import io
import os
import shutil

import nbformat
import pytest
from tremplin.grading import cli
from tremplin.grading.autograde import autograde_epreuves, busy_db_url
from tremplin.grading.progress_bar import CLEAR_LINE, ProgressBar

from tests.course_support import (
    EPREUVE,
    build_course,
    build_epreuve,
    clone_course,
    gradebook_scores,
    integrity,
    submitted_notebook,
)

LETTERS = {
    "alice": "Bonjour Madame,\nCordialement",
    "bruno": "Cordialement",
    "chloe": None,
    "dan": "bonjour",
    "eve": "Bonjour, cordialement",  # her notebook is then broken (not JSON)
    "farid": "BONJOUR\n\ncordialement, Farid",
}
EXPECTED = {
    "alice": {"t-bonjour": 2.0, "t-formule": 1.0, "t-donnees": 1.0},
    "bruno": {"t-bonjour": 0.0, "t-formule": 1.0, "t-donnees": 1.0},
    "chloe": {"t-bonjour": 0.0, "t-formule": 0.0, "t-donnees": 1.0},
    "dan": {"t-bonjour": 2.0, "t-formule": 0.0, "t-donnees": 1.0},
    "farid": {"t-bonjour": 2.0, "t-formule": 1.0, "t-donnees": 1.0},
}
CRASHER = "gaspard"


def add_crasher(course) -> None:
    """A hand-in with an extra first cell that kills its grader (the kernel's parent)."""
    source = submitted_notebook(course, "alice").parent
    target = course.layout.step_dir("submitted", CRASHER, EPREUVE)
    target.parent.mkdir(parents=True)
    shutil.copytree(source, target)
    notebook = nbformat.read(target / f"{EPREUVE}.ipynb", as_version=4)
    kill = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"
    notebook.cells.insert(0, nbformat.v4.new_code_cell(kill))
    nbformat.write(notebook, target / f"{EPREUVE}.ipynb")


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("parallel")
    exercises = tmp / "exercises"
    build_epreuve(exercises)
    sequential = build_course(tmp / "seq", exercises, LETTERS)
    submitted_notebook(sequential, "eve").write_text("ceci n'est pas du JSON", encoding="utf-8")
    parallel = clone_course(sequential, tmp / "par", exercises)
    add_crasher(parallel)
    seq_lines: list[str] = []
    par_lines: list[str] = []
    before: list[tuple[str, str, int]] = []
    after: list[tuple[str, bool, int]] = []
    env = os.environ.get("TREMPLIN_DATA")
    seq_results = autograde_epreuves(sequential, progress=seq_lines.append, jobs=1)
    par_results = autograde_epreuves(
        parallel, progress=par_lines.append, jobs=3,
        before=lambda course, epreuve, learner: before.append((epreuve, learner, os.getpid())),
        after=lambda course, result: after.append((result.student, result.ok, os.getpid())),
    )
    assert os.environ.get("TREMPLIN_DATA") == env
    return {"seq": sequential, "par": parallel, "seq_results": seq_results,
            "par_results": par_results, "seq_lines": seq_lines, "par_lines": par_lines,
            "before": before, "after": after}


def test_same_scores_in_both_gradebooks(graded: dict) -> None:
    sequential = gradebook_scores(graded["seq"])
    parallel = gradebook_scores(graded["par"])
    for learner, cells in EXPECTED.items():
        assert sequential[learner] == cells, learner
        assert parallel[learner] == cells, learner


def test_gradebooks_are_sound_and_graded_copies_exist(graded: dict) -> None:
    for name in ("seq", "par"):
        course = graded[name]
        assert integrity(course) == "ok"
        for learner in EXPECTED:
            assert (course.layout.step_dir("autograded", learner, EPREUVE) / f"{EPREUVE}.ipynb").is_file()
        # nbgrader drops the autograded copy of a submission it could not grade
        assert not course.layout.step_dir("autograded", "eve", EPREUVE).exists()


def test_a_broken_notebook_fails_alone(graded: dict) -> None:
    for name in ("seq_results", "par_results"):
        outcome = {r.student: r.ok for r in graded[name]}
        assert {learner: outcome[learner] for learner in LETTERS} == {
            learner: learner != "eve" for learner in LETTERS}
        eve = next(r for r in graded[name] if r.student == "eve")
        assert "JSON" in eve.message or "NotJSON" in eve.message, eve.message
    line = next(line for line in graded["par_lines"] if line.startswith("ÉCHEC") and "eve" in line)
    assert line.startswith(f"ÉCHEC de la correction de {EPREUVE} pour eve : ")
    assert "5 réussie(s), 1 en échec" in graded["seq_lines"][-1]


def test_a_worker_killed_by_a_hand_in_does_not_stop_the_others(graded: dict) -> None:
    results = graded["par_results"]
    # results come back in learner order whatever order the workers finished in
    assert [r.student for r in results] == sorted([*LETTERS, CRASHER])
    crashed = next(r for r in results if r.student == CRASHER)
    assert not crashed.ok and "arrêté brutalement" in crashed.message
    assert not graded["par"].layout.step_dir("autograded", CRASHER, EPREUVE).exists()
    assert "5 réussie(s), 2 en échec" in graded["par_lines"][-1]


def test_hooks_run_once_per_submission_in_the_parent(graded: dict) -> None:
    me = os.getpid()
    assert sorted(learner for _, learner, _ in graded["before"]) == sorted([*LETTERS, CRASHER])
    assert {pid for *_, pid in graded["before"]} == {me}
    assert sorted((s, ok) for s, ok, _ in graded["after"]) == sorted(
        (r.student, r.ok) for r in graded["par_results"])
    assert {pid for *_, pid in graded["after"]} == {me}


def test_hook_failures_become_failed_results(graded: dict) -> None:
    def refuse(course, epreuve, learner):
        if learner != "dan":
            raise ValueError("rendu illisible")

    def unrecorded(course, result):
        raise OSError("disque plein")

    lines: list[str] = []
    results = autograde_epreuves(graded["seq"], progress=lines.append, jobs=1,
                                 before=refuse, after=unrecorded)
    by_learner = {r.student: r for r in results}
    assert by_learner["alice"].message == "ValueError: rendu illisible" and not by_learner["alice"].ok
    assert by_learner["dan"].message == "OSError: disque plein" and not by_learner["dan"].ok
    assert "0 réussie(s), 6 en échec" in lines[-1]
    # the refused hand-ins were not regraded; Dan's was, to the same scores
    assert (graded["seq"].layout.step_dir("autograded", "dan", EPREUVE)).is_dir()
    scores = gradebook_scores(graded["seq"])
    assert {learner: scores[learner] for learner in EXPECTED} == EXPECTED


def test_busy_timeout_only_on_plain_sqlite_urls() -> None:
    assert busy_db_url("sqlite:////srv/course/gradebook.db").endswith("gradebook.db?timeout=120")
    assert busy_db_url("sqlite:////srv/g.db?timeout=5") == "sqlite:////srv/g.db?timeout=5"
    assert busy_db_url("postgresql://host/db") == "postgresql://host/db"


# -- the progress bar ------------------------------------------------------------------


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_plain_lines_off_a_terminal() -> None:
    err, out = io.StringIO(), io.StringIO()
    bar = ProgressBar("Correction", stream=err, out=out, width=10)
    bar.start(4)
    bar.advance("chercher-offres · zoe")
    bar.note("ÉCHEC de la correction")
    bar.advance("chercher-offres · yann")
    bar.close()
    assert err.getvalue().splitlines() == [
        "Correction  [##--------] 1/4  chercher-offres · zoe",
        "Correction  [#####-----] 2/4  chercher-offres · yann",
    ]
    assert out.getvalue() == "ÉCHEC de la correction\n"


def test_progress_bar_redraws_one_line_on_a_terminal() -> None:
    err, out = Tty(), io.StringIO()
    bar = ProgressBar("Correction", stream=err, out=out, width=10)
    bar.start(2)
    bar.advance("a · x")
    bar.note("un message")
    bar.advance("a · y")
    bar.close()
    text = err.getvalue()
    assert "\n" not in text[:-1] and text.endswith("\n")  # one line, redrawn in place
    assert text.count(CLEAR_LINE) == 5  # start, advance, note clears, redraw, advance
    assert text.rstrip("\n").rsplit(CLEAR_LINE, 1)[1] == "Correction  [##########] 2/2  a · y"
    assert out.getvalue() == "un message\n"


def test_cli_autograde_jobs(graded: dict, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr(cli, "COMMANDS", ("course",))
    root = str(graded["seq"].layout.data_root)
    code = cli.main(["course", "autograde", "--data", root, EPREUVE, "--learner", "dan",
                     "--jobs", "2"])
    out, err = capsys.readouterr()
    assert code == 0
    assert err.splitlines() == [f"Correction  [####################] 1/1  {EPREUVE} · dan"]
    assert out.splitlines() == ["Correction terminée : 1 réussie(s), 0 en échec."]
    with pytest.raises(SystemExit):
        cli.main(["course", "autograde", "--data", root, "--jobs", "0"])
    assert "--jobs attend un nombre entier" in capsys.readouterr().err
