"""Before autograde: make a collected hand-in safe to grade, or say why it cannot be.

Learners work in the kiosk, never in the épreuve notebook: `hand_in` submits the released
notebook untouched beside a snapshot of the workspace. So a notebook that differs from the
released one (missing, not JSON, not a notebook, cells deleted, added, moved or changed,
compared by grade_id and nbgrader checksum) was damaged or tampered with; an added cell
would even run its own code at autograde. The released notebook is put back and the
learner's file kept beside it as `<name>.ipynb.tampered-<time>` (nbgrader grades only
`*.ipynb`), with the reason for the mediator. The workspace is graded as it is (a missing
or unreadable one: each check then fails on its own, worth 0) and said so; only unreadable
journal lines are dropped from the copy (see `workspace_problems`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tremplin.widgets.documents.model import write_atomic
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t

TAMPERED = ".tampered-"
DAMAGED = ".damaged-"


@dataclass(frozen=True)
class Preparation:
    """ok: the hand-in can be graded; reason_fr: what was found or done ("" when clean)."""

    ok: bool
    reason_fr: str = ""
    repaired: bool = False


def prepare_submission(course: Any, epreuve: str, learner: str, now: datetime | None = None) -> Preparation:
    """Check (and if needed repair) `course/submitted/<learner>/<epreuve>/` before autograde."""
    layout = course.layout
    folder = layout.step_dir("submitted", learner, epreuve)
    if not folder.is_dir():
        return Preparation(False, _fr("no_submission", path=folder))
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    released_dir = released_folder(layout, epreuve)
    reasons: list[str] = []
    repaired = False
    expected = sorted(p.name for p in released_dir.glob("*.ipynb")) if released_dir else [f"{epreuve}.ipynb"]
    try:
        for extra in sorted(p for p in folder.glob("*.ipynb") if p.name not in expected):
            kept = _set_aside(extra, stamp)
            reasons.append(_fr("extra_notebook", name=extra.name, kept=kept.name))
            repaired = True
        for name in expected:
            problem = notebook_problem(folder / name, released_dir / name if released_dir else None)
            if problem is None:
                continue
            reasons.append(problem)
            if released_dir is None:
                return Preparation(False, "; ".join([*reasons, _fr(
                    "no_release", epreuve=epreuve, path=layout.course_dir / "release" / epreuve)]))
            reasons.append(_put_back(released_dir / name, folder / name, stamp))
            repaired = True
    except OSError as error:
        reasons.append(_fr("repair_failed", reason=error.strerror or error))
        return Preparation(False, "; ".join(reasons), repaired)
    try:
        problems, fixed = workspace_problems(folder / "workspace", stamp)
    except OSError as error:
        problems, fixed = [_fr("repair_failed", reason=error.strerror or error)], False
    reasons.extend(problems)
    return Preparation(True, "; ".join(reasons), repaired or fixed)


def released_folder(layout: Any, epreuve: str) -> Path | None:
    """The released épreuve: course/release/<id>/, else the exchange's outbound copy."""
    for folder in (layout.course_dir / "release" / epreuve, layout.outbound_dir / epreuve):
        if any(folder.glob("*.ipynb")):
            return folder
    return None


# -- the notebook ----------------------------------------------------------------------


def notebook_problem(submitted: Path, released: Path | None) -> str | None:
    """What is wrong with a handed-in notebook (French), None when it matches the release."""
    name = submitted.name
    if not submitted.exists() and not submitted.is_symlink():
        return _fr("nb_missing", name=name)
    notebook = _read_notebook(submitted)
    if isinstance(notebook, str):
        return notebook
    if released is None:
        return None
    reference = _read_notebook(released)
    if isinstance(reference, str):  # the kit's own copy: let nbgrader say what it thinks
        return None
    return compare_cells(signatures(reference), signatures(notebook), name)


