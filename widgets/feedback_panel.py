"""The formative "Vérifier" panel: what the checks say, in the learner's words.

It knows nothing of grading: it is given a function returning one `PanelItem` per check
(the lesson composes it with the checks), so the same words reach the learner while
practising and in the graded épreuve. Each result sits in a live region (a status, or an
alert when the check itself failed) so that a screen reader reads it out after « Vérifier ».
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tremplin.widgets.i18n import number, t
from tremplin.widgets.shared_looks import column, html_widget, plain_button

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class PanelItem:
    title: str
    passed: bool
    feedback: str
    points: float
    max_points: float


def render_items(items: Sequence[PanelItem]) -> str:
    """The panel's HTML: a summary then one line per check, every text escaped."""
    if not items:
        return f"<p>{html.escape(t('feedback.nothing_to_check'))}</p>"
    done = sum(1 for item in items if item.passed)
    points = sum(item.points for item in items)
    total = sum(item.max_points for item in items)
    summary = t("feedback.summary", done=done, count=len(items), points=number(points), total=number(total))
    rows = []
    for item in items:
        mark, label, css = (
            ("✔", t("feedback.done"), "ok") if item.passed else ("✘", t("feedback.todo"), "todo")
        )
        rows.append(
            f'<li class="tremplin-check tremplin-check-{css}">'
            f'<span aria-hidden="true">{mark}</span> <strong>{html.escape(item.title)}</strong>'
            f' <span class="tremplin-sr">({html.escape(label)})</span><br>'
            f"{html.escape(item.feedback)}</li>"
        )
    advice = t("feedback.all_done") if done == len(items) else t("feedback.keep_going")
    return (
        f'<h3>{html.escape(summary)}</h3><ul class="tremplin-checks">{"".join(rows)}</ul>'
        f"<p>{html.escape(advice)}</p>"
    )


#: The class of the panel's output widget: it stays on the page, so tremplin.js makes it the live
#: region of the results before any arrives (a region inserted with its message is not always said).
OUTPUT_CLASS = "tremplin-feedback-output"


def live_region(inner_html: str, *, problem: bool = False, check: int = 0) -> str:
    """`inner_html` in a region a screen reader announces: politely, or at once for a problem.
    `check` numbers the learner's checks: the same verdicts twice still change the page, so
    pressing « Vérifier » again is answered again (tremplin.js says each new result)."""
    role = 'role="alert" aria-live="assertive"' if problem else 'role="status" aria-live="polite"'
    return (
        f'<div class="tremplin-feedback-result" {role} aria-atomic="true" data-check="{check}">'
        f"{inner_html}</div>"
    )


class FeedbackPanel:
    """A "Vérifier" button and the checks' verdicts, refreshed on demand or on every event."""

    def __init__(self, compute: Callable[[], Sequence[PanelItem]], *, auto: bool = False) -> None:
        self._compute = compute
        self.auto = auto
        self.button = plain_button(
            description=t("common.check_button"),
            tooltip=t("feedback.button_tooltip"),
            button_style="primary",
            icon="check",
        )
        self.output = html_widget(f"<p>{html.escape(t('feedback.intro'))}</p>")
        self.output.add_class(OUTPUT_CLASS)  # tremplin.js makes it the results' live region
        self.button.on_click(lambda _button: self.refresh())
        heading = html_widget(f"<h2>{html.escape(t('feedback.heading'))}</h2>")
        self.widget = column([heading, self.button, self.output])
        self.widget.add_class("tremplin-feedback")
        self.items: list[PanelItem] = []
        self.checks = 0

    def refresh(self) -> list[PanelItem]:
        self.checks += 1
        try:
            self.items = list(self._compute())
        except Exception:  # the panel must never show a traceback to a learner
            LOG.exception("feedback computation failed")
            failed = f"<p>{html.escape(t('feedback.failed'))}</p>"
            self.output.value = live_region(failed, problem=True, check=self.checks)
            self.items = []
            return self.items
        self.output.value = live_region(render_items(self.items), check=self.checks)
        return self.items

    def notify(self) -> None:
        """Called after each learner action; refreshes only if the panel is live."""
        if self.auto:
            self.refresh()
