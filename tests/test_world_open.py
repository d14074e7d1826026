"""World.open refuses what is not a usable world, with one clear French line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.world import World, WorldError, build_world


@pytest.fixture(scope="module")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("small") / "w"
    build_world(folder, seed=5, offers=30)
    return folder


def _message(error: pytest.ExceptionInfo[WorldError]) -> str:
    text = str(error.value)
    assert "\n" not in text and text
    return text


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(WorldError) as error:
        World.open(tmp_path / "nowhere")
    assert "introuvable" in _message(error)
    assert isinstance(error.value, TremplinError)


def test_folder_without_manifest(tmp_path: Path) -> None:
    with pytest.raises(WorldError) as error:
        World.open(tmp_path)
    assert "world.json" in _message(error)


@pytest.mark.parametrize("content", [b"", b"{not json", b"[]", b'{"format": 1}', b"\xff\xfe"])
def test_corrupted_manifest(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "world.json").write_bytes(content)
    with pytest.raises(WorldError) as error:
        World.open(tmp_path)
    assert "illisible" in _message(error)


def test_newer_format_is_refused(small_world: Path, tmp_path: Path) -> None:
    manifest = json.loads((small_world / "world.json").read_text(encoding="utf-8"))
    manifest["format"] = 99
    (tmp_path / "world.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(WorldError) as error:
        World.open(tmp_path)
    assert "plus récente" in _message(error)


def test_missing_offers_file_is_reported_on_use(small_world: Path, tmp_path: Path) -> None:
    (tmp_path / "world.json").write_bytes((small_world / "world.json").read_bytes())
    world = World.open(tmp_path)
    with pytest.raises(WorldError) as error:
        list(world.offers())
    assert "offers.jsonl" in _message(error)


def test_open_reads_the_manifest(small_world: Path) -> None:
    world = World.open(small_world)
    assert world.manifest["seed"] == 5 and world.manifest.offers == 30
    assert world.manifest["reference_date"] == "2026-11-02"
    assert len(world.offer_ids()) == 30
    assert world.employer(None) is None and world.employer("EMP-99999") is None
