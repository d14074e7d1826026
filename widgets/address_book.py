"""The address book: the adviser and the world's employers, searched by name or address.

The learner types a few letters, picks a contact and adds them to « À », « Cc » or « Cci »
of the message being written; nothing is typed by hand, so no address is misspelt.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as w
from tremplin.widgets.i18n import t

MAX_SHOWN = 30


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def matching(contacts: Sequence[Any], query: str, limit: int = MAX_SHOWN) -> list[Any]:
    """Contacts whose name or address holds every word of `query` (accents and case ignored)."""
    words = _fold(str(query or "")[:100]).split()
    found = [c for c in contacts if all(word in _fold(c.label) for word in words)]
    return found[:limit]


class AddressBook:
    """Search field, contact list, and three buttons; `add(field)` calls `on_add(field, address)`."""

    def __init__(self, contacts: Sequence[Any], on_add: Callable[[str, str], None]) -> None:
        self.contacts, self.on_add = list(contacts), on_add
        self.search = w.Text(description=t("mail_client.book_search"),
                             placeholder=t("mail_client.book_placeholder"), continuous_update=True)
        self.choice = w.Dropdown(description=t("mail_client.book_choice"), layout=w.Layout(width="auto"))
        self.buttons = {
            field: w.Button(description=t(f"mail_client.book_add_{field}"), icon="user-plus",
                            layout=w.Layout(width="auto"))
            for field in ("to", "cc", "bcc")
        }
        for field, button in self.buttons.items():
            button.on_click(lambda _b, field=field: self.add(field))
        self.search.observe(lambda _change: self.refresh(), names="value")
        heading = w.HTML(f"<h4>{html.escape(t('mail_client.book_heading'))}</h4>")
        self.widget = w.VBox([heading, self.search, self.choice, w.HBox(list(self.buttons.values()))])
        self.refresh()

    def refresh(self) -> None:
        shown = matching(self.contacts, self.search.value)
        self.choice.options = [(contact.label, contact.address) for contact in shown]
        self.choice.value = shown[0].address if shown else None

    def add(self, field: str) -> bool:
        if not self.choice.value:
            return False
        self.on_add(field, str(self.choice.value))
        return True


class AddressChooser:
    """« Mon adresse »: the learner's address shown, a field and a button to choose another.

    `on_choose(local_part)` does the work (register, journal) and returns True if it was taken.
    """

    def __init__(self, on_choose: Callable[[str], bool]) -> None:
        self.current = w.HTML()
        self.field = w.Text(description=t("mail_client.address_field"),
                            placeholder=t("mail_client.address_placeholder"))
        self.button = w.Button(description=t("mail_client.address_button"), icon="id-card")
        self.button.on_click(lambda _b: on_choose(self.field.value))
        self.widget = w.VBox([self.current, w.HBox([self.field, self.button])])

    def show(self, address: str) -> None:
        self.current.value = f"<p>{html.escape(t('mail_client.your_address', address=address))}</p>"
