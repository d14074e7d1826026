"""The « Préparer le trajet » épreuve (R5, N1–N3): its checks driven by the real widgets, its
French feedback, bad input and the lesson page. The demo learners' real nbgrader autograde is in
test_demo_e2e.py, with every other épreuve's."""

from __future__ import annotations

from pathlib import Path

import pytest
from tremplin.grading.check_context import load_context
from tremplin.grading.check_model import REGISTRY
from tremplin.grading.checks import run_checks
from tremplin.grading.trip_pages import EPREUVE, LESSON, TripActivity, build_trip_activity, trip_mission_html
from tremplin.widgets.i18n import number, t
from tremplin.widgets.routes import clock, minutes, month_cost, parse_euros
from tremplin.widgets.workspace import Workspace

CHECKS = {
    "r5-trajet-cherche": ("N1", 1, False),
    "r5-trajet-garde": ("N2", 2, False),
    "r5-arrivee-a-l-heure": ("N2", 2, True),
    "r5-correspondance": ("N3", 2, False),
    "r5-cout-mensuel": ("N3", 2, False),
    "r5-comparaison-voiture": ("N3", 1, False),
}


@pytest.fixture
def make_page(tmp_path, world, data_root):
    def make(pseudonym: str = "Gwenola", activity: str = EPREUVE, with_panel: bool = False) -> TripActivity:
        workspace = Workspace.create(tmp_path / f"{pseudonym}-{activity}", pseudonym,
                                     world={"seed": world.manifest.seed, "offers": world.manifest.offers})
        return build_trip_activity(workspace, data_root=data_root, world=world, activity=activity,
                                   with_panel=with_panel)
    return make


def results(page: TripActivity, activity: str = EPREUVE) -> dict:
    context = load_context(page.workspace.root, activity, world=page.world)
    return {r.id: r for r in run_checks(context, activity)}


def plan(page: TripActivity, destination: str, arrive_by: str, origin: str | None = None):
    page.route.origin.value = page.scenario.home if origin is None else origin
    page.route.destination.value, page.route.arrive.value = destination, arrive_by
    return page.route.plan()


def keep(page: TripActivity, destination: str, arrive_by: str):
    route = plan(page, destination, arrive_by).route
    assert route is not None and page.route.keep()
    return route


def answer(page: TripActivity, text: str, car_more: bool | None) -> bool:
    page.answer.month.value, page.answer.car.value = text, car_more
    return page.answer.submit()


def both_trips(page: TripActivity):
    keep(page, page.scenario.interview_commune, page.scenario.interview_time)
    return keep(page, page.scenario.job_commune, page.scenario.job_start)


def test_the_checks_are_r5_n1_to_n3_with_one_critical_and_catalogue_titles() -> None:
    specs = {s.id: s for s in REGISTRY.for_epreuve(EPREUVE)}
    assert {k: (s.level, s.points, s.critical) for k, s in specs.items()} == CHECKS
    assert {s.id for s in REGISTRY.for_epreuve(LESSON)} == set(CHECKS)
    for spec in specs.values():
        assert spec.competences == ("R5",) and spec.epreuves[0] == EPREUVE
        assert t(spec.title_key) != spec.title_key and t(spec.title_key, "en") != t(spec.title_key)


def test_a_careful_learner_passes_every_check(make_page) -> None:
    page = make_page()
    job = both_trips(page)
    cost = month_cost(job, page.scenario.working_days)
    assert answer(page, f"{number(cost.best_eur)} €", cost.car_costs_more)
    got = results(page)
    assert all(r.passed for r in got.values()), {k: r.feedback for k, r in got.items()}
    assert sum(r.points for r in got.values()) == sum(points for _l, points, _c in CHECKS.values())
    assert "Juste" in got["r5-cout-mensuel"].feedback


def test_an_untouched_page_passes_nothing_and_says_what_to_do(make_page) -> None:
    page = make_page()
    got = results(page)
    assert not any(r.passed for r in got.values())
    home = page.scenario.home
    assert "pas encore cherché de trajet" in got["r5-trajet-cherche"].feedback
    assert home in got["r5-trajet-cherche"].feedback
    assert "aucun trajet" in got["r5-trajet-garde"].feedback.lower()
    on_time = got["r5-arrivee-a-l-heure"]
    assert on_time.critical and "Aucun trajet gardé" in on_time.feedback
    assert "pas encore donné le coût du mois" in got["r5-cout-mensuel"].feedback
    assert "voiture" in got["r5-comparaison-voiture"].feedback


def test_searching_from_elsewhere_or_keeping_the_wrong_trip_is_explained(make_page) -> None:
    page = make_page()
    scenario = page.scenario
    elsewhere = scenario.job_commune
    assert plan(page, scenario.interview_commune, scenario.interview_time, origin=elsewhere).route
    page.route.keep()
    got = results(page)
    searched = got["r5-trajet-cherche"]
    assert not searched.passed and "ne partent pas de chez vous" in searched.feedback
    assert not got["r5-trajet-garde"].passed
    assert f"Le dernier trajet gardé va de {elsewhere}" in got["r5-trajet-garde"].feedback


