"""The `tremplin` command line as a user meets it: help, and one clear line on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tremplin.grading.cli import COMMANDS
from tremplin.widgets.activity import ActivityJournal
from tremplin.widgets.workspace import Workspace


def tremplin(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tremplin", *args], capture_output=True, text=True, timeout=120, env=env
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_bilingual_help(command: str) -> None:
    done = tremplin(command, "--help")
    assert done.returncode == 0, done.stderr
    assert " / " in done.stdout  # French first, then English


def test_check_on_a_missing_workspace_is_one_line_and_non_zero(tmp_path: Path) -> None:
    done = tremplin("check", "--workspace", str(tmp_path / "absent"), "--data", str(tmp_path))
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith("tremplin:")


def test_check_on_an_unknown_epreuve_is_one_line(tmp_path: Path) -> None:
    done = tremplin("check", "--workspace", str(tmp_path), "--epreuve", "inconnue")
    assert done.returncode == 1 and "inconnue" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_check_json_lists_every_check_with_its_competences(tmp_path: Path, data_root: Path, world) -> None:
    workspace = Workspace.create(tmp_path / "ws", "Gwen", world={"seed": 42, "offers": 2000})
    scam = next(o for o in world.offers() if o["scam"])
    ActivityJournal(workspace, "chercher-offres").record(
        "shortlist.add", {"offer_id": scam["id"], "title": "x"}
    )
    done = tremplin(
        "check",
        "--workspace",
        str(workspace.root),
        "--epreuve",
        "chercher-offres",
        "--data",
        str(data_root),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    checks = {c["id"]: c for c in json.loads(done.stdout)["checks"]}
    keys = {"id", "competences", "level", "critical", "passed", "points", "max_points", "feedback"}
    assert all(set(c) == keys for c in checks.values())
    assert checks["r2-aucune-offre-douteuse"]["critical"] and not checks["r2-aucune-offre-douteuse"]["passed"]
    assert checks["r1-recherche-lancee"]["competences"] == ["R1"]


def test_no_command_prints_help_and_exits_2() -> None:
    done = tremplin()
    assert done.returncode == 2 and "COMMANDE" in done.stdout


@pytest.mark.parametrize(
    "args",
    [("world", "build", "--offers", "-5"), ("report", "--format", "xml"), ("inconnue",), ("check",)],
)
def test_usage_errors_are_one_line_with_status_2(args: tuple[str, ...]) -> None:
    done = tremplin(*args)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "--help" in done.stderr


def test_check_without_epreuve_runs_every_graded_epreuve_and_no_lesson(
    tmp_path: Path, data_root: Path, world
) -> None:
    from tremplin.grading.checks import specs_for
    from tremplin.grading.epreuves import EPREUVES

    workspace = Workspace.create(tmp_path / "ws", "Gwen", world={"seed": 42, "offers": 2000})
    done = tremplin("check", "--workspace", str(workspace.root), "--data", str(data_root), "--json")
    assert done.returncode == 0, done.stderr
    ran = [c["id"] for c in json.loads(done.stdout)["checks"]]
    graded = [s.id for epreuve in EPREUVES for s in specs_for(epreuve)]
    assert ran == [*graded, "s1-documents-et-courriels-sans-donnee-sensible"]  # + the whole-workspace scan
    lesson = {s.id for s in specs_for("lecon-trier-comparer")}
    assert lesson and not lesson & set(ran)
