"""End to end, the whole mediator workflow on a simulated group: learners drive the real
widgets and hand in through nbgrader's exchange (one of them tampering with his hand-ins),
nbgrader collects and autogrades in parallel, the mediator scores the human reviews and
releases the feedback, the per-competence report says who validated what, and the
attestations (PDF + signed Open Badges) are written and verified."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def tremplin(*argv: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tremplin", *argv], capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, str]:
    """`tremplin demo --json --course DIR`: the group's course is left in DIR to look at."""
    course = tmp_path_factory.mktemp("demo") / "cours"
    done = tremplin("demo", "--json", "--course", str(course))
    assert done.returncode == 0, done.stderr[-3000:]
    return course, json.loads(done.stdout), done.stderr


@pytest.fixture(scope="module")
def demo(demo_run) -> tuple[Path, dict]:
    """(the data root of the demo, its report)."""
    course, report, _log = demo_run
    return course / "donnees-demo", report


def competences(report: dict, learner: str) -> dict:
    return next(item["competences"] for item in report["learners"] if item["id"] == learner)


SEARCHING = ("R1", "R2", "R3", "R4", "R5")
EMAILING = ("C1", "C2", "C3", "C4", "C5", "C6", "S1")
DOCUMENTS = ("D1", "D2", "D3", "D4", "D5")
EVERY = SEARCHING + EMAILING + DOCUMENTS


def test_the_diligent_learner_validates_every_competence_at_n3(demo) -> None:
    _root, report = demo
    got = competences(report, "alice-diligente")
    for cid in EVERY:
        assert got[cid]["level"] == "N3", (cid, got[cid])
        assert got[cid]["points"] == got[cid]["max_points"] > 0
        assert got[cid]["critical_failures"] == 0


def test_the_idle_learner_validates_nothing(demo) -> None:
    _root, report = demo
    got = competences(report, "chloe-absente")
    assert set(EVERY) <= set(got)
    assert not any(c["validated"] for c in got.values())
    assert all(got[cid]["points"] == 0 for cid in EVERY)


def test_the_hasty_learner_is_in_between_and_fails_what_defeats_the_purpose(demo) -> None:
    _root, report = demo
    got = competences(report, "bruno-presse")
    assert got["R1"]["level"] in (None, "N1")  # a search aimed at the job, never refined
    assert 0 < got["R1"]["points"] < got["R1"]["max_points"]
    assert not got["R2"]["validated"]
    # he shortlists the scams, notes a homonym's contact and keeps a trip that arrives late
    for cid in ("R3", "R4", "R5"):
        assert got[cid]["critical_failures"] >= 1 and got[cid]["level"] is None, (cid, got[cid])
        assert 0 < got[cid]["points"] < got[cid]["max_points"], (cid, got[cid])
    # his application has no attachment and he clicks the phishing link
    for cid in ("C2", "C6"):
        assert got[cid]["critical_failures"] >= 1 and got[cid]["level"] is None, (cid, got[cid])
    assert 0 < got["C1"]["points"] < got["C1"]["max_points"]
    # his CV carries his social-security number; his letter is the template, unchanged
    for cid in ("S1", "D2"):
        assert got[cid]["critical_failures"] >= 1 and got[cid]["level"] is None, (cid, got[cid])
    assert 0 < got["D1"]["points"] < got["D1"]["max_points"]  # a CV, but no training, as « Document1 »


def test_the_graded_cells_read_the_handed_in_workspace(demo_run) -> None:
    course, _report, _log = demo_run
    graded = course / "autograded" / "alice-diligente" / "chercher-offres"
    assert (graded / "workspace" / "journal.jsonl").is_file()
    notebook = json.loads((graded / "chercher-offres.ipynb").read_text(encoding="utf-8"))
    printed = "".join(
        "".join(out.get("text", "")) for cell in notebook["cells"] for out in cell.get("outputs", [])
    )
    assert "✔ Bien affiné" in printed


def test_the_document_epreuves_grade_the_handed_in_files(demo_run) -> None:
    course, _report, _log = demo_run
    graded = course / "autograded" / "alice-diligente" / "construire-son-cv" / "workspace"
    exported = {p.suffix for p in (graded / "documents").rglob("*") if p.name.startswith("DILIGENTE")}
    assert exported == {".pdf", ".docx"}
    kept = course / "autograded" / "alice-diligente" / "ranger-sauvegarder-imprimer" / "workspace"
    assert any((kept / "usb").glob("*.pdf"))  # « Ma clé USB » travels with the hand-in


# -- the mediator's side -------------------------------------------------------------------


