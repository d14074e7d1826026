"""One learner's progress for the kiosk home page: competences, next steps, released feedback.

Nothing new is judged here. Formative progress re-runs the registered checks (the same pure
functions as the « Vérifier » panel) on the activities the learner worked in, and counts per
competence the checks passed so far; the mediator's word comes from the course's gradebook
(the per-competence report behind attestations), the retake dates from the retake policy, the
feedback from nbgrader's exchange. No course: formative progress only. Heavy imports
(checks, nbgrader) happen inside the functions, after sign-in, never when the page opens.
"""

from __future__ import annotations

import importlib
import inspect
import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tremplin.widgets.home_progress import (
    Area,
    CompetenceLine,
    FeedbackPage,
    LearnerProgress,
    PageLink,
    ProgressProvider,
    Suggestion,
)
from tremplin.widgets.i18n import current_locale, t
from tremplin.widgets.paths import data_root
from tremplin.widgets.visit import Visit

LOG = logging.getLogger(__name__)
_IMPORT = re.compile(r"^from\s+([\w.]+)\s+import\s+(.+)$", re.MULTILINE)
_LESSON_CALL = re.compile(r"\b(show_\w+_lesson)\(\s*(?:activity\s*=\s*)?(?:[\"']([a-z0-9-]+)[\"'])?")


@dataclass(frozen=True)
class CourseView:
    """What the course knows of one learner (all empty when there is no course)."""

    tallies: dict[str, Any] = field(default_factory=dict)  # competence -> CompetenceTally
    handed_in: frozenset[str] = frozenset()
    released: frozenset[str] | None = None  # None: no course, every épreuve page may be handed in
    decisions: dict[str, Any] = field(default_factory=dict)  # épreuve -> retake Decision (attempted ones)
    feedback: tuple[FeedbackPage, ...] = ()


# -- which activity a page is ------------------------------------------------------------


def _code(notebook: Path) -> str:
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells") or []
    except (OSError, ValueError, AttributeError):
        return ""
    sources = (cell.get("source", "") for cell in cells if cell.get("cell_type") == "code")
    return "\n".join("".join(s) if isinstance(s, list) else str(s) for s in sources)


def lesson_activity(notebook: Path) -> str | None:
    """The activity a lesson page records its work under: the argument of its `show_…_lesson`
    call, else that function's default (found where the page imports it from)."""
    code = _code(notebook)
    call = _LESSON_CALL.search(code)
    if call is None:
        return None
    if call.group(2):
        return call.group(2)
    for module, names in _IMPORT.findall(code):
        if call.group(1) in re.split(r"[\s,()]+", names):
            try:
                function = getattr(importlib.import_module(module), call.group(1))
                default = inspect.signature(function).parameters["activity"].default
            except (ImportError, AttributeError, KeyError, ValueError):
                return None
            return default if isinstance(default, str) else None
    return None


def activity_specs(activity: str) -> list[Any]:
    """The checks a page's « Vérifier » runs: its own, or (search lesson) its épreuve's."""
    from tremplin.grading.checks import specs_for
    from tremplin.grading.epreuves import EPREUVES

    specs = specs_for(activity)
    if specs or activity in EPREUVES:
        return specs
    from tremplin.grading.search_pages import SEARCH_EPREUVE, SEARCH_LESSON

    return specs_for(SEARCH_EPREUVE) if activity == SEARCH_LESSON else []


# -- formative progress ------------------------------------------------------------------


def passed_checks(
    workspace_dir: Path, activities: Iterable[str], *, world: Any = None, root: Path | None = None
) -> tuple[set[str], set[str]]:
    """(activities the learner worked in, ids of the checks passed in any of them)."""
    from tremplin.grading.check_context import load_context
    from tremplin.widgets.workspace import Workspace

    contexts = {event.data.get("context") for event in Workspace.open(workspace_dir).events()}
    started = {activity for activity in activities if activity in contexts}
    passed: set[str] = set()
    for activity in sorted(started):
        try:
            context = load_context(workspace_dir, activity, world=world, root=root)
            passed.update(spec.id for spec in activity_specs(activity) if spec.run(context).passed)
        except Exception:  # one broken activity must not hide the others' progress
            LOG.exception("formative checks failed for %s", activity)
    return started, passed


