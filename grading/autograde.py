"""Autograding collected hand-ins with nbgrader, in parallel processes, never silently.

nbgrader's autograde re-runs each submitted épreuve in a fresh kernel with the hand-in
folder as working directory, so the graded cells read ./workspace. Tremplin runs it
through NbGraderAPI per (épreuve, learner), with TREMPLIN_DATA set for the kernels, and
reports each submission's outcome: a run that failed (kernel died, notebook missing,
gradebook refused) is a line of its own and a non-zero exit, not a missing row.

With `jobs` > 1, submissions are graded by a pool of worker processes, each with its own
NbGraderAPI opened from the course folder. They share the one SQLite gradebook: nbgrader's
writes are short transactions, so a busy timeout on its connections (`?timeout=` on the
db_url, read by SQLAlchemy's pysqlite dialect) makes a worker wait for the lock instead of
failing with "database is locked" (measured: 16 hand-ins, 8 workers on 2 busy cores, no
lock error even with pysqlite's default 5 s; the longer wait is a margin). A worker that
dies (out of memory, a learner's code killing its parent) breaks the pool: the submissions
it was grading are re-graded one by one in a fresh process, so the culprit fails alone and
every other submission is graded.
Workers are forked from a single-threaded parent; from a parent running threads they come
from a forkserver, which re-imports the main script: a script calling this must then keep
its work under `if __name__ == "__main__":` (as multiprocessing requires).

Hooks, both run in the PARENT process, in that order for each submission:

- `before(course, epreuve, learner)` just before the submission is graded (e.g. repairing a
  tampered hand-in in submitted/). If it raises, that submission is not graded and its
  StepResult fails with the error's message.
- `after(course, result)` once its StepResult is known, failed or not (e.g. recording the
  attempt). If it raises, a successful result becomes a failure with the error's message.
"""

from __future__ import annotations

import copy
import multiprocessing
import os
import shutil
import threading
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tremplin.grading.course import Course, Progress, open_course
from tremplin.grading.exchange import StepResult, step_from_result, step_todo
from tremplin.grading.progress_bar import ProgressBar
from tremplin.widgets.i18n import t

#: Seconds a worker waits for another one's gradebook write before SQLite says "locked".
GRADEBOOK_BUSY_S = 120

#: A kernel that died before answering: jupyter_client picks free ports, then the kernel
#: binds them, and another kernel (of a worker, of anyone) may take one in between. That is
#: no fault of the hand-in, so it is tried again once.
KERNEL_START_FAILURES = ("Kernel died before replying to kernel_info", "Address already in use")

#: ipykernel warns on every start that its TCP sockets are not encrypted (they listen on
#: 127.0.0.1 only): errors still reach nbgrader's log, warnings no longer break the bar.
KERNEL_QUIET = "--IPKernelApp.log_level=ERROR"

Before = Callable[[Course, str, str], None]
After = Callable[[Course, StepResult], None]
Task = tuple[str, str]  # (épreuve, learner)


def autograde_epreuves(
    course: Course,
    epreuves: Iterable[str] | None = None,
    learner: str | None = None,
    progress: Progress = print,
    jobs: int | None = None,
    *,
    before: Before | None = None,
    after: After | None = None,
    bar: ProgressBar | None = None,
) -> list[StepResult]:
    """Autograde every collected hand-in of the épreuves (or only `learner`'s).

    `jobs` worker processes (default: one per CPU); 1 grades in this process, one by one.
    `bar`, when given, shows the progress instead of one « [i/n] correction… » line each.
    Results come back in épreuve then learner order, whatever order they finished in.
    """
    todo = _todo(course, epreuves, learner)
    if not todo:
        progress(t("course.nothing_to_grade"))
        return []
    grading = _Grading(course, todo, progress, before, after, bar)
    workers = min(default_jobs() if jobs is None else max(int(jobs), 1), len(todo))
    if bar is not None:
        bar.start(len(todo))
    try:
        if workers == 1:
            _grade_here(grading)
        else:
            _grade_in_pools(grading, workers)
    finally:
        if bar is not None:
            bar.close()
    results = [grading.results[index] for index in range(len(todo))]
    failed = sum(not r.ok for r in results)
    progress(t("course.graded", ok=len(results) - failed, failed=failed))
    return results


def default_jobs() -> int:
    return max(os.cpu_count() or 1, 1)


def _todo(course: Course, epreuves: Iterable[str] | None, learner: str | None) -> list[Task]:
    return step_todo(course, "submitted", epreuves, learner, "course.learner_not_submitted")


@dataclass
class _Grading:
    """The parent's side of one run: hooks, progress lines, the bar and the results."""

    course: Course
    todo: list[Task]
    progress: Progress
    before: Before | None
    after: After | None
    bar: ProgressBar | None
    results: dict[int, StepResult] = field(default_factory=dict)
    started: set[int] = field(default_factory=set)
    dispatched: int = 0

    def start(self, index: int) -> bool:
        """Announce a submission and run `before`; False when it must not be graded."""
        if index in self.started:  # re-graded alone after a worker crash: already announced
            return True
        self.started.add(index)
        self.dispatched += 1
        epreuve, learner = self.todo[index]
        if self.bar is None:
            self.progress(t("course.grading", index=self.dispatched, total=len(self.todo),
                            epreuve=epreuve, learner=learner))
        if self.before is None:
            return True
        try:
            self.before(self.course, epreuve, learner)
        except Exception as error:  # one bad hand-in never stops the others
            self.finish(index, StepResult(epreuve, False, _one_line(error), learner))
            return False
        return True

    def finish(self, index: int, result: StepResult) -> None:
        if self.after is not None:
            try:
                self.after(self.course, result)
            except Exception as error:  # a failed result keeps its own, first reason
                if result.ok:
                    result = replace(result, ok=False, message=_one_line(error))
        epreuve, learner = self.todo[index]
        if not result.ok:
            self.progress(t("course.grade_failed", epreuve=epreuve, learner=learner,
                            reason=result.message))
        if self.bar is not None:
            self.bar.advance(f"{epreuve} · {learner}")
        self.results[index] = result


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


