"""Checks of the searching theme (R1 formulate and refine a search, R2 select and save).

They read only the journal of the activity and the world, so any reasonable way to the
goal passes: the learner may type other keywords, use the commune field or not, save in
any order; what is judged is whether the search narrowed on the right offers and whether
the saved offers fit the job seeker's project.
"""

from __future__ import annotations

from typing import Any

from tremplin.grading.check_context import CheckContext
from tremplin.grading.check_model import REGISTRY, Outcome
from tremplin.grading.scenarios import offer_distance_km, offer_matches
from tremplin.widgets import geo
from tremplin.widgets.i18n import t
from tremplin.widgets.shortlist import current_shortlist

EPREUVE = "chercher-offres"
#: A location filter counts as "the scenario's area" within this distance of its commune.
NEARBY_KM = 5.0
#: Share of a result page that must fit the project for a search to count as well aimed.
RELEVANT_SHARE = 0.5


def _searches(ctx: CheckContext) -> list[dict[str, Any]]:
    return [e.data for e in ctx.of_kind("search.query")]


def _family_words(ctx: CheckContext) -> set[str]:
    info = ctx.world.family(ctx.scenario.family) or {}
    words: set[str] = set()
    for text in [info.get("label", ""), *info.get("titles", []), *info.get("synonyms", [])]:
        words.update(w for w in geo.fold(str(text)).replace("/", " ").split() if len(w) > 3)
    return words - {"(h/f)", "agent", "employe", "employee"}


def _share_relevant(ctx: CheckContext, search: dict[str, Any]) -> float:
    ids = search.get("result_ids") or []
    if not ids:
        return 0.0
    fits = sum(1 for oid in ids if (o := ctx.world.offer(oid)) and offer_matches(o, ctx.scenario))
    return fits / len(ids)


def _aims_at_job(ctx: CheckContext, search: dict[str, Any]) -> bool:
    query_words = set(geo.fold(str(search.get("query", ""))).split())
    if query_words & _family_words(ctx):
        return True
    ids = search.get("result_ids") or []
    in_family = sum(1 for oid in ids if (o := ctx.world.offer(oid)) and o["family"] == ctx.scenario.family)
    return bool(ids) and in_family / len(ids) >= RELEVANT_SHARE


def _location_ok(search: dict[str, Any], ctx: CheckContext) -> bool:
    filters = search.get("filters") or {}
    insee, radius = filters.get("insee"), filters.get("radius_km")
    here, home = geo.by_insee(str(insee or "")), geo.by_insee(ctx.scenario.insee)
    if not (here and home and radius):
        return False
    return geo.commune_distance_km(here, home) <= NEARBY_KM and float(radius) <= ctx.scenario.radius_km + 10


def _contract_ok(search: dict[str, Any], ctx: CheckContext) -> bool:
    return (search.get("filters") or {}).get("contract") == ctx.scenario.contract


@REGISTRY.register("r1-recherche-lancee", competences=["R1"], level="N1", points=1, epreuves=[EPREUVE])
def search_started(ctx: CheckContext) -> Outcome:
    searches = _searches(ctx)
    if not searches:
        return Outcome(False, t("checks.r1_no_search", job=ctx.scenario.job))
    if not any(_aims_at_job(ctx, s) for s in searches):
        return Outcome(False, t("checks.r1_off_target", job=ctx.scenario.job))
    return Outcome(True, t("checks.r1_search_ok"))


@REGISTRY.register("r1-filtres-utilises", competences=["R1"], level="N2", points=2, epreuves=[EPREUVE])
def filters_used(ctx: CheckContext) -> Outcome:
    searches = [s for s in _searches(ctx) if _aims_at_job(ctx, s)]
    place = any(_location_ok(s, ctx) for s in searches)
    contract = any(_contract_ok(s, ctx) for s in searches)
    both = any(_location_ok(s, ctx) and _contract_ok(s, ctx) for s in searches)
    if both:
        return Outcome(True, t("checks.r1_filters_ok"))
    missing = []
    if not place:
        missing.append(
            t("checks.r1_missing_place", commune=ctx.scenario.commune, radius=ctx.scenario.radius_km)
        )
    if not contract:
        missing.append(t("checks.r1_missing_contract", contract=ctx.scenario.contract))
    if not missing:
        missing.append(t("checks.r1_filters_not_together"))
    score = 0.5 if (place or contract) else 0.0
    return Outcome(False, " ".join(missing), score)


