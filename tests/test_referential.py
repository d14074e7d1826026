"""The competence referential: its content, its JSON contract and its validation at load."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tremplin.grading.referential import DEFAULT_FILE, ReferentialError, ValidationRule, load_referential

IDS = [
    "R1",
    "R2",
    "R3",
    "R4",
    "R5",
    "C1",
    "C2",
    "C3",
    "C4",
    "C5",
    "C6",
    "D1",
    "D2",
    "D3",
    "D4",
    "D5",
    "S1",
    "S2",
]


def test_packaged_file_has_four_domains_and_eighteen_competences_in_order() -> None:
    referential = load_referential()
    assert [d.id for d in referential.domains] == ["R", "C", "D", "S"]
    assert [c.id for c in referential.competences] == IDS
    for competence in referential.competences:
        assert competence.fr and competence.en and competence.evidence
        assert competence.pix and competence.digcomp
        assert [level.id for level in competence.levels] == ["N1", "N2", "N3"]
        for code in competence.pix:
            assert code in referential.pix_labels
    assert referential.competence("S1").pix == ("4.2", "2.4")
    assert referential.competence("R5").digcomp == ("1.1", "2.3")


def test_json_has_the_documented_shape() -> None:
    data = load_referential().to_json_dict()
    assert set(data) == {"domains", "competences"}
    first = data["competences"][0]
    assert list(first)[:6] == ["id", "domain", "fr", "en", "pix", "digcomp"]
    assert first["id"] == "R1" and first["domain"] == "R" and first["pix"] == ["1.1"]


@pytest.mark.parametrize(
    ("points", "max_points", "critical", "expected"),
    [(7, 10, 0, True), (6.9, 10, 0, False), (10, 10, 1, False), (0, 0, 0, False)],
)
def test_default_rule_needs_seventy_percent_and_no_critical_failure(
    points, max_points, critical, expected
) -> None:
    assert ValidationRule().is_validated(points, max_points, critical) is expected


def write_variant(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    """A copy of the packaged file with one change; returns it and the changed line's number."""
    text = DEFAULT_FILE.read_text(encoding="utf-8")
    assert old in text
    line = text[: text.index(old)].count("\n") + 1
    path = tmp_path / "referential.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path, line


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("  - id: R2\n", "  - id: R1\n", "competence R1: id appears twice"),
        ('    domain: C\n    fr: "Joindre', '    domain: X\n    fr: "Joindre', 'domain "X" is not defined'),
        (
            '    pix: ["3.1"]\n    digcomp: ["3.1"]',
            '    pix: ["9.9"]\n    digcomp: ["3.1"]',
            "code '9.9' is not in the table",
        ),
        ("  min_ratio: 0.7", "  min_ratio: 1.5", "min_ratio must lie between 0 and 1"),
        ('    en: "Plan the trip', '    colour: "Plan the trip', "unknown key 'colour'"),
    ],
)
def test_malformed_copies_name_the_line_and_the_reason(
    tmp_path: Path, old: str, new: str, reason: str
) -> None:
    path, line = write_variant(tmp_path, old, new)
    with pytest.raises(ReferentialError) as caught:
        load_referential(path)
    message = str(caught.value)
    assert message.startswith(f"referential.yaml:{line}:"), message
    assert reason in message


def test_missing_statement_is_reported_on_its_competence(tmp_path: Path) -> None:
    path, _line = write_variant(tmp_path, '    fr: "Créer et protéger ses accès"\n', "")
    start = DEFAULT_FILE.read_text(encoding="utf-8").splitlines().index("  - id: S2") + 1
    with pytest.raises(ReferentialError) as caught:
        load_referential(path)
    assert str(caught.value) == f"referential.yaml:{start}: competence S2: missing key 'fr'"


def test_bad_indentation_is_a_yaml_syntax_error_with_its_line(tmp_path: Path) -> None:
    path, line = write_variant(tmp_path, "  - id: R3\n    domain: R\n", "  - id: R3\n      domain: R\n")
    with pytest.raises(ReferentialError, match=r"referential\.yaml:\d+: YAML syntax"):
        load_referential(path)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tremplin", "referential", *args], capture_output=True, text=True
    )


def test_cli_json_matches_the_loader() -> None:
    done = run_cli("--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == load_referential().to_json_dict()


def test_cli_table_lists_every_competence_in_french_and_english() -> None:
    french, english = run_cli(), run_cli("--lang", "en")
    for competence_id in IDS:
        assert f"  {competence_id} " in french.stdout
    assert "Formuler puis affiner" in french.stdout and "Formulate and refine" in english.stdout


def test_cli_refuses_a_malformed_or_missing_file_in_one_line(tmp_path: Path) -> None:
    path, _line = write_variant(tmp_path, "  - id: R2\n", "  - id: R1\n")
    for target in (path, tmp_path / "absent.yaml"):
        done = run_cli("--file", str(target))
        assert done.returncode == 1
        assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith("tremplin:")
