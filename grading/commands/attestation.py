"""`tremplin attestation`: each learner's PDF attestation and signed Open Badges, or check them.

    tremplin attestation --learner ID --out DIR     one learner
    tremplin attestation --all --out DIR            every learner of the course
    tremplin attestation --verify FILE [--code C]   check a badge, a folder of badges, a PDF's code

Writes DIR/<learner>/attestation-<learner>.pdf and DIR/<learner>/badges/<competence>.json/.jwt.
What is certified comes from `certification.attestations_for` (the report, the referential
and the course settings); a learner with nothing validated gets a French line, no file, and
the others of an --all run still get theirs.
"""

from __future__ import annotations

import argparse
import os
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tremplin.grading.commands.course import COURSE_HELP, DATA_HELP
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t


@dataclass(frozen=True)
class LearnerFiles:
    """What one learner's attestation run wrote."""

    pdf: Path
    badges_dir: Path
    badges: tuple[Any, ...]  # badges.IssuedBadge
    code: str


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "attestation",
        help=t("attestation.cli_help", "fr"),
        description=(
            "Écrit pour chaque apprenant une attestation PDF (A4, en français) des compétences "
            "validées et un badge Open Badges 3.0 signé par compétence ; --verify contrôle des "
            "badges et le code imprimé sur l'attestation. / Writes each learner's PDF attestation "
            "of validated competences and one signed Open Badges 3.0 badge per competence; "
            "--verify checks badges and the code printed on the attestation."
        ),
    )
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--learner", action="append", metavar="ID",
                     help="un apprenant (option répétable) / one learner (repeatable)")
    who.add_argument("--all", action="store_true", help="tous les apprenants / every learner")
    who.add_argument("--verify", type=Path, metavar="FICHIER",
                     help="badge .json/.jwt, dossier de badges ou attestation PDF à vérifier / "
                          "badge, badge folder or PDF attestation to check")
    parser.add_argument("--code", metavar="CODE",
                        help="avec --verify : code imprimé sur l'attestation / with --verify: printed code")
    parser.add_argument("--out", type=Path, metavar="DOSSIER",
                        help="dossier où écrire les attestations / output folder")
    parser.add_argument("--data", type=Path, default=None, metavar="DOSSIER", help=DATA_HELP)
    parser.add_argument("--course", type=Path, default=None, metavar="DIR", help=COURSE_HELP)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tremplin.grading.course import CourseLayout
    from tremplin.widgets.paths import data_root

    layout = CourseLayout.under(data_root(args.data), args.course)
    if args.verify is not None:
        return run_verify(args.verify, args.code, layout.course_dir)
    if not (args.learner or args.all):
        raise TremplinError(t("attestation.cli_need_target"))
    if args.out is None:
        raise TremplinError(t("attestation.cli_need_out"))
    return run_issue(layout.course_dir, None if args.all else args.learner, args.out)


def run_issue(course_dir: Path, learners: list[str] | None, out: Path) -> int:
    """Write the attestations asked for; exit status 1 only if one could not be written."""
    from tremplin.grading.badges import issuer_key
    from tremplin.grading.certification import attestations_for
    from tremplin.grading.course import open_course

    found = attestations_for(open_course(course_dir), learners)
    missing = [name for name in learners or [] if name not in {data.learner_id for data in found}]
    if missing:
        raise TremplinError(t("attestation.cli_unknown_learner", learner=missing[0]))
    key = issuer_key(course_dir)
    written = empty = failed = 0
    for data in found:
        try:
            files = write_learner(data, Path(out), key)
        except TremplinError as error:
            print(t("attestation.cli_failed", learner=data.learner_id, reason=error))
            failed += 1
            continue
        if files is None:
            print(t("attestation.cli_nothing", learner=data.learner_id))
            empty += 1
            continue
        written += 1
        print(t("attestation.cli_written", learner=data.learner_id, count=len(files.badges), pdf=files.pdf))
        print(t("attestation.cli_badges", path=files.badges_dir, code=files.code))
    if written and not all(data.structure and data.mediator for data in found):
        print(t("attestation.cli_no_settings"))
    os.sync()  # the attestations are on disk before we say so
    if len(found) > 1:
        print(t("attestation.cli_summary", written=written, empty=empty, failed=failed))
    return 1 if failed else 0


