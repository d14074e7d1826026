"""The visit: tokens, their files, their end, and how a page finds its learner."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tremplin.widgets import visit as visits
from tremplin.widgets.visit import (
    VISIT_LIFETIME,
    current_visit,
    end_visit,
    is_valid_token,
    load_visit,
    missing_visit_html,
    page_url,
    start_visit,
)
from tremplin.widgets.workspace import Workspace, WorkspaceError


@pytest.fixture(autouse=True)
def outside_voila(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("QUERY_STRING", "TREMPLIN_WORKSPACE", "VOILA_PREHEAT", "VOILA_KERNEL_ID", "VOILA_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_start_visit_creates_workspace_and_token_file(tmp_path: Path) -> None:
    visit = start_visit("  Zoé  L'Hôte ", tmp_path)
    assert is_valid_token(visit.token)
    assert visit.slug == "zoe-l-hote" and visit.pseudonym == "Zoé L'Hôte"
    assert visit.workspace == (tmp_path / "learners" / "zoe-l-hote").resolve()
    assert Workspace.open(visit.workspace).pseudonym == "Zoé L'Hôte"
    stored = json.loads((tmp_path / "visits" / f"{visit.token}.json").read_text(encoding="utf-8"))
    assert set(stored) == {"pseudonym", "slug", "workspace", "started_at"}
    assert stored["workspace"] == str(visit.workspace)
    assert load_visit(visit.token, tmp_path) == visit


def test_same_pseudonym_reopens_the_same_workspace_with_a_new_token(tmp_path: Path) -> None:
    first, second = start_visit("Camille", tmp_path), start_visit("camille", tmp_path)
    assert first.workspace == second.workspace and first.token != second.token


def test_world_identity_is_recorded_when_a_world_exists(tmp_path: Path) -> None:
    (tmp_path / "world").mkdir()
    (tmp_path / "world" / "world.json").write_text(json.dumps({"seed": 7, "offers": 10}), encoding="utf-8")
    visit = start_visit("Camille", tmp_path)
    assert Workspace.open(visit.workspace).world == {"seed": 7, "offers": 10}


@pytest.mark.parametrize("pseudonym", ["", "   ", "<script>", "a/b", "x" * 41, "🙂"])
def test_invalid_pseudonym_is_refused_in_french_and_writes_nothing(tmp_path: Path, pseudonym: str) -> None:
    with pytest.raises(WorkspaceError) as error:
        start_visit(pseudonym, tmp_path)
    assert str(error.value)
    assert not (tmp_path / "learners").exists() and not (tmp_path / "visits").exists()


@pytest.mark.parametrize(
    "token",
    [None, "", "abc", "../../etc/passwd", "..%2F..%2Fx", "a" * 42, "a" * 44, "a" * 40 + "/..", "a" * 42 + ".",
     "a" * 42 + "\n", 12345],
)
def test_malformed_tokens_are_refused_without_touching_files(tmp_path: Path, token: object) -> None:
    assert not is_valid_token(token)
    assert load_visit(token, tmp_path) is None
    assert end_visit(token, tmp_path) is False


def test_unknown_damaged_and_expired_tokens_give_none(tmp_path: Path) -> None:
    assert load_visit("a" * 43, tmp_path) is None
    visit = start_visit("Camille", tmp_path)
    later = datetime.now(UTC) + VISIT_LIFETIME + timedelta(minutes=1)
    assert load_visit(visit.token, tmp_path, now=later) is None
    assert not (tmp_path / "visits" / f"{visit.token}.json").exists()  # expired: forgotten

    damaged = start_visit("Camille", tmp_path)
    (tmp_path / "visits" / f"{damaged.token}.json").write_text("{not json", encoding="utf-8")
    assert load_visit(damaged.token, tmp_path) is None


def test_a_visit_file_pointing_outside_learners_is_refused(tmp_path: Path) -> None:
    visit = start_visit("Camille", tmp_path)
    path = tmp_path / "visits" / f"{visit.token}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["workspace"] = str(tmp_path / "learners" / ".." / ".." / "elsewhere")
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load_visit(visit.token, tmp_path) is None


def test_end_visit_deletes_the_token_and_keeps_the_work(tmp_path: Path) -> None:
    visit = start_visit("Camille", tmp_path)
    assert end_visit(visit.token, tmp_path) is True
    assert load_visit(visit.token, tmp_path) is None
    assert end_visit(visit.token, tmp_path) is False
    assert (visit.workspace / "profile.json").is_file()


def test_current_visit_reads_the_query_string(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    visit = start_visit("Camille", tmp_path)
    monkeypatch.setenv("QUERY_STRING", f"theme=x&visit={visit.token}")
    assert current_visit(tmp_path) == visit
    monkeypatch.setenv("QUERY_STRING", "visit=../../learners/camille")
    assert current_visit(tmp_path) is None


def test_current_visit_falls_back_to_tremplin_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert current_visit(tmp_path) is None
    workspace = Workspace.create(tmp_path / "ws", "Dominique")
    monkeypatch.setenv("TREMPLIN_WORKSPACE", str(workspace.root))
    found = current_visit(tmp_path)
    assert found is not None and found.token is None
    assert found.pseudonym == "Dominique" and found.workspace == workspace.root
    monkeypatch.setenv("TREMPLIN_WORKSPACE", str(tmp_path / "missing"))
    assert current_visit(tmp_path) is None


def test_data_root_comes_from_tremplin_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TREMPLIN_DATA", str(tmp_path))
    visit = start_visit("Camille")
    assert visit.workspace.parent == (tmp_path / "learners").resolve()
    monkeypatch.setenv("QUERY_STRING", f"visit={visit.token}")
    assert current_visit() == visit


def test_waiting_for_the_visitor_never_blocks_outside_voila(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(visits, "_request_seen", False)
    monkeypatch.setattr("voila.utils.wait_for_request", lambda *a: calls.append("waited"))
    visits.wait_for_visitor()  # not preheated: returns at once
    assert calls == []
    monkeypatch.setattr(visits, "_request_seen", False)
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_KERNEL_ID", "k")
    visits.wait_for_visitor()
    visits.wait_for_visitor()  # once per kernel
    assert calls == ["waited"]


def test_links_carry_the_token_and_the_base_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    visit = start_visit("Camille", tmp_path)
    assert page_url("lecons/01 a.ipynb", visit) == f"/voila/render/lecons/01%20a.ipynb?visit={visit.token}"
    monkeypatch.setenv("VOILA_BASE_URL", "/kiosque/")
    assert page_url("accueil.ipynb") == "/kiosque/voila/render/accueil.ipynb"
    assert 'href="/kiosque/voila/render/accueil.ipynb"' in missing_visit_html()


def test_a_visit_on_a_world_gets_its_inbox_once(tmp_path, world, data_root) -> None:
    import mailbox

    from tremplin.widgets.visit import start_visit

    root = tmp_path / "data"
    root.mkdir()
    (root / "world").symlink_to(data_root / "world", target_is_directory=True)
    first = start_visit("Nolwenn", root)
    start_visit("Nolwenn", root)  # a second visit adds nothing
    inbox = mailbox.Maildir(first.workspace / "mail", create=False)
    assert len(inbox) == len(world.inbox_paths()) > 0
