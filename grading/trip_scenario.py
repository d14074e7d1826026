"""Each learner's trip task: an interview to reach on time, then a job reached with a change.

A pure function of (world, pseudonym, activity): neighbours get different homes, employers
and times, and a check recomputes the expected trips with the same planner. Only pairs
the planner actually serves are chosen, so every task can be done.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from tremplin.grading.scenario_registry import register_scenario
from tremplin.grading.scenarios import stable_rng
from tremplin.widgets import geo
from tremplin.widgets.routes import RoutePlanner

EPREUVE = "preparer-trajet"
LESSON = "lecon-trajet"
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi")
INTERVIEW_TIMES = ("09:00", "09:30", "10:00", "10:30", "14:00", "14:30")
WORK_STARTS = ("08:00", "08:30", "09:00")
#: Working days a month: part-time schedules make tickets sometimes cheaper than a pass.
WORKING_DAYS = (8, 10, 12, 16, 20)
MAX_TRIP_MIN = 180
MAX_TRIES = 40
EMPLOYER_TRIES = 40
MAX_CACHED = 1024

_PLANNERS: dict[int, RoutePlanner] = {}
#: Built scenarios (~130 ms each): the panel and every graded cell ask again for the same one.
_SCENARIOS: dict[tuple[int, int, str, str], TripScenario] = {}


@dataclass(frozen=True)
class TripScenario:
    activity: str
    home: str
    home_insee: str
    interview_employer: str
    interview_commune: str
    interview_insee: str
    interview_day: str
    interview_time: str
    job_employer: str
    job_commune: str
    job_insee: str
    job_start: str
    working_days: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def planner_for(world: Any) -> RoutePlanner:
    """One planner per world in this process (the network is the same in every world)."""
    key = id(world.transport)
    if key not in _PLANNERS:
        _PLANNERS[key] = RoutePlanner.from_world(world)
    return _PLANNERS[key]


def _served_employers(world: Any, served: set[str]) -> list[tuple[str, str, str]]:
    found = {
        (e["name"], e["address"]["commune"], e["address"]["insee"])
        for e in world.employers()
        if e.get("address", {}).get("insee") in served
    }
    return sorted(found)


@register_scenario(EPREUVE, LESSON)
def trip_scenario(world: Any, learner: str, activity: str) -> TripScenario:
    """The trip task of `learner` for `activity` in this world (computed once per process)."""
    key = (id(world.transport), world.manifest.seed, learner.strip().lower(), activity)
    if key not in _SCENARIOS:
        if len(_SCENARIOS) >= MAX_CACHED:
            _SCENARIOS.clear()
        _SCENARIOS[key] = _build_scenario(world, learner, activity)
    return _SCENARIOS[key]


def _build_scenario(world: Any, learner: str, activity: str) -> TripScenario:
    planner = planner_for(world)
    employers = _served_employers(world, planner.served)
    homes = sorted(i for i in planner.served if (c := geo.by_insee(i)) and c.population >= 2000)
    if not employers or not homes:
        raise RuntimeError("the world has no served employer for a trip scenario")
    rng = stable_rng(world.manifest.seed, activity, learner.strip().lower())
    for _ in range(MAX_TRIES):
        home = geo.by_insee(rng.choice(homes))
        when, start = rng.choice(INTERVIEW_TIMES), rng.choice(WORK_STARTS)
        first = _reachable(planner, rng, employers, home, when, set(), min_changes=0)
        second = first and _reachable(planner, rng, employers, home, start, {first[2]}, min_changes=1)
        if home is None or not (first and second):
            continue
        return TripScenario(
            activity=activity,
            home=home.name,
            home_insee=home.insee,
            interview_employer=first[0],
            interview_commune=first[1],
            interview_insee=first[2],
            interview_day=rng.choice(WEEKDAYS),
            interview_time=when,
            job_employer=second[0],
            job_commune=second[1],
            job_insee=second[2],
            job_start=start,
            working_days=rng.choice(WORKING_DAYS),
        )
    raise RuntimeError("no servable trip found for this learner")


def _reachable(
    planner: RoutePlanner, rng: Any, employers: list[tuple[str, str, str]], home: Any, arrive_by: str,
    avoid: set[str], *, min_changes: int,
) -> tuple[str, str, str] | None:
    """An employer the planner reaches from `home` by `arrive_by`, with enough changes, or None."""
    if home is None:
        return None
    for employer in rng.sample(employers, min(EMPLOYER_TRIES, len(employers))):
        if employer[2] == home.insee or employer[2] in avoid:
            continue
        route = planner.plan(home.insee, employer[2], arrive_by).route
        if route and route.changes >= min_changes and route.duration_min <= MAX_TRIP_MIN:
            return employer
    return None
