"""What a theme gives `tremplin demo`: how to open its épreuve page and how each simulated
learner works on it.

The four simulated learners are the same people across épreuves: Alice works carefully
(she should validate every competence), Bruno rushes (some checks pass, not all), Chloé
opens each page and hands it in untouched (she validates nothing), Damien works like
Alice but tampers with some of his hand-ins (grading/demo_tamper.py) to show what the
mediator sees then.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DILIGENT, HASTY, IDLE, TAMPERER = "Alice Diligente", "Bruno Pressé", "Chloé Absente", "Damien Bidouille"
LEARNER_NAMES = (DILIGENT, HASTY, IDLE, TAMPERER)
#: Who works like whom on the pages (what differs is done to the hand-in afterwards).
WORKS_LIKE = {TAMPERER: DILIGENT}


@dataclass(frozen=True)
class DemoPlan:
    #: (workspace, data_root, world) → the épreuve's page object, without the formative panel.
    build_page: Callable[[Any, Path, Any], Any]
    #: pseudonym → what that learner does on the page (missing: does nothing).
    behaviours: Mapping[str, Callable[[Any], Any]]

    def play(self, pseudonym: str, page: Any) -> None:
        behaviour = self.behaviours.get(WORKS_LIKE.get(pseudonym, pseudonym))
        if behaviour is not None:
            behaviour(page)
