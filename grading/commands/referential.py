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
        "--lang", choices=("fr", "en"), default="fr", help="langue du tableau / table language"
    )
    parser.add_argument("--file", type=Path, help="fichier de référentiel à lire / referential file to read")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tremplin.grading.referential import load_referential

    referential = load_referential(args.file)
    if args.format == "json":
        json.dump(referential.to_json_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(referential.format_table(args.lang))
    return 0
