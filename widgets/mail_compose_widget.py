"""Writing a message: « À », « Cc », « Cci », « Objet », the text, and files from « Mes documents ».

The composer only holds what the learner typed; `draft()` turns it into a mail_message
Draft (threading headers of a reply or forward kept), and the client sends or saves it.
Nothing typed is ever cleared when sending fails: the learner corrects and tries again.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import ipywidgets as w
from tremplin.widgets.address_book import AddressBook
from tremplin.widgets.i18n import t

FIELDS = ("to", "cc", "bcc")


def _text(value: str | list[str] | tuple[str, ...]) -> str:
    return ", ".join(value) if isinstance(value, list | tuple) else str(value or "")


class Composer:
    """The form; `on_send(draft)` and `on_save(draft)` are the client's, `on_close()` hides it."""

    def __init__(
        self,
        contacts: Sequence[Any],
        documents: Callable[[], list[str]],
        on_send: Callable[[Any], bool],
        on_save: Callable[[Any], Any],
        on_close: Callable[[], None],
    ) -> None:
        self.documents, self.on_send, self.on_save, self.on_close = documents, on_send, on_save, on_close
        self.base: Any = None
        self.attached: list[str] = []
        self.carried: list[Any] = []
        self.heading = w.HTML()
        self.to = w.Text(description=t("mail_client.field_to"), placeholder=t("mail_client.to_placeholder"))
        self.cc = w.Text(description=t("mail_client.field_cc"), placeholder=t("mail_client.cc_placeholder"))
        self.bcc = w.Text(description=t("mail_client.field_bcc"),
                          placeholder=t("mail_client.bcc_placeholder"))
        self.subject = w.Text(description=t("mail_client.field_subject"))
        self.body = w.Textarea(description=t("mail_client.field_body"),
                               layout=w.Layout(width="95%", height="16em"))
        for field in (self.to, self.cc, self.bcc, self.subject):
            field.layout = w.Layout(width="95%")
        self.book = AddressBook(contacts, self.add_address)
        self.files = w.Dropdown(description=t("mail_client.usb_key"), layout=w.Layout(width="auto"))
        self.attach_button = w.Button(description=t("mail_client.attach"), icon="paperclip")
        self.attach_button.on_click(lambda _b: self.attach())
        self.attached_html = w.HTML()
        self.remove_choice = w.Dropdown(description=t("mail_client.remove_choice"),
                                        layout=w.Layout(width="auto"))
        self.remove_button = w.Button(description=t("mail_client.remove_attachment"), icon="times")
        self.remove_button.on_click(lambda _b: self.detach())
        self.send_button = w.Button(description=t("mail_client.send"), button_style="primary",
                                    icon="paper-plane")
        self.send_button.on_click(lambda _b: self.send())
        self.save_button = w.Button(description=t("mail_client.save_draft"), icon="save")
        self.save_button.on_click(lambda _b: self.save())
        self.close_button = w.Button(description=t("mail_client.close"), icon="times")
        self.close_button.on_click(lambda _b: self.on_close())
        self.status = w.HTML()
        files = w.VBox([
            w.HTML(f"<h4>{html.escape(t('mail_client.attachments_heading'))}</h4>"
                   f"<p>{html.escape(t('mail_client.attach_help'))}</p>"),
            w.HBox([self.files, self.attach_button]), self.attached_html,
            w.HBox([self.remove_choice, self.remove_button]),
        ])
        self.widget = w.VBox([
            self.heading, self.to, self.cc, self.bcc, self.book.widget, self.subject, self.body, files,
            w.HBox([self.send_button, self.save_button, self.close_button]), self.status,
        ])
        self.widget.add_class("tremplin-mail-composer")

    # -- filling ----------------------------------------------------------------------------

    def load(self, draft: Any) -> None:
        """Show `draft` (a new message, a reply, a forward, a saved draft) in the form."""
        self.base = draft
        kind = getattr(draft, "kind", "new")
        self.heading.value = f"<h3>{html.escape(t('mail_client.compose_' + kind))}</h3>"
        self.to.value, self.cc.value, self.bcc.value = (_text(draft.to), _text(draft.cc), _text(draft.bcc))
        self.subject.value = str(draft.subject or "")
        self.body.value = str(draft.body or "")
        self.attached = list(draft.attachments)
        self.carried = list(draft.carried)
        self.status.value = ""
        self.refresh_files()

    def refresh_files(self) -> None:
        names = self.documents()
        self.files.options = names
        self.files.value = names[0] if names else None
        self._show_attached()

    def _show_attached(self) -> None:
        names = [a.filename for a in self.carried] + self.attached
        if names:
            items = "".join(f"<li>{html.escape(name[:200])}</li>" for name in names)
            self.attached_html.value = f"<ul>{items}</ul>"
        else:
            self.attached_html.value = f"<p>{html.escape(t('mail_client.no_attachment'))}</p>"
        self.remove_choice.options = names
        self.remove_choice.value = names[-1] if names else None

    def add_address(self, field: str, address: str) -> None:
        box = getattr(self, field)
        present = [p.strip() for p in box.value.split(",") if p.strip()]
        if address.lower() not in (p.lower() for p in present):
            box.value = ", ".join([*present, address])

    def attach(self, name: str | None = None) -> bool:
        name = name if name is not None else self.files.value
        if not name:
            self.say("mail_client.attach_nothing")
            return False
        if name not in self.documents():
            self.say("mail_client.attach_missing", name=str(name)[:100])
            self.refresh_files()
            return False
        if name not in self.attached:
            self.attached.append(name)
        self._show_attached()
        self.say("mail_client.attached", role="status", name=name)
        return True

    def detach(self, name: str | None = None) -> bool:
        name = name if name is not None else self.remove_choice.value
        if name in self.attached:
            self.attached.remove(name)
        else:
            kept = [a for a in self.carried if a.filename != name]
            if len(kept) == len(self.carried):
                return False
            self.carried = kept
        self._show_attached()
        return True

    # -- what it makes ----------------------------------------------------------------------

    def draft(self) -> Any:
        return replace(
            self.base, to=self.to.value, cc=self.cc.value, bcc=self.bcc.value, subject=self.subject.value,
            body=self.body.value, attachments=tuple(self.attached), carried=tuple(self.carried),
        )

    def edited(self) -> bool:
        """True if the learner changed something since the form was filled (a reply, a draft…)."""
        draft = self.draft()
        return any(_text(getattr(draft, name)).strip() != _text(getattr(self.base, name)).strip()
                   for name in ("to", "cc", "bcc", "subject", "body", "attachments"))

    def say(self, key: str, role: str = "alert", **values: object) -> None:
        self.status.value = f'<p role="{role}">{html.escape(t(key, **values))}</p>'

    def say_text(self, text: str, role: str = "alert") -> None:
        self.status.value = f'<p role="{role}">{html.escape(text)}</p>'

    def send(self) -> bool:
        return self.on_send(self.draft())

    def save(self) -> bool:
        saved = self.on_save(self.draft())
        if saved is None:
            return False
        self.base = replace(self.base, message_id=saved.message_id)
        return True
