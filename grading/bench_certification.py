"""Certification figures for `make bench`: a whole room's attestations beside the plain tools.

200 synthetic learners (seeded), each with 4 to 12 validated competences of the referential
at random levels, one or two épreuves of evidence each. Measured in the same run as:
- cert_attestations_200_s: `commands.attestation.write_learner` for all 200 (every badge
  built, schema-checked, EdDSA-signed, written as .json + .jwt; the A4 PDF drawn; each
  learner's folder swapped in whole) and one `os.sync()`, as the command does, beside
- cert_plain_pdf_200_s: bench_documents' bare reportlab canvas per learner (the same lines
  drawn with `drawString`, a new page when full), written with a plain `write`, and
- cert_plain_jws_200_s: bare joserfc compact JWS signing of the same credentials (no
  schema, no file);
- cert_ratio: the Tremplin figure over the sum of the two plain ones; cert_badges: how many
  badges the run signed (the workload);
- cert_report_and_attestations_200_s: what issue 6 bounds, end to end on a real course: a
  gradebook of 200 graded learners × 10 épreuves (grading/bench_report.py, built before the
  clock starts), then `tremplin report`'s table and `tremplin attestation --all`'s work
  (course_report, attestations_for, write_learner for each learner with a competence).
"""

from __future__ import annotations

import datetime
import json
import os
import random
import time
from pathlib import Path
from typing import Any

LEARNERS = 200
SEED = 11
#: (figure, how it compares, bound): what issue 6 asks (for bench.TARGETS).
TARGETS = (("cert_report_and_attestations_200_s", "≤ s", 10.0),)
_EPREUVES = (
    ("chercher-offres", "Chercher des offres", ("Recherche par mot-clé", "Filtre par commune",
                                                 "Offre enregistrée dans la sélection")),
    ("courriel-candidature", "Envoyer une candidature", ("Objet explicite", "CV joint en PDF",
                                                         "Formule de politesse")),
    ("cv-lettre", "Rédiger son CV", ("Coordonnées complètes", "Expériences datées", "Orthographe")),
    ("arnaques", "Repérer les arnaques", ("Hameçonnage signalé", "Aucune donnée sensible envoyée")),
)


def synthetic_attestations(count: int = LEARNERS, seed: int = SEED) -> list[Any]:
    """`count` learners' AttestationData drawn from the packaged referential (same seed, same data)."""
    from tremplin.grading.attestation_model import AttestationData, CertifiedCompetence, Evidence
    from tremplin.grading.referential import load_referential

    referential = load_referential()
    rng = random.Random(seed)
    issued = datetime.date(2026, 11, 27)
    result = []
    for number in range(count):
        chosen = rng.sample(referential.competences, rng.randint(4, min(12, len(referential.competences))))
        competences = []
        for item in chosen:
            level = rng.choice(("N1", "N2", "N3"))
            evidence = tuple(Evidence(slug, title, tuple(rng.sample(checks, 2)))
                             for slug, title, checks in rng.sample(_EPREUVES, rng.randint(1, 2)))
            competences.append(CertifiedCompetence(
                id=item.id, statement=item.statement("fr"), level=level,
                level_text=item.level(level).text("fr"),
                pix=tuple((code, referential.pix_labels[code]["fr"]) for code in item.pix),
                digcomp=tuple((code, referential.digcomp_labels[code]["fr"]) for code in item.digcomp),
                validated_on=issued - datetime.timedelta(days=rng.randint(0, 60)),
                evidence=evidence,
            ))
        result.append(AttestationData(
            learner_id=f"apprenant{number:03d}", pseudonym=f"Apprenant {number:03d}",
            structure="EPN de la Vilaine", mediator="Camille Durand", issued_on=issued,
            referential_name=referential.name, referential_version=str(referential.version),
            competences=tuple(competences),
        ))
    return result


