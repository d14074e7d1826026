"""The search engine on a fixture world of ~300 synthetic offers (real SQLite FTS5)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re

import pytest
from search_fixtures import REFERENCE_DATE, RENNES, build_offers, point_at, write_world
from tremplin.widgets import geo
from tremplin.widgets.search import SearchEngine, SearchResults, build_index
from tremplin.widgets.search_query import match_expression, parse_query, stem


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return write_world(tmp_path_factory.mktemp("world"))


@pytest.fixture(scope="module")
def engine(world):
    opened = SearchEngine.open(world, families_file=world / "job_families.json")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def offers():
    return {o["id"]: o for o in build_offers()}


def all_ids(engine: SearchEngine, query: str = "", **filters) -> list[str]:
    first = engine.search(query, per_page=50, **filters)
    ids = list(first.ids)
    for page in range(2, first.pages + 1):
        ids += engine.search(query, per_page=50, page=page, **filters).ids
    assert len(ids) == first.total
    return ids


# ------------------------------------------------------------------ the index file


def test_index_is_deterministic_and_atomic(tmp_path):
    a, b = write_world(tmp_path / "a"), write_world(tmp_path / "b")
    first, second = build_index(a), build_index(b)
    assert first.read_bytes() == second.read_bytes()
    assert not [p for p in a.iterdir() if p.name.endswith(".tmp")]


def test_open_rebuilds_a_stale_index(tmp_path):
    world = write_world(tmp_path / "w", count=20)
    SearchEngine.open(world).close()
    index = world / "search.sqlite"
    old = index.stat().st_mtime
    os.utime(index, (old - 100, old - 100))
    offers = (world / "offers.jsonl").read_text(encoding="utf-8").splitlines()
    (world / "offers.jsonl").write_text("\n".join(offers[:5]) + "\n", encoding="utf-8")
    engine = SearchEngine.open(world)
    assert engine.search("").total == 5
    assert engine.reference_date == REFERENCE_DATE


def test_works_without_the_families_file(tmp_path):
    world = write_world(tmp_path / "w", families=False)
    engine = SearchEngine.open(world, families_file=tmp_path / "absent.json")
    assert engine.search("cuisinier").total > 0


def test_offer_returns_the_whole_offer_without_scam_flags(engine, offers):
    scam = next(o for o in offers.values() if o["scam"])
    shown = engine.offer(scam["id"])
    assert shown is not None
    assert "scam" not in shown and "scam_signs" not in shown
    assert shown["description"] == scam["description"]
    assert {k: v for k, v in scam.items() if not k.startswith("scam")} == shown
    assert engine.offer("OF-999999") is None
    assert engine.offer("' OR 1=1 --") is None


# ------------------------------------------------------------------ matching and ranking


def test_case_and_accent_insensitive(engine):
    upper = engine.search("CUISINIERE")
    assert upper.total > 0
    assert upper.total == engine.search("cuisinière").total
    assert all("Cuisini" in h.title or "cuisin" in h.snippet_html.lower() for h in upper.hits)


def test_feminine_and_masculine_forms_meet(engine):
    assert set(all_ids(engine, "vendeuse")) == set(all_ids(engine, "vendeur"))
    assert set(all_ids(engine, "cuisinières")) == set(all_ids(engine, "CUISINIER"))


def test_family_synonyms_find_the_offer(engine):
    titles = {h.title for h in engine.search("caissière", per_page=50).hits}
    assert "Hôte / Hôtesse de caisse" in titles


def test_title_matches_rank_first(engine, offers):
    first = engine.search("cuisine", per_page=50)
    hits = [h for p in range(1, first.pages + 1)
            for h in engine.search("cuisine", per_page=50, page=p).hits]
    in_title = [bool(re.search(r"\bcuisine", geo.fold(h.title))) for h in hits]
    assert any(in_title) and not all(in_title)
    first_other = in_title.index(False)
    assert all(in_title[:first_other]) and not any(in_title[first_other:])


def test_exact_phrase_and_exclusion(engine, offers):
    phrase = set(all_ids(engine, '"travail de nuit"'))
    assert phrase == {i for i, o in offers.items() if "travail de nuit" in o["description"]}
    without = set(all_ids(engine, "cuisinier -nuit"))
    assert without and all("nuit" not in offers[i]["description"] for i in without)
    assert without < set(all_ids(engine, "cuisinier"))
    only_minus = set(all_ids(engine, "-nuit"))
    assert only_minus == {i for i, o in offers.items() if "nuit" not in geo.fold(json.dumps(o))}


def test_snippets_are_escaped_and_marked(engine):
    results = engine.search("accueil", per_page=50)
    hostile = next(h for h in results.hits if "Fausse" in h.employer_name)
    assert "<script" not in hostile.snippet_html and "&lt;script&gt;" in hostile.snippet_html
    assert "<mark>Accueil</mark>" in hostile.snippet_html
    assert "&lt;mark&gt;faux" in hostile.snippet_html  # offer text cannot fake a highlight
    assert "<b>" not in hostile.title_html and "<mark>accueil</mark>" in hostile.title_html
    tags = set(re.findall(r"</?([a-z]+)", "".join(h.snippet_html + h.title_html for h in results.hits)))
    assert tags <= {"mark"}


def test_learner_text_cannot_inject_html(engine):
    results = engine.search('<img src=x onerror=alert(1)> "<b>')
    assert isinstance(results, SearchResults)
    assert all("<img" not in h.snippet_html for h in results.hits)
    assert "<" not in (results.message or "")


# ------------------------------------------------------------------ filters and sorts


@pytest.mark.parametrize("radius", [10.0, 30.0])
def test_radius_uses_exact_haversine(engine, offers, radius):
    centre = geo.by_insee(RENNES)
    expected = {i for i, o in offers.items()
                if geo.distance_km(centre.lat, centre.lon, o["lat"], o["lon"]) <= radius}
    found = engine.search("", commune="Rennes", radius_km=radius, per_page=50)
    assert set(all_ids(engine, "", commune="Rennes", radius_km=radius)) == expected
    inside = {"9.95": "OF-000302", "10.05": "OF-000303", "29.9": "OF-000304", "30.2": "OF-000305"}
    assert (inside["9.95"] in expected) and (inside["10.05"] in expected) == (radius > 10.05)
    assert all(h.distance_km is not None and h.distance_km <= radius + 0.05 for h in found.hits)
    assert found.filters["insee"] == RENNES and found.filters["commune"] == "Rennes"


def test_radius_box_never_drops_points_on_the_circle(tmp_path):
    world = write_world(tmp_path / "w", count=5)
    offers = [json.loads(line) for line in (world / "offers.jsonl").open(encoding="utf-8")]
    ring = []
    for bearing in range(0, 360, 15):
        lat, lon = point_at(RENNES, 49.9, bearing)
        ring.append({**offers[0], "id": f"OF-R{bearing:03d}", "lat": lat, "lon": lon})
    with (world / "offers.jsonl").open("a", encoding="utf-8") as handle:
        handle.writelines(json.dumps(o, ensure_ascii=False) + "\n" for o in ring)
    engine = SearchEngine.open(world)
    found = set(all_ids(engine, "", commune="35000", radius_km=50))
    assert {o["id"] for o in ring} <= found


def test_contract_working_time_and_date_filters(engine, offers):
    cdd = set(all_ids(engine, "", contract="cdd"))
    assert cdd == {i for i, o in offers.items() if o["contract"] == "CDD"}
    partial = set(all_ids(engine, "", working_time="Temps partiel"))
    assert partial == {i for i, o in offers.items() if o["working_time"] == "Temps partiel"}
    since = (REFERENCE_DATE - dt.timedelta(days=7)).isoformat()
    week = set(all_ids(engine, "", published_within_days=7))
    assert week == {i for i, o in offers.items() if o["published"] >= since}
    assert 0 < len(week) < len(offers)


def test_commune_alone_filters_on_the_commune(engine, offers):
    brest = set(all_ids(engine, "", commune="Brest"))
    assert brest == {i for i, o in offers.items() if o["insee"] == "29019"}


def test_sorts(engine, offers):
    by_date = engine.search("vendeur", sort="date", per_page=50).hits
    dates = [h.published for h in by_date]
    assert dates == sorted(dates, reverse=True)
    near = engine.search("", commune="Rennes", radius_km=50, sort="distance", per_page=50).hits
    distances = [h.distance_km for h in near]
    assert distances == sorted(distances) and len(distances) > 5
    empty = engine.search("")
    assert empty.sort == "date" and empty.total == len(offers)
    no_place = engine.search("vendeur", sort="distance")
    assert no_place.sort == "date" and "commune" in no_place.message


def test_pagination_totals(engine):
    first = engine.search("vendeur", per_page=7)
    assert first.pages == -(-first.total // 7)
    pages = [engine.search("vendeur", per_page=7, page=p).ids for p in range(1, first.pages + 1)]
    flat = [i for ids in pages for i in ids]
    assert len(flat) == len(set(flat)) == first.total
    last = engine.search("vendeur", per_page=7, page=999)
    assert last.page == first.pages and last.ids == pages[-1] and "999" in last.message


# ------------------------------------------------------------------ learner input never raises

HOSTILE = [
    '"', '"vendeur', "c++", "NOT", "AND OR", "*", "-", '"', "vendeur AND", "OR cuisinier",
    "NEAR(a b)", "title:vendeur", "^vendeur", "(", ")", "{title}: x", "\x00\x07\x1b[31m",
    "\ue000mark\ue001", "'; DROP TABLE offers; --", "   ", "\u200b", "l'", "-\"\"", "😀 cuisinier",
    "x" * 10_000, " ".join(["vendeur"] * 3000), "a b c d e f g h i j k l m n o p",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_queries_never_raise(engine, text):
    results = engine.search(text)
    assert isinstance(results, SearchResults)
    assert results.total >= 0 and results.page >= 1


def test_hostile_queries_say_something_useful(engine, offers):
    assert "guillemet" in engine.search('"vendeur en').message
    long = engine.search(" ".join(f"mot{i}" for i in range(2000)))
    assert "10 premiers mots" in long.message
    star = engine.search("*")
    assert star.total == len(offers) and "aucun mot" in star.message
    assert engine.search("c++").message


@pytest.mark.parametrize("values", [
    {"radius_km": -5, "commune": "Rennes"}, {"radius_km": 1e9, "commune": "Rennes"},
    {"radius_km": float("nan"), "commune": "Rennes"}, {"radius_km": "dix", "commune": "Rennes"},
    {"radius_km": 10}, {"contract": "CDX"}, {"working_time": "mi-temps"},
    {"published_within_days": -3}, {"published_within_days": "semaine"},
    {"page": -4}, {"per_page": 0}, {"sort": "random"}, {"commune": "\x00"}, {"commune": "9" * 200},
])
def test_odd_filters_are_explained(engine, values):
    results = engine.search("vendeur", **values)
    assert isinstance(results, SearchResults)
    if set(values) - {"page", "per_page", "sort", "commune"}:
        assert results.message


def test_radius_clamps_and_messages(engine):
    low = engine.search("", commune="Rennes", radius_km=-5)
    assert low.filters["radius_km"] == 1.0 and "au moins" in low.message
    high = engine.search("", commune="Rennes", radius_km=5000)
    assert high.filters["radius_km"] == 150.0 and "limité" in high.message
    alone = engine.search("vendeur", radius_km=20)
    assert alone.filters["radius_km"] is None and "commune" in alone.message


def test_unknown_commune_suggests(engine):
    results = engine.search("vendeur", commune="Renes")
    assert "Rennes" in results.message and results.filters["insee"] is None
    assert results.total == engine.search("vendeur").total


def test_zero_results_help(engine):
    typo = engine.search("cuisnier")
    assert typo.total == 0 and "cuisinier" in typo.suggestions
    narrow = engine.search("cariste", commune="Brest", contract="Alternance",
                           published_within_days=1)
    if narrow.total == 0:
        assert narrow.relax_hint and "filtre" in narrow.relax_hint


def test_query_parser_builds_only_quoted_terms():
    parsed = parse_query('Vendeuse "prêt-à-porter" -nuit c++ "')
    assert parsed.terms == ("vendeuse",) and parsed.excluded == ("nuit",)
    assert parsed.phrases == (("pret", "a", "porter"),) and parsed.unbalanced_quote
    expression = match_expression(parsed)
    assert expression is not None
    assert re.fullmatch(r'[\w\s"():*]+', expression.replace("stems", ""))
    assert stem("vendeuses") == stem("vendeurs") == "vendeur"
    assert stem("cuisiniere") == "cuisinier" and stem("directrice") == "directeur"


# ------------------------------------------------------------------ the index's shortcuts

COMBOS = [
    ("", {"commune": "Rennes", "radius_km": 12}),
    ("cuisinier", {"commune": "Rennes", "radius_km": 40, "contract": "CDD"}),
    ("vendeur", {"commune": "Brest", "radius_km": 150, "published_within_days": 20}),
    ("", {"commune": "Quimper", "radius_km": 80, "working_time": "Temps partiel"}),
    ("accueil -nuit", {"commune": "Vannes", "radius_km": 60}),
    ("-nuit", {"commune": "Rennes", "radius_km": 3}),
    ("cuisine", {"contract": "CDI", "published_within_days": 30}),
]


def _expected(engine, offers, query, filters):
    """The same search done by brute force over the offers (words through the engine)."""
    matching = set(all_ids(engine, query))
    centre = geo.find_commune(filters["commune"]) if "commune" in filters else None
    since = (REFERENCE_DATE - dt.timedelta(days=filters["published_within_days"])).isoformat() \
        if "published_within_days" in filters else ""
    return {
        i for i, o in offers.items() if i in matching
        and (centre is None or geo.distance_km(centre.lat, centre.lon, o["lat"], o["lon"])
             <= filters["radius_km"])
        and o["contract"] == filters.get("contract", o["contract"])
        and o["working_time"] == filters.get("working_time", o["working_time"])
        and o["published"] >= since
    }


@pytest.mark.parametrize(("query", "filters"), COMBOS)
@pytest.mark.parametrize("sort", ["relevance", "date", "distance"])
def test_filters_and_map_cells_match_brute_force(engine, offers, query, filters, sort):
    found = all_ids(engine, query, sort=sort, **filters)
    assert len(found) == len(set(found))
    assert set(found) == _expected(engine, offers, query, filters)
    pages = engine.search(query, sort=sort, per_page=7, **filters).pages
    hits = [h for p in range(1, min(3, pages) + 1)
            for h in engine.search(query, sort=sort, page=p, per_page=7, **filters).hits]
    if sort == "distance" and "commune" in filters:
        assert [h.distance_km for h in hits] == sorted(h.distance_km for h in hits)
    newest_first = sort == "date" or (sort == "distance" and "commune" not in filters)
    if newest_first or (sort == "relevance" and not query.strip("-nuit ")):
        assert [h.published for h in hits] == sorted((h.published for h in hits), reverse=True)


def test_date_order_breaks_ties_by_offer_id(engine, offers):
    ids = all_ids(engine, "")
    assert ids == sorted(offers, key=lambda i: (-int(offers[i]["published"].replace("-", "")), i))


def test_relevance_without_the_title_shortcut_agrees(tmp_path, monkeypatch):
    """A world with very many distinct titles ranks every offer by bm25 instead."""
    world = write_world(tmp_path / "w")
    engine = SearchEngine.open(world, families_file=world / "job_families.json")
    by_title = {q: all_ids(engine, q) for q in ("cuisine", "vendeur", "cuisinier -nuit")}
    monkeypatch.setattr("tremplin.widgets.search.MAX_TITLES", 0)
    fallback = SearchEngine.open(world, families_file=world / "job_families.json")
    for query, ids in by_title.items():
        again = all_ids(fallback, query)
        assert set(again) == set(ids) and len(again) == len(ids)
        titled = [bool(re.search(r"\b" + query.split()[0], geo.fold(
            fallback.offer(i)["title"]))) for i in again]
        assert titled == sorted(titled, reverse=True)
    paged = [i for p in (1, 2, 3) for i in fallback.search("cuisine", per_page=4, page=p).ids]
    assert paged == all_ids(fallback, "cuisine")[:12]


def test_open_reads_no_table(world):
    """Opening reads the meta table only (a kiosk kernel opens the index on every page)."""
    engine = SearchEngine.open(world, families_file=world / "job_families.json")
    assert engine.contracts() == sorted({"CDI", "CDD", "Intérim", "Alternance", "Saisonnier"})
    assert engine.working_times() == ["Temps partiel", "Temps plein"]
    engine.close()
