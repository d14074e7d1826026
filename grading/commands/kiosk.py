"""`tremplin kiosk`: serve the learners' pages with standalone Voilà on 127.0.0.1."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "kiosk",
        help="Lance le kiosque des apprenants (Voilà) / Start the learners' kiosk (Voilà)",
        description=(
            "Sert la page d'accueil, les leçons et les épreuves avec Voilà sur 127.0.0.1, "
            "puis affiche l'adresse à ouvrir. Ctrl+C l'arrête. / Serve the home page, lessons "
            "and assessments with standalone Voilà on 127.0.0.1 and print the address to open. "
            "Ctrl+C stops it."
        ),
    )
    parser.add_argument("--port", type=int, default=8866, help="port (défaut / default: 8866)")
    parser.add_argument(
        "--data",
        type=Path,
        help=(
            "dossier de données (défaut : $TREMPLIN_DATA, sinon ./data) / "
            "data folder (default: $TREMPLIN_DATA, else ./data)"
        ),
    )
    parser.add_argument(
        "--notebooks",
        type=Path,
        help=(
            "dossier des pages servies (défaut : notebooks/ du kit) / folder of the pages served "
            "(default: the kit's notebooks/)"
        ),
    )
    parser.add_argument(
        "--no-browser",
        action="store_true",
        default=True,
        help="n'ouvre pas de navigateur (toujours le cas) / do not open a browser (always so)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tremplin.grading.kiosk import run_kiosk
    from tremplin.widgets.paths import data_root

    return run_kiosk(data_root(args.data), args.port, args.notebooks)
