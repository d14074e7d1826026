"""`tremplin demo`: three simulated learners through the real pipeline, then the report."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tremplin.widgets.i18n import t


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
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="garder tout le dossier de données ici / keep the whole data folder here")
    parser.add_argument(
        "--course", type=Path, metavar="DIR",
        help=("laisser le cours du groupe simulé dans DIR (ses données simulées dans DIR/donnees-demo), "
              "pour l'essayer avec « tremplin report --course DIR » / leave the simulated group's course "
              "in DIR (its simulated data in DIR/donnees-demo)"),
    )
    parser.set_defaults(func=run)


#: Under `--course DIR`: the simulated world, workspaces and exchange of the demo.
DEMO_DATA = "donnees-demo"


def run(args: argparse.Namespace) -> int:
    from tremplin.grading.commands.report import render
    from tremplin.grading.demo import run_demo
    from tremplin.widgets.errors import TremplinError

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    if args.keep and args.course:
        raise TremplinError(t("cli.demo_keep_or_course"))
    if args.keep or args.course:
        folder = _empty_folder(args.keep or args.course)
        if args.course:
            report = run_demo(folder / DEMO_DATA, course_dir=folder, progress=progress)
        else:
            report = run_demo(folder, progress=progress)
    else:
        with tempfile.TemporaryDirectory(prefix="tremplin-demo-") as folder:
            report = run_demo(Path(folder), progress=progress)
    sys.stdout.write(render(report, "json" if args.json else "table"))
    return 0


def _empty_folder(path: Path) -> Path:
    """The folder, created if missing; a non-empty one is refused (nothing is overwritten)."""
    from tremplin.widgets.errors import TremplinError

    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise TremplinError(t("cli.demo_folder_not_empty", path=path))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise TremplinError(t("cli.demo_folder_unusable", path=path, reason=error.strerror)) from error
    return path.resolve()
