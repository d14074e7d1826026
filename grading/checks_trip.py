"""Checks of « Préparer le trajet » (R5, N1–N3): reach the interview on time, reach the job with a
change, and work out what a month of trips costs against the car.

They read only the activity's journal (`route.plan`, `route.keep`, `route.answer`) and recompute
what is expected from the world's timetables with the same planner, so any way of getting there
passes: any wording of the communes, any number of tries, the last kept trip and the last answer
count. Arriving after the interview is a critical failure. No ipywidgets here.
"""

from __future__ import annotations

from functools import lru_cache, partial
from typing import Any

from tremplin.grading.check_context import CheckContext
from tremplin.grading.check_model import REGISTRY, Outcome
from tremplin.grading.trip_scenario import EPREUVE, LESSON, TripScenario, planner_for
from tremplin.widgets import geo
from tremplin.widgets.i18n import number, t
from tremplin.widgets.routes import MonthCost, RoutePlanner, minutes, month_cost

ACTIVITIES = [EPREUVE, LESSON]
#: An answer this close to the expected monthly cost (in euros) is right (rounding, a cent here and there).
TOLERANCE_EUR = 1.0


def _insee(data: dict[str, Any], key: str, text_key: str) -> str | None:
    """The INSEE code an event names: recorded by the widget, else found from the typed name."""
    code = data.get(key)
    if isinstance(code, str) and code:
        return code
    found = geo.find_commune(str(data.get(text_key) or "")[:100])
    return found.insee if found else None


def _plans_from_home(ctx: CheckContext) -> list[dict[str, Any]]:
    home = ctx.scenario.home_insee
    return [e.data for e in ctx.of_kind("route.plan") if _insee(e.data, "from_insee", "origin") == home]


def kept_trip(ctx: CheckContext, target_insee: str) -> dict[str, Any] | None:
    """The last trip kept from the learner's home to `target_insee` (the learner may change their mind)."""
    home = ctx.scenario.home_insee
    kept = [
        e.data for e in ctx.of_kind("route.keep")
        if _insee(e.data, "from_insee", "from") == home and _insee(e.data, "to_insee", "to") == target_insee
    ]
    return kept[-1] if kept else None


def _arrives_by(trip: dict[str, Any], deadline: str) -> bool:
    arrival, limit = minutes(str(trip.get("arrival") or "")), minutes(deadline)
    return arrival is not None and limit is not None and arrival <= limit


def _last_answer(ctx: CheckContext) -> dict[str, Any] | None:
    answers = [e.data for e in ctx.of_kind("route.answer")
               if isinstance(e.data.get("month_eur"), int | float)]
    return answers[-1] if answers else None


@lru_cache(maxsize=256)
def _cost(planner: RoutePlanner, origin: str, destination: str, arrive_by: str,
          days: int) -> MonthCost | None:
    route = planner.plan(origin, destination, arrive_by).route
    return month_cost(route, days) if route else None


def expected_costs(ctx: CheckContext) -> list[MonthCost]:
    """The month of the job's trip as the scenario plans it, and as the learner kept it (if on time)."""
    scenario: TripScenario = ctx.scenario
    planner = planner_for(ctx.world)
    asked = [(scenario.home_insee, scenario.job_insee, scenario.job_start)]
    kept = kept_trip(ctx, scenario.job_insee)
    if kept and _arrives_by(kept, scenario.job_start):
        asked.append((scenario.home_insee, scenario.job_insee, str(kept.get("arrive_by") or "")[:20]))
    costs = [_cost(planner, *request, scenario.working_days) for request in asked]
    return [cost for cost in costs if cost is not None]


#: Every R5 check serves the épreuve and its lesson; its title is « trip.<id>_title ».
r5_check = partial(REGISTRY.register, competences=["R5"], epreuves=ACTIVITIES, title_key="trip.{id}_title")


@r5_check("r5-trajet-cherche", level="N1", points=1)
def trip_searched(ctx: CheckContext) -> Outcome:
    home = ctx.scenario.home
    plans = _plans_from_home(ctx)
    if any(p.get("found") for p in plans):
        return Outcome(True, t("trip.searched_ok", home=home))
    if plans:
        return Outcome(False, t("trip.searched_not_found", home=home))
    if ctx.of_kind("route.plan"):
        return Outcome(False, t("trip.searched_elsewhere", home=home))
    return Outcome(False, t("trip.searched_none", home=home, commune=ctx.scenario.interview_commune))


