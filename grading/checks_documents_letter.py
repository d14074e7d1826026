"""Checks of the cover letter (D2): tailored to the chosen offer, complete, written by the learner.

They read the letter file for the scenario's offer (it names the employer or gives the
reference), PDF first, its paragraphs from its DOCX twin when there is one (a DOCX keeps
one paragraph a line; a PDF wraps them). A letter for another employer, or the editor's
template left as it was (empty paragraphs, the hints copied, hardly a word of one's own),
fails: it would not get the learner an interview.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import partial
from typing import Any

from tremplin.grading.check_context import CheckContext
from tremplin.grading.check_model import REGISTRY, Outcome
from tremplin.grading.checks_documents_cv import spelling_outcome
from tremplin.grading.checks_mail_rules import requiring
from tremplin.grading.checks_mail_text import names_offer
from tremplin.grading.documents_evidence import (
    CLOSINGS,
    DocFile,
    any_letter,
    content_text,
    documents,
    employer_key,
    flat,
    has_phrase,
    keyword_hits,
    names_employer,
    the_letter,
    words,
)
from tremplin.grading.documents_scenario import LETTER_EPREUVE, LETTER_LESSON, OfferTask
from tremplin.widgets.documents.layout import letter_blocks
from tremplin.widgets.documents.model import LETTER_HINTS, Contact, letter_for_offer
from tremplin.widgets.i18n import t

ACTIVITIES = [LETTER_EPREUVE, LETTER_LESSON]
PARAGRAPHS = 3
MIN_PARAGRAPH_WORDS = 12
MIN_OWN_WORDS = 40
HINT_RATIO = 0.6
COPY_RATIO = 0.85
SHOWN = 60
_GREETINGS = ("madame", "monsieur", "mesdames", "messieurs", "bonjour")
_END = re.compile(r"[.!?…]\s*$")


@dataclass(frozen=True)
class LetterParts:
    """The blocks of a letter as read back: object line, greeting, the paragraphs, closing, signature."""

    subject: str
    greeting: bool
    paragraphs: tuple[str, ...]
    closing: bool
    signature: str

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)

    def missing(self) -> list[str]:
        full = sum(len(words(p)) >= MIN_PARAGRAPH_WORDS for p in self.paragraphs)
        found = {"subject": bool(self.subject), "greeting": self.greeting, "paragraphs": full >= PARAGRAPHS,
                 "closing": self.closing, "signature": bool(self.signature)}
        return [name for name, present in found.items() if not present]


def _is_greeting(line: str) -> bool:
    folded = words(line)
    return bool(folded) and folded[0] in _GREETINGS and len(folded) <= 5


def _is_closing(line: str) -> bool:
    return any(has_phrase(flat(line), closing) for closing in CLOSINGS)


def _wrapped(lines: list[str]) -> list[str]:
    """PDF lines back into paragraphs: a paragraph ends on a short line closed by a full stop."""
    widest = max((len(line) for line in lines), default=0)
    paragraphs, current = [], []
    for line in lines:
        current.append(line)
        if _END.search(line) and len(line) < 0.8 * widest:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def letter_parts(text: str, one_per_line: bool) -> LetterParts:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    closing_at = next((i for i, line in enumerate(lines) if _is_closing(line)), len(lines))
    greetings = [i for i, line in enumerate(lines[:closing_at]) if _is_greeting(line)]
    start = greetings[-1] + 1 if greetings else 0
    subject = next((line for line in lines[:start or closing_at] if flat(line).startswith("objet")), "")
    if not greetings and subject:
        start = lines.index(subject) + 1
    body = lines[start:closing_at]
    paragraphs = body if one_per_line else _wrapped(body)
    tail = [line for line in lines[closing_at + 1:] if not _is_closing(line)]
    signature = tail[-1] if tail and len(words(tail[-1])) <= 6 and not _END.search(tail[-1]) else ""
    return LetterParts(subject, bool(greetings), tuple(paragraphs), closing_at < len(lines), signature)


def parts_of(ctx: CheckContext, letter: DocFile) -> LetterParts:
    text, one_per_line = content_text(letter, documents(ctx))
    return letter_parts(text, one_per_line)


def template_text(task: OfferTask) -> str:
    """What the editor fills in by itself for this offer (everything but the learner's paragraphs)."""
    template = letter_for_offer(task.as_offer(), Contact())
    hints = [t(key, "fr") for key in LETTER_HINTS.values()]
    return "\n".join([*(block.text for block in letter_blocks(template)), *hints])


def similarity(a: str, b: str) -> float:
    """How alike two texts are, word by word (difflib's ratio on their folded words)."""
    return difflib.SequenceMatcher(None, words(a), words(b), autojunk=False).ratio()


def copied_hint(paragraph: str) -> bool:
    return any(similarity(paragraph, t(key, "fr")) >= HINT_RATIO for key in LETTER_HINTS.values())


def own_words(parts: LetterParts, task: OfferTask) -> int:
    """How many words of the paragraphs are the learner's (neither the template's nor the hints')."""
    given = set(words(template_text(task)))
    return sum(1 for word in words(parts.body) if word not in given)


def _start(text: str) -> str:
    return text[:SHOWN] + ("…" if len(text) > SHOWN else "")


def written_outcome(parts: LetterParts, task: OfferTask) -> Outcome:
    """Fails for the template left as it was: empty paragraphs, hints kept, too few words of one's own."""
    for paragraph in parts.paragraphs:
        if copied_hint(paragraph):
            return Outcome(False, t("documents_checks.letter_hint_kept", start=_start(paragraph)))
    count = own_words(parts, task)
    if count == 0:
        return Outcome(False, t("documents_checks.letter_template"))
    if count < MIN_OWN_WORDS:
        return Outcome(False, t("documents_checks.letter_too_short", n=count, min=MIN_OWN_WORDS))
    return Outcome(True, t("documents_checks.letter_written", n=count))


_EMPLOYERS: dict[tuple[Any, ...], tuple[tuple[str, str], ...]] = {}


def world_employers(world: Any) -> tuple[tuple[str, str], ...]:
    """(name, matching key) of every employer of the world, longest key first (computed once per world)."""
    files = getattr(world.manifest, "files", {}) or {}
    key = (world.manifest.seed, files.get("employers.jsonl", ""))
    if key not in _EMPLOYERS:
        names = {str(e.get("name") or "") for e in world.employers()} - {""}
        pairs = sorted(((name, employer_key(name)) for name in names), key=lambda p: (-len(p[1]), p[0]))
        _EMPLOYERS[key] = tuple(pairs)
    return _EMPLOYERS[key]


def other_employer(ctx: CheckContext, text: str, task: OfferTask) -> str | None:
    """Another employer of the world a letter is addressed to, if it names one."""
    padded = f" {flat(text)} "
    for name, key in world_employers(ctx.world):
        if name != task.employer and key and f" {key} " in padded:
            return name
    return None


def tailored_outcome(ctx: CheckContext, task: OfferTask) -> Outcome:
    """Names the offer's company and job; a letter to another company says which."""
    letter = the_letter(ctx, task)
    if letter is None:
        found = any_letter(ctx)
        if found is None:
            return Outcome(False, t("documents_checks.no_letter", employer=task.employer, title=task.title))
        other = other_employer(ctx, found.text, task) or t("documents_checks.another_employer")
        return Outcome(False, t("documents_checks.letter_other_employer", name=found.shown, other=other,
                                employer=task.employer))
    named = names_employer(letter.text, task.employer)
    titled = names_offer(letter.text, task.title, task.reference, task.job)
    if named and titled:
        return Outcome(True, t("documents_checks.tailored_ok", employer=task.employer, title=task.title))
    key = "letter_no_job" if named else "letter_no_employer"
    return Outcome(False, t(f"documents_checks.{key}", employer=task.employer, title=task.title), score=0.5)


def _no_letter(ctx: CheckContext, task: OfferTask | None = None) -> Outcome:
    task = task or ctx.scenario.offer
    return Outcome(False, t("documents_checks.no_letter", employer=task.employer, title=task.title))


#: A check of the letter for the scenario's offer: it fails, saying to write one, while there is none.
on_letter = requiring(lambda ctx: the_letter(ctx, ctx.scenario.offer), _no_letter)


d2_check = partial(REGISTRY.register, competences=["D2"], epreuves=ACTIVITIES,
                   title_key="documents_checks.{id}_title")


@d2_check("d2-entreprise-et-poste", level="N1", points=2, critical=True)
def company_and_job(ctx: CheckContext) -> Outcome:
    return tailored_outcome(ctx, ctx.scenario.offer)


@d2_check("d2-blocs-de-la-lettre", level="N1", points=2)
@on_letter
def letter_blocks_present(ctx: CheckContext, letter: DocFile) -> Outcome:
    missing = parts_of(ctx, letter).missing()
    if not missing:
        return Outcome(True, t("documents_checks.blocks_ok"))
    shown = t("documents_checks.join").join(t(f"documents_checks.block_{name}") for name in missing)
    return Outcome(False, t("documents_checks.blocks_missing", blocks=shown), score=1 - len(missing) / 5)


@d2_check("d2-redigee-par-vous", level="N1", points=2, critical=True)
@on_letter
def written_by_learner(ctx: CheckContext, letter: DocFile) -> Outcome:
    return written_outcome(parts_of(ctx, letter), ctx.scenario.offer)


@d2_check("d2-mots-cles-offre", level="N2", points=2)
@on_letter
def offer_keywords(ctx: CheckContext, letter: DocFile) -> Outcome:
    task = ctx.scenario.offer
    hits = keyword_hits(parts_of(ctx, letter).body, task.keywords)
    needed = min(2, len(task.keywords))
    if len(hits) >= needed:
        return Outcome(True, t("documents_checks.keywords_ok", keywords=", ".join(hits[:4])))
    missing = [k for k in task.keywords if k not in hits]
    return Outcome(False, t("documents_checks.keywords_missing", n=needed, keywords=", ".join(missing[:4])),
                   score=len(hits) / needed if needed else 0.0)


@d2_check("d2-orthographe", level="N2", points=1)
@on_letter
def letter_spelling(ctx: CheckContext, letter: DocFile) -> Outcome:
    parts = parts_of(ctx, letter)
    if not parts.paragraphs:
        return Outcome(False, t("documents_checks.letter_template"))
    return spelling_outcome(ctx, "\n".join([parts.subject, parts.body]), [parts.signature])


@d2_check("d2-seconde-lettre", level="N3", points=2)
def second_letter(ctx: CheckContext) -> Outcome:
    second, first = ctx.scenario.second_offer, ctx.scenario.offer
    letter = the_letter(ctx, second)
    if letter is None:
        return _no_letter(ctx, second)
    tailored = tailored_outcome(ctx, second)
    if not tailored.passed:
        return Outcome(False, tailored.feedback, score=0.5 * tailored.fraction)
    parts = parts_of(ctx, letter)
    written = written_outcome(parts, second)
    if not written.passed:
        return Outcome(False, written.feedback, score=0.5)
    earlier = the_letter(ctx, first)
    copied = earlier is not None and earlier.path != letter.path and similarity(
        parts.body, parts_of(ctx, earlier).body) >= COPY_RATIO
    if copied:
        return Outcome(False, t("documents_checks.second_copied", employer=second.employer), score=0.5)
    return Outcome(True, t("documents_checks.second_ok", employer=second.employer, title=second.title))
