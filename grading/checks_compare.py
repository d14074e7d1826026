"""Formative checks of the lesson « Trier, comparer, enregistrer » (R2 at N1–N2).

They judge habits that make a shortlist useful a week later: looking at results in an
order that helps (date, distance), comparing two offers before choosing, a note on
every kept offer, and finding a kept offer again. They read only the lesson's journal
(`ctx.events`) and the world, so any way of getting there passes: a comparison started
from the results or from « Ma sélection », a note written when saving or afterwards.
No ipywidgets here: checks must stay cheap to import.
"""

from __future__ import annotations

from typing import Any

from tremplin.grading.check_context import CheckContext
from tremplin.grading.check_model import REGISTRY, Outcome
from tremplin.widgets.i18n import t
from tremplin.widgets.shortlist import FIND, current_shortlist

LESSON = "lecon-trier-comparer"
USEFUL_SORTS = ("date", "distance")
#: A shortlist of one offer is a bookmark, not a selection: notes are judged from two.
MIN_SAVED = 2


def _searches(ctx: CheckContext) -> list[dict[str, Any]]:
    return [e.data for e in ctx.events if e.kind in ("search.query", "search.page")]


def _chosen_sort(search: dict[str, Any]) -> str:
    """What the learner asked for; journals older than `sort_choice` only hold the applied order,
    where a date order with no words is the engine's default, not a choice."""
    if "sort_choice" in search:
        return str(search.get("sort_choice") or "")
    if str(search.get("query") or "").strip():
        return str(search.get("sort") or "")
    return ""


@REGISTRY.register("comparer-tri", competences=["R2"], level="N1", points=1, epreuves=[LESSON],
                   title_key="compare.comparer-tri_title")
def results_sorted(ctx: CheckContext) -> Outcome:
    asked = [(s, _chosen_sort(s)) for s in _searches(ctx)]
    applied = [choice for s, choice in asked if choice in USEFUL_SORTS and s.get("sort") == choice]
    if applied:
        return Outcome(True, t("compare.check_sort_ok", sort=t(f"compare.sort_{applied[-1]}")))
    if any(choice == "distance" for _s, choice in asked):
        return Outcome(False, t("compare.check_sort_distance_no_commune"))
    return Outcome(False, t("compare.check_sort_none"))


def _compared_pair(ctx: CheckContext, data: dict[str, Any]) -> bool:
    ids = data.get("offer_ids")
    if not isinstance(ids, list) or len(ids) != 2:
        return False
    first, second = (str(i) for i in ids)
    return first != second and all(ctx.world.offer(i) is not None for i in (first, second))


@REGISTRY.register("comparer-deux-offres", competences=["R2"], level="N1", points=1, epreuves=[LESSON],
                   title_key="compare.comparer-deux-offres_title")
def two_offers_compared(ctx: CheckContext) -> Outcome:
    if any(_compared_pair(ctx, e.data) for e in ctx.of_kind("offer.compare")):
        return Outcome(True, t("compare.check_compare_ok"))
    return Outcome(False, t("compare.check_compare_none"))


@REGISTRY.register("comparer-notes", competences=["R2"], level="N2", points=2, epreuves=[LESSON],
                   title_key="compare.comparer-notes_title")
def every_offer_noted(ctx: CheckContext) -> Outcome:
    entries = current_shortlist(list(ctx.events))
    if not entries:
        return Outcome(False, t("compare.check_notes_nothing_saved"))
    without = [e for e in entries if not e.note.strip()]
    share = 1 - len(without) / len(entries)
    if without:
        titles = ", ".join(f"« {e.title or e.offer_id} »" for e in without[:3])
        if len(without) > 3:
            titles += ", …"
        return Outcome(False, t("compare.check_notes_missing", missing=len(without), count=len(entries),
                                titles=titles), share * min(1.0, len(entries) / MIN_SAVED))
    if len(entries) < MIN_SAVED:
        return Outcome(False, t("compare.check_notes_one_saved"), len(entries) / MIN_SAVED)
    return Outcome(True, t("compare.check_notes_ok", count=len(entries)))


@REGISTRY.register("comparer-retrouver", competences=["R2"], level="N1", points=1, epreuves=[LESSON],
                   title_key="compare.comparer-retrouver_title")
def saved_offer_found(ctx: CheckContext) -> Outcome:
    finds = [e.data for e in ctx.of_kind(FIND) if str(e.data.get("query") or "").strip()]
    found = [d for d in finds if isinstance(d.get("found"), int) and d["found"] > 0]
    if found:
        return Outcome(True, t("compare.check_find_ok", query=str(found[-1]["query"])[:80]))
    if finds:
        return Outcome(False, t("compare.check_find_missed", query=str(finds[-1]["query"])[:80]))
    return Outcome(False, t("compare.check_find_none"))
