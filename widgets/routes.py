"""Trip planning on the world's simulated regional network: arrive on time, at what cost.

A job seeker asks "I must be at the employer's at 8:30: when do I leave, how long is it,
what does it cost a trip and a month, and what would the car cost?". The planner answers
with the latest departure that still arrives in time (a reverse Connection Scan over
every timetabled hop), at most a few changes, each change given `CHANGE_MINUTES`.
Fares follow transport.json: a flat coach fare (a change between coaches within an hour
is free), a per-km train fare with a minimum, monthly passes, and the car at the French
tax mileage rate. Every place is a real commune; everything else is simulated.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from tremplin.widgets import geo
from tremplin.widgets.i18n import number, t

#: Minutes needed to change from one line to another at the same commune.
CHANGE_MINUTES = 5
#: A working month: 21 days, a return trip a day.
TRIPS_PER_MONTH = 42
#: Roads are longer than the straight line between two town halls (a usual detour factor).
ROAD_FACTOR = 1.3
#: A coach change within this many minutes is covered by the first ticket.
COACH_TRANSFER_MINUTES = 60


def minutes(hhmm: str) -> int | None:
    """Minutes since midnight of "HH:MM" (or "HHhMM", "8h", "8"), None if it is not a time."""
    text = (hhmm or "").strip().lower().replace("h", ":")
    hours, _, mins = text.partition(":")
    if not hours.isdigit() or (mins and not mins.isdigit()) or len(mins) > 2:
        return None
    value = int(hours) * 60 + int(mins or 0)
    return value if 0 <= int(hours) < 24 and int(mins or 0) < 60 else None


def clock(value: int) -> str:
    return f"{value // 60:02d}:{value % 60:02d}"


@dataclass(frozen=True)
class Leg:
    line: str
    line_name: str
    mode: str
    board: str
    board_insee: str
    depart: str
    alight: str
    alight_insee: str
    arrive: str
    km: float
    fare_eur: float


@dataclass(frozen=True)
class Route:
    origin: str
    destination: str
    legs: tuple[Leg, ...]
    depart: str
    arrive: str
    duration_min: int
    changes: int
    trip_eur: float
    month_eur: float
    month_detail: str
    car_km: float
    car_trip_eur: float
    car_month_eur: float
    #: The monthly passes covering this trip's lines (None when a mode has no pass).
    pass_eur: float | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["legs"] = [asdict(leg) for leg in self.legs]
        return data


@dataclass(frozen=True)
class RoutePlan:
    """The answer to a request: a route, or why there is none (in French), never an exception."""

    route: Route | None
    message: str | None = None
    suggestions: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "route": self.route.to_json() if self.route else None,
            "message": self.message,
            "suggestions": self.suggestions,
        }


@dataclass(frozen=True)
class _Hop:
    """One timetabled hop between two consecutive stops of one service."""

    depart: int
    arrive: int
    origin: str
    target: str
    service: int
    line: int
    board: int
    alight: int


class RoutePlanner:
    """Plans on one transport.json; build it once per world and ask it many times."""

    def __init__(self, transport: dict[str, Any]) -> None:
        self.transport = transport
        self.lines: list[dict[str, Any]] = list(transport.get("lines", []))
        self.fares: dict[str, Any] = dict(transport.get("fares", {}))
        self.served = {stop["insee"] for line in self.lines for stop in line["stops"]}
        self._hops = sorted(self._all_hops(), key=lambda h: (-h.depart, -h.arrive))

    @classmethod
    def from_world(cls, world: Any) -> RoutePlanner:
        return cls(world.transport)

    def _all_hops(self) -> list[_Hop]:
        hops: list[_Hop] = []
        service = 0
        for index, line in enumerate(self.lines):
            stops = line["stops"]
            last = stops[-1]["minutes"]
            for direction in ("forward", "backward"):
                order = list(range(len(stops))) if direction == "forward" else list(range(len(stops)))[::-1]
                for start in line["departures"].get(direction, []):
                    base = minutes(start)
                    if base is None:
                        continue
                    service += 1
                    for a, b in zip(order, order[1:], strict=False):
                        at = base + (
                            stops[a]["minutes"] if direction == "forward" else last - stops[a]["minutes"]
                        )
                        to = base + (
                            stops[b]["minutes"] if direction == "forward" else last - stops[b]["minutes"]
                        )
                        hops.append(_Hop(at, to, stops[a]["insee"], stops[b]["insee"], service, index, a, b))
        return hops

    def plan(self, origin: str, destination: str, arrive_by: str) -> RoutePlan:
        """The latest departure from `origin` arriving in `destination` by `arrive_by`."""
        here, there = geo.find_commune(origin or ""), geo.find_commune(destination or "")
        suggestions = {
            key: geo.suggest_communes(text)
            for key, text, found in (("origin", origin, here), ("destination", destination, there))
            if found is None
        }
        if here is None or there is None:
            wrong = origin if here is None else destination
            names = ", ".join(suggestions.get("origin" if here is None else "destination", []))
            key = "routes.unknown_commune" if names else "routes.unknown_commune_no_suggestion"
            return RoutePlan(None, t(key, name=str(wrong or "")[:60], suggestions=names), suggestions)
        deadline = minutes(arrive_by)
        if deadline is None:
            return RoutePlan(None, t("routes.bad_time", value=str(arrive_by or "")[:20]))
        if here.insee == there.insee:
            return RoutePlan(None, t("routes.same_commune", commune=here.name))
        for place in (here, there):
            if place.insee not in self.served:
                return RoutePlan(None, t("routes.not_served", commune=place.name))
        legs = self._search(here.insee, there.insee, deadline)
        if not legs:
            return RoutePlan(
                None,
                t("routes.no_connection", origin=here.name, destination=there.name, time=clock(deadline)),
            )
        return RoutePlan(self._route(here, there, legs))

    def _search(self, origin: str, target: str, deadline: int) -> list[tuple[_Hop, _Hop]]:
        """Reverse Connection Scan: (boarding hop, alighting hop) of each leg, in order."""
        latest: dict[str, int] = {target: deadline}
        exit_of: dict[int, _Hop] = {}
        leg_from: dict[str, tuple[_Hop, _Hop]] = {}
        for hop in self._hops:
            if hop.arrive > deadline:
                continue
            seated = hop.service in exit_of
            needed = latest.get(hop.target)
            if not seated and needed is not None:
                change = 0 if hop.target == target else CHANGE_MINUTES
                seated = hop.arrive + change <= needed
                if seated:
                    exit_of[hop.service] = hop
            if seated and hop.depart > latest.get(hop.origin, -1):
                latest[hop.origin] = hop.depart
                leg_from[hop.origin] = (hop, exit_of[hop.service])
        legs: list[tuple[_Hop, _Hop]] = []
        stop = origin
        while stop != target and stop in leg_from and len(legs) < 10:
            board, alight = leg_from[stop]
            legs.append((board, alight))
            stop = alight.target
        return legs if stop == target else []

    def _route(self, here: geo.Commune, there: geo.Commune, hops: list[tuple[_Hop, _Hop]]) -> Route:
        legs = [self._leg(board, alight) for board, alight in hops]
        trip = _trip_fare(legs, hops)
        passes = self.pass_month(legs)
        month, detail = self._month(passes, trip)
        road = round(geo.commune_distance_km(here, there) * ROAD_FACTOR, 1)
        per_km = float(self.fares.get("car", {}).get("eur_per_km", 0.606))
        car_trip = round(road * per_km, 2)
        start, end = hops[0][0].depart, hops[-1][1].arrive
        return Route(
            origin=here.name,
            destination=there.name,
            legs=tuple(legs),
            depart=clock(start),
            arrive=clock(end),
            duration_min=end - start,
            changes=len(legs) - 1,
            trip_eur=trip,
            month_eur=month,
            month_detail=detail,
            car_km=road,
            car_trip_eur=car_trip,
            car_month_eur=round(car_trip * TRIPS_PER_MONTH, 2),
            pass_eur=passes,
        )

    def _leg(self, board: _Hop, alight: _Hop) -> Leg:
        line = self.lines[board.line]
        stops = line["stops"]
        km = round(abs(stops[alight.alight]["km"] - stops[board.board]["km"]), 1)
        return Leg(
            line=line["id"],
            line_name=line["name"],
            mode=line["mode"],
            board=stops[board.board]["name"],
            board_insee=board.origin,
            depart=clock(board.depart),
            alight=stops[alight.alight]["name"],
            alight_insee=alight.target,
            arrive=clock(alight.arrive),
            km=km,
            fare_eur=_leg_fare(self.fares.get(line.get("fare", line["mode"]), {}), km),
        )

    def pass_month(self, legs: list[Leg] | tuple[Leg, ...]) -> float | None:
        """The cheapest monthly passes covering every mode of the legs; None if a mode has none."""
        passes = 0.0
        for mode in sorted({leg.mode for leg in legs}):
            km = sum(leg.km for leg in legs if leg.mode == mode)
            offers = [
                p
                for p in self.fares.get("passes", [])
                if p.get("mode") == mode and "solidaire" not in p.get("id", "")
            ]
            if not offers:
                return None
            passes += min(_pass_price(p, km) for p in offers)
        return round(passes, 2)

    def _month(self, passes: float | None, trip: float) -> tuple[float, str]:
        """The cheaper of tickets for every trip and the monthly passes of the modes used."""
        tickets = round(trip * TRIPS_PER_MONTH, 2)
        if passes is not None and passes < tickets:
            return passes, t("routes.month_pass", eur=number(passes))
        return tickets, t("routes.month_tickets", trips=TRIPS_PER_MONTH)


def _leg_fare(rule: dict[str, Any], km: float) -> float:
    if rule.get("kind") == "per_km":
        return round(max(float(rule.get("minimum_eur", 0)), float(rule["eur_per_km"]) * km), 2)
    return round(float(rule.get("eur", 0)), 2)


def _trip_fare(legs: list[Leg], hops: list[tuple[_Hop, _Hop]]) -> float:
    """Sum of leg fares; a coach leg boarded within the hour after a coach leg is free."""
    total, previous = 0.0, None
    for leg, (board, alight) in zip(legs, hops, strict=True):
        covered = (
            leg.mode == "coach"
            and previous is not None
            and previous[0] == "coach"
            and board.depart - previous[1] <= COACH_TRANSFER_MINUTES
        )
        total += 0.0 if covered else leg.fare_eur
        previous = (leg.mode, alight.arrive)
    return round(total, 2)


def _pass_price(offer: dict[str, Any], km: float) -> float:
    if offer.get("kind") == "per_km":
        price = float(offer["eur_per_km"]) * km
        return min(max(price, float(offer.get("minimum_eur", 0))), float(offer.get("maximum_eur", math.inf)))
    return float(offer.get("eur", 0))


@dataclass(frozen=True)
class MonthCost:
    """What going to work costs in a month of `working_days` days (a return trip a day)."""

    working_days: int
    trips: int
    tickets_eur: float
    pass_eur: float | None
    #: The cheaper option: "tickets" or "pass".
    best: str
    best_eur: float
    car_eur: float

    @property
    def car_costs_more(self) -> bool:
        return self.car_eur > self.best_eur


def month_cost(route: Route, working_days: int) -> MonthCost:
    """Tickets for 2 trips a working day against the monthly pass, and the car for the same days."""
    days = max(0, int(working_days))
    trips = 2 * days
    tickets = round(route.trip_eur * trips, 2)
    use_pass = route.pass_eur is not None and route.pass_eur < tickets
    best = float(route.pass_eur) if use_pass and route.pass_eur is not None else tickets
    return MonthCost(
        working_days=days,
        trips=trips,
        tickets_eur=tickets,
        pass_eur=route.pass_eur,
        best="pass" if use_pass else "tickets",
        best_eur=round(best, 2),
        car_eur=round(route.car_trip_eur * trips, 2),
    )


#: The longest amount a learner may type (anything longer is not a price).
MAX_AMOUNT_CHARS = 40
MAX_AMOUNT_EUR = 100_000.0
_CURRENCY = re.compile(r"(€|euros?|eur)", re.IGNORECASE)
_AMOUNT = re.compile(r"^[0-9]+([.,][0-9]{1,2})?$")


def parse_euros(text: object) -> float | None:
    """An amount as people type it ("45,60 €", "45.6", "1 234,50 euros"), None if it is not one."""
    raw = str(text if text is not None else "")
    if not raw.strip() or len(raw) > MAX_AMOUNT_CHARS:
        return None
    cleaned = _CURRENCY.sub("", raw)
    for space in (" ", "\u00a0", "\u202f", "'"):
        cleaned = cleaned.replace(space, "")
    if "," in cleaned and "." in cleaned:
        # the last separator is the decimal one, the other groups thousands
        decimal = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        cleaned = cleaned.replace("." if decimal == "," else ",", "")
    if not _AMOUNT.match(cleaned):
        return None
    value = float(cleaned.replace(",", "."))
    return value if value <= MAX_AMOUNT_EUR else None
