"""The lesson and épreuve pages as a notebook cell runs them: never a traceback, always words."""

from __future__ import annotations

import shutil
from pathlib import Path

import ipywidgets as widgets
from tremplin.grading import search_pages
from tremplin.widgets.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures" / "workspaces"


def html_of(items: list[object]) -> str:
    return " ".join(getattr(item, "value", "") for item in items if isinstance(item, widgets.HTML))


def test_a_page_without_a_visit_sends_the_learner_home(shown, monkeypatch) -> None:
    monkeypatch.delenv("TREMPLIN_WORKSPACE", raising=False)
    search_pages.show_search_lesson()
    assert "accueil.ipynb" in html_of(shown) and "Traceback" not in html_of(shown)


def test_a_corrupted_workspace_is_not_opened_and_not_touched(shown, monkeypatch, tmp_path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(FIXTURES / "corrupted-profile", broken)
    before = (broken / "profile.json").read_bytes()
    monkeypatch.setenv("TREMPLIN_WORKSPACE", str(broken))
    search_pages.show_search_lesson()
    assert "accueil.ipynb" in html_of(shown)
    assert (broken / "profile.json").read_bytes() == before


def test_a_missing_world_is_said_in_french(shown, monkeypatch, tmp_path) -> None:
    workspace = Workspace.create(tmp_path / "ws", "Soizic")
    monkeypatch.setenv("TREMPLIN_WORKSPACE", str(workspace.root))
    monkeypatch.setenv("TREMPLIN_DATA", str(tmp_path / "vide"))
    search_pages.show_search_lesson()
    text = html_of(shown)
    assert "tremplin-message" in text and "monde" in text.lower()


def test_the_lesson_shows_the_mission_the_search_and_the_panel(
    shown, monkeypatch, data_root, tmp_path
) -> None:
    workspace = Workspace.create(tmp_path / "ws", "Soizic", world={"seed": 42, "offers": 2000})
    monkeypatch.setenv("TREMPLIN_WORKSPACE", str(workspace.root))
    monkeypatch.setenv("TREMPLIN_DATA", str(data_root))
    search_pages.show_search_lesson()
    (page,) = shown
    labels = [getattr(child, "value", "") for child in page.children if isinstance(child, widgets.HTML)]
    assert any("Votre mission" in label for label in labels)
    assert len(page.children) == 3  # mission, search, "Vérifier" panel


def test_preload_chooses_the_missions_candidates_before_the_learner_comes(data_root, monkeypatch) -> None:
    """A preheated kernel pays the scan of every offer against every town, not the learner (the
    cache was once stored under the wrong key and never hit: every « Vérifier » paid it again)."""
    from tremplin.grading import scenarios
    from tremplin.grading.page_support import open_world
    from tremplin.grading.search_pages import preload

    monkeypatch.setattr(scenarios, "_CANDIDATES", {})
    preload(data_root)
    world = open_world(data_root / "world")
    key = (world.manifest.seed, world.manifest.files.get("offers.jsonl", ""))
    assert scenarios._CANDIDATES[key] and scenarios.scenario_candidates(world) is scenarios._CANDIDATES[key]


def _models(widget: widgets.Widget, seen: dict[str, widgets.Widget]) -> dict[str, widgets.Widget]:
    """Every widget model the page sends to the browser: the widgets, their layouts and styles."""
    for model in (widget, getattr(widget, "layout", None), getattr(widget, "style", None)):
        if isinstance(model, widgets.Widget) and model.model_id not in seen:
            seen[model.model_id] = model
            for child in getattr(model, "children", ()):
                _models(child, seen)
    return seen


def test_the_lesson_sends_few_models_when_the_learner_arrives(
    shown, monkeypatch, data_root, tmp_path
) -> None:
    """Each model is created, serialised and sent when the learner arrives: with 20 learners at once
    that is most of the kiosk's work. Widgets that never change their looks share one layout and
    one style (widgets/shared_looks.py) instead of one each (the lesson had 90 models, 32 of them
    default layouts)."""
    workspace = Workspace.create(tmp_path / "ws", "Soizic", world={"seed": 42, "offers": 2000})
    monkeypatch.setenv("TREMPLIN_WORKSPACE", str(workspace.root))
    monkeypatch.setenv("TREMPLIN_DATA", str(data_root))
    search_pages.show_search_lesson()
    (page,) = shown
    models = _models(page, {})
    layouts = [m for m in models.values() if isinstance(m, widgets.Layout)]
    assert len(layouts) <= 3, len(layouts)  # the shared plain and wide layouts
    assert len(models) <= 45, len(models)


def test_preload_reads_every_language_before_the_learner_arrives(tmp_path) -> None:
    from tremplin.grading.page_support import preload
    from tremplin.widgets.i18n import SUPPORTED_LOCALES, catalogue

    catalogue.cache_clear()
    preload(tmp_path / "vide")  # a broken data folder says nothing while the page waits
    assert catalogue.cache_info().currsize == len(SUPPORTED_LOCALES)
