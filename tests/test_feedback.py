"""Learner feedback with REAL nbgrader: French verdicts per check, never code or tracebacks.

One course for the module: the real « chercher-offres » notebook from epreuve_builder
(its seven hidden `grade("...")` cells, the page cell swapped for a cheap one so no
widget page has to run), a small real world, one learner who launched one search with
the contract filter. Autograde then gives one full check, one partial and five failed
ones (AssertionError tracebacks in the autograded notebook), which the feedback must hide.
"""

from __future__ import annotations

import argparse
import html
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from tremplin.grading.autograde import autograde_epreuves
from tremplin.grading.check_model import REGISTRY
from tremplin.grading.checks import specs_for
from tremplin.grading.commands.course_feedback import register_steps
from tremplin.grading.course import CourseLayout, init_course, load_config, open_course
from tremplin.grading.epreuve_builder import build_notebook
from tremplin.grading.exchange import collect_epreuves, hand_in, release_epreuves
from tremplin.grading.feedback import TremplinFeedback, learner_view
from tremplin.grading.feedback_steps import give_feedback
from tremplin.grading.review_items import REVIEW_ITEMS
from tremplin.grading.scenario_registry import scenario_for
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t
from tremplin.widgets.workspace import Workspace
from tremplin.widgets.world import World, build_world

EPREUVE = "chercher-offres"
SEED, OFFERS = 42, 400
PAGE_CODE = "print('code de la page, jamais montré')"
HIDDEN_NOTE = "Note interne du formateur"
FORBIDDEN = ("BEGIN HIDDEN TESTS", "grade(", "Traceback", "AssertionError", "tremplin.grading",
             "code de la page", HIDDEN_NOTE)


def build_epreuve(folder: Path) -> None:
    """The real épreuve notebook, its page cell made cheap, plus a cell tagged hidden."""
    notebook = build_notebook(EPREUVE)
    page = notebook.cells[1]
    assert page.metadata["nbgrader"]["grade_id"] == "page"
    page.source = PAGE_CODE
    hidden = nbformat.v4.new_markdown_cell(HIDDEN_NOTE, metadata={"tags": ["hidden"]})
    hidden["id"] = "note-interne"
    notebook.cells.insert(2, hidden)
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / f"{EPREUVE}.ipynb")


def make_alice(layout: CourseLayout, world: World) -> Path:
    """One search aimed at the job with only the contract filter: a full check, a half one."""
    workspace = Workspace.create(layout.learners_dir / "alice", "Alice",
                                 world={"seed": SEED, "offers": OFFERS})
    scenario = scenario_for(world, workspace.pseudonym, EPREUVE)
    workspace.record("search.query", {
        "context": EPREUVE, "query": scenario.job, "filters": {"contract": scenario.contract},
        "result_ids": [], "total": 0, "page": 1,
    })
    return workspace.root


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("feedback")
    build_epreuve(tmp / "exercises" / EPREUVE)
    layout = CourseLayout.under(tmp / "data")
    init_course(layout, exercises_dir=tmp / "exercises")
    build_world(layout.data_root / "world", seed=SEED, offers=OFFERS)
    world = World.open(layout.data_root / "world")
    course = open_course(layout.course_dir)
    quiet: list[str] = []
    assert all(r.ok for r in release_epreuves(course, [EPREUVE], progress=quiet.append))
    hand_in(layout.data_root, EPREUVE, "alice", make_alice(layout, world))
    assert all(r.ok for r in collect_epreuves(course, [EPREUVE], progress=quiet.append))
    assert all(r.ok for r in autograde_epreuves(course, [EPREUVE], progress=quiet.append))
    lines: list[str] = []
    given = give_feedback(course, progress=lines.append)
    return {"layout": layout, "course": course, "lines": lines, "given": given}


def feedback_html(layout: CourseLayout) -> str:
    path = layout.step_dir("feedback", "alice", EPREUVE) / f"{EPREUVE}.html"
    return path.read_text(encoding="utf-8")


