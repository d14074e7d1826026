"""The nbgrader bridge end to end with REAL nbgrader, on a tiny épreuve built in code.

One course for the module (release, hand-ins, collect, autograde cost ≈ 1.5 s per graded
submission), then assertions on the per-competence report and on the folders nbgrader
made. The épreuve's graded cells read ./workspace, so the hand-in really matters.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pytest
from course_support import nbgrader_meta
from tremplin.grading import cli, gradebook_report
from tremplin.grading.autograde import autograde_epreuves
from tremplin.grading.course import CourseLayout, init_course, open_course
from tremplin.grading.exchange import collect_epreuves, fetch_epreuve, hand_in, release_epreuves
from tremplin.grading.gradebook_report import CheckMeta, course_report
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.workspace import Workspace

EPREUVE = "mini-epreuve"
CHECKS = {
    # critical, counts for R1 and R2: needs the learner's letter in the workspace
    "t-lettre": CheckMeta(competences=("R1", "R2"), critical=True),
    # minor, counts for R2: passes when the kernel sees the course's TREMPLIN_DATA
    "t-donnees": CheckMeta(competences=("R2",), critical=False),
}


def build_epreuve(folder: Path) -> None:
    """exercises/mini-epreuve/mini-epreuve.ipynb: a statement and two autograded tests."""
    v4 = nbformat.v4
    letter = (
        "from pathlib import Path\n"
        "letter = Path('workspace/documents/lettre.txt')\n"
        "assert letter.is_file() and 'bonjour' in letter.read_text(encoding='utf-8').lower()"
    )
    data = (
        "import os\n"
        "from pathlib import Path\n"
        "assert (Path(os.environ['TREMPLIN_DATA']) / 'world-marker.txt').is_file()"
    )
    cells = [
        v4.new_markdown_cell("Écrivez une lettre qui dit bonjour.",
                             metadata=nbgrader_meta("consignes")),
        v4.new_code_cell(letter, metadata=nbgrader_meta("t-lettre", 2)),
        v4.new_code_cell(data, metadata=nbgrader_meta("t-donnees", 1)),
    ]
    notebook = v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / f"{EPREUVE}.ipynb")
    (folder / "donnees-lecture-seule.txt").write_text("read-only data\n", encoding="utf-8")


def make_learner(layout: CourseLayout, slug: str, letter: str | None) -> Path:
    workspace = Workspace.create(layout.learners_dir / slug, slug.capitalize())
    if letter is not None:
        (workspace.documents_dir / "lettre.txt").write_text(letter, encoding="utf-8")
    return workspace.root


def tamper(layout: CourseLayout, slug: str, change) -> None:
    """Edit the critical test cell of a collected hand-in, as a learner could."""
    path = layout.step_dir("submitted", slug, EPREUVE) / f"{EPREUVE}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    change(notebook.cells[1])
    nbformat.write(notebook, path)


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("course")
    exercises = tmp / "exercises"
    build_epreuve(exercises / EPREUVE)
    layout = CourseLayout.under(tmp / "data")
    init_course(layout, exercises_dir=exercises)
    (layout.data_root / "world-marker.txt").write_text("world\n", encoding="utf-8")
    course = open_course(layout.course_dir)
    lines: list[str] = []

    released = release_epreuves(course, [EPREUVE], progress=lines.append)

    # Alice hands in twice from this one process: first without her letter, then with it.
    alice = make_learner(layout, "alice", None)
    first = hand_in(layout.data_root, EPREUVE, "alice", alice)
    (alice / "documents" / "lettre.txt").write_text("Bonjour Madame,", encoding="utf-8")
    second = hand_in(layout.data_root, EPREUVE, "alice", alice)
    bob = make_learner(layout, "bob", "Cordialement")
    bob_submission = hand_in(layout.data_root, EPREUVE, "bob", bob)
    make_learner(layout, "chloe", None)  # never hands in

    dan = make_learner(layout, "dan", None)
    hand_in(layout.data_root, EPREUVE, "dan", dan)

    collected = collect_epreuves(course, [EPREUVE], progress=lines.append)
    # Bob tampers with his copy: the critical test's code and a competence in its metadata.
    tamper(layout, "bob", lambda cell: (
        setattr(cell, "source", "print('ok')"),
        cell.metadata.update({"tremplin": {"competences": ["R9"]}}),
    ))
    # Dan renames the critical test's grade_id, hoping it maps to something else.
    tamper(layout, "dan", lambda cell: cell.metadata["nbgrader"].update(grade_id="r9-injecte"))

    env_before = os.environ.get("TREMPLIN_DATA")
    graded = autograde_epreuves(course, [EPREUVE], progress=lines.append)
    assert os.environ.get("TREMPLIN_DATA") == env_before  # scoped to the kernels
    report = course_report(course, checks=CHECKS)
    return {
        "layout": layout, "course": course, "lines": lines, "released": released,
        "submissions": (first, second, bob_submission), "collected": collected,
        "graded": graded, "report": report,
    }


def test_every_step_succeeds(pipeline: dict) -> None:
    for step in ("released", "collected"):
        assert pipeline[step] and all(r.ok for r in pipeline[step]), pipeline[step]
    assert any("3 rendu(s) (alice, bob, dan)" in line for line in pipeline["lines"])


def test_autograde_reports_each_submission(pipeline: dict) -> None:
    outcome = [(r.student, r.ok) for r in pipeline["graded"]]
    assert outcome == [("alice", True), ("bob", True), ("dan", False)]
    # Dan's renamed grade_id is refused by nbgrader, and said so on one line
    assert "ValidationError" in pipeline["graded"][2].message
    assert any(line.startswith("ÉCHEC") and "dan" in line for line in pipeline["lines"])
    assert any("2 réussie(s), 1 en échec" in line for line in pipeline["lines"])


def test_hand_ins_land_in_the_exchange_under_the_learner_id(pipeline: dict) -> None:
    first, second, bob = pipeline["submissions"]
    inbound = pipeline["layout"].exchange_dir / "tremplin" / "inbound"
    for path, slug in ((first, "alice"), (second, "alice"), (bob, "bob")):
        assert path.parent == inbound and path.name.startswith(f"{slug}+{EPREUVE}+")
        assert (path / f"{EPREUVE}.ipynb").is_file()
        assert (path / "workspace" / "profile.json").is_file()
    submitted = pipeline["layout"].step_dir("submitted", "alice", EPREUVE)
    # collect kept Alice's latest hand-in, the one with her letter
    assert (submitted / "workspace" / "documents" / "lettre.txt").is_file()
    assert (submitted / "donnees-lecture-seule.txt").is_file()


def _scores(points: float, max_points: float, level: str | None, critical: int) -> dict:
    return {"points": points, "max_points": max_points, "validated": level is not None,
            "level": level, "critical_failures": critical}


BASE_KEYS = ("points", "max_points", "validated", "level", "critical_failures")


def _base(report: dict) -> dict:
    """The report's learners with each tally reduced to its scores (dates depend on the run)."""
    return {"learners": [
        {"id": item["id"], "competences": {cid: {k: tally[k] for k in BASE_KEYS}
                                           for cid, tally in item["competences"].items()}}
        for item in report["learners"]
    ]}


