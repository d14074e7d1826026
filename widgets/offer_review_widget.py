"""« Repérer une offre douteuse »: read offers one by one, tick the warning signs, report or trust.

The learner sees one offer at a time (every value escaped), ticks the warning signs they
notice, then says « Je signale cette offre » (with a reason of their own) or « Cette offre
me semble fiable », and may keep an offer in « Ma sélection ». After a report, the page
explains why each ticked sign matters. Every decision is a journal event:
`offer.flag` {offer_id, title, signs, reason}, `offer.trust` {offer_id, title}, and the
shortlist's own `shortlist.add` / `shortlist.remove`. The widget never knows which offers
are scams: it is given offers as the search engine shows them, without the world's flags.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import ipywidgets as w
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t
from tremplin.widgets.offer_decisions import FLAG, SIGNS, TRUST, Decision, decisions
from tremplin.widgets.search import salary_text
from tremplin.widgets.shortlist import add_offer, current_shortlist, remove_offer
from tremplin.widgets.shortlist_widget import clean_text

MAX_REASON = 500


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def offer_html(offer: dict[str, Any], position: int, total: int) -> str:
    """One offer as the learner reads it: title, facts, the whole text; every value escaped."""
    place = " ".join(str(offer.get(k) or "") for k in ("postcode", "commune")).strip()
    terms = " · ".join(str(v) for v in (offer.get("contract"), offer.get("working_time")) if v)
    facts = [
        (t("scams.fact_employer"), offer.get("employer_name")),
        (t("scams.fact_place"), place),
        (t("scams.fact_contract"), terms),
        (t("scams.fact_salary"), salary_text(offer.get("salary_min"), offer.get("salary_max"),
                                             offer.get("salary_period"))),
        (t("scams.fact_contact"), offer.get("contact_email")),
    ]
    rows = "".join(f"<dt>{_esc(k)}</dt><dd>{_esc(v)}</dd>" for k, v in facts if v)
    text = "".join(f"<p>{_esc(p)}</p>" for p in str(offer.get("description") or "").split("\n") if p.strip())
    counter = t("scams.offer_counter", n=position, total=total)
    return (f'<article class="tremplin-offer-review" aria-label="{_esc(counter)}">'
            f"<p><strong>{_esc(counter)}</strong></p><h3>{_esc(offer.get('title', ''))}</h3>"
            f"<dl>{rows}</dl>{text}</article>")


def why_html(signs: Sequence[str]) -> str:
    """Why each ticked sign matters, said after a report."""
    items = "".join(f"<li><strong>{_esc(t(f'scams.sign_{s}'))}</strong> : {_esc(t(f'scams.why_{s}'))}</li>"
                    for s in signs)
    if not items:
        return f'<div class="tremplin-why"><p>{_esc(t("scams.why_none"))}</p></div>'
    return f'<div class="tremplin-why"><h4>{_esc(t("scams.why_heading"))}</h4><ul>{items}</ul></div>'


class OfferReviewWidget:
    """The offers to review, one at a time, with the signs to tick and the three decisions."""

    def __init__(
        self,
        offers: Sequence[dict[str, Any]],
        journal: Any,
        *,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self.offers = [dict(o) for o in offers if isinstance(o, dict) and o.get("id")]
        self.journal = journal
        self.on_change = on_change
        self.index = 0
        self._build()
        self.show(0)

    # ----------------------------------------------------------------- layout

    def _build(self) -> None:
        self.offer_box = w.HTML()
        self.signs = {s: w.Checkbox(description=t(f"scams.sign_{s}"), value=False, indent=False,
                                    layout=w.Layout(width="auto")) for s in SIGNS}
        self.reason = w.Textarea(placeholder=t("scams.reason_placeholder"),
                                 layout=w.Layout(width="100%", height="4em"))
        self.flag_button = w.Button(description=t("scams.flag_button"), button_style="danger", icon="flag",
                                    tooltip=t("scams.flag_tooltip"), layout=w.Layout(width="auto"))
        self.trust_button = w.Button(description=t("scams.trust_button"), icon="thumbs-up",
                                     tooltip=t("scams.trust_tooltip"), layout=w.Layout(width="auto"))
        self.save_button = w.Button(description=t("scams.save_button"), icon="star",
                                    tooltip=t("scams.save_tooltip"), layout=w.Layout(width="auto"))
        self.previous_button = w.Button(description=t("scams.previous"), icon="arrow-left")
        self.next_button = w.Button(description=t("scams.next"), icon="arrow-right")
        self.flag_button.on_click(lambda _b: self.flag())
        self.trust_button.on_click(lambda _b: self.trust())
        self.save_button.on_click(lambda _b: self.save())
        self.previous_button.on_click(lambda _b: self.show(self.index - 1))
        self.next_button.on_click(lambda _b: self.show(self.index + 1))
        self.status = w.HTML()
        self.why = w.HTML()
        self.summary = w.HTML()
        ask = w.HTML(f"<h4>{_esc(t('scams.signs_heading'))}</h4>")
        reason_label = w.HTML(f"<p>{_esc(t('scams.reason_label'))}</p>")
        self.widget = w.VBox([
            self.offer_box, ask, w.VBox(list(self.signs.values())), reason_label, self.reason,
            w.HBox([self.flag_button, self.trust_button, self.save_button]), self.status, self.why,
            w.HBox([self.previous_button, self.next_button]), self.summary,
        ])
        self.widget.add_class("tremplin-offer-review-widget")

    # ----------------------------------------------------------------- actions

    @property
    def current(self) -> dict[str, Any] | None:
        return self.offers[self.index] if self.offers else None

    def show(self, index: int) -> dict[str, Any] | None:
        """Show the offer at `index` (kept within the list), its signs unticked."""
        if not self.offers:
            self.offer_box.value = f"<p>{_esc(t('scams.no_offers'))}</p>"
            for button in (self.flag_button, self.trust_button, self.save_button,
                           self.previous_button, self.next_button):
                button.disabled = True
            return None
        self.index = max(0, min(int(index), len(self.offers) - 1))
        offer = self.offers[self.index]
        self.offer_box.value = offer_html(offer, self.index + 1, len(self.offers))
        earlier = self.decisions().get(offer["id"])
        # back on an offer already reported, the learner finds the signs they ticked then
        self.tick(earlier.signs if earlier and earlier.kind == FLAG else ())
        self.reason.value = earlier.reason if earlier and earlier.kind == FLAG else ""
        self.why.value = ""
        self.status.value = ""
        self.previous_button.disabled = self.index == 0
        self.next_button.disabled = self.index >= len(self.offers) - 1
        self._summarise()
        return offer

    def tick(self, signs: Iterable[str]) -> None:
        """Tick exactly `signs` (unknown codes are ignored), as a learner's clicks would."""
        wanted = set(signs)
        for sign, box in self.signs.items():
            box.value = sign in wanted

    def ticked(self) -> list[str]:
        return [sign for sign, box in self.signs.items() if box.value]

    def flag(self, offer_id: str | None = None) -> bool:
        """« Je signale cette offre » with the ticked signs and the reason; False with a message."""
        offer = self._offer(offer_id)
        if offer is None:
            return False
        signs, reason = self.ticked(), clean_text(self.reason.value, MAX_REASON)
        if not signs and not reason:
            self._say(t("scams.flag_needs_reason"), alert=True)
            return False
        data = {"offer_id": offer["id"], "title": str(offer.get("title") or ""), "signs": signs,
                "reason": reason}
        if not self._write(lambda: self.journal.record(FLAG, data)):
            return False
        message = t("scams.flagged_ok", title=offer.get("title", ""))
        if self._saved(offer["id"]) and self._write(lambda: remove_offer(self.journal, offer["id"])):
            message += " " + t("scams.flagged_removed")
        self._say(message)
        self.why.value = why_html(signs)
        self._changed()
        return True

    def trust(self, offer_id: str | None = None) -> bool:
        """« Cette offre me semble fiable »."""
        offer = self._offer(offer_id)
        if offer is None:
            return False
        data = {"offer_id": offer["id"], "title": str(offer.get("title") or "")}
        if not self._write(lambda: self.journal.record(TRUST, data)):
            return False
        self._say(t("scams.trusted_ok", title=offer.get("title", "")))
        self.why.value = ""
        self._changed()
        return True

    def save(self, offer_id: str | None = None) -> bool:
        """Keep the offer in « Ma sélection » (a `shortlist.add` event); False if already there."""
        offer = self._offer(offer_id)
        if offer is None:
            return False
        if self._saved(offer["id"]):
            self._say(t("scams.already_saved"))
            return False
        if not self._write(lambda: add_offer(self.journal, offer["id"], str(offer.get("title") or ""))):
            return False
        self._say(t("scams.saved_ok", title=offer.get("title", "")))
        self._changed()
        return True

    def decisions(self) -> dict[str, Decision]:
        return decisions(self.journal.events())

    # ----------------------------------------------------------------- internals

    def _offer(self, offer_id: str | None) -> dict[str, Any] | None:
        if offer_id is not None:
            for index, offer in enumerate(self.offers):
                if offer["id"] == str(offer_id):
                    if index != self.index:
                        self.show(index)
                    return offer
            self._say(t("scams.unknown_offer"), alert=True)
            return None
        if self.current is None:
            self._say(t("scams.no_offers"), alert=True)
        return self.current

    def _saved_ids(self) -> set[str]:
        return {e.offer_id for e in current_shortlist(self.journal.events(prefix="shortlist."))}

    def _saved(self, offer_id: str) -> bool:
        return offer_id in self._saved_ids()

    def _write(self, action: Callable[[], Any]) -> bool:
        try:
            action()
        except (TremplinError, OSError) as error:
            self._say(t("scams.journal_error", reason=str(error)), alert=True)
            return False
        return True

    def _say(self, text: str, *, alert: bool = False) -> None:
        role = "alert" if alert else "status"
        self.status.value = f'<p role="{role}" aria-live="polite">{_esc(text)}</p>' if text else ""

    def _changed(self) -> None:
        self._summarise()
        if self.on_change is not None:
            self.on_change()

    def _summarise(self) -> None:
        """« Vos décisions »: each offer's title with what the learner last said of it."""
        if not self.offers:
            self.summary.value = ""
            return
        said = self.decisions()
        saved = self._saved_ids()
        rows = []
        for offer in self.offers:
            decision = said.get(offer["id"])
            states = [t("scams.state_flagged") if decision and decision.kind == FLAG
                      else t("scams.state_trusted") if decision else t("scams.state_open")]
            if offer["id"] in saved:
                states.append(t("scams.state_saved"))
            rows.append(f"<li>{_esc(offer.get('title', ''))} — {_esc(', '.join(states))}</li>")
        self.summary.value = f"<h4>{_esc(t('scams.summary_heading'))}</h4><ol>{''.join(rows)}</ol>"
