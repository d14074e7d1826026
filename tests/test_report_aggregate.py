"""Per-competence aggregation and report rendering, on rows built by hand (no kernel)."""

from __future__ import annotations

from types import SimpleNamespace

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


def rows(learner: str, **scores: tuple[float, float]) -> list[ScoreRow]:
    return [ScoreRow(learner, "e", gid.replace("_", "-"), s, m) for gid, (s, m) in scores.items()]


def test_points_sum_per_competence_and_critical_failures_count() -> None:
    report = aggregate(rows("ana", r1_a=(1, 2), r1_b=(3, 3), r2_a=(2, 2)), CHECKS)
    comp = report.to_json()["learners"][0]["competences"]
    assert list(comp) == ["R1", "R2", "R10"]  # natural order
    assert comp["R1"] == {"points": 4.0, "max_points": 5.0, "validated": False,
                          "level": None, "critical_failures": 1}  # 80 % but the critical check is short
    assert comp["R10"] == {"points": 3.0, "max_points": 3.0, "validated": True,
                           "level": "N1", "critical_failures": 0}
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


def test_read_scores_prefers_manual_and_counts_missing_hand_ins_as_zero() -> None:
    """read_scores against a stand-in with the shape of nbgrader's Gradebook models."""
    from nbgrader.api import MissingEntry

    cells = [SimpleNamespace(name="r1-a", max_score=2.0), SimpleNamespace(name="r2-a", max_score=1)]
    assignment = SimpleNamespace(notebooks=[SimpleNamespace(name="e", grade_cells=cells)])
    grades = [SimpleNamespace(name="r1-a", auto_score=0.0, manual_score=1.5),
              SimpleNamespace(name="r2-a", auto_score=None, manual_score=None)]
    submission = SimpleNamespace(notebooks=[SimpleNamespace(name="e", grades=grades)])

    class Book:
        def find_assignment(self, name: str):
            if name != "e":
                raise MissingEntry()
            return assignment

        def find_submission(self, epreuve: str, learner: str):
            if learner != "ana":
                raise MissingEntry()
            return submission

    got = read_scores(Book(), ["ana", "zoe"], ["e", "not-generated"])
    assert got == [
        ScoreRow("ana", "e", "r1-a", 1.5, 2.0), ScoreRow("ana", "e", "r2-a", 0.0, 1.0),
        ScoreRow("zoe", "e", "r1-a", 0.0, 2.0), ScoreRow("zoe", "e", "r2-a", 0.0, 1.0),
    ]


def test_render_table_and_csv() -> None:
    report = aggregate(rows("ana", r1_a=(2, 2), r2_a=(0.5, 2)), CHECKS)
    table = render(report, "table")
    assert "ana" in table and "✔ N1 2/2" in table and "✘ 0,5/2" in table
    csv_lines = render(report, "csv").splitlines()
    assert csv_lines[0] == "learner,competence,points,max_points,validated,level,critical_failures"
    assert csv_lines[1:] == ["ana,R1,2.0,2.0,true,N1,0", "ana,R2,0.5,2.0,false,,0"]
    assert render(aggregate([], CHECKS), "json") == '{\n  "learners": []\n}\n'
