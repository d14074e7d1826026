"""The mail client (French): folders, reading, writing, replying, forwarding, sorting out spam.

Folders: Boîte de réception, Envoyés, Brouillons, Indésirables, Corbeille. Every action
goes through the learner's real Maildir (mail_client_backend) and records the journal
event of the mail contract (docs/mail.md), so checks read the same evidence the learner
produced. Each action is a method (`send`, `reply`, `report_phishing`…) that a button,
a test or a simulated learner calls alike; a problem gives a French message and loses
nothing already written.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import ipywidgets as w
from tremplin.widgets.address_book import AddressChooser
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t
from tremplin.widgets.mail_client_backend import (
    FOLDERS,
    INBOX,
    MailBackend,
    MailView,
    Summary,
    with_message_id,
    world_contacts,
)
from tremplin.widgets.mail_compose_widget import Composer
from tremplin.widgets.mail_read_widget import MessageReader, folder_label, message_id_of, summary_label

LOG = logging.getLogger(__name__)


class MailClient:
    """The whole client. `journal` is the activity's journal (ActivityJournal)."""

    def __init__(self, backend: MailBackend, journal: Any, *, contacts: list[Any] | None = None,
                 on_change: Callable[[], None] | None = None) -> None:
        self.backend, self.journal, self.on_change = backend, journal, on_change
        self.folder = INBOX
        self.view: MailView | None = None
        self.summaries: list[Summary] = []
        self._filling = False
        self.chooser = AddressChooser(self.choose_address)
        self.address_html = self.chooser.current
        self.new_button = w.Button(description=t("mail_client.new_message"), button_style="primary",
                                   icon="pencil")
        self.new_button.on_click(lambda _b: self.new_message())
        self.check_button = w.Button(description=t("mail_client.check_mail"), icon="refresh")
        self.check_button.on_click(lambda _b: self.check_mail())
        self.folders = w.ToggleButtons(options=[(folder_label(f), f) for f in FOLDERS], value=INBOX,
                                       description=t("mail_client.folders"))
        self.folders.observe(lambda change: self.open_folder(change["new"]), names="value")
        self.messages = w.Select(description=t("mail_client.messages"), rows=8,
                                 layout=w.Layout(width="95%"))
        self.messages.observe(self._picked, names="value")
        self.status = w.HTML()
        self.reader = MessageReader(self.click_link, self.save_attachment)
        self.composer = Composer(contacts if contacts is not None else world_contacts(backend.world),
                                 backend.documents, self.send, self.save_draft, self.close_and_keep)
        self.composer.widget.layout.display = "none"
        heading = w.HTML(f"<h2>{html.escape(t('mail_client.heading'))}</h2>"
                         f"<p>{html.escape(t('mail_client.offline_note'))}</p>")
        self.widget = w.VBox([
            heading, self.chooser.widget,
            w.HBox([self.new_button, self.check_button]), self.folders, self.messages, self.status,
            self.composer.widget, self.reader.widget,
        ])
        self.widget.add_class("tremplin-mail")
        self.chooser.show(self.backend.address)
        self.refresh()

    # -- small helpers ----------------------------------------------------------------------------

    def say(self, key: str, role: str = "status", **values: object) -> None:
        self.status.value = f'<p role="{role}">{html.escape(t(key, **values))}</p>'

    def _fail(self, error: Exception) -> None:
        if isinstance(error, TremplinError):
            self.status.value = f'<p role="alert">{html.escape(str(error))}</p>'
        else:
            LOG.exception("mail client action failed")
            self.say("mail_client.failed", role="alert")

    def _changed(self) -> None:
        if self.on_change:
            self.on_change()

    # -- folders and messages -----------------------------------------------------------------------

    def refresh(self) -> None:
        try:
            self.summaries = self.backend.list(self.folder)
        except (TremplinError, OSError) as error:
            self.summaries = []
            self._fail(error)
        self._filling = True
        try:
            self.messages.options = [(summary_label(s), s.key) for s in self.summaries]
            self.messages.value = None
        finally:
            self._filling = False
        if not self.summaries:
            self.say("mail_client.folder_empty", folder=folder_label(self.folder))

    def open_folder(self, folder: str) -> None:
        if folder not in FOLDERS:
            return
        self.folder = folder
        if self.folders.value != folder:
            self.folders.value = folder  # calls open_folder again, which is harmless
        self.view = None
        self.reader.clear()
        self.status.value = ""
        self.refresh()

    def _picked(self, change: dict[str, Any]) -> None:
        if not self._filling and change["new"]:
            self.open_message(change["new"])

    def find(self, subject: str = "", *, kind: str = "", folder: str | None = None) -> Summary | None:
        """The newest message of a folder whose subject holds `subject` (and of `kind`), for drivers."""
        summaries = self.summaries if folder in (None, self.folder) else self.backend.list(folder)
        for summary in summaries:
            if subject.casefold() in summary.subject.casefold() and (not kind or summary.kind == kind):
                return summary
        return None

    def open_message(self, key: str) -> MailView | None:
        try:
            view = self.backend.read(self.folder, key)
        except (TremplinError, OSError) as error:
            self._fail(error)
            self.refresh()
            return None
        self.view = view
        self.reader.show(view, folder_label(self.folder))
        self.reader.set_actions(self.folder, self.act)
        self.journal.record("mail.open", {"message_id": message_id_of(view.summary), "folder": self.folder})
        self._changed()
        return view

    def act(self, action: str) -> Any:
        handlers: dict[str, Callable[[], Any]] = {
            "reply": self.reply, "reply_all": lambda: self.reply(everyone=True), "forward": self.forward,
            "junk": lambda: self.move_to("Junk"), "not_junk": lambda: self.move_to(INBOX),
            "phishing": self.report_phishing, "delete": self.delete, "delete_forever": self.delete,
            "restore": self.restore, "edit": self.edit_draft,
        }
        return handlers[action]()

    def _need_view(self) -> MailView | None:
        if self.view is None:
            self.say("mail_client.open_first", role="alert")
        return self.view

    # -- sorting: junk, phishing, trash ---------------------------------------------------------------

    def move_to(self, to_folder: str) -> bool:
        view = self._need_view()
        if view is None:
            return False
        message_id, from_folder = message_id_of(view.summary), self.folder
        try:
            self.backend.move(view.summary.key, from_folder, to_folder)
        except (TremplinError, OSError) as error:
            self._fail(error)
            return False
        self.journal.record("mail.move", {"message_id": message_id, "from_folder": from_folder,
                                          "to_folder": to_folder})
        self._after_sorting("mail_client.moved", folder=folder_label(to_folder))
        return True

    def report_phishing(self) -> bool:
        view = self._need_view()
        if view is None:
            return False
        message_id, from_folder = message_id_of(view.summary), self.folder
        try:
            self.backend.move(view.summary.key, from_folder, "Junk")
        except (TremplinError, OSError) as error:
            self._fail(error)
            return False
        self.journal.record("mail.report_phishing", {"message_id": message_id})
        self.journal.record("mail.move", {"message_id": message_id, "from_folder": from_folder,
                                          "to_folder": "Junk"})
        self._after_sorting("mail_client.reported")
        return True

    def delete(self) -> bool:
        view = self._need_view()
        if view is None:
            return False
        folder = self.folder
        try:
            self.backend.delete(folder, view.summary.key)
        except (TremplinError, OSError) as error:
            self._fail(error)
            return False
        self.journal.record("mail.delete", {"message_id": message_id_of(view.summary), "folder": folder})
        self._after_sorting("mail_client.deleted_forever" if folder == "Trash" else "mail_client.deleted")
        return True

    def restore(self) -> bool:
        view = self._need_view()
        if view is None or self.folder != "Trash":
            return False
        try:
            to_folder, _key = self.backend.restore(view.summary.key)
        except (TremplinError, OSError) as error:
            self._fail(error)
            return False
        self.journal.record("mail.restore", {"message_id": message_id_of(view.summary),
                                             "to_folder": to_folder})
        self._after_sorting("mail_client.restored", folder=folder_label(to_folder))
        return True

    def _after_sorting(self, key: str, **values: object) -> None:
        self.view = None
        self.reader.clear()
        self.refresh()
        self.say(key, **values)
        self._changed()

    def click_link(self, url: str, text: str) -> None:
        """A link of a message was clicked: recorded, never followed; a warning is shown."""
        message_id = message_id_of(self.view.summary) if self.view else ""
        self.journal.record("mail.link_click", {"message_id": message_id, "url": url[:2000],
                                                "text": text[:500]})
        self.reader.warn(url)
        self._changed()

    def save_attachment(self, index: int) -> str | None:
        """Keep a received file in « Mes documents »; returns the name it was saved under."""
        view = self._need_view()
        if view is None or not 0 <= index < len(view.attachments):
            return None
        try:
            saved = self.backend.save_attachment(view.attachments[index])
        except TremplinError as error:
            self._fail(error)
            return None
        self.journal.record("mail.save_attachment", {"message_id": message_id_of(view.summary),
                                                     "name": view.attachments[index].filename[:200],
                                                     "saved_as": saved})
        self.say("mail_client.attachment_saved", name=saved)
        self._changed()
        return saved

    # -- writing ---------------------------------------------------------------------------------------

    def _compose(self, draft: Any) -> None:
        self.composer.load(draft)
        self.composer.widget.layout.display = None

    def close_composer(self) -> None:
        self.composer.widget.layout.display = "none"

    def close_and_keep(self) -> bool:
        """« Fermer »: what was typed is kept in Brouillons first (the form stays open if it cannot be)."""
        draft = self.composer.draft()
        if self.composer.edited() and self.save_draft(draft) is None:
            return False
        self.close_composer()
        return True

    def new_message(self) -> None:
        self._compose(self.backend.new_draft())

    def _compose_from(self, build: Callable[[MailView], Any]) -> bool:
        view = self._need_view()
        if view is None:
            return False
        self._compose(build(view))
        return True

    def reply(self, everyone: bool = False) -> bool:
        return self._compose_from(lambda view: self.backend.reply_draft(view, everyone=everyone))

    def forward(self) -> bool:
        return self._compose_from(self.backend.forward_draft)

    def edit_draft(self) -> bool:
        return self._compose_from(self.backend.draft_of)

    def save_draft(self, draft: Any) -> Any:
        """Store the draft in Brouillons (replacing its previous version); the saved Draft, or None."""
        try:
            saved, _key = self.backend.save_draft(draft)
        except (TremplinError, OSError) as error:
            said = str(error) if isinstance(error, TremplinError) else t("mail_client.failed")
            self.composer.say_text(said)
            return None
        self.journal.record("mail.draft", {"message_id": saved.message_id,
                                           "subject": str(saved.subject)[:500]})
        self.composer.say("mail_client.draft_saved", role="status")
        if self.folder == "Drafts":
            self.refresh()
        self._changed()
        return saved

    def send(self, draft: Any) -> bool:
        """Send through the kit's server; on failure the message stays in Brouillons and the form as typed."""
        draft = with_message_id(draft)
        self.composer.base = replace(self.composer.base, message_id=draft.message_id)
        if not self.journal.events(kind="mail.address"):
            self.journal.record("mail.address", {"address": self.backend.address})
        try:
            result = self.backend.send(draft)
        except TremplinError as error:
            self.composer.say_text(str(error))
            self.refresh()
            return False
        except Exception:
            LOG.exception("sending failed")
            self.composer.say("mail_client.send_failed")
            self.refresh()
            return False
        self.journal.record("mail.send", result.event_data())
        self.close_composer()
        self.refresh()
        self.say("mail_client.sent", recipients=", ".join(result.outgoing.recipients)[:300])
        self._changed()
        return True

    # -- the learner's address and incoming mail ---------------------------------------------------------

    def choose_address(self, local_part: str) -> bool:
        try:
            address = self.backend.choose_address(local_part)
        except TremplinError as error:
            self._fail(error)
            return False
        self.journal.record("mail.address", {"address": address})
        self.chooser.show(address)
        self.say("mail_client.address_chosen", address=address)
        self._changed()
        return True

    def check_mail(self) -> int:
        """« Relever le courrier »: employers' due answers delivered, new ones recorded, list refreshed."""
        try:
            self.backend.deliver_due()
        except (TremplinError, OSError) as error:
            self._fail(error)
        new = self.record_deliveries()
        self.open_folder(INBOX)
        self.say("mail_client.new_mail" if new else "mail_client.no_new_mail", count=new)
        return new

    def record_deliveries(self) -> int:
        """`mail.delivered` for each employer answer to the learner's messages not yet recorded."""
        try:
            sent = {message_id_of(s) for s in self.backend.list("Sent")}
            inbox = self.backend.list(INBOX)
        except (TremplinError, OSError):
            return 0
        known = {e.data.get("message_id") for e in self.journal.events(kind="mail.delivered")}
        count = 0
        for summary in reversed(inbox):
            if summary.in_reply_to.strip() in sent and message_id_of(summary) not in known:
                self.journal.record("mail.delivered", {"message_id": message_id_of(summary),
                                                       "from": summary.sender_address,
                                                       "kind": self.backend.reply_kind(summary.key)})
                count += 1
        if count:
            self._changed()
        return count


def build_mail_client(workspace: Any, journal: Any, data_root: Path | None, world: Any, *,
                      on_change: Callable[[], None] | None = None) -> MailClient:
    """The client on a learner's workspace (the page's entry point)."""
    return MailClient(MailBackend(workspace, data_root, world), journal, on_change=on_change)
