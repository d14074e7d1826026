"""What a search gives back, ready to show: Hit, SearchResults and the French wording of
pay, distances and highlighted text.

Apart from the engine so widgets and checks that only show results (search_widget.py,
compare_widget.py) need none of the SQL.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from tremplin.widgets.i18n import t
from tremplin.widgets.search_query import ELLIPSIS, MARK_CLOSE, MARK_OPEN


@dataclass(frozen=True)
class Hit:
    """One offer in a result page, with its text ready to show (snippet already escaped)."""

    offer_id: str
    title: str
    employer_name: str
    commune: str
    distance_km: float | None
    contract: str
    working_time: str
    published: str
    salary_text: str
    snippet_html: str
    title_html: str


@dataclass(frozen=True)
class SearchResults:
    """One page of results, what was applied, and friendly words when something was off."""

    query: str
    filters: dict[str, Any]
    total: int
    page: int
    pages: int
    hits: list[Hit]
    sort: str = "relevance"
    per_page: int = 10
    message: str | None = None
    suggestions: list[str] = field(default_factory=list)
    relax_hint: str | None = None

    @property
    def ids(self) -> list[str]:
        return [h.offer_id for h in self.hits]


def marked_to_html(text: str) -> str:
    """Escape everything, then turn the private-use marks into <mark>…</mark>."""
    escaped = html.escape(text, quote=True)
    return (escaped.replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
            .replace(ELLIPSIS, "…"))


def _km_text(km: float) -> str:
    return f"{km:g}".replace(".", ",")


def _money(amount: float) -> str:
    if amount == int(amount):
        return f"{int(amount):,}".replace(",", "\u202f")
    return f"{amount:,.2f}".replace(",", "\u202f").replace(".", ",")


def salary_text(low: float | None, high: float | None, period: str | None) -> str:
    """Pay in plain French: "1 850 à 2 000 € par mois"."""
    per = t(f"search.period_{period}") if period in ("mois", "heure") else t("search.period_mois")
    if low is None and high is None:
        return t("search.salary_unknown")
    if low is None or high is None or low == high:
        return t("search.salary_single", amount=_money(low if low is not None else high), period=per)
    return t("search.salary_range", min=_money(low), max=_money(high), period=per)
