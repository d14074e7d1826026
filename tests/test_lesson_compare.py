"""The lesson « Trier, comparer, enregistrer »: its page, its formative checks, its notebook."""

from __future__ import annotations

import json
from pathlib import Path

import ipywidgets as widgets
import pytest
from tremplin.grading import lesson_compare
from tremplin.grading.check_context import load_context
from tremplin.grading.check_model import REGISTRY
from tremplin.grading.checks import run_checks
from tremplin.grading.lesson_compare import COMPARE_LESSON, CompareLesson, build_compare_lesson
from tremplin.grading.scenario_registry import scenario_for
from tremplin.widgets.activity import ActivityJournal
from tremplin.widgets.i18n import t
from tremplin.widgets.shortlist import add_offer
from tremplin.widgets.workspace import Workspace

from tremplin import NOTEBOOKS_DIR

CHECKS = ("comparer-tri", "comparer-deux-offres", "comparer-notes", "comparer-retrouver")


@pytest.fixture
def make_page(tmp_path, world, data_root):
    def make(pseudonym: str = "Soizic") -> CompareLesson:
        workspace = Workspace.create(tmp_path / pseudonym, pseudonym,
                                     world={"seed": world.manifest.seed, "offers": world.manifest.offers})
        return build_compare_lesson(workspace, data_root=data_root, world=world)
    return make


def results(page: CompareLesson) -> dict:
    return {r.id: r for r in run_checks(load_context(page.workspace.root, COMPARE_LESSON, world=page.world),
                                        COMPARE_LESSON)}


def diligent(page: CompareLesson) -> None:
    """Searches around home, sorts by distance, compares two, keeps three with notes, finds one."""
    search = page.search
    search.set_filters(query=page.scenario.job.split()[0], commune=page.scenario.commune, radius_km=30)
    search.run_search()
    search.sort_results("distance")
    hits = search.last_results.hits
    search.show_offer(hits[0].offer_id)
    page.compare.pick(hits[0].offer_id)
    page.compare.pick(hits[1].offer_id)
    for hit, note in zip(hits[:3], ("Le plus proche, bus direct", "Salaire plus haut", "Le samedi"),
                         strict=False):
        search.save_offer(hit.offer_id)
        search.set_note(hit.offer_id, note)
    search.find_saved("samedi")


def test_checks_are_the_lessons_r2_n1_n2_with_catalogue_titles() -> None:
    specs = REGISTRY.for_epreuve(COMPARE_LESSON)
    assert [s.id for s in specs] == list(CHECKS)
    for spec in specs:
        assert spec.competences == ("R2",) and spec.level in ("N1", "N2") and not spec.critical
        assert t(spec.title_key) != spec.title_key and t(spec.title_key, "en") != t(spec.title_key)
    assert REGISTRY.get("comparer-notes").level == "N2"


def test_an_untouched_lesson_passes_nothing_and_says_what_to_do(make_page) -> None:
    page = make_page()
    found = results(page)
    assert set(found) == set(CHECKS) and not any(r.passed for r in found.values())
    assert "Trier par" in found["comparer-tri"].feedback
    assert "Comparer" in found["comparer-deux-offres"].feedback
    assert "Enregistrez au moins deux offres" in found["comparer-notes"].feedback
    assert "Retrouver une offre" in found["comparer-retrouver"].feedback


def test_a_careful_learner_passes_every_check_and_the_panel_says_so(make_page) -> None:
    page = make_page()
    diligent(page)
    found = results(page)
    assert all(r.passed for r in found.values()), {k: r.feedback for k, r in found.items()}
    items = page.panel.refresh()
    assert [i.title for i in items] == [t(f"compare.{c}_title") for c in CHECKS]
    assert "4 étape(s) réussie(s) sur 4" in page.panel.output.value
    kinds = {e.kind for e in page.workspace.events() if e.data.get("context") == COMPARE_LESSON}
    assert {"search.query", "offer.compare", "shortlist.add", "shortlist.note", "shortlist.find"} <= kinds


def test_a_missing_note_fails_with_why_notes_matter(make_page) -> None:
    page = make_page()
    page.search.set_filters(query="vendeur")
    hits = page.search.run_search().hits
    for hit in hits[:3]:
        page.search.save_offer(hit.offer_id)
    page.search.set_note(hits[0].offer_id, "À appeler")
    result = results(page)["comparer-notes"]
    assert not result.passed and 0 < result.points < result.max_points
    assert "2 offre(s) sur 3" in result.feedback and "dans une semaine" in result.feedback
    page.search.set_note(hits[1].offer_id, "Trop loin ?")
    page.search.remove_offer(hits[2].offer_id)  # removing the offer without a note also works
    assert results(page)["comparer-notes"].passed