# -- in this process -------------------------------------------------------------------


def _grade_here(grading: _Grading) -> None:
    api = _api(grading.course)
    with grading.course.kernel_environment(), _quiet_sqlalchemy():
        for index, (epreuve, learner) in enumerate(grading.todo):
            if grading.start(index):
                grading.finish(index, _autograde(api, epreuve, learner))


def _api(course: Course) -> Any:
    """The course's NbGraderAPI, its gradebook connections waiting on a busy database and
    its kernels keeping their start-up warnings off the mediator's progress bar."""
    config = copy.deepcopy(course.config)
    config.Execute.extra_arguments = [*config.Execute.get("extra_arguments", []), KERNEL_QUIET]
    api = replace(course, config=config).api()
    api.coursedir.db_url = busy_db_url(api.coursedir.db_url)
    return api


def busy_db_url(db_url: str) -> str:
    """`sqlite:///…gradebook.db?timeout=…`: other URLs (or one with options) are kept as is."""
    if db_url.startswith("sqlite:///") and "?" not in db_url:
        return f"{db_url}?timeout={GRADEBOOK_BUSY_S}"
    return db_url


def _autograde(api: Any, epreuve: str, learner: str) -> StepResult:
    """One submission; tried once more when its kernel could not even start."""
    for _attempt in range(2):
        try:
            result = step_from_result(api.autograde(epreuve, learner), epreuve, learner)
        except Exception as error:  # NbGraderAPI catches nbgrader's own; this is the rest
            return StepResult(epreuve, False, _one_line(error), learner)
        if result.ok or not any(sign in result.log for sign in KERNEL_START_FAILURES):
            return result
    return result


@contextmanager
def _quiet_sqlalchemy() -> Iterator[None]:
    with warnings.catch_warnings():
        _ignore_session_warnings()
        yield


def _ignore_session_warnings() -> None:
    # nbgrader 0.9.6's autograde trips SQLAlchemy "not in session" warnings on every
    # new submission; they are harmless and would bury the progress lines.
    warnings.filterwarnings("ignore", message=".*not in session.*")


# -- in worker processes ---------------------------------------------------------------


def _grade_in_pools(grading: _Grading, workers: int) -> None:
    """Grade everything; after a worker died, its suspects are re-graded alone."""
    import nbgrader.apps  # noqa: F401  (imported once here, forked workers inherit it: ≈ 2 s each)

    rest = list(range(len(grading.todo)))
    while rest:
        suspects, rest = _grade_in_pool(grading, rest, workers)
        for index in suspects:
            alone, _ = _grade_in_pool(grading, [index], 1)
            if alone:
                _crashed(grading, index)


def _crashed(grading: _Grading, index: int) -> None:
    """As nbgrader does for a failed submission, drop its half-written autograded copy."""
    epreuve, learner = grading.todo[index]
    shutil.rmtree(grading.course.layout.step_dir("autograded", learner, epreuve), ignore_errors=True)
    grading.finish(index, StepResult(epreuve, False, t("autograde.worker_crashed"), learner))


def _grade_in_pool(grading: _Grading, indexes: list[int], workers: int) -> tuple[list[int], list[int]]:
    """Grade `indexes` with at most `workers` in flight (so `before` runs just in time).

    Returns (suspects, not started): the submissions in flight when a worker died, and
    those never sent; both empty when the pool finished its work.
    """
    pending = deque(indexes)
    running: dict[Future[StepResult], int] = {}
    suspects: list[int] = []
    course_dir = str(grading.course.layout.course_dir)
    pool = ProcessPoolExecutor(workers, mp_context=_context(), initializer=_init_worker,
                               initargs=(dict(os.environ),))
    try:
        while pending or running:
            while pending and len(running) < workers and not suspects:
                index = pending.popleft()
                if grading.start(index):
                    running[pool.submit(_grade_in_worker, course_dir, *grading.todo[index])] = index
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                index = running.pop(future)
                try:
                    grading.finish(index, future.result())
                except BrokenProcessPool:
                    suspects.append(index)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return suspects, list(pending)


def _context() -> Any:
    """fork from a single-threaded parent (workers inherit nbgrader, already imported);
    forkserver otherwise, since forking a process that runs threads may deadlock."""
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tremplin.grading.autograde", "nbgrader.apps"])
    return context


_WORKER: dict[str, Any] = {}


def _init_worker(environ: dict[str, str]) -> None:
    """The parent's environment (a forkserver's may be older), and no stray output.

    The kernels a worker starts inherit its stderr; their start-up warnings would break
    the mediator's progress bar, and nbgrader's captured log already holds what matters.
    """
    os.environ.clear()
    os.environ.update(environ)
    _ignore_session_warnings()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def _grade_in_worker(course_dir: str, epreuve: str, learner: str) -> StepResult:
    """One submission, in a worker: its own course and NbGraderAPI, opened once per process."""
    try:
        if _WORKER.get("course_dir") != course_dir:
            course = open_course(Path(course_dir))
            os.environ["TREMPLIN_DATA"] = str(course.layout.data_root)
            _WORKER.update(course_dir=course_dir, api=_api(course))
    except Exception as error:  # a course that cannot be opened fails this submission only
        return StepResult(epreuve, False, _one_line(error), learner)
    return _autograde(_WORKER["api"], epreuve, learner)

