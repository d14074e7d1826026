"""A small course for the dashboard's tests, made with nbgrader's Gradebook API (no kernel).

Not a test module (no tests inside): test_dashboard*.py import it. Grade cells carry real
check ids of the registry, so a Voilà kernel (which reads the real registry) computes the
same report as the tests:

    alice  reperer-arnaque full marks (R3 at N3); preparer-trajet N1 and N2 only (R5 at N2);
           lettre-adaptee handed in, its human review not scored yet (D2 not validated)
    bob    reperer-arnaque nothing right, failed twice in a row (stuck); no preparer-trajet
    chloe  preparer-trajet one point, a critical check failed, 20 days ago (stuck)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import warnings
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from test_kiosk_support import Kiosk, wait_until_ready
from tremplin.grading.attempts import record_attempt
from tremplin.grading.course import CourseLayout, init_course
from tremplin.grading.kiosk import free_port

R3 = ("r3-une-arnaque-signalee", "r3-arnaques-courantes-signalees", "r3-aucune-arnaque-enregistree",
      "r3-offres-fiables-non-signalees", "r3-nouvelle-arnaque-reperee")
R5_N1_N2 = ("r5-trajet-cherche", "r5-trajet-garde", "r5-arrivee-a-l-heure")
R5_N3 = ("r5-correspondance", "r5-cout-mensuel", "r5-comparaison-voiture")
REVIEW_ID = "d2-lettre-convaincante"
LEARNERS = ("alice", "bob", "chloe")


#: (learner, épreuve, days ago, passed): the attempts log; nbgrader keeps the last hand-in.
ATTEMPTS = (
    ("alice", "reperer-arnaque", 20, False),
    ("alice", "reperer-arnaque", 13, True),
    ("alice", "preparer-trajet", 6, True),
    ("alice", "lettre-adaptee", 2, False),
    ("bob", "reperer-arnaque", 3, False),
    ("bob", "reperer-arnaque", 1, False),
    ("chloe", "preparer-trajet", 20, False),
)


def _cells() -> dict[str, dict[str, float]]:
    """épreuve -> grade id -> max score, from the registry and the review items."""
    from tremplin.grading.dashboard_data import known_checks

    known = known_checks()
    return {
        "reperer-arnaque": {cid: known[cid].points for cid in R3},
        "preparer-trajet": {cid: known[cid].points for cid in R5_N1_N2 + R5_N3},
        "lettre-adaptee": {REVIEW_ID: known[REVIEW_ID].points},
    }


#: learner -> épreuve -> grade id -> score (missing ids score 0)
SCORES: dict[str, dict[str, dict[str, float | None]]] = {
    "alice": {"reperer-arnaque": {"*": 1.0}, "preparer-trajet": {cid: 1.0 for cid in R5_N1_N2},
              "lettre-adaptee": {REVIEW_ID: None}},
    "bob": {"reperer-arnaque": {}},
    "chloe": {"preparer-trajet": {"r5-trajet-cherche": 1.0}},
}


@cache
def blank_gradebook() -> Path:
    """An empty gradebook, made once per test process: nbgrader stamps each new one with
    alembic in a subprocess, which takes seconds on a busy machine."""
    from tremplin.grading.course import ensure_gradebook

    layout = CourseLayout.under(Path(tempfile.mkdtemp(prefix="dashboard-gradebook-")))
    layout.course_dir.mkdir(parents=True)
    ensure_gradebook(layout)
    return layout.gradebook_path


def build_course(root: Path, now: datetime) -> Path:
    """A course under `root` with the gradebook and attempts above; returns the course dir."""
    from nbgrader.api import Gradebook

    layout = CourseLayout.under(root)
    layout.course_dir.mkdir(parents=True)
    shutil.copy2(blank_gradebook(), layout.gradebook_path)  # init_course keeps it
    init_course(layout, exercises_dir=root / "no-exercises")
    cells = _cells()
    with Gradebook(layout.db_url, layout.course_id) as gradebook:
        for epreuve, grade_cells in cells.items():
            gradebook.add_assignment(epreuve)
            gradebook.add_notebook(epreuve, epreuve)
            for grade_id, points in grade_cells.items():
                gradebook.add_grade_cell(grade_id, epreuve, epreuve, max_score=points, cell_type="code")
        for learner in LEARNERS:
            gradebook.add_student(learner)
        for learner, epreuves in SCORES.items():
            for epreuve, scores in epreuves.items():
                with warnings.catch_warnings():  # nbgrader's own SQLAlchemy autoflush notices
                    warnings.simplefilter("ignore")
                    gradebook.add_submission(epreuve, learner, timestamp=last_hand_in(learner, epreuve, now))
                for grade_id, points in cells[epreuve].items():
                    grade = gradebook.find_grade(grade_id, epreuve, epreuve, learner)
                    score = scores.get(grade_id, scores.get("*", 0.0))
                    grade.auto_score = None if score is None else score * points
                gradebook.db.commit()
    for learner, epreuve, ago, passed in ATTEMPTS:
        record_attempt(layout.course_dir, learner, epreuve, now - timedelta(days=ago),
                       1.0 if passed else 0.0, 1.0, passed)
    return layout.course_dir


def last_hand_in(learner: str, epreuve: str, now: datetime) -> datetime:
    ago = min(days for who, what, days, _passed in ATTEMPTS if (who, what) == (learner, epreuve))
    return (now - timedelta(days=ago)).replace(tzinfo=None)  # nbgrader stores naive UTC


def start_dashboard(tmp: Path, course_dir: Path, timeout: float = 60) -> Kiosk:
    """Run the dashboard command on a free port; return once it printed its address."""
    port = free_port()
    log = tmp / "dashboard.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tremplin", "course", "dashboard", "--course", str(course_dir),
             "--data", str(course_dir.parent), "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT,
        )
    server = Kiosk(process, port, course_dir.parent, course_dir, log)
    return wait_until_ready(server, "Le tableau de bord est prêt", timeout)
