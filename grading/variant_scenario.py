"""The learner's task in « adapter sa recherche »: a first project, then a changed situation.

Step 1 is an ordinary search task; step 2 changes the job (another family, whose offers the
first job's words do not find) and the criteria (another contract or another place). Both
steps come from the same seeded candidates as the search scenario, so each step has enough
genuine offers and a check can recompute both from the world alone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from tremplin.grading.scenario_registry import register_scenario
from tremplin.grading.scenarios import (
    SearchScenario,
    scenario_candidates,
    scenario_from,
    search_scenario,
    stable_rng,
)

EPREUVE = "adapter-recherche"


@dataclass(frozen=True)
class VariantScenario:
    epreuve: str
    first: SearchScenario
    second: SearchScenario

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@register_scenario(EPREUVE)
def variant_scenario(world: Any, learner: str, activity: str) -> VariantScenario:
    """Two search tasks for `learner`: the second differs in job and in contract or place."""
    first = search_scenario(world, learner, f"{activity}:etape-1")
    options = [
        c for c in scenario_candidates(world)
        if c[0] != first.family and (c[1] != first.contract or c[2] != first.insee)
    ]
    if not options:
        raise RuntimeError("the world has no second job family for an adapted search")
    rng = stable_rng(world.manifest.seed, activity, "etape-2", learner.strip().lower())
    second = scenario_from(world, activity, rng.choice(options))
    return VariantScenario(epreuve=activity, first=first, second=second)