def _late_interview(page: TripActivity):
    """Asks to arrive after the interview until a trip does, and keeps it (what Bruno does)."""
    start = minutes(page.scenario.interview_time)
    for delay in (30, 60, 90, 120, 180, 240):
        route = plan(page, page.scenario.interview_commune, clock(start + delay)).route
        if route and minutes(route.arrive) > start:
            page.route.keep()
            return route
    raise AssertionError("no late trip found")


def test_a_late_arrival_at_the_interview_is_a_critical_failure(make_page) -> None:
    page = make_page()
    late = _late_interview(page)
    got = results(page)
    assert got["r5-trajet-cherche"].passed and got["r5-trajet-garde"].passed
    verdict = got["r5-arrivee-a-l-heure"]
    assert not verdict.passed and verdict.critical and verdict.points == 0
    when = page.scenario.interview_time
    assert f"arrive à {late.arrive}, après votre entretien de {when}" in verdict.feedback
    # keeping a good trip afterwards (the last one kept counts) fixes it
    keep(page, page.scenario.interview_commune, page.scenario.interview_time)
    assert results(page)["r5-arrivee-a-l-heure"].passed


def test_the_job_trip_must_arrive_in_time_and_have_a_change(make_page) -> None:
    page = make_page()
    scenario = page.scenario
    journal = page.route.workspace
    base = {"from": scenario.home, "to": scenario.job_commune, "from_insee": scenario.home_insee,
            "to_insee": scenario.job_insee, "arrive_by": scenario.job_start}
    journal.record("route.keep", {**base, "arrival": clock(minutes(scenario.job_start) + 20), "changes": 1})
    verdict = results(page)["r5-correspondance"]
    assert not verdict.passed and "après le début de votre journée" in verdict.feedback
    journal.record("route.keep", {**base, "arrival": clock(minutes(scenario.job_start) - 20), "changes": 0})
    verdict = results(page)["r5-correspondance"]
    assert not verdict.passed and "sans correspondance" in verdict.feedback
    keep(page, scenario.job_commune, scenario.job_start)
    assert results(page)["r5-correspondance"].passed


def test_monthly_cost_answers_get_the_right_advice(make_page) -> None:
    page = make_page("Apprenant 3")
    job = both_trips(page)
    cost = month_cost(job, page.scenario.working_days)
    dearer = cost.tickets_eur if cost.best == "pass" else cost.pass_eur
    cases = [
        (f"{cost.best_eur + 0.9:.2f}".replace(".", ","), True, "Juste"),
        (str(round(cost.best_eur + 5.5, 2)), False, "ce n'est pas le bon montant"),
    ]
    if dearer and abs(dearer - cost.best_eur) > 1:
        cases.append((str(dearer), False, "l'option la plus chère"))
    # the amount the planner shows for a full-time month, when it is neither option
    kept = page.route.workspace.events(kind="route.keep")[-1].data
    page.route.workspace.record("route.keep", {**kept, "cost_month": cost.best_eur + 7.3})
    cases.append((str(round(cost.best_eur + 7.3, 2)), False, "21 jours"))
    for text, passed, words in cases:
        assert answer(page, text, cost.car_costs_more)
        verdict = results(page)["r5-cout-mensuel"]
        assert verdict.passed is passed and words in verdict.feedback, (text, verdict.feedback)


def test_the_car_comparison_must_be_right(make_page) -> None:
    page = make_page()
    job = both_trips(page)
    cost = month_cost(job, page.scenario.working_days)
    assert answer(page, str(cost.best_eur), not cost.car_costs_more)
    got = results(page)
    assert got["r5-cout-mensuel"].passed and not got["r5-comparaison-voiture"].passed
    assert f"par {cost.trips} trajets" in got["r5-comparaison-voiture"].feedback
    assert answer(page, str(cost.best_eur), cost.car_costs_more)
    assert results(page)["r5-comparaison-voiture"].passed


@pytest.mark.parametrize("typed", ["45,60 €", "45.6", " 45,6 euros ", "€45.60"])
def test_amounts_are_read_as_people_type_them(typed: str) -> None:
    assert parse_euros(typed) == pytest.approx(45.6)


@pytest.mark.parametrize("typed", ["", "   ", "quarante", "<script>alert(1)</script>", "4\x005", "-3",
                                   "45,6,7", "1e3", "9" * 500, None])
def test_bad_answers_get_a_french_message_and_record_nothing(make_page, typed) -> None:
    assert parse_euros(typed) is None
    page = make_page()
    assert not answer(page, typed or "", True)
    status = page.answer.status.value
    assert 'role="alert"' in status and ("montant" in status or "Écrivez" in status)
    assert "<script>" not in status
    assert not page.route.workspace.events(kind="route.answer")


def test_an_answer_without_the_car_choice_is_asked_again(make_page) -> None:
    page = make_page()
    assert not answer(page, "45", None)
    assert "voiture" in page.answer.status.value and not page.route.workspace.events(kind="route.answer")


