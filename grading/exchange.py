"""Moving épreuves through nbgrader's exchange: release, fetch, hand in, collect.

Every transfer goes through nbgrader's own exchange classes (from `NbGraderAPI.exchange`,
so a course configured with another exchange plugin keeps working), never by copying
into the exchange folder ourselves.

The learner's id on a hand-in: nbgrader's ExchangeSubmit uses `coursedir.student_id`
when it is not "*" (its default) and only then falls back to the OS user name. Each
hand-in builds its own CourseDirectory with `student_id` set to the learner's slug, so
many learners can hand in from the kiosk's single OS account, even from threads of one
process, without touching global state. Collect keeps the latest hand-in per learner.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tremplin.grading.course import (
    Course,
    Progress,
    learner_course_dir,
    open_course,
    quiet_log,
)
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t

#: Folder of the hand-in holding the learner's workspace snapshot (read by the graded cells).
WORKSPACE_DIR = "workspace"
#: What nbgrader accepts as a student id and what a folder name can safely be: no "+"
#: (it separates the fields of an exchange file name), no "*", no "/", no spaces.
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class StepResult:
    """One nbgrader step on one épreuve (and learner): success and a one-line reason."""

    epreuve: str
    ok: bool
    message: str = ""
    student: str | None = None
    log: str = ""


def run_step(app: Any, epreuve: str, student: str | None = None) -> StepResult:
    """Run an nbgrader app or exchange object, turning its outcome into a StepResult."""
    from nbgrader.utils import capture_log

    result = capture_log(app)
    return step_from_result(result, epreuve, student)


def step_from_result(result: dict[str, Any] | None, epreuve: str, student: str | None) -> StepResult:
    result = result or {"success": False, "error": "no result"}
    log = result.get("log") or ""
    if result.get("success"):
        return StepResult(epreuve, True, student=student, log=log)
    return StepResult(epreuve, False, reason(log, result.get("error") or ""), student, log)


_EXCEPTION_LINE = re.compile(r"^\s*([A-Za-z_][\w.]*(?:Error|Exception|Exit)):\s*(.+)$")


def reason(log: str, error: str) -> str:
    """One line saying why a step failed: the deepest exception in nbgrader's log.

    nbgrader logs the real traceback and then raises a generic "see the above traceback"
    exception; the last exception line of the log is the one a mediator can act on.
    """
    for text in (log, error):
        found = [m for m in map(_EXCEPTION_LINE.match, text.splitlines()) if m]
        found = [m for m in found if "see the the above traceback" not in m.group(2)]
        if found:
            name, message = found[-1].groups()
            return f"{name.rsplit('.', 1)[-1]}: {message.strip()}"
    for text in (error, log):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if lines:
            return lines[-1]
    return "?"


# -- mediator side ---------------------------------------------------------------------


def release_epreuves(
    course: Course, epreuves: Iterable[str] | None = None, progress: Progress = print
) -> list[StepResult]:
    """generate_assignment then release each épreuve; re-releasing replaces the old copy."""
    results = []
    api = course.api()
    for epreuve_id in course.require_epreuves(epreuves):
        generated = step_from_result(api.generate_assignment(epreuve_id), epreuve_id, None)
        if not generated.ok:
            progress(t("course.release_failed", epreuve=epreuve_id, reason=generated.message))
            results.append(generated)
            continue
        released = _release(api, epreuve_id)
        line = "course.released" if released.ok else "course.release_failed"
        progress(t(line, epreuve=epreuve_id, reason=released.message))
        results.append(released)
    return results


def _release(api: Any, epreuve_id: str) -> StepResult:
    from nbgrader.utils import temp_attrs

    with temp_attrs(api.coursedir, assignment_id=epreuve_id):
        app = api.exchange.ReleaseAssignment(
            coursedir=api.coursedir, authenticator=api.authenticator, parent=api
        )
        app.force = True  # NbGraderAPI.release_assignment refuses to replace a release
        return run_step(app, epreuve_id)


def collect_epreuves(
    course: Course, epreuves: Iterable[str] | None = None, progress: Progress = print
) -> list[StepResult]:
    """Collect the latest hand-in of every learner into submitted/ (newer ones replace)."""
    results = []
    api = course.api()
    for epreuve_id in course.require_epreuves(epreuves):
        result = step_from_result(api.collect(epreuve_id, update=True), epreuve_id, None)
        if result.ok:
            learners = submitted_learners(course, epreuve_id)
            progress(t("course.collected", epreuve=epreuve_id, count=len(learners),
                       learners=", ".join(learners) or "-"))
        else:
            progress(t("course.collect_failed", epreuve=epreuve_id, reason=result.message))
        results.append(result)
    return results


def submitted_learners(course: Course, epreuve_id: str) -> list[str]:
    """Learners with a collected hand-in of this épreuve (folders of submitted/)."""
    return learners_at(course, "submitted", epreuve_id)


def learners_at(course: Course, step: str, epreuve_id: str) -> list[str]:
    """Learners with a folder for this épreuve under the course's `step` (submitted, autograded…)."""
    folder = course.layout.course_dir / step
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / epreuve_id).is_dir())


