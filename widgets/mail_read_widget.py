"""Reading one message: its headers, its text, its attachments, and its links as buttons.

Message bodies are hostile input. The text is always shown escaped, as text; an HTML-only
message is turned into text (scripts and styles dropped). No link ever becomes an anchor:
each one is a button that records `mail.link_click` and shows a warning page instead of
opening anything.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from email.message import Message
from email.utils import parseaddr
from html.parser import HTMLParser
from typing import Any

import ipywidgets as w
from tremplin.widgets.i18n import number, t
from tremplin.widgets.mail_client_backend import INBOX, Summary

MAX_SHOWN = 100_000
MAX_LINKS = 12
#: Attachments that are programs or scripts, whatever they pretend to be ("cv.pdf.exe").
DANGEROUS_EXTENSIONS = (".exe", ".scr", ".bat", ".js")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'»«)\]]+", re.IGNORECASE)


class _TextAndLinks(HTMLParser):
    """HTML mail as plain text, plus its anchors (href, text); scripts and styles dropped."""

    _SKIP = {"script", "style", "head", "title"}
    _BREAK = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "table"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[str, str]] = []
        self._skipping = 0
        self._href: str | None = None
        self._anchor: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BREAK:
            self.parts.append("\n")
        elif tag == "a":
            self._href = dict(attrs).get("href") or ""
            self._anchor = []

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag == "a" and self._href is not None:
            text = " ".join("".join(self._anchor).split())
            if self._href.strip():
                self.links.append((self._href.strip(), text or self._href.strip()))
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        self.parts.append(data)
        if self._href is not None:
            self._anchor.append(data)


def _part_text(part: Message) -> str:
    try:
        return str(part.get_content())  # type: ignore[attr-defined]
    except (LookupError, ValueError, AssertionError, AttributeError):
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else str(payload)


def readable(message: Message) -> tuple[str, list[tuple[str, str]]]:
    """(text to show, [(url, text)]) of a message: its plain text, else its HTML as text."""
    plain = html_part = None
    try:
        plain = message.get_body(preferencelist=("plain",))  # type: ignore[attr-defined]
        html_part = message.get_body(preferencelist=("html",))  # type: ignore[attr-defined]
    except (AttributeError, KeyError):
        pass
    links: list[tuple[str, str]] = []
    text = _part_text(plain) if plain is not None else ""
    if html_part is not None:
        parser = _TextAndLinks()
        try:
            parser.feed(_part_text(html_part)[: MAX_SHOWN * 2])
            parser.close()
        except (AssertionError, ValueError):
            pass
        links.extend(parser.links)
        if plain is None:
            text = re.sub(r"\n\s*\n+", "\n\n", "".join(parser.parts)).strip()
    for match in _URL.finditer(text[:MAX_SHOWN]):
        url = match.group(0).rstrip(".,;:!?")
        links.append((url, url))
    unique: dict[str, tuple[str, str]] = {}
    for url, label in links:
        unique.setdefault(url, (url, label))
    return text, list(unique.values())[:MAX_LINKS]


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return t("mail_client.size_mb", size=number(size / (1024 * 1024)))
    return t("mail_client.size_kb", size=number(max(1, round(size / 1024))))


def other_reply_to(message: Message) -> str:
    """The Reply-To header when answers would go to another address than the sender's, else ""."""
    reply_to = str(message.get("Reply-To", "") or "").strip()
    sender = parseaddr(str(message.get("From", "") or ""))[1].strip().lower()
    if not reply_to or parseaddr(reply_to)[1].strip().lower() == sender:
        return ""
    return reply_to


def headers_html(message: Message, folder_label: str) -> str:
    """De / Répondre à (when it differs) / À / Cc / Date / Objet, escaped."""
    rows = []
    for header, key in (("From", "from"), ("Reply-To", "reply_to"), ("To", "to"), ("Cc", "cc"),
                        ("Bcc", "bcc"), ("Date", "date")):
        note = ""
        if header == "Reply-To":
            value = other_reply_to(message)
            note = (f'<br><small class="tremplin-mail-reply-to">'
                    f"{html.escape(t('mail_client.reply_to_differs'))}</small>")
        else:
            value = str(message.get(header, "") or "").strip()
        if value:
            rows.append(f"<tr><th scope=\"row\">{html.escape(t('mail_client.header_' + key))}</th>"
                        f"<td>{html.escape(value[:2000])}{note}</td></tr>")
    subject = str(message.get("Subject", "") or "").strip() or t("mail_client.no_subject")
    return (f'<h3 class="tremplin-mail-subject">{html.escape(subject[:500])}</h3>'
            f'<p><small>{html.escape(folder_label)}</small></p>'
            f'<table class="tremplin-mail-headers">{"".join(rows)}</table>')


