"""The offer review widget: one offer at a time, signs to tick, report / trust / save, all journaled,
every text escaped, bad input met with a French message and never an exception."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from tremplin.widgets.activity import ActivityJournal
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import LOCALES_DIR, t
from tremplin.widgets.offer_decisions import FLAG, SIGNS, TRUST, decisions, known_signs
from tremplin.widgets.offer_review_widget import MAX_REASON, OfferReviewWidget, why_html
from tremplin.widgets.shortlist import current_shortlist

ACTIVITY = "lecon-arnaques"


def _offer(number: int, **extra) -> dict:
    offer = {"id": f"OF-{number:06d}", "title": f"Offre {number} (H/F)",
             "employer_name": "Boulangerie Le Goff",
             "commune": "Rennes", "postcode": "35000", "contract": "CDI", "working_time": "Temps plein",
             "salary_min": 1900, "salary_max": 2000, "salary_period": "mois",
             "contact_email": "recrutement@le-goff.example", "description": "Premier paragraphe.\n\nSecond."}
    offer.update(extra)
    return offer


@pytest.fixture
def review(learner_workspace):
    offers = [_offer(1), _offer(2, title="<script>alert(1)</script>", description="<b>gras</b>"), _offer(3)]
    return OfferReviewWidget(offers, ActivityJournal(learner_workspace, ACTIVITY))


def _events(review, kind):
    return review.journal.events(kind=kind)


def test_it_shows_one_offer_at_a_time_and_pages_through(review) -> None:
    assert "Offre 1 sur 3" in review.offer_box.value and "Second." in review.offer_box.value
    assert review.previous_button.disabled and not review.next_button.disabled
    review.next_button.click()
    assert review.index == 1 and "Offre 2 sur 3" in review.offer_box.value
    review.show(99)
    assert review.index == 2 and review.next_button.disabled
    review.show(-5)
    assert review.index == 0


def test_every_value_is_escaped(review) -> None:
    review.show(1)
    assert "<script>" not in review.offer_box.value and "&lt;script&gt;" in review.offer_box.value
    assert "&lt;b&gt;gras" in review.offer_box.value
    assert "<script>" not in review.summary.value


def test_the_signs_use_the_catalogue_labels(review) -> None:
    assert list(review.signs) == list(SIGNS)
    for sign, box in review.signs.items():
        assert box.description == t(f"scams.sign_{sign}") != f"scams.sign_{sign}"


def test_a_report_records_the_ticked_signs_and_reason_and_explains_them(review) -> None:
    review.tick(["fees", "premium_phone", "nonsense"])
    review.reason.value = "  On me demande\x00 de payer\x07  "
    assert review.flag()
    (event,) = _events(review, FLAG)
    assert event.data == {"offer_id": "OF-000001", "title": "Offre 1 (H/F)",
                          "signs": ["fees", "premium_phone"], "reason": "On me demande de payer",
                          "context": ACTIVITY}
    assert t("scams.why_fees")[:40] in review.why.value
    assert t("scams.why_premium_phone")[:30] in review.why.value
    assert "signalée" in review.status.value and "signalée" in review.summary.value
    review.show(1)
    assert review.ticked() == [] and review.reason.value == ""
    review.show(0)
    assert review.ticked() == ["fees", "premium_phone"] and review.reason.value == "On me demande de payer"


def test_a_report_needs_a_sign_or_a_reason(review) -> None:
    review.reason.value = " \x00\n "
    assert not review.flag()
    assert 'role="alert"' in review.status.value and "cochez au moins un signe" in review.status.value
    assert not _events(review, FLAG)
    review.reason.value = "L'adresse est bizarre"
    assert review.flag()
    assert _events(review, FLAG)[0].data["signs"] == []
    assert t("scams.why_none")[:30] in review.why.value


def test_a_huge_reason_is_capped(review) -> None:
    review.reason.value = "<script>" + "x" * 20_000
    assert review.flag()
    reason = _events(review, FLAG)[0].data["reason"]
    assert len(reason) == MAX_REASON and reason.startswith("<script>")
    assert "<script>" not in review.status.value


def test_trust_and_save_are_recorded_and_the_last_word_counts(review) -> None:
    assert review.trust("OF-000002")
    assert review.index == 1
    assert _events(review, TRUST)[0].data == {"offer_id": "OF-000002", "title": "<script>alert(1)</script>",
                                              "context": ACTIVITY}
    assert review.save()
    assert not review.save() and "déjà" in review.status.value
    assert [e.offer_id for e in current_shortlist(review.journal.events())] == ["OF-000002"]
    review.tick(["webmail"])
    assert review.flag()
    # reporting a saved offer takes it off « Ma sélection »
    assert current_shortlist(review.journal.events()) == []
    assert "retirée de votre sélection" in review.status.value
    said = review.decisions()
    assert said["OF-000002"].kind == FLAG and said["OF-000002"].signs == ("webmail",)
    assert review.trust()
    assert review.decisions()["OF-000002"].kind == TRUST


def test_an_unknown_offer_gets_a_french_message(review) -> None:
    assert not review.flag("OF-999999") and not review.trust("nope") and not review.save("<b>")
    assert "ne fait pas partie" in review.status.value
    assert not review.journal.events()


def test_no_offers_disables_the_buttons_and_never_raises(learner_workspace) -> None:
    review = OfferReviewWidget([None, {"title": "sans id"}], ActivityJournal(learner_workspace, ACTIVITY))
    assert review.offers == [] and review.flag_button.disabled
    assert t("scams.no_offers") in review.offer_box.value.replace("&#x27;", "'")
    assert not review.trust() and not review.flag() and not review.save()


def test_a_journal_that_fails_becomes_a_french_message() -> None:
    class Broken:
        def record(self, kind, data):
            raise TremplinError("disque plein")

        def events(self, kind=None, prefix=None):
            return []

    changes = []
    review = OfferReviewWidget([_offer(1)], Broken(), on_change=lambda: changes.append(1))
    review.tick(["fees"])
    assert not review.flag() and not review.trust() and not review.save()
    assert "disque plein" in review.status.value and not changes


def test_decisions_ignore_garbled_events() -> None:
    def event(kind, data):
        return SimpleNamespace(kind=kind, data=data)

    events = [event(FLAG, {"offer_id": None}), event(FLAG, {"offer_id": True}),
              event(FLAG, {"offer_id": "OF-1", "signs": "fees", "reason": 3}),
              event(TRUST, {"offer_id": 7}), event("shortlist.add", {"offer_id": "OF-2"})]
    said = decisions(events)
    assert set(said) == {"OF-1", "7"}
    assert said["OF-1"].signs == () and said["OF-1"].reason == ""
    assert known_signs(["webmail", 3, "fees", "x"]) == ("fees", "webmail")
    assert t("scams.why_heading") in why_html(["fees"]) and "<li>" in why_html(["fees"])


def test_on_change_is_called_after_each_decision(learner_workspace) -> None:
    changes = []
    review = OfferReviewWidget([_offer(1)], ActivityJournal(learner_workspace, ACTIVITY),
                               on_change=lambda: changes.append(1))
    review.trust()
    review.save()
    review.tick(["fees"])
    review.flag()
    assert len(changes) == 3


def test_french_and_english_catalogues_have_the_same_keys() -> None:
    fr, en = (json.loads((LOCALES_DIR / lang / "scams.json").read_text(encoding="utf-8"))
              for lang in ("fr", "en"))
    assert set(fr) == set(en)
    for sign in SIGNS:
        assert {f"sign_{sign}", f"why_{sign}", f"hint_{sign}"} <= set(fr)