def _read_notebook(path: Path) -> Any:
    """The notebook, or a French reason (str) why it is not one."""
    import nbformat

    name = path.name
    try:
        text = path.read_bytes().decode("utf-8")
        data = json.loads(text)
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return _fr("nb_not_json", name=name)
    if not isinstance(data, dict) or data.get("nbformat") != 4:
        return _fr("nb_not_notebook", name=name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            notebook = nbformat.reads(text, as_version=4)  # joins multi-line sources
            nbformat.validate(notebook)
    except Exception:  # nbformat's ValidationError and anything a strange document trips
        return _fr("nb_not_notebook", name=name)
    return notebook


def signatures(notebook: Any) -> list[tuple[str, str]]:
    """(grade_id, fingerprint) per cell; a plain cell has grade_id "" and a hash of its source.

    A nbgrader cell's fingerprint adds nbgrader's own checksum recomputed from the cell
    (source, type, grade/solution/locked flags, points, grade_id) and the checksum its
    metadata claims, so editing the code, the flags, the points or the checksum shows.
    """
    from nbgrader.utils import compute_checksum

    found = []
    for cell in notebook.cells:
        meta = cell.get("metadata", {}).get("nbgrader") or {}
        text = f"{cell.get('cell_type')}\0{cell.get('source')}"
        content = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()
        if "grade_id" not in meta:
            found.append(("", content))
            continue
        try:
            computed = compute_checksum(cell)
        except Exception:  # a grade cell without points, a non-text source...
            computed = "?"
        found.append((str(meta["grade_id"]), f"{content}/{computed}/{meta.get('checksum', '')}"))
    return found


def compare_cells(released: list[tuple[str, str]], submitted: list[tuple[str, str]], name: str) -> str | None:
    if released == submitted:
        return None
    before, after = [c[0] for c in released], [c[0] for c in submitted]
    deleted, added = _missing(before, after), _missing(after, before)
    if deleted or added:
        parts = [_fr(key, name=name, ids=_ids(ids))
                 for key, ids in (("cells_deleted", deleted), ("cells_added", added)) if ids]
        return "; ".join(parts)
    if before != after:
        return _fr("cells_reordered", name=name)
    changed = [gid for (gid, old), (_, new) in zip(released, submitted, strict=True) if old != new]
    return _fr("cells_changed", name=name, ids=_ids(changed))


def _missing(wanted: list[str], present: list[str]) -> list[str]:
    """Items of `wanted` not in `present`, counting repeats (plain cells share the id "")."""
    left = list(present)
    missing = []
    for item in wanted:
        if item in left:
            left.remove(item)
        else:
            missing.append(item)
    return missing


def _ids(ids: list[str]) -> str:
    return ", ".join(gid or t("retake.plain_cell", "fr") for gid in ids)


def _set_aside(path: Path, stamp: str, into: Path | None = None, suffix: str = TAMPERED) -> Path:
    """Rename `path` to `<name>.tampered-<stamp>` (a free name) in `into` (default: its folder)."""
    folder = into or path.parent
    kept = folder / f"{path.name}{suffix}{stamp}"
    number = 1
    while kept.exists() or kept.is_symlink():
        number += 1
        kept = folder / f"{path.name}{suffix}{stamp}-{number}"
    os.rename(path, kept)
    return kept


def _put_back(released: Path, target: Path, stamp: str) -> str:
    """Copy the released notebook over `target`, the old file (if any) kept aside first."""
    staging = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    kept = None
    try:
        shutil.copyfile(released, staging)
        if target.exists() or target.is_symlink():
            kept = _set_aside(target, stamp)
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)
    if kept is None:
        return _fr("repaired_put_back")
    return _fr("repaired_kept", kept=kept.name)


# -- the workspace ---------------------------------------------------------------------


def workspace_problems(folder: Path, stamp: str) -> tuple[list[str], bool]:
    """What the checks will meet in the submitted workspace (French), and whether it was repaired.

    Unreadable journal lines are the one repair: read_events skips them, but with a
    JournalWarning on stderr, and nbgrader gives 0 to any graded cell that writes to
    stderr, so one torn line would zero every check. The copy's journal is rewritten with
    its readable events only; the handed-in journal is kept beside the notebook.
    """
    from tremplin.widgets.journal import JournalWarning
    from tremplin.widgets.workspace import Workspace

    if not folder.is_dir():
        return [_fr("workspace_missing")], False
    try:
        workspace = Workspace.open(folder)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", JournalWarning)
            events = workspace.events()
    except TremplinError as error:
        return [_fr("workspace_damaged", reason=error)], False
    problems = []
    bad_lines = sum(issubclass(w.category, JournalWarning) for w in caught)
    if bad_lines:
        kept = _set_aside(workspace.journal_path, stamp, into=folder.parent, suffix=DAMAGED)
        text = "".join(f"{event.to_json()}\n" for event in events)
        write_atomic(workspace.journal_path, text.encode("utf-8"))
        problems.append(_fr("journal_bad_lines", count=bad_lines, kept=kept.name))
    for path in sorted((folder / "editor").rglob("*.json")):
        try:
            json.loads(path.read_bytes().decode("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError):
            problems.append(_fr("file_damaged", name=path.relative_to(folder).as_posix()))
    return problems, bool(bad_lines)


def _fr(key: str, **values: Any) -> str:
    return t(f"retake.{key}", "fr", **values)