def attestation_lines(data: Any) -> list[str]:
    """The words of one attestation, one per line, as the plain PDF tool is given them."""
    lines = ["Attestation de compétences numériques", data.structure, data.pseudonym]
    for item in data.competences:
        lines += [f"{item.id} — {item.statement}", f"Niveau : {item.level} — {item.level_text}",
                  "Pix : " + " ; ".join(f"{code} {label}" for code, label in item.pix),
                  "DigComp : " + " ; ".join(f"{code} {label}" for code, label in item.digcomp)]
        lines += [f"Épreuve : {evidence.epreuve_title}" for evidence in item.evidence]
    return lines + [f"Médiateur : {data.mediator}", "Signature :"]


def certification_figures(scratch_dir: Path, count: int = LEARNERS) -> dict[str, float]:
    """Every certification figure of bench.json, measured under `scratch_dir` (made if missing)."""
    from joserfc import jws
    from tremplin.grading.badges import credential_for, issuer_did, issuer_key, quiet_eddsa_warning
    from tremplin.grading.bench_documents import plain_pdf  # the same bare canvas the CV is compared with
    from tremplin.grading.commands.attestation import write_learner

    scratch_dir = Path(scratch_dir)
    scratch_dir.mkdir(parents=True, exist_ok=True)
    key = issuer_key(scratch_dir / "course")
    learners = synthetic_attestations(count)
    write_learner(learners[0], scratch_dir / "warmup", key)  # schema compiled, fonts loaded: not timed

    start = time.perf_counter()
    badges = sum(len(write_learner(data, scratch_dir / "attestations", key).badges) for data in learners)
    os.sync()  # as `tremplin attestation` does once at the end
    tremplin_s = time.perf_counter() - start

    plain_dir = scratch_dir / "plain"
    plain_dir.mkdir(exist_ok=True)
    start = time.perf_counter()
    for number, data in enumerate(learners):
        (plain_dir / f"{number}.pdf").write_bytes(plain_pdf(attestation_lines(data)))
    plain_pdf_s = time.perf_counter() - start

    issuer = issuer_did(key)
    payloads = [json.dumps(credential_for(data, item, issuer), ensure_ascii=False).encode("utf-8")
                for data in learners for item in data.competences]
    start = time.perf_counter()
    with quiet_eddsa_warning():
        for payload in payloads:
            jws.serialize_compact({"alg": "EdDSA"}, payload, key, algorithms=["EdDSA"])
    plain_jws_s = time.perf_counter() - start

    return {
        **report_and_attestations(scratch_dir / "course-200", count, key),
        "cert_attestations_200_s": round(tremplin_s, 2),
        "cert_plain_pdf_200_s": round(plain_pdf_s, 2),
        "cert_plain_jws_200_s": round(plain_jws_s, 3),
        "cert_ratio": round(tremplin_s / max(plain_pdf_s + plain_jws_s, 0.001), 1),
        "cert_badges": badges,
    }


def report_and_attestations(root: Path, count: int, key: Any) -> dict[str, float]:
    """The report and every attestation of a real course of `count` graded learners."""
    from tremplin.grading.bench_report import synthetic_course
    from tremplin.grading.certification import attestations_for
    from tremplin.grading.commands.attestation import write_learner
    from tremplin.grading.commands.report import render
    from tremplin.grading.gradebook_report import course_report

    course = synthetic_course(root, count)
    start = time.perf_counter()
    table = render(course_report(course), "table")
    written = [write_learner(data, root / "attestations", key)
               for data in attestations_for(course) if data.competences]
    os.sync()
    elapsed = time.perf_counter() - start
    assert table and written, "the synthetic course validated nothing"
    return {"cert_report_and_attestations_200_s": round(elapsed, 2), "cert_course_attestations": len(written)}


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory(prefix="tremplin-certification-bench-") as scratch:
        result = certification_figures(Path(scratch))
    met = {name: result[name] <= bound for name, _how, bound in TARGETS}
    print(json.dumps({"figures": result, "targets_met": met}, indent=2))
