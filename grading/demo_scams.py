"""How the three simulated learners work on « Repérer une offre douteuse ».

Alice reports the three scams with the signs they really carry, trusts the genuine offers
and saves one; Bruno saves all six offers without reading them (a scam in his list is a
critical failure); Chloé does nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tremplin.grading.demo_plan import DILIGENT, HASTY, DemoPlan
from tremplin.grading.scams_pages import ScamsActivity, build_scams_activity


def diligent(page: ScamsActivity) -> None:
    """Reads every offer: a scam is reported with its signs and a reason, a genuine one trusted."""
    scenario = page.scenario
    for offer_id in scenario.offer_ids:
        if offer_id in scenario.scam_ids:
            page.review.show(scenario.offer_ids.index(offer_id))
            page.review.tick((page.world.offer(offer_id) or {}).get("scam_signs") or [])
            page.review.reason.value = "Cette offre me demande quelque chose d'anormal."
            page.review.flag(offer_id)
        else:
            page.review.trust(offer_id)
    page.review.save(scenario.genuine_ids[0])


def hasty(page: ScamsActivity) -> None:
    """Saves every offer as it comes, without reading."""
    for offer_id in page.scenario.offer_ids:
        page.review.save(offer_id)


def _page(workspace: Any, data_root: Path, world: Any) -> ScamsActivity:
    return build_scams_activity(workspace, data_root=data_root, world=world)


SCAMS_DEMO = DemoPlan(build_page=_page, behaviours={DILIGENT: diligent, HASTY: hasty})
