"""What an épreuve's review cell runs at autograde: `show_for_review("d2-lettre-convaincante")`.

The mediator scores a review item in nbgrader's formgrader, which shows the autograded
notebook: this call puts there, under the cell, the learner's artefact as text (the letter,
the application email, the CV, found in ./workspace the way the checks find them) and then
the item's rubric. The cell never raises: a missing or unreadable artefact is one French
sentence, so the mediator still sees the rubric and can score (0, most likely).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tremplin.grading.review_items import REVIEW_ITEMS, ReviewItem, rubric_lines
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t

SUBMITTED_WORKSPACE = Path("workspace")


def document_lines(doc: Any, files: list[Any], note: list[str] | None = None) -> list[str]:
    """Where a PDF or DOCX is, in full, then its text (its DOCX twin's paragraphs when there is one)."""
    from tremplin.grading.documents_evidence import content_text, shown

    text, _paragraphs = content_text(doc, files)
    where = f"{t(f'documents_checks.place_{doc.place}')} › {shown(doc.path, 240)}"
    return [t("review.file", where=where), *(note or []), "", text.strip() or t("review.empty_text")]


def letter_lines(ctx: Any) -> list[str] | None:
    """The letter for the épreuve's offer (any letter, flagged, when none is for it)."""
    from tremplin.grading.documents_evidence import any_letter, documents, the_letter

    task = ctx.scenario.offer
    letter = the_letter(ctx, task)
    note = []
    if letter is None:
        letter = any_letter(ctx)
        note = [t("review.other_offer", employer=task.employer)]
    if letter is None:
        return None
    return document_lines(letter, documents(ctx), note)


def application_lines(ctx: Any) -> list[str] | None:
    """The application email as the employer received it: sender, recipients, subject, files, body."""
    from tremplin.grading.checks_mail_rules import application, files_of
    from tremplin.grading.mail_evidence import body_text

    mail = application(ctx)
    if mail is None:
        return None
    names = ", ".join(item.name for item in files_of(mail)) or t("review.none")
    return [t("review.mail_from", sender=mail.mail.sender),
            t("review.mail_to", to=", ".join(mail.to) or t("review.nobody")),
            *([t("review.mail_cc", cc=", ".join(mail.cc))] if mail.cc else []),
            t("review.mail_subject", subject=mail.mail.subject),
            t("review.mail_attachments", names=names), "",
            body_text(mail.mail.message).strip() or t("review.empty_text")]


def cv_lines(ctx: Any) -> list[str] | None:
    from tremplin.grading.documents_evidence import documents, the_cv

    cv = the_cv(ctx)
    return None if cv is None else document_lines(cv, documents(ctx))


#: artefact kind -> (how to find it in the hand-in, the sentence when there is none)
ARTEFACTS: dict[str, tuple[Callable[[Any], list[str] | None], str]] = {
    "letter": (letter_lines, "review.no_letter"),
    "application_mail": (application_lines, "review.no_mail"),
    "cv": (cv_lines, "review.no_cv"),
}


def artefact_lines(item: ReviewItem, workspace_dir: Path) -> list[str]:
    """The artefact as lines of text, or one French sentence saying why there is none."""
    from tremplin.grading.check_context import load_context

    if item.artefact not in ARTEFACTS:  # an item judged on the rubric alone
        return []
    find, missing = ARTEFACTS[item.artefact]
    try:
        found = find(load_context(Path(workspace_dir), item.epreuve))
    except TremplinError as error:
        return [t("review.unreadable", reason=error)]
    except Exception:  # noqa: BLE001 - a hand-in the kit cannot read must never break autograde
        return [t("review.unreadable_other")]
    return found if found is not None else [t(missing)]


def review_text(item_id: str, workspace_dir: Path = SUBMITTED_WORKSPACE) -> tuple[str, str]:
    """(artefact, rubric) as plain text, for the cell's output and for tests."""
    item = REVIEW_ITEMS.get(item_id)
    if item is None:
        return t("review.unknown_item", item=item_id), ""
    heading = t("review.artefact_heading", title=t(item.title_key))
    return "\n".join([heading, "", *artefact_lines(item, workspace_dir)]), "\n".join(rubric_lines(item))


def _html(artefact: str, rubric: str) -> str:
    block = '<pre style="white-space: pre-wrap; font-size: 1em">{}</pre>'
    parts = [block.format(html.escape(artefact))]
    if rubric:
        parts += [f"<h4>{html.escape(t('review.rubric_section'))}</h4>", block.format(html.escape(rubric))]
    return "\n".join(parts)


def show_for_review(item_id: str, workspace_dir: Path = SUBMITTED_WORKSPACE) -> None:
    """Show the artefact then the rubric: HTML (escaped) in a kernel, plain text elsewhere."""
    artefact, rubric = review_text(item_id, workspace_dir)
    plain = f"{artefact}\n\n{rubric}" if rubric else artefact
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython ships with every kernel
        get_ipython = None  # type: ignore[assignment]
    if get_ipython is not None and get_ipython() is not None:
        display({"text/plain": plain, "text/html": _html(artefact, rubric)}, raw=True)
    else:
        print(plain)
