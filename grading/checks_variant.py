"""Checks of « adapter sa recherche » (R1 and R2 at N3): adapting a search to a changed situation.

They read only the activity's journal and the world. Any words and any order pass: what is
judged is whether a search reached the new job's offers, whether the new place was used,
and whether the final shortlist fits the new criteria (old misfits removed, no scam).
"""

from __future__ import annotations

from typing import Any

from tremplin.grading.check_context import CheckContext
from tremplin.grading.check_model import REGISTRY, Outcome
from tremplin.grading.scenarios import offer_matches
from tremplin.widgets import geo
from tremplin.widgets.i18n import t
from tremplin.widgets.shortlist import current_shortlist

EPREUVE = "adapter-recherche"
RELEVANT_SHARE = 0.5
NEARBY_KM = 5.0


def _searches(ctx: CheckContext) -> list[dict[str, Any]]:
    return [e.data for e in ctx.events if str(e.kind).startswith("search.")
            and isinstance(e.data.get("result_ids"), list)]


def _offers(ctx: CheckContext, ids: list[Any]) -> list[dict[str, Any]]:
    return [o for oid in ids if (o := ctx.world.offer(str(oid)))]


def _saved(ctx: CheckContext) -> list[dict[str, Any]]:
    return _offers(ctx, [e.offer_id for e in current_shortlist(ctx.events)])


@REGISTRY.register("r1-autre-metier", competences=["R1"], level="N3", points=2, epreuves=[EPREUVE],
                   title_key="variant.r1-autre-metier_title")
def other_job(ctx: CheckContext) -> Outcome:
    second = ctx.scenario.second
    for search in _searches(ctx):
        offers = _offers(ctx, search["result_ids"])
        if offers and sum(o.get("family") == second.family for o in offers) / len(offers) >= RELEVANT_SHARE:
            return Outcome(True, t("variant.job_ok", job=second.job))
    return Outcome(False, t("variant.job_missing", job=second.job))


@REGISTRY.register("r1-autre-rayon-ou-commune", competences=["R1"], level="N3", points=1,
                   epreuves=[EPREUVE], title_key="variant.r1-autre-rayon-ou-commune_title")
def other_place(ctx: CheckContext) -> Outcome:
    second = ctx.scenario.second
    home = geo.by_insee(second.insee)
    for search in _searches(ctx):
        filters = search.get("filters") or {}
        here = geo.by_insee(str(filters.get("insee") or ""))
        radius = filters.get("radius_km")
        if here and home and radius and geo.commune_distance_km(here, home) <= NEARBY_KM \
                and float(radius) <= second.radius_km + 10 and filters.get("contract") == second.contract:
            return Outcome(True, t("variant.place_ok"))
    return Outcome(False, t("variant.place_missing", commune=second.commune, km=second.radius_km))


@REGISTRY.register("r2-selection-revue", competences=["R2"], level="N3", points=3, epreuves=[EPREUVE],
                   title_key="variant.r2-selection-revue_title")
def selection_revised(ctx: CheckContext) -> Outcome:
    second = ctx.scenario.second
    saved = _saved(ctx)
    fits = [o for o in saved if offer_matches(o, second)]
    misfits = [o for o in saved if not offer_matches(o, second) and not o.get("scam")]
    if misfits:
        return Outcome(False, t("variant.selection_misfits", n=len(misfits)), score=0.0)
    if len(fits) < second.min_saved:
        return Outcome(False, t("variant.selection_short", n=len(fits), need=second.min_saved),
                       score=len(fits) / second.min_saved)
    return Outcome(True, t("variant.selection_ok", n=len(fits)))


@REGISTRY.register("r2-sans-arnaque-variante", competences=["R2"], level="N3", points=1,
                   epreuves=[EPREUVE], critical=True, title_key="variant.r2-sans-arnaque-variante_title")
def no_scam(ctx: CheckContext) -> Outcome:
    saved = _saved(ctx)
    if not saved:
        return Outcome(False, t("variant.scam_empty"))
    if any(o.get("scam") for o in saved):
        return Outcome(False, t("variant.scam_kept"))
    return Outcome(True, t("variant.scam_ok"))
