"""The retake policy: when a learner may hand an épreuve in again, and when a hand-in counts.

Rules (settings from course_settings.py, history from attempts.py):
  * the first attempt is always allowed (and handing in again before it is graded too:
    collect keeps the latest, so it is still one attempt);
  * after a passed attempt there is nothing to retake: refused, « déjà réussi »;
  * after a failed one: allowed from the local day `retake_after_days` after that hand-in,
    and only while the learner has had fewer than `max_attempts` attempts.
The kiosk asks `may_hand_in` before handing in; autograde asks `allowed_to_grade` for each
collected hand-in (a learner could hand in from elsewhere, or while the policy changed), and
skips with a reason the one that broke the policy. Days are counted in the kiosk's time zone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tremplin.grading.attempts import Attempt, as_utc, attempts_of
from tremplin.grading.course_settings import CourseSettings, load_settings
from tremplin.widgets.i18n import t

KIOSK_TIMEZONE = "Europe/Paris"


@dataclass(frozen=True)
class Decision:
    """Allowed or not, why in French, and from which day a retake is possible (if it will be)."""

    allowed: bool
    message_fr: str
    next_date: date | None = None
    #: first, retake, passed, too_early, max_reached (learner) or grade_* (mediator)
    code: str = ""
    values: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def message(self, locale: str | None = None) -> str:
        """The same message in the reader's language (dates written the way they read them)."""
        return render(self.code, locale, **self.values)


def render(code: str, locale: str | None = None, **values: Any) -> str:
    shown = {k: format_date(v, locale) if isinstance(v, date) else v for k, v in values.items()}
    return t(f"retake.{code}", locale, **shown)


def _decision(allowed: bool, code: str, next_date: date | None = None, **values: Any) -> Decision:
    return Decision(allowed, render(code, "fr", **values), next_date, code, values)


def format_date(day: date, locale: str | None = None) -> str:
    """« 12 décembre 2026 », « 1er mars 2027 » / "December 12, 2026"."""
    months = t("retake.months", locale).split()
    number = t("retake.first_day", locale) if day.day == 1 else str(day.day)
    return t("retake.date", locale, day=number, month=months[day.month - 1], year=day.year)


def local_date(when: datetime) -> date:
    """The calendar day at the kiosk of an instant (UTC when the zone database is missing)."""
    try:
        zone: Any = ZoneInfo(KIOSK_TIMEZONE)
    except ZoneInfoNotFoundError:
        zone = UTC
    return as_utc(when).astimezone(zone).date()


def decide(earlier: list[Attempt], settings: CourseSettings, now: datetime) -> Decision:
    """The policy itself, on the attempts made before `now` (oldest first)."""
    if not earlier:
        return _decision(True, "first")
    if any(a.passed for a in earlier):
        return _decision(False, "passed")
    if len(earlier) >= settings.max_attempts:
        return _decision(False, "max_reached", count=len(earlier))
    next_day = local_date(earlier[-1].when) + timedelta(days=settings.retake_after_days)
    if local_date(now) < next_day:
        return _decision(False, "too_early", next_day, date=next_day)
    return _decision(True, "retake", number=len(earlier) + 1, max=settings.max_attempts)


def may_hand_in(course_dir: Path, learner: str, epreuve: str, now: datetime | None = None) -> Decision:
    """May `learner` hand `epreuve` in now? TremplinError if the settings file is damaged."""
    now = as_utc(now or datetime.now(UTC))
    settings = load_settings(course_dir)
    earlier = [a for a in attempts_of(course_dir, learner, epreuve) if a.when <= now]
    return decide(earlier, settings, now)


def handed_in_at(course_dir: Path, learner: str, epreuve: str) -> datetime | None:
    """When a collected hand-in was handed in (nbgrader's timestamp.txt), None if unknown."""
    from nbgrader.utils import parse_utc

    path = Path(course_dir) / "submitted" / learner / epreuve / "timestamp.txt"
    try:
        return as_utc(parse_utc(path.read_text(encoding="utf-8").strip()))
    except (OSError, ValueError, OverflowError):
        return None


def allowed_to_grade(
    course_dir: Path, learner: str, epreuve: str, handed_in: datetime | None = None
) -> Decision:
    """Should autograde grade this collected hand-in? The message is for the mediator.

    Only attempts handed in strictly before this one count, so grading the same hand-in
    again (same timestamp) is always allowed. Without a timestamp, now is used.
    """
    when = as_utc(handed_in or handed_in_at(course_dir, learner, epreuve) or datetime.now(UTC))
    settings = load_settings(course_dir)
    earlier = [a for a in attempts_of(course_dir, learner, epreuve) if a.when < when]
    verdict = decide(earlier, settings, when)
    if verdict.allowed:
        return verdict
    values = {**verdict.values, "learner": learner, "epreuve": epreuve, "handed": local_date(when)}
    return _decision(False, f"grade_{verdict.code}", verdict.next_date, **values)


# -- did an attempt pass? --------------------------------------------------------------

Rule = Callable[[str], Any]  # competence id -> object with is_validated(points, max, critical)


def attempt_passed(
    results: Iterable[Any], checks: Mapping[str, Any] | None = None, rule_for: Rule | None = None
) -> bool:
    """True when every competence of the épreuve's own checks meets the referential's rule.

    `results`: CheckResult objects (competences, critical, points, max_points) or the
    gradebook's ScoreRow objects (grade_id, score, max_score), whose competences come from
    `checks` (default: the check registry; grade ids it does not know are ignored). All the
    épreuve's checks count together, whatever their level; a critical check below its
    maximum is a critical failure of each of its competences. Nothing scored: not passed.
    """
    tallies: dict[str, list[float]] = {}
    for item in results:
        if hasattr(item, "grade_id"):
            checks = _registry() if checks is None else checks
            info = checks.get(item.grade_id)
            if info is None:
                continue
            competences, critical, points, max_points = (
                info.competences, info.critical, item.score, item.max_score)
        else:
            competences, critical, points, max_points = (
                item.competences, item.critical, item.points, item.max_points)
        for cid in competences:
            tally = tallies.setdefault(cid, [0.0, 0.0, 0])
            tally[0] += points
            tally[1] += max_points
            tally[2] += int(critical and points < max_points)
    rule_for = rule_for or referential_rule()
    return bool(tallies) and all(
        rule_for(cid).is_validated(p, m, int(c)) for cid, (p, m, c) in tallies.items()
    )


def referential_rule() -> Rule:
    """rule_for from the packaged referential; a competence it does not know gets its default."""
    from tremplin.grading.referential import load_referential

    referential = load_referential()

    def rule_for(cid: str) -> Any:
        try:
            return referential.rule_for(cid)
        except KeyError:
            return referential.validation

    return rule_for


def _registry() -> Mapping[str, Any]:
    from tremplin.grading.gradebook_report import registry_checks

    return registry_checks()
