"""The learner's saved offers, derived from the journal rather than kept in a kernel.

A page reload gives a fresh kernel, so the shortlist is recomputed from the events
`shortlist.add` {"offer_id", "title", "note"?}, `shortlist.remove` {"offer_id"} and
`shortlist.note` {"offer_id", "note"}; `shortlist.find` {"query", "found"} records that the
learner looked for a saved offer again and does not change the list. The raw events keep
every attempt (a second save of the same offer) so checks can see it; the current list
does not repeat it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from tremplin.widgets.geo import fold
from tremplin.widgets.journal import Event

ADD, REMOVE, NOTE, FIND = "shortlist.add", "shortlist.remove", "shortlist.note", "shortlist.find"


@dataclass(frozen=True)
class ShortlistEntry:
    """One saved offer as the learner currently sees it."""

    offer_id: str
    title: str
    note: str
    added_at: str


class Recorder(Protocol):
    """What the helpers need of a Workspace (kept structural to ease testing)."""

    def record(self, kind: str, data: dict[str, Any]) -> Event: ...


def current_shortlist(events: Iterable[Event]) -> list[ShortlistEntry]:
    """The saved offers after replaying `events`, in the order they were (last) saved.

    Events of other kinds, and shortlist events without a usable offer_id (a tampered
    journal), are ignored. An offer removed then saved again moves to the end.
    """
    entries: dict[str, ShortlistEntry] = {}
    for event in events:
        offer_id = _offer_id(event)
        if offer_id is None:
            continue
        if event.kind == ADD and offer_id not in entries:
            entries[offer_id] = ShortlistEntry(
                offer_id, _text(event.data.get("title")), _text(event.data.get("note")), event.at
            )
        elif event.kind == REMOVE:
            entries.pop(offer_id, None)
        elif event.kind == NOTE and offer_id in entries:
            old = entries[offer_id]
            entries[offer_id] = ShortlistEntry(
                offer_id, old.title, _text(event.data.get("note")), old.added_at
            )
    return list(entries.values())


def duplicate_adds(events: Iterable[Event]) -> list[str]:
    """Offer ids the learner tried to save while already saved, each once, in order."""
    present: set[str] = set()
    duplicates: list[str] = []
    for event in events:
        offer_id = _offer_id(event)
        if offer_id is None:
            continue
        if event.kind == ADD:
            if offer_id in present and offer_id not in duplicates:
                duplicates.append(offer_id)
            present.add(offer_id)
        elif event.kind == REMOVE:
            present.discard(offer_id)
    return duplicates


def add_offer(workspace: Recorder, offer_id: str, title: str, note: str | None = None) -> Event:
    """Record that the learner saved an offer (always recorded, even a second time)."""
    data: dict[str, Any] = {"offer_id": offer_id, "title": title}
    if note:
        data["note"] = note
    return workspace.record(ADD, data)


def remove_offer(workspace: Recorder, offer_id: str) -> Event:
    """Record that the learner took an offer off their list."""
    return workspace.record(REMOVE, {"offer_id": offer_id})


def set_note(workspace: Recorder, offer_id: str, note: str) -> Event:
    """Record the learner's note on a saved offer (replaces the previous note)."""
    return workspace.record(NOTE, {"offer_id": offer_id, "note": note})


def matches(query: str, *texts: Any) -> bool:
    """Whether every word of `query` appears in one of `texts`, ignoring case and accents.

    Parts of words count ("boul" finds "Boulangerie"), so a learner who remembers only
    the start of a word still finds the offer; an empty query matches everything.
    """
    words = fold(str(query or "")).split()
    haystack = " ".join(fold(t) for t in texts if isinstance(t, str) and t)
    return all(word in haystack for word in words)


def record_find(workspace: Recorder, query: str, found: int) -> Event:
    """Record that the learner looked for a saved offer again (and how many matched)."""
    return workspace.record(FIND, {"query": query, "found": int(found)})


def _offer_id(event: Event) -> str | None:
    if event.kind not in (ADD, REMOVE, NOTE):
        return None
    value = event.data.get("offer_id")
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value) or None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
