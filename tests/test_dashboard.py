"""The mediators' dashboard: its data on a real nbgrader gradebook, its widget, its command."""

from __future__ import annotations

import argparse
import base64
import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from dashboard_support import REVIEW_ID, build_course
from tremplin.grading import dashboard_data as data
from tremplin.grading import dashboard_widget as dw
from tremplin.grading.commands import course_dashboard
from tremplin.grading.course import open_course
from tremplin.grading.gradebook_report import course_report
from tremplin.widgets.errors import TremplinError

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def course_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_course(tmp_path_factory.mktemp("dashboard") / "data", NOW)


@pytest.fixture(scope="module")
def board(course_dir: Path) -> data.Dashboard:
    return data.load_dashboard(course_dir, NOW)


@dataclass(frozen=True)
class Try:
    learner: str
    epreuve: str
    when: datetime
    passed: bool
    points: float = 0.0
    max_points: float = 1.0


def marks(table: data.Matrix) -> dict[str, list[str]]:
    return {learner: [table.cell(learner, cid).mark for cid in table.competences]
            for learner in table.learners}


# -- data ------------------------------------------------------------------------------


def test_matrix_tells_levels_failures_and_untried_apart(board: data.Dashboard) -> None:
    table = board.matrix
    assert table.competences == ("D2", "R3", "R5")
    assert marks(table) == {"alice": ["✘", "N3", "N2"], "bob": ["—", "✘", "—"], "chloe": ["—", "—", "✘"]}
    assert table.cell("chloe", "R5").points == 1.0 and table.cell("chloe", "R5").max_points == 10.0
    assert table.cell("bob", "R5").status == data.NOT_ATTEMPTED
    assert table.cell("alice", "D2").provisional and not table.cell("alice", "R3").provisional


def test_matrix_without_hand_ins_guesses_from_points(course_dir: Path) -> None:
    report = course_report(open_course(course_dir))
    guessed = data.matrix(report)
    assert guessed.cell("bob", "R3").status == data.NOT_ATTEMPTED  # 0 point: cannot tell
    assert guessed.cell("chloe", "R5").status == data.NOT_VALIDATED


def test_csv_reads_back_as_the_table(board: data.Dashboard) -> None:
    rows = list(csv.reader(io.StringIO(data.to_csv(board.matrix)), delimiter=";"))
    assert rows == [
        ["apprenant", "D2", "R3", "R5"],
        ["alice", "non validée", "N3", "N2"],
        ["bob", "non tentée", "non validée", "non tentée"],
        ["chloe", "non tentée", "non tentée", "non validée"],
    ]


def test_progress_counts_each_first_pass_per_week() -> None:
    competences = {"a": ("R1", "R2"), "b": ("R3",)}
    attempts = [
        Try("x", "a", datetime(2026, 11, 3, 9, tzinfo=UTC), True),   # week of 2/11: R1, R2
        Try("x", "a", datetime(2026, 11, 4, 9, tzinfo=UTC), True),   # the same pass again: nothing new
        Try("y", "b", datetime(2026, 11, 4, 9, tzinfo=UTC), False),  # failed: nothing
        Try("y", "b", datetime(2026, 11, 20, 9, tzinfo=UTC), True),  # week of 16/11: R3
    ]
    weeks = data.progress_over_time(attempts, competences)
    assert [(w.week, w.validated, w.new) for w in weeks] == [
        (date(2026, 11, 2), 2, 2), (date(2026, 11, 9), 2, 0), (date(2026, 11, 16), 3, 1)]
    assert data.progress_over_time([], competences) == []


def test_progress_of_the_course_comes_from_its_attempts_log(board: data.Dashboard) -> None:
    assert [(w.validated, w.new) for w in board.progress] == [(1, 1), (2, 1)]
    assert board.progress[0].week == date(2026, 11, 16)  # alice passed reperer-arnaque on 16/11


