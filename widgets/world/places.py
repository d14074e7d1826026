"""Where things are in the world: real communes picked by population, and street addresses.

Employers go mostly to the larger communes (weighted by population) while each of the
four départements keeps a fair share, so a learner in Lannion or Pontivy finds offers near
home, not only in Rennes.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from functools import cache

from tremplin.widgets import geo

#: Share of employers per département: half by population, half evenly.
EVEN_SHARE = 0.5
#: Offers of mobile employers (agencies, home help) may be anywhere within this distance.
NEARBY_KM = 20.0
NEARBY_MIN_POPULATION = 300


@cache
def departements() -> tuple[str, ...]:
    return tuple(sorted({c.departement for c in geo.communes()}))


@cache
def _departement_weights() -> tuple[float, ...]:
    totals = [sum(c.population for c in geo.communes() if c.departement == d) for d in departements()]
    grand = sum(totals)
    even = 1 / len(totals)
    return tuple(EVEN_SHARE * even + (1 - EVEN_SHARE) * t / grand for t in totals)


@cache
def _pool(departement: str, min_population: int) -> tuple[tuple[geo.Commune, ...], tuple[float, ...]]:
    """Communes of a département at or above a population, with cumulative weights."""
    members = tuple(
        c for c in geo.communes() if c.departement == departement and c.population >= min_population
    )
    if not members:
        members = tuple(c for c in geo.communes() if c.departement == departement)
    return members, tuple(itertools.accumulate(c.population for c in members))


def pick_commune(rng: random.Random, min_population: int = 0) -> geo.Commune:
    """A commune: département first (spread), then weighted by population inside it."""
    (dep,) = rng.choices(departements(), weights=_departement_weights())
    members, cumulative = _pool(dep, min_population)
    return rng.choices(members, cum_weights=cumulative)[0]


@cache
def _all_weighted() -> tuple[tuple[geo.Commune, ...], tuple[float, ...]]:
    members = geo.communes()
    return members, tuple(itertools.accumulate(c.population for c in members))


def pick_any_commune(rng: random.Random) -> geo.Commune:
    """A commune weighted by population over the whole region (where people live)."""
    members, cumulative = _all_weighted()
    return rng.choices(members, cum_weights=cumulative)[0]


@cache
def _nearby(insee: str) -> tuple[tuple[geo.Commune, ...], tuple[float, ...]]:
    centre = geo.by_insee(insee)
    assert centre is not None
    members = tuple(
        c
        for c in geo.communes()
        if c.population >= NEARBY_MIN_POPULATION and geo.commune_distance_km(centre, c) <= NEARBY_KM
    ) or (centre,)
    return members, tuple(itertools.accumulate(c.population for c in members))


def pick_nearby(rng: random.Random, insee: str) -> geo.Commune:
    """A commune within NEARBY_KM of `insee`, weighted by population (itself included)."""
    members, cumulative = _nearby(insee)
    return rng.choices(members, cum_weights=cumulative)[0]


def resolve(names: Sequence[str]) -> list[geo.Commune]:
    """Communes named in a data file; a name that matches none is a bug in the data."""
    found = []
    for name in names:
        commune = geo.find_commune(name)
        if commune is None:
            raise ValueError(f"unknown commune in world data: {name!r}")
        found.append(commune)
    return found


def street_address(rng: random.Random, streets: Sequence[str], fake_street: str) -> str:
    """'12 rue de la Gare': a common street name most of the time, else Faker's."""
    street = rng.choice(streets) if rng.random() < 0.7 else fake_street
    return f"{rng.randint(1, 120)} {street}"


def jitter(rng: random.Random, commune: geo.Commune) -> tuple[float, float]:
    """A point within about a kilometre of the town hall, rounded to 5 decimals."""
    return (
        round(commune.lat + rng.uniform(-0.008, 0.008), 5),
        round(commune.lon + rng.uniform(-0.011, 0.011), 5),
    )
