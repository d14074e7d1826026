"""The searching checks (R1, R2) on journals written as the search widget writes them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tremplin.grading.check_context import load_context
from tremplin.grading.checks import run_checks
from tremplin.grading.scenarios import offer_distance_km, offer_matches, search_scenario
from tremplin.widgets.activity import ActivityJournal
from tremplin.widgets.workspace import Workspace

EPREUVE = "chercher-offres"


@pytest.fixture
def learner(tmp_path: Path, world) -> tuple[Workspace, ActivityJournal, Any]:
    workspace = Workspace.create(tmp_path / "ws", "Yvonne", world={"seed": 42, "offers": 2000})
    return workspace, ActivityJournal(workspace, EPREUVE), search_scenario(world, "Yvonne", EPREUVE)


def results(workspace: Workspace, world) -> dict[str, Any]:
    context = load_context(workspace.root, EPREUVE, world=world)
    return {r.id: r for r in run_checks(context, EPREUVE)}


def search_event(journal: ActivityJournal, query: str, ids: list[str], total: int, **filters: Any) -> None:
    journal.record(
        "search.query",
        {
            "query": query,
            "filters": filters,
            "sort": "relevance",
            "page": 1,
            "total": total,
            "result_ids": ids,
        },
    )


def matching(world, scenario) -> list[dict[str, Any]]:
    return [o for o in world.offers() if offer_matches(o, scenario)]


def test_nothing_done_fails_every_check_but_the_critical_one(learner, world) -> None:
    workspace, _journal, _scenario = learner
    got = results(workspace, world)
    assert not any(r.passed for r in got.values() if not r.critical)
    assert sum(r.points for r in got.values() if not r.critical) == 0
    assert got["r1-recherche-lancee"].feedback.startswith("Vous n'avez pas encore lancé de recherche")


def test_a_refined_search_with_both_filters_passes_r1(learner, world) -> None:
    workspace, journal, scenario = learner
    family = [o for o in world.offers() if o["family"] == scenario.family]
    good = [o["id"] for o in matching(world, scenario)]
    word = scenario.job.split()[0]
    search_event(journal, word, [o["id"] for o in family[:10]], len(family))
    search_event(
        journal,
        word,
        good[:10],
        len(good),
        insee=scenario.insee,
        commune=scenario.commune,
        radius_km=scenario.radius_km,
        contract=scenario.contract,
    )
    got = results(workspace, world)
    for check_id in ("r1-recherche-lancee", "r1-filtres-utilises", "r1-recherche-affinee"):
        assert got[check_id].passed, (check_id, got[check_id].feedback)
        assert got[check_id].points == got[check_id].max_points


def test_place_filter_alone_earns_half_and_says_what_is_missing(learner, world) -> None:
    workspace, journal, scenario = learner
    search_event(journal, scenario.job, ["x"], 3, insee=scenario.insee, radius_km=scenario.radius_km)
    got = results(workspace, world)["r1-filtres-utilises"]
    assert not got.passed and got.points == got.max_points / 2
    assert scenario.contract in got.feedback


def test_a_search_that_refines_to_nothing_is_not_refined(learner, world) -> None:
    workspace, journal, scenario = learner
    search_event(journal, scenario.job, [], 120)
    search_event(journal, scenario.job + " introuvable", [], 0, contract=scenario.contract)
    got = results(workspace, world)["r1-recherche-affinee"]
    assert not got.passed and "aucune offre" in got.feedback


def test_saved_offers_that_fit_pass_r2(learner, world) -> None:
    workspace, journal, scenario = learner
    for offer in matching(world, scenario)[:3]:
        journal.record("shortlist.add", {"offer_id": offer["id"], "title": offer["title"], "note": ""})
    got = results(workspace, world)
    for check_id in (
        "r2-offres-enregistrees",
        "r2-offres-conformes",
        "r2-sans-doublon",
        "r2-aucune-offre-douteuse",
    ):
        assert got[check_id].passed, (check_id, got[check_id].feedback)


def test_a_far_offer_is_named_with_its_distance(learner, world) -> None:
    workspace, journal, scenario = learner
    far = next(
        o
        for o in world.offers()
        if o["family"] == scenario.family
        and o["contract"] == scenario.contract
        and not o["scam"]
        and offer_distance_km(o, scenario.insee) > scenario.radius_km + 20
    )
    good = matching(world, scenario)[0]
    for offer in (good, far):
        journal.record("shortlist.add", {"offer_id": offer["id"], "title": offer["title"], "note": ""})
    got = results(workspace, world)["r2-offres-conformes"]
    assert not got.passed and got.points == got.max_points / 2
    assert far["title"] in got.feedback and "km" in got.feedback


def test_shortlisting_a_scam_is_a_critical_failure(learner, world) -> None:
    workspace, journal, _scenario = learner
    scam = next(o for o in world.offers() if o["scam"])
    journal.record("shortlist.add", {"offer_id": scam["id"], "title": scam["title"], "note": ""})
    got = results(workspace, world)["r2-aucune-offre-douteuse"]
    assert got.critical and not got.passed and got.points == 0
    assert "douteuse" in got.feedback


def test_a_removed_offer_no_longer_counts(learner, world) -> None:
    workspace, journal, _scenario = learner
    scam = next(o for o in world.offers() if o["scam"])
    journal.record("shortlist.add", {"offer_id": scam["id"], "title": scam["title"], "note": ""})
    journal.record("shortlist.remove", {"offer_id": scam["id"]})
    emptied = results(workspace, world)["r2-aucune-offre-douteuse"]
    assert not emptied.passed and "aucune offre" in emptied.feedback  # nothing kept proves nothing
    genuine = next(o for o in world.offers() if not o["scam"])
    journal.record("shortlist.add", {"offer_id": genuine["id"], "title": genuine["title"], "note": ""})
    assert results(workspace, world)["r2-aucune-offre-douteuse"].passed


def test_practice_in_a_lesson_does_not_count_in_the_epreuve(learner, world) -> None:
    workspace, _journal, scenario = learner
    lesson = ActivityJournal(workspace, "lecon-chercher-offres")
    for offer in matching(world, scenario)[:3]:
        lesson.record("shortlist.add", {"offer_id": offer["id"], "title": offer["title"], "note": ""})
    assert not results(workspace, world)["r2-offres-enregistrees"].passed


def test_scenarios_differ_between_learners_and_are_stable(world) -> None:
    names = ["Alice", "Bruno", "Chloé", "Dédé", "Erwan", "Fanny"]
    scenarios = {search_scenario(world, n, EPREUVE) for n in names}
    assert len(scenarios) >= 4
    assert search_scenario(world, "Alice", EPREUVE) == search_scenario(world, "alice ", EPREUVE)
    for scenario in scenarios:
        assert len(matching(world, scenario)) >= scenario.min_saved


def test_saving_an_offer_and_its_republication_is_a_duplicate(learner, world) -> None:
    workspace, journal, _scenario = learner
    repost = next(o for o in world.offers() if o["repost_of"])
    original = world.offer(repost["repost_of"])
    for offer in (original, repost):
        journal.record("shortlist.add", {"offer_id": offer["id"], "title": offer["title"], "note": ""})
    got = results(workspace, world)["r2-sans-doublon"]
    assert not got.passed and "1 doublon" in got.feedback


def test_scenario_radii_are_choices_of_the_search_widget() -> None:
    from tremplin.grading.scenarios import RADIUS_CHOICES_KM
    from tremplin.widgets.search_widget import RADII

    assert set(RADIUS_CHOICES_KM) <= set(RADII)
