"""The search widget driven headless: fields set, handlers called, journal checked."""

from __future__ import annotations

import pytest
from search_fixtures import write_world
from tremplin.widgets.search import SearchEngine
from tremplin.widgets.search_widget import SearchWidget
from tremplin.widgets.workspace import Workspace


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    world = write_world(tmp_path_factory.mktemp("world"))
    opened = SearchEngine.open(world, families_file=world / "job_families.json")
    yield opened
    opened.close()


@pytest.fixture
def workspace(tmp_path):
    return Workspace.create(tmp_path / "ws", "Camille")


def kinds(workspace):
    return [e.kind for e in workspace.events()]


def test_search_records_the_query_and_its_filters(engine, workspace):
    calls = []
    widget = SearchWidget(engine, workspace, on_change=lambda: calls.append(1))
    widget.set_filters(query="cuisinier", commune="Rennes", radius_km=30, contract="CDD",
                       published_within_days=30)
    results = widget.run_search()
    event = workspace.events(kind="search.query")[-1]
    assert event.data["query"] == "cuisinier"
    assert event.data["filters"] == {"commune": "Rennes", "insee": "35238", "radius_km": 30.0,
                                     "contract": "CDD", "working_time": None,
                                     "published_within_days": 30}
    assert event.data["total"] == results.total > 0
    assert event.data["result_ids"] == results.ids and event.data["page"] == 1
    assert event.data["sort"] == "relevance"
    assert calls == [1]
    heading = widget.heading.value
    assert f"{results.total} offre" in heading and 'aria-live="polite"' in heading
    assert len(widget.results_box.children) == len(results.hits)


def test_button_click_uses_the_fields(engine, workspace):
    widget = SearchWidget(engine, workspace)
    widget.query.value = "vendeur"
    widget.contract.value = "CDI"
    widget.search_button.click()
    data = workspace.events(kind="search.query")[-1].data
    assert data["query"] == "vendeur" and data["filters"]["contract"] == "CDI"


def test_paging_records_search_page(engine, workspace):
    widget = SearchWidget(engine, workspace, per_page=5)
    widget.set_filters(query="vendeur")
    first = widget.run_search()
    assert first.pages > 1 and widget.previous_button.disabled
    second = widget.next_page()
    assert second.page == 2 and not set(second.ids) & set(first.ids)
    widget.previous_page()
    assert kinds(workspace) == ["search.query", "search.page", "search.page"]
    assert [e.data["page"] for e in workspace.events(kind="search.page")] == [2, 1]


def test_view_save_remove_and_duplicates(engine, workspace):
    widget = SearchWidget(engine, workspace)
    widget.set_filters(query="cuisinier")
    hits = widget.run_search().hits
    offer = widget.show_offer(hits[0].offer_id)
    assert offer is not None and "<script" not in widget.detail.value
    assert offer["contact_email"] in widget.detail.value
    assert "est affichée plus bas" in widget.status.value and 'role="status"' in widget.status.value
    assert widget.save_offer(hits[0].offer_id, note="près de chez moi")
    assert widget.save_offer(hits[1].offer_id)
    assert not widget.save_offer(hits[0].offer_id)
    assert "déjà dans votre sélection" in widget.status.value
    adds = workspace.events(kind="shortlist.add")
    assert [e.data["offer_id"] for e in adds] == [hits[0].offer_id, hits[1].offer_id,
                                                  hits[0].offer_id]
    assert adds[0].data == {"offer_id": hits[0].offer_id, "title": hits[0].title,
                            "note": "près de chez moi"}
    assert workspace.events(kind="offer.view")[0].data == {"offer_id": hits[0].offer_id}
    assert widget.remove_offer(hits[1].offer_id)
    assert workspace.events(kind="shortlist.remove")[0].data == {"offer_id": hits[1].offer_id}
    assert not widget.remove_offer(hits[1].offer_id)

    fresh = SearchWidget(engine, Workspace.open(workspace.root))  # a page reload
    assert [e.offer_id for e in fresh.shortlist()] == [hits[0].offer_id]
    shown = "".join(getattr(c, "value", "") for row in fresh.shortlist_box.children
                    for c in getattr(row, "children", [row]))
    assert hits[0].title.split(" /")[0] in shown and "près de chez moi" in shown


def test_hostile_offer_detail_is_escaped(engine, workspace):
    widget = SearchWidget(engine, workspace)
    widget.set_filters(query="accueil")
    widget.run_search()
    hostile = next(i for i in range(1, 400)
                   if (o := engine.offer(f"OF-{i:06d}")) and "Fausse" in o["employer_name"])
    widget.show_offer(f"OF-{hostile:06d}")
    assert "<script" not in widget.detail.value and "<i>" not in widget.detail.value
    assert "&lt;script&gt;" in widget.detail.value


def test_unknown_offer_and_odd_input_never_raise(engine, workspace):
    widget = SearchWidget(engine, workspace)
    assert widget.show_offer("OF-NOPE") is None and widget.save_offer("<b>") is False
    assert "Relancez une recherche" in widget.status.value
    widget.set_filters(query='"c++ -', commune="Atlantide", radius_km=7, contract="CDX",
                       published_within_days="toujours")
    results = widget.run_search()
    assert results.message and "Atlantide" in widget.status.value
    assert widget.next_page() is results or widget.next_page().page >= 1
    assert "shortlist.add" not in kinds(workspace)


def test_on_change_after_every_recorded_event(engine, workspace):
    calls = []
    widget = SearchWidget(engine, workspace, on_change=lambda: calls.append(1))
    widget.set_filters(query="vendeur")
    hit = widget.run_search().hits[0]
    widget.show_offer(hit.offer_id)
    widget.save_offer(hit.offer_id)
    widget.save_offer(hit.offer_id)
    widget.remove_offer(hit.offer_id)
    assert len(calls) == len(workspace.events()) == 5


def test_filter_lists_start_on_a_visible_any_choice(engine, workspace):
    """A value of None would show an empty list: the learner must read « Tous »."""
    from tremplin.widgets.i18n import t

    widget = SearchWidget(engine, workspace)
    for dropdown, key in ((widget.radius, "search.radius_none"), (widget.contract, "search.contract_all"),
                          (widget.working_time, "search.working_time_all"),
                          (widget.published, "search.published_any")):
        assert dropdown.index == 0 and dropdown.label == t(key)
    widget.set_filters(query="vendeur", contract="CDI")
    widget.run_search()
    widget.set_filters(contract="")
    assert widget.contract.label == t("search.contract_all")


def test_flagging_a_doubtful_offer_records_it_for_the_checks(engine, workspace):
    widget = SearchWidget(engine, workspace)
    widget.set_filters(query="vendeur")
    widget.run_search()
    hit = widget.last_results.hits[0]
    assert widget.flag_offer(hit.offer_id, reason="argent demandé")
    (event,) = workspace.events(kind="offer.flag")
    assert event.data["offer_id"] == hit.offer_id and event.data["reason"] == "argent demandé"
    assert "signalée comme douteuse" in widget.status.value
    assert not widget.flag_offer("OF-inconnue")
    assert len(workspace.events(kind="offer.flag")) == 1
