"""`tremplin world search` and `tremplin world route`: the learners' engines, for mediators.

A mediator preparing a scenario asks the same search engine and route planner the
widgets use, so what they see is what a learner will see.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def register(actions: Any) -> None:
    search = actions.add_parser(
        "search",
        help="Chercher des offres comme un apprenant / Search offers as a learner does",
        description="Interroge le moteur de recherche du monde. / Queries the world's search engine.",
    )
    search.add_argument("query", help="mots-clés (guillemets, -mot) / keywords")
    search.add_argument("--commune", help="commune, code postal ou INSEE / commune")
    search.add_argument("--radius", type=float, help="rayon en km / radius in km")
    search.add_argument("--contrat", "--contract", dest="contract", help="CDI, CDD, Intérim… / contract")
    search.add_argument("--temps", "--working-time", dest="working_time", help="Temps plein / Temps partiel")
    search.add_argument("--depuis", "--since-days", dest="days", type=int, help="publiées depuis N jours")
    search.add_argument(
        "--tri",
        "--sort",
        dest="sort",
        default="relevance",
        choices=("relevance", "date", "distance"),
        help="tri / sort",
    )
    search.add_argument("--page", type=int, default=1, help="page (10 offres) / page")
    _common(search)
    search.set_defaults(func=run_search)
    route = actions.add_parser(
        "route",
        help="Préparer un trajet / Plan a trip",
        description=(
            "Dernier départ en transport en commun pour arriver à l'heure, durée, coût par trajet "
            "et par mois, comparé à la voiture. / Latest public-transport departure arriving on time, "
            "duration, cost per trip and month, compared with the car."
        ),
    )
    route.add_argument("origin", help="commune de départ / from")
    route.add_argument("destination", help="commune d'arrivée / to")
    route.add_argument("--arrive", required=True, help="heure d'arrivée au plus tard, HH:MM / arrive by")
    _common(route)
    route.set_defaults(func=run_route)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--world", type=Path, help="dossier du monde / world folder (DATA/world)")
    parser.add_argument("--data", type=Path, help="dossier de données / data folder")
    parser.add_argument("--json", action="store_true", help="sortie JSON / JSON output")


def _world_dir(args: argparse.Namespace) -> Path:
    from tremplin.widgets.paths import data_root

    return args.world or data_root(args.data) / "world"


def run_search(args: argparse.Namespace) -> int:
    from tremplin.widgets.search import SearchEngine

    engine = SearchEngine.open(_world_dir(args))
    results = engine.search(
        args.query,
        commune=args.commune,
        radius_km=args.radius,
        contract=args.contract,
        working_time=args.working_time,
        published_within_days=args.days,
        sort=args.sort,
        page=args.page,
    )
    if args.json:
        data = {
            "query": results.query,
            "filters": results.filters,
            "total": results.total,
            "page": results.page,
            "pages": results.pages,
            "message": results.message,
            "suggestions": results.suggestions,
            "hits": [
                {
                    "id": h.offer_id,
                    "title": h.title,
                    "employer": h.employer_name,
                    "commune": h.commune,
                    "distance_km": h.distance_km,
                    "contract": h.contract,
                    "published": h.published,
                }
                for h in results.hits
            ],
        }
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    print(f"{results.total} offre(s) — page {results.page}/{results.pages}")
    if results.message:
        print(results.message)
    for hit in results.hits:
        where = f"{hit.commune}" + (f" ({hit.distance_km:g} km)" if hit.distance_km is not None else "")
        print(
            f"{hit.offer_id}  {hit.title} · {hit.employer_name} · {where} · {hit.contract} · {hit.published}"
        )
    return 0


def run_route(args: argparse.Namespace) -> int:
    from tremplin.widgets.routes import RoutePlanner
    from tremplin.widgets.world import World

    plan = RoutePlanner.from_world(World.open(_world_dir(args))).plan(
        args.origin, args.destination, args.arrive
    )
    if args.json:
        json.dump(plan.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0 if plan.route else 1
    if plan.route is None:
        print(plan.message)
        return 1
    route = plan.route
    print(
        f"{route.origin} → {route.destination} : départ {route.depart}, arrivée {route.arrive}, "
        f"{route.duration_min} min, {route.changes} correspondance(s)"
    )
    for leg in route.legs:
        fare = f"{leg.fare_eur:.2f} €"
        print(f"  {leg.depart} {leg.board} → {leg.arrive} {leg.alight}  ({leg.line}, {leg.mode}, {fare})")
    print(f"  par trajet {route.trip_eur:.2f} € ; par mois {route.month_eur:.2f} € ({route.month_detail})")
    car = f"{route.car_trip_eur:.2f} € par trajet, {route.car_month_eur:.2f} € par mois"
    print(f"  voiture : {route.car_km:g} km, {car}")
    return 0
