"""`tremplin world build|info` through the command's own parser: bad arguments give one line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest
from tremplin.grading.commands import world as world_command
from tremplin.widgets.errors import TremplinError


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Parse and run like grading/cli.py does: TremplinError -> one line, exit 1."""
    parser = argparse.ArgumentParser(prog="tremplin")
    world_command.register(parser.add_subparsers(dest="command"))
    try:
        args = parser.parse_args(argv)
        code = args.func(args)
    except SystemExit as exit_:
        code = exit_.code
    except TremplinError as error:
        print(f"tremplin: {error}", file=sys.stderr)
        code = 1
    out, err = capsys.readouterr()
    return int(code or 0), out, err


def _error_line(err: str) -> str:
    lines = [
        line
        for line in err.splitlines()
        if line.startswith("tremplin") and "error" in line or line.startswith("tremplin:")
    ]
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--offers", "0"], "entre 1 et 100000"),
        (["--offers", "-4"], "entre 1 et 100000"),
        (["--offers", "100001"], "entre 1 et 100000"),
        (["--offers", "beaucoup"], "nombre entier"),
        (["--seed", "-1"], "graine"),
    ],
)
def test_bad_arguments_exit_non_zero_with_one_line(
    argv: list[str], words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["world", "build", "--out", str(tmp_path / "w"), *argv], capsys)
    assert code != 0
    assert words in _error_line(err)
    assert not (tmp_path / "w").exists()


def test_out_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x", encoding="utf-8")
    code, _, err = run(["world", "build", "--offers", "10", "--out", str(target), "--no-index"], capsys)
    assert code == 1 and "fichier" in _error_line(err)
    assert target.read_text(encoding="utf-8") == "x"


@pytest.mark.skipif(
    sys.platform == "win32" or not hasattr(__import__("os"), "geteuid"), reason="POSIX rights"
)
def test_out_is_unwritable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os

    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):  # root ignores the mode: use a path under a file instead
            blocker = tmp_path / "blocker"
            blocker.write_text("x", encoding="utf-8")
            target = blocker / "w"
        else:
            target = locked / "w"
        code, _, err = run(["world", "build", "--offers", "10", "--out", str(target), "--no-index"], capsys)
    finally:
        locked.chmod(0o700)
    assert code == 1 and "Impossible d'écrire" in _error_line(err)


def test_build_then_info(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "w"
    code, stdout, err = run(["world", "build", "--seed", "3", "--offers", "40", "--out", str(out)], capsys)
    assert code == 0, err
    assert "40/40" in err and "graine 3" in stdout
    assert (out / "world.json").is_file() and (out / "offers.jsonl").is_file()
    code, stdout, _ = run(["world", "info", str(out)], capsys)
    assert code == 0 and "graine : 3" in stdout and "offres : 40" in stdout


def test_info_on_a_missing_world(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["world", "info", str(tmp_path / "none")], capsys)
    assert code == 1 and "introuvable" in _error_line(err)


def test_if_outdated_keeps_a_current_world_and_rebuilds_an_older_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from tremplin.widgets.world import FORMAT

    out = tmp_path / "world"
    args = ["world", "build", "--seed", "7", "--offers", "30", "--out", str(out), "--no-index"]
    assert run(args, capsys)[0] == 0
    manifest = out / "world.json"
    built = manifest.stat().st_mtime_ns

    code, said, _err = run([*args, "--if-outdated"], capsys)
    assert code == 0 and "à jour" in said
    assert manifest.stat().st_mtime_ns == built

    older = json.loads(manifest.read_text(encoding="utf-8"))
    older["format"] = 1  # a world made by an earlier Tremplin: no homonym employers
    manifest.write_text(json.dumps(older), encoding="utf-8")
    code, said, _err = run([*args, "--if-outdated"], capsys)
    assert code == 0 and "à jour" not in said
    assert json.loads(manifest.read_text(encoding="utf-8"))["format"] == FORMAT

    code, said, _err = run([*args[:3], "8", *args[4:], "--if-outdated"], capsys)  # another seed
    assert code == 0 and "à jour" not in said
