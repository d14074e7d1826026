"""The retake policy: course settings, the attempts history, the decisions with real dates, the
`course settings` command, and the kiosk's hand-in button refusing (real nbgrader release,
real ipywidgets clicks)."""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import warnings
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from retakes_support import EPREUVE, make_learner, released_course
from tremplin.grading import cli
from tremplin.grading.attempts import (
    Attempt,
    AttemptsWarning,
    all_attempts,
    attempts_of,
    attempts_path,
    record_attempt,
)
from tremplin.grading.check_model import CheckResult
from tremplin.grading.commands import course_policy
from tremplin.grading.course_settings import CourseSettings, load_settings, save_settings, settings_path
from tremplin.grading.gradebook_report import CheckMeta, ScoreRow
from tremplin.grading.handin_widget import HandInButton
from tremplin.grading.retake import allowed_to_grade, attempt_passed, format_date, may_hand_in
from tremplin.widgets.errors import TremplinError

#: 10:00 in Brittany on Saturday 5 December 2026.
FAILED_AT = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def course_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data" / "course"
    folder.mkdir(parents=True)
    return folder


def _fail(course_dir: Path, when: datetime, learner: str = "zoe", passed: bool = False) -> None:
    record_attempt(course_dir, learner, EPREUVE, when, 9.0 if passed else 3.0, 10.0, passed)


# -- settings --------------------------------------------------------------------------


def test_settings_default_save_and_reload(course_dir: Path) -> None:
    assert load_settings(course_dir) == CourseSettings("", "", 7, 3)
    saved = CourseSettings("EPN de  Vannes", "Zoé L'Hôte", 14, 2)
    path = save_settings(course_dir, saved)
    assert load_settings(course_dir) == CourseSettings("EPN de Vannes", "Zoé L'Hôte", 14, 2)
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == 1
    assert [p.name for p in course_dir.iterdir()] == ["tremplin_course.json"]  # no temp file left


@pytest.mark.parametrize("content", ["{pas du json", "[1, 2]", '{"max_attempts": 0}',
                                     '{"retake_after_days": -3}', '{"max_attempts": "trois"}',
                                     '{"structure": 12}'])
def test_a_damaged_settings_file_is_named_and_kept(course_dir: Path, content: str) -> None:
    path = settings_path(course_dir)
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TremplinError, match="réglages du cours est abîmé") as caught:
        load_settings(course_dir)
    assert str(path) in str(caught.value)
    with pytest.raises(TremplinError):  # the policy cannot be decided on a damaged file
        may_hand_in(course_dir, "zoe", EPREUVE, FAILED_AT)
    assert path.read_text(encoding="utf-8") == content


def test_bad_values_are_refused_before_writing(course_dir: Path) -> None:
    save_settings(course_dir, CourseSettings(max_attempts=2))
    before = settings_path(course_dir).read_bytes()
    for bad in (CourseSettings(max_attempts=0), CourseSettings(retake_after_days=-1),
                CourseSettings(structure="x" * 121), CourseSettings(mediator="bip\x07"),
                CourseSettings(retake_after_days=True)):
        with pytest.raises(TremplinError):
            save_settings(course_dir, bad)
    assert settings_path(course_dir).read_bytes() == before


# -- attempts --------------------------------------------------------------------------


def test_attempts_round_trip_in_utc(course_dir: Path) -> None:
    record_attempt(course_dir, "zoe", EPREUVE, datetime(2026, 12, 5, 10, 0), 3, 10, False)
    record_attempt(course_dir, "zoe", "autre", FAILED_AT, 10, 10, True)
    record_attempt(course_dir, "amina", EPREUVE, FAILED_AT, 8, 10, True)
    (only,) = attempts_of(course_dir, "zoe", EPREUVE)
    assert only == Attempt("zoe", EPREUVE, datetime(2026, 12, 5, 10, 0, tzinfo=UTC), 3.0, 10.0, False)
    assert len(all_attempts(course_dir)) == 3


def test_grading_the_same_hand_in_again_is_still_one_attempt(course_dir: Path) -> None:
    _fail(course_dir, FAILED_AT)
    _fail(course_dir, FAILED_AT, passed=True)  # re-graded after a manual score
    assert [a.passed for a in attempts_of(course_dir, "zoe", EPREUVE)] == [True]


