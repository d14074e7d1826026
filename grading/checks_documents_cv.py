"""Checks of the CV (D1): its sections, contact details, reverse order, length, spelling, its target.

They read the CV the learner really made (the PDF last exported, else the newest CV file of
« Mes documents », through read_back), never the editor's state: a CV typed elsewhere and
uploaded counts the same. Feedback names what is missing and where to fix it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial

from tremplin.grading.check_context import CheckContext
from tremplin.grading.check_model import REGISTRY, Outcome
from tremplin.grading.checks_mail_rules import requiring
from tremplin.grading.checks_mail_text import names_offer
from tremplin.grading.documents_evidence import DocFile, cv_sections, keyword_hits, the_cv
from tremplin.grading.documents_scenario import CV_EPREUVE, CV_LESSON
from tremplin.grading.spelling import spelling_mistakes
from tremplin.widgets.i18n import t

ACTIVITIES = [CV_EPREUVE, CV_LESSON]
ESSENTIAL = ("experience", "training", "skills")
MAX_PAGES = 2
MAX_UNKNOWN = 3
SHOWN_WORDS = 5
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
_DATE = r"(?:(0?[1-9]|1[0-2])\s*/\s*)?((?:19|20)\d{2})"
_ONGOING = r"aujourd['’]hui|en cours|pr[ée]sent|actuellement|ce jour|maintenant"
_RANGE = re.compile(rf"{_DATE}\s*(?:[–—-]|à|au)\s*(?:{_DATE}|({_ONGOING}))", re.IGNORECASE)
_ALONE = re.compile(rf"^\s*(?:depuis\s+|en\s+)?{_DATE}\s*$", re.IGNORECASE)
NOW = 9999 * 12


def _no_cv(ctx: CheckContext) -> Outcome:
    return Outcome(False, t("documents_checks.no_cv"))


#: A check of the CV: it fails, saying to export one, while « Mes documents » holds none.
on_cv = requiring(the_cv, _no_cv)
d1_check = partial(REGISTRY.register, competences=["D1"], epreuves=ACTIVITIES,
                   title_key="documents_checks.{id}_title")


@dataclass(frozen=True)
class Dated:
    """One dated line of a section: « 03/2018 – 12/2020 » as months, for ordering."""

    shown: str
    end: int
    start: int


def _month(month: str | None, year: str, last: bool) -> int:
    return int(year) * 12 + (int(month) if month else (12 if last else 1))


def dated_lines(lines: list[str]) -> list[Dated]:
    """The date spans of a section's entries, in reading order."""
    found = []
    for line in lines:
        span = _RANGE.search(line)
        if span:
            start = _month(span.group(1), span.group(2), False)
            end = NOW if span.group(5) else _month(span.group(3), span.group(4), True)
            found.append(Dated(span.group(0).strip(), end, start))
            continue
        alone = _ALONE.match(line)
        if alone:
            start = _month(alone.group(1), alone.group(2), False)
            ongoing = line.strip().lower().startswith("depuis")
            found.append(Dated(line.strip(), NOW if ongoing else _month(alone.group(1), alone.group(2), True),
                               start))
    return found


def first_disorder(dates: list[Dated]) -> tuple[Dated, Dated] | None:
    """The first pair (earlier line, later line) where the later line is more recent."""
    for before, after in zip(dates, dates[1:], strict=False):
        if (after.end, after.start) > (before.end, before.start):
            return before, after
    return None


def section_label(section: str) -> str:
    return t(f"documents_checks.section_{section}")


@d1_check("d1-rubriques-essentielles", level="N1", points=2)
@on_cv
def essential_sections(ctx: CheckContext, cv: DocFile) -> Outcome:
    sections = cv_sections(cv.text)
    missing = [name for name in ESSENTIAL if name not in sections]
    if not missing:
        return Outcome(True, t("documents_checks.sections_ok", name=cv.shown))
    shown = t("documents_checks.join").join(f"« {section_label(name)} »" for name in missing)
    key = "sections_missing_one" if len(missing) == 1 else "sections_missing"
    return Outcome(False, t(f"documents_checks.{key}", sections=shown, name=cv.shown),
                   score=1 - len(missing) / len(ESSENTIAL))


