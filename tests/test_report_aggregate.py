"""Per-competence aggregation and report rendering, on rows built by hand (no kernel)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tremplin.grading.commands.report import render
from tremplin.grading.gradebook_report import (
    CheckMeta,
    ScoreRow,
    aggregate,
    default_rule,
    read_scores,
)

CHECKS = {
    "r1-a": CheckMeta(("R1",), critical=True),
    "r1-b": CheckMeta(("R1", "R10"), critical=False),
    "r2-a": CheckMeta(("R2",), critical=False),
}


HANDED_IN = datetime(2026, 11, 2, 15, 30, tzinfo=UTC)


def rows(learner: str, **scores: tuple[float, float]) -> list[ScoreRow]:
    return [ScoreRow(learner, "e", gid.replace("_", "-"), s, m, HANDED_IN) for gid, (s, m) in scores.items()]


def test_points_sum_per_competence_and_critical_failures_count() -> None:
    report = aggregate(rows("ana", r1_a=(1, 2), r1_b=(3, 3), r2_a=(2, 2)), CHECKS)
    comp = report.to_json()["learners"][0]["competences"]
    assert list(comp) == ["R1", "R2", "R10"]  # natural order
    assert comp["R1"] == {"points": 4.0, "max_points": 5.0, "validated": False,
                          "level": None, "critical_failures": 1,  # 80 % but the critical check is short
                          "validated_on": None, "pending_reviews": [],
                          "evidence": [{"epreuve": "e", "checks": ["r1-a", "r1-b"]}]}
    assert comp["R10"] == {"points": 3.0, "max_points": 3.0, "validated": True,
                           "level": "N1", "critical_failures": 0, "validated_on": "2026-11-02",
                           "pending_reviews": [], "evidence": [{"epreuve": "e", "checks": ["r1-b"]}]}
    assert comp["R2"]["validated"] is True


LEVELLED = {
    "n1": CheckMeta(("R5",), level="N1"),
    "n2": CheckMeta(("R5",), level="N2"),
    "n3": CheckMeta(("R5",), level="N3"),
    "n3-critique": CheckMeta(("R5",), critical=True, level="N3"),
}


def _level(**scores: tuple[float, float]) -> tuple[bool, str | None]:
    tally = aggregate(rows("ana", **scores), LEVELLED).learners[0].competences["R5"]
    return tally.validated, tally.level


def test_level_is_the_highest_whose_checks_and_those_below_meet_the_rule() -> None:
    full = (1.0, 1.0)
    assert _level(n1=full, n2=full, n3=full, n3_critique=full) == (True, "N3")
    # N3 not done: 3 of 6 points is under 70 %, but N1 and N2 together are all there
    assert _level(n1=full, n2=full, n3=(0, 3), n3_critique=full) == (True, "N2")
    assert _level(n1=full, n2=(0, 1), n3=full, n3_critique=full) == (True, "N1")
    # levels are cumulative: a perfect N3 does not make up for a failed N1
    assert _level(n1=(0, 1), n2=full, n3=full, n3_critique=full) == (False, None)


def test_a_critical_failure_blocks_every_level() -> None:
    full = (1.0, 1.0)
    assert _level(n1=full, n2=full, n3=full, n3_critique=(0, 1)) == (False, None)


def test_unknown_grade_id_is_ignored_with_a_warning() -> None:
    report = aggregate(rows("ana", r1_a=(2, 2), r9_injecte=(5, 5)), CHECKS)
    assert list(report.to_json()["learners"][0]["competences"]) == ["R1"]
    assert len(report.warnings) == 1 and "r9-injecte" in report.warnings[0]


def test_injected_rule_and_listed_learners_without_rows() -> None:
    calls = []

    def rule(cid: str, points: float, max_points: float, critical: int) -> bool:
        calls.append((cid, points, max_points, critical))
        return True

    report = aggregate(rows("ana", r2_a=(0, 2)), CHECKS, rule, learners=["zoe"])
    assert calls == [("R2", 0.0, 2.0, 0)]  # one level: one call
    assert [learner.id for learner in report.learners] == ["ana", "zoe"]
    assert report.learner("zoe").competences == {}


def test_default_rule() -> None:
    assert default_rule("R1", 7, 10, 0) and not default_rule("R1", 6.9, 10, 0)
    assert not default_rule("R1", 10, 10, 1) and not default_rule("R1", 0, 0, 0)


def test_read_scores_from_a_real_gradebook(tmp_path: Path) -> None:
    """Manual beats auto; no hand-in counts 0; an unscored cell of a hand-in is pending; a
    human score is `reviewed` until nbgrader asks for another look."""
    from nbgrader.api import Gradebook
    from tremplin.grading.course import CourseLayout, ensure_gradebook

    layout = CourseLayout.under(tmp_path)
    layout.course_dir.mkdir()
    ensure_gradebook(layout)  # nbgrader stamps a new gradebook with the venv's alembic
    with Gradebook(layout.db_url, layout.course_id) as book:
        book.add_assignment("e")
        book.add_notebook("e", "e")
        for name, points in (("r1-a", 2.0), ("r2-a", 1.0), ("r2-relecture", 2.0)):
            book.add_grade_cell(name, "e", "e", max_score=points, cell_type="code")
        for student in ("ana", "zoe"):
            book.add_student(student)
        book.add_submission("e", "ana", timestamp="2026-11-02 15:30:00")
        grades = {g.name: g for g in book.find_submission("e", "ana").notebooks[0].grades}
        grades["r1-a"].auto_score, grades["r1-a"].manual_score = 0.0, 1.5
        grades["r1-a"].needs_manual_grade = False
        book.db.commit()
        got = read_scores(book, ["ana", "zoe"], ["e", "not-generated"])
        assert got == [
            ScoreRow("ana", "e", "r1-a", 1.5, 2.0, HANDED_IN, reviewed=True),
            ScoreRow("ana", "e", "r2-a", 0.0, 1.0, HANDED_IN, pending=True),
            ScoreRow("ana", "e", "r2-relecture", 0.0, 2.0, HANDED_IN, pending=True),
            ScoreRow("zoe", "e", "r1-a", 0.0, 2.0), ScoreRow("zoe", "e", "r2-a", 0.0, 1.0),
            ScoreRow("zoe", "e", "r2-relecture", 0.0, 2.0),
        ]
        # a new hand-in re-opens the review: the old human score no longer counts as reviewed
        grades["r1-a"].needs_manual_grade = True
        book.db.commit()
        assert not read_scores(book, ["ana"], ["e"])[0].reviewed


def test_render_table_and_csv() -> None:
    report = aggregate(rows("ana", r1_a=(2, 2), r2_a=(0.5, 2)), CHECKS)
    table = render(report, "table")
    assert "ana" in table and "✔ N1 2/2" in table and "✘ 0,5/2" in table
    csv_lines = render(report, "csv").splitlines()
    assert csv_lines[0] == ("learner,competence,points,max_points,validated,level,critical_failures,"
                            "validated_on,pending_reviews")
    assert csv_lines[1:] == ["ana,R1,2.0,2.0,true,N1,0,2026-11-02,0", "ana,R2,0.5,2.0,false,,0,,0"]
    assert render(aggregate([], CHECKS), "json") == '{\n  "learners": [],\n  "group": {}\n}\n'


REVIEWED = {**CHECKS, "r2-relecture": CheckMeta(("R2",), level="N2", manual=True)}


def test_a_review_nobody_scored_leaves_the_competence_provisional() -> None:
    pending = ScoreRow("ana", "e", "r2-relecture", 0.0, 2.0, HANDED_IN, pending=True)
    report = aggregate([*rows("ana", r2_a=(2, 2)), pending], REVIEWED)
    tally = report.learner("ana").competences["R2"]
    # the automatic checks still validate N1; the review's 2 points are neither earned nor lost
    assert (tally.points, tally.max_points, tally.level) == (2.0, 2.0, "N1")
    assert tally.provisional and tally.pending_reviews == ["e/r2-relecture"]
    assert report.group()["R2"]["pending_reviews"] == 1
    assert "?" in render(report, "table")


def test_a_scored_review_counts_like_any_check() -> None:
    low = ScoreRow("ana", "e", "r2-relecture", 0.0, 2.0, HANDED_IN, reviewed=True)
    high = ScoreRow("ana", "e", "r2-relecture", 2.0, 2.0, HANDED_IN, reviewed=True)
    def level(review: ScoreRow) -> str | None:
        return aggregate([*rows("ana", r2_a=(2, 2)), review], REVIEWED).learner("ana").competences["R2"].level

    assert level(high) == "N2"
    # N1 and N2 together: 2 of 4 points, under the 70 % rule: the human's judgement keeps it at N1
    assert level(low) == "N1"


def test_an_automatic_score_on_a_review_cell_waits_for_a_human() -> None:
    """A learner who turned the review cell into a passing test gets nothing until reviewed."""
    forged = ScoreRow("ana", "e", "r2-relecture", 2.0, 2.0, HANDED_IN)
    tally = aggregate([*rows("ana", r2_a=(2, 2)), forged], REVIEWED).learner("ana").competences["R2"]
    assert tally.provisional and (tally.points, tally.max_points) == (2.0, 2.0)


def test_an_unscored_automatic_check_is_a_zero_not_a_pending_review() -> None:
    unscored = ScoreRow("ana", "e", "r2-a", 0.0, 2.0, HANDED_IN, pending=True)
    tally = aggregate([unscored], CHECKS).learner("ana").competences["R2"]
    assert not tally.provisional and (tally.points, tally.max_points) == (0.0, 2.0)


def test_group_summary_counts_learners_and_levels() -> None:
    report = aggregate([*rows("ana", r2_a=(2, 2)), *rows("bob", r2_a=(0, 2)), *rows("eve", r2_a=(2, 2))],
                       CHECKS)
    assert report.group()["R2"] == {"learners": 3, "validated": 2, "pending_reviews": 0, "rule": None,
                                    "levels": {"N1": 2, "N2": 0, "N3": 0}}
    # evidence lists only the checks that earned points, and no date without validation
    bob = report.learner("bob").competences["R2"].to_json()
    assert bob["evidence"] == [{"epreuve": "e", "checks": []}] and bob["validated_on"] is None
