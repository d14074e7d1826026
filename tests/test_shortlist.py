"""The shortlist is recomputed from the journal: add, remove, note, duplicates."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tremplin.widgets.journal import Event
from tremplin.widgets.shortlist import (
    ShortlistEntry,
    add_offer,
    current_shortlist,
    duplicate_adds,
    remove_offer,
    set_note,
)
from tremplin.widgets.workspace import JournalWarning, Workspace

FIXTURES = Path(__file__).parent / "fixtures" / "workspaces"


def ev(minute: int, kind: str, **data: object) -> Event:
    return Event(1, f"2026-03-02T09:{minute:02d}:00.000Z", kind, dict(data))


class Clock:
    """Ticks one minute per call (create takes 09:01), so added_at values are predictable."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def test_add_remove_note_in_order() -> None:
    events = [
        ev(1, "shortlist.add", offer_id="OF-2", title="Caissier", note="près de chez moi"),
        ev(2, "search.query", query="boulanger"),
        ev(3, "shortlist.add", offer_id="OF-1", title="Boulanger"),
        ev(4, "shortlist.add", offer_id="OF-3", title="Serveur"),
        ev(5, "shortlist.note", offer_id="OF-1", note="Appeler lundi"),
        ev(6, "shortlist.remove", offer_id="OF-3"),
        ev(7, "shortlist.note", offer_id="OF-3", note="ignored: not saved any more"),
    ]
    assert current_shortlist(events) == [
        ShortlistEntry("OF-2", "Caissier", "près de chez moi", "2026-03-02T09:01:00.000Z"),
        ShortlistEntry("OF-1", "Boulanger", "Appeler lundi", "2026-03-02T09:03:00.000Z"),
    ]
    assert duplicate_adds(events) == []


def test_re_adding_does_not_duplicate_but_is_visible() -> None:
    events = [
        ev(1, "shortlist.add", offer_id="OF-1", title="Boulanger"),
        ev(2, "shortlist.add", offer_id="OF-2", title="Caissier"),
        ev(3, "shortlist.add", offer_id="OF-1", title="Boulanger (bis)", note="encore"),
        ev(4, "shortlist.add", offer_id="OF-1", title="Boulanger"),
        ev(5, "shortlist.add", offer_id="OF-2", title="Caissier"),
    ]
    entries = current_shortlist(events)
    assert [(e.offer_id, e.title, e.note, e.added_at[-13:-8]) for e in entries] == [
        ("OF-1", "Boulanger", "", "09:01"),
        ("OF-2", "Caissier", "", "09:02"),
    ]
    assert duplicate_adds(events) == ["OF-1", "OF-2"]


def test_removed_then_added_again_is_not_a_duplicate_and_moves_to_the_end() -> None:
    events = [
        ev(1, "shortlist.add", offer_id="OF-1", title="Boulanger"),
        ev(2, "shortlist.add", offer_id="OF-2", title="Caissier"),
        ev(3, "shortlist.remove", offer_id="OF-1"),
        ev(4, "shortlist.add", offer_id="OF-1", title="Boulanger"),
        ev(5, "shortlist.remove", offer_id="OF-9"),  # never saved: no effect
    ]
    assert [(e.offer_id, e.added_at) for e in current_shortlist(events)] == [
        ("OF-2", "2026-03-02T09:02:00.000Z"),
        ("OF-1", "2026-03-02T09:04:00.000Z"),
    ]
    assert duplicate_adds(events) == []


def test_tampered_events_are_ignored_not_fatal() -> None:
    events = [
        ev(1, "shortlist.add", title="sans identifiant"),
        ev(2, "shortlist.add", offer_id=None, title="x"),
        ev(3, "shortlist.add", offer_id=["OF-1"], title="x"),
        ev(4, "shortlist.add", offer_id=True, title="x"),
        ev(5, "shortlist.add", offer_id="", title="x"),
        ev(6, "shortlist.add", offer_id=123, title=["pas", "un", "titre"], note=5),
        ev(7, "shortlist.note", offer_id="123"),
    ]
    assert current_shortlist(events) == [
        ShortlistEntry("123", "", "", "2026-03-02T09:06:00.000Z")
    ]


def test_shortlist_survives_a_fresh_kernel(tmp_path: Path) -> None:
    """State lives in the journal: a new Workspace object (a page reload) sees it all."""
    workspace = Workspace.create(tmp_path / "w", "Amina", clock=Clock())
    add_offer(workspace, "OF-1", "Boulanger", note="à 10 min en bus")
    add_offer(workspace, "OF-2", "Caissier")
    add_offer(workspace, "OF-1", "Boulanger")
    set_note(workspace, "OF-2", "horaires ?")
    remove_offer(workspace, "OF-1")

    reloaded = Workspace.open(workspace.root)
    events = reloaded.events(prefix="shortlist")
    assert [e.kind for e in events] == [
        "shortlist.add", "shortlist.add", "shortlist.add", "shortlist.note", "shortlist.remove"
    ]
    assert events[0].data == {"offer_id": "OF-1", "title": "Boulanger", "note": "à 10 min en bus"}
    assert events[1].data == {"offer_id": "OF-2", "title": "Caissier"}
    assert current_shortlist(events) == [
        ShortlistEntry("OF-2", "Caissier", "horaires ?", "2026-03-02T09:03:00.000Z")
    ]
    assert duplicate_adds(events) == ["OF-1"]


def test_shortlist_from_a_torn_journal_fixture(tmp_path: Path) -> None:
    root = Path(shutil.copytree(FIXTURES / "torn-journal", tmp_path / "w"))
    with pytest.warns(JournalWarning):
        events = Workspace.open(root).events()
    assert current_shortlist(events) == [
        ShortlistEntry(
            "OF-000123",
            "Vendeur / Vendeuse en boulangerie (H/F)",
            "Appeler lundi",
            "2026-03-02T09:02:30.120Z",
        )
    ]
