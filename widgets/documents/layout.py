"""One layout for every renderer: a CV or letter becomes a flat list of text blocks.

PDF, DOCX and the HTML preview all draw these same blocks, so the three always carry the
same words; only the look differs by renderer and template. The documents are French
whatever the interface language (they go to French employers), so labels come from the
French catalogue. Text is made printable here, once: characters the built-in PDF fonts
cannot draw are mapped to close ones (thin spaces, special dashes) or dropped, the same
for all renderers.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from functools import cache

from tremplin.widgets.documents.errors import DocumentError
from tremplin.widgets.documents.model import CV, Entry, Letter, clean_text
from tremplin.widgets.i18n import t

PHOTO_PIXELS = 480
_PHOTO_MAX_PIXELS = 40_000_000
KINDS = ("name", "headline", "contact", "heading", "entry", "bullet", "paragraph", "address", "date",
         "subject", "signature")
_BULLET_MARKS = "-–—•*·▪►>"
#: Close printable forms for characters outside Windows-1252 (what Helvetica/Times can draw).
_PRINTABLE = str.maketrans({
    "\u202f": "\u00a0", "\u2009": " ", "\u2007": " ", "\u2002": " ", "\u2003": " ", "\u200a": " ",
    "\u2010": "-", "\u2011": "-", "\u2012": "–", "\u2212": "-", "\u2015": "—", "\u2032": "'",
    "\u2033": '"', "\u2192": "->", "\u2190": "<-", "\u2264": "<=", "\u2265": ">=", "\u00ad": "",
    "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufe0f": "",
})

#: Letters with no decomposition, written with their base letter when the fonts lack them.
_BASE_LETTERS = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "ħ": "h", "ŧ": "t"})


@dataclass(frozen=True)
class Block:
    """One piece of a document. `detail` is the date span of an `entry`; an `address` with
    detail "to" is the recipient's (drawn on the right); renderers never print other details."""

    kind: str
    text: str
    detail: str = ""


def printable(text: str) -> str:
    """`text` with only characters the built-in PDF fonts can draw (Windows-1252): others become
    their closest drawable form (ﬁ → fi, ō → o, ł → l) or are dropped (emoji, other alphabets)."""
    return "".join(_drawable(char) for char in text.translate(_PRINTABLE))


def unprintable(text: str) -> set[str]:
    """The characters of `text` the documents will drop, for an editor to warn about."""
    return {char for char in text.translate(_PRINTABLE) if char != "\n" and not _drawable(char)}


@cache
def _drawable(char: str) -> str:
    if char == "\n" or _cp1252(char):
        return char
    for form in (unicodedata.normalize("NFKC", char), _without_accents(char)):
        if form and all(_cp1252(part) for part in form):
            return form
    return ""


def _without_accents(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char.translate(_BASE_LETTERS))
    return "".join(part for part in decomposed if not unicodedata.combining(part))


def _cp1252(char: str) -> bool:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return char.isprintable() or char == "\u00a0"


def _block(kind: str, text: str, detail: str = "") -> Block:
    return Block(kind, printable(clean_text(text, 10_000)), printable(clean_text(detail, 200, False)))


def _label(name: str, **values: object) -> str:
    return t(f"documents.{name}", "fr", **values)


def _lines(text: str) -> list[str]:
    """Non-empty lines of `text`, a typed bullet mark in front removed."""
    lines = []
    for line in text.split("\n"):
        line = line.strip()
        if line[:1] in _BULLET_MARKS and line[1:2] == " ":
            line = line[2:].strip()
        if line:
            lines.append(line)
    return lines


def span(start: str, end: str, ongoing: str) -> str:
    """« 2019 – 2021 », « 2021 – aujourd'hui », or "" when no date was given."""
    start, end = start.strip(), end.strip()
    if start:
        return f"{start} – {end or ongoing}"
    return end


def entry_title(entry: Entry) -> str:
    """« Préparatrice de commandes — Logistique Le Gac, Janzé » from the filled parts."""
    where = ", ".join(part for part in (entry.organisation.strip(), entry.place.strip()) if part)
    title = entry.title.strip()
    return f"{title} — {where}" if title and where else title or where


