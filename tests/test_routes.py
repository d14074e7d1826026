"""The trip planner on the world's simulated network: on time, priced, and kind when it cannot."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tremplin.widgets.routes import CHANGE_MINUTES, TRIPS_PER_MONTH, RoutePlanner, minutes


@pytest.fixture(scope="module")
def planner(world) -> RoutePlanner:
    return RoutePlanner.from_world(world)


def line(world, line_id: str) -> dict:
    return next(item for item in world.transport["lines"] if item["id"] == line_id)


def test_a_direct_train_is_the_latest_that_arrives_in_time(planner, world) -> None:
    ter = line(world, "TER-1")
    first, last = ter["stops"][0], ter["stops"][-1]
    ride = last["minutes"] - first["minutes"]
    # Arrive by the 07:50 departure's arrival: the 07:50 train, not the 06:50 one.
    deadline = minutes("07:50") + ride
    plan = planner.plan(first["name"], last["name"], f"{deadline // 60}:{deadline % 60:02d}")
    route = plan.route
    assert route is not None, plan.message
    assert (route.depart, route.changes, route.duration_min) == ("07:50", 0, ride)
    assert minutes(route.arrive) <= deadline
    expected = max(2.0, round(0.13 * last["km"], 2))
    assert route.trip_eur == pytest.approx(expected, abs=0.01)
    # One minute earlier and that train is too late: the one before is proposed.
    earlier = planner.plan(first["name"], last["name"], f"{(deadline - 1) // 60}:{(deadline - 1) % 60:02d}")
    assert earlier.route is not None and earlier.route.depart == "06:50"


def test_a_change_leaves_time_to_change_and_legs_follow_each_other(planner) -> None:
    route = planner.plan("Janzé", "Saint-Malo", "09:30").route
    assert route is not None and route.changes >= 1
    for before, after in zip(route.legs, route.legs[1:], strict=False):
        assert before.alight_insee == after.board_insee
        assert minutes(after.depart) - minutes(before.arrive) >= CHANGE_MINUTES
    assert minutes(route.arrive) <= minutes("09:30")
    assert route.trip_eur == pytest.approx(sum(leg.fare_eur for leg in route.legs), abs=0.01)
    assert route.month_eur <= route.trip_eur * TRIPS_PER_MONTH


def test_the_car_costs_the_tax_rate_per_km(planner) -> None:
    route = planner.plan("Janzé", "Saint-Malo", "09:30").route
    assert route.car_trip_eur == pytest.approx(route.car_km * 0.606, abs=0.01)
    assert route.car_month_eur == pytest.approx(route.car_trip_eur * TRIPS_PER_MONTH, abs=0.05)


@pytest.mark.parametrize(
    ("origin", "destination", "arrive", "says"),
    [
        ("Renes", "Brest", "9:00", "Vouliez-vous dire : Rennes"),
        ("Rennes", "Paris", "9:00", "Nous ne connaissons pas la commune « Paris »"),
        ("Rennes", "Brest", "25:00", "n'est pas une heure"),
        ("Rennes", "Rennes", "9:00", "la même commune"),
        ("Rennes", "Brest", "05:00", "Aucun trajet en transport en commun"),
        ("<script>", "", "", "Nous ne connaissons pas la commune"),
    ],
)
def test_impossible_requests_get_a_french_answer(planner, origin, destination, arrive, says) -> None:
    plan = planner.plan(origin, destination, arrive)
    assert plan.route is None and says in plan.message


def test_cli_route_json(data_root: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tremplin",
            "world",
            "route",
            "Janzé",
            "Saint-Malo",
            "--arrive",
            "09:30",
            "--data",
            str(data_root),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    route = json.loads(done.stdout)["route"]
    assert route["destination"] == "Saint-Malo" and route["legs"][0]["board"] == "Janzé"


def test_cli_search_json_answers_from_the_widgets_engine(data_root: Path) -> None:
    from tremplin.widgets.search import SearchEngine

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tremplin",
            "world",
            "search",
            "vendeur",
            "--commune",
            "Rennes",
            "--radius",
            "20",
            "--contrat",
            "CDI",
            "--data",
            str(data_root),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    expected = SearchEngine.open(data_root / "world").search(
        "vendeur", commune="Rennes", radius_km=20, contract="CDI"
    )
    assert answer["total"] == expected.total and [h["id"] for h in answer["hits"]] == expected.ids
