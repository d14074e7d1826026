"""The learner's A4 attestation of validated digital competences, in French, as a PDF.

Drawn straight on a reportlab canvas with the built-in Helvetica, text made printable by
the documents renderer's `printable` (so « », é, — print and nothing is lost silently).
A structure prints a whole group at once: platypus paragraphs took ~5× longer a page for
this simple layout (labels, wrapped values, headings), so lines are wrapped here with
reportlab's own `simpleSplit`. One block per competence (its heading never left alone at a
page foot), then the mediator's signature and the verification code that ties the paper to
its signed badges; long lists flow onto further pages, each footed with the learner, the
code and the page number. Metadata: the title and the structure, nothing of the machine.
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from tremplin.grading.attestation_model import AttestationData, CertifiedCompetence
from tremplin.widgets.documents.layout import printable
from tremplin.widgets.documents.model import french_date, write_atomic
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t

ACCENT = colors.HexColor("#1F3A5F")
GREY = colors.HexColor("#555555")
BLACK = colors.black
CREATOR = "Tremplin"
MARGIN = 18 * mm
TOP = A4[1] - MARGIN
BOTTOM = MARGIN + 6 * mm  # the footer lives below
WIDTH = A4[0] - 2 * MARGIN
INDENT = 4 * mm
REGULAR, BOLD, MONO = "Helvetica", "Helvetica-Bold", "Courier"
FR = "fr"  # the attestation goes to French employers: French whatever the interface language


class AttestationError(TremplinError):
    """The attestation cannot be written (nothing to certify, or the PDF failed), in French."""


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of at most `width` points; one measure for the common line that fits (fast path)."""
    if "\n" not in text and stringWidth(text, font, size) <= width:
        return [text]
    return simpleSplit(text, font, size, width)


class _Sheet:
    """A cursor down A4 pages: wraps text to the width, starts a new page (with its footer) when full."""

    def __init__(self, canvas: Canvas, footer: str) -> None:
        self.canvas, self.footer, self.page, self.y = canvas, footer, 1, TOP

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.new_page()

    def new_page(self) -> None:
        self.finish_page()
        self.canvas.showPage()
        self.page += 1
        self.y = TOP

    def finish_page(self) -> None:
        canvas = self.canvas
        canvas.setFont(REGULAR, 8)
        canvas.setFillColor(GREY)
        canvas.drawString(MARGIN, 10 * mm, self.footer)
        page = printable(t("attestation.pdf_page", FR, page=self.page))
        canvas.drawRightString(A4[0] - MARGIN, 10 * mm, page)

    def text(self, text: str, font: str = REGULAR, size: float = 10, color: colors.Color = BLACK,
             x: float = MARGIN, before: float = 0, after: float = 2) -> None:
        """A paragraph wrapped to the page width from x; it may continue on the next page."""
        self.y -= before
        leading = size * 1.3
        for line in _wrap(printable(text), font, size, MARGIN + WIDTH - x):
            self.need(leading)
            self.y -= leading
            self.canvas.setFont(font, size)
            self.canvas.setFillColor(color)
            self.canvas.drawString(x, self.y + size * 0.25, line)
        self.y -= after

    def labelled(self, label: str, value: str, size: float = 10, x: float = MARGIN + INDENT) -> None:
        """« Label : value », the label in bold, the value wrapped under itself (hanging indent)."""
        label = printable(label) + " "
        offset = stringWidth(label, BOLD, size)
        leading = size * 1.3
        lines = _wrap(printable(value), REGULAR, size, MARGIN + WIDTH - x - offset) or [""]
        for number, line in enumerate(lines):
            self.need(leading)
            self.y -= leading
            words = self.canvas.beginText(x if number == 0 else x + offset, self.y + size * 0.25)
            words.setFillColor(BLACK)
            if number == 0:  # one text object: label and value read as one line when copied
                words.setFont(BOLD, size)
                words.textOut(label)
            words.setFont(REGULAR, size)
            words.textOut(line)
            self.canvas.drawText(words)
        self.y -= 1

    def rule(self, color: colors.Color = ACCENT, thickness: float = 1, gap: float = 4) -> None:
        self.need(2 * gap)
        self.y -= gap
        self.canvas.setStrokeColor(color)
        self.canvas.setLineWidth(thickness)
        self.canvas.line(MARGIN, self.y, MARGIN + WIDTH, self.y)
        self.y -= gap


def _codes(pairs: tuple[tuple[str, str], ...]) -> str:
    return " ; ".join(f"{code} {label}" for code, label in pairs) or "—"


def _blank(value: str) -> str:
    return value.strip() or "_" * 32


