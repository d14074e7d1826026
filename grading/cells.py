"""What an épreuve's hidden nbgrader test cell calls: `grade("r1-recherche-affinee")`.

During autograde the submission folder is the working directory and the learner's
workspace snapshot sits in ./workspace. The cell prints the French feedback; nbgrader
scores it from what happens next: an AssertionError (0 points) when nothing is earned,
the points as the cell's value for partial credit, nothing special for full credit.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from tremplin.grading.check_context import CheckContext, load_context
from tremplin.grading.checks import REGISTRY

SUBMITTED_WORKSPACE = Path("workspace")


@cache
def _context(workspace_dir: str, activity: str) -> CheckContext:
    return load_context(Path(workspace_dir), activity)


def grade(check_id: str, workspace_dir: Path = SUBMITTED_WORKSPACE) -> Any:
    spec = REGISTRY.get(check_id)
    if spec is None:
        raise RuntimeError(f"unknown check {check_id!r}: the kit and the épreuve do not match")
    activity = spec.epreuves[0]
    result = spec.run(_context(str(workspace_dir), activity))
    print(("✔ " if result.passed else "✘ ") + result.feedback)
    if result.points <= 0:
        raise AssertionError(result.feedback)
    if result.points < result.max_points:
        return result.points
    return None
