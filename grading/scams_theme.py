"""Theme placeholder, filled by the theme's own change (see grading/themes.py)."""

from __future__ import annotations

from typing import Any

CHECK_MODULES: tuple[str, ...] = ()
SCENARIO_MODULES: tuple[str, ...] = ()
EPREUVES: dict[str, dict[str, Any]] = {}