def step_todo(
    course: Course, step: str, epreuves: Iterable[str] | None, learner: str | None, missing_key: str
) -> list[tuple[str, str]]:
    """(épreuve, learner) pairs found under `step`; naming a learner who has none is an error."""
    todo = [(e, s) for e in course.require_epreuves(epreuves) for s in learners_at(course, step, e)]
    if learner is not None:
        todo = [(e, s) for e, s in todo if s == learner]
        if not todo:
            raise TremplinError(t(missing_key, learner=learner))
    return todo


# -- learner side ----------------------------------------------------------------------


def fetch_epreuve(root: Path | None, epreuve_id: str, dest: Path) -> Path:
    """Fetch the released épreuve into `dest/<epreuve_id>` (replaced if already there)."""
    course = _learner_course(root)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".fetch-", dir=dest))
    try:
        fetched = _fetch(course, epreuve_id, staging)
        target = dest / epreuve_id
        if target.exists():
            shutil.rmtree(target)
        fetched.rename(target)
        return target
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def hand_in(root: Path | None, epreuve_id: str, student_id: str, workspace_root: Path) -> Path:
    """Hand in an épreuve: released notebook + workspace snapshot, submitted as `student_id`.

    Builds the hand-in in a private temporary folder (fetched épreuve, then
    `workspace/` = Workspace.snapshot of the learner's workspace), submits it through
    nbgrader's exchange and removes the temporary folder and nbgrader's submit cache,
    so nothing of the learner stays anywhere but their workspace and the exchange.
    May be called again: collect keeps the latest. Returns the submission's folder in
    the exchange's inbound.
    """
    from tremplin.widgets.workspace import Workspace

    if not STUDENT_ID.match(student_id or ""):
        raise TremplinError(t("course.bad_student_id", student=student_id))
    course = _learner_course(root)
    workspace = Workspace.open(Path(workspace_root))
    staging = Path(tempfile.mkdtemp(prefix="tremplin-handin-"))
    try:
        folder = _fetch(course, epreuve_id, staging / "assignments")
        workspace.snapshot(folder / WORKSPACE_DIR)
        return _submit(course, epreuve_id, student_id, folder.parent, staging / "cache")
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _learner_course(root: Path | None) -> Course:
    return open_course(learner_course_dir(root))


def _coursedir(course: Course, epreuve_id: str, student_id: str = "*") -> Any:
    from nbgrader.coursedir import CourseDirectory

    coursedir = CourseDirectory(config=course.config)
    coursedir.root = str(course.layout.course_dir)
    coursedir.assignment_id = epreuve_id
    coursedir.student_id = student_id
    return coursedir


def _exchange_app(course: Course, kind: str, coursedir: Any, **traits: Any) -> Any:
    from nbgrader.auth import Authenticator
    from nbgrader.exchange import ExchangeFactory

    log = quiet_log()
    factory = ExchangeFactory(config=course.config, log=log)
    authenticator = Authenticator(config=course.config, log=log)
    app = getattr(factory, kind)(
        coursedir=coursedir, authenticator=authenticator, config=course.config, log=log
    )
    for name, value in traits.items():
        setattr(app, name, value)
    return app


def _fetch(course: Course, epreuve_id: str, into: Path) -> Path:
    if epreuve_id not in course.released_epreuves():
        raise TremplinError(t("course.not_released", epreuve=epreuve_id))
    into.mkdir(parents=True, exist_ok=True)
    app = _exchange_app(
        course, "FetchAssignment", _coursedir(course, epreuve_id), assignment_dir=str(into)
    )
    result = run_step(app, epreuve_id)
    if not result.ok:
        raise TremplinError(t("course.fetch_failed", epreuve=epreuve_id, reason=result.message))
    return into / epreuve_id


def _submit(course: Course, epreuve_id: str, student_id: str, assignments: Path,
            cache: Path) -> Path:
    app = _exchange_app(
        course, "Submit", _coursedir(course, epreuve_id, student_id),
        assignment_dir=str(assignments), cache=str(cache),
    )
    result = run_step(app, epreuve_id, student_id)
    if not result.ok:
        raise TremplinError(t("course.submit_failed", epreuve=epreuve_id, reason=result.message))
    return Path(app.inbound_path) / app.assignment_filename
