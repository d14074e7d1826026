"""Tremplin: a Jupyter learning kit for job-search digital skills.

`tremplin.widgets` (the learner's tools, folder widgets/) and `tremplin.grading`
(referential, checks, nbgrader bridge, command line, folder grading/) live under this
one namespace; this package only carries the version and the repository locations.
"""

from pathlib import Path

__version__ = "0.1.0"

#: The repository (or installed source tree) holding notebooks/ and exercises/.
ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"
EXERCISES_DIR = ROOT / "exercises"