@d1_check("d1-coordonnees", level="N1", points=1)
@on_cv
def contact_details(ctx: CheckContext, cv: DocFile) -> Outcome:
    email, phone = bool(_EMAIL.search(cv.text)), bool(_PHONE.search(cv.text))
    if email and phone:
        return Outcome(True, t("documents_checks.contact_ok"))
    if email or phone:
        key = "contact_no_phone" if email else "contact_no_email"
        return Outcome(False, t(f"documents_checks.{key}"), score=0.5)
    return Outcome(False, t("documents_checks.contact_none"))


@d1_check("d1-ordre-antichronologique", level="N2", points=3)
@on_cv
def reverse_order(ctx: CheckContext, cv: DocFile) -> Outcome:
    sections = cv_sections(cv.text)
    judged = 0
    for section in ("experience", "training"):
        dates = dated_lines(sections.get(section, []))
        judged += len(dates)
        wrong = first_disorder(dates)
        if wrong:
            return Outcome(False, t("documents_checks.order_wrong", section=section_label(section),
                                    before=wrong[0].shown, after=wrong[1].shown))
    if judged == 0:
        return Outcome(False, t("documents_checks.order_no_dates"))
    return Outcome(True, t("documents_checks.order_ok"))


@d1_check("d1-une-a-deux-pages", level="N2", points=1)
@on_cv
def one_or_two_pages(ctx: CheckContext, cv: DocFile) -> Outcome:
    if cv.fmt != "pdf":
        return Outcome(False, t("documents_checks.pages_no_pdf"))
    pages = len(cv.facts.pages)
    if 1 <= pages <= MAX_PAGES:
        return Outcome(True, t("documents_checks.pages_ok", n=pages))
    return Outcome(False, t("documents_checks.pages_too_many", n=pages, max=MAX_PAGES))


def spelling_outcome(ctx: CheckContext, text: str, names: list[str]) -> Outcome:
    """Passes with at most MAX_UNKNOWN unknown words; the feedback shows the first few."""
    unknown = spelling_mistakes(text, ctx.world, [ctx.workspace.pseudonym, *names])
    if len(unknown) <= MAX_UNKNOWN:
        if unknown:
            return Outcome(True, t("documents_checks.spelling_few", words=_quoted(unknown)))
        return Outcome(True, t("documents_checks.spelling_ok"))
    return Outcome(False, t("documents_checks.spelling_many", n=len(unknown), words=_quoted(unknown)),
                   score=0.5 if len(unknown) <= 2 * MAX_UNKNOWN else 0.0)


def _quoted(found: list[str]) -> str:
    return ", ".join(f"« {word[:40]} »" for word in found[:SHOWN_WORDS])


def name_lines(text: str) -> list[str]:
    """The first line of a CV: the learner's name, whatever its spelling."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[:1]


@d1_check("d1-orthographe", level="N2", points=1)
@on_cv
def cv_spelling(ctx: CheckContext, cv: DocFile) -> Outcome:
    return spelling_outcome(ctx, cv.text, name_lines(cv.text))


@d1_check("d1-cv-adapte-offre", level="N3", points=2)
@on_cv
def cv_fits_offer(ctx: CheckContext, cv: DocFile) -> Outcome:
    offer = ctx.scenario.offer
    top = "\n".join([line for line in cv.text.splitlines() if line.strip()][:6])
    titled = names_offer(top, offer.title, "", offer.job)
    hits = keyword_hits(cv.text, offer.keywords)
    needed = min(2, len(offer.keywords))
    if titled and len(hits) >= needed:
        return Outcome(True, t("documents_checks.fits_ok", title=offer.title))
    advice = []
    if not titled:
        advice.append(t("documents_checks.fits_title", job=offer.job, title=offer.title))
    if len(hits) < needed:
        advice.append(t("documents_checks.fits_keywords", keywords=", ".join(offer.keywords[:4])))
    return Outcome(False, " ".join(advice), score=0.5 if titled or len(hits) >= needed else 0.0)

