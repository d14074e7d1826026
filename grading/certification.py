"""From the per-competence report to what an attestation certifies, learner by learner.

Only what the report validated *and* a human finished reviewing is certified: a competence
still waiting for a review stays off the attestation until the mediator scores it. The
words (statement, level meaning, Pix and DigComp labels) come from the referential, the
evidence titles from the épreuves and the check registry, the structure and the mediator
from the course settings, so the attestation says nothing the kit does not know.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tremplin.grading.attestation_model import AttestationData, CertifiedCompetence, Evidence
from tremplin.widgets.i18n import t


def attestations_for(
    course: Any, learners: Iterable[str] | None = None, today: date | None = None
) -> list[AttestationData]:
    """One AttestationData per learner asked (all of the report when None), even when empty."""
    from tremplin.grading.course_settings import load_settings
    from tremplin.grading.gradebook_report import course_report
    from tremplin.grading.referential import load_referential

    report = course_report(course)
    settings = load_settings(course.layout.course_dir)
    referential = load_referential()
    wanted = None if learners is None else set(learners)
    issued = today or datetime.now(UTC).date()
    return [
        certify(item, referential, pseudonym=pseudonym_of(course.layout.learners_dir, item.id),
                structure=settings.structure, mediator=settings.mediator, today=issued)
        for item in report.learners if wanted is None or item.id in wanted
    ]


def certify(
    learner: Any, referential: Any, *, pseudonym: str, structure: str, mediator: str, today: date
) -> AttestationData:
    """A LearnerResult's validated, fully reviewed competences, in the referential's words."""
    competences = tuple(
        _competence(cid, tally, referential)
        for cid, tally in learner.competences.items()
        if tally.validated and not tally.provisional and _known(referential, cid)
    )
    return AttestationData(
        learner_id=learner.id,
        pseudonym=pseudonym,
        structure=structure,
        mediator=mediator,
        issued_on=today,
        referential_name=referential.name,
        referential_version=str(referential.version),
        competences=competences,
    )


def _competence(cid: str, tally: Any, referential: Any) -> CertifiedCompetence:
    competence = referential.competence(cid)
    return CertifiedCompetence(
        id=cid,
        statement=competence.statement("fr"),
        level=tally.level,
        level_text=competence.level(tally.level).text("fr"),
        pix=_codes(competence.pix, referential.pix_labels),
        digcomp=_codes(competence.digcomp, referential.digcomp_labels),
        validated_on=date.fromisoformat(tally.validated_on) if tally.validated_on else tally_date(tally),
        evidence=tuple(epreuve_evidence(epreuve, ids) for epreuve, ids in tally.evidence.items() if ids),
    )


def tally_date(tally: Any) -> date:
    """A validated competence always has a hand-in behind it; today only for hand-made rows."""
    moment = tally.last_hand_in
    return moment.date() if moment is not None else datetime.now(UTC).date()


def _codes(codes: Iterable[str], labels: Mapping[str, Mapping[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((code, labels[code]["fr"]) for code in codes if code in labels)


def epreuve_evidence(epreuve: str, grade_ids: Iterable[str]) -> Evidence:
    """An épreuve and the titles of the checks that earned points in it."""
    from tremplin.grading.epreuves import EPREUVES

    title = EPREUVES.get(epreuve, {}).get("title", epreuve)
    return Evidence(epreuve=epreuve, epreuve_title=title, checks=tuple(check_title(g) for g in grade_ids))


def check_title(grade_id: str) -> str:
    """The French title of a check or a review item; its id when the kit has no title for it."""
    from tremplin.grading.checks import REGISTRY
    from tremplin.grading.review_items import REVIEW_ITEMS

    spec = REGISTRY.get(grade_id) or REVIEW_ITEMS.get(grade_id)
    if spec is None:
        return grade_id
    title = t(spec.title_key)
    return grade_id if title == spec.title_key else title


def _known(referential: Any, cid: str) -> bool:
    try:
        referential.competence(cid)
    except KeyError:
        return False
    return True


def pseudonym_of(learners_dir: Path, learner_id: str) -> str:
    """The pseudonym the learner chose (their workspace profile), else their id."""
    profile = learners_dir / learner_id / "profile.json"
    try:
        pseudonym = json.loads(profile.read_text(encoding="utf-8")).get("pseudonym")
    except (OSError, ValueError, AttributeError):
        return learner_id
    return pseudonym if isinstance(pseudonym, str) and pseudonym.strip() else learner_id
