"""Simulated learners for `tremplin demo` and the end-to-end tests.

They drive the real search widget through the methods a click would call, so what they
leave in their workspace is exactly what a learner's clicks leave: the demo proves the
widgets, the journal, the checks and nbgrader together, not a shortcut around them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tremplin.grading.demo_plan import DILIGENT, HASTY, IDLE, DemoPlan
from tremplin.grading.scenarios import offer_matches
from tremplin.grading.search_pages import SEARCH_EPREUVE, SearchActivity, build_search_activity


def _job_keyword(page: SearchActivity) -> str:
    """A plain word a job seeker would type for the scenario's job (its first title's head)."""
    family = page.world.family(page.scenario.family) or {}
    titles = family.get("titles") or [page.scenario.job]
    return str(titles[0]).split("/")[0].split("(")[0].strip().split()[0]


def diligent(page: SearchActivity) -> None:
    """Searches broadly, refines with place and contract, reads offers, saves the right ones."""
    search = page.search
    search.set_filters(query=_job_keyword(page))
    search.run_search()
    search.set_filters(
        query=_job_keyword(page),
        commune=page.scenario.commune,
        radius_km=page.scenario.radius_km,
        contract=page.scenario.contract,
    )
    search.run_search()
    saved = 0
    while saved < page.scenario.min_saved + 1:
        for hit in search.last_results.hits:
            search.show_offer(hit.offer_id)
            offer = page.world.offer(hit.offer_id)
            if offer and offer_matches(offer, page.scenario):
                search.save_offer(hit.offer_id, note="À postuler")
                saved += 1
        if search.last_results.page >= search.last_results.pages:
            break
        search.next_page()


def hasty(page: SearchActivity) -> None:
    """One broad search, saves the first offers without reading them."""
    search = page.search
    search.set_filters(query=_job_keyword(page))
    search.run_search()
    for hit in search.last_results.hits[:2]:
        search.save_offer(hit.offer_id)


def idle(page: SearchActivity) -> None:
    """Opens the épreuve and hands it in without doing anything."""


LEARNERS: dict[str, Callable[[SearchActivity], Any]] = {DILIGENT: diligent, HASTY: hasty, IDLE: idle}


def _search_page(workspace: Any, data_root: Path, world: Any) -> SearchActivity:
    return build_search_activity(
        workspace, SEARCH_EPREUVE, data_root=data_root, world=world, with_panel=False
    )


SEARCH_DEMO = DemoPlan(build_page=_search_page, behaviours=LEARNERS)
