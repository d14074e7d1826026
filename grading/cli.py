"""The `tremplin` command line: one sub-command per module of grading/commands/.

Each command module exposes `register(subparsers)`, which adds its parser and sets
`func(args) -> int`. A TremplinError becomes one line on stderr and exit status 1;
argparse's own usage errors exit with 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from tremplin.widgets.errors import TremplinError

from tremplin import __version__

COMMANDS = (
    "kiosk", "visit", "world", "course", "check", "report", "referential", "attestation", "demo", "bench",
)


class OneLineParser(argparse.ArgumentParser):
    """Usage errors in one line (with where to find help) instead of argparse's usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (--help : aide / help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="tremplin",
        description=(
            "Tremplin : kit d'apprentissage pour la recherche d'emploi et l'attestation "
            "de compétences numériques. / Learning kit for job-search digital skills."
        ),
    )
    parser.add_argument("--version", action="version", version=f"tremplin {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMANDE")
    for name in COMMANDS:
        module = importlib.import_module(f"tremplin.grading.commands.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except TremplinError as error:
        print(f"tremplin: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head`: stop quietly, as other tools do
        sys.stderr.close()
        return 0
