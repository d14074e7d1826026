"""« Repérer une offre douteuse » (R3, N1–N3): the world's new scam pattern, each learner's six offers,
the checks driven by the real widget with their French feedback, and the pages. The demo learners'
real nbgrader autograde is in test_demo_e2e.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tremplin.grading.check_context import load_context
from tremplin.grading.check_model import REGISTRY
from tremplin.grading.checks import run_checks
from tremplin.grading.scams_pages import (
    EPREUVE,
    LESSON,
    ScamsActivity,
    build_scams_activity,
    scams_mission_html,
    shown_offer,
)
from tremplin.grading.scams_scenario import scams_scenario
from tremplin.widgets.i18n import t
from tremplin.widgets.world import content
from tremplin.widgets.world.scams import NEW_SIGNS, ORDINARY_SIGNS, is_new_pattern

CHECKS = {
    "r3-une-arnaque-signalee": ("N1", 1, False),
    "r3-arnaques-courantes-signalees": ("N2", 2, False),
    "r3-aucune-arnaque-enregistree": ("N2", 1, True),
    "r3-offres-fiables-non-signalees": ("N2", 1, False),
    "r3-nouvelle-arnaque-reperee": ("N3", 2, False),
}


# ---------------------------------------------------------------- the world's other scam pattern
def test_the_new_pattern_is_in_the_world_with_exactly_its_signs(world) -> None:
    patterns = content.scam_patterns()
    markers = {sign: spec["markers"] for sign, spec in patterns["signs"].items()}
    assert set(NEW_SIGNS) <= set(markers)
    scams = [o for o in world.offers() if o["scam"]]
    new = [o for o in scams if is_new_pattern(o)]
    assert 0.1 <= len(new) / len(scams) <= 0.5
    assert {s for o in new for s in o["scam_signs"]} == set(NEW_SIGNS)
    for offer in new:
        assert set(offer["scam_signs"]) <= set(NEW_SIGNS), offer["id"]
        present = {sign for sign, words in markers.items() if any(w in offer["description"] for w in words)}
        assert present == set(offer["scam_signs"]), offer["id"]
        assert offer["employer_id"] is None and offer["contact_email"] in offer["description"]
        assert offer["salary_min"] < 3000
    for offer in scams:
        if not is_new_pattern(offer):
            assert set(offer["scam_signs"]) <= set(ORDINARY_SIGNS)
            assert "réexpédi" not in offer["description"] and "transférer" not in offer["description"]


def test_the_new_pattern_keeps_every_other_offer_as_it_was(tmp_path: Path) -> None:
    """Which scams change is a hash, not a draw: the genuine offers are those of the same world
    built without the new pattern."""
    from tremplin.widgets.world import World, build_world

    with_new = tmp_path / "with"
    build_world(with_new, seed=7, offers=300)
    data = content.scam_patterns()
    share = data["new_pattern"]["share"]
    try:
        data["new_pattern"]["share"] = 0.0
        build_world(tmp_path / "without", seed=7, offers=300)
    finally:
        data["new_pattern"]["share"] = share
    one, two = (list(World.open(p).offers()) for p in (with_new, tmp_path / "without"))
    changed = [a for a, b in zip(one, two, strict=True) if a != b]
    assert changed and all(is_new_pattern(a) for a in changed)
    assert not any(is_new_pattern(b) for b in two)


# ---------------------------------------------------------------- each learner's six offers
def test_the_scenario_is_six_offers_three_genuine_two_common_one_new(world) -> None:
    one = scams_scenario(world, "Alice", EPREUVE)
    assert one == scams_scenario(world, " alice ", EPREUVE)
    assert len(one.offer_ids) == len(set(one.offer_ids)) == 6
    assert set(one.offer_ids) == {*one.genuine_ids, *one.common_scam_ids, one.new_scam_id}
    genuine = [world.offer(oid) for oid in one.genuine_ids]
    assert all(not o["scam"] and o["family"] == one.family for o in genuine)
    common = [world.offer(oid) for oid in one.common_scam_ids]
    assert all(o["scam"] and not is_new_pattern(o) for o in common)
    assert is_new_pattern(world.offer(one.new_scam_id))
    assert one.job == world.family(one.family)["job"]


def test_neighbours_get_other_offers_in_other_orders(world) -> None:
    tasks = [scams_scenario(world, f"apprenant-{i}", EPREUVE) for i in range(8)]
    assert len({task.offer_ids for task in tasks}) == 8
    assert len({task.family for task in tasks}) >= 4
    assert len({task.offer_ids.index(task.new_scam_id) for task in tasks}) >= 3
    assert scams_scenario(world, "apprenant-0", LESSON) != tasks[0]


# ---------------------------------------------------------------- checks, driven by the widget
@pytest.fixture
def make_page(tmp_path, world, data_root):
    from tremplin.widgets.workspace import Workspace

    def make(pseudonym: str = "Gwenola", activity: str = EPREUVE, with_panel: bool = False) -> ScamsActivity:
        workspace = Workspace.create(tmp_path / f"{pseudonym}-{activity}", pseudonym,
                                     world={"seed": world.manifest.seed, "offers": world.manifest.offers})
        return build_scams_activity(workspace, data_root=data_root, world=world, activity=activity,
                                    with_panel=with_panel)
    return make


def results(page: ScamsActivity, activity: str = EPREUVE) -> dict:
    context = load_context(page.workspace.root, activity, world=page.world)
    return {r.id: r for r in run_checks(context, activity)}


def report(page: ScamsActivity, offer_id: str, signs=None) -> None:
    page.review.show(page.scenario.offer_ids.index(offer_id))
    page.review.tick(page.world.offer(offer_id)["scam_signs"] if signs is None else signs)
    page.review.reason.value = "" if signs is None or signs else "Je ne le sens pas"
    assert page.review.flag()


def test_the_checks_are_r3_n1_to_n3_with_one_critical_and_catalogue_titles() -> None:
    specs = {s.id: s for s in REGISTRY.for_epreuve(EPREUVE)}
    assert {k: (s.level, s.points, s.critical) for k, s in specs.items()} == CHECKS
    assert {s.id for s in REGISTRY.for_epreuve(LESSON)} == set(CHECKS)
    for spec in specs.values():
        assert spec.competences == ("R3",) and spec.epreuves[0] == EPREUVE
        assert t(spec.title_key) != spec.title_key and t(spec.title_key, "en") != t(spec.title_key)


def test_a_careful_learner_passes_every_check(make_page) -> None:
    from tremplin.grading.demo_scams import diligent

    page = make_page()
    diligent(page)
    got = results(page)
    assert all(r.passed for r in got.values()), {k: r.feedback for k, r in got.items()}
    assert sum(r.points for r in got.values()) == sum(points for _l, points, _c in CHECKS.values())
    assert "Bravo" in got["r3-nouvelle-arnaque-reperee"].feedback


def test_an_untouched_page_passes_nothing_and_says_what_to_do(make_page) -> None:
    page = make_page()
    got = results(page)
    assert not any(r.passed for r in got.values())
    assert "aucune offre" in got["r3-une-arnaque-signalee"].feedback
    assert "« Je signale cette offre »" in got["r3-une-arnaque-signalee"].feedback
    assert got["r3-aucune-arnaque-enregistree"].critical
    assert "rien décidé" in got["r3-aucune-arnaque-enregistree"].feedback
    assert "aucune offre sérieuse" in got["r3-offres-fiables-non-signalees"].feedback
    title = page.world.offer(page.scenario.new_scam_id)["title"]
    assert title in got["r3-nouvelle-arnaque-reperee"].feedback


def test_saving_every_offer_is_a_critical_failure_naming_the_scam(make_page) -> None:
    from tremplin.grading.demo_scams import hasty

    page = make_page()
    hasty(page)
    got = results(page)
    verdict = got["r3-aucune-arnaque-enregistree"]
    assert not verdict.passed and verdict.critical and verdict.points == 0
    assert "est dans votre sélection, et c'est une arnaque" in verdict.feedback
    assert got["r3-offres-fiables-non-signalees"].passed
    # reporting the scams takes them off the list and fixes it
    for oid in page.scenario.scam_ids:
        report(page, oid)
    assert results(page)["r3-aucune-arnaque-enregistree"].passed


def test_missing_a_common_scam_names_its_sign(make_page) -> None:
    page = make_page("Apprenant 3")
    first, second = page.scenario.common_scam_ids
    report(page, first)
    got = results(page)
    assert got["r3-une-arnaque-signalee"].passed
    verdict = got["r3-arnaques-courantes-signalees"]
    assert not verdict.passed and verdict.points == 1
    offer = page.world.offer(second)
    assert offer["title"] in verdict.feedback
    assert t(f"scams.hint_{offer['scam_signs'][0]}") in verdict.feedback
    report(page, second)
    assert results(page)["r3-arnaques-courantes-signalees"].passed


def test_reporting_a_genuine_offer_is_explained(make_page) -> None:
    page = make_page()
    genuine = page.scenario.genuine_ids[1]
    report(page, genuine, signs=[])
    got = results(page)
    assert not got["r3-une-arnaque-signalee"].passed and "aucune n'est une arnaque" in got[
        "r3-une-arnaque-signalee"].feedback
    verdict = got["r3-offres-fiables-non-signalees"]
    assert not verdict.passed and page.world.offer(genuine)["title"] in verdict.feedback
    assert "elle est sérieuse" in verdict.feedback
    # the last word counts: trusting it afterwards fixes it
    assert page.review.trust(genuine)
    assert results(page)["r3-offres-fiables-non-signalees"].passed


def test_the_new_scam_needs_one_of_its_real_signs(make_page) -> None:
    page = make_page()
    oid = page.scenario.new_scam_id
    offer = page.world.offer(oid)
    report(page, oid, signs=["fees"])
    verdict = results(page)["r3-nouvelle-arnaque-reperee"]
    assert not verdict.passed and verdict.points == 1 and "sans cocher le bon signe" in verdict.feedback
    assert t(f"scams.hint_{offer['scam_signs'][0]}") in verdict.feedback
    report(page, oid, signs=[offer["scam_signs"][-1]])
    assert results(page)["r3-nouvelle-arnaque-reperee"].passed


def test_garbled_events_fail_quietly(make_page) -> None:
    page = make_page()
    journal = page.review.journal
    scam = page.scenario.new_scam_id
    journal.record("offer.flag", {"offer_id": None, "signs": ["reshipping"]})
    journal.record("offer.flag", {"offer_id": scam, "signs": "reshipping"})
    journal.record("offer.trust", {"offer_id": ["x"]})
    journal.record("shortlist.add", {"offer_id": {"a": 1}})
    got = results(page)
    assert not got["r3-nouvelle-arnaque-reperee"].passed
    assert "sans cocher" in got["r3-nouvelle-arnaque-reperee"].feedback


def test_the_page_never_shows_the_answer(make_page) -> None:
    page = make_page()
    assert [o["id"] for o in page.review.offers] == list(page.scenario.offer_ids)
    assert all("scam" not in o and "scam_signs" not in o for o in page.review.offers)
    assert shown_offer(page.world, "OF-999999") is None
    text = scams_mission_html(page.scenario)
    assert "6 offres" in text and page.scenario.job.replace("'", "&#x27;") in text


def test_work_done_in_the_lesson_does_not_count_in_the_epreuve(make_page) -> None:
    from tremplin.grading.demo_scams import diligent

    lesson = make_page("Maïwenn", LESSON, with_panel=True)
    diligent(lesson)
    items = lesson.panel.refresh()
    assert len(items) == len(CHECKS) and all(i.passed for i in items)
    assert items[0].title == t("scams.r3-une-arnaque-signalee_title")
    epreuve = build_scams_activity(lesson.workspace, data_root=lesson.data_root, world=lesson.world)
    assert not any(r.passed for r in results(epreuve).values())


def test_the_lesson_notebook_waits_for_its_visitor_then_shows_the_page() -> None:
    from tremplin import NOTEBOOKS_DIR

    path = Path(NOTEBOOKS_DIR) / "lecons" / "03-reperer-une-offre-douteuse.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert code[0]["metadata"]["tags"] == ["tremplin-wait-for-visitor"]
    assert "".join(code[-1]["source"]).strip() == "show_scams_lesson()" and len(code) == 2
    assert notebook["metadata"]["tremplin"]["title"] == "Repérer une offre douteuse"
    text = "".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
    for words in ("Je signale cette offre", "Cette offre me semble fiable", "Enregistrer dans ma sélection",
                  "Offre suivante", "Vérifier", "08 99"):
        assert words in text
    for key in ("flag_button", "trust_button", "save_button", "next"):
        assert t(f"scams.{key}") in text


def test_the_pages_show_in_french_without_a_kernel(shown, monkeypatch, data_root, tmp_path) -> None:
    from tremplin.grading.lesson_scams import show_scams_lesson
    from tremplin.grading.scams_pages import show_scams_epreuve
    from tremplin.widgets.workspace import Workspace

    workspace = Workspace.create(tmp_path / "ws", "Soizic", world={"seed": 42, "offers": 2000})
    monkeypatch.setenv("TREMPLIN_WORKSPACE", str(workspace.root))
    monkeypatch.setenv("TREMPLIN_DATA", str(data_root))
    show_scams_lesson()
    (lesson,) = shown
    assert len(lesson.children) == 3 and "Votre mission" in lesson.children[0].value
    show_scams_epreuve()
    assert len(shown) == 3 and len(shown[2].children) == 3  # statement, then mission/offers/hand-in
    monkeypatch.setenv("TREMPLIN_DATA", str(tmp_path / "vide"))
    show_scams_lesson()
    assert "tremplin-message" in shown[-1].value
