"""The competence referential: its content, its JSON contract and its validation at load."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tremplin.grading.commands import referential as referential_command
from tremplin.grading.referential import (
    DEFAULT_FILE,
    ReferentialError,
    ValidationRule,
    load_referential,
)

#: The table of REFERENTIAL.md: id -> (Pix codes, DigComp codes), in the documented order.
CODES = {
    "R1": (["1.1"], ["1.1"]),
    "R2": (["1.1", "1.2"], ["1.1", "1.3"]),
    "R3": (["1.1", "4.2"], ["1.2", "4.2"]),
    "R4": (["1.1"], ["1.1", "1.2"]),
    "R5": (["1.1"], ["1.1", "2.3"]),
    "C1": (["2.1"], ["2.1"]),
    "C2": (["2.1", "2.2"], ["2.2"]),
    "C3": (["2.1"], ["2.1", "2.5"]),
    "C4": (["2.1"], ["2.1", "2.5"]),
    "C5": (["2.1"], ["2.5", "2.6"]),
    "C6": (["4.1", "4.2"], ["4.1", "4.2"]),
    "D1": (["3.1"], ["3.1"]),
    "D2": (["3.1", "3.3"], ["3.1", "3.2"]),
    "D3": (["1.2", "3.1"], ["1.3", "3.1"]),
    "D4": (["1.2"], ["1.3"]),
    "D5": (["1.2", "5.2"], ["1.3", "5.1"]),
    "S1": (["4.2", "2.4"], ["4.2", "2.6"]),
    "S2": (["4.1"], ["4.1", "4.2"]),
}
IDS = list(CODES)


# -- the packaged file -----------------------------------------------------------------


def test_packaged_file_has_four_domains_and_eighteen_competences_in_order() -> None:
    referential = load_referential()
    assert referential.name == "Visa Tremplin" and referential.version
    assert [d.id for d in referential.domains] == ["R", "C", "D", "S"]
    assert all(d.fr and d.en for d in referential.domains)
    assert [c.id for c in referential.competences] == IDS
    for competence in referential.competences:
        assert competence.id.startswith(competence.domain)
        assert competence.fr and competence.en and competence.evidence
        assert (list(competence.pix), list(competence.digcomp)) == CODES[competence.id], competence.id


def test_every_competence_says_what_each_level_means_for_it() -> None:
    referential = load_referential()
    seen: set[str] = set()
    for competence in referential.competences:
        assert [level.id for level in competence.levels] == ["N1", "N2", "N3"]
        for level in competence.levels:
            assert level.fr and level.en
            assert level.fr not in seen, f"{competence.id} {level.id} repeats another competence's text"
            seen.add(level.fr)
    assert [level.id for level in referential.levels] == ["N1", "N2", "N3"]


def test_codes_have_labels_in_both_languages() -> None:
    referential = load_referential()
    assert len(referential.pix_labels) == 16 and len(referential.digcomp_labels) == 21
    assert referential.code_label("pix", "1.1") == "1.1 Mener une recherche et une veille d'information"
    assert referential.code_label("digcomp", "2.5", "en") == "2.5 Netiquette"
    with pytest.raises(TypeError):
        referential.pix_labels["9.9"] = {"fr": "?", "en": "?"}  # type: ignore[index]


def test_default_load_is_cached_and_lookups_work() -> None:
    referential = load_referential()
    assert load_referential() is referential
    assert referential.competence("C3").domain == "C"
    assert [c.id for c in referential.competences_of("S")] == ["S1", "S2"]
    assert referential.rule_for("R1") == ValidationRule(0.7, True) == referential.validation
    with pytest.raises(KeyError):
        referential.competence("R9")


@pytest.mark.parametrize(
    ("points", "max_points", "critical", "expected"),
    [(7, 10, 0, True), (6.9, 10, 0, False), (10, 10, 1, False), (0, 0, 0, False), (2.1, 3, 0, True)],
)
def test_default_rule_needs_seventy_percent_and_no_critical_failure(
    points: float, max_points: float, critical: int, expected: bool
) -> None:
    assert ValidationRule().is_validated(points, max_points, critical) is expected


def test_a_rule_without_the_critical_condition_ignores_critical_failures() -> None:
    assert ValidationRule(0.5, False).is_validated(5, 10, 3) is True


def test_json_has_the_documented_shape() -> None:
    data = load_referential().to_json_dict()
    assert list(data) == ["domains", "competences"]
    assert data["domains"][3] == {
        "id": "S",
        "fr": "Sécurité et données personnelles",
        "en": "Safety and personal data",
    }
    first = data["competences"][0]
    assert list(first)[:6] == ["id", "domain", "fr", "en", "pix", "digcomp"]
    assert first["id"] == "R1" and first["domain"] == "R" and first["pix"] == ["1.1"]
    assert set(first["levels"]) == {"N1", "N2", "N3"}
    assert first["validation"] == {"min_ratio": 0.7, "no_critical_failure": True}
    json.dumps(data)  # plain JSON types only


def test_table_is_grouped_by_domain_and_wraps_long_statements() -> None:
    table = load_referential().format_table("fr")
    lines = table.splitlines()
    assert lines.index("R — Rechercher un emploi") < lines.index("S — Sécurité et données personnelles")
    r1 = next(i for i, line in enumerate(lines) if line.startswith("  R1 "))
    assert "1.1" in lines[r1] and "synonymes, filtres lieu / contrat / date)" in lines[r1 + 1]
    assert "…" not in table  # nothing is cut
    assert "  1.1 Mener une recherche et une veille d'information" in lines
    assert max(len(line) for line in lines if line.startswith("  R")) <= 100


# -- malformed copies ------------------------------------------------------------------


def write_variant(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    """A copy of the packaged file with one change; returns it and the changed line's number."""
    text = DEFAULT_FILE.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    line = text[: text.index(old)].count("\n") + 1
    path = tmp_path / "referential.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path, line


