"""The feedback pages a mediator released to one learner, found and made safe for the kiosk.

nbgrader's release_feedback puts each page in the exchange's `<course>/feedback/` under an
opaque name, md5(submission secret + notebook id); the secret lives only in the learner's
own hand-in folders of `<course>/inbound/` (`<learner>+<épreuve>+<time>[+random]`). So a
learner's pages are found from their own hand-ins and nobody else's: another learner's page
cannot be named. The page is nbconvert HTML (styles, scripts, prompts): only its text and
a few structural tags are kept, with no attribute at all, before it is shown in the page.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from pathlib import Path

#: Tags kept as they are (without attributes); headings are lowered under the section's own h2.
KEPT = frozenset(
    {
        "p",
        "ul",
        "ol",
        "li",
        "strong",
        "em",
        "b",
        "i",
        "small",
        "br",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "div",
        "span",
        "blockquote",
    }
)
HEADINGS = {"h1": "h3", "h2": "h3", "h3": "h4", "h4": "h5", "h5": "h6", "h6": "h6"}
#: Elements dropped with everything inside them.
DROPPED = frozenset(
    {
        "script",
        "style",
        "head",
        "title",
        "template",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "noscript",
        "textarea",
        "button",
        "form",
        "input",
        "select",
        "pre",
        "code",
    }
)
VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "wbr", "col", "source", "area", "base"})


@dataclass(frozen=True)
class ReleasedFeedback:
    epreuve: str
    handed_in: str  # nbgrader's timestamp of the hand-in the page is about
    path: Path


def _hand_ins(inbound: Path, learner: str) -> list[tuple[str, str, Path]]:
    """(épreuve, timestamp, folder) of the learner's own hand-ins, oldest first."""
    found = []
    try:
        folders = list(inbound.iterdir())
    except OSError:
        return []
    for folder in folders:
        parts = folder.name.split("+")
        if len(parts) >= 3 and parts[0] == learner and folder.is_dir():
            found.append((parts[1], parts[2], folder))
    return sorted(found, key=lambda item: item[1])


def released_feedback(exchange_course: Path, learner: str) -> list[ReleasedFeedback]:
    """The learner's released pages, the latest hand-in's per épreuve, in épreuve order of hand-in.

    `exchange_course` is `<exchange>/<course id>`; `learner` the student id (the slug).
    """
    pages: dict[str, ReleasedFeedback] = {}
    for epreuve, stamp, folder in _hand_ins(exchange_course / "inbound", learner):
        try:
            secret = (folder / "submission_secret.txt").read_text(encoding="utf-8")
        except OSError:
            continue
        for notebook in sorted(folder.glob("*.ipynb")):
            digest = hashlib.md5((secret + notebook.stem).encode("utf-8"), usedforsecurity=False).hexdigest()
            page = exchange_course / "feedback" / f"{digest}.html"
            if page.is_file():
                pages.pop(epreuve, None)  # re-inserted: the order follows the latest hand-in
                pages[epreuve] = ReleasedFeedback(epreuve, stamp, page)
    return list(pages.values())


class _Sanitizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping: list[str] = []  # the open elements whose content is dropped
        self.in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.in_body = True
        if self.skipping:
            if tag not in VOID:
                self.skipping.append(tag)
            return
        classes = next((value or "" for name, value in attrs if name == "class"), "")
        if tag in DROPPED or "prompt" in classes.lower() or "hidden" in classes.lower().split():
            if tag not in VOID:
                self.skipping.append(tag)
            return
        name = HEADINGS.get(tag, tag)
        if name in KEPT or name in HEADINGS.values():
            self.out.append(f"<{name}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.skipping and tag == "br":
            self.out.append("<br>")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag in self.skipping:
                while self.skipping and self.skipping.pop() != tag:
                    pass
            return
        name = HEADINGS.get(tag, tag)
        if (name in KEPT or name in HEADINGS.values()) and tag not in VOID:
            self.out.append(f"</{name}>")

    def handle_data(self, data: str) -> None:
        if not self.skipping and self.in_body:
            self.out.append(escape(data))


def sanitize(page: str) -> str:
    """The page's body text and structure only: allow-listed tags, no attribute, no script."""
    parser = _Sanitizer()
    if "<body" not in page.lower():
        parser.in_body = True
    parser.feed(page)
    parser.close()
    return "".join(parser.out).strip()
