"""The attestation PDF and the signed Open Badges 3.0 credentials, written and read back for real.

PDFs are read back with pypdf, badges are validated by jsonschema against the vendored 1EdTech
schema and their JWS checked by joserfc; tampered or foreign-key badges must be refused with a
French reason, and a learner with nothing validated gets an error and no file.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import json
import re
import stat
from pathlib import Path

import pytest
from joserfc import jws
from joserfc.jwk import OKPKey
from jsonschema import Draft201909Validator
from pypdf import PdfReader
from tremplin.grading import badges
from tremplin.grading.attestation_model import AttestationData, CertifiedCompetence, Evidence
from tremplin.grading.attestation_pdf import render_attestation, write_attestation_pdf
from tremplin.grading.commands.attestation import write_learner
from tremplin.grading.referential import load_referential
from tremplin.widgets.errors import TremplinError

TITLE = "Attestation de compétences numériques"
CHECKS = ("Recherche par mot-clé", "Filtre par commune")


def make_attestation(ids: tuple[str, ...] = ("R1", "C2", "S1"), level: str = "N2", *,
                     pseudonym: str = "Alice Martin", evidence_count: int = 1) -> AttestationData:
    """AttestationData for `ids`, in the packaged referential's own words (statements, levels, codes)."""
    referential = load_referential()
    competences = []
    for cid in ids:
        item = referential.competence(cid)
        numbers = range(1, evidence_count + 1)
        evidence = tuple(Evidence(f"epreuve-{n}", f"Épreuve n° {n}", CHECKS) for n in numbers)
        competences.append(CertifiedCompetence(
            id=cid, statement=item.statement("fr"), level=level, level_text=item.level(level).text("fr"),
            pix=tuple((code, referential.pix_labels[code]["fr"]) for code in item.pix),
            digcomp=tuple((code, referential.digcomp_labels[code]["fr"]) for code in item.digcomp),
            validated_on=datetime.date(2026, 11, 20), evidence=evidence,
        ))
    return AttestationData(
        learner_id="alice01", pseudonym=pseudonym, structure="EPN de la Vilaine", mediator="Camille Durand",
        issued_on=datetime.date(2026, 11, 27), referential_name=referential.name,
        referential_version=str(referential.version), competences=tuple(competences),
    )


def pdf_text(path: Path) -> tuple[PdfReader, str]:
    reader = PdfReader(path)
    return reader, "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def course_key(tmp_path: Path) -> OKPKey:
    return badges.issuer_key(tmp_path / "course")


@pytest.fixture
def issued(tmp_path: Path, course_key: OKPKey):
    return write_learner(make_attestation(), tmp_path / "out", course_key)


# -- the PDF -------------------------------------------------------------------------------


def test_pdf_says_who_what_level_codes_and_code(tmp_path: Path) -> None:
    data = make_attestation()
    path = write_attestation_pdf(data, tmp_path / "a.pdf", "TRMP-ABCD-EFGH")
    reader, text = pdf_text(path)
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == (595.3, 841.9)  # A4
    assert reader.metadata.title == TITLE
    assert reader.metadata.author == "EPN de la Vilaine"
    assert TITLE in text and "EPN de la Vilaine" in text and "Alice Martin" in text and "alice01" in text
    referential = load_referential()
    for item in data.competences:
        assert f"{item.id} — " in text
        assert f"{item.level} — {item.level_text}" in text.replace("\n", " ")
        for code in referential.competence(item.id).pix + referential.competence(item.id).digcomp:
            assert code in text
    assert "1.1 Mener une recherche et une veille d'information" in text  # a Pix label (R1)
    assert "Validée le : 20 novembre 2026" in text
    assert "« Épreuve n° 1 »" in text and CHECKS[0] in text
    assert "Camille Durand" in text and "Signature" in text
    assert "Code de vérification : TRMP-ABCD-EFGH" in text
    assert "tremplin attestation --verify" in text


def test_long_lists_flow_onto_more_pages_with_footer(tmp_path: Path) -> None:
    every = tuple(item.id for item in load_referential().competences)
    path = write_attestation_pdf(make_attestation(every, "N3", evidence_count=2), tmp_path / "long.pdf",
                                 "TRMP-ABCD-EFGH")
    reader, text = pdf_text(path)
    assert len(reader.pages) >= 2
    last = reader.pages[-1].extract_text()
    assert "TRMP-ABCD-EFGH" in last and f"page {len(reader.pages)}" in last
    assert all(f"{cid} — " in text for cid in every)


def test_blank_structure_and_mediator_leave_lines_to_fill(tmp_path: Path) -> None:
    data = dataclasses.replace(make_attestation(), structure="", mediator="")
    _reader, text = pdf_text(write_attestation_pdf(data, tmp_path / "b.pdf", "TRMP-ABCD-EFGH"))
    assert "Structure : ____" in text and "La structure atteste qu'Alice Martin" in text.replace("\n", " ")


