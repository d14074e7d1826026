"""The épreuve themes of the kit and where each keeps its parts.

A theme is one light module (`<name>_theme.py`) holding its épreuves' statements and the
dotted names of its heavier parts: the checks module (imported to fill the registry), the
scenario module (imported to register the learner's task), the page function the kiosk
calls, and the demo plan. Autograde imports only checks and scenarios, never a widget.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import Any

#: Every theme module, in the order its épreuves are listed to learners and mediators.
THEME_MODULES = (
    "tremplin.grading.search_theme",
    "tremplin.grading.variant_theme",
    "tremplin.grading.scams_theme",
    "tremplin.grading.employer_theme",
    "tremplin.grading.trip_theme",
    "tremplin.grading.mail_theme",
    "tremplin.grading.documents_theme",
)


@cache
def themes() -> tuple[Any, ...]:
    return tuple(importlib.import_module(name) for name in THEME_MODULES)


def resolve(dotted: str) -> Any:
    """`package.module:attribute` → the attribute (imported on first use)."""
    module, _, attribute = dotted.partition(":")
    loaded = importlib.import_module(module)
    return getattr(loaded, attribute) if attribute else loaded


def load_checks() -> None:
    """Import every theme's checks and scenario modules, so registries are complete."""
    for theme in themes():
        for name in (*getattr(theme, "CHECK_MODULES", ()), *getattr(theme, "SCENARIO_MODULES", ())):
            importlib.import_module(name)


def all_epreuves() -> dict[str, dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for theme in themes():
        for epreuve, info in getattr(theme, "EPREUVES", {}).items():
            if epreuve in merged:
                raise RuntimeError(f"épreuve {epreuve!r} is declared by two themes")
            merged[epreuve] = info
    return merged
