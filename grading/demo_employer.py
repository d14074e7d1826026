"""How the three simulated learners work on « Se renseigner sur l'employeur ».

Alice opens the offer's employer, copies its details, then picks the homonym in the right
commune, checks the forum's email against its page and notes the directory's contact; Bruno
opens the first employer's page but, for the second, notes the first homonym found with the
forum's email (a critical failure: his application would go to another company); Chloé does
nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tremplin.grading.demo_plan import DILIGENT, HASTY, DemoPlan
from tremplin.grading.employer_pages import EmployerActivity, build_employer_activity
from tremplin.widgets.employer_directory import address_line


def _open(page: EmployerActivity, name: str, commune: str | None = None) -> dict[str, Any] | None:
    """Search `name` and open the result in `commune` (the first result when None)."""
    found = page.directory.search(name)
    chosen = next((e for e in found if commune is None or e["address"]["commune"] == commune), None)
    return page.directory.view(chosen["id"]) if chosen else None


def _copy(page: EmployerActivity, employer: dict[str, Any]) -> None:
    page.directory.note(employer["name"], address_line(employer), employer["email"], employer["phone"])


def diligent(page: EmployerActivity) -> None:
    scenario = page.scenario
    employer = _open(page, scenario.employer_name)
    if employer is not None:
        _copy(page, employer)
    target = _open(page, scenario.target_name, scenario.target_commune)
    if target is not None:
        page.directory.check_address(scenario.misleading_email)
        _copy(page, target)


def hasty(page: EmployerActivity) -> None:
    scenario = page.scenario
    _open(page, scenario.employer_name)
    found = page.directory.search(scenario.target_name)
    if found:
        page.directory.note(scenario.target_name, address_line(found[0]), scenario.misleading_email)


def _page(workspace: Any, data_root: Path, world: Any) -> EmployerActivity:
    return build_employer_activity(workspace, data_root=data_root, world=world)


EMPLOYER_DEMO = DemoPlan(build_page=_page, behaviours={DILIGENT: diligent, HASTY: hasty})
