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


def test_keeping_a_trip_records_it_and_nothing_to_keep_says_so(tmp_path: Path, world) -> None:
    workspace = Workspace.create(tmp_path / "ws", "Maëlle")
    widget = RouteWidget(RoutePlanner.from_world(world), workspace)
    assert not widget.keep() and "Cherchez d&#x27;abord un trajet" in widget.kept.value
    widget.origin.value, widget.destination.value, widget.arrive.value = "Janzé", "Saint-Malo", "9h30"
    widget.plan()
    assert widget.keep()
    (event,) = workspace.events(kind="route.keep")
    route = widget.last_plan.route
    assert event.data["to"] == "Saint-Malo" and event.data["arrival"] == route.arrive
    assert event.data["changes"] == route.changes and event.data["cost_trip"] == route.trip_eur
    assert event.data["from_insee"] == route.legs[0].board_insee


def test_the_answer_shows_the_pass_and_the_plan_event_names_the_communes(tmp_path: Path, world) -> None:
    workspace = Workspace.create(tmp_path / "ws", "Maëlle")
    widget = RouteWidget(RoutePlanner.from_world(world), workspace)
    widget.origin.value, widget.destination.value, widget.arrive.value = "Janzé", "Saint-Malo", "9h30"
    route = widget.plan().route
    assert route.pass_eur and "Abonnement du mois" in widget.answer.value
    (event,) = workspace.events(kind="route.plan")
    assert event.data["from_insee"] == route.legs[0].board_insee
    assert event.data["to_insee"] == route.legs[-1].alight_insee
    widget.keep()
    (kept,) = workspace.events(kind="route.keep")
    assert kept.data["pass_month"] == route.pass_eur


def test_month_cost_takes_the_cheaper_of_tickets_and_pass_for_the_working_days(world) -> None:
    from tremplin.widgets.routes import month_cost

    route = RoutePlanner.from_world(world).plan("Janzé", "Saint-Malo", "9h30").route
    few, many = month_cost(route, 2), month_cost(route, 20)
    assert few.trips == 4 and few.tickets_eur == round(route.trip_eur * 4, 2)
    assert few.best_eur == min(few.tickets_eur, route.pass_eur)
    assert many.best == "pass" and many.best_eur == route.pass_eur
    assert many.car_eur == round(route.car_trip_eur * 40, 2)
    assert many.car_costs_more == (many.car_eur > many.best_eur)


def test_the_cost_answer_records_a_parsed_amount_and_refuses_the_rest(tmp_path: Path) -> None:
    from tremplin.widgets.route_widget import CostAnswer

    workspace = Workspace.create(tmp_path / "ws", "Maëlle")
    changes = []
    form = CostAnswer(workspace, on_change=lambda: changes.append(1))
    form.month.value, form.car.value = "<b>cher</b>", True
    assert not form.submit() and "&lt;b&gt;" in form.status.value and "<b>" not in form.status.value
    form.month.value = "45,60 €"
    assert form.submit() and "45,6" in form.status.value
    (event,) = workspace.events(kind="route.answer")
    assert event.data == {"month_text": "45,60 €", "month_eur": 45.6, "car_more": True}
    assert changes == [1]
