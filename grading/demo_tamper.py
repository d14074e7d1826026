"""How the demo's fourth learner damages some hand-ins before the mediator collects them.

Each way is one a learner on a shared computer could really produce (edit the notebook in
another program, empty it, delete the workspace folder); the demo then shows that the rest
of the group is graded and the mediator is told what happened, in French.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from tremplin.grading.exchange import WORKSPACE_DIR


def delete_graded_cells(folder: Path, epreuve: str) -> None:
    """Keeps only the statement and the page: every graded cell is gone."""
    path = folder / f"{epreuve}.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notebook["cells"] = notebook["cells"][:2]
    path.write_text(json.dumps(notebook), encoding="utf-8")


def break_notebook(folder: Path, epreuve: str) -> None:
    """The notebook is no longer JSON (saved over by a text editor)."""
    (folder / f"{epreuve}.ipynb").write_text("Ceci n'est plus un notebook.\n", encoding="utf-8")


def drop_workspace(folder: Path, _epreuve: str) -> None:
    """The workspace snapshot is missing: nothing of the learner's work reached the mediator."""
    shutil.rmtree(folder / WORKSPACE_DIR)


#: épreuve -> what Damien does to his hand-in of it (the others are left intact).
TAMPERING: dict[str, Callable[[Path, str], None]] = {
    "chercher-offres": delete_graded_cells,
    "candidater-par-courriel": break_notebook,
    "preparer-trajet": drop_workspace,
}


def tamper(submission: Path, epreuve: str) -> bool:
    """Damage a hand-in in the exchange's inbound the way TAMPERING says; False if left intact."""
    change = TAMPERING.get(epreuve)
    if change is None:
        return False
    change(submission, epreuve)
    return True
