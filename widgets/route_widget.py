"""The trip-planning widget: from where, to where, arrive by when; the answer and a map.

The map is an SVG drawn here from the communes' coordinates (no tile server, no
network): Brittany's served communes as dots, the trip's legs as lines. Every plan the
learner asks for is a `route.plan` journal event carrying what a check needs (places,
time asked, departure, arrival, duration, changes, costs), so state lives in the files.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as w
from tremplin.widgets import geo
from tremplin.widgets.i18n import number, t
from tremplin.widgets.routes import Route, RoutePlan, RoutePlanner, parse_euros

MAP_WIDTH, MAP_HEIGHT = 640, 360
#: Brittany's bounding box (the communes file's), padded a little.
LAT_MIN, LAT_MAX, LON_MIN, LON_MAX = 47.15, 49.0, -5.25, -0.95


def _xy(lat: float, lon: float) -> tuple[float, float]:
    x = (lon - LON_MIN) / (LON_MAX - LON_MIN) * MAP_WIDTH
    y = (LAT_MAX - lat) / (LAT_MAX - LAT_MIN) * MAP_HEIGHT
    return round(x, 1), round(y, 1)


def _labels(route: Route) -> list[str]:
    """Stop names, the trip's ends first; a name too close to one already written is left out."""
    if not route.legs:
        return []
    first, last = route.legs[0], route.legs[-1]
    stops = [(first.board, first.board_insee), (last.alight, last.alight_insee)]
    stops += [(leg.alight, leg.alight_insee) for leg in route.legs[:-1]]
    placed: list[tuple[float, float]] = []
    labels = []
    for name, insee in stops:
        commune = geo.by_insee(insee)
        if commune is None:
            continue
        x, y = _xy(commune.lat, commune.lon)
        if any(abs(x - px) < 90 and abs(y - py) < 20 for px, py in placed):
            continue
        placed.append((x, y))
        anchor, dx = ("end", -10) if x > MAP_WIDTH * 0.6 else ("start", 10)
        labels.append(f'<text x="{x + dx}" y="{y - 8}" text-anchor="{anchor}" font-size="16" '
                      f'fill="#1b1b1b">{html.escape(name)}</text>')
    return labels


def map_svg(planner: RoutePlanner, route: Route | None) -> str:
    """An offline SVG map: served communes in grey, the trip's stops and legs in colour."""
    dots = []
    for insee in sorted(planner.served):
        commune = geo.by_insee(insee)
        if commune:
            x, y = _xy(commune.lat, commune.lon)
            dots.append(f'<circle cx="{x}" cy="{y}" r="1.6" fill="#9aa5b1"/>')
    trip = []
    if route is not None:
        for leg in route.legs:
            a, b = geo.by_insee(leg.board_insee), geo.by_insee(leg.alight_insee)
            if a and b:
                (x1, y1), (x2, y2) = _xy(a.lat, a.lon), _xy(b.lat, b.lon)
                colour = "#0b4f9c" if leg.mode == "train" else "#b35900"
                trip.append(
                    f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{colour}" stroke-width="4"/>'
                )
                for x, y in ((x1, y1), (x2, y2)):
                    trip.append(f'<circle cx="{x}" cy="{y}" r="6" fill="{colour}"/>')
        trip.extend(_labels(route))
    label = html.escape(t("routes_widget.map_label"))
    return (
        f'<svg role="img" aria-label="{label}" viewBox="0 0 {MAP_WIDTH} {MAP_HEIGHT}" '
        f'width="100%" style="max-width:{MAP_WIDTH}px;background:#eef4fb">'
        f"<title>{label}</title>{''.join(dots)}{''.join(trip)}</svg>"
    )


def plan_html(plan: RoutePlan) -> str:
    """The answer in words (escaped): legs, duration, costs per trip and month, the car."""
    if plan.route is None:
        return f'<p role="alert">{html.escape(plan.message or "")}</p>'
    route = plan.route
    items = [
        t(
            "routes_widget.leg",
            depart=leg.depart,
            board=leg.board,
            arrive=leg.arrive,
            alight=leg.alight,
            line=leg.line_name,
            mode=t(f"routes_widget.mode_{leg.mode}"),
            fare=number(leg.fare_eur),
        )
        for leg in route.legs
    ]
    summary = t(
        "routes_widget.summary",
        depart=route.depart,
        arrive=route.arrive,
        minutes=route.duration_min,
        changes=route.changes,
    )
    costs = t(
        "routes_widget.costs",
        trip=number(route.trip_eur),
        month=number(route.month_eur),
        detail=route.month_detail,
    )
    car = t(
        "routes_widget.car",
        km=number(route.car_km),
        trip=number(route.car_trip_eur),
        month=number(route.car_month_eur),
    )
    legs = "".join(f"<li>{html.escape(item)}</li>" for item in items)
    passes = (
        t("routes_widget.pass", eur=number(route.pass_eur)) if route.pass_eur is not None
        else t("routes_widget.no_pass")
    )
    return (
        f"<h3>{html.escape(summary)}</h3><ol>{legs}</ol>"
        f"<p>{html.escape(costs)}</p><p>{html.escape(passes)}</p><p>{html.escape(car)}</p>"
        f"<p><small>{html.escape(t('routes_widget.simulated'))}</small></p>"
    )


