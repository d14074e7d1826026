"""Blocks to an A4 PDF with reportlab, built-in fonts only (no font file to ship or trust).

reportlab's Paragraph reads a mini markup language, so every learner text is escaped
first: `<b>` typed in a CV is printed as `<b>`, never obeyed. The metadata carry a title
and a neutral creator, never an author (not the pseudonym, not the machine's user).
Two templates: « classique » (one column, Times headings, dark blue rules) and
« moderne » (Helvetica, a coloured band down the left side, coloured headings).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, HRFlowable, Image, Paragraph, SimpleDocTemplate, Table, TableStyle
from tremplin.widgets.documents.errors import DocumentError
from tremplin.widgets.documents.layout import Block, printable
from tremplin.widgets.i18n import t

CREATOR = "Tremplin"
PHOTO_SIZE = 32 * mm
_HEADER = ("name", "headline", "contact")


@dataclass(frozen=True)
class _Look:
    body: str
    bold: str
    heading: str
    accent: colors.Color
    band: colors.Color | None
    left: float


_LOOKS = {
    "classique": _Look("Times-Roman", "Times-Bold", "Times-Bold", colors.HexColor("#1F3A5F"), None, 20 * mm),
    "moderne": _Look("Helvetica", "Helvetica-Bold", "Helvetica-Bold", colors.HexColor("#0E7C7B"),
                     colors.HexColor("#0E7C7B"), 30 * mm),
}


def _styles(look: _Look) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=look.body, fontSize=10.5, leading=14, spaceAfter=3)
    return {
        "name": ParagraphStyle("name", body, fontName=look.bold, fontSize=22, leading=26,
                               textColor=look.accent),
        "headline": ParagraphStyle("headline", body, fontName=look.bold, fontSize=13, leading=17,
                                   spaceAfter=4),
        "contact": ParagraphStyle("contact", body, fontSize=10, textColor=colors.HexColor("#333333")),
        "heading": ParagraphStyle("heading", body, fontName=look.heading, fontSize=13, leading=16,
                                  textColor=look.accent, spaceBefore=10, spaceAfter=2),
        "entry": ParagraphStyle("entry", body, fontName=look.bold, spaceBefore=4, spaceAfter=1),
        "span": ParagraphStyle("span", body, alignment=TA_RIGHT, textColor=colors.HexColor("#555555")),
        "bullet": ParagraphStyle("bullet", body, leftIndent=12, bulletIndent=2, spaceAfter=1),
        "paragraph": ParagraphStyle("paragraph", body, spaceAfter=8),
        "address": ParagraphStyle("address", body, spaceAfter=10),
        "to": ParagraphStyle("to", body, leftIndent=95 * mm, spaceAfter=14),
        "date": ParagraphStyle("date", body, alignment=TA_RIGHT, spaceAfter=12),
        "subject": ParagraphStyle("subject", body, fontName=look.bold, spaceAfter=12),
        "signature": ParagraphStyle("signature", body, leftIndent=95 * mm, spaceBefore=18),
    }


_TIGHT = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
          ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
          ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]


def markup(text: str) -> str:
    """Learner text as inert reportlab markup: escaped, line breaks kept."""
    return escape(printable(text)).replace("\n", "<br/>")


def _entry(block: Block, styles: dict[str, ParagraphStyle], width: float) -> Flowable:
    if not block.detail:
        return Paragraph(markup(block.text), styles["entry"])
    table = Table(
        [[Paragraph(markup(block.text), styles["entry"]), Paragraph(markup(block.detail), styles["span"])]],
        colWidths=[width * 0.7, width * 0.3],
    )
    table.setStyle(TableStyle(_TIGHT))
    return table


def _with_photo(story: list[Flowable], count: int, photo: bytes, width: float) -> list[Flowable]:
    """The first `count` flowables (name, headline, contact) beside the photo, top right."""
    reader = ImageReader(io.BytesIO(photo))
    pixels_w, pixels_h = reader.getSize()
    scale = PHOTO_SIZE / max(pixels_w, pixels_h, 1)
    image = Image(io.BytesIO(photo), pixels_w * scale, pixels_h * scale)
    table = Table([[story[:count], image]], colWidths=[width - PHOTO_SIZE - 4 * mm, PHOTO_SIZE + 4 * mm])
    table.setStyle(_TIGHT + [("ALIGN", (1, 0), (1, 0), "RIGHT")])
    return [table, *story[count:]]


def _block_flowables(block: Block, styles: dict[str, ParagraphStyle], look: _Look, width: float) -> list:
    if block.kind == "entry":
        return [_entry(block, styles, width)]
    if block.kind == "bullet":
        return [Paragraph(markup(block.text), styles["bullet"], bulletText="•")]
    if block.kind == "heading":
        return [Paragraph(markup(block.text), styles["heading"]),
                HRFlowable(width="100%", thickness=0.8 if look.band is None else 1.5, color=look.accent,
                           spaceBefore=1, spaceAfter=4)]
    key = "to" if block.kind == "address" and block.detail == "to" else block.kind
    return [Paragraph(markup(block.text), styles.get(key, styles["paragraph"]))]


def _flowables(blocks: list[Block], look: _Look, width: float, photo: bytes | None) -> list[Flowable]:
    styles = _styles(look)
    story: list[Flowable] = []
    header = 0  # flowables of the name, headline and contact lines at the top
    for block in blocks:
        story += _block_flowables(block, styles, look, width)
        if block.kind in _HEADER and header == len(story) - 1:
            header = len(story)
    return _with_photo(story, header, photo, width) if photo is not None and header else story


def _page_decoration(look: _Look) -> Callable:
    def decorate(canvas, doc) -> None:
        if look.band is not None:
            canvas.saveState()
            canvas.setFillColor(look.band)
            canvas.rect(0, 0, 14 * mm, A4[1], stroke=0, fill=1)
            canvas.restoreState()

    return decorate


def render_pdf(blocks: list[Block], template: str = "classique", title: str = "",
               photo: bytes | None = None) -> bytes:
    """The PDF file (bytes) of `blocks` in `template`, with `photo` (prepared image bytes, see
    `layout.prepare_photo`) at the top right of page 1; DocumentError (French) if it cannot be made."""
    look = _LOOKS.get(template, _LOOKS["classique"])
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=look.left, rightMargin=18 * mm, topMargin=18 * mm,
        bottomMargin=18 * mm, title=printable(title), author="", subject="", creator=CREATOR,
        producer=CREATOR, keywords=[], lang="fr-FR",
    )
    decorate = _page_decoration(look)
    try:
        doc.build(_flowables(blocks, look, doc.width, photo), onFirstPage=decorate, onLaterPages=decorate)
    except Exception as error:  # reportlab raises many kinds; the learner gets one French message
        raise DocumentError(t("documents.render_failed")) from error
    return buffer.getvalue()
