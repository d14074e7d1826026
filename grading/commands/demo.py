"""`tremplin demo`: three simulated learners through the real pipeline, then the report."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="Démonstration de bout en bout / End-to-end demonstration",
        description=(
            "Construit un cours neuf dans un dossier temporaire, simule trois apprenants (un qui "
            "réussit, un qui fait la moitié, un qui ne fait rien), corrige avec nbgrader et affiche "
            "le bilan par compétence. / Builds a fresh course in a temporary folder, simulates three "
            "learners, autogrades with nbgrader and prints the per-competence report."
        ),
    )
    parser.add_argument("--json", action="store_true", help="bilan en JSON / JSON report")
    parser.add_argument("--keep", type=Path, help="garder le dossier ici / keep the folder here")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tremplin.grading.commands.report import render
    from tremplin.grading.demo import run_demo
    from tremplin.widgets.errors import TremplinError

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    if args.keep:
        if args.keep.exists() and any(args.keep.iterdir()):
            raise TremplinError(f"le dossier {args.keep} n'est pas vide / folder is not empty")
        args.keep.mkdir(parents=True, exist_ok=True)
        report = run_demo(args.keep.resolve(), progress=progress)
    else:
        with tempfile.TemporaryDirectory(prefix="tremplin-demo-") as folder:
            report = run_demo(Path(folder), progress=progress)
    sys.stdout.write(render(report, "json" if args.json else "table"))
    return 0
