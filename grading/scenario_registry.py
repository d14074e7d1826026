"""Which scenario (the learner's own task) goes with which activity.

Each theme registers a builder for its épreuves and lessons; an activity nobody claimed
gets the searching scenario, which is what the first lesson and épreuve use. A builder is
a pure function of (world, learner pseudonym, activity), so a check can recompute the
expected answer from the submitted workspace alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ScenarioBuilder = Callable[[Any, str, str], Any]

_BUILDERS: dict[str, ScenarioBuilder] = {}


def register_scenario(*activities: str) -> Callable[[ScenarioBuilder], ScenarioBuilder]:
    def decorate(builder: ScenarioBuilder) -> ScenarioBuilder:
        for activity in activities:
            if activity in _BUILDERS and _BUILDERS[activity] is not builder:
                raise RuntimeError(f"two scenario builders for activity {activity!r}")
            _BUILDERS[activity] = builder
        return builder

    return decorate


def scenario_for(world: Any, learner: str, activity: str) -> Any:
    from tremplin.grading.themes import load_checks

    load_checks()
    builder = _BUILDERS.get(activity)
    if builder is None:
        from tremplin.grading.scenarios import search_scenario

        return search_scenario(world, learner, activity)
    return builder(world, learner, activity)
