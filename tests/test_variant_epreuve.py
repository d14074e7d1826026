"""The « adapter sa recherche » scenario: deterministic, different per learner, two real steps."""

from __future__ import annotations

from tremplin.grading.scenarios import offer_matches
from tremplin.grading.variant_scenario import EPREUVE, variant_scenario


def test_scenario_is_deterministic_and_changes_job_and_criteria(world) -> None:
    one = variant_scenario(world, "Alice", EPREUVE)
    assert one == variant_scenario(world, " alice ", EPREUVE)
    assert one.second.family != one.first.family
    assert one.second.contract != one.first.contract or one.second.insee != one.first.insee
    for step in (one.first, one.second):
        genuine = [o for o in world.offers() if offer_matches(o, step)]
        assert len(genuine) >= step.min_saved


def test_neighbours_get_different_tasks(world) -> None:
    tasks = {variant_scenario(world, f"apprenant-{i}", EPREUVE).second for i in range(8)}
    assert len(tasks) >= 4


# ---------------------------------------------------------------- checks, driven by the widget
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from tremplin.grading import checks_variant  # noqa: E402,F401  (registers the checks)
from tremplin.grading.check_context import load_context  # noqa: E402
from tremplin.grading.checks import run_checks  # noqa: E402
from tremplin.widgets.activity import ActivityJournal  # noqa: E402
from tremplin.widgets.search import SearchEngine  # noqa: E402
from tremplin.widgets.search_widget import SearchWidget  # noqa: E402
from tremplin.widgets.workspace import Workspace  # noqa: E402


@pytest.fixture(scope="module")
def engine(data_root: Path) -> SearchEngine:
    return SearchEngine.open(data_root / "world")


def _page(tmp_path: Path, world, engine, name: str = "Yvonne"):
    workspace = Workspace.create(tmp_path / "ws", name, world={"seed": world.manifest.seed,
                                                             "offers": world.manifest.offers})
    widget = SearchWidget(engine, ActivityJournal(workspace, EPREUVE))
    return workspace, widget, variant_scenario(world, name, EPREUVE)


def _save_step(widget: SearchWidget, world, step) -> None:
    """Search the family's offers around the place with the contract, save the genuine fits."""
    info = world.family(step.family) or {}
    widget.set_filters(query=str(info.get("label") or step.job), commune=step.commune,
                       radius_km=step.radius_km, contract=step.contract)
    widget.run_search()
    good = [o["id"] for o in world.offers() if offer_matches(o, step)]
    for oid in good[: step.min_saved]:
        widget.save_offer(oid)


def _results(workspace: Workspace, world) -> dict:
    return {r.id: r for r in run_checks(load_context(workspace.root, EPREUVE, world=world), EPREUVE)}


def test_adapting_both_steps_passes_every_check(tmp_path, world, engine) -> None:
    workspace, widget, scenario = _page(tmp_path, world, engine)
    _save_step(widget, world, scenario.first)
    for entry in list(widget.shortlist()):
        widget.remove_offer(entry.offer_id)
    _save_step(widget, world, scenario.second)
    got = _results(workspace, world)
    assert all(r.passed for r in got.values()), {k: r.feedback for k, r in got.items()}


def test_keeping_old_offers_fails_the_revised_selection(tmp_path, world, engine) -> None:
    workspace, widget, scenario = _page(tmp_path, world, engine)
    _save_step(widget, world, scenario.first)
    _save_step(widget, world, scenario.second)
    got = _results(workspace, world)
    assert not got["r2-selection-revue"].passed
    assert "ne correspondent plus" in got["r2-selection-revue"].feedback


def test_never_adapted_fails_and_a_scam_is_critical(tmp_path, world, engine) -> None:
    workspace, widget, scenario = _page(tmp_path, world, engine)
    _save_step(widget, world, scenario.first)
    scam = next(o for o in world.offers() if o.get("scam"))
    widget.save_offer(scam["id"])
    got = _results(workspace, world)
    assert not got["r1-autre-metier"].passed
    assert "pas encore trouvé les offres" in got["r1-autre-metier"].feedback
    assert not got["r2-sans-arnaque-variante"].passed and got["r2-sans-arnaque-variante"].critical


def test_page_builds_and_demo_learners_get_all_some_none(tmp_path, world, data_root) -> None:
    from tremplin.grading.demo_plan import DILIGENT, HASTY, IDLE
    from tremplin.grading.demo_variant import VARIANT_DEMO
    from tremplin.grading.variant_pages import variant_mission_html

    passed = {}
    for name in (DILIGENT, HASTY, IDLE):
        workspace = Workspace.create(tmp_path / name.split()[0], name,
                                     world={"seed": world.manifest.seed, "offers": world.manifest.offers})
        page = VARIANT_DEMO.build_page(workspace, data_root, world)
        assert "Étape 2" in variant_mission_html(page.scenario)
        VARIANT_DEMO.play(name, page)
        passed[name] = [r.passed for r in _results(workspace, world).values()]
    assert all(passed[DILIGENT]) and not any(passed[IDLE])
    assert any(passed[HASTY]) and not all(passed[HASTY])


def test_bad_input_in_the_search_never_raises(tmp_path, world, engine) -> None:
    workspace, widget, _scenario = _page(tmp_path, world, engine)
    widget.set_filters(query="<script>alert(1)</script>\x00" + "a" * 5000, commune="<b>")
    widget.run_search()
    got = _results(workspace, world)
    assert not got["r1-autre-metier"].passed
