"""The "Rendre mon épreuve" button: hands the épreuve and a snapshot of the workspace in.

A learner may hand in again (the mediator collects the latest); a failure says so in
French and keeps everything the learner made.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

import ipywidgets as widgets
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t
from tremplin.widgets.workspace import Workspace, pseudonym_slug

LOG = logging.getLogger(__name__)


class HandInButton:
    def __init__(self, data_root: Path, epreuve: str, workspace: Workspace) -> None:
        self.data_root, self.epreuve, self.workspace = data_root, epreuve, workspace
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
            hand_in(
                self.data_root, self.epreuve, pseudonym_slug(self.workspace.pseudonym), self.workspace.root
            )
        except TremplinError as error:
            self.status.value = f'<p role="alert">{html.escape(str(error))}</p>'
            return False
        except Exception:
            LOG.exception("hand-in failed")
            self.status.value = f'<p role="alert">{html.escape(t("pages.hand_in_failed"))}</p>'
            return False
        self.status.value = f'<p role="status">{html.escape(t("pages.hand_in_done"))}</p>'
        return True