def test_unknown_commune_gets_suggestions_and_no_connection_says_so(make_page) -> None:
    page = make_page()
    unknown = plan(page, "Renes", "09:30")
    assert unknown.route is None and "Rennes" in unknown.suggestions["destination"]
    assert "Rennes" in page.route.answer.value and 'role="alert"' in page.route.answer.value
    too_early = plan(page, page.scenario.interview_commune, "00:15")
    assert too_early.route is None and too_early.message.startswith("Aucun trajet en transport en commun")
    assert "Essayez une heure plus tardive" in too_early.message
    assert html_text(page.route.answer.value) == too_early.message
    events = page.route.workspace.events(kind="route.plan")
    assert [e.data["found"] for e in events] == [False, False]
    assert all(e.data["context"] == EPREUVE for e in events)


def test_a_bad_time_or_hostile_text_gets_a_french_message(make_page) -> None:
    page = make_page()
    result = plan(page, "<script>alert(1)</script>\x00" + "x" * 3000, "<b>vite</b>")
    assert result.route is None and "<script>" not in page.route.answer.value
    result = plan(page, page.scenario.interview_commune, "<b>vite</b>")
    assert result.route is None and "&lt;b&gt;" in page.route.answer.value
    assert "heure" in page.route.answer.value.lower()
    assert not page.route.keep() and "Cherchez d&#x27;abord" in page.route.kept.value


def test_garbled_events_fail_quietly(make_page) -> None:
    page = make_page()
    journal = page.route.workspace
    scenario = page.scenario
    journal.record("route.plan", {"origin": None, "found": "oui"})
    journal.record("route.keep", {"from_insee": scenario.home_insee, "to_insee": scenario.interview_insee,
                                  "arrival": None, "changes": "deux"})
    journal.record("route.keep", {"from_insee": scenario.home_insee, "to_insee": scenario.job_insee,
                                  "arrival": "25:99", "changes": "deux", "arrive_by": ["x"]})
    journal.record("route.answer", {"month_eur": "beaucoup", "car_more": "oui"})
    got = results(page)
    assert not got["r5-arrivee-a-l-heure"].passed and not got["r5-correspondance"].passed
    assert not got["r5-cout-mensuel"].passed and not got["r5-comparaison-voiture"].passed


def test_french_and_english_catalogues_have_the_same_keys() -> None:
    import json

    from tremplin.widgets.i18n import LOCALES_DIR

    for domain in ("trip", "routes_widget"):
        fr, en = (json.loads((LOCALES_DIR / lang / f"{domain}.json").read_text(encoding="utf-8"))
                  for lang in ("fr", "en"))
        assert set(fr) == set(en), domain


def html_text(value: str) -> str:
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", value))


def test_work_done_in_the_lesson_does_not_count_in_the_epreuve(make_page) -> None:
    lesson = make_page("Maïwenn", LESSON, with_panel=True)
    both_trips(lesson)
    items = lesson.panel.refresh()
    assert len(items) == len(CHECKS) and sum(i.passed for i in items) == 4
    assert items[0].title == t("trip.r5-trajet-cherche_title")
    epreuve = build_trip_activity(lesson.workspace, data_root=lesson.data_root, world=lesson.world)
    assert not any(r.passed for r in results(epreuve).values())


def test_the_mission_names_the_learners_own_places_escaped(make_page) -> None:
    page = make_page()
    text = trip_mission_html(page.scenario)
    for words in (page.scenario.home, page.scenario.job_start, f"{page.scenario.working_days} jours"):
        assert words.replace("'", "&#x27;") in text


def test_the_lesson_notebook_waits_for_its_visitor_then_shows_the_page() -> None:
    import json

    from tremplin import NOTEBOOKS_DIR

    path = Path(NOTEBOOKS_DIR) / "lecons" / "05-preparer-le-trajet.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert code[0]["metadata"]["tags"] == ["tremplin-wait-for-visitor"]
    assert "".join(code[-1]["source"]).strip() == "show_trip_lesson()" and len(code) == 2
    assert notebook["metadata"]["tremplin"]["title"] == "Préparer le trajet"
    text = "".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
    for words in ("Chercher un trajet", "Je garde ce trajet", "Enregistrer ma réponse", "Vérifier"):
        assert words in text


def test_the_pages_show_in_french_without_a_kernel(shown, monkeypatch, data_root, tmp_path) -> None:
    from tremplin.grading.lesson_trip import show_trip_lesson
    from tremplin.grading.trip_pages import show_trip_epreuve

    workspace = Workspace.create(tmp_path / "ws", "Soizic", world={"seed": 42, "offers": 2000})
    monkeypatch.setenv("TREMPLIN_WORKSPACE", str(workspace.root))
    monkeypatch.setenv("TREMPLIN_DATA", str(data_root))
    show_trip_lesson()
    (lesson,) = shown
    assert len(lesson.children) == 4 and "Votre mission" in lesson.children[0].value
    show_trip_epreuve()
    assert len(shown) == 3 and len(shown[2].children) == 4  # statement, then mission/planner/answer/hand-in
    monkeypatch.setenv("TREMPLIN_DATA", str(tmp_path / "vide"))
    show_trip_lesson()
    assert "tremplin-message" in shown[-1].value