def body_html(text: str) -> str:
    shown = text[:MAX_SHOWN]
    cut = (f"<p><em>{html.escape(t('mail_client.body_cut', shown=MAX_SHOWN, total=len(text)))}</em></p>"
           if len(text) > MAX_SHOWN else "")
    return (f'<pre class="tremplin-mail-body" style="white-space:pre-wrap;font-family:inherit;'
            f'font-size:1.05em">{html.escape(shown)}</pre>{cut}')


def is_dangerous(filename: object) -> bool:
    """A program or script in disguise? ("convocation.pdf.exe", "photo.JPG.scr ", "facture.js")."""
    name = "".join(str(filename or "").split()).lower().rstrip(".")
    return name.endswith(DANGEROUS_EXTENSIONS)


def can_open(filename: object) -> bool:
    """Whether the client lets the learner open or save this attachment (never a program)."""
    return not is_dangerous(filename)


def _attachment_item(attachment: Any) -> str:
    name = html.escape(str(attachment.filename)[:200])
    facts = f"({html.escape(attachment.content_type)}, {html.escape(_size(attachment.size))})"
    if not is_dangerous(attachment.filename):
        return f"<li>{name} {facts}</li>"
    return (f'<li class="tremplin-mail-dangerous"><strong>⚠ {name}</strong> {facts}<br>'
            f"<span role=\"alert\">{html.escape(t('mail_client.attachment_dangerous'))}</span></li>")


def attachments_html(attachments: list[Any]) -> str:
    if not attachments:
        return ""
    items = "".join(_attachment_item(a) for a in attachments)
    return f"<h4>{html.escape(t('mail_client.attachments_heading'))}</h4><ul>{items}</ul>"


def _bare(address: str) -> str:
    return re.sub(r"^(?:https?://)?(?:www\.)?", "", address.strip().lower()).rstrip("/")


def _same_place(url: str, text: str) -> bool:
    """Does the visible text of a link show where it really goes (or no address at all)?"""
    shown = text.strip().lower()
    if not _URL.fullmatch(shown):
        return not _URL.search(shown)
    return _bare(url) == _bare(shown)


def warning_html(url: str, text: str = "") -> str:
    """The page shown instead of following a link: what happened, why it matters, what to do.

    When the text shown in the message is another address than the real destination, both are
    shown and the learner is told that they differ."""
    mismatch = ""
    if text and text.strip() != url.strip() and not _same_place(url, text):
        mismatch = (
            f"<p><strong>{html.escape(t('mail_client.link_mismatch'))}</strong></p>"
            f"<p>{html.escape(t('mail_client.link_shown'))} <code>{html.escape(text[:300])}</code><br>"
            f"{html.escape(t('mail_client.link_real'))} <code>{html.escape(url[:300])}</code></p>"
        )
    return (
        f'<div class="tremplin-message tremplin-mail-warning" role="alert">'
        f"<h3>{html.escape(t('mail_client.link_warning_heading'))}</h3>"
        f"<p>{html.escape(t('mail_client.link_warning_text'))}</p>"
        f"<p><code>{html.escape(url[:300])}</code></p>{mismatch}"
        f"<p>{html.escape(t('mail_client.link_warning_advice'))}</p></div>"
    )


#: The buttons shown under an open message, by folder (action name -> catalogue key).
ACTIONS = {
    INBOX: ("reply", "reply_all", "forward", "junk", "phishing", "delete"),
    "Sent": ("reply", "forward", "delete"),
    "Drafts": ("edit", "delete"),
    "Junk": ("not_junk", "delete"),
    "Trash": ("restore", "delete_forever"),
}
ICONS = {"reply": "reply", "reply_all": "reply-all", "forward": "share", "junk": "ban",
         "phishing": "exclamation-triangle", "delete": "trash", "edit": "pencil", "not_junk": "inbox",
         "restore": "undo", "delete_forever": "trash"}