def test_freedom_of_method_and_its_limits(make_page) -> None:
    page = make_page("Yann")
    search = page.search
    search.set_filters(query="vendeur", sort="date")  # sorted before searching: counts too
    search.run_search()
    hits = search.last_results.hits
    search.save_offer(hits[0].offer_id, note="Près de la gare")  # the note given when saving
    search.save_offer(hits[1].offer_id)
    search.selection.note_fields[hits[1].offer_id].value = "CDI"
    search.selection.set_note(hits[1].offer_id)
    page.compare.pick(hits[0].offer_id)  # compared from « Ma sélection » rather than the results
    page.compare.pick(hits[1].offer_id)
    search.find_saved("plombier")
    found = results(page)
    assert found["comparer-tri"].passed and found["comparer-notes"].passed
    assert found["comparer-deux-offres"].passed
    assert not found["comparer-retrouver"].passed and "plombier" in found["comparer-retrouver"].feedback
    search.find_saved("GARE")
    assert results(page)["comparer-retrouver"].passed


def test_distance_without_a_commune_is_explained(make_page) -> None:
    page = make_page()
    page.search.set_filters(query="vendeur", sort="distance")
    page.search.run_search()
    result = results(page)["comparer-tri"]
    assert not result.passed and "commune" in result.feedback


def test_work_done_in_another_activity_does_not_count(make_page) -> None:
    page = make_page()
    other = ActivityJournal(page.workspace, "chercher-offres")
    offer_id = next(iter(page.world.offers()))["id"]
    add_offer(other, offer_id, "Une offre", "avec une note")
    other.record("offer.compare", {"offer_ids": [offer_id, "OF-000002"]})
    other.record("shortlist.find", {"query": "offre", "found": 1})
    assert not any(r.passed for r in results(page).values())


def test_tampered_events_fail_quietly(make_page) -> None:
    page = make_page()
    journal = ActivityJournal(page.workspace, COMPARE_LESSON)
    journal.record("offer.compare", {"offer_ids": "OF-1"})
    journal.record("offer.compare", {"offer_ids": ["OF-INCONNUE", "OF-AUTRE"]})
    journal.record("shortlist.find", {"query": None, "found": "beaucoup"})
    journal.record("search.query", {"sort": None})
    found = results(page)
    assert not any(r.passed for r in found.values())


def test_the_scenario_is_deterministic_and_varies_between_learners(world) -> None:
    first = scenario_for(world, "Alice", COMPARE_LESSON)
    assert first == scenario_for(world, "Alice", COMPARE_LESSON)
    others = {scenario_for(world, f"Apprenant {i}", COMPARE_LESSON) for i in range(8)}
    assert len(others) > 1


def test_the_page_builds_without_a_kernel(shown, monkeypatch, data_root, tmp_path) -> None:
    workspace = Workspace.create(tmp_path / "ws", "Soizic", world={"seed": 42, "offers": 2000})
    monkeypatch.setenv("TREMPLIN_WORKSPACE", str(workspace.root))
    monkeypatch.setenv("TREMPLIN_DATA", str(data_root))
    assert lesson_compare.show_compare_lesson() is None
    (page,) = shown
    assert len(page.children) == 3  # situation, search (with comparison and selection), panel
    assert "Votre mission" in page.children[0].value
    search_children = page.children[1].children
    assert any("Comparer deux offres" in getattr(c.children[0], "value", "")
               for c in search_children if isinstance(c, widgets.VBox) and c.children)


def test_a_page_without_a_visit_sends_the_learner_home(shown, monkeypatch) -> None:
    monkeypatch.delenv("TREMPLIN_WORKSPACE", raising=False)
    lesson_compare.show_compare_lesson()
    text = " ".join(getattr(item, "value", "") for item in shown)
    assert "accueil.ipynb" in text and "Traceback" not in text


def test_a_missing_world_is_said_in_french(shown, monkeypatch, tmp_path) -> None:
    workspace = Workspace.create(tmp_path / "ws", "Soizic")
    monkeypatch.setenv("TREMPLIN_WORKSPACE", str(workspace.root))
    monkeypatch.setenv("TREMPLIN_DATA", str(tmp_path / "vide"))
    lesson_compare.show_compare_lesson()
    text = " ".join(getattr(item, "value", "") for item in shown)
    assert "tremplin-message" in text and "monde" in text.lower()


def test_the_lesson_notebook_waits_for_its_visitor_then_shows_the_page() -> None:
    path = Path(NOTEBOOKS_DIR) / "lecons" / "02-trier-comparer-enregistrer.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert code[0]["metadata"]["tags"] == ["tremplin-wait-for-visitor"]
    assert "wait_for_visitor()" in "".join(code[0]["source"])
    assert "".join(code[-1]["source"]).strip() == "show_compare_lesson()"
    assert notebook["metadata"]["tremplin"]["title"] == "Trier, comparer, enregistrer"
    text = "".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
    for words in ("Trier par", "Comparer", "Enregistrer la note", "Retrouver une offre", "Vérifier"):
        assert words in text
