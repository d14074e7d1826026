"""One activity's view of the workspace journal (a lesson or an épreuve).

Widgets record through it, so every event says which activity it belongs to and a check
on an épreuve never counts what the learner practised in a lesson. The learner's files
stay one workspace: only the journal entries are tagged.
"""

from __future__ import annotations

from typing import Any, Protocol


class Journal(Protocol):
    def record(self, kind: str, data: dict[str, Any]) -> Any: ...

    def events(self, kind: str | None = None, prefix: str | None = None) -> list[Any]: ...


class ActivityJournal:
    """Adds `context: <activity>` to what it records and reads back only that activity."""

    def __init__(self, workspace: Journal, activity: str) -> None:
        self.workspace = workspace
        self.activity = activity

    def record(self, kind: str, data: dict[str, Any]) -> Any:
        return self.workspace.record(kind, {**data, "context": self.activity})

    def events(self, kind: str | None = None, prefix: str | None = None) -> list[Any]:
        return [
            event
            for event in self.workspace.events(kind=kind, prefix=prefix)
            if event.data.get("context") == self.activity
        ]
