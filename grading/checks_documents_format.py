"""Checks of the file formats (D3): a valid PDF to send, an editable DOCX kept, the same text in both.

The document is the activity's: the CV in « Construire son CV », the letter for the
scenario's offer in « Lettre adaptée » (N3: the second offer's letter too). The PDF is the
one last exported, its DOCX the file of the same name beside it (else the newest DOCX of
the same document); both are read back, never trusted by their names.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from tremplin.grading.check_context import CheckContext
from tremplin.grading.check_model import REGISTRY, Outcome
from tremplin.grading.documents_evidence import (
    CV,
    DocFile,
    documents,
    letters_about,
    newest_of,
    of_kind,
    twin,
)
from tremplin.grading.documents_scenario import CV_EPREUVE, FORMAT_LESSON, LETTER_EPREUVE
from tremplin.widgets.documents import read_back
from tremplin.widgets.i18n import t

ACTIVITIES = [CV_EPREUVE, LETTER_EPREUVE, FORMAT_LESSON]


def _docs(ctx: CheckContext, task: Any = None) -> tuple[list[DocFile], str]:
    """The files of the activity's document (all formats) and its kind."""
    if ctx.scenario.kind == "letter" or task is not None:
        return letters_about(ctx, task or ctx.scenario.offer), "letter"
    return of_kind(documents(ctx), CV), "cv"


def _label(kind: str) -> str:
    return t(f"documents_checks.doc_{kind}")


def pair(ctx: CheckContext, docs: list[DocFile], kind: str) -> tuple[DocFile | None, DocFile | None]:
    """(the PDF to send, its DOCX), either None when missing; an unreadable PDF is still returned."""
    pdfs = [doc for doc in docs if doc.fmt == "pdf"]
    pdf = newest_of(ctx, pdfs, kind) or (pdfs[-1] if pdfs else None)
    if pdf is None:
        return None, newest_of(ctx, [doc for doc in docs if doc.fmt == "docx"], kind)
    return pdf, twin(pdf, docs, "docx")


def pdf_outcome(ctx: CheckContext, docs: list[DocFile], kind: str) -> Outcome:
    pdf, docx = pair(ctx, docs, kind)
    if pdf is None:
        key = "pdf_only_docx" if docx is not None else "pdf_none"
        return Outcome(False, t(f"documents_checks.{key}", doc=_label(kind)))
    if not pdf.readable:
        return Outcome(False, t("documents_checks.pdf_broken", name=pdf.shown, reason=pdf.facts.error))
    if not pdf.text.strip():
        return Outcome(False, t("documents_checks.pdf_no_text", name=pdf.shown))
    return Outcome(True, t("documents_checks.pdf_ok", name=pdf.shown))


def docx_outcome(ctx: CheckContext, docs: list[DocFile], kind: str) -> Outcome:
    pdf, docx = pair(ctx, docs, kind)
    if docx is None:
        if pdf is None:
            return Outcome(False, t("documents_checks.pdf_none", doc=_label(kind)))
        return Outcome(False, t("documents_checks.docx_missing", name=pdf.shown, doc=_label(kind)))
    if not docx.readable:
        return Outcome(False, t("documents_checks.docx_broken", name=docx.shown, reason=docx.facts.error))
    return Outcome(True, t("documents_checks.docx_ok", name=docx.shown))


def same_text_outcome(ctx: CheckContext, docs: list[DocFile], kind: str) -> Outcome:
    pdf, docx = pair(ctx, docs, kind)
    if pdf is None or docx is None or not pdf.readable or not docx.readable:
        return Outcome(False, t("documents_checks.same_need_both", doc=_label(kind)))
    if read_back.same_text(pdf.text, docx.text):
        return Outcome(True, t("documents_checks.same_ok", pdf=pdf.shown, docx=docx.shown))
    return Outcome(False, t("documents_checks.same_differ", pdf=pdf.shown, docx=docx.shown))


d3_check = partial(REGISTRY.register, competences=["D3"], title_key="documents_checks.{id}_title")


@d3_check("d3-pdf-a-envoyer", level="N1", points=2, epreuves=ACTIVITIES)
def pdf_to_send(ctx: CheckContext) -> Outcome:
    return pdf_outcome(ctx, *_docs(ctx))


@d3_check("d3-docx-modifiable", level="N2", points=1, epreuves=ACTIVITIES)
def docx_kept(ctx: CheckContext) -> Outcome:
    return docx_outcome(ctx, *_docs(ctx))


@d3_check("d3-meme-texte", level="N2", points=1, epreuves=ACTIVITIES)
def same_text(ctx: CheckContext) -> Outcome:
    return same_text_outcome(ctx, *_docs(ctx))


@d3_check("d3-seconde-lettre-formats", level="N3", points=1, epreuves=[LETTER_EPREUVE])
def second_letter_formats(ctx: CheckContext) -> Outcome:
    docs, kind = _docs(ctx, ctx.scenario.second_offer)
    for judge in (pdf_outcome, docx_outcome, same_text_outcome):
        outcome = judge(ctx, docs, kind)
        if not outcome.passed:
            return Outcome(False, t("documents_checks.second_formats", employer=docs_employer(ctx),
                                    problem=outcome.feedback))
    return Outcome(True, t("documents_checks.second_formats_ok", employer=docs_employer(ctx)))


def docs_employer(ctx: CheckContext) -> str:
    return str(ctx.scenario.second_offer.employer)