@REGISTRY.register("r1-recherche-affinee", competences=["R1"], level="N2", points=2, epreuves=[EPREUVE])
def search_refined(ctx: CheckContext) -> Outcome:
    searches = [s for s in _searches(ctx) if s.get("page", 1) == 1]
    if len(searches) < 2:
        return Outcome(False, t("checks.r1_refine_once_more"))
    first, best = searches[0], max(searches[1:], key=lambda s: _share_relevant(ctx, s))
    total_first, total_best = int(first.get("total", 0)), int(best.get("total", 0))
    if total_best == 0:
        return Outcome(False, t("checks.r1_refined_to_nothing"), 0.25)
    narrower = total_best < total_first
    sharper = _share_relevant(ctx, best) >= max(RELEVANT_SHARE, _share_relevant(ctx, first))
    if narrower and sharper:
        return Outcome(True, t("checks.r1_refined_ok", before=total_first, after=total_best))
    if not narrower:
        return Outcome(False, t("checks.r1_not_narrower", before=total_first, after=total_best), 0.5)
    return Outcome(False, t("checks.r1_not_sharper"), 0.5)


def _saved_offers(ctx: CheckContext) -> list[tuple[Any, dict[str, Any] | None]]:
    entries = current_shortlist(list(ctx.events))
    return [(entry, ctx.world.offer(entry.offer_id)) for entry in entries]


@REGISTRY.register("r2-offres-enregistrees", competences=["R2"], level="N1", points=1, epreuves=[EPREUVE])
def offers_saved(ctx: CheckContext) -> Outcome:
    """Counts only offers that fit the mission: N1 is saving *relevant* offers with the
    criteria given, not pressing « Enregistrer » on whatever comes first."""
    saved = _saved_offers(ctx)
    count = sum(1 for _e, o in saved if o is not None and offer_matches(o, ctx.scenario))
    wanted = ctx.scenario.min_saved
    if count >= wanted:
        return Outcome(True, t("checks.r2_saved_ok", count=count))
    if saved and count < len(saved):
        return Outcome(False, t("checks.r2_save_more_fitting", count=count, wanted=wanted), count / wanted)
    return Outcome(False, t("checks.r2_save_more", count=count, wanted=wanted), count / wanted)


def _why_not(offer: dict[str, Any] | None, ctx: CheckContext) -> str:
    scenario = ctx.scenario
    if offer is None:
        return t("checks.r2_reason_unknown")
    if offer["family"] != scenario.family:
        return t("checks.r2_reason_job", job=scenario.job)
    if offer["contract"] != scenario.contract:
        return t("checks.r2_reason_contract", contract=offer["contract"], wanted=scenario.contract)
    distance = offer_distance_km(offer, scenario.insee)
    if distance > scenario.radius_km:
        return t(
            "checks.r2_reason_far", km=round(distance), commune=scenario.commune, radius=scenario.radius_km
        )
    return t("checks.r2_reason_doubtful")


@REGISTRY.register("r2-offres-conformes", competences=["R2"], level="N2", points=2, epreuves=[EPREUVE])
def offers_fit_project(ctx: CheckContext) -> Outcome:
    saved = _saved_offers(ctx)
    if not saved:
        return Outcome(False, t("checks.r2_nothing_saved"))
    misfits = [(e, o) for e, o in saved if o is None or not offer_matches(o, ctx.scenario)]
    if not misfits:
        return Outcome(True, t("checks.r2_all_fit"))
    details = " ".join(
        t("checks.r2_misfit", title=e.title or e.offer_id, reason=_why_not(o, ctx)) for e, o in misfits
    )
    return Outcome(False, details, 1 - len(misfits) / len(saved))


@REGISTRY.register("r2-sans-doublon", competences=["R2"], level="N1", points=1, epreuves=[EPREUVE])
def no_duplicates(ctx: CheckContext) -> Outcome:
    """The same job twice: an offer and its re-publication (`repost_of`) under a new reference."""
    saved = _saved_offers(ctx)
    if not saved:
        return Outcome(False, t("checks.r2_nothing_saved"))
    seen: set[str] = set()
    repeated = []
    for entry, offer in saved:
        original = (offer or {}).get("repost_of") or entry.offer_id
        if original in seen:
            repeated.append(entry.offer_id)
        seen.add(original)
    if repeated:
        return Outcome(False, t("checks.r2_duplicates", count=len(repeated)))
    return Outcome(True, t("checks.r2_no_duplicates"))


@REGISTRY.register(
    "r2-aucune-offre-douteuse", competences=["R2"], level="N2", points=1, epreuves=[EPREUVE], critical=True
)
def no_scam_saved(ctx: CheckContext) -> Outcome:
    saved = _saved_offers(ctx)
    if not saved:  # nothing kept proves nothing: an idle learner must not earn this point
        return Outcome(False, t("checks.r2_no_scam_nothing_saved"))
    scams = [e for e, o in saved if o and o.get("scam")]
    if scams:
        titles = ", ".join(f"« {e.title or e.offer_id} »" for e in scams)
        return Outcome(False, t("checks.r2_scam_saved", titles=titles))
    return Outcome(True, t("checks.r2_no_scam"))
