"""nbgrader autograde of one épreuve hand-in, side by side with a one-cell trivial notebook.

Both go through the same course, exchange and NbGraderAPI calls, so the ratio isolates
what Tremplin's graded cells cost (imports, opening the world, running the checks).
"""

from __future__ import annotations

import shutil
import statistics
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
