"""The learner's offer search: fields, results, offer detail and "Ma sélection".

Every action goes through a method a simulated learner (or a test) can call instead of
clicking, and every action is written to the workspace journal: the kernel keeps no state
that matters (a page reload starts a fresh kernel), the saved list is rebuilt from the
journal. All text shown is escaped here; the engine's snippets arrive already escaped.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import Any, Protocol

import ipywidgets as w
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t
from tremplin.widgets.search import Hit, SearchEngine, SearchResults, salary_text
from tremplin.widgets.shared_looks import (
    column,
    html_widget,
    labelled,
    line,
    plain_button,
    plain_layout,
    wide_layout,
)
from tremplin.widgets.shortlist import add_offer
from tremplin.widgets.shortlist_widget import MAX_NOTE, ShortlistWidget, clean_text

RADII = (5, 10, 20, 30, 50)
#: The "any" choice of a filter list. Not None: ipywidgets shows a value of None as an empty
#: selection, so the learner would see a blank list instead of "Tous".
ANY = ""
DAYS = (1, 7, 30)


class Journal(Protocol):
    """What the widget needs of a Workspace (or of an ActivityJournal)."""

    def record(self, kind: str, data: dict[str, Any]) -> Any: ...

    def events(self, kind: str | None = None, prefix: str | None = None) -> list[Any]: ...


def _fr_date(iso: str) -> str:
    try:
        return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return str(iso or "")


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


class SearchWidget:
    """Search the world's offers and keep a shortlist, recording each step in the journal."""

    def __init__(
        self,
        engine: SearchEngine,
        workspace: Journal,
        *,
        on_change: Callable[[], None] | None = None,
        on_compare: Callable[[str], Any] | None = None,
        per_page: int = 10,
    ) -> None:
        self.engine = engine
        self.workspace = workspace
        self.on_change = on_change
        #: Given by a page that compares offers: a « Comparer » button then sits under each offer.
        self.on_compare = on_compare
        self.per_page = per_page
        self.last_results: SearchResults | None = None
        self._page = 1
        self._filling = False
        self.selection = ShortlistWidget(engine.offer, workspace, on_change=self._notify,
                                         on_compare=on_compare)
        self._build()

    # ----------------------------------------------------------------- layout

    def _build(self) -> None:
        wide, style, plain = wide_layout(), labelled("11em"), plain_layout()
        self.query = w.Text(description=t("search.keywords_label"),
                            placeholder=t("search.keywords_placeholder"), layout=wide, style=style,
                            tooltip=t("search.keywords_help"))
        self.commune = w.Text(description=t("search.commune_label"),
                              placeholder=t("search.commune_placeholder"), layout=wide, style=style)
        self.radius = w.Dropdown(
            description=t("search.radius_label"), style=style, layout=plain,
            options=[(t("search.radius_none"), ANY)]
            + [(t("search.radius_km", km=km), km) for km in RADII], value=ANY)
        self.contract = w.Dropdown(
            description=t("search.contract_label"), style=style, layout=plain,
            options=[(t("search.contract_all"), ANY)] + [(c, c) for c in self.engine.contracts()],
            value=ANY)
        self.working_time = w.Dropdown(
            description=t("search.working_time_label"), style=style, layout=plain,
            options=[(t("search.working_time_all"), ANY)]
            + [(c, c) for c in self.engine.working_times()], value=ANY)
        self.published = w.Dropdown(
            description=t("search.published_label"), style=style, layout=plain,
            options=[(t("search.published_any"), ANY), (t("search.published_one"), 1)]
            + [(t("search.published_days", days=d), d) for d in DAYS if d > 1], value=ANY)
        self.sort = w.Dropdown(
            description=t("search.sort_label"), style=style, layout=plain,
            options=[(t(f"search.sort_{s}"), s) for s in ("relevance", "date", "distance")],
            value="relevance")
        self.sort.observe(lambda _change: self._on_sort_change(), names="value")
        self.search_button = plain_button(description=t("search.search_button"), button_style="primary",
                                      tooltip=t("search.search_tooltip"), icon="search")
        self.search_button.on_click(lambda _: self.run_search())
        self.status = html_widget(self._status_html(t("search.no_search_yet")))
        self.heading = html_widget()
        self.results_box = column()
        self.previous_button = plain_button(description=t("search.previous"), icon="arrow-left",
                                        tooltip=t("search.previous_tooltip"), disabled=True)
        self.next_button = plain_button(description=t("search.next"), icon="arrow-right",
                                    tooltip=t("search.next_tooltip"), disabled=True)
        self.previous_button.on_click(lambda _: self.previous_page())
        self.next_button.on_click(lambda _: self.next_page())
        self.page_label = html_widget()
        self.detail = html_widget()
        #: The saved offers' rows (the list with its notes lives in `self.selection`).
        self.shortlist_box = self.selection.rows_box
        self.widget = column([
            html_widget(f"<h2>{_esc(t('search.title'))}</h2>"
                   f"<p>{_esc(t('search.keywords_help'))}</p>"),
            self.query, self.commune, self.radius, self.contract, self.working_time,
            self.published, self.sort, self.search_button, self.status, self.heading,
            self.results_box,
            line([self.previous_button, self.page_label, self.next_button]),
            self.detail, self.selection.widget,
        ])

    @staticmethod
    def _status_html(text: str) -> str:
        return f'<div role="status" aria-live="polite"><p>{_esc(text)}</p></div>'

    def _say(self, text: str | None) -> None:
        self.status.value = self._status_html(text or "")

    # ----------------------------------------------------------------- actions

    def set_filters(
        self,
        query: str | None = None,
        commune: str | None = None,
        radius_km: float | None = None,
        contract: str | None = None,
        working_time: str | None = None,
        published_within_days: int | None = None,
        sort: str | None = None,
    ) -> None:
        """Fill the fields as a learner would (None leaves a field as it is, "" empties it)."""
        self._filling = True  # filling the form is not yet a search: « Rechercher » is
        try:
            if query is not None:
                self.query.value = str(query)
            if commune is not None:
                self.commune.value = str(commune)
            _choose(self.radius, radius_km)
            _choose(self.contract, contract)
            _choose(self.working_time, working_time)
            _choose(self.published, published_within_days)
            _choose(self.sort, sort)
        finally:
            self._filling = False

    def run_search(self) -> SearchResults:
        """Search with the current field values (the "Rechercher" button), from page 1."""
        return self._search(1, "search.query")

    def sort_results(self, sort: str) -> SearchResults | None:
        """Choose « Trier par » (relevance, date or distance): results already shown are re-sorted.

        The new order is a new `search.query` (page 1), so the journal says how the learner
        looked at the offers; before any search it only sets the field for the next one.
        """
        before = self.sort.value
        _choose(self.sort, sort)
        if self.sort.value == before and self.last_results is not None:
            return self._search(1, "search.query")  # the same choice again: still re-sort
        return self.last_results

    def _on_sort_change(self) -> None:
        if not self._filling and self.last_results is not None:
            self._search(1, "search.query")

    def next_page(self) -> SearchResults | None:
        if self.last_results is None or self._page >= self.last_results.pages:
            return self.last_results
        return self._search(self._page + 1, "search.page")

    def previous_page(self) -> SearchResults | None:
        if self.last_results is None or self._page <= 1:
            return self.last_results
        return self._search(self._page - 1, "search.page")

    def show_offer(self, offer_id: str) -> dict[str, Any] | None:
        """Show an offer in full and record that the learner opened it."""
        offer = self.engine.offer(str(offer_id))
        if offer is None:
            self._say(t("search.unknown_offer"))
            return None
        self.detail.value = _detail_html(offer)
        # the detail appears below the list, away from the button: say where (a screen reader
        # hears it; the focus stays here, beside « Enregistrer » for this offer)
        self._say(t("search.detail_shown", title=offer.get("title", "")))
        self._record("offer.view", {"offer_id": offer["id"]})
        return offer

    def save_offer(self, offer_id: str, note: str = "") -> bool:
        """Add an offer to "Ma sélection"; False (with a message) if unknown or already there."""
        offer = self.engine.offer(str(offer_id))
        if offer is None:
            self._say(t("search.unknown_offer"))
            return False
        already = any(e.offer_id == offer["id"] for e in self.shortlist())
        text = clean_text(note, MAX_NOTE)
        if not self._guard(lambda: add_offer(self.workspace, offer["id"], offer.get("title", ""),
                                             text or None)):
            return False
        self._say(t("search.already_saved") if already
                  else t("search.saved_ok", title=offer.get("title", "")))
        self.selection.refresh()
        self._notify()
        return not already

    def flag_offer(self, offer_id: str, reason: str = "") -> bool:
        """Report an offer as doubtful (an `offer.flag` event); False if the offer is unknown."""
        offer = self.engine.offer(str(offer_id))
        if offer is None:
            self._say(t("search.unknown_offer"))
            return False
        data = {"offer_id": offer["id"], "title": offer.get("title", ""), "reason": str(reason or "")[:500]}
        if not self._guard(lambda: self.workspace.record("offer.flag", data)):
            return False
        self._say(t("search.flagged_ok", title=offer.get("title", "")))
        self._notify()
        return True

    def remove_offer(self, offer_id: str) -> bool:
        """Take an offer off "Ma sélection"; False (with a message) if it was not there."""
        return self.selection.remove(offer_id)

    def set_note(self, offer_id: str, note: str) -> bool:
        """Write or change the learner's note on a saved offer (a `shortlist.note` event)."""
        return self.selection.set_note(offer_id, note)

    def find_saved(self, query: str) -> list[Any]:
        """« Retrouver une offre » in « Ma sélection » by a word (a `shortlist.find` event)."""
        return self.selection.find(query)

    def shortlist(self) -> list[Any]:
        """The saved offers, replayed from the journal."""
        return self.selection.entries()

    # ----------------------------------------------------------------- internals

    def _search(self, page: int, kind: str) -> SearchResults:
        results = self.engine.search(
            self.query.value, commune=self.commune.value or None, radius_km=self.radius.value,
            contract=self.contract.value, working_time=self.working_time.value,
            published_within_days=self.published.value, sort=self.sort.value,
            page=page, per_page=self.per_page,
        )
        self.last_results, self._page = results, results.page
        self._show_results(results)
        self._record(kind, {
            "query": results.query, "filters": dict(results.filters), "sort": results.sort,
            "page": results.page, "total": results.total, "result_ids": results.ids,
            # what the learner chose in « Trier par »; `sort` is the order applied (the engine
            # sorts by date when distance has no commune, or when there is no word)
            "sort_choice": self.sort.value,
        })
        return results

    def _record(self, kind: str, data: dict[str, Any]) -> None:
        if self._guard(lambda: self.workspace.record(kind, data)):
            self._notify()

    def _guard(self, action: Callable[[], Any]) -> bool:
        """Run a journal write; a failure becomes a French message, never a traceback."""
        try:
            action()
        except (TremplinError, OSError) as error:
            self._say(t("search.journal_error", reason=str(error)))
            return False
        return True

    def _notify(self) -> None:
        if self.on_change is not None:
            self.on_change()

    def _show_results(self, results: SearchResults) -> None:
        if results.total == 0:
            count = t("search.total_zero")
        elif results.total == 1:
            count = t("search.total_one")
        else:
            count = t("search.total_many", count=f"{results.total:,}".replace(",", "\u202f"))
        self.heading.value = f'<h3 role="status" aria-live="polite">{_esc(count)}</h3>'
        self._say(results.message)
        self.results_box.children = [self._hit_box(hit) for hit in results.hits]
        page_of = t("search.page_of", page=results.page, pages=results.pages)
        self.page_label.value = f"<span>{_esc(page_of)}</span>"
        self.previous_button.disabled = results.page <= 1
        self.next_button.disabled = results.page >= results.pages

    def _hit_box(self, hit: Hit) -> w.VBox:
        view = plain_button(description=t("search.view"), tooltip=t("search.view_tooltip"), icon="eye")
        save = plain_button(description=t("search.save"), tooltip=t("search.save_tooltip"), icon="star")
        view.on_click(lambda _, oid=hit.offer_id: self.show_offer(oid))
        flag = plain_button(description=t("search.flag"), tooltip=t("search.flag_tooltip"), icon="flag")
        save.on_click(lambda _, oid=hit.offer_id: self.save_offer(oid))
        flag.on_click(lambda _, oid=hit.offer_id: self.flag_offer(oid))
        buttons: list[w.Widget] = [view, save, flag]
        if self.on_compare is not None:
            compare = plain_button(description=t("compare.compare_button"), icon="columns",
                               tooltip=t("compare.compare_tooltip"))
            compare.on_click(lambda _, oid=hit.offer_id: self.on_compare(oid))
            buttons.insert(2, compare)
        return column([html_widget(_hit_html(hit)), line(buttons)])