def write_learner(data: Any, out_root: Path, key: Any) -> LearnerFiles | None:
    """One learner's badges and PDF in out_root/<learner>/, or None when nothing is validated.

    Everything is signed and laid out in memory, written into a staging folder, then swapped
    in for the learner's folder in one rename: the PDF and the badges whose code it prints
    always change together, and a failure leaves the previous set untouched. (Callers flush
    to disk once at the end, `os.sync()`: one fsync per file cost ~6 ms × 17 files a learner.)
    """
    from tremplin.grading.attestation_pdf import render_attestation
    from tremplin.grading.badges import safe_name, sign_badges, verification_code, write_badges

    if not data.competences:
        return None
    signed = sign_badges(data, key)
    code = verification_code(badge.signature for badge in signed)
    pdf = render_attestation(data, code)
    name = safe_name(data.learner_id)
    folder = Path(out_root) / name
    staging = Path(out_root) / f".{name}.{os.getpid()}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        issued = write_badges(signed, staging / "badges", atomic=False)
        (staging / f"attestation-{name}.pdf").write_bytes(pdf)
        _swap_in(staging, folder)
    except OSError as error:
        reason = error.strerror or str(error)
        raise TremplinError(t("attestation.write_failed", path=folder, reason=reason)) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    badges = tuple(replace(item, json_path=folder / "badges" / item.json_path.name,
                           jwt_path=folder / "badges" / item.jwt_path.name) for item in issued)
    return LearnerFiles(folder / f"attestation-{name}.pdf", folder / "badges", badges, code)


def _swap_in(staging: Path, folder: Path) -> None:
    """Put `staging` where `folder` is, replacing it (the old one is removed once the new is in)."""
    if not folder.exists():
        os.rename(staging, folder)
        return
    old = folder.with_name(f".{folder.name}.{os.getpid()}.old")
    shutil.rmtree(old, ignore_errors=True)
    os.rename(folder, old)
    try:
        os.rename(staging, folder)
    except OSError:
        os.rename(old, folder)  # put the previous set back
        raise
    shutil.rmtree(old, ignore_errors=True)


def run_verify(target: Path, code: str | None, course_dir: Path) -> int:
    """Check badges (and the code if given); with the course's key at hand, only its badges pass."""
    from tremplin.grading import badges

    trusted = None
    key_file = badges.key_path(course_dir)
    if key_file.exists():
        trusted = badges.public_jwk(badges.load_key(key_file))
        print(t("attestation.cli_key", path=key_file))
    files = badges.badge_files(target)
    if not files or not files[0].exists():
        raise badges.BadgeError(t("attestation.verify_no_badges", path=target))
    if code is not None:
        ok = badges.verify_code(target, code, trusted)
        print(t("attestation.cli_code_ok" if ok else "attestation.cli_code_bad", code=code, count=len(files)))
        return 0 if ok else 1
    refused = 0
    for path in files:
        try:
            badge = badges.verify_badge(path, trusted)
        except badges.BadgeError as error:
            print(t("attestation.cli_refused", path=path, reason=error))
            refused += 1
            continue
        print(t("attestation.cli_verified", competence=badge.competence_id, level=badge.level,
                learner=badge.learner, issuer=badge.issuer_name or badge.issuer_id,
                date=_day(badge.valid_from)))
    return 1 if refused else 0


def _day(stamp: str) -> str:
    """« 29 novembre 2026 » from an ISO timestamp; the stamp itself if it is not one."""
    from datetime import date

    from tremplin.widgets.documents.model import french_date

    try:
        return french_date(date.fromisoformat(stamp[:10]))
    except ValueError:
        return stamp
