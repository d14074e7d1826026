"""Running the registered checks: the one entry point for the panel, the cells and the CLI.

Importing this module imports every check module, so the registry is complete.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tremplin.grading.check_context import CheckContext, load_context
from tremplin.grading.check_model import REGISTRY, CheckResult, CheckSpec
from tremplin.grading.themes import load_checks

load_checks()

__all__ = ["REGISTRY", "CheckResult", "run_checks", "check_workspace", "specs_for"]


def specs_for(epreuve: str | None) -> list[CheckSpec]:
    return REGISTRY.all() if epreuve is None else REGISTRY.for_epreuve(epreuve)


def run_checks(context: CheckContext, epreuve: str | None = None) -> list[CheckResult]:
    return [spec.run(context) for spec in specs_for(epreuve)]


def check_workspace(
    workspace_dir: Path,
    epreuve: str,
    *,
    activity: str | None = None,
    root: Path | None = None,
    world: Any | None = None,
) -> list[CheckResult]:
    """Results of an épreuve's checks on a workspace; `activity` defaults to the épreuve."""
    context = load_context(workspace_dir, activity or epreuve, world=world, root=root)
    return run_checks(context, epreuve)
