"""How the three simulated learners work on « Préparer le trajet ».

Alice plans both trips with the right arrival times, keeps them and works out the month;
Bruno asks to arrive later than his interview and keeps that late trip (a critical failure);
Chloé does nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tremplin.grading.demo_plan import DILIGENT, HASTY, DemoPlan
from tremplin.grading.trip_pages import TripActivity, build_trip_activity
from tremplin.widgets.i18n import number
from tremplin.widgets.routes import clock, minutes, month_cost

#: How much later than his interview Bruno tries to arrive, until a trip arrives late.
HASTY_DELAYS = (30, 60, 90, 120, 180)


def _plan_and_keep(page: TripActivity, destination: str, arrive_by: str) -> Any:
    page.route.origin.value, page.route.destination.value = page.scenario.home, destination
    page.route.arrive.value = arrive_by
    plan = page.route.plan()
    page.route.keep()
    return plan.route


def diligent(page: TripActivity) -> None:
    """Both trips arriving in time, then the cheaper month for the working days and the car."""
    scenario = page.scenario
    _plan_and_keep(page, scenario.interview_commune, scenario.interview_time)
    job = _plan_and_keep(page, scenario.job_commune, scenario.job_start)
    if job is None:
        return
    cost = month_cost(job, scenario.working_days)
    page.answer.month.value = f"{number(cost.best_eur)} €"
    page.answer.car.value = cost.car_costs_more
    page.answer.submit()


def hasty(page: TripActivity) -> None:
    """Asks to arrive after the interview time and keeps the first trip that does."""
    scenario = page.scenario
    start = minutes(scenario.interview_time) or 0
    for delay in HASTY_DELAYS:
        page.route.origin.value, page.route.destination.value = scenario.home, scenario.interview_commune
        page.route.arrive.value = clock(min(start + delay, 23 * 60 + 59))
        route = page.route.plan().route
        if route is not None and (minutes(route.arrive) or 0) > start:
            page.route.keep()
            return


def _page(workspace: Any, data_root: Path, world: Any) -> TripActivity:
    return build_trip_activity(workspace, data_root=data_root, world=world)


TRIP_DEMO = DemoPlan(build_page=_page, behaviours={DILIGENT: diligent, HASTY: hasty})