@r5_check("r5-trajet-garde", level="N2", points=2)
def interview_trip_kept(ctx: CheckContext) -> Outcome:
    scenario = ctx.scenario
    trip = kept_trip(ctx, scenario.interview_insee)
    if trip is not None:
        return Outcome(True, t("trip.kept_ok", commune=scenario.interview_commune,
                               departure=str(trip.get("departure") or ""),
                               minutes=trip.get("duration_min") or 0))
    others = ctx.of_kind("route.keep")
    if others:
        last = others[-1].data
        return Outcome(False, t("trip.kept_wrong_places", origin=str(last.get("from") or "")[:60],
                                destination=str(last.get("to") or "")[:60], home=scenario.home,
                                commune=scenario.interview_commune))
    return Outcome(False, t("trip.kept_none", home=scenario.home, commune=scenario.interview_commune))


@r5_check("r5-arrivee-a-l-heure", level="N2", points=2, critical=True)
def on_time(ctx: CheckContext) -> Outcome:
    scenario = ctx.scenario
    trip = kept_trip(ctx, scenario.interview_insee)
    if trip is None:
        return Outcome(False, t("trip.on_time_nothing", commune=scenario.interview_commune,
                                time=scenario.interview_time))
    if not _arrives_by(trip, scenario.interview_time):
        return Outcome(False, t("trip.on_time_late", arrival=str(trip.get("arrival") or "?")[:5],
                                time=scenario.interview_time))
    return Outcome(True, t("trip.on_time_ok", arrival=str(trip.get("arrival")), time=scenario.interview_time))


@r5_check("r5-correspondance", level="N3", points=2)
def job_trip_with_change(ctx: CheckContext) -> Outcome:
    scenario = ctx.scenario
    trip = kept_trip(ctx, scenario.job_insee)
    if trip is None:
        return Outcome(False, t("trip.change_none", commune=scenario.job_commune, time=scenario.job_start))
    if not _arrives_by(trip, scenario.job_start):
        return Outcome(False, t("trip.change_late", arrival=str(trip.get("arrival") or "?")[:5],
                                time=scenario.job_start))
    changes = trip.get("changes")
    if not isinstance(changes, int) or changes < 1:
        return Outcome(False, t("trip.change_direct", commune=scenario.job_commune, time=scenario.job_start))
    return Outcome(True, t("trip.change_ok", commune=scenario.job_commune, changes=changes,
                           arrival=str(trip.get("arrival"))))


@r5_check("r5-cout-mensuel", level="N3", points=2)
def monthly_cost(ctx: CheckContext) -> Outcome:
    scenario = ctx.scenario
    answer = _last_answer(ctx)
    if answer is None:
        return Outcome(False, t("trip.cost_none", days=scenario.working_days))
    given = float(answer["month_eur"])
    costs = expected_costs(ctx)
    if not costs:
        return Outcome(False, t("trip.cost_no_trip", commune=scenario.job_commune))
    right = next((c for c in costs if abs(given - c.best_eur) <= TOLERANCE_EUR), None)
    if right is not None:
        option = t(f"trip.option_{right.best}", trips=right.trips)
        return Outcome(True, t("trip.cost_ok", eur=number(right.best_eur), option=option,
                               days=right.working_days))
    cost = costs[0]
    dearer = cost.tickets_eur if cost.best == "pass" else cost.pass_eur
    if dearer is not None and abs(given - dearer) <= TOLERANCE_EUR:
        key = "trip.cost_dearer"
    elif any(abs(given - c) <= TOLERANCE_EUR for c in _full_month_costs(ctx)):
        key = "trip.cost_full_month"
    else:
        key = "trip.cost_wrong"
    return Outcome(False, t(key, eur=number(given), days=cost.working_days, trips=cost.trips))


def _full_month_costs(ctx: CheckContext) -> list[float]:
    """The monthly costs the planner shows for a full-time month (21 days), a usual slip."""
    trip = kept_trip(ctx, ctx.scenario.job_insee)
    return [float(trip["cost_month"])] if trip and isinstance(trip.get("cost_month"), int | float) else []


@r5_check("r5-comparaison-voiture", level="N3", points=1)
def car_compared(ctx: CheckContext) -> Outcome:
    scenario = ctx.scenario
    answer = _last_answer(ctx)
    if answer is None or not isinstance(answer.get("car_more"), bool):
        return Outcome(False, t("trip.car_none"))
    costs = expected_costs(ctx)
    if not costs:
        return Outcome(False, t("trip.cost_no_trip", commune=scenario.job_commune))
    cost = next((c for c in costs if answer["car_more"] == c.car_costs_more), None)
    if cost is not None:
        key = "trip.car_ok_more" if answer["car_more"] else "trip.car_ok_less"
        return Outcome(True, t(key, car=number(cost.car_eur), trips=cost.trips))
    return Outcome(False, t("trip.car_wrong", trips=costs[0].trips))
