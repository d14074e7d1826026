"""Each learner's own task, derived from their pseudonym and the world's seed.

Neighbours get different jobs, places or contracts, so they cannot copy answers; and a
check can recompute the expected answer because the scenario is a pure function of the
world and the learner's identity.
"""

from __future__ import annotations

import bisect
import hashlib
import random
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any

from tremplin.widgets import geo

#: Towns a scenario may start from: large enough that every family has offers nearby.
HOME_TOWN_MIN_POPULATION = 15_000
#: Distances a learner can pick in the search widget (a test keeps them in its list).
RADIUS_CHOICES_KM = (10, 20, 30)
MIN_MATCHING_OFFERS = 5
#: Latitude band (degrees) that holds every point within the largest radius.
MAX_RADIUS_DEG = max(RADIUS_CHOICES_KM) / 111.0 + 0.01
MIN_SAVED = 3


@dataclass(frozen=True)
class SearchScenario:
    epreuve: str
    family: str
    job: str
    commune: str
    insee: str
    radius_km: int
    contract: str
    min_saved: int
    matching_offers: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def offer_distance_km(offer: dict[str, Any], insee: str) -> float:
    home = geo.by_insee(insee)
    if home is None:
        return float("inf")
    return geo.distance_km(home.lat, home.lon, float(offer["lat"]), float(offer["lon"]))


def offer_matches(offer: dict[str, Any], scenario: SearchScenario) -> bool:
    """Whether an offer is one the scenario's job seeker should keep (scams excluded)."""
    return (
        not offer.get("scam")
        and offer.get("family") == scenario.family
        and offer.get("contract") == scenario.contract
        and offer_distance_km(offer, scenario.insee) <= scenario.radius_km
    )


def stable_rng(*parts: object) -> random.Random:
    """A random generator that depends only on `parts`: the same task for the same learner."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


@cache
def _home_towns() -> tuple[geo.Commune, ...]:
    return tuple(c for c in geo.communes() if c.population >= HOME_TOWN_MIN_POPULATION)


#: Scenario candidates per world (seed, offers digest): computed once per process.
_CANDIDATES: dict[tuple[int, str], list[tuple[str, str, str, int, int]]] = {}


def scenario_candidates(world: Any) -> list[tuple[str, str, str, int, int]]:
    """(family, contract, insee, radius, count) combinations with enough genuine offers."""
    key = (world.manifest.seed, world.manifest.files.get("offers.jsonl", ""))
    if key in _CANDIDATES:
        return _CANDIDATES[key]
    by_key: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for offer in world.offers():
        if offer.get("scam"):
            continue
        by_key.setdefault((offer["family"], offer["contract"]), []).append(
            (float(offer["lat"]), float(offer["lon"]))
        )
    found: list[tuple[str, str, str, int, int]] = []
    for (family, contract), points in sorted(by_key.items()):
        if len(points) < MIN_MATCHING_OFFERS:
            continue
        for town in _home_towns():
            distances = sorted(
                geo.distance_km(town.lat, town.lon, lat, lon)
                for lat, lon in points
                if abs(lat - town.lat) <= MAX_RADIUS_DEG
            )
            for radius in RADIUS_CHOICES_KM:
                count = bisect.bisect_right(distances, radius)
                if count >= MIN_MATCHING_OFFERS:
                    found.append((family, contract, town.insee, radius, count))
                    break
    _CANDIDATES[key] = found
    return found


def scenario_from(world: Any, epreuve: str, candidate: tuple[str, str, str, int, int]) -> SearchScenario:
    """The search task for one of `scenario_candidates(world)`."""
    family, contract, insee, radius, count = candidate
    town = geo.by_insee(insee)
    info = world.family(family) or {}
    return SearchScenario(
        epreuve=epreuve,
        family=family,
        job=str(info.get("job") or info.get("label") or family),
        commune=town.name if town else insee,
        insee=insee,
        radius_km=radius,
        contract=contract,
        min_saved=MIN_SAVED,
        matching_offers=count,
    )


def search_scenario(world: Any, learner: str, epreuve: str) -> SearchScenario:
    """The search task of `learner` (their pseudonym) for `epreuve` in this world."""
    candidates = scenario_candidates(world)
    if not candidates:
        raise RuntimeError("the world has no job family with enough offers for a scenario")
    rng = stable_rng(world.manifest.seed, epreuve, learner.strip().lower())
    return scenario_from(world, epreuve, rng.choice(candidates))