def test_nothing_validated_is_a_french_error_and_no_file(tmp_path: Path, course_key: OKPKey) -> None:
    empty = dataclasses.replace(make_attestation(), competences=())
    with pytest.raises(TremplinError, match="Aucune compétence validée"):
        write_attestation_pdf(empty, tmp_path / "none.pdf", "TRMP-ABCD-EFGH")
    with pytest.raises(TremplinError, match="Aucune compétence validée"):
        badges.sign_badges(empty, course_key)
    assert not (tmp_path / "none.pdf").exists()
    assert write_learner(empty, tmp_path / "out", course_key) is None
    assert not (tmp_path / "out" / "alice01").exists()


def test_epreuve_titles_lose_their_redundant_prefix(tmp_path: Path) -> None:
    data = make_attestation(("C1",))
    item = dataclasses.replace(data.competences[0], evidence=(
        Evidence("candidater-par-courriel", "Épreuve : candidater par courriel", CHECKS),))
    data = dataclasses.replace(data, competences=(item,))
    _reader, text = pdf_text(write_attestation_pdf(data, tmp_path / "e.pdf", "TRMP-ABCD-EFGH"))
    assert "Épreuve : « candidater par courriel »" in text
    assert Evidence("x", "Chercher des offres", ()).name == "Chercher des offres"


def test_learner_text_is_drawn_not_obeyed(tmp_path: Path) -> None:
    data = make_attestation(pseudonym="<b>Zoé</b> & Cie ✨")
    _reader, text = pdf_text(write_attestation_pdf(data, tmp_path / "z.pdf", "TRMP-ABCD-EFGH"))
    assert "<b>Zoé</b> & Cie" in text


# -- the badges ----------------------------------------------------------------------------


def test_badges_fit_the_official_schema_and_verify(issued, course_key: OKPKey, tmp_path: Path) -> None:
    schema = json.loads(badges.SCHEMA_FILE.read_text(encoding="utf-8"))
    validator = Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)
    assert [item.competence_id for item in issued.badges] == ["R1", "C2", "S1"]
    for item in issued.badges:
        credential = json.loads(item.json_path.read_text(encoding="utf-8"))
        validator.validate(credential)
        assert credential["@context"] == list(badges.CONTEXTS)
        assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        achievement = credential["credentialSubject"]["achievement"]
        assert achievement["type"] == ["Achievement"] and achievement["criteria"]["narrative"]
        frameworks = {entry["targetFramework"] for entry in achievement["alignment"]}
        assert frameworks == {"Pix — CRCN", "DigComp 2.2"}
        assert credential["credentialSubject"]["result"][0]["value"] == "N2"
        # the JWS checks with the course key alone, and its payload is the JSON plus the JWT claims
        token = item.jwt_path.read_text(encoding="ascii").strip()
        with badges.quiet_eddsa_warning():
            signed = jws.deserialize_compact(token, course_key, algorithms=["EdDSA"])
        payload = json.loads(signed.payload)
        assert signed.headers()["alg"] == "EdDSA" and signed.headers()["kid"].startswith("did:jwk:")
        assert {k: v for k, v in payload.items() if k not in badges.JWT_CLAIMS} == credential
        assert payload["iss"] == credential["issuer"]["id"] == badges.issuer_did(course_key)
        assert payload["jti"] == credential["id"] and payload["sub"] == credential["credentialSubject"]["id"]
        verified = badges.verify_badge(item.jwt_path, badges.public_jwk(course_key))
        assert (verified.competence_id, verified.level, verified.learner) == (item.competence_id, "N2",
                                                                              "Alice Martin")
        assert verified.issuer_name == "EPN de la Vilaine"
    assert badges.verify_badge(token).competence_id == "S1"  # the compact JWS alone also verifies


def test_did_jwk_carries_only_the_public_key(course_key: OKPKey) -> None:
    did = badges.issuer_did(course_key)
    encoded = did.removeprefix("did:jwk:")
    jwk = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    assert jwk == {"crv": "Ed25519", "kty": "OKP", "x": course_key.as_dict(private=False)["x"]}


def test_course_key_is_private_and_reused(tmp_path: Path, course_key: OKPKey) -> None:
    path = badges.key_path(tmp_path / "course")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0
    assert badges.issuer_key(tmp_path / "course").thumbprint() == course_key.thumbprint()


def test_damaged_key_is_reported_and_kept(tmp_path: Path) -> None:
    path = badges.key_path(tmp_path / "course")
    path.parent.mkdir(parents=True)
    path.write_text("{pas du json", encoding="utf-8")
    with pytest.raises(badges.BadgeError, match="abîmée"):
        badges.issuer_key(tmp_path / "course")
    assert path.read_text(encoding="utf-8") == "{pas du json"


def test_one_changed_character_in_the_json_is_refused(issued, course_key: OKPKey) -> None:
    path = issued.badges[0].json_path
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("R1 — Formuler", "R1 — Formules", 1), encoding="utf-8")
    with pytest.raises(badges.BadgeError, match="ne correspond pas au badge signé"):
        badges.verify_badge(path, badges.public_jwk(course_key))