def _entry_blocks(entries: list[Entry], heading: str, ongoing: str) -> list[Block]:
    filled = [e for e in entries if entry_title(e) or e.details.strip() or e.start.strip() or e.end.strip()]
    if not filled:
        return []
    blocks = [_block("heading", _label(heading))]
    for entry in filled:
        blocks.append(_block("entry", entry_title(entry), span(entry.start, entry.end, _label(ongoing))))
        blocks += [_block("bullet", line) for line in _lines(entry.details)]
    return blocks


def _contact_line(cv: CV) -> list[Block]:
    contact = cv.contact
    parts = [contact.email, contact.phone, contact.town]
    line = " · ".join(part.strip() for part in parts if part.strip())
    extras = []
    if contact.driving_licence.strip():
        extras.append(contact.driving_licence.strip())
    if contact.birth_date.strip():
        extras.append(_label("birth_date", date=contact.birth_date.strip()))
    blocks = [_block("contact", line)] if line else []
    if extras:
        blocks.append(_block("contact", " · ".join(extras)))
    return blocks


def cv_blocks(cv: CV) -> list[Block]:
    """The CV as blocks: name, headline, contact lines, summary, then the filled sections in order."""
    contact = cv.contact
    blocks = []
    if contact.full_name.strip():
        blocks.append(_block("name", contact.full_name))
    if contact.headline.strip():
        blocks.append(_block("headline", contact.headline))
    blocks += _contact_line(cv)
    blocks += [_block("paragraph", line) for line in _lines(cv.summary)]
    blocks += _entry_blocks(cv.experience, "heading_experience", "ongoing_job")
    blocks += _entry_blocks(cv.training, "heading_training", "ongoing_training")
    for heading, items in (("heading_skills", cv.skills), ("heading_languages", cv.languages)):
        items = [item for item in items if item.strip()]
        if items:
            blocks.append(_block("heading", _label(heading)))
            blocks += [_block("bullet", item) for item in items]
    interests = [item.strip() for item in cv.interests if item.strip()]
    if interests:
        blocks += [_block("heading", _label("heading_interests")), _block("paragraph", ", ".join(interests))]
    return [block for block in blocks if block.text or block.detail]


def letter_place_date(letter: Letter) -> str:
    """« Rennes, le 29 novembre 2026 » (either part may be missing)."""
    place, day = letter.place.strip(), letter.date.strip()
    if day and not day.lower().startswith("le "):
        day = f"le {day}"
    return f"{place}, {day}" if place and day else place or day


def letter_blocks(letter: Letter) -> list[Block]:
    """The letter as blocks: sender, recipient, place and date, subject, greeting, paragraphs, signature."""
    sender = [letter.sender_name, letter.sender_address, letter.sender_email, letter.sender_phone]
    recipient = [letter.recipient, letter.recipient_address]
    blocks = [
        _block("address", "\n".join(part.strip() for part in sender if part.strip())),
        _block("address", "\n".join(part.strip() for part in recipient if part.strip()), "to"),
        _block("date", letter_place_date(letter)),
        _block("subject", letter.subject),
        _block("paragraph", letter.greeting),
    ]
    for text in (letter.you, letter.me, letter.us, letter.closing):
        blocks += [_block("paragraph", line) for line in _lines(text)]
    blocks.append(_block("signature", letter.signature))
    return [block for block in blocks if block.text]


def prepare_photo(data: bytes) -> bytes:
    """The CV photo as renderers embed it: upright, at most 480 px, a JPEG with no metadata.

    Re-encoding drops the EXIF block a phone writes (where and when the picture was taken,
    the camera's owner), so the exported CV says nothing the learner did not choose.
    """
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as opened:
            if opened.width * opened.height > _PHOTO_MAX_PIXELS:
                raise DocumentError(t("documents.photo_unreadable"))
            image = ImageOps.exif_transpose(opened)
            image.thumbnail((PHOTO_PIXELS, PHOTO_PIXELS))
            if image.mode in ("RGBA", "LA", "P"):
                image = image.convert("RGBA")
                background = Image.new("RGB", image.size, "white")
                background.paste(image, mask=image.getchannel("A"))
                image = background
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=85)
    except DocumentError:
        raise
    except Exception as error:  # Pillow raises OSError, SyntaxError, DecompressionBombError…
        raise DocumentError(t("documents.photo_unreadable")) from error
    return out.getvalue()
