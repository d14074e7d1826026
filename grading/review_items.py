"""What only a person can judge: the épreuves' human review items, scored by the mediator.

A check can tell that a letter names the employer; it cannot tell that the letter would
convince one. Each such question is a review item: a manually graded cell of its épreuve
(grade_id = the item's id), with a short French rubric, scored in nbgrader's formgrader or
with `review_scores.score_review`. An item has the attributes the per-competence report
reads of a check (competences, level, critical), plus `manual`, so both merge into one map.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tremplin.grading.documents_scenario import CV_EPREUVE, LETTER_EPREUVE
from tremplin.grading.mail_scenario import APPLY
from tremplin.widgets.i18n import number, t

#: What each criterion of a rubric is scored: 0, 1 or 2.
CRITERION_SCORES = (0, 1, 2)


@dataclass(frozen=True)
class ReviewItem:
    id: str
    epreuve: str
    competences: tuple[str, ...]
    level: str
    points: float
    #: The rubric's criteria, in order; each has its title and a sentence per score in the catalogue.
    criteria: tuple[str, ...]
    #: What the review cell shows of the hand-in: "letter", "application_mail" or "cv".
    artefact: str = ""
    critical: bool = False
    manual: bool = True
    title_key: str = ""
    rubric_key: str = ""

    def criterion_key(self, criterion: str, score: int | None = None) -> str:
        """Catalogue key of a criterion's title, or of what `score` (0, 1, 2) means for it."""
        suffix = "" if score is None else f"_{score}"
        return f"review.{self.id}_{criterion}{suffix}"

    @property
    def thresholds(self) -> tuple[int, int]:
        """The criteria totals giving full points and half the points (¾ and ½ of the maximum)."""
        top = len(self.criteria) * CRITERION_SCORES[-1]
        return math.ceil(0.75 * top), math.ceil(0.5 * top)


def _item(item_id: str, epreuve: str, competence: str, artefact: str,
          criteria: tuple[str, ...]) -> ReviewItem:
    return ReviewItem(id=item_id, epreuve=epreuve, competences=(competence,), level="N2", points=2,
                      criteria=criteria, artefact=artefact, title_key=f"review.{item_id}_title",
                      rubric_key=f"review.{item_id}_rubric")


REVIEW_ITEMS: dict[str, ReviewItem] = {
    item.id: item
    for item in (
        _item("d2-lettre-convaincante", LETTER_EPREUVE, "D2", "letter",
              ("accroche", "preuves", "apport", "ecriture")),
        _item("c5-ton-du-courriel", APPLY, "C5", "application_mail",
              ("formules", "registre", "clarte", "assurance")),
        _item("d1-cv-clair", CV_EPREUVE, "D1", "cv",
              ("poste-vise", "rubriques", "missions", "sobriete")),
    )
}


def items_for(epreuve: str) -> list[ReviewItem]:
    """The review items of one épreuve, in a stable order."""
    return [item for item in REVIEW_ITEMS.values() if item.epreuve == epreuve]


def rubric_lines(item: ReviewItem, locale: str | None = None) -> list[str]:
    """The rubric as plain lines: question, criteria with what 0/1/2 mean, how to turn them into points."""
    top, half = item.thresholds
    lines = [t("review.rubric_heading", locale, title=t(item.title_key, locale),
               points=number(item.points, locale)), t(item.rubric_key, locale)]
    for index, criterion in enumerate(item.criteria, start=1):
        lines.append(t("review.criterion", locale, n=index, title=t(item.criterion_key(criterion), locale)))
        for score in CRITERION_SCORES:
            meaning = t(item.criterion_key(criterion, score), locale)
            lines.append(t("review.level", locale, score=score, text=meaning))
    lines.append(t("review.scale", locale, max=len(item.criteria) * CRITERION_SCORES[-1], top=top,
                   half=half, points=number(item.points, locale),
                   half_points=number(item.points / 2, locale)))
    return lines


def rubric_text(item: ReviewItem, locale: str | None = None) -> str:
    return "\n".join(rubric_lines(item, locale))
