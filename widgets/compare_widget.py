"""Two offers side by side, so that the learner sees at a glance what differs between them.

The learner picks two offers (« Comparer » under a result or in « Ma sélection »); the
table is a real <table> with a caption and row/column headers, and each line says in
words whether the two offers differ, so colour is never the only clue. Showing a
comparison is the journal event `offer.compare` {"offer_ids": [a, b]}.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import Any, Protocol

import ipywidgets as w
from tremplin.widgets import geo
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import number, t
from tremplin.widgets.search import salary_text

COMPARE = "offer.compare"
#: Rows whose difference says nothing to choose by (every offer has its own address and reference).
NOT_COMPARED = ("apply",)
#: Inline so the highlight survives any page template; the words say it too.
DIFF_STYLE = "background:#fff3c4"


class Journal(Protocol):
    def record(self, kind: str, data: dict[str, Any]) -> Any: ...


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _fr_date(iso: Any) -> str:
    try:
        return dt.date.fromisoformat(str(iso)).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return str(iso or "")


def distance_from(offer: dict[str, Any], home: geo.Commune | None) -> float | None:
    """Kilometres as the crow flies from the learner's commune, None if either place is unknown."""
    try:
        lat, lon = float(offer["lat"]), float(offer["lon"])
    except (KeyError, TypeError, ValueError):
        return None
    if home is None:
        return None
    return geo.distance_km(home.lat, home.lon, lat, lon)


def offer_facts(offer: dict[str, Any], home: geo.Commune | None) -> list[tuple[str, str]]:
    """(row key, value) for one offer, in the order of the table, plain text (not escaped)."""
    place = " ".join(str(offer.get(k) or "") for k in ("postcode", "commune")).strip()
    km = distance_from(offer, home)
    if km is not None and home is not None:
        place = t("compare.place_distance", place=place, km=number(round(km)), home=home.name)
    time = str(offer.get("working_time") or "")
    if offer.get("hours_per_week"):
        time = " · ".join(v for v in (time, t("search.detail_hours", hours=offer["hours_per_week"])) if v)
    reference = t("compare.apply_reference", reference=offer["reference"]) if offer.get("reference") else ""
    apply = " · ".join(v for v in (str(offer.get("contact_email") or ""), reference) if v)
    return [
        ("employer", str(offer.get("employer_name") or "")),
        ("place", place),
        ("contract", str(offer.get("contract") or "")),
        ("working_time", time),
        ("salary", salary_text(offer.get("salary_min"), offer.get("salary_max"), offer.get("salary_period"))),
        ("published", _fr_date(offer.get("published"))),
        ("apply", apply),
    ]


def compare_table_html(first: dict[str, Any], second: dict[str, Any], home: geo.Commune | None) -> str:
    """The accessible side-by-side table; every value escaped."""
    titles = [str(o.get("title") or o.get("id") or "") for o in (first, second)]
    caption = t("compare.caption", first=titles[0], second=titles[1])
    head = (f'<tr><td></td><th scope="col">{_esc(titles[0])}</th><th scope="col">{_esc(titles[1])}</th>'
            f'<th scope="col">{_esc(t("compare.col_same"))}</th></tr>')
    rows = []
    for (key, a), (_key, b) in zip(offer_facts(first, home), offer_facts(second, home), strict=True):
        differs = key not in NOT_COMPARED and a.strip().casefold() != b.strip().casefold()
        style = f' style="{DIFF_STYLE}"' if differs else ""
        if key in NOT_COMPARED:
            verdict = ""
        elif differs:
            verdict = f"<strong>{_esc(t('compare.differs'))}</strong>"
        else:
            verdict = _esc(t("compare.same"))
        css = "tremplin-diff" if differs else "tremplin-same"
        rows.append(
            f'<tr class="{css}"{style}><th scope="row">{_esc(t(f"compare.row_{key}"))}</th>'
            f"<td>{_esc(a or t('compare.unknown'))}</td><td>{_esc(b or t('compare.unknown'))}</td>"
            f"<td>{verdict}</td></tr>"
        )
    return (
        f'<table class="tremplin-compare"><caption>{_esc(caption)}</caption>'
        f"<thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"
        f"<p>{_esc(t('compare.after_table'))}</p>"
    )


class CompareWidget:
    """Holds the (at most two) offers picked for comparison and shows them side by side."""

    def __init__(
        self,
        offer: Callable[[str], dict[str, Any] | None],
        journal: Journal,
        *,
        home: Callable[[], str | None] | None = None,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.offer = offer
        self.journal = journal
        self.home = home
        self.on_change = on_change
        self.picked: list[str] = []
        self.status = w.HTML(self._status_html(t("compare.how_to")))
        self.table = w.HTML()
        self.clear_button = w.Button(description=t("compare.clear"), icon="times",
                                     tooltip=t("compare.clear_tooltip"))
        self.clear_button.on_click(lambda _b: self.clear())
        self.widget = w.VBox([
            w.HTML(f"<h3>{_esc(t('compare.title'))}</h3>"),
            self.status, self.table, self.clear_button,
        ])
        self.widget.add_class("tremplin-compare-box")

    @staticmethod
    def _status_html(text: str) -> str:
        return f'<div role="status" aria-live="polite"><p>{_esc(text)}</p></div>'

    def say(self, text: str) -> None:
        self.status.value = self._status_html(text)

    def _title(self, offer_id: str) -> str:
        offer = self._lookup(offer_id) or {}
        return str(offer.get("title") or offer_id)

    def _lookup(self, offer_id: Any) -> dict[str, Any] | None:
        try:
            return self.offer(str(offer_id))
        except (TremplinError, OSError, ValueError):
            return None

    def pick(self, offer_id: str) -> bool:
        """« Comparer » on an offer: the first waits for a second; two are shown side by side.

        Picking an offer already picked takes it back; a third replaces the older of the two.
        """
        offer = self._lookup(offer_id)
        if offer is None:
            self.say(t("compare.unknown_offer"))
            return False
        oid = str(offer["id"])
        if oid in self.picked:
            self.picked.remove(oid)
            self.say(t("compare.unpicked", title=offer.get("title", "")))
            return True
        self.picked = [*self.picked[-1:], oid] if len(self.picked) >= 2 else [*self.picked, oid]
        if len(self.picked) == 1:
            self.table.value = ""
            self.say(t("compare.picked_one", title=offer.get("title", "")))
            return True
        return self.compare(*self.picked)

    def compare(self, first_id: str, second_id: str) -> bool:
        """Show two offers side by side and record `offer.compare`; False if one is unknown or both same."""
        first, second = self._lookup(first_id), self._lookup(second_id)
        if first is None or second is None:
            self.say(t("compare.unknown_offer"))
            return False
        if first["id"] == second["id"]:
            self.say(t("compare.same_offer"))
            return False
        self.picked = [str(first["id"]), str(second["id"])]
        home_name = self.home() if self.home is not None else None
        home = geo.find_commune(str(home_name or ""))
        self.table.value = compare_table_html(first, second, home)
        try:
            self.journal.record(COMPARE, {"offer_ids": list(self.picked)})
        except (TremplinError, OSError) as error:
            self.say(t("search.journal_error", reason=str(error)))
            return False
        message = t("compare.shown", first=first.get("title", ""), second=second.get("title", ""))
        if home is None:
            message += " " + t("compare.no_home")
        self.say(message)
        if self.on_change is not None:
            self.on_change()
        return True

    def clear(self) -> None:
        """Start again: no offer picked, no table."""
        self.picked = []
        self.table.value = ""
        self.say(t("compare.how_to"))