def test_per_competence_report(pipeline: dict) -> None:
    report = pipeline["report"].to_json()
    assert _base(report) == {"learners": [
        {"id": "alice", "competences": {"R1": _scores(2.0, 2.0, "N1", 0), "R2": _scores(3.0, 3.0, "N1", 0)}},
        {"id": "bob", "competences": {"R1": _scores(0.0, 2.0, None, 1), "R2": _scores(1.0, 3.0, None, 1)}},
        {"id": "chloe", "competences": {"R1": _scores(0.0, 2.0, None, 1), "R2": _scores(0.0, 3.0, None, 1)}},
        {"id": "dan", "competences": {"R1": _scores(0.0, 2.0, None, 1), "R2": _scores(0.0, 3.0, None, 1)}},
    ]}
    # Alice's evidence: the épreuve and the checks that earned her points, dated by her hand-in
    alice = report["learners"][0]["competences"]["R2"]
    assert alice["evidence"] == [{"epreuve": EPREUVE, "checks": ["t-lettre", "t-donnees"]}]
    assert alice["validated_on"] == datetime.now(UTC).date().isoformat()
    assert report["learners"][2]["competences"]["R1"]["evidence"] == []  # Chloé handed nothing in
    assert report["group"]["R2"]["validated"] == 1 and report["group"]["R2"]["learners"] == 4
    # Dan's hand-in was collected but could not be graded: the report says so
    assert pipeline["report"].warnings == [
        "attention : le rendu de « mini-epreuve » de dan est ramassé mais pas corrigé."
    ]


def test_reinit_keeps_grades(pipeline: dict, tmp_path: Path) -> None:
    layout = pipeline["layout"]
    exercises = tmp_path / "exercises"
    build_epreuve(exercises / EPREUVE)
    init_course(layout, exercises_dir=exercises)
    again = course_report(open_course(layout.course_dir), checks=CHECKS)
    assert again.to_json() == pipeline["report"].to_json()


def test_fetch_epreuve_gives_the_released_copy(pipeline: dict, tmp_path: Path) -> None:
    root = pipeline["layout"].data_root
    first = fetch_epreuve(root, EPREUVE, tmp_path)
    again = fetch_epreuve(root, EPREUVE, tmp_path)  # re-fetching replaces, never fails
    assert first == again == tmp_path / EPREUVE
    notebook = nbformat.read(first / f"{EPREUVE}.ipynb", as_version=4)
    assert notebook.cells[1].metadata["nbgrader"]["grade_id"] == "t-lettre"


