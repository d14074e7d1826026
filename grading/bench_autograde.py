"""nbgrader autograde of one épreuve hand-in, side by side with a one-cell trivial notebook;
and many hand-ins graded by `nbgrader autograde` beside Tremplin's parallel autograde.

The first pair goes through the same course, exchange and NbGraderAPI calls, so the ratio
isolates what Tremplin's graded cells cost (imports, opening the world, running the checks).
The second grades the same submissions in two identical courses, in the same run.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tremplin import EXERCISES_DIR

TRIVIAL = "trivial"


def write_trivial_epreuve(exercises: Path) -> None:
    import nbformat

    cell = nbformat.v4.new_code_cell(
        "assert True",
        metadata={
            "nbgrader": {
                "grade": True,
                "grade_id": "trivial",
                "locked": True,
                "points": 1,
                "schema_version": 3,
                "solution": False,
            }
        },
    )
    notebook = nbformat.v4.new_notebook(cells=[cell])
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    (exercises / TRIVIAL).mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, exercises / TRIVIAL / f"{TRIVIAL}.ipynb")


def _quiet(_line: str) -> None:
    return None


def autograde_timings(root: Path, world: Any, epreuve: str, runs: int = 3) -> dict[str, float]:
    """Median seconds to autograde one hand-in of `epreuve` and of the trivial notebook."""
    from tremplin.grading.autograde import autograde_epreuves
    from tremplin.grading.course import CourseLayout, init_course, open_course
    from tremplin.grading.demo import simulate_learners
    from tremplin.grading.exchange import collect_epreuves, hand_in, release_epreuves

    exercises = root / "exercises"
    shutil.copytree(EXERCISES_DIR / epreuve, exercises / epreuve)
    write_trivial_epreuve(exercises)
    layout = CourseLayout.under(root)
    init_course(layout, exercises_dir=exercises)
    course = open_course(layout.course_dir)
    release_epreuves(course, [epreuve, TRIVIAL], progress=_quiet)
    slug = simulate_learners(root, world, [epreuve], _quiet)[0]
    hand_in(root, TRIVIAL, slug, root / "learners" / slug)
    collect_epreuves(course, [epreuve, TRIVIAL], progress=_quiet)
    timings: dict[str, list[float]] = {epreuve: [], TRIVIAL: []}
    for _ in range(runs):
        for name in (TRIVIAL, epreuve):
            start = time.perf_counter()
            results = autograde_epreuves(course, [name], learner=slug, progress=_quiet)
            timings[name].append(time.perf_counter() - start)
            if not all(r.ok for r in results):
                raise RuntimeError(f"autograde of {name} failed: {[r.message for r in results]}")
    return {
        "autograde_epreuve_s": round(statistics.median(timings[epreuve]), 3),
        "autograde_trivial_s": round(statistics.median(timings[TRIVIAL]), 3),
    }


# -- many hand-ins: nbgrader's sequential autograde beside Tremplin's parallel one -------

#: Hand-ins graded by both sides; the simulated learners' workspaces are reused in turn.
PARALLEL_LEARNERS = 30


def parallel_timings(
    root: Path, world: Any, epreuve: str, learners: int = PARALLEL_LEARNERS, jobs: int | None = None
) -> dict[str, float]:
    """Seconds to grade `learners` hand-ins of `epreuve`: `nbgrader autograde` (one process,
    one by one) in one course, Tremplin's parallel autograde in an identical copy."""
    from tremplin.grading.autograde import autograde_epreuves, default_jobs

    sequential, parallel = _twin_courses(root, world, epreuve, learners)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", "autograde", epreuve],
        cwd=sequential.layout.course_dir, capture_output=True, text=True, check=False,
    )
    nbgrader_s = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader autograde failed: {done.stderr[-2000:]}")
    start = time.perf_counter()
    results = autograde_epreuves(parallel, [epreuve], progress=_quiet, jobs=jobs)
    parallel_s = time.perf_counter() - start
    if len(results) != learners or not all(r.ok for r in results):
        raise RuntimeError(f"parallel autograde failed: {[r.message for r in results if not r.ok]}")
    if _totals(sequential, epreuve) != _totals(parallel, epreuve):
        raise RuntimeError("parallel and sequential autograde disagree on the scores")
    return {
        "autograde_30_nbgrader_s": round(nbgrader_s, 2),
        "autograde_30_parallel_s": round(parallel_s, 2),
        "autograde_parallel_ratio": round(parallel_s / nbgrader_s, 3),
        "autograde_parallel_jobs": float(jobs or default_jobs()),
    }


def _twin_courses(root: Path, world: Any, epreuve: str, learners: int) -> tuple[Any, Any]:
    """Two courses with the same `learners` collected hand-ins, sharing `world`."""
    from tremplin.grading.course import CourseLayout, init_course, open_course
    from tremplin.grading.demo import simulate_learners
    from tremplin.grading.exchange import collect_epreuves, hand_in, release_epreuves

    exercises = root / "exercises"
    shutil.copytree(EXERCISES_DIR / epreuve, exercises / epreuve, dirs_exist_ok=True)
    first = CourseLayout.under(root / "sequential")
    first.data_root.mkdir(parents=True)
    (first.data_root / "world").symlink_to(Path(world.root).resolve(), target_is_directory=True)
    init_course(first, exercises_dir=exercises, epreuves=[epreuve])
    course = open_course(first.course_dir)
    release_epreuves(course, [epreuve], progress=_quiet)
    slugs = simulate_learners(first.data_root, world, [epreuve], _quiet)
    # Every id hands in (again, for the simulated ones: the demo may tamper with a hand-in
    # and collect keeps the latest) an intact snapshot of a simulated workspace, in turn.
    ids = [*slugs, *(f"apprenant-{n:02d}" for n in range(1, learners - len(slugs) + 1))]
    for number, student in enumerate(ids[:learners]):
        hand_in(first.data_root, epreuve, student, first.learners_dir / slugs[number % len(slugs)])
    collect_epreuves(course, [epreuve], progress=_quiet)
    second = CourseLayout.under(root / "parallel")
    shutil.copytree(first.data_root, second.data_root, symlinks=True)
    init_course(second, exercises_dir=exercises, epreuves=[epreuve])
    return course, open_course(second.course_dir)


def _totals(course: Any, epreuve: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(course.layout.db_url, course.layout.course_id) as gradebook:
        return {s.student.id: round(s.score, 3) for s in gradebook.find_assignment(epreuve).submissions}