def assert_learner_view(page: str) -> None:
    # the body only (the page's CSS names pygments' Generic.Traceback), entities decoded
    page = html.unescape(page.split("<body", 1)[1])
    for text in FORBIDDEN:
        assert text not in page, text
    for spec in specs_for(EPREUVE):
        assert t(spec.title_key) in page, spec.id
    assert t("checks.r1_search_ok") in page  # the full check's sentence
    assert "1 point(s) sur 1" in page and "1 point(s) sur 2" in page  # full, then half
    assert "0 point(s) sur 2" in page and page.count(t("course_feedback.next")) == 6
    assert "2 point(s) sur 10" in page and "1 étape(s) réussie(s) sur 7" in page
    assert t("course_feedback.critical") in page  # r2-aucune-offre-douteuse
    assert "R1 — " in page and "R2 — " in page  # the competences, by name
    title = build_notebook(EPREUVE).metadata["tremplin"]["title"]
    assert t("course_feedback.heading", title=title) in page


def test_the_autograded_notebook_really_holds_tracebacks(course: dict) -> None:
    path = course["layout"].step_dir("autograded", "alice", EPREUVE) / f"{EPREUVE}.ipynb"
    raw = path.read_text(encoding="utf-8")
    assert "BEGIN HIDDEN TESTS" in raw and "AssertionError" in raw  # what nbgrader would show


def test_feedback_shows_french_verdicts_and_no_code(course: dict) -> None:
    assert [(r.student, r.ok) for r in course["given"]] == [("alice", True)]
    assert course["lines"] == [
        "[1/1] retour de chercher-offres pour alice…",
        "retour rendu à alice : chercher-offres",
        "Retours terminés : 1 rendu(s), 0 en échec.",
    ]
    page = feedback_html(course["layout"])
    assert_learner_view(page)
    # the check's own words for what to do next, escaped like every learner-facing text
    failed = REGISTRY.get("r1-recherche-affinee")
    assert failed is not None and t("checks.r1_refine_once_more") in html.unescape(page)


def test_release_puts_the_feedback_in_the_exchange(course: dict) -> None:
    from nbgrader.utils import notebook_hash

    layout = course["layout"]
    folder = layout.step_dir("feedback", "alice", EPREUVE)
    secret = (folder / "submission_secret.txt").read_text()
    name = notebook_hash(secret=secret, notebook_id=EPREUVE)
    released = layout.exchange_dir / "tremplin" / "feedback" / f"{name}.html"
    assert released.read_text(encoding="utf-8") == feedback_html(layout)
    # the learner's workspace is not copied a second time next to the feedback
    assert (layout.step_dir("autograded", "alice", EPREUVE) / "workspace").is_dir()
    assert not (folder / "workspace").exists()


def test_plain_nbgrader_generate_feedback_uses_the_course_config(course: dict) -> None:
    layout = course["layout"]
    config = load_config(layout.config_path)
    listed = list(config.GenerateFeedback.preprocessors)
    assert listed.index("tremplin.grading.feedback.TremplinFeedback") == 1 + listed.index(
        "nbgrader.preprocessors.GetGrades")
    shutil.rmtree(layout.course_dir / "feedback")
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", "generate_feedback", EPREUVE, "--student", "alice"],
        cwd=layout.course_dir, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert_learner_view(feedback_html(layout))


def test_the_course_command(course: dict, capsys: pytest.CaptureFixture) -> None:
    parser = argparse.ArgumentParser(prog="tremplin course")
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--data", type=Path, default=None)
    register_steps(parser.add_subparsers(dest="step"), where)
    root = str(course["layout"].data_root)
    args = parser.parse_args(["feedback", "--data", root, EPREUVE, "--learner", "alice"])
    assert args.func(args) == 0
    assert "retour rendu à alice : chercher-offres" in capsys.readouterr().out
    args = parser.parse_args(["feedback", "--data", root, "--learner", "zoe"])
    with pytest.raises(TremplinError, match="zoe"):
        args.func(args)
    args = parser.parse_args(["feedback", "--data", root, "nexiste-pas"])
    with pytest.raises(TremplinError, match="nexiste-pas"):
        args.func(args)