def test_hand_in_refuses_bad_input(pipeline: dict, tmp_path: Path) -> None:
    layout = pipeline["layout"]
    alice = layout.learners_dir / "alice"
    with pytest.raises(TremplinError, match="invalide"):
        hand_in(layout.data_root, EPREUVE, "alice+admin", alice)
    with pytest.raises(TremplinError, match="pas distribuée"):
        hand_in(layout.data_root, "inconnue", "alice", alice)
    with pytest.raises(TremplinError):
        hand_in(layout.data_root, EPREUVE, "alice", tmp_path / "nothing-here")


# -- the command line ------------------------------------------------------------------


@pytest.fixture
def tremplin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture):
    """Run `tremplin ...` in-process with only this part's commands registered."""
    monkeypatch.setattr(cli, "COMMANDS", ("course", "report"))
    monkeypatch.setattr(gradebook_report, "registry_checks", lambda: CHECKS)

    def run(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_cli_report_formats(pipeline: dict, tremplin) -> None:
    root = str(pipeline["layout"].data_root)
    code, out, _ = tremplin("report", "--data", root, "--format", "json")
    assert code == 0 and json.loads(out) == pipeline["report"].to_json()
    code, out, _ = tremplin("report", "--data", root, "--format", "csv", "--learner", "bob")
    assert code == 0
    assert out.splitlines()[0] == ("learner,competence,points,max_points,validated,level,critical_failures,"
                                   "validated_on,pending_reviews")
    assert out.splitlines()[1:] == ["bob,R1,0.0,2.0,false,,1,,0", "bob,R2,1.0,3.0,false,,1,,0"]
    code, out, _ = tremplin("report", "--data", root)
    assert code == 0 and "alice" in out and "✔ N1 2/2" in out and "✘ 0/2 !" in out
    assert "Groupe (validée / apprenants) : R1 1/4, R2 1/4" in out
    assert "Règle de validation du référentiel : au moins 70 % des points et aucun échec critique" in out
    # one learner in detail: status, date, and the checks behind each competence
    code, out, _ = tremplin("report", "--data", root, "--learner", "alice")
    today = datetime.now(UTC).date().isoformat()
    assert code == 0 and f"validée au niveau N1 le {today}" in out
    assert f"{EPREUVE} : t-lettre; t-donnees" in out


def test_cli_errors_are_one_line(pipeline: dict, tremplin, tmp_path: Path) -> None:
    root = str(pipeline["layout"].data_root)
    cases = [
        ("course", "release", "--data", str(tmp_path / "vide")),
        ("course", "autograde", "--data", root, "nexiste-pas"),
        ("course", "autograde", "--data", root, EPREUVE, "--learner", "zoe"),
        ("report", "--data", root, "--learner", "zoe"),
        ("report", "--data", str(tmp_path / "vide")),
    ]
    for argv in cases:
        code, out, err = tremplin(*argv)
        assert code == 1, argv
        assert len(err.strip().splitlines()) == 1 and err.startswith("tremplin: "), (argv, err)


def test_cli_init_is_idempotent(tremplin, tmp_path: Path) -> None:
    code, out, _ = tremplin("course", "init", "--data", str(tmp_path / "d"), "--course-id", "ici")
    assert code == 0 and "Cours prêt" in out
    config = (tmp_path / "d" / "course" / "nbgrader_config.py").read_text(encoding="utf-8")
    assert "c.CourseDirectory.course_id = 'ici'" in config
    assert oct((tmp_path / "d" / "exchange").stat().st_mode & 0o777) == "0o777"
    code, out, _ = tremplin("course", "init", "--data", str(tmp_path / "d"), "--course-id", "ici")
    assert code == 0 and "créé" not in out


def test_many_learners_hand_in_at_once_from_one_os_user(pipeline: dict) -> None:
    from concurrent.futures import ThreadPoolExecutor

    layout = pipeline["layout"]
    slugs = [f"visiteur-{n}" for n in range(4)]
    roots = [make_learner(layout, slug, "bonjour") for slug in slugs]
    with ThreadPoolExecutor(4) as pool:
        paths = list(pool.map(lambda a: hand_in(layout.data_root, EPREUVE, *a),
                              zip(slugs, roots, strict=True)))
    assert [p.name.split("+")[0] for p in paths] == slugs
    for path, slug in zip(paths, slugs, strict=True):
        profile = json.loads((path / "workspace" / "profile.json").read_text(encoding="utf-8"))
        assert profile["pseudonym"] == slug.capitalize()  # each got their own workspace