def entry_line(competence_id: str) -> int:
    """The 1-based line of `  - id: X` in the packaged file."""
    return DEFAULT_FILE.read_text(encoding="utf-8").splitlines().index(f"  - id: {competence_id}") + 1


def load_error(path: Path) -> str:
    with pytest.raises(ReferentialError) as caught:
        load_referential(path)
    return str(caught.value)


@pytest.mark.parametrize(
    ("old", "new", "offset", "reason"),
    [
        ("  - id: R2\n", "  - id: R1\n", 0, "competence R1: id appears twice"),
        (
            '    domain: C\n    fr: "Joindre',
            '    domain: X\n    fr: "Joindre',
            0,
            'competence C2: domain "X" is not defined',
        ),
        (
            '    pix: ["3.1"]\n    digcomp: ["3.1"]',
            '    pix: ["9.9"]\n    digcomp: ["3.1"]',
            0,
            "code '9.9' is not",
        ),
        (
            "  min_ratio: 0.7",
            "  min_ratio: 1.5",
            0,
            "validation: min_ratio must lie between 0 and 1, not 1.5",
        ),
        ('    en: "Plan the trip', '    colour: "Plan the trip', 0, "competence R5: unknown key 'colour'"),
        (
            "  - id: R3\n    domain: R\n",
            "  - id: R3\n      domain: R\n",
            1,
            "YAML syntax: mapping values are not",
        ),
        (
            '      N3: {fr: "Adapte seul sa recherche',
            '      N4: {fr: "Adapte seul sa recherche',
            0,
            "competence R1.levels: levels must be exactly N1, N2, N3 (found N1, N2, N4)",
        ),
        (
            "  no_critical_failure: true",
            "  no_critical_failure: maybe",
            0,
            "no_critical_failure must be true or false",
        ),
        (
            '    fr: "Choisir À / Cc / Cci à bon escient"',
            "    fr: null",
            0,
            "competence C3.fr: a non-empty text is expected",
        ),
        ('  "2.5": {fr: "Nétiquette"', '  "2.1": {fr: "Nétiquette"', 0, "digcomp: code '2.1' appears twice"),
        ("    domain: D\n", "    domain: D\n    domain: D\n", 1, "competence D1: key 'domain' appears twice"),
    ],
)
def test_malformed_copies_name_the_line_and_the_reason(
    tmp_path: Path, old: str, new: str, offset: int, reason: str
) -> None:
    path, line = write_variant(tmp_path, old, new)
    message = load_error(path)
    assert message.startswith(f"referential.yaml:{line + offset}:"), message
    assert reason in message, message


