"""The formative « Vérifier » panel: verdicts in the learner's words, read out by a screen reader.

Real ipywidgets, no kernel: the panel's HTML value is what the browser shows (its browser
side is in test_keyboard_browser.py)."""

from __future__ import annotations

from tremplin.widgets.feedback_panel import OUTPUT_CLASS, FeedbackPanel, PanelItem, render_items
from tremplin.widgets.i18n import t

ITEMS = [
    PanelItem("Lancer une recherche", True, "C'est fait.", 1, 1),
    PanelItem("Enregistrer une offre <b>", False, "Gardez une offre & relisez-la.", 0, 2),
]


def test_a_check_puts_its_result_in_a_polite_live_region() -> None:
    panel = FeedbackPanel(lambda: ITEMS)
    assert "role=" not in panel.output.value  # the intro is not announced
    assert OUTPUT_CLASS in panel.output._dom_classes  # the page makes the output a live region
    assert panel.refresh() == ITEMS
    value = panel.output.value
    assert value.startswith(
        '<div class="tremplin-feedback-result" role="status" aria-live="polite" aria-atomic="true"'
    )
    assert render_items(ITEMS) in value
    assert "Enregistrer une offre &lt;b&gt;" in value and "&amp; relisez" in value
    assert "1 étape(s) réussie(s) sur 2" in value


def test_the_same_verdicts_checked_again_change_the_page_so_they_are_said_again() -> None:
    panel = FeedbackPanel(lambda: ITEMS)
    panel.refresh()
    first = panel.output.value
    panel.refresh()
    assert panel.output.value != first  # ipywidgets sends only a changed value to the page
    assert render_items(ITEMS) in panel.output.value and 'data-check="2"' in panel.output.value


def test_the_button_refreshes_the_result() -> None:
    calls: list[int] = []

    def compute() -> list[PanelItem]:
        calls.append(1)
        return ITEMS[:1]

    panel = FeedbackPanel(compute)
    panel.button.click()
    assert calls == [1] and t("feedback.all_done") in panel.output.value
    panel.notify()  # not live: nothing recomputed
    assert calls == [1]
    FeedbackPanel(compute, auto=True).notify()
    assert calls == [1, 1]


def test_a_failed_check_is_an_alert_without_a_traceback() -> None:
    def broken() -> list[PanelItem]:
        raise ValueError("secret_internal_detail")

    panel = FeedbackPanel(broken)
    assert panel.refresh() == []
    assert 'role="alert"' in panel.output.value and 'role="status"' not in panel.output.value
    assert t("feedback.failed").split(" ")[0] in panel.output.value
    assert "secret_internal_detail" not in panel.output.value and "Traceback" not in panel.output.value


def test_nothing_to_check_is_still_announced() -> None:
    panel = FeedbackPanel(lambda: [])
    panel.refresh()
    assert 'role="status"' in panel.output.value
    assert t("feedback.nothing_to_check") in panel.output.value.replace("&#x27;", "'")