# -- the preprocessor alone, on notebooks made here ------------------------------------


def graded_cell(grade_id: str, score: float | None, points: float, outputs: list) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(
        f'### BEGIN HIDDEN TESTS\ngrade("{grade_id}")\n### END HIDDEN TESTS',
        metadata={"nbgrader": {"grade": True, "grade_id": grade_id, "points": points,
                               "score": score, "solution": False, "locked": True}},
    )
    cell.outputs = outputs
    return cell


def error(ename: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("error", ename=ename, evalue="x",
                                  traceback=["Traceback (most recent call last)", ename])


def stdout(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def test_edge_cases_of_the_learner_view() -> None:
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("Consigne visible"),
        nbformat.v4.new_markdown_cell("Secret", metadata={"tremplin": {"hidden": True}}),
        nbformat.v4.new_raw_cell("raw secret"),
        graded_cell("r1-recherche-lancee", 0.0, 1, [stdout("✘ Tapez <script>alert(1)</script>\n"),
                                                    error("AssertionError")]),
        graded_cell("r1-filtres-utilises", 0.0, 2, [error("RuntimeError")]),  # the kit crashed
        graded_cell("r9-inconnue", 1.0, 1, []),  # a grade id no check knows
        graded_cell("revue-humaine", None, 3, []),  # a score a person has not given yet
        graded_cell("d2-lettre-convaincante", 1.0, 2, [stdout("✔ grille de notation\n")]),
    ])
    notebook.cells[-1].metadata["nbgrader"]["comment"] = "Accroche efficace."
    resources: dict = {"nbgrader": {"assignment": "mon-epreuve", "notebook": "mon-epreuve"}}
    view, resources = TremplinFeedback().preprocess(notebook, resources)
    assert resources["nbgrader"]["notebook"] == "mon-epreuve"  # no title in the metadata
    page = json.dumps([cell.get("outputs") for cell in view.cells], ensure_ascii=False)
    page += "".join(cell.source for cell in view.cells)
    for text in ("Secret", "raw secret", "<script>", "RuntimeError", "Traceback", "grade(",
                 "grille de notation"):
        assert text not in page, text
    assert "Consigne visible" in page and "&lt;script&gt;" in page
    assert t("course_feedback.could_not_run").replace("'", "&#x27;") in page
    assert t("course_feedback.unnamed_check").replace("'", "&#x27;") in page
    assert t("course_feedback.pending") in page and "en attente (sur 3)" in page
    assert "2 point(s) sur 9" in page  # the pending review counts in the total only
    # a human review item: its title from review_items and the mediator's comment
    assert t(REVIEW_ITEMS["d2-lettre-convaincante"].title_key).replace("'", "&#x27;") in page
    assert "Le mot de votre médiateur ou médiatrice : Accroche efficace." in page
    assert html.escape(t("course_feedback.some_pending", count=1)) in page
    assert all(not cell.source for cell in view.cells if cell.cell_type == "code")


def test_learner_view_keeps_the_epreuve_title() -> None:
    notebook = build_notebook(EPREUVE)
    title = notebook.metadata["tremplin"]["title"]
    view = learner_view(notebook, title)
    summary = view.cells[0].outputs[0].data["text/html"]
    assert html.escape(t("course_feedback.heading", title=title)) in summary
    assert len(view.cells) == 1 + 1 + len(specs_for(EPREUVE))  # summary, statement, checks


def test_english_learners_read_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TREMPLIN_LANG", "en")
    view = learner_view(build_notebook(EPREUVE), "Search")
    summary = view.cells[0].outputs[0].data["text/html"]
    assert "Your results: “Search”" in summary and "0 point(s) out of 10" in summary


def test_catalogues_have_the_same_keys() -> None:
    root = Path(__file__).resolve().parents[1] / "widgets" / "locales"
    fr = json.loads((root / "fr" / "course_feedback.json").read_text(encoding="utf-8"))
    en = json.loads((root / "en" / "course_feedback.json").read_text(encoding="utf-8"))
    assert fr.keys() == en.keys()
