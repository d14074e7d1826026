"""Blocks to a Word (DOCX) file with python-docx: the editable twin of the PDF.

Text is set as runs, so markup typed by the learner stays literal. Bullets use Word's own
« List Bullet » style (a learner who edits the file gets real bullets). The core
properties carry a title and nothing about who made the file: author and last editor are
empty, python-docx's own defaults (author, comments) are cleared. Its template's leftovers
go too: the extended properties (docProps/app.xml said « Microsoft Macintosh Word » with a
template name) are rewritten to a neutral Application « Tremplin », and the template's
thumbnail picture (with the setting that asks Word to save one) and its empty bibliography
store are dropped, so a learner who inspects their file finds only what they wrote.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from tremplin.widgets.documents.errors import DocumentError
from tremplin.widgets.documents.layout import Block, printable
from tremplin.widgets.i18n import t


@dataclass(frozen=True)
class _Look:
    font: str
    accent: RGBColor


_LOOKS = {
    "classique": _Look("Times New Roman", RGBColor(0x1F, 0x3A, 0x5F)),
    "moderne": _Look("Arial", RGBColor(0x0E, 0x7C, 0x7B)),
}
_BODY_SIZE = 10.5
_SIZES = {"name": 22, "headline": 13, "heading": 13, "contact": 10}
_BOLD = {"name", "headline", "heading", "entry", "subject"}
#: docProps/app.xml as Tremplin writes it: the application's name and nothing else to tell.
APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>Tremplin</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
    b"<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
    b"<HyperlinksChanged>false</HyperlinksChanged></Properties>"
)
#: Package parts of python-docx's template that say nothing the learner wrote.
_DROPPED = (RT.THUMBNAIL, RT.EXTENDED_PROPERTIES)


def _border_below(paragraph, color: RGBColor) -> None:
    """A rule under a heading (Word paragraph border), like the PDF's line."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "8"), ("w:space", "1"), ("w:color", str(color))):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _add_lines(paragraph, text: str, size: float, bold: bool, color: RGBColor | None) -> None:
    lines = printable(text).split("\n")
    for index, line in enumerate(lines):
        run = paragraph.add_run(line)
        if size != _BODY_SIZE:
            run.font.size = Pt(size)
        if bold:
            run.bold = True
        if color is not None:
            run.font.color.rgb = color
        if index < len(lines) - 1:
            run.add_break()


def _paragraph(document, block: Block, look: _Look, width: Mm, bullet_style: str) -> None:
    paragraph = document.add_paragraph()
    if block.kind == "bullet":  # by id: python-docx's lookup by name costs a scan of all styles
        paragraph._p.style = bullet_style
    spacing = paragraph.paragraph_format
    spacing.space_after = Pt(10 if block.kind in ("address", "subject", "date", "paragraph") else 2)
    color = look.accent if block.kind in ("name", "heading") else None
    if block.kind == "heading":
        spacing.space_before = Pt(10)
        _border_below(paragraph, look.accent)
    if block.kind == "date":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if (block.kind == "address" and block.detail == "to") or block.kind == "signature":
        spacing.left_indent = Mm(95)
    _add_lines(paragraph, block.text, _SIZES.get(block.kind, _BODY_SIZE), block.kind in _BOLD, color)
    if block.kind == "entry" and block.detail:
        spacing.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
        run = paragraph.add_run("\t" + printable(block.detail))
        run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)


def _set_font(document, font: str) -> None:
    """The template's font on the Normal style (every other style used here inherits it)."""
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = font, Pt(_BODY_SIZE)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for key in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(key), font)


def _clear_properties(document, title: str) -> None:
    props = document.core_properties
    props.author = ""
    props.last_modified_by = ""
    props.title = printable(title)
    props.subject = props.keywords = props.comments = props.category = ""
    props.content_status = props.identifier = props.version = ""
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    props.created = props.modified = now
    props.revision = 1


def _neutral_package(document) -> None:
    """Replace the template's app.xml; drop its thumbnail and its empty bibliography store."""
    package = document.part.package
    for rel_id in [rel.rId for rel in package.rels.values() if rel.reltype in _DROPPED]:
        del package.rels[rel_id]
    package.relate_to(Part(PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES, APP_XML, package),
                      RT.EXTENDED_PROPERTIES)
    for rel_id in [rel.rId for rel in document.part.rels.values() if rel.reltype == RT.CUSTOM_XML]:
        document.part.drop_rel(rel_id)
    settings = document.settings.element
    for element in settings.findall(qn("w:savePreviewPicture")):
        settings.remove(element)


def render_docx(blocks: list[Block], template: str = "classique", title: str = "",
                photo: bytes | None = None) -> bytes:
    """The DOCX file (bytes) of `blocks` in `template`, `photo` (prepared image bytes, see
    `layout.prepare_photo`) right-aligned above the name; DocumentError (French) if it cannot be made."""
    look = _LOOKS.get(template, _LOOKS["classique"])
    try:
        document = Document()
        section = document.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = Mm(20 if template != "moderne" else 25)
        section.right_margin = section.top_margin = section.bottom_margin = Mm(18)
        _set_font(document, look.font)
        bullet_style = document.styles["List Bullet"].style_id
        width = section.page_width - section.left_margin - section.right_margin
        if photo:
            picture = document.add_paragraph()
            picture.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            picture.add_run().add_picture(io.BytesIO(photo), width=Mm(32))
        for block in blocks:
            _paragraph(document, block, look, width, bullet_style)
        _clear_properties(document, title)
        _neutral_package(document)
        buffer = io.BytesIO()
        document.save(buffer)
    except Exception as error:  # python-docx/lxml raise many kinds; the learner gets one French message
        raise DocumentError(t("documents.render_failed")) from error
    return buffer.getvalue()
