"""How the three simulated learners work on « adapter sa recherche »."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tremplin.grading.demo_plan import DILIGENT, HASTY, DemoPlan
from tremplin.grading.scenarios import offer_matches
from tremplin.grading.variant_pages import VariantActivity, build_variant_activity


def _do_step(page: VariantActivity, step: Any) -> None:
    info = page.world.family(step.family) or {}
    page.search.set_filters(query=str(info.get("label") or step.job), commune=step.commune,
                            radius_km=step.radius_km, contract=step.contract)
    page.search.run_search()
    good = [o["id"] for o in page.world.offers() if offer_matches(o, step)]
    for oid in good[: step.min_saved]:
        page.search.save_offer(oid)


def diligent(page: VariantActivity) -> None:
    """Both steps: saves for the first project, then removes the misfits and saves new fits."""
    _do_step(page, page.scenario.first)
    for entry in list(page.search.shortlist()):
        page.search.remove_offer(entry.offer_id)
    _do_step(page, page.scenario.second)


def hasty(page: VariantActivity) -> None:
    """Step 1 only: the situation change is ignored."""
    _do_step(page, page.scenario.first)


def _page(workspace: Any, data_root: Path, world: Any) -> VariantActivity:
    return build_variant_activity(workspace, data_root=data_root, world=world)


VARIANT_DEMO = DemoPlan(build_page=_page, behaviours={DILIGENT: diligent, HASTY: hasty})
