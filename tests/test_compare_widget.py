"""Comparing two offers side by side: the table, the journal event, odd input, the search hook."""

from __future__ import annotations

import re

import pytest
from tremplin.widgets.compare_widget import CompareWidget, compare_table_html
from tremplin.widgets.geo import find_commune
from tremplin.widgets.search_widget import SearchWidget


@pytest.fixture
def engine(world_engine):
    return world_engine


@pytest.fixture
def workspace(learner_workspace):
    return learner_workspace


def two_offers(world) -> tuple[dict, dict]:
    """Two genuine offers that differ in contract and commune (so the table has differences)."""
    offers = [o for o in world.offers() if not o.get("scam")]
    first = offers[0]
    second = next(o for o in offers
                  if o["contract"] != first["contract"] and o["commune"] != first["commune"])
    return first, second


def test_two_picks_show_a_table_and_record_the_comparison(engine, workspace, world) -> None:
    first, second = two_offers(world)
    calls: list[int] = []
    widget = CompareWidget(engine.offer, workspace, home=lambda: "Rennes", on_change=lambda: calls.append(1))
    assert widget.pick(first["id"]) and widget.table.value == ""
    assert "deuxième offre" in widget.status.value
    assert widget.pick(second["id"])
    (event,) = workspace.events(kind="offer.compare")
    assert event.data == {"offer_ids": [first["id"], second["id"]]} and calls == [1]
    table = widget.table.value
    assert "<table" in table and "<caption>" in table
    assert table.count('scope="col"') == 3 and table.count('scope="row"') == 7
    assert table.count("<strong>différent</strong>") >= 2  # contract and place at least
    assert 'class="tremplin-diff"' in table
    assert first["contact_email"] in table and "km de Rennes" in table
    # every offer has its own address and reference: that row is not marked as a difference
    assert re.search(r"Pour postuler</th><td>[^<]*</td><td>[^<]*</td><td></td>", table)


def test_the_distance_is_from_the_learner_commune_or_said_missing(engine, workspace, world) -> None:
    first, second = two_offers(world)
    widget = CompareWidget(engine.offer, workspace, home=lambda: "")
    assert widget.compare(first["id"], second["id"])
    assert "km de" not in widget.table.value and "Indiquez votre commune" in widget.status.value
    brest = find_commune("Brest")
    html = compare_table_html(first, second, brest)
    assert "km de Brest" in html


def test_picking_again_unpicks_and_a_third_pick_replaces_the_older(engine, workspace, world) -> None:
    offers = [o["id"] for o in list(world.offers())[:3]]
    widget = CompareWidget(engine.offer, workspace)
    widget.pick(offers[0])
    widget.pick(offers[0])
    assert widget.picked == [] and "plus choisie" in widget.status.value
    widget.pick(offers[0])
    widget.pick(offers[1])
    widget.pick(offers[2])
    assert widget.picked == [offers[1], offers[2]]
    assert [e.data["offer_ids"] for e in workspace.events(kind="offer.compare")] == [
        [offers[0], offers[1]], [offers[1], offers[2]]]
    widget.clear()
    assert widget.picked == [] and widget.table.value == ""


def test_unknown_or_identical_offers_never_raise_and_record_nothing(engine, workspace, world) -> None:
    widget = CompareWidget(engine.offer, workspace)
    offer_id = next(iter(world.offers()))["id"]
    for bad in ("OF-NOPE", "", "<script>alert(1)</script>", "\x00\x1b", "x" * 10_000):
        assert widget.pick(bad) is False
    assert "Nous ne trouvons pas cette offre" in widget.status.value
    assert widget.compare(offer_id, offer_id) is False and "même offre" in widget.status.value
    assert workspace.events(kind="offer.compare") == []


def test_hostile_offer_text_is_escaped_in_the_table() -> None:
    hostile = {"id": "OF-1", "title": "<script>alert('x')</script>", "employer_name": "Société <i>Fausse</i>",
               "commune": "Rennes", "contract": "CDI", "contact_email": "a@b.example\"><img src=x>"}
    other = {"id": "OF-2", "title": "Vendeur", "employer_name": "Chez Paul", "commune": "Vitré",
             "contract": "CDD", "lat": "pas un nombre", "lon": None}
    html = compare_table_html(hostile, other, find_commune("Rennes"))
    assert "<script>" not in html and "<i>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "non précisé" in html


def test_a_journal_that_cannot_write_gives_words_not_a_traceback(engine, world) -> None:
    class Broken:
        def record(self, kind, data):
            raise OSError("disque plein")

    first, second = two_offers(world)
    widget = CompareWidget(engine.offer, Broken())
    assert widget.compare(first["id"], second["id"]) is False
    assert "disque plein" in widget.status.value


def test_the_search_widget_offers_compare_under_each_result(engine, workspace) -> None:
    picked: list[str] = []
    search = SearchWidget(engine, workspace, on_compare=picked.append)
    search.set_filters(query="vendeur")
    hits = search.run_search().hits
    buttons = search.results_box.children[0].children[1].children
    compare = next(b for b in buttons if b.description == "Comparer")
    compare.click()
    assert picked == [hits[0].offer_id]
    plain = SearchWidget(engine, workspace)  # lesson 1: no comparison, no button
    plain.set_filters(query="vendeur")
    plain.run_search()
    assert all(b.description != "Comparer" for b in plain.results_box.children[0].children[1].children)
