"""`tremplin referential`: print the competence referential (or check an edited copy)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "referential",
        help="Affiche le référentiel de compétences / Print the competence referential",
        description=(
            "Affiche les domaines et compétences avec leurs codes Pix et DigComp 2.2 ; avec --file, "
            "vérifie une copie modifiée. / Prints the domains and competences with their Pix and "
            "DigComp 2.2 codes; with --file, checks an edited copy."
        ),
    )
    parser.add_argument(
        "--format", choices=("table", "json"), default="table", help="table ou json / table or json"
    )
    parser.add_argument(
        "--lang",
        choices=("fr", "en"),
        help=(
            "langue du tableau (défaut : TREMPLIN_LANG, sinon fr) / "
            "table language (default: TREMPLIN_LANG, else fr)"
        ),
    )
    parser.add_argument(
        "--file",
        type=Path,
        metavar="CHEMIN",
        help=(
            "copie modifiée du référentiel à vérifier et afficher / "
            "edited copy of the referential to check and print"
        ),
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tremplin.grading.referential import load_referential
    from tremplin.widgets.i18n import current_locale

    referential = load_referential(args.file)  # a malformed file raises ReferentialError: one line, exit 1
    if args.format == "json":
        json.dump(referential.to_json_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(referential.format_table(args.lang or current_locale()))
    return 0
