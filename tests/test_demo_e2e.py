"""End to end: simulated learners drive the real widgets, hand in through nbgrader's exchange,
nbgrader collects and autogrades, and the per-competence report says who validated what."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """`tremplin demo --json`, kept in a folder so the test can look at what nbgrader did."""
    root = tmp_path_factory.mktemp("demo") / "kept"
    done = subprocess.run(
        [sys.executable, "-m", "tremplin", "demo", "--json", "--keep", str(root)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return root, json.loads(done.stdout)


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


def test_the_graded_cells_read_the_handed_in_workspace(demo) -> None:
    root, _report = demo
    graded = root / "course" / "autograded" / "alice-diligente" / "chercher-offres"
    assert (graded / "workspace" / "journal.jsonl").is_file()
    notebook = json.loads((graded / "chercher-offres.ipynb").read_text(encoding="utf-8"))
    printed = "".join(
        "".join(out.get("text", "")) for cell in notebook["cells"] for out in cell.get("outputs", [])
    )
    assert "✔ Bien affiné" in printed


def test_the_document_epreuves_grade_the_handed_in_files(demo) -> None:
    root, _report = demo
    graded = root / "course" / "autograded" / "alice-diligente" / "construire-son-cv" / "workspace"
    exported = {p.suffix for p in (graded / "documents").rglob("*") if p.name.startswith("DILIGENTE")}
    assert exported == {".pdf", ".docx"}
    kept = root / "course" / "autograded" / "alice-diligente" / "ranger-sauvegarder-imprimer" / "workspace"
    assert any((kept / "usb").glob("*.pdf"))  # « Ma clé USB » travels with the hand-in
