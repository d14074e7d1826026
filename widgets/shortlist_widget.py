"""« Ma sélection »: the saved offers, each with the learner's own note, and a box to find one again.

The list is replayed from the journal every time it is drawn (a page reload keeps
everything); a note, a removal and a search in the list are journal events like any other
action, so the checks see them. Every text shown is escaped: titles come from the world,
notes and searches from the learner.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any, Protocol

import ipywidgets as w
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t
from tremplin.widgets.shared_looks import column, html_widget, labelled, line, plain_button, wide_layout
from tremplin.widgets.shortlist import (
    ShortlistEntry,
    current_shortlist,
    matches,
    record_find,
    remove_offer,
    set_note,
)

#: A note is a reminder, not a letter: longer input is cut (and the learner told so).
MAX_NOTE = 1000
MAX_QUERY = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class Journal(Protocol):
    def record(self, kind: str, data: dict[str, Any]) -> Any: ...

    def events(self, kind: str | None = None, prefix: str | None = None) -> list[Any]: ...


def clean_text(value: Any, limit: int) -> str:
    """Learner text made safe to keep: control characters dropped, trimmed, at most `limit`."""
    text = _CONTROL.sub("", "" if value is None else str(value)).strip()
    return text[:limit]


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


class ShortlistWidget:
    """The saved offers with a note field each, « Retirer », « Comparer » and « Retrouver une offre »."""

    def __init__(
        self,
        offer: Callable[[str], dict[str, Any] | None],
        journal: Journal,
        *,
        on_change: Callable[[], None] | None = None,
        on_compare: Callable[[str], Any] | None = None,
    ) -> None:
        self.offer = offer
        self.journal = journal
        self.on_change = on_change
        self.on_compare = on_compare
        self.query = ""
        self.note_fields: dict[str, w.Textarea] = {}
        self._build()
        self.refresh()

    # ----------------------------------------------------------------- layout

    def _build(self) -> None:
        self.find_field = w.Text(description=t("compare.find_label"),
                                 placeholder=t("compare.find_placeholder"),
                                 style=labelled("11em"), layout=wide_layout())
        self.find_button = plain_button(description=t("compare.find_button"), icon="search",
                                    tooltip=t("compare.find_tooltip"))
        self.find_button.on_click(lambda _b: self.find())
        self.show_all_button = plain_button(description=t("compare.show_all"), icon="list",
                                        tooltip=t("compare.show_all_tooltip"))
        self.show_all_button.on_click(lambda _b: self.show_all())
        self.status = html_widget(self._status_html(""))
        self.rows_box = column()
        self.widget = column([
            html_widget(f"<h3>{_esc(t('search.shortlist_title'))}</h3>"
                   f"<p>{_esc(t('compare.shortlist_help'))}</p>"),
            line([self.find_field, self.find_button, self.show_all_button]),
            self.status, self.rows_box,
        ])
        self.widget.add_class("tremplin-shortlist")

    @staticmethod
    def _status_html(text: str) -> str:
        return f'<div role="status" aria-live="polite"><p>{_esc(text)}</p></div>'

    def say(self, text: str) -> None:
        self.status.value = self._status_html(text)

    # ----------------------------------------------------------------- actions

    def entries(self) -> list[ShortlistEntry]:
        """The saved offers, replayed from the journal."""
        try:
            return current_shortlist(self.journal.events(prefix="shortlist"))
        except TremplinError as error:
            self.say(str(error))
            return []

    def set_note(self, offer_id: str, note: str | None = None) -> bool:
        """Keep the learner's note on a saved offer (None: what is typed in its field)."""
        entry = self._entry(offer_id)
        if entry is None:
            self.say(t("search.not_in_shortlist"))
            return False
        field = self.note_fields.get(entry.offer_id)
        raw = note if note is not None else (field.value if field is not None else entry.note)
        text = clean_text(raw, MAX_NOTE)
        if text == entry.note:
            self.say(t("compare.note_unchanged"))
            return False
        if not self._guard(lambda: set_note(self.journal, entry.offer_id, text)):
            return False
        cut = len(clean_text(raw, MAX_NOTE * 10)) > MAX_NOTE
        self.note_fields.pop(entry.offer_id, None)  # its saved text is shown now, not the draft
        self.refresh()  # before saying it: the message comes once the rows are redrawn
        if cut:
            self.say(t("compare.note_cut", count=MAX_NOTE))
        elif text:
            self.say(t("compare.note_saved", title=entry.title))
        else:
            self.say(t("compare.note_cleared", title=entry.title))
        self._notify()
        return True

    def remove(self, offer_id: str) -> bool:
        """Take an offer off « Ma sélection »; False (with a message) if it was not there."""
        entry = self._entry(offer_id)
        if entry is None:
            self.say(t("search.not_in_shortlist"))
            return False
        if not self._guard(lambda: remove_offer(self.journal, entry.offer_id)):
            return False
        self.refresh()
        self.say(t("search.removed_ok", title=entry.title))
        self._notify()
        return True

    def find(self, query: str | None = None) -> list[ShortlistEntry]:
        """Show only the saved offers whose title, employer, commune or note holds every word."""
        raw = self.find_field.value if query is None else query
        text = clean_text(raw, MAX_QUERY)
        if query is not None:
            self.find_field.value = text
        if not text:
            return self.show_all()
        entries = self.entries()
        found = [e for e in entries if self._matches(e, text)]
        if not self._guard(lambda: record_find(self.journal, text, len(found))):
            return found
        self.query = text
        if not entries:
            self.say(t("compare.find_empty_list"))
        elif not found:
            self.say(t("compare.find_none", query=text))
        else:
            self.say(t("compare.find_some", found=len(found), count=len(entries), query=text))
        self._render(entries)
        self._notify()
        return found

    def show_all(self) -> list[ShortlistEntry]:
        """Clear the « Retrouver » filter: every saved offer is shown again."""
        self.query = ""
        self.find_field.value = ""
        entries = self.entries()
        self._render(entries)
        self.say("")
        return entries

    def refresh(self) -> None:
        """Redraw from the journal, keeping the current « Retrouver » filter."""
        self._render(self.entries())

    # ----------------------------------------------------------------- internals

    def _entry(self, offer_id: Any) -> ShortlistEntry | None:
        return next((e for e in self.entries() if e.offer_id == str(offer_id)), None)

    def _facts(self, entry: ShortlistEntry) -> tuple[str, str]:
        try:
            offer = self.offer(entry.offer_id) or {}
        except (TremplinError, OSError, ValueError):
            offer = {}
        return str(offer.get("employer_name") or ""), str(offer.get("commune") or "")

    def _matches(self, entry: ShortlistEntry, query: str) -> bool:
        return matches(query, entry.title, entry.note, *self._facts(entry))

    def _render(self, entries: list[ShortlistEntry]) -> None:
        shown = [e for e in entries if self._matches(e, self.query)] if self.query else entries
        rows: list[w.Widget] = []
        if not entries:
            rows.append(html_widget(f"<p>{_esc(t('search.shortlist_empty'))}</p>"))
        # what is typed but not yet saved in another offer's note survives the redraw
        drafts = {offer_id: field.value for offer_id, field in self.note_fields.items()}
        self.note_fields = {}
        for entry in shown:
            rows.append(self._row(entry, drafts.get(entry.offer_id)))
        self.rows_box.children = rows

    def _row(self, entry: ShortlistEntry, draft: str | None = None) -> w.VBox:
        employer, commune = self._facts(entry)
        facts = " · ".join(_esc(f) for f in (employer, commune) if f)
        note = (f"<p><em>{_esc(t('compare.note_heading'))}</em> {_esc(entry.note)}</p>" if entry.note
                else f"<p><em>{_esc(t('compare.no_note'))}</em></p>")
        field = w.Textarea(value=entry.note if draft is None else draft, description=t("compare.note_label"),
                           placeholder=t("compare.note_placeholder"),
                           style={"description_width": "11em"},
                           layout=w.Layout(width="100%", max_width="36em", height="4.5em"))
        self.note_fields[entry.offer_id] = field
        keep = plain_button(description=t("compare.note_button"), icon="pencil",
                        tooltip=t("compare.note_tooltip"))
        keep.on_click(lambda _b, oid=entry.offer_id: self.set_note(oid))
        remove = plain_button(description=t("search.remove"), tooltip=t("search.remove_tooltip"),
                              icon="trash")
        remove.on_click(lambda _b, oid=entry.offer_id: self.remove(oid))
        buttons: list[w.Widget] = [keep]
        if self.on_compare is not None:
            compare = plain_button(description=t("compare.compare_button"), icon="columns",
                               tooltip=t("compare.compare_tooltip"))
            compare.on_click(lambda _b, oid=entry.offer_id: self.on_compare(oid))
            buttons.append(compare)
        buttons.append(remove)
        heading = f"<h4>{_esc(entry.title or entry.offer_id)}</h4>"
        article = html_widget(f"<article>{heading}<p>{facts}</p>{note}</article>")
        row = column([article, field, line(buttons)])
        row.add_class("tremplin-shortlist-entry")
        return row

    def _guard(self, action: Callable[[], Any]) -> bool:
        try:
            action()
        except (TremplinError, OSError) as error:
            self.say(t("search.journal_error", reason=str(error)))
            return False
        return True

    def _notify(self) -> None:
        if self.on_change is not None:
            self.on_change()
