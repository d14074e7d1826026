"""`tremplin bench`: measure the kit beside the plain tools and write bench.json."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="Mesures de performance / Performance figures",
        description=(
            "Mesure le kiosque, la correction et la recherche à côté des outils de base (Voilà seul, "
            "un carnet trivial) et écrit bench.json. / Measures the kiosk, grading and search beside "
            "the plain tools and writes bench.json."
        ),
    )
    parser.add_argument("--data", type=Path, help="dossier de données du kiosque / kiosk data folder")
    parser.add_argument(
        "--out", type=Path, default=Path("bench.json"), help="fichier de sortie / output file"
    )
    parser.add_argument("--runs", type=int, default=3, help="répétitions par mesure / runs per figure")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tremplin.grading.bench import run_bench, table, write
    from tremplin.widgets.errors import TremplinError
    from tremplin.widgets.paths import data_root

    if args.runs < 1:
        raise TremplinError("--runs doit valoir au moins 1 / --runs must be at least 1")
    root = data_root(args.data)
    if not (root / "world" / "world.json").is_file():
        raise TremplinError(
            f"pas de monde dans {root / 'world'} : lancez « make world » / no world: run `make world`"
        )
    result = run_bench(root, runs=args.runs, progress=lambda line: print(line, file=sys.stderr, flush=True))
    write(result, args.out)
    print(table(result))
    return 0