def folder_label(folder: str) -> str:
    return t(f"mail_client.folder_{folder}")


def message_id_of(summary: Summary) -> str:
    """The Message-ID as recorded in the journal: "<…>", no folding whitespace."""
    return "".join(summary.message_id.split())


def summary_label(summary: Summary) -> str:
    """One line of the message list: date, correspondent, subject, marks (plain text, not HTML)."""
    when = summary.date.strftime("%d/%m/%Y %H:%M") if summary.date else "—"
    if summary.folder in ("Sent", "Drafts"):
        who = t("mail_client.list_to", to=", ".join(summary.to)[:60] or "—")
    else:
        who = (parseaddr(summary.sender)[0] or summary.sender_address or summary.sender or "—")[:60]
    subject = (summary.subject or t("mail_client.no_subject"))[:90]
    marks = ("📎 " if summary.has_attachments else "") + ("" if summary.seen else "● ")
    return " ".join(f"{marks}{when} · {who} · {subject}".split())


class MessageReader:
    """The reading pane: `show(view)`, then the links' buttons call `on_link(url, text)`."""

    def __init__(self, on_link: Callable[[str, str], None],
                 on_save: Callable[[int], Any] | None = None) -> None:
        self.on_link, self.on_save = on_link, on_save
        self.headers = w.HTML()
        self.warning = w.HTML()
        self.body = w.HTML()
        self.attachments = w.HTML()
        self.links = w.VBox()
        self.toolbar = w.HBox(layout=w.Layout(flex_flow="row wrap"))
        self.widget = w.VBox([self.headers, self.toolbar, self.warning, self.body, self.attachments,
                              self.links])
        self.widget.add_class("tremplin-mail-reader")
        self.current_links: list[tuple[str, str]] = []
        self.clear()

    def clear(self) -> None:
        self.headers.value = f"<p>{html.escape(t('mail_client.nothing_open'))}</p>"
        self.warning.value = self.body.value = self.attachments.value = ""
        self.links.children = ()
        self.toolbar.children = ()
        self.current_links = []

    def show(self, view: Any, folder_label: str) -> None:
        text, links = readable(view.message)
        self.headers.value = headers_html(view.message, folder_label)
        self.warning.value = ""
        self.body.value = body_html(text)
        self.attachments.value = attachments_html(view.attachments)
        self.current_links = links
        buttons: list[w.Widget] = []
        if links:
            buttons.append(w.HTML(f"<p>{html.escape(t('mail_client.links_heading'))}</p>"))
        for url, label in links:
            button = w.Button(description=t("mail_client.link_button", text=label[:60]),
                              tooltip=t("mail_client.link_tooltip"), icon="link",
                              layout=w.Layout(width="auto"))
            button.on_click(lambda _b, url=url, label=label: self.on_link(url, label))
            buttons.append(button)
        for index, attachment in enumerate(view.attachments):
            if self.on_save is None or not can_open(attachment.filename):
                continue  # a program is never offered for saving
            save = w.Button(description=t("mail_client.save_attachment", name=str(attachment.filename)[:60]),
                            tooltip=t("mail_client.save_attachment_tooltip"), icon="download",
                            layout=w.Layout(width="auto"))
            save.on_click(lambda _b, index=index: self.on_save(index))
            buttons.append(save)
        self.links.children = tuple(buttons)

    def set_actions(self, folder: str, on_act: Callable[[str], Any]) -> None:
        """The buttons under the open message, for its folder; each calls `on_act(action)`."""
        buttons = []
        for action in ACTIONS[folder]:
            button = w.Button(description=t(f"mail_client.action_{action}"), icon=ICONS[action],
                              layout=w.Layout(width="auto"))
            button.on_click(lambda _b, action=action: on_act(action))
            buttons.append(button)
        self.toolbar.children = tuple(buttons)

    def warn(self, url: str, text: str | None = None) -> None:
        """Show the warning page of a clicked link (its visible text found among the open links)."""
        if text is None:
            text = next((label for href, label in self.current_links if href == url), "")
        self.warning.value = warning_html(url, text)
