"""`tremplin check`: run the checks on one learner's workspace, as the grader would."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check",
        help="Vérifie l'espace de travail d'un apprenant / Check a learner's workspace",
        description=(
            "Lance les vérifications d'une épreuve sur un espace de travail et affiche le résultat. "
            "/ Run an assessment's checks on a workspace and print the results."
        ),
    )
    parser.add_argument(
        "--workspace", required=True, type=Path, help="dossier de l'espace / workspace folder"
    )
    parser.add_argument("--epreuve", help="identifiant de l'épreuve (toutes par défaut) / assessment id")
    parser.add_argument("--data", type=Path, help="dossier de données / data folder (TREMPLIN_DATA, ./data)")
    parser.add_argument("--json", action="store_true", help="sortie JSON / JSON output")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tremplin.grading.check_context import load_context
    from tremplin.grading.checks import REGISTRY, run_checks
    from tremplin.grading.epreuves import EPREUVES
    from tremplin.widgets.errors import TremplinError
    from tremplin.widgets.i18n import t

    # lessons' formative checks run only when asked for by name: they grade nothing
    epreuves = [args.epreuve] if args.epreuve else [e for e in REGISTRY.epreuves() if e in EPREUVES]
    if args.epreuve and args.epreuve not in REGISTRY.epreuves():
        raise TremplinError(
            t("cli.unknown_epreuve", epreuve=args.epreuve, known=", ".join(REGISTRY.epreuves()))
        )
    results = []
    world = None
    for epreuve in epreuves:
        context = load_context(args.workspace, epreuve, world=world, root=args.data)
        world = context.world
        results.extend(run_checks(context, epreuve))
    if not args.epreuve:
        # every document and every sent message, whatever the activity: a NIR or an IBAN anywhere fails S1
        from tremplin.grading.checks_documents_privacy import privacy_result

        results.append(privacy_result(args.workspace))
    if args.json:
        print(json.dumps({"checks": [r.to_json() for r in results]}, ensure_ascii=False, indent=2))
        return 0
    for r in results:
        mark = "✔" if r.passed else "✘"
        crit = " (critique)" if r.critical else ""
        print(f"{mark} {r.id} [{', '.join(r.competences)} {r.level}{crit}] {r.points:g}/{r.max_points:g}")
        print(f"   {r.feedback}")
    return 0
