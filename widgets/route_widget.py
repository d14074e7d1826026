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
from tremplin.widgets.routes import Route, RoutePlan, RoutePlanner

MAP_WIDTH, MAP_HEIGHT = 640, 360
#: Brittany's bounding box (the communes file's), padded a little.
LAT_MIN, LAT_MAX, LON_MIN, LON_MAX = 47.15, 49.0, -5.25, -0.95


def _xy(lat: float, lon: float) -> tuple[float, float]:
    x = (lon - LON_MIN) / (LON_MAX - LON_MIN) * MAP_WIDTH
    y = (LAT_MAX - lat) / (LAT_MAX - LAT_MIN) * MAP_HEIGHT
    return round(x, 1), round(y, 1)


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
                for (x, y), name in (((x1, y1), leg.board), ((x2, y2), leg.alight)):
                    trip.append(f'<circle cx="{x}" cy="{y}" r="6" fill="{colour}"/>')
                    text = html.escape(name)
                    trip.append(f'<text x="{x + 8}" y="{y - 8}" font-size="16" fill="#1b1b1b">{text}</text>')
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
    return (
        f"<h3>{html.escape(summary)}</h3><ol>{legs}</ol>"
        f"<p>{html.escape(costs)}</p><p>{html.escape(car)}</p>"
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
        self.answer = w.HTML()
        self.map = w.HTML(map_svg(planner, None))
        heading = w.HTML(f"<h2>{html.escape(t('routes_widget.heading'))}</h2>")
        self.widget = w.VBox(
            [heading, self.origin, self.destination, self.arrive, self.button, self.answer, self.map]
        )
        self.last_plan: RoutePlan | None = None

    def plan(self) -> RoutePlan:
        result = self.planner.plan(
            self.origin.value[:100], self.destination.value[:100], self.arrive.value[:20]
        )
        self.last_plan = result
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
