"""« Ma sélection » with notes and « Retrouver une offre », and « Trier par » in the search widget."""

from __future__ import annotations

import pytest
from tremplin.widgets.search_widget import SearchWidget
from tremplin.widgets.shortlist_widget import MAX_NOTE
from tremplin.widgets.workspace import Workspace


@pytest.fixture
def engine(world_engine):
    return world_engine


@pytest.fixture
def workspace(learner_workspace):
    return learner_workspace


def saved_three(engine, workspace) -> tuple[SearchWidget, list]:
    search = SearchWidget(engine, workspace)
    search.set_filters(query="vendeur")
    hits = search.run_search().hits[:3]
    for hit in hits:
        search.save_offer(hit.offer_id)
    return search, hits


def test_a_note_is_written_changed_and_kept_after_a_reload(engine, workspace) -> None:
    search, hits = saved_three(engine, workspace)
    selection = search.selection
    selection.note_fields[hits[0].offer_id].value = "près de chez moi, appeler lundi"
    selection.set_note(hits[0].offer_id)  # as the « Enregistrer la note » button does
    assert search.set_note(hits[0].offer_id, "Envoyer le CV jeudi")
    assert "est enregistrée" in selection.status.value
    assert not search.set_note(hits[0].offer_id, "Envoyer le CV jeudi")  # unchanged: no event
    notes = [e.data for e in workspace.events(kind="shortlist.note")]
    assert notes == [{"offer_id": hits[0].offer_id, "note": "près de chez moi, appeler lundi"},
                     {"offer_id": hits[0].offer_id, "note": "Envoyer le CV jeudi"}]
    fresh = SearchWidget(engine, Workspace.open(workspace.root))  # a page reload
    assert [e.note for e in fresh.shortlist()] == ["Envoyer le CV jeudi", "", ""]
    assert fresh.selection.note_fields[hits[0].offer_id].value == "Envoyer le CV jeudi"
    assert not fresh.set_note("OF-inconnue", "x")
    assert "pas dans votre sélection" in fresh.selection.status.value


def test_a_note_typed_but_not_saved_survives_saving_another(engine, workspace) -> None:
    """Saving one note redraws the list: what the learner is typing in another offer's note box
    stays there (it was lost), and the saved one shows its cleaned text."""
    search, hits = saved_three(engine, workspace)
    selection = search.selection
    selection.note_fields[hits[1].offer_id].value = "CDI, à revoir"  # typed, not saved
    selection.note_fields[hits[0].offer_id].value = "  appeler   lundi "
    assert selection.set_note(hits[0].offer_id)
    assert selection.note_fields[hits[1].offer_id].value == "CDI, à revoir"
    assert selection.note_fields[hits[0].offer_id].value == search.shortlist()[0].note
    assert search.shortlist()[1].note == ""  # a draft is not saved by itself
    assert "est enregistrée" in selection.status.value


def test_find_again_by_title_employer_commune_or_note_ignoring_case_and_accents(engine, workspace) -> None:
    search, hits = saved_three(engine, workspace)
    search.set_note(hits[1].offer_id, "Très bien payé, à côté de l'école")
    offer = engine.offer(hits[2].offer_id)
    assert [e.offer_id for e in search.find_saved("TRES BIEN paye")] == [hits[1].offer_id]
    assert "1 offre(s) sur 3" in search.selection.status.value
    assert len(search.selection.rows_box.children) == 1  # only the offer found is shown
    assert hits[2].offer_id in [e.offer_id for e in search.find_saved(offer["employer_name"].upper())]
    assert hits[2].offer_id in [e.offer_id for e in search.find_saved(offer["commune"])]
    assert len(search.find_saved("vendeu")) == 3  # the start of a word is enough
    assert search.find_saved("plombier") == []
    assert "Aucune offre de votre sélection" in search.selection.status.value
    finds = [e.data for e in workspace.events(kind="shortlist.find")]
    assert finds[0] == {"query": "TRES BIEN paye", "found": 1}
    assert finds[-1] == {"query": "plombier", "found": 0}
    search.selection.show_all_button.click()
    assert len(search.selection.rows_box.children) == 3
    assert len(search.find_saved("   ")) == 3 and len(workspace.events(kind="shortlist.find")) == len(finds)


def test_hostile_and_huge_learner_text_is_kept_safe(engine, workspace) -> None:
    search, hits = saved_three(engine, workspace)
    assert search.set_note(hits[0].offer_id, "<script>alert('x')</script>\x00\x1b ok")
    shown = search.selection.rows_box.children[0].children[0].value
    assert "<script>" not in shown and "&lt;script&gt;" in shown and "\x00" not in shown
    assert search.set_note(hits[1].offer_id, "é" * 50_000)
    assert len(search.shortlist()[1].note) == MAX_NOTE and "très longue" in search.selection.status.value
    found = search.find_saved("<img src=x onerror=alert(1)>" + "\x07" * 5)
    assert found == [] and "<img" not in search.selection.status.value
    assert search.find_saved("z" * 10_000) == []
    assert len(workspace.events(kind="shortlist.find")[-1].data["query"]) == 200


def test_remove_from_the_selection_and_an_empty_selection(engine, workspace) -> None:
    search, hits = saved_three(engine, workspace)
    row = search.selection.rows_box.children[0]
    remove = next(b for b in row.children[2].children if b.description == "Retirer")
    remove.click()
    assert [e.offer_id for e in search.shortlist()] == [h.offer_id for h in hits[1:]]
    assert "retirée" in search.selection.status.value
    for hit in hits[1:]:
        search.remove_offer(hit.offer_id)
    assert "sélection est vide" in search.selection.rows_box.children[0].value
    assert search.find_saved("vendeur") == [] and "enregistrez d&#x27;abord" in search.selection.status.value


def test_sorting_by_date_or_distance_resorts_the_results_and_is_recorded(engine, workspace) -> None:
    search = SearchWidget(engine, workspace)
    assert search.sort_results("date") is None and workspace.events() == []  # nothing to re-sort yet
    search.set_filters(query="vendeur", commune="Rennes", radius_km=30, sort="relevance")
    search.run_search()
    by_date = search.sort_results("date")
    dates = [h.published for h in by_date.hits]
    assert dates == sorted(dates, reverse=True)
    search.sort.value = "distance"  # the learner picks « distance » in the list
    near = [h.distance_km for h in search.last_results.hits]
    assert near == sorted(near)
    queries = [e.data for e in workspace.events(kind="search.query")]
    assert [(q["sort_choice"], q["sort"]) for q in queries] == [
        ("relevance", "relevance"), ("date", "date"), ("distance", "distance")]
    search.sort_results("date")
    search.sort_results("date")  # the same choice again still re-sorts
    assert len(workspace.events(kind="search.query")) == 5


def test_distance_without_a_commune_falls_back_to_date_and_says_so(engine, workspace) -> None:
    search = SearchWidget(engine, workspace)
    search.set_filters(query="vendeur", sort="distance")  # filling the form is not a search
    assert workspace.events() == []
    search.run_search()
    data = workspace.events(kind="search.query")[-1].data
    assert data["sort_choice"] == "distance" and data["sort"] == "date"
    assert "demande une commune" in search.status.value
    for odd in ("<b>", None, 42, "DATE"):
        search.sort_results(odd)  # never raises; unknown choices leave the list as it is
    assert search.sort.value in ("relevance", "date", "distance")