def test_missing_statement_is_reported_on_its_competence(tmp_path: Path) -> None:
    path, _line = write_variant(tmp_path, '    fr: "Créer et protéger ses accès"\n', "")
    assert load_error(path) == f"referential.yaml:{entry_line('S2')}: competence S2: missing key 'fr'"


def test_a_competence_without_its_n3_level_is_refused(tmp_path: Path) -> None:
    text = DEFAULT_FILE.read_text(encoding="utf-8")
    start = text.index("  - id: D4")
    n3 = text.index("      N3:", start)
    path = tmp_path / "referential.yaml"
    path.write_text(text[:n3] + text[text.index("\n", n3) + 1 :], encoding="utf-8")
    line = text[: text.index("      N1:", start)].count("\n") + 1
    assert load_error(path) == (
        f"referential.yaml:{line}: competence D4.levels: levels must be exactly N1, N2, N3 (found N1, N2)"
    )


def test_missing_lookup_table_and_empty_file(tmp_path: Path) -> None:
    text = DEFAULT_FILE.read_text(encoding="utf-8")
    first_key = next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("name:"))
    path = tmp_path / "referential.yaml"
    path.write_text(text.replace("\npix:", "\npix_codes:"), encoding="utf-8")
    assert "unknown key 'pix_codes'" in load_error(path)
    path.write_text("", encoding="utf-8")
    assert load_error(path) == "referential.yaml:1: the file is empty"
    path.write_text(text.replace("\nversion:", "\n# version:"), encoding="utf-8")
    assert load_error(path) == f"referential.yaml:{first_key}: referential: missing key 'version'"


def test_a_competence_may_override_the_default_rule(tmp_path: Path) -> None:
    path, _line = write_variant(tmp_path, "  - id: S1\n", "  - id: S1\n    validation: {min_ratio: 1.0}\n")
    referential = load_referential(path)
    assert referential.rule_for("S1") == ValidationRule(1.0, True)
    assert referential.rule_for("S2") == ValidationRule(0.7, True)
    assert not referential.rule_for("S1").is_validated(9, 10, 0)
    assert "règle propre : au moins 100 % des points et aucun échec critique" in referential.format_table()


# -- the command line ------------------------------------------------------------------


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tremplin", "referential", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_cli_json_matches_the_loader() -> None:
    done = run_cli("--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == load_referential().to_json_dict()
    assert "Sécurité" in done.stdout  # ensure_ascii=False: readable French
    assert done.stdout.startswith('{\n  "domains"')  # indent 2


def test_cli_table_lists_every_competence_in_french_and_english() -> None:
    french, english = run_cli(), run_cli("--lang", "en")
    for competence_id in IDS:
        assert f"\n  {competence_id} " in french.stdout
        assert f"\n  {competence_id} " in english.stdout
    assert "Formuler puis affiner" in french.stdout and "Formulate and refine" in english.stdout
    assert "Formulate and refine" in run_cli(env={"TREMPLIN_LANG": "en"}).stdout


def test_cli_refuses_a_malformed_or_missing_file_in_one_line(tmp_path: Path) -> None:
    path, line = write_variant(tmp_path, "  - id: R2\n", "  - id: R1\n")
    done = run_cli("--file", str(path))
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == f"tremplin: referential.yaml:{line}: competence R1: id appears twice\n"
    done = run_cli("--file", str(tmp_path / "absent.yaml"))
    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1 and "file not found" in done.stderr


def test_command_module_registers_its_own_parser(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    parser = argparse.ArgumentParser(prog="tremplin")
    referential_command.register(parser.add_subparsers())
    args = parser.parse_args(["referential", "--format", "json", "--file", str(DEFAULT_FILE)])
    assert args.func(args) == 0
    assert json.loads(capsys.readouterr().out)["competences"][17]["id"] == "S2"
    with pytest.raises(SystemExit):
        parser.parse_args(["referential", "--format", "xml"])
