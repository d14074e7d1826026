"""The trip widget driven headless: answer in words, an offline map, a journal event."""

from __future__ import annotations

from pathlib import Path

from tremplin.widgets.route_widget import RouteWidget
from tremplin.widgets.routes import RoutePlanner
from tremplin.widgets.workspace import Workspace


def test_planning_records_the_trip_and_draws_it(tmp_path: Path, world) -> None:
    workspace = Workspace.create(tmp_path / "ws", "Maëlle")
    changes = []
    widget = RouteWidget(RoutePlanner.from_world(world), workspace, on_change=lambda: changes.append(1))
    widget.origin.value, widget.destination.value, widget.arrive.value = "Janzé", "Saint-Malo", "9h30"
    widget.button.click()
    (event,) = workspace.events(kind="route.plan")
    assert event.data["found"] and event.data["depart"] == widget.last_plan.route.depart
    assert event.data["month_eur"] > 0 and event.data["lines"]
    assert "correspondance" in widget.answer.value and "€" in widget.answer.value
    assert widget.map.value.startswith("<svg") and "Saint-Malo" in widget.map.value
    assert "http" not in widget.map.value.replace("http://www.w3.org", "")  # nothing fetched
    assert changes == [1]


def test_hostile_input_is_escaped_and_recorded_as_not_found(tmp_path: Path, world) -> None:
    workspace = Workspace.create(tmp_path / "ws", "Maëlle")
    widget = RouteWidget(RoutePlanner.from_world(world), workspace)
    widget.origin.value = "<img src=x onerror=alert(1)>" + "x" * 5000
    widget.destination.value = "Brest"
    widget.plan()
    assert "<img" not in widget.answer.value and "&lt;img" in widget.answer.value
    (event,) = workspace.events(kind="route.plan")
    assert not event.data["found"] and len(event.data["origin"]) == 100