def test_stuck_after_two_failures_or_an_old_failure(board: data.Dashboard) -> None:
    found = {(item.learner, item.epreuve): item for item in board.stuck}
    assert set(found) == {("bob", "reperer-arnaque"), ("chloe", "preparer-trajet")}
    bob, chloe = found[("bob", "reperer-arnaque")], found[("chloe", "preparer-trajet")]
    assert (bob.reason, bob.failed_attempts, bob.competences) == ("repeated", 2, ("R3",))
    assert bob.check == "r3-arnaques-courantes-signalees"  # 2 points lost; ties go by id
    assert (chloe.reason, chloe.failed_attempts, chloe.competences) == ("stale", 1, ("R5",))
    assert chloe.check == "r5-arrivee-a-l-heure"


def test_stuck_rules_at_their_edges(course_dir: Path) -> None:
    report = course_report(open_course(course_dir))
    day = timedelta(days=1)
    recent = [Try("chloe", "preparer-trajet", NOW - 13 * day, False)]
    assert data.stuck(report, recent, NOW, epreuve_competences={}) == []
    passed_last = [Try("bob", "e", NOW - 5 * day, False), Try("bob", "e", NOW - 4 * day, False),
                   Try("bob", "e", NOW - 3 * day, True)]
    assert data.stuck(report, passed_last, NOW, epreuve_competences={}) == []
    again = [*passed_last, Try("bob", "e", NOW - 2 * day, False), Try("bob", "e", NOW - day, False)]
    [item] = data.stuck(report, again, NOW, epreuve_competences={"e": ("R3", "R5")})
    assert item.failed_attempts == 2 and item.competences == ("R3", "R5") and item.check is None


def test_reviews_waiting_lists_the_unscored_review(course_dir: Path) -> None:
    [waiting] = data.reviews_waiting(open_course(course_dir))
    assert (waiting.learner, waiting.epreuve, waiting.grade_id) == ("alice", "lettre-adaptee", REVIEW_ID)
    assert waiting.title and waiting.title != REVIEW_ID


def test_missing_course_or_gradebook_is_a_french_error(tmp_path: Path, course_dir: Path) -> None:
    with pytest.raises(TremplinError, match="Aucun cours trouvé"):
        data.load_dashboard(tmp_path / "nowhere")
    copy = tmp_path / "course"
    copy.mkdir()
    (copy / "nbgrader_config.py").write_text((course_dir / "nbgrader_config.py").read_text())
    with pytest.raises(TremplinError, match="carnet de notes est introuvable"):
        data.load_dashboard(copy)
    assert not (copy / "gradebook.db").exists()  # looking never creates a gradebook


def test_course_dir_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TREMPLIN_COURSE", str(tmp_path / "c"))
    assert data.course_dir_from_env() == tmp_path / "c"
    monkeypatch.delenv("TREMPLIN_COURSE")
    monkeypatch.setenv("TREMPLIN_DATA", str(tmp_path / "d"))
    assert data.course_dir_from_env() == tmp_path / "d" / "course"


# -- widget ----------------------------------------------------------------------------


def luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_cell_colours_have_enough_contrast() -> None:
    for background, text in dw.COLOURS.values():
        light, dark = sorted((luminance(background), luminance(text)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, (background, text)


def cell_html(page: str, learner: str, cid: str, status: str) -> re.Match | None:
    where = f'data-learner="{learner}" data-competence="{cid}" data-status="{status}">'
    return re.search(re.escape(where) + "(.*?)</td>", page)


def test_widget_shows_every_section(course_dir: Path) -> None:
    widget = dw.DashboardWidget(course_dir, load=lambda path: data.load_dashboard(path, NOW))
    page = widget.sections.value
    assert "Compétences par apprenant·e</caption>" in page
    assert page.count('<th scope="row">') == 3 and page.count('<th scope="col">') == 4
    cell = cell_html(page, "alice", "R5", "validated")
    assert cell and '<span aria-hidden="true">N2</span>' in cell.group(1)
    assert "validée au niveau N2, 5 sur 10 points" in cell.group(1)
    review = cell_html(page, "alice", "D2", "not_validated")
    assert review and '<span aria-hidden="true">✘*</span>' in review.group(1)
    assert "relecture en attente" in review.group(1)
    assert "bob bloque sur « reperer-arnaque » : 2 essais ratés de suite" in page
    assert "plus de 14 jours" in page and "Compétence(s) à retravailler : R5." in page
    assert 'role="img"' in page and "de 1 à 2 compétence(s) validée(s)" in page
    assert "alice — « lettre-adaptee »" in page
    encoded = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', page).group(1)
    text = base64.b64decode(encoded).decode("utf-8-sig")
    assert text == data.to_csv(widget.dashboard.matrix)
    assert 'download="tableau-de-bord-2026-11-29.csv"' in page
    assert "Tableau mis à jour" in widget.status.value


def test_refresh_reads_the_course_again(tmp_path: Path) -> None:
    from tremplin.grading.attempts import record_attempt

    course = build_course(tmp_path / "data", NOW)
    widget = dw.DashboardWidget(course, load=lambda path: data.load_dashboard(path, NOW))
    assert "bob bloque" in widget.sections.value
    record_attempt(course, "bob", "reperer-arnaque", NOW - timedelta(hours=1), 1.0, 1.0, True)
    widget.refresh_button.click()
    assert "bob bloque" not in widget.sections.value and not widget.refresh_button.disabled


def test_widget_problems_are_french_sentences(tmp_path: Path) -> None:
    widget = dw.DashboardWidget(tmp_path / "nowhere")
    assert "Aucun cours trouvé" in widget.status.value and widget.sections.value == ""

    def broken(_path: Path) -> data.Dashboard:
        raise ValueError("sqlite says no")

    widget = dw.DashboardWidget(tmp_path, load=broken)
    assert "pas pu lire le cours (ValueError)" in widget.status.value
    assert "Traceback" not in widget.status.value and "sqlite" not in widget.status.value


def test_page_refuses_outside_the_dashboard_server(monkeypatch: pytest.MonkeyPatch, course_dir: Path) -> None:
    from tremplin.grading.kiosk import kiosk_command, kiosk_env

    shown: list[object] = []
    monkeypatch.delenv(dw.DASHBOARD_ENV, raising=False)
    # The kiosk serves the whole notebooks/ folder, mediateur/ included: its kernels must refuse.
    served = Path(kiosk_command(course_dir.parent)[3])
    assert (served / "mediateur" / "tableau-de-bord.ipynb").is_file()
    assert not dw.dashboard_allowed(kiosk_env(course_dir.parent))
    dw.preload()  # a kiosk kernel preheating this page imports nothing of the course
    refusal = dw.show_dashboard(course_dir, show=shown.append)
    assert shown == [refusal] and "réservée à l'équipe de médiation" in refusal.value
    monkeypatch.setenv(dw.DASHBOARD_ENV, "1")
    view = dw.show_dashboard(course_dir, show=shown.append)
    assert view.children[1].description == "Actualiser"


# -- command ---------------------------------------------------------------------------


def test_command_serves_only_the_dashboard_on_localhost(tmp_path: Path, course_dir: Path) -> None:
    parser = argparse.ArgumentParser()
    steps = parser.add_subparsers(dest="step")
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--data", type=Path)
    course_dashboard.register_steps(steps, where)
    args = parser.parse_args(["dashboard", "--data", str(tmp_path)])
    assert (args.port, args.course, args.func) == (8867, None, course_dashboard.run)
    command = course_dashboard.dashboard_command(tmp_path, 9001)
    assert command[3].endswith("notebooks/mediateur/tableau-de-bord.ipynb")
    assert "--Voila.ip=127.0.0.1" in command and "--port=9001" in command
    assert "--VoilaConfiguration.extension_denylist=@jupyter/nbgrader" in command
    env = course_dashboard.dashboard_env(tmp_path, course_dir)
    assert env[dw.DASHBOARD_ENV] == "1" and env["TREMPLIN_COURSE"] == str(course_dir)
    assert dw.dashboard_allowed(env)
    with pytest.raises(TremplinError, match="Aucun cours trouvé"):
        course_dashboard.run_dashboard(tmp_path, tmp_path / "course", 9001)
