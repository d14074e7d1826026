"""Real Brittany communes and distances between them.

The communes file is shipped with the kit (see data/SOURCES.md); everything that places
an employer, filters offers by radius or plans a trip goes through this module so that
the world, the search engine and the checks agree on where a place is.
"""

from __future__ import annotations

import csv
import difflib
import math
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

COMMUNES_FILE = Path(__file__).parent / "data" / "communes_bretagne.csv"
EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    departement: str
    postcodes: tuple[str, ...]
    lat: float
    lon: float
    population: int

    @property
    def postcode(self) -> str:
        return self.postcodes[0] if self.postcodes else ""


def fold(text: str) -> str:
    """Lower-case, accent-free, hyphen-free form used to compare place names."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    for sep in "-'’":
        bare = bare.replace(sep, " ")
    return " ".join(bare.lower().split())


@cache
def communes() -> tuple[Commune, ...]:
    """All communes, sorted by INSEE code."""
    with COMMUNES_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(
            Commune(
                insee=row["insee"],
                name=row["nom"],
                departement=row["departement"],
                postcodes=tuple(p for p in row["codes_postaux"].split(";") if p),
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                population=int(row["population"]),
            )
            for row in csv.DictReader(handle)
        )


@cache
def _by_insee() -> dict[str, Commune]:
    return {c.insee: c for c in communes()}


@cache
def _by_folded_name() -> dict[str, list[Commune]]:
    index: dict[str, list[Commune]] = {}
    for c in communes():
        index.setdefault(fold(c.name), []).append(c)
    return index


def by_insee(insee: str) -> Commune | None:
    return _by_insee().get(insee)


def find_commune(text: str) -> Commune | None:
    """The commune a learner meant by a name, a postcode or an INSEE code, if unambiguous."""
    wanted = (text or "").strip()
    if not wanted:
        return None
    if wanted.isdigit():
        if wanted in _by_insee():
            return _by_insee()[wanted]
        by_postcode = [c for c in communes() if wanted in c.postcodes]
        return max(by_postcode, key=lambda c: c.population) if by_postcode else None
    matches = _by_folded_name().get(fold(wanted), [])
    return max(matches, key=lambda c: c.population) if matches else None


def suggest_communes(text: str, limit: int = 5) -> list[str]:
    """Names close to a misspelt one, most populous first among equally close names."""
    folded = fold(text or "")
    if not folded:
        return []
    names = list(_by_folded_name())
    close = difflib.get_close_matches(folded, names, n=limit * 2, cutoff=0.75)
    starts = [n for n in names if n.startswith(folded)] if len(folded) >= 3 else []
    picked: list[str] = []
    for key in close + sorted(starts, key=lambda n: -_by_folded_name()[n][0].population):
        name = _by_folded_name()[key][0].name
        if name not in picked:
            picked.append(name)
    return picked[:limit]


def distance_km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    """Great-circle distance (haversine), accurate to well under 1 % at this scale."""
    phi1, phi2 = math.radians(a_lat), math.radians(b_lat)
    dphi = phi2 - phi1
    dlmb = math.radians(b_lon - a_lon)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def commune_distance_km(a: Commune, b: Commune) -> float:
    return distance_km(a.lat, a.lon, b.lat, b.lon)
