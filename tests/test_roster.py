"""`tremplin course roster`: real CSV files in three encodings, every problem by its line,
all-or-nothing writes into a real nbgrader gradebook read back with nbgrader's API."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook
from tremplin.grading import course as course_module
from tremplin.grading.course import CourseLayout, init_course, open_course, require_writable
from tremplin.grading.roster import import_roster, parse_roster, read_roster
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.workspace import Workspace

LATIN1_ROSTER = "Pseudonym;ID;Email\nZoé L'Hôte;;zoe@exemple.fr\nGaëlle;gaelle-m;\n"


def tremplin(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tremplin", *args], capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def course(tmp_path: Path):
    """A real course made by `init_course` (no épreuve: the roster needs only the gradebook)."""
    (tmp_path / "exercises").mkdir()
    layout = CourseLayout.under(tmp_path / "data")
    init_course(layout, exercises_dir=tmp_path / "exercises")
    return open_course(layout.course_dir)


def students(course) -> dict[str, str | None]:
    with Gradebook(course.layout.db_url, course.layout.course_id) as gradebook:
        return {student.id: student.email for student in gradebook.students}


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# -- reading --------------------------------------------------------------------------


def test_latin1_file_keeps_its_accents_and_says_how_it_was_read(tmp_path: Path) -> None:
    path = write(tmp_path / "groupe.csv", LATIN1_ROSTER.encode("cp1252"))
    roster = read_roster(path)
    assert roster.ok, roster.problems
    assert roster.encoding == "Windows-1252 (Latin-1)"
    assert [(r.line, r.learner_id, r.pseudonym, r.email) for r in roster.rows] == [
        (2, "zoe-l-hote", "Zoé L'Hôte", "zoe@exemple.fr"),
        (3, "gaelle-m", "Gaëlle", ""),
    ]


def test_utf8_with_bom_and_commas_any_column_order(tmp_path: Path) -> None:
    text = "email,PSEUDONYM,id\r\n,Gaëlle,\r\nkarim@exemple.fr,Karim B,karim-b\r\n"
    path = write(tmp_path / "bom.csv", b"\xef\xbb\xbf" + text.encode("utf-8"))
    roster = read_roster(path)
    assert roster.ok and roster.encoding == "UTF-8 avec BOM"
    assert [(r.learner_id, r.pseudonym, r.email) for r in roster.rows] == [
        ("gaelle", "Gaëlle", ""), ("karim-b", "Karim B", "karim@exemple.fr"),
    ]
    plain = read_roster(write(tmp_path / "plain.csv", text.encode("utf-8")))
    assert plain.encoding == "UTF-8" and plain.rows == roster.rows


def test_every_bad_line_is_reported_with_its_number() -> None:
    text = (
        "id;pseudonym;email\n"
        ";Amina K;amina@exemple.fr\n"    # 2: fine, id amina-k
        "\n"                             # 3: blank lines are skipped
        "Jean Dupont;Jean Dupont;\n"     # 4: an id with a space and capitals
        ";<b>Léa</b>;\n"                 # 5: markup in the pseudonym
        "amina-k;Amina Kader;\n"         # 6: same id as line 2
        ";Yanis;yanis@@exemple\n"        # 7: not an address
    )
    roster = parse_roster(text)
    assert [row.learner_id for row in roster.rows] == ["amina-k"]
    assert roster.problems[0].startswith("ligne 4 : identifiant « Jean Dupont » invalide : ")
    assert "« jean-dupont »" in roster.problems[0]
    assert roster.problems[1].startswith("ligne 5 : pseudonyme « <b>Léa</b> » refusé : ")
    assert roster.problems[2] == "ligne 6 : « amina-k » est déjà à la ligne 2"
    assert roster.problems[3].startswith("ligne 7 : adresse « yanis@@exemple » invalide")
    assert len(roster.problems) == 4


def test_whole_file_problems(tmp_path: Path) -> None:
    assert "colonne « pseudonym » manquante" in parse_roster("id;nom\nx;Zoé\n").problems[0]
    assert parse_roster("id;nom\n").problems[0].startswith("ligne 1 : ")
    assert "aucun apprenant" in parse_roster("pseudonym\n\n").problems[0]
    assert "vide" in read_roster(write(tmp_path / "vide.csv", b"  \n")).problems[0]
    png = write(tmp_path / "photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "pas un fichier texte" in read_roster(png).problems[0]
    with pytest.raises(TremplinError, match="introuvable"):
        read_roster(tmp_path / "absent.csv")


# -- the gradebook --------------------------------------------------------------------


def test_import_is_all_or_nothing_and_idempotent(course, tmp_path: Path) -> None:
    bad = parse_roster("pseudonym;email\nZoé;zoe@exemple.fr\nZoé;\n")
    assert import_roster(course, bad).added == [] and students(course) == {}

    good = read_roster(write(tmp_path / "g.csv", LATIN1_ROSTER.encode("cp1252")))
    report = import_roster(course, good)
    assert report.added == ["zoe-l-hote", "gaelle-m"] and report.present == []
    assert students(course) == {"zoe-l-hote": "zoe@exemple.fr", "gaelle-m": None}

    again = import_roster(course, parse_roster("pseudonym,email\nZoé L'Hôte,\nKarim,k@exemple.fr\n"))
    assert again.added == ["karim"] and again.present == ["zoe-l-hote"]
    assert students(course)["zoe-l-hote"] == "zoe@exemple.fr"  # an empty cell keeps the address


def test_an_id_taken_by_another_pseudonym_writes_nothing(course) -> None:
    import_roster(course, parse_roster("pseudonym\nAmina K\n"))
    Workspace.create(course.layout.learners_dir / "amina-k", "Amina K")
    roster = parse_roster("id;pseudonym\nnoah;Noah\namina-k;Amina Kader\n")
    report = import_roster(course, roster)
    assert roster.problems == [
        "ligne 3 : « amina-k » est déjà dans le carnet de notes pour « Amina K » "
        "(choisissez un autre identifiant dans la colonne id)"
    ]
    assert report.added == [] and set(students(course)) == {"amina-k"}


def test_the_pseudonym_is_kept_in_the_gradebook_and_guards_the_id_without_a_workspace(course) -> None:
    import_roster(course, parse_roster("pseudonym\nAmina K\n"))
    with Gradebook(course.layout.db_url, course.layout.course_id) as gradebook:
        assert gradebook.find_student("amina-k").first_name == "Amina K"  # what the formgrader shows
    roster = parse_roster("id;pseudonym\namina-k;Amina Kader\n")  # no workspace yet: the gradebook knows
    import_roster(course, roster)
    assert len(roster.problems) == 1 and "« Amina K »" in roster.problems[0]


def test_a_write_failing_half_way_is_undone(course, monkeypatch: pytest.MonkeyPatch) -> None:
    import_roster(course, parse_roster("pseudonym;email\nZoé;zoe@exemple.fr\n"))
    real = Gradebook.update_or_create_student
    calls = []

    def failing(self, student_id, **kwargs):
        calls.append(student_id)
        if len(calls) == 3:
            raise OSError("disque plein")
        return real(self, student_id, **kwargs)

    monkeypatch.setattr(Gradebook, "update_or_create_student", failing)
    roster = parse_roster("pseudonym;email\nZoé;autre@exemple.fr\nLina;\nOmar;\n")
    with pytest.raises(TremplinError, match="rien n'a été ajouté.*disque plein"):
        import_roster(course, roster)
    monkeypatch.setattr(Gradebook, "update_or_create_student", real)
    assert students(course) == {"zoe": "zoe@exemple.fr"}


def test_read_only_course_and_damaged_gradebook(course, monkeypatch: pytest.MonkeyPatch) -> None:
    roster = parse_roster("pseudonym\nZoé\n")
    with monkeypatch.context() as patch:  # tests run as root, who bypasses file modes
        patch.setattr(course_module.os, "access", lambda path, mode: False)
        with pytest.raises(TremplinError, match="droits insuffisants"):
            require_writable(course.layout)
        with pytest.raises(TremplinError, match="droits insuffisants"):
            import_roster(course, roster)
    course.layout.gradebook_path.write_bytes(b"pas une base SQLite " * 100)
    with pytest.raises(TremplinError, match="carnet de notes est illisible"):
        import_roster(course, roster)
    # opening the course again says what the file is, before nbgrader fails on it
    with pytest.raises(TremplinError, match="n'est pas un carnet de notes nbgrader"):
        open_course(course.layout.course_dir)


def test_a_lost_gradebook_is_reported_not_recreated_once_work_was_collected(course) -> None:
    layout = course.layout
    layout.gradebook_path.unlink()
    open_course(layout.course_dir)  # a course with nothing collected yet: a new one is made
    assert layout.gradebook_path.is_file()
    handed_in = layout.step_dir("submitted", "zoe", "chercher-offres")
    handed_in.mkdir(parents=True)
    layout.gradebook_path.unlink()
    with pytest.raises(TremplinError, match="a disparu alors que le cours contient des rendus"):
        open_course(layout.course_dir)
    assert not layout.gradebook_path.exists() and handed_in.is_dir()  # nothing written, nothing lost


# -- the command line -----------------------------------------------------------------


def test_cli_imports_a_latin1_roster_then_refuses_a_bad_one(course, tmp_path: Path) -> None:
    data = str(course.layout.data_root)
    good = write(tmp_path / "groupe.csv", LATIN1_ROSTER.encode("cp1252"))
    done = tremplin("course", "roster", str(good), "--data", data)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "Fichier lu en Windows-1252 (Latin-1).",
        "2 apprenant(s) ajouté(s), 0 déjà présent(s) dans le carnet de notes.",
    ]
    bad = write(tmp_path / "bad.csv", "id;pseudonym\n;Noah\nJean Dupont;Jean\n;Gaëlle\n".encode())
    done = tremplin("course", "roster", str(bad), "--course", str(course.layout.course_dir))
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines[0].startswith("ligne 3 : identifiant « Jean Dupont » invalide")
    assert lines[-1].startswith("tremplin: Liste refusée : 1 ligne(s) à corriger")
    assert set(students(course)) == {"zoe-l-hote", "gaelle-m"}  # Noah was not added


def test_cli_missing_course_is_one_line_and_help_is_bilingual(tmp_path: Path) -> None:
    roster = write(tmp_path / "r.csv", b"pseudonym\nZoe\n")
    done = tremplin("course", "roster", str(roster), "--data", str(tmp_path / "vide"))
    assert done.returncode == 1 and done.stderr.startswith("tremplin: Aucun cours ici")
    assert len(done.stderr.strip().splitlines()) == 1
    done = tremplin("course", "roster", "--help")
    text = " ".join(done.stdout.split())  # argparse wraps the description
    assert done.returncode == 0 and "Ajoute au carnet" in text and "Adds the learners" in text