class RouteWidget:
    """Three fields and a button; `plan()` is what the button (or a simulated learner) calls."""

    def __init__(
        self,
        planner: RoutePlanner,
        workspace: Any,
        *,
        on_change: Callable[[], None] | None = None,
        origin: str = "",
        destination: str = "",
        arrive: str = "08:30",
    ) -> None:
        self.planner, self.workspace, self.on_change = planner, workspace, on_change
        self.origin = w.Text(
            value=origin,
            description=t("routes_widget.origin"),
            placeholder=t("routes_widget.origin_placeholder"),
        )
        self.destination = w.Text(
            value=destination,
            description=t("routes_widget.destination"),
            placeholder=t("routes_widget.destination_placeholder"),
        )
        self.arrive = w.Text(value=arrive, description=t("routes_widget.arrive"), placeholder="08:30")
        self.button = w.Button(description=t("routes_widget.button"), button_style="primary", icon="bus")
        self.button.on_click(lambda _b: self.plan())
        self.keep_button = w.Button(description=t("routes_widget.keep"), icon="check")
        self.keep_button.on_click(lambda _b: self.keep())
        self.kept = w.HTML()
        self.answer = w.HTML()
        self.map = w.HTML(map_svg(planner, None))
        heading = w.HTML(f"<h2>{html.escape(t('routes_widget.heading'))}</h2>")
        self.widget = w.VBox(
            [heading, self.origin, self.destination, self.arrive, self.button, self.answer,
             self.keep_button, self.kept, self.map]
        )
        self.last_plan: RoutePlan | None = None
        #: The arrival time asked for the last plan (the field may change before « Je garde »).
        self.last_arrive_by = ""

    def plan(self) -> RoutePlan:
        result = self.planner.plan(
            self.origin.value[:100], self.destination.value[:100], self.arrive.value[:20]
        )
        self.last_plan = result
        self.last_arrive_by = self.arrive.value[:20]
        self.answer.value = plan_html(result)
        self.map.value = map_svg(self.planner, result.route)
        route = result.route
        self.workspace.record(
            "route.plan",
            {
                "origin": self.origin.value[:100],
                "destination": self.destination.value[:100],
                "arrive_by": self.arrive.value[:20],
                "found": route is not None,
                "from_insee": route.legs[0].board_insee if route and route.legs else None,
                "to_insee": route.legs[-1].alight_insee if route and route.legs else None,
                "depart": route.depart if route else None,
                "arrive": route.arrive if route else None,
                "duration_min": route.duration_min if route else None,
                "changes": route.changes if route else None,
                "trip_eur": route.trip_eur if route else None,
                "month_eur": route.month_eur if route else None,
                "car_month_eur": route.car_month_eur if route else None,
                "lines": [leg.line for leg in route.legs] if route else [],
            },
        )
        if self.on_change:
            self.on_change()
        return result

    def keep(self) -> bool:
        """« Je garde ce trajet »: records the last trip found (`route.keep`); False if there is none."""
        route = self.last_plan.route if self.last_plan else None
        if route is None:
            self.kept.value = f'<p role="alert">{html.escape(t("routes_widget.keep_nothing"))}</p>'
            return False
        here, there = geo.find_commune(route.origin), geo.find_commune(route.destination)
        self.workspace.record(
            "route.keep",
            {
                "from": route.origin,
                "to": route.destination,
                "from_insee": route.legs[0].board_insee if route.legs else (here.insee if here else None),
                "to_insee": route.legs[-1].alight_insee if route.legs else (there.insee if there else None),
                "arrive_by": self.last_arrive_by,
                "departure": route.depart,
                "arrival": route.arrive,
                "duration_min": route.duration_min,
                "changes": route.changes,
                "cost_trip": route.trip_eur,
                "cost_month": route.month_eur,
                "pass_month": route.pass_eur,
                "car_cost_trip": route.car_trip_eur,
                "car_cost_month": route.car_month_eur,
                "lines": [leg.line for leg in route.legs],
            },
        )
        said = t("routes_widget.kept", origin=route.origin, destination=route.destination,
                 arrive=route.arrive)
        self.kept.value = f'<p role="status">{html.escape(said)}</p>'
        if self.on_change:
            self.on_change()
        return True


class CostAnswer:
    """« Votre réponse »: the monthly cost of the cheaper option, and whether the car costs more.

    `submit()` is what the button (or a simulated learner) calls; a valid answer is a
    `route.answer` event {month_text, month_eur, car_more}; anything else gets a French
    message and records nothing.
    """

    def __init__(self, workspace: Any, *, on_change: Callable[[], None] | None = None) -> None:
        self.workspace, self.on_change = workspace, on_change
        self.month = w.Text(description=t("routes_widget.answer_month"),
                            placeholder=t("routes_widget.answer_month_placeholder"))
        self.car = w.RadioButtons(
            options=[(t("routes_widget.answer_car_more"), True), (t("routes_widget.answer_car_less"), False)],
            value=None,
            description=t("routes_widget.answer_car"),
        )
        self.button = w.Button(description=t("routes_widget.answer_button"), icon="save")
        self.button.on_click(lambda _b: self.submit())
        self.status = w.HTML()
        heading = w.HTML(f"<h3>{html.escape(t('routes_widget.answer_heading'))}</h3>"
                         f"<p>{html.escape(t('routes_widget.answer_help'))}</p>")
        self.widget = w.VBox([heading, self.month, self.car, self.button, self.status])

    def _say(self, key: str, role: str = "alert", **values: object) -> None:
        self.status.value = f'<p role="{role}">{html.escape(t(key, **values))}</p>'

    def submit(self) -> bool:
        text = str(self.month.value or "")
        amount = parse_euros(text)
        if amount is None:
            key = "routes_widget.answer_empty" if not text.strip() else "routes_widget.answer_not_a_number"
            self._say(key, value=text[:30])
            return False
        if self.car.value is None:
            self._say("routes_widget.answer_car_missing")
            return False
        self.workspace.record(
            "route.answer", {"month_text": text[:40], "month_eur": amount, "car_more": bool(self.car.value)}
        )
        self._say("routes_widget.answer_saved", role="status", eur=number(amount))
        if self.on_change:
            self.on_change()
        return True