def _that(name: str) -> str:
    """« que » elides before a vowel or a mute h: « atteste qu'Alice », « atteste que Bruno »."""
    return "qu'" if name[:1].lower() in "aàâeéèêëiîïoôuùûyh" else "que "


def _competence(sheet: _Sheet, item: CertifiedCompetence) -> None:
    sheet.need(11.5 * 1.3 * 2 + 10 * 1.3 * 3)  # the heading and its first lines stay together
    sheet.text(f"{item.id} — {item.statement}", BOLD, 11.5, ACCENT, before=6, after=1)
    sheet.labelled(t("attestation.pdf_level", FR), f"{item.level} — {item.level_text}")
    sheet.labelled(t("attestation.pdf_validated_on", FR), french_date(item.validated_on))
    sheet.labelled(t("attestation.pdf_pix", FR), _codes(item.pix))
    sheet.labelled(t("attestation.pdf_digcomp", FR), _codes(item.digcomp))
    for evidence in item.evidence:
        sheet.labelled(t("attestation.pdf_epreuve", FR), f"« {evidence.name} »")
        if evidence.checks:
            sheet.text(" ; ".join(evidence.checks), size=8.5, color=GREY, x=MARGIN + 2 * INDENT, after=0)


def _draw(sheet: _Sheet, data: AttestationData, code: str) -> None:
    structure = data.structure.strip()
    sheet.text(t("attestation.pdf_title", FR), BOLD, 19, ACCENT, after=1)
    sheet.text(t("attestation.pdf_subtitle", FR, referential=data.referential_name,
                 version=data.referential_version), size=10, color=GREY)
    sheet.rule()
    sheet.labelled(t("attestation.pdf_structure", FR), _blank(structure), 10.5, MARGIN)
    sheet.labelled(t("attestation.pdf_learner", FR),
                   t("attestation.pdf_learner_value", FR, pseudonym=data.pseudonym, id=data.learner_id),
                   10.5, MARGIN)
    sheet.labelled(t("attestation.pdf_issued", FR), french_date(data.issued_on), 10.5, MARGIN)
    sheet.text(t("attestation.pdf_intro", FR, structure=structure or t("attestation.pdf_the_structure", FR),
                 that=_that(data.pseudonym), pseudonym=data.pseudonym, count=len(data.competences)),
               before=6, after=4)
    for item in data.competences:
        _competence(sheet, item)
    sheet.need(62 * mm)  # signature and code stay together, on a new page if need be
    sheet.y -= 6 * mm
    sheet.rule(GREY, 0.6)
    sheet.text(t("attestation.pdf_done", FR, date=french_date(data.issued_on)), size=10.5, after=4)
    sheet.labelled(t("attestation.pdf_mediator", FR), _blank(data.mediator), 10.5, MARGIN)
    sheet.y -= 3
    sheet.labelled(t("attestation.pdf_signature", FR), "_" * 40, 10.5, MARGIN)
    sheet.text(t("attestation.pdf_code", FR, code=code), BOLD, 12, ACCENT, before=10, after=2)
    sheet.text(t("attestation.pdf_how_to_check", FR))
    sheet.text(t("attestation.pdf_command", FR, code=code), MONO, 9, x=MARGIN + INDENT, after=4)
    sheet.text(t("attestation.pdf_badges", FR), size=8.5, color=GREY)
    sheet.finish_page()


def render_attestation(data: AttestationData, verification_code: str) -> bytes:
    """The attestation PDF (bytes); AttestationError (French) when nothing is validated."""
    if not data.competences:
        raise AttestationError(t("attestation.nothing_validated", learner=data.learner_id))
    buffer = io.BytesIO()
    try:
        canvas = Canvas(buffer, pagesize=A4, lang="fr-FR")
        canvas.setTitle(printable(t("attestation.pdf_title", FR)))
        canvas.setAuthor(printable(data.structure.strip()))
        canvas.setSubject("")
        canvas.setCreator(CREATOR)
        canvas.setProducer(CREATOR)
        footer = printable(t("attestation.pdf_footer", FR, pseudonym=data.pseudonym, code=verification_code))
        _draw(_Sheet(canvas, footer), data, verification_code)
        canvas.showPage()
        canvas.save()
    except Exception as error:  # reportlab raises many kinds; the mediator gets one French line
        raise AttestationError(t("attestation.pdf_failed", learner=data.learner_id)) from error
    return buffer.getvalue()


def write_attestation_pdf(data: AttestationData, path: Path, verification_code: str) -> Path:
    """Write the attestation to `path` atomically (no file at all if it cannot be made)."""
    pdf = render_attestation(data, verification_code)
    write_atomic(Path(path), pdf)
    return Path(path)
