"""The learner's decisions on offers (« Repérer une offre douteuse »), replayed from the journal.

Pure: no ipywidgets. The scams checks (grading/checks_scams.py) read decisions here, so an
nbgrader autograde kernel does not import the widget stack; the review widget
(offer_review_widget.py) records them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

#: The warning signs a learner can tick, in the order they are listed (scams.json has their words).
SIGNS = ("fees", "webmail", "iban_or_id", "pay_too_good", "reshipping", "money_transfer", "premium_phone")
FLAG, TRUST = "offer.flag", "offer.trust"


@dataclass(frozen=True)
class Decision:
    """The learner's last word on one offer: reported (with the signs ticked) or trusted."""

    offer_id: str
    kind: str
    signs: tuple[str, ...]
    reason: str


def known_signs(values: Any) -> tuple[str, ...]:
    """The known sign codes among `values` (a tampered journal may hold anything), in list order."""
    if not isinstance(values, list | tuple):
        return ()
    given = {v for v in values if isinstance(v, str)}
    return tuple(sign for sign in SIGNS if sign in given)


def decisions(events: Iterable[Any]) -> dict[str, Decision]:
    """offer id → the last report or trust of that offer, replayed from journal events."""
    found: dict[str, Decision] = {}
    for event in events:
        if event.kind not in (FLAG, TRUST):
            continue
        offer_id = event.data.get("offer_id")
        if isinstance(offer_id, bool) or not isinstance(offer_id, str | int) or not str(offer_id):
            continue
        reason = event.data.get("reason")
        found[str(offer_id)] = Decision(
            str(offer_id), event.kind, known_signs(event.data.get("signs")) if event.kind == FLAG else (),
            reason if isinstance(reason, str) else "",
        )
    return found
