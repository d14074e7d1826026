"""« Annuaire des entreprises »: a reliable source where the learner looks an employer up.

Search by name (accents, case and punctuation ignored, a small spelling slip tolerated),
open an employer's page, note its contact details, check an address seen elsewhere (in
an offer, on a forum) against the open page. Every action is a method a test or a
simulated learner can call and a journal event (`employer.search`, `employer.view`,
`employer.note`, `employer.compare`). All text shown is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from typing import Any, Protocol

import ipywidgets as w
from tremplin.widgets.employer_directory import address_line, clean, domain, folded, matches
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t

MAX_RESULTS = 10


class Journal(Protocol):
    def record(self, kind: str, data: dict[str, Any]) -> Any: ...


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


class EmployerWidget:
    """Search the directory, read a page, note the contact: each step in the journal."""

    def __init__(
        self,
        employers: Callable[[], Iterable[dict[str, Any]]],
        journal: Journal,
        *,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self._employers = employers
        self.journal = journal
        self.on_change = on_change
        self.last_found: list[dict[str, Any]] = []
        self.current: dict[str, Any] | None = None
        self._build()

    def _build(self) -> None:
        wide = w.Layout(width="100%", max_width="36em")
        style = {"description_width": "11em"}
        self.query = w.Text(description=t("employer.search_label"), layout=wide, style=style,
                            placeholder=t("employer.search_placeholder"))
        self.search_button = w.Button(description=t("employer.search_button"), icon="search",
                                      button_style="primary")
        self.search_button.on_click(lambda _b: self.search(self.query.value))
        self.status = w.HTML(self._status(t("employer.intro")))
        self.results_box = w.VBox()
        self.page = w.HTML()
        self.note_name = w.Text(description=t("employer.note_name"), layout=wide, style=style)
        self.note_address = w.Text(description=t("employer.note_address"), layout=wide, style=style)
        self.note_email = w.Text(description=t("employer.note_email"), layout=wide, style=style)
        self.note_phone = w.Text(description=t("employer.note_phone"), layout=wide, style=style)
        self.note_button = w.Button(description=t("employer.note_button"), icon="pencil")
        self.note_button.on_click(lambda _b: self.note(self.note_name.value, self.note_address.value,
                                                       self.note_email.value, self.note_phone.value))
        self.other_address = w.Text(description=t("employer.compare_label"), layout=wide, style=style,
                                    placeholder=t("employer.compare_placeholder"))
        self.compare_button = w.Button(description=t("employer.compare_button"), icon="check")
        self.compare_button.on_click(lambda _b: self.check_address(self.other_address.value))
        self.widget = w.VBox([
            w.HTML(f"<h2>{_esc(t('employer.title'))}</h2>"),
            self.query, self.search_button, self.status, self.results_box, self.page,
            w.HTML(f"<h3>{_esc(t('employer.compare_heading'))}</h3>"),
            self.other_address, self.compare_button,
            w.HTML(f"<h3>{_esc(t('employer.note_heading'))}</h3>"),
            self.note_name, self.note_address, self.note_email, self.note_phone, self.note_button,
        ])

    @staticmethod
    def _status(text: str) -> str:
        return f'<div role="status" aria-live="polite"><p>{_esc(text)}</p></div>'

    def _say(self, text: str) -> None:
        self.status.value = self._status(text)

    def _record(self, kind: str, data: dict[str, Any]) -> bool:
        try:
            self.journal.record(kind, data)
        except (TremplinError, OSError) as error:
            self._say(t("employer.journal_error", reason=str(error)))
            return False
        if self.on_change is not None:
            self.on_change()
        return True

    def search(self, query: Any) -> list[dict[str, Any]]:
        """« Chercher »: employers whose name answers the query (an `employer.search` event)."""
        text = clean(query)
        self.query.value = text
        found = [e for e in self._employers() if matches(text, e.get("name", ""))][:MAX_RESULTS]
        self.last_found = found
        self._record("employer.search", {"query": text, "found": [e["id"] for e in found]})
        self._say(t("employer.found", count=len(found)) if found else t("employer.none_found"))
        rows = []
        for employer in found:
            button = w.Button(description=t("employer.view_button"), icon="eye")
            button.on_click(lambda _b, eid=employer["id"]: self.view(eid))
            line = f"<p><strong>{_esc(employer.get('name'))}</strong> · {_esc(address_line(employer))}</p>"
            rows.append(w.HBox([w.HTML(line), button]))
        self.results_box.children = rows
        return found

    def view(self, employer_id: Any) -> dict[str, Any] | None:
        """Open an employer's page (an `employer.view` event); None if unknown."""
        employer = next((e for e in self._employers() if e.get("id") == str(employer_id)), None)
        if employer is None:
            self._say(t("employer.unknown"))
            return None
        self.current = employer
        rows = [
            (t("employer.activity"), employer.get("activity")),
            (t("employer.address"), address_line(employer)),
            (t("employer.email"), employer.get("email")),
            (t("employer.phone"), employer.get("phone")),
            (t("employer.siret"), employer.get("siret")),
            (t("employer.website"), employer.get("website")),
        ]
        facts = "".join(f"<dt>{_esc(k)}</dt><dd>{_esc(v)}</dd>" for k, v in rows if v)
        text = "".join(f"<p>{_esc(p)}</p>" for p in str(employer.get("page") or "").split("\n") if p.strip())
        self.page.value = f"<section><h3>{_esc(employer.get('name'))}</h3><dl>{facts}</dl>{text}</section>"
        self._record("employer.view", {"employer_id": employer["id"]})
        return employer

    def note(self, name: Any, address: Any, email: Any, phone: Any = "") -> dict[str, Any]:
        """« Noter les coordonnées » (an `employer.note` event, tied to the open page if any)."""
        data: dict[str, Any] = {"name": clean(name), "address": clean(address),
                                "email": clean(email), "phone": clean(phone)}
        if self.current is not None and folded(data["name"]) == folded(self.current.get("name")):
            data["employer_id"] = self.current["id"]
        if not any(data[k] for k in ("name", "address", "email", "phone")):
            self._say(t("employer.note_empty"))
            return data
        if self._record("employer.note", data):
            self._say(t("employer.note_saved", name=data["name"]))
        return data

    def check_address(self, address: Any) -> str | None:
        """« Vérifier » an address against the open page; None (and a French hint) if nothing to do."""
        if self.current is None:
            self._say(t("employer.compare_no_page"))
            return None
        if not clean(address):
            self._say(t("employer.compare_empty"))
            return None
        return self.compare(self.current["id"], address)

    def compare(self, employer_id: Any, address: Any) -> str:
        """Does an address seen elsewhere belong to this employer? "same", "domain" or "other"."""
        employer = next((e for e in self._employers() if e.get("id") == str(employer_id)), None)
        text = clean(address)
        if employer is None:
            self._say(t("employer.unknown"))
            return "other"
        if folded(text) == folded(employer.get("email")):
            verdict = "same"
        elif "@" in text and domain(text) == domain(employer.get("email")):
            verdict = "domain"
        else:
            verdict = "other"
        self._record("employer.compare", {"employer_id": employer["id"], "address": text, "verdict": verdict})
        self._say(t(f"employer.compare_{verdict}", address=text, name=employer.get("name", "")))
        return verdict