def test_a_damaged_line_is_skipped_and_the_others_kept(course_dir: Path) -> None:
    _fail(course_dir, FAILED_AT)
    with open(attempts_path(course_dir), "a", encoding="utf-8") as handle:
        handle.write('{"learner": "zoe", "when": "hier"}\n{"learner": "zoe", "epreu')  # torn
    _fail(course_dir, FAILED_AT + timedelta(days=8))
    with pytest.warns(AttemptsWarning) as caught:
        found = attempts_of(course_dir, "zoe", EPREUVE)
    assert ["ligne 2 illisible" in str(w.message) for w in caught] == [True, False]  # the bad line
    assert "ligne 3 illisible" in str(caught[1].message)  # and the torn one, kept apart
    assert [a.when for a in found] == [FAILED_AT, FAILED_AT + timedelta(days=8)]


def _append_many(args: tuple[Path, int]) -> None:
    course_dir, worker = args
    for n in range(25):
        record_attempt(course_dir, f"l{worker}-{n}", EPREUVE, FAILED_AT, n, 25, False)


def test_parallel_graders_never_interleave(course_dir: Path) -> None:
    with multiprocessing.get_context("fork").Pool(4) as pool:
        pool.map(_append_many, [(course_dir, w) for w in range(4)])
    with warnings.catch_warnings():
        warnings.simplefilter("error", AttemptsWarning)
        assert len(all_attempts(course_dir)) == 100
    assert len(attempts_path(course_dir).read_text(encoding="utf-8").splitlines()) == 100


# -- the policy ------------------------------------------------------------------------


def test_first_attempt_is_always_allowed(course_dir: Path) -> None:
    decision = may_hand_in(course_dir, "zoe", EPREUVE, FAILED_AT)
    assert decision.allowed and decision.message_fr == "Vous pouvez rendre cette épreuve."


def test_after_a_failure_wait_until_the_date(course_dir: Path) -> None:
    _fail(course_dir, FAILED_AT)
    early = may_hand_in(course_dir, "zoe", EPREUVE, FAILED_AT + timedelta(days=6, hours=12))
    assert not early.allowed and early.next_date == date(2026, 12, 12)
    assert early.message_fr.startswith("Vous pourrez repasser cette épreuve à partir du 12 décembre 2026.")
    assert "from December 12, 2026" in early.message("en")
    # 00:30 in Brittany on 12 December is already the day (23:30 UTC on the 11th)
    on_the_day = may_hand_in(course_dir, "zoe", EPREUVE, datetime(2026, 12, 11, 23, 30, tzinfo=UTC))
    assert on_the_day.allowed
    assert on_the_day.message_fr == "Vous pouvez repasser cette épreuve (tentative 2 sur 3)."
    assert may_hand_in(course_dir, "amina", EPREUVE, FAILED_AT).allowed  # others are not concerned


def test_the_day_is_counted_in_the_kiosk_time_zone(course_dir: Path) -> None:
    _fail(course_dir, datetime(2027, 2, 21, 23, 30, tzinfo=UTC))  # already 22 February in Vannes
    later = may_hand_in(course_dir, "zoe", EPREUVE, datetime(2027, 2, 25, tzinfo=UTC))
    assert later.next_date == date(2027, 3, 1)
    assert "à partir du 1er mars 2027." in later.message_fr
    assert format_date(date(2027, 3, 1), "en") == "March 1, 2027"


def test_no_retake_after_a_pass(course_dir: Path) -> None:
    _fail(course_dir, FAILED_AT, passed=True)
    decision = may_hand_in(course_dir, "zoe", EPREUVE, FAILED_AT + timedelta(days=60))
    assert not decision.allowed and decision.next_date is None
    assert decision.message_fr.startswith("Vous avez déjà réussi cette épreuve")


def test_no_attempt_left_says_to_see_the_mediator(course_dir: Path) -> None:
    save_settings(course_dir, CourseSettings(retake_after_days=0, max_attempts=2))
    _fail(course_dir, FAILED_AT)
    assert may_hand_in(course_dir, "zoe", EPREUVE, FAILED_AT + timedelta(hours=1)).allowed  # 0 days
    _fail(course_dir, FAILED_AT + timedelta(hours=2))
    decision = may_hand_in(course_dir, "zoe", EPREUVE, FAILED_AT + timedelta(days=90))
    assert not decision.allowed and decision.code == "max_reached"
    assert "déjà passé cette épreuve 2 fois" in decision.message_fr
    assert "Parlez-en à votre médiateur ou médiatrice" in decision.message_fr


