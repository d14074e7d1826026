"""The graded cells' import: what every nbgrader autograde kernel pays before the first check."""

from __future__ import annotations

import subprocess
import sys


def test_the_checks_import_no_widget_stack() -> None:
    """Checks are pure (DESIGN): grading/cells.py and every check module load without ipywidgets
    or IPython, so an autograde kernel does not import the widget stack for them."""
    probe = (
        "import sys; import tremplin.grading.cells, tremplin.grading.checks; "
        "loaded = sorted(m for m in ('ipywidgets', 'IPython') if m in sys.modules); "
        "print(','.join(loaded))"
    )
    command = [sys.executable, "-c", probe]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "", done.stdout
