"""The simulated regional network: train corridors, coach lines to hubs, timetables, fares.

Train lines and trunk coach lines come from transport_lines.json; feeder coach lines are
generated so that every commune of some size has a coach to a hub (a station or a town),
where a learner changes for the train. The network does not depend on the seed: like a
real region's, it is the same in every world. Everything is labelled as simulated.

Timetables: `departures.forward` are times of departure from the first stop towards the
last, `departures.backward` from the last stop towards the first; a stop's time is the
departure plus its `minutes` (forward) or plus `total - minutes` (backward).
"""

from __future__ import annotations

import math
from typing import Any

from tremplin.widgets import geo
from tremplin.widgets.world import content, places

FORMAT = 1


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _stops(communes: list[geo.Commune], factor: float, speed_kmh: float, dwell: int) -> list[dict[str, Any]]:
    """Ordered stops with km and minutes from the first stop along the line."""
    stops, km, minutes = [], 0.0, 0
    for position, commune in enumerate(communes):
        if position:
            leg = geo.commune_distance_km(communes[position - 1], commune) * factor
            km += leg
            minutes += max(3, math.ceil(leg / speed_kmh * 60)) + (dwell if position > 1 else 0)
        stops.append({"insee": commune.insee, "name": commune.name, "minutes": minutes, "km": round(km, 1)})
    return stops


def _every(first: str, last: str, headway: int) -> list[str]:
    return [_clock(m) for m in range(_minutes(first), _minutes(last) + 1, headway)]


def _shifted(times: list[str], shift: int) -> list[str]:
    return sorted(_clock(min(23 * 60 + 59, max(0, _minutes(t) + shift))) for t in times)


def _train_lines(data: dict[str, Any]) -> list[dict[str, Any]]:
    train = data["train"]
    lines = []
    for line in train["lines"]:
        stops = _stops(
            places.resolve(line["stops"]), train["rail_factor"], train["speed_kmh"], train["dwell_min"]
        )
        times = _every(line["first"], line["last"], line["headway_min"])
        lines.append(
            {
                "id": line["id"],
                "mode": "train",
                "name": line["name"],
                "fare": "train",
                "stops": stops,
                "departures": {"forward": times, "backward": _shifted(times, 10)},
            }
        )
    return lines


def _coach_line(
    line_id: str, communes: list[geo.Commune], coach: dict[str, Any], times: list[str], shift: int
) -> dict[str, Any]:
    stops = _stops(communes, coach["road_factor"], coach["speed_kmh"], coach["dwell_min"])
    name = f"{stops[0]['name']} – {stops[-1]['name']}"
    return {
        "id": line_id,
        "mode": "coach",
        "name": name,
        "fare": "coach",
        "stops": stops,
        "departures": {"forward": _shifted(times, shift), "backward": _shifted(times, shift + 25)},
    }


def _segment_position(a: geo.Commune, b: geo.Commune, c: geo.Commune) -> tuple[float, float]:
    """(position along a→b from 0 to 1, distance in km from the segment) of c, flat projection."""
    scale = math.cos(math.radians((a.lat + b.lat) / 2))
    ax, ay, bx, by = a.lon * scale, a.lat, b.lon * scale, b.lat
    cx, cy = c.lon * scale, c.lat
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy or 1e-12
    t = ((cx - ax) * dx + (cy - ay) * dy) / length2
    px, py = ax + t * dx, ay + t * dy
    return t, math.hypot(cx - px, cy - py) * 111.2


def _feeder_stops(
    start: geo.Commune, hub: geo.Commune, candidates: list[geo.Commune], rule: dict[str, Any]
) -> list[geo.Commune]:
    """The start, communes near the straight road to the hub (most populous first), the hub."""
    between = []
    for c in candidates:
        if c.insee in (start.insee, hub.insee):
            continue
        t, off = _segment_position(start, hub, c)
        if 0.05 < t < 0.95 and off <= rule["corridor_km"]:
            between.append((t, c))
    kept = sorted(between, key=lambda item: (-item[1].population, item[1].insee))[: rule["max_intermediate"]]
    return [start] + [c for _, c in sorted(kept, key=lambda item: item[0])] + [hub]


def _coach_lines(data: dict[str, Any], stations: set[str]) -> list[dict[str, Any]]:
    coach = data["coach"]
    lines = []
    for number, trunk in enumerate(coach["trunk_lines"]):
        communes = places.resolve(trunk["stops"])
        lines.append(
            _coach_line(trunk["id"], communes, coach, coach["trunk_departures"], (number * 7) % 20 - 10)
        )
    rule = coach["feeders"]
    served = set(stations) | {s["insee"] for line in lines for s in line["stops"]}
    hubs = [
        c
        for c in geo.communes()
        if c.insee in served and (c.insee in stations or c.population >= rule["hub_min_population"])
    ]
    candidates = [c for c in geo.communes() if c.population >= rule["stop_min_population"]]
    targets = sorted(
        (c for c in geo.communes() if c.population >= rule["min_population"]),
        key=lambda c: (-c.population, c.insee),
    )
    number = len(coach["trunk_lines"])
    for target in targets:
        if target.insee in served:
            continue
        hub = min(hubs, key=lambda h: (geo.commune_distance_km(target, h), h.insee))
        communes = _feeder_stops(target, hub, candidates, rule)
        number += 1
        line = _coach_line(
            f"CAR-{number}", communes, coach, coach["feeder_departures"], (number * 7) % 20 - 10
        )
        lines.append(line)
        served.update(s["insee"] for s in line["stops"])
    return lines


def build_transport() -> dict[str, Any]:
    """The whole network as written to transport.json."""
    data = content.transport_lines()
    trains = _train_lines(data)
    stations = {s["insee"] for line in trains for s in line["stops"]}
    return {
        "format": FORMAT,
        "simulated": True,
        "network": data["network_name"],
        "label_fr": data["label_fr"],
        "days": data["days"],
        "days_label_fr": data["days_label_fr"],
        "fares": data["fares"],
        "lines": trains + _coach_lines(data, stations),
    }