def test_autograde_skips_a_hand_in_that_broke_the_policy(course_dir: Path) -> None:
    _fail(course_dir, FAILED_AT)
    assert allowed_to_grade(course_dir, "zoe", EPREUVE, FAILED_AT).allowed  # the same one, again
    folder = course_dir / "submitted" / "zoe" / EPREUVE
    folder.mkdir(parents=True)
    (folder / "timestamp.txt").write_text("2026-12-07 15:04:05.123456 UTC", encoding="utf-8")
    decision = allowed_to_grade(course_dir, "zoe", EPREUVE)
    assert not decision.allowed and decision.next_date == date(2026, 12, 12)
    assert decision.message_fr == (
        "rendu de zoe pour « mini-rendu » (du 7 décembre 2026) non corrigé : après un échec, "
        "la nouvelle tentative n'était possible qu'à partir du 12 décembre 2026.")
    assert allowed_to_grade(course_dir, "zoe", EPREUVE, FAILED_AT + timedelta(days=7)).allowed


# -- did the attempt pass? -------------------------------------------------------------


def _result(cid: str, points: float, max_points: float, critical: bool = False) -> CheckResult:
    return CheckResult(f"c-{cid}-{points}", (cid,), "N1", critical, points == max_points, points,
                       max_points, "")


def test_attempt_passed_follows_the_referential_rule() -> None:
    # the packaged referential: ≥ 70 % of the points and no critical failure, per competence
    assert attempt_passed([_result("R1", 2, 2, critical=True), _result("R1", 1, 2), _result("R5", 3, 3)])
    assert not attempt_passed([_result("R1", 2, 2), _result("R1", 1, 2), _result("R5", 1, 3)])
    assert not attempt_passed([_result("R1", 9, 9), _result("R1", 0.5, 1, critical=True)])
    assert not attempt_passed([])


def test_attempt_passed_on_gradebook_rows() -> None:
    checks = {"a": CheckMeta(("R1",), critical=True), "b": CheckMeta(("R1", "R2"))}
    rows = [ScoreRow("zoe", EPREUVE, "a", 2, 2), ScoreRow("zoe", EPREUVE, "b", 1, 1),
            ScoreRow("zoe", EPREUVE, "inconnue", 0, 5)]
    assert attempt_passed(rows, checks)
    rows[0] = ScoreRow("zoe", EPREUVE, "a", 1.5, 2)
    assert not attempt_passed(rows, checks)  # a critical check below its maximum


# -- tremplin course settings ----------------------------------------------------------


def _settings_cli(capsys: pytest.CaptureFixture, data: Path, *options: str) -> tuple[int, str, str]:
    """`tremplin course settings --data DATA ...` as cli.main runs it (one-line errors)."""
    parser = cli.OneLineParser(prog="tremplin course")
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--data", type=Path, default=None)
    course_policy.register_steps(parser.add_subparsers(dest="step"), where)
    args = parser.parse_args(["settings", "--data", str(data), *options])
    try:
        code = args.func(args)
    except TremplinError as error:
        print(f"tremplin: {error}", file=sys.stderr)
        code = 1
    out, err = capsys.readouterr()
    return code, out, err


def test_settings_command_prints_and_changes(course_dir: Path, capsys: pytest.CaptureFixture) -> None:
    data = course_dir.parent
    code, out, _ = _settings_cli(capsys, data)
    assert code == 0 and "ce sont les valeurs par défaut" in out
    assert "délai avant de repasser une épreuve (--retake-after-days) : 7 jour(s) après un échec" in out
    assert "nom de la structure (--structure) : (non renseigné)" in out
    code, out, _ = _settings_cli(capsys, data, "--structure", "EPN de Vannes", "--max-attempts", "4")
    assert code == 0 and out.startswith("Réglages enregistrés dans ")
    code, out, _ = _settings_cli(capsys, data, "--retake-after-days", "10")
    assert load_settings(course_dir) == CourseSettings("EPN de Vannes", "", 10, 4)  # others kept
    assert "nombre de tentatives par épreuve (--max-attempts) : 4" in out