def _choose(dropdown: w.Dropdown, value: Any) -> None:
    """Select a dropdown value if it is one of its options (learner-proof: else unchanged)."""
    if value is None:
        return
    values = [v for _, v in dropdown.options]
    if value == "" or value in ("Tous", "toutes"):
        dropdown.value = values[0]
    elif value in values:
        dropdown.value = value
    else:
        try:
            number = int(value)
        except (TypeError, ValueError):
            return
        if number in values:
            dropdown.value = number


def _hit_html(hit: Hit) -> str:
    facts = [hit.employer_name, hit.commune]
    if hit.distance_km is not None:
        facts.append(t("search.distance", km=f"{hit.distance_km:g}".replace(".", ",")))
    facts += [hit.contract, hit.working_time, t("search.published_on", date=_fr_date(hit.published)),
              hit.salary_text]
    line = " · ".join(_esc(f) for f in facts if f)
    return (f'<article><h4>{hit.title_html}</h4><p>{line}</p>'
            f'<p>{hit.snippet_html}</p></article>')


def _detail_html(offer: dict[str, Any]) -> str:
    """The whole offer, every value escaped."""
    place = " ".join(str(offer.get(k) or "") for k in ("postcode", "commune")).strip()
    contract = " · ".join(str(v) for v in (offer.get("contract"), offer.get("working_time")) if v)
    if offer.get("hours_per_week"):
        contract += " · " + t("search.detail_hours", hours=offer["hours_per_week"])
    rows = [
        (t("search.detail_employer"), offer.get("employer_name")),
        (t("search.detail_place"), place),
        (t("search.detail_contract"), contract),
        (t("search.detail_salary"), salary_text(offer.get("salary_min"), offer.get("salary_max"),
                                                offer.get("salary_period"))),
        (t("search.detail_published"), _fr_date(str(offer.get("published", "")))),
        (t("search.detail_reference"), offer.get("reference")),
        (t("search.detail_skills"), ", ".join(str(s) for s in offer.get("skills") or [])),
        (t("search.detail_contact"), offer.get("contact_email")),
    ]
    facts = "".join(f"<dt>{_esc(k)}</dt><dd>{_esc(v)}</dd>" for k, v in rows if v)
    paragraphs = "".join(f"<p>{_esc(p)}</p>"
                         for p in str(offer.get("description") or "").split("\n") if p.strip())
    return (f'<section aria-label="{_esc(t("search.detail_title"))}">'
            f"<h3>{_esc(offer.get('title', ''))}</h3><dl>{facts}</dl>"
            f"<h4>{_esc(t('search.detail_description'))}</h4>{paragraphs}"
            f"<p>{_esc(t('search.detail_next'))}</p></section>")
