"""Checks of « Repérer une offre douteuse » (R3, N1–N3): report the scams, keep none, trust the rest.

They read only the activity's journal (`offer.flag`, `offer.trust`, `shortlist.*`) and the
world: which of the learner's six offers are scams, and which signs each carries, come
from the world, never from the page. The learner's last word on an offer counts (a report
then « fiable » is a trust). Feedback names the sign that gives a scam away, in plain words.
"""

from __future__ import annotations

from functools import partial

from tremplin.grading.check_context import CheckContext
from tremplin.grading.check_model import REGISTRY, Outcome
from tremplin.grading.scams_scenario import EPREUVE, LESSON, ScamScenario, new_signs
from tremplin.widgets.i18n import t
from tremplin.widgets.offer_decisions import FLAG, Decision, decisions
from tremplin.widgets.shortlist import current_shortlist

ACTIVITIES = [EPREUVE, LESSON]


def _said(ctx: CheckContext) -> dict[str, Decision]:
    return decisions(ctx.events)


def _flagged(ctx: CheckContext, offer_id: str) -> bool:
    decision = _said(ctx).get(offer_id)
    return decision is not None and decision.kind == FLAG


def _title(ctx: CheckContext, offer_id: str) -> str:
    return str((ctx.world.offer(offer_id) or {}).get("title") or offer_id)


def _hints(signs: list[str]) -> str:
    """The signs an offer carries, said as what the learner should notice in it."""
    return t("scams.signs_join").join(t(f"scams.hint_{s}") for s in signs) or t("scams.hint_fees")


def _signs(ctx: CheckContext, offer_id: str) -> list[str]:
    return [s for s in (ctx.world.offer(offer_id) or {}).get("scam_signs") or [] if isinstance(s, str)]


def _decided(ctx: CheckContext, scenario: ScamScenario) -> bool:
    """Whether the learner said anything about one of their offers (reported, trusted or saved)."""
    mine = set(scenario.offer_ids)
    saves = {str(e.data.get("offer_id")) for e in ctx.of_kind("shortlist.add")}
    return bool(mine & (set(_said(ctx)) | saves))


#: Every R3 check serves the épreuve and its lesson; its title is « scams.<id>_title ».
r3_check = partial(REGISTRY.register, competences=["R3"], epreuves=ACTIVITIES, title_key="scams.{id}_title")


@r3_check("r3-une-arnaque-signalee", level="N1", points=1)
def one_scam_flagged(ctx: CheckContext) -> Outcome:
    scenario: ScamScenario = ctx.scenario
    caught = [oid for oid in scenario.scam_ids if _flagged(ctx, oid)]
    if caught:
        return Outcome(True, t("scams.one_flagged_ok", title=_title(ctx, caught[0])))
    if any(d.kind == FLAG for d in _said(ctx).values()):
        return Outcome(False, t("scams.one_wrong"))
    return Outcome(False, t("scams.one_none"))


@r3_check("r3-arnaques-courantes-signalees", level="N2", points=2)
def common_scams_flagged(ctx: CheckContext) -> Outcome:
    scenario: ScamScenario = ctx.scenario
    missed = [oid for oid in scenario.common_scam_ids if not _flagged(ctx, oid)]
    if not missed:
        return Outcome(True, t("scams.common_ok"))
    first = missed[0]
    hints = _hints(_signs(ctx, first))
    score = 1 - len(missed) / len(scenario.common_scam_ids)
    if len(missed) == 1:
        return Outcome(False, t("scams.common_missing", title=_title(ctx, first), signs=hints), score=score)
    many = t("scams.common_missing_many", n=len(missed), title=_title(ctx, first), signs=hints)
    return Outcome(False, many, score=score)


@r3_check("r3-aucune-arnaque-enregistree", level="N2", points=1, critical=True)
def no_scam_saved(ctx: CheckContext) -> Outcome:
    scenario: ScamScenario = ctx.scenario
    for entry in current_shortlist(ctx.events):
        offer = ctx.world.offer(entry.offer_id) or {}
        if offer.get("scam"):
            return Outcome(False, t("scams.shortlist_scam", title=offer.get("title") or entry.offer_id,
                                    signs=_hints(_signs(ctx, entry.offer_id))))
    if not _decided(ctx, scenario):
        return Outcome(False, t("scams.shortlist_idle"))
    return Outcome(True, t("scams.shortlist_ok"))


@r3_check("r3-offres-fiables-non-signalees", level="N2", points=1)
def genuine_not_flagged(ctx: CheckContext) -> Outcome:
    scenario: ScamScenario = ctx.scenario
    said = _said(ctx)
    wrongly = [oid for oid in scenario.genuine_ids if oid in said and said[oid].kind == FLAG]
    if wrongly:
        return Outcome(False, t("scams.genuine_flagged", title=_title(ctx, wrongly[0])))
    saved = {e.offer_id for e in current_shortlist(ctx.events)}
    if not any(oid in said or oid in saved for oid in scenario.genuine_ids):
        return Outcome(False, t("scams.genuine_idle"))
    return Outcome(True, t("scams.genuine_ok"))


@r3_check("r3-nouvelle-arnaque-reperee", level="N3", points=2)
def new_scam_spotted(ctx: CheckContext) -> Outcome:
    scenario: ScamScenario = ctx.scenario
    oid = scenario.new_scam_id
    real = new_signs(ctx.world.offer(oid))
    hints, title = _hints(real), _title(ctx, oid)
    decision = _said(ctx).get(oid)
    if decision is None or decision.kind != FLAG:
        return Outcome(False, t("scams.new_missing", title=title, signs=hints))
    if not set(decision.signs) & set(_signs(ctx, oid)):
        return Outcome(False, t("scams.new_no_sign", title=title, signs=hints), score=0.5)
    return Outcome(True, t("scams.new_ok", title=title, signs=_hints([s for s in decision.signs if s in real]
                                                                     or list(decision.signs))))