@pytest.mark.parametrize(("options", "said"), [
    (("--retake-after-days", "-2"), "-2 n'est pas accepté, choisissez un nombre entre 0 et 365"),
    (("--max-attempts", "0"), "0 n'est pas accepté, choisissez un nombre entre 1 et 99"),
    (("--max-attempts", "trois"), "« trois » n'est pas un nombre entier"),
    (("--retake-after-days", "7.5"), "« 7.5 » n'est pas un nombre entier"),
])
def test_settings_command_refuses_bad_values(course_dir: Path, capsys: pytest.CaptureFixture,
                                             options: tuple[str, ...], said: str) -> None:
    save_settings(course_dir, CourseSettings(mediator="Zoé"))
    before = settings_path(course_dir).read_bytes()
    code, out, err = _settings_cli(capsys, course_dir.parent, "--structure", "EPN", *options)
    assert code == 1 and out == "" and said in err and len(err.splitlines()) == 1
    assert settings_path(course_dir).read_bytes() == before


def test_settings_command_without_a_course(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    code, _, err = _settings_cli(capsys, tmp_path / "rien")
    assert code == 1 and err.startswith("tremplin: Aucun cours ici")


# -- the kiosk's button ----------------------------------------------------------------


@pytest.fixture(scope="module")
def kiosk_course(tmp_path_factory: pytest.TempPathFactory):
    return released_course(tmp_path_factory.mktemp("kiosque"))


def _inbound(course) -> list[str]:
    folder = course.layout.exchange_dir / course.layout.course_id / "inbound"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_hand_in_button_refuses_too_early_and_keeps_everything(kiosk_course) -> None:
    layout = kiosk_course.layout
    workspace = make_learner(layout, "yanis")
    clock = [FAILED_AT]
    button = HandInButton(layout.data_root, EPREUVE, workspace, clock=lambda: clock[0])
    button.button.click()
    assert 'role="status"' in button.status.value and len(_inbound(kiosk_course)) == 1
    _fail(layout.course_dir, FAILED_AT, learner="yanis")  # the mediator graded it: failed

    clock[0] = FAILED_AT + timedelta(days=2)
    letter = (workspace.documents_dir / "lettre.txt").read_bytes()
    button.button.click()
    assert 'role="alert"' in button.status.value
    assert "Votre épreuve n&#x27;a pas été rendue. Vous pourrez repasser cette épreuve à partir du " \
           "12 décembre 2026." in button.status.value
    assert len(_inbound(kiosk_course)) == 1  # nothing handed in
    assert (workspace.documents_dir / "lettre.txt").read_bytes() == letter  # nothing lost

    clock[0] = FAILED_AT + timedelta(days=7)
    button.button.click()
    assert 'role="status"' in button.status.value and len(_inbound(kiosk_course)) == 2


def test_hand_in_button_after_a_pass(kiosk_course) -> None:
    layout = kiosk_course.layout
    workspace = make_learner(layout, "ines")
    _fail(layout.course_dir, FAILED_AT, learner="ines", passed=True)
    button = HandInButton(layout.data_root, EPREUVE, workspace, clock=lambda: FAILED_AT + timedelta(days=30))
    before = _inbound(kiosk_course)
    button.button.click()
    assert "Vous avez déjà réussi cette épreuve" in button.status.value
    assert _inbound(kiosk_course) == before


def test_a_damaged_settings_file_does_not_block_the_learner(kiosk_course) -> None:
    layout = kiosk_course.layout
    workspace = make_learner(layout, "lou")
    settings_path(layout.course_dir).write_text("{abîmé", encoding="utf-8")
    try:
        button = HandInButton(layout.data_root, EPREUVE, workspace, clock=lambda: FAILED_AT)
        button.button.click()
        assert 'role="status"' in button.status.value  # handed in; the policy is applied at grading
        assert any(name.startswith("lou+") for name in _inbound(kiosk_course))
        assert settings_path(layout.course_dir).read_text(encoding="utf-8") == "{abîmé"
    finally:
        settings_path(layout.course_dir).unlink()