def test_tampered_hand_ins_are_put_right_and_said_and_the_rest_is_graded(demo_run) -> None:
    course, report, log = demo_run
    damien = competences(report, "damien-bidouille")
    # his notebooks were emptied or broken: the released ones were put back, his work graded
    for cid in ("R1", "C1", "C2", "D1", "D2"):
        assert damien[cid]["level"] == "N3", (cid, damien[cid])
    # his trip's workspace never reached the mediator: graded, and worth nothing
    assert damien["R5"]["points"] == 0 and not damien["R5"]["validated"]
    assert "damien-bidouille" in log and "ce n'est pas du JSON" in log and "espace de travail absent" in log
    kept = list((course / "submitted" / "damien-bidouille" / "candidater-par-courriel").glob("*.tampered-*"))
    assert kept, "the learner's own file is kept beside the repaired one"


def test_reviews_are_scored_and_count_in_the_competences(demo_run) -> None:
    _course, report, _log = demo_run
    alice, bruno = competences(report, "alice-diligente"), competences(report, "bruno-presse")
    for cid in ("D1", "D2", "C5"):  # each carries a 2-point review, all scored by the mediator
        assert alice[cid]["pending_reviews"] == [] and alice[cid]["level"] == "N3"
        assert any(item["checks"] and any(c.endswith(("-convaincante", "-courriel", "-clair"))
                                          for c in item["checks"]) for item in alice[cid]["evidence"])
    assert 0 < bruno["D1"]["points"] < bruno["D1"]["max_points"]
    assert report["group"]["R1"]["learners"] == 4


def test_every_graded_hand_in_is_an_attempt(demo_run) -> None:
    course, _report, _log = demo_run
    log = (course / "attempts.jsonl").read_text(encoding="utf-8")
    lines = [json.loads(line) for line in log.splitlines()]
    graded = {(path.parent.name, path.name) for path in (course / "autograded").glob("*/*") if path.is_dir()}
    assert {(a["learner"], a["epreuve"]) for a in lines} == graded
    passed = {a["epreuve"] for a in lines if a["learner"] == "alice-diligente" and a["passed"]}
    assert len(passed) == len({e for _, e in graded})  # Alice passes every épreuve


def test_feedback_is_released_in_french_without_test_code(demo_run) -> None:
    course, _report, _log = demo_run
    pages = list((course / "donnees-demo" / "exchange" / "tremplin" / "feedback").glob("*.html"))
    assert len(pages) == 40  # 4 learners × 10 épreuves
    styles = re.compile(r"<(style|script)\b.*?</\1>", re.S)  # nbconvert's CSS names a « Traceback » colour
    text = "\n".join(styles.sub("", page.read_text(encoding="utf-8")) for page in pages)
    for leak in ("BEGIN HIDDEN TESTS", "grade(", "Traceback", "AssertionError", "show_for_review"):
        assert leak not in text
    assert "Vos résultats" in text and "point(s) sur" in text


def test_report_and_attestations_from_the_left_course(demo_run, tmp_path: Path) -> None:
    from pypdf import PdfReader
    from tremplin.grading.badges import verify_badge, verify_code

    course, _report, _log = demo_run
    done = tremplin("report", "--course", str(course), "--learner", "bruno-presse")
    assert done.returncode == 0 and "Apprenant : bruno-presse" in done.stdout
    out = tmp_path / "attestations"
    done = tremplin("attestation", "--course", str(course), "--all", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "chloe-absente : aucune compétence validée" in done.stdout
    assert not (out / "chloe-absente").exists()
    pdf = out / "alice-diligente" / "attestation-alice-diligente.pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Attestation de compétences numériques" in text and "Camille Martin" in text
    badges = sorted((out / "alice-diligente" / "badges").glob("*.json"))
    assert [b.stem for b in badges] == sorted(EVERY, key=lambda c: (c[0], int(c[1:])))
    verified = verify_badge(badges[0])
    assert verified.learner == "Alice Diligente" and verified.level == "N3"
    code = next(line.split()[-1] for line in done.stdout.splitlines() if "alice-diligente/badges" in line)
    assert verify_code(out / "alice-diligente" / "badges", code)


def test_the_formgrader_sees_every_epreuve_and_hand_in(demo_run) -> None:
    """What nbgrader's formgrader lists comes from NbGraderAPI: ask it what it would show."""
    from tremplin.grading.course import open_course
    from tremplin.grading.epreuves import EPREUVES

    course_dir, _report, _log = demo_run
    api = open_course(course_dir).api()
    assignments = {a["name"]: a for a in api.get_assignments()}
    assert set(assignments) == set(EPREUVES)
    for name, assignment in assignments.items():
        assert assignment["num_submissions"] == 4, name
        assert assignment["status"] == "released" and assignment["releaseable"], name
    letters = api.get_notebook_submissions("lettre-adaptee", "lettre-adaptee")
    assert len(letters) == 4 and not any(item["needs_manual_grade"] for item in letters)
    names = {s["id"]: s["first_name"] for s in api.get_students()}
    assert names["alice-diligente"] == "Alice Diligente" and names["damien-bidouille"] == "Damien Bidouille"
    alice = api.get_submission("chercher-offres", "alice-diligente")
    assert alice["autograded"] and alice["score"] == alice["max_score"] > 0
