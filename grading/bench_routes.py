"""Route-planning latency: trips a room of learners would plan (served communes, 8:30 arrival)."""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

from tremplin.grading.bench_search import percentile


def route_latencies(world: Any, plans: int = 200, seed: int = 7) -> dict[str, float]:
    """p50 and p95 in milliseconds of `RoutePlanner.plan` on random pairs of served communes."""
    from tremplin.widgets import geo
    from tremplin.widgets.routes import RoutePlanner

    planner = RoutePlanner.from_world(world)
    served = sorted(insee for insee in planner.served if geo.by_insee(insee))
    rng = random.Random(seed)
    pairs = [
        (geo.by_insee(a).name, geo.by_insee(b).name) for a, b in (rng.sample(served, 2) for _ in range(plans))
    ]
    planner.plan(*pairs[0], "08:30")
    timings = []
    for origin, destination in pairs:
        start = time.perf_counter()
        planner.plan(origin, destination, "08:30")
        timings.append((time.perf_counter() - start) * 1000)
    return {"p50": round(statistics.median(timings), 2), "p95": round(percentile(timings, 0.95), 2)}