def test_one_changed_character_in_the_signed_payload_is_refused(issued, course_key: OKPKey) -> None:
    path = issued.badges[0].jwt_path
    header, payload, signature = path.read_text(encoding="ascii").strip().split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["name"] = claims["name"].replace("Formuler", "Formules")
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    path.write_text(f"{header}.{forged}.{signature}\n", encoding="ascii")
    with pytest.raises(badges.BadgeError, match="signature ne correspond pas"):
        badges.verify_badge(path)


def test_badge_signed_by_another_key_is_refused(tmp_path: Path, course_key: OKPKey) -> None:
    other = badges.issuer_key(tmp_path / "other-course")
    files = write_learner(make_attestation(), tmp_path / "forged", other)
    path = files.badges[0].jwt_path
    with pytest.raises(badges.BadgeError, match="autre clé"):
        badges.verify_badge(path, badges.public_jwk(course_key))
    assert badges.verify_badge(path).issuer_id == badges.issuer_did(other) != badges.issuer_did(course_key)


def test_schema_check_catches_a_broken_credential(issued) -> None:
    credential = json.loads(issued.badges[0].json_path.read_text(encoding="utf-8"))
    assert badges.schema_problem(credential) == ""
    del credential["credentialSubject"]["achievement"]["criteria"]
    assert "criteria" in badges.schema_problem(credential)


# -- the verification code -----------------------------------------------------------------


def test_verification_code_ties_the_pdf_to_its_badges(issued, course_key: OKPKey) -> None:
    assert re.fullmatch(r"TRMP-[A-Z2-7]{4}-[A-Z2-7]{4}", issued.code)
    assert issued.code in pdf_text(issued.pdf)[1]
    folder, trusted = issued.pdf.parent, badges.public_jwk(course_key)
    assert badges.verify_code(folder, issued.code, trusted)
    assert badges.verify_code(issued.pdf, issued.code.lower().replace("-", " "), trusted)
    assert not badges.verify_code(folder, "TRMP-AAAA-AAAA", trusted)
    issued.badges[1].jwt_path.unlink()  # a badge missing: the code no longer matches
    issued.badges[1].json_path.unlink()
    assert not badges.verify_code(folder, issued.code, trusted)


def test_rerun_replaces_the_learner_folder_whole(tmp_path: Path, course_key: OKPKey, issued) -> None:
    fewer = write_learner(make_attestation(("D1",)), tmp_path / "out", course_key)
    names = sorted(path.name for path in (tmp_path / "out" / "alice01" / "badges").iterdir())
    assert names == ["D1.json", "D1.jwt"]
    assert badges.verify_code(fewer.pdf, fewer.code, badges.public_jwk(course_key))
    assert fewer.code != issued.code
    assert not [path for path in (tmp_path / "out").iterdir() if path.name.startswith(".")]


def test_pdf_render_is_deterministic_in_content() -> None:
    data = make_attestation()
    first, second = render_attestation(data, "TRMP-ABCD-EFGH"), render_attestation(data, "TRMP-ABCD-EFGH")
    assert first[:4] == b"%PDF" and len(first) == len(second)


# -- the command line ----------------------------------------------------------------------


def test_cli_verify_badges_and_code(tmp_path: Path, issued, capsys: pytest.CaptureFixture[str]) -> None:
    from tremplin.grading.cli import main

    course = ["--course", str(tmp_path / "course")]
    assert main(["attestation", "--verify", str(issued.pdf.parent), "--code", issued.code, *course]) == 0
    assert "il correspond aux 3 badge(s)" in capsys.readouterr().out
    assert main(["attestation", "--verify", str(issued.badges[0].json_path), *course]) == 0
    assert "✔ R1 (N2) — Alice Martin — émis par EPN de la Vilaine" in capsys.readouterr().out
    issued.badges[0].json_path.write_text("{}", encoding="utf-8")
    assert main(["attestation", "--verify", str(issued.pdf.parent / "badges"), *course]) == 1
    assert "✘" in capsys.readouterr().out


def test_cli_all_skips_learners_with_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from tremplin.grading import certification, course
    from tremplin.grading.cli import main

    bob = dataclasses.replace(make_attestation(), learner_id="bob02", pseudonym="Bob", competences=())
    monkeypatch.setattr(course, "open_course", lambda path: path)
    everyone = [make_attestation(), bob]
    monkeypatch.setattr(certification, "attestations_for", lambda _course, _learners: everyone)
    out = tmp_path / "out"
    assert main(["attestation", "--all", "--out", str(out), "--course", str(tmp_path / "course")]) == 0
    printed = capsys.readouterr().out
    assert "bob02 : aucune compétence validée" in printed and "1 attestation(s) écrite(s)" in printed
    assert (out / "alice01" / "attestation-alice01.pdf").exists()
    assert sorted(path.name for path in (out / "alice01" / "badges").glob("*.jwt")) == ["C2.jwt", "R1.jwt",
                                                                                         "S1.jwt"]
    assert not (out / "bob02").exists()
    assert main(["attestation", "--learner", "alice01"]) == 1
    assert "--out" in capsys.readouterr().err
