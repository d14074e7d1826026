"""Search latency at a given world size: the queries a room of learners would type."""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

QUERIES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("vendeur", {}),
    ("vendeuse", {"commune": "Rennes", "radius_km": 20}),
    ("aide à domicile", {"commune": "Quimper", "radius_km": 30, "contract": "CDI"}),
    ("cuisinier", {"contract": "CDD"}),
    ('"service en salle"', {"commune": "Vannes", "radius_km": 15}),
    ("cariste -nuit", {}),
    ("", {"commune": "Brest", "radius_km": 10}),
    ("agent entretien", {"published_within_days": 7}),
    ("chauffeur livreur", {"commune": "Saint-Brieuc", "radius_km": 50, "contract": "Intérim"}),
    ("boulanger", {"commune": "Lorient", "radius_km": 20}),
    ("c++", {}),
    ("aide soignant", {"commune": "Saint-Malo", "radius_km": 25, "contract": "CDI"}),
)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def search_latencies(world_dir: Path, rounds: int = 10) -> dict[str, float]:
    """p50 and p95 in milliseconds over `rounds` passes of QUERIES (first page, as a learner)."""
    from tremplin.widgets.search import SearchEngine

    engine = SearchEngine.open(world_dir)
    for query, filters in QUERIES:  # warm the page cache, as a running kiosk would be
        engine.search(query, **filters)
    timings: list[float] = []
    for _ in range(rounds):
        for query, filters in QUERIES:
            start = time.perf_counter()
            engine.search(query, **filters)
            timings.append((time.perf_counter() - start) * 1000)
    engine.close()
    return {
        "p50": round(statistics.median(timings), 2),
        "p95": round(percentile(timings, 0.95), 2),
    }


#: Typed with a slip, as learners do: each finds nothing, so the engine suggests a word.
TYPOS: tuple[str, ...] = (
    "vendeurr", "cuisnier", "chaufeur livreur", "boulenger", "menuisierr",
    "aide soignnant", "jardinierr", "serveusse", "caristte", "secretaireee",
)


def suggestion_latencies(world_dir: Path, rounds: int = 10) -> dict[str, float]:
    """p50/p95 in ms of a search with a typo (zero results → "did you mean"), and how many
    of the typos got a suggestion (a bench that measured no suggestion would be meaningless)."""
    from tremplin.widgets.search import SearchEngine

    engine = SearchEngine.open(world_dir)
    suggested = sum(1 for query in TYPOS if engine.search(query).suggestions)
    timings: list[float] = []
    for _ in range(rounds):
        for query in TYPOS:
            start = time.perf_counter()
            engine.search(query)
            timings.append((time.perf_counter() - start) * 1000)
    engine.close()
    return {
        "p50": round(statistics.median(timings), 2),
        "p95": round(percentile(timings, 0.95), 2),
        "suggested": suggested,
    }