def competence_checks(activities: Iterable[str]) -> dict[str, set[str]]:
    """competence -> ids of the checks (of these activities) that count for it."""
    checks: dict[str, set[str]] = {}
    for activity in activities:
        for spec in activity_specs(activity):
            for competence in spec.competences:
                checks.setdefault(competence, set()).add(spec.id)
    return checks


def competence_lines(
    referential: Any,
    checks: dict[str, set[str]],
    started: dict[str, bool],
    passed: set[str],
    tallies: dict[str, Any],
) -> tuple[Area, ...]:
    """One Area per domain of the referential, one line per competence, in its order."""
    locale = current_locale()
    areas = []
    for domain in referential.domains:
        lines = []
        for competence in referential.competences_of(domain.id):
            ids = checks.get(competence.id, set())
            tally = tallies.get(competence.id)
            done = len(ids & passed)
            pending = bool(tally is not None and tally.provisional)
            if tally is not None and tally.validated:
                status = "validated"
            elif started.get(competence.id) or done:
                status = "in_progress"
            else:
                status = "not_started"
            lines.append(
                CompetenceLine(
                    competence.id,
                    competence.statement(locale),
                    status,
                    done,
                    len(ids),
                    tally.level if status == "validated" else None,
                    pending,
                )
            )
        areas.append(Area(domain.name(locale), tuple(lines)))
    return tuple(areas)


# -- the course's side -------------------------------------------------------------------


def course_view(root: Path | None, learner: str, now: datetime | None = None) -> CourseView:
    """The learner's graded results, hand-ins, retake decisions and feedback; empty without a course."""
    from tremplin.grading.course import learner_course_dir

    course_dir = learner_course_dir(root)
    if not (course_dir / "nbgrader_config.py").is_file():
        return CourseView()
    from tremplin.grading.course import open_course
    from tremplin.grading.gradebook_report import course_report
    from tremplin.grading.learner_feedback import released_feedback
    from tremplin.grading.retake import may_hand_in

    course = open_course(course_dir)
    layout = course.layout
    exchange_course = layout.exchange_dir / layout.course_id
    released = frozenset(course.released_epreuves())
    handed = frozenset(
        name.split("+")[1]
        for name in _names(exchange_course / "inbound")
        if name.split("+")[0] == learner and name.count("+") >= 2
    )
    tallies: dict[str, Any] = {}
    if layout.gradebook_path.is_file():
        result = course_report(course).learner(learner)
        tallies = dict(result.competences) if result is not None else {}
    from tremplin.grading.attempts import attempts_of

    decisions = {
        epreuve: may_hand_in(course_dir, learner, epreuve, now)
        for epreuve in sorted(handed)
        if attempts_of(course_dir, learner, epreuve)
    }
    pages = tuple(
        _feedback_page(course, item, learner) for item in released_feedback(exchange_course, learner)
    )
    return CourseView(tallies, handed, released, decisions, pages)


def _names(folder: Path) -> list[str]:
    try:
        return [path.name for path in folder.iterdir()]
    except OSError:
        return []


def _feedback_page(course: Any, item: Any, learner: str) -> FeedbackPage:
    from tremplin.grading.learner_feedback import sanitize

    points, max_points = _scores(course, item.epreuve, learner)
    return FeedbackPage(
        item.epreuve,
        epreuve_title(item.epreuve),
        points,
        max_points,
        sanitize(item.path.read_text(encoding="utf-8", errors="replace")),
    )


def _scores(course: Any, epreuve: str, learner: str) -> tuple[float | None, float | None]:
    """The graded hand-in's points and total, from the gradebook (None when it has none)."""
    from nbgrader.api import Gradebook, MissingEntry

    try:
        with Gradebook(course.layout.db_url, course.layout.course_id) as gradebook:
            submission = gradebook.find_submission(epreuve, learner)
            return float(submission.score), float(submission.max_score)
    except (MissingEntry, OSError, ValueError):
        return None, None


def epreuve_title(epreuve: str) -> str:
    from tremplin.grading.epreuves import EPREUVES

    return str(EPREUVES.get(epreuve, {}).get("title") or epreuve)


# -- next steps --------------------------------------------------------------------------


