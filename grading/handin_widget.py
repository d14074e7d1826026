"""The "Rendre mon épreuve" button: hands the épreuve and a snapshot of the workspace in.

A learner may hand in again (the mediator collects the latest); a failure says so in
French and keeps everything the learner made. The retake policy (grading/retake.py) is asked
first: a hand-in it refuses (already passed, too early, no attempt left) is not made and the
learner reads why and when. A damaged settings file does not block the learner: the hand-in
goes through and the policy is applied again when the mediator grades.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import ipywidgets as widgets
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t
from tremplin.widgets.workspace import Workspace, pseudonym_slug

LOG = logging.getLogger(__name__)


class HandInButton:
    def __init__(
        self, data_root: Path, epreuve: str, workspace: Workspace,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.data_root, self.epreuve, self.workspace = data_root, epreuve, workspace
        self.clock = clock or (lambda: datetime.now(UTC))
        self.button = widgets.Button(
            description=t("pages.hand_in"),
            button_style="success",
            icon="paper-plane",
            tooltip=t("pages.hand_in_tooltip"),
        )
        self.status = widgets.HTML()
        self.button.on_click(lambda _b: self.hand_in())
        heading = widgets.HTML(
            f"<h2>{html.escape(t('pages.hand_in_heading'))}</h2><p>{html.escape(t('pages.hand_in_help'))}</p>"
        )
        self.widget = widgets.VBox([heading, self.button, self.status])

    def hand_in(self) -> bool:
        from tremplin.grading.exchange import hand_in

        try:
            learner = pseudonym_slug(self.workspace.pseudonym)
            refusal = self.refusal(learner)
            if refusal:
                self.status.value = f'<p role="alert">{html.escape(refusal)}</p>'
                return False
            hand_in(self.data_root, self.epreuve, learner, self.workspace.root)
        except TremplinError as error:
            self.status.value = f'<p role="alert">{html.escape(str(error))}</p>'
            return False
        except Exception:
            LOG.exception("hand-in failed")
            self.status.value = f'<p role="alert">{html.escape(t("pages.hand_in_failed"))}</p>'
            return False
        self.status.value = f'<p role="status">{html.escape(t("pages.hand_in_done"))}</p>'
        return True

    def refusal(self, learner: str) -> str | None:
        """The policy's message when it refuses this hand-in now, else None."""
        from tremplin.grading.course import learner_course_dir
        from tremplin.grading.retake import may_hand_in

        course_dir = learner_course_dir(self.data_root)
        try:
            decision = may_hand_in(course_dir, learner, self.epreuve, self.clock())
        except TremplinError:
            LOG.warning("retake policy unreadable; hand-in allowed, checked again at grading",
                        exc_info=True)
            return None
        return None if decision.allowed else t("retake.refused_by_policy", message=decision.message())
