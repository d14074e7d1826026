"""The learner's filter values, checked: what a search will do (_Plan) and what to tell.

Commune, radius, contract, working time, "published within" and sort arrive as anything
a learner or a notebook typed; each becomes a hidden word to match, a radius or a row id
bound, or a friendly message, and never an error. Apart from the engine (search.py),
which runs the plan against the index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tremplin.widgets import geo
from tremplin.widgets.i18n import t
from tremplin.widgets.search_index import _number
from tremplin.widgets.search_query import ParsedQuery, clean_text, fold_text
from tremplin.widgets.search_results import _km_text
from tremplin.widgets.search_tags import _place_tag, _tag

SORTS = ("relevance", "date", "distance")
MIN_RADIUS_KM, MAX_RADIUS_KM = 1.0, 150.0
_FILTER_KEYS = ("commune", "insee", "radius_km", "contract", "working_time", "published_within_days")


@dataclass
class _Plan:
    """What a search will do, after the learner's values were checked."""

    filters: dict[str, Any]
    messages: list[str]
    tags: list[str] = field(default_factory=list)
    last_rowid: int | None = None
    centre: geo.Commune | None = None
    radius_km: float | None = None


def make_plan(
    commune: Any, radius_km: Any, contract: Any, working_time: Any, days: Any, *,
    contracts: list[str], working_times: list[str], reference_date: dt.date,
    last_rowid_since: Callable[[dt.date], int],
) -> _Plan:
    """The plan of one search; `last_rowid_since` gives the row id bound of a date."""
    plan = _Plan(filters=dict.fromkeys(_FILTER_KEYS), messages=[])
    _plan_place(plan, commune, radius_km)
    _plan_choice(plan, "contract", contract, contracts)
    _plan_choice(plan, "working_time", working_time, working_times)
    _plan_days(plan, days, reference_date, last_rowid_since)
    return plan


def choose_sort(sort: Any, parsed: ParsedQuery, plan: _Plan, messages: list[str]) -> str:
    sort = str(sort or "relevance").strip().lower()
    if sort not in SORTS:
        sort = "relevance"
    if sort == "distance" and plan.centre is None:
        messages.append(t("search.distance_needs_commune"))
        sort = "date"
    if sort == "relevance" and parsed.is_empty:
        sort = "date"
    return sort


def _plan_place(plan: _Plan, commune: Any, radius_km: Any) -> None:
    name = clean_text(str(commune or "")).strip()[:100]
    radius = _radius_value(radius_km)
    place = geo.find_commune(name) if name else None
    if name and place is None:
        found = geo.suggest_communes(name)
        key = "search.unknown_commune" if found else "search.unknown_commune_no_suggestion"
        plan.messages.append(t(key, name=name, suggestions=", ".join(found)))
    if place is None:
        if radius is not None and radius != "invalid":
            plan.messages.append(t("search.radius_without_commune"))
        return
    plan.centre = place
    plan.filters.update(commune=place.name, insee=place.insee)
    if radius == "invalid":
        plan.messages.append(t("search.radius_invalid", value=_short(str(radius_km))))
        radius = None
    if radius is None:
        plan.tags.append(_place_tag(place.insee))
        return
    clamped = min(max(float(radius), MIN_RADIUS_KM), MAX_RADIUS_KM)
    if clamped != radius:
        key = "search.radius_too_small" if clamped > radius else "search.radius_too_large"
        plan.messages.append(t(key, km=_km_text(clamped), commune=place.name))
    plan.radius_km = clamped
    plan.filters["radius_km"] = clamped


def _plan_choice(plan: _Plan, key: str, value: Any, choices: list[str]) -> None:
    wanted = fold_text(clean_text(str(value or ""))).strip()
    if not wanted or wanted in ("tous", "toutes", "all", "*"):
        return
    match = next((c for c in choices if fold_text(c) == wanted), None)
    if match is None:
        plan.messages.append(t(f"search.unknown_{key}", value=_short(str(value)),
                               choices=", ".join(choices)))
        return
    plan.filters[key] = match
    plan.tags.append(_tag("c" if key == "contract" else "w", str(choices.index(match))))


def _plan_days(plan: _Plan, days: Any, reference_date: dt.date,
               last_rowid_since: Callable[[dt.date], int]) -> None:
    if days in (None, "", "toutes", "all"):
        return
    number = _number(days)
    if number is None or number < 0 or number != int(number):
        plan.messages.append(t("search.days_invalid", value=_short(str(days))))
        return
    count = int(min(number, 36500))
    since = reference_date - dt.timedelta(days=count)
    plan.filters["published_within_days"] = count
    plan.last_rowid = last_rowid_since(since)


def _radius_value(value: Any) -> float | str | None:
    if value in (None, ""):
        return None
    number = _number(value)
    return "invalid" if number is None else number


def _clamp_int(value: Any, default: int, low: int, high: int) -> int:
    number = _number(value)
    if number is None:
        return default
    return int(min(max(number, low), high))


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(clean_text(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def relax_hint(plan: _Plan, values: dict[str, Any],
               total: Callable[[dict[str, Any]], int]) -> str | None:
    """On zero results with filters: the one filter whose removal gives offers.

    `values` holds the learner's commune, radius, contract, working_time and days as
    given; `total` counts the offers a search with other such values finds.
    """
    candidates = []
    if plan.filters["published_within_days"] is not None:
        candidates.append(("days", t("search.filter_days",
                                     days=plan.filters["published_within_days"])))
    if plan.filters["contract"]:
        candidates.append(("contract", t("search.filter_contract",
                                         value=plan.filters["contract"])))
    if plan.filters["working_time"]:
        candidates.append(("working_time", t("search.filter_working_time",
                                             value=plan.filters["working_time"])))
    if plan.filters["insee"]:
        candidates.append(("commune", t("search.filter_place", commune=plan.filters["commune"])))
    for key, label in candidates:
        relaxed = dict(values)
        relaxed[key] = None
        if key == "commune":
            relaxed["radius"] = None
        found = total(relaxed)
        if found:
            return t("search.relax_hint", filter=label, count=found)
    return None