def suggestions(
    lessons: Sequence[tuple[PageLink, str | None]],
    epreuves: Sequence[PageLink],
    started: set[str],
    passed: set[str],
    view: CourseView,
) -> tuple[Suggestion, ...]:
    """At most one of each, three in all, in this order: the first lesson not started, an
    épreuve whose lessons are passed and not handed in, a retake (now or from a date), a
    review the mediator still owes."""
    found: list[Suggestion] = []
    upcoming = next((page for page, activity in lessons if activity and activity not in started), None)
    if upcoming is not None:
        found.append(Suggestion(t("home.next_lesson"), upcoming))
    ready = _ready_epreuve(lessons, epreuves, passed, view)
    if ready is not None:
        found.append(Suggestion(t("home.next_epreuve"), ready))
    retake = _retake(epreuves, view)
    if retake is not None:
        found.append(retake)
    waiting = sorted(
        {review.split("/")[0] for tally in view.tallies.values() for review in tally.pending_reviews}
    )
    if waiting:
        titles = {Path(page.path).stem: page.title for page in epreuves}
        found.append(
            Suggestion(t("home.next_review", title=titles.get(waiting[0]) or epreuve_title(waiting[0])))
        )
    return tuple(found[:3])


def _retake(epreuves: Sequence[PageLink], view: CourseView) -> Suggestion | None:
    """The first épreuve failed so far: retake it now, or the day it becomes possible."""
    from tremplin.grading.retake import format_date

    for page in epreuves:
        decision = view.decisions.get(Path(page.path).stem)
        if decision is None or decision.code in ("first", "passed"):
            continue
        if decision.allowed:
            return Suggestion(t("home.next_retake"), page)
        if decision.next_date is not None:
            return Suggestion(
                t("home.next_retake_later", title=page.title, date=format_date(decision.next_date))
            )
    return None


def _ready_epreuve(
    lessons: Sequence[tuple[PageLink, str | None]],
    epreuves: Sequence[PageLink],
    passed: set[str],
    view: CourseView,
) -> PageLink | None:
    """The first épreuve not handed in whose lessons (those on its competences) are all passed."""
    for page in epreuves:
        epreuve = Path(page.path).stem
        if epreuve in view.handed_in or (view.released is not None and epreuve not in view.released):
            continue
        own = {c for spec in activity_specs(epreuve) for c in spec.competences}
        related = [
            activity
            for _page, activity in lessons
            if activity
            and (covered := {c for spec in activity_specs(activity) for c in spec.competences})
            and covered <= own
        ]
        if related and all({spec.id for spec in activity_specs(a)} <= passed for a in related):
            return page
    return None


# -- the whole thing ---------------------------------------------------------------------


def learner_progress(
    visit: Visit,
    lessons: list[PageLink],
    epreuves: list[PageLink],
    *,
    root: Path | None = None,
    folder: Path | None = None,
    world: Any = None,
    now: datetime | None = None,
) -> LearnerProgress:
    """The home page's progress for `visit` (pages as the home page found them)."""
    from tremplin.grading.referential import load_referential

    base = Path(folder) if folder is not None else _served_folder()
    lesson_ids = [(page, lesson_activity(base / page.path)) for page in lessons]
    from tremplin.grading.epreuves import EPREUVES

    epreuves = [page for page in epreuves if Path(page.path).stem in EPREUVES]  # pages of the kit's épreuves
    activities = [a for _page, a in lesson_ids if a] + [Path(page.path).stem for page in epreuves]
    if world is None:
        world = _world(root)
    started, passed = passed_checks(Path(visit.workspace), activities, world=world, root=root)
    checks = competence_checks(activities)
    worked = {c: True for a in started for spec in activity_specs(a) for c in spec.competences}
    view = course_view(root, visit.slug, now)
    areas = competence_lines(load_referential(), checks, worked, passed, view.tallies)
    return LearnerProgress(areas, suggestions(lesson_ids, epreuves, started, passed, view), view.feedback)


def _served_folder() -> Path:
    from tremplin.widgets.home import notebooks_dir

    return notebooks_dir()


def _world(root: Path | None) -> Any:
    from tremplin.widgets.world import World, WorldError

    try:
        return World.open(data_root(root) / "world")
    except WorldError:
        return None


def home_provider(root: Path | None = None, folder: Path | None = None) -> ProgressProvider:
    """The callable the home notebook gives `show_home` (a learner's progress from their visit)."""

    def provide(visit: Visit, lessons: list[PageLink], epreuves: list[PageLink]) -> LearnerProgress:
        return learner_progress(visit, lessons, epreuves, root=root, folder=folder)

    return provide
