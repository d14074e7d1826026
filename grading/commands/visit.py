"""`tremplin visit reset-code PSEUDO`: a new code for a learner who forgot theirs (work kept)."""

from __future__ import annotations

import argparse
from pathlib import Path

from tremplin.grading.commands.course import DATA_HELP
from tremplin.widgets.i18n import t


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "visit",
        help="visites du kiosque : code oublié / kiosk visits: forgotten code",
        description="Les visites du kiosque. / The kiosk's visits.",
    )
    steps = parser.add_subparsers(dest="step", metavar="ÉTAPE", required=True)
    reset = steps.add_parser(
        "reset-code",
        help="donne un nouveau code à un apprenant / gives a learner a new code",
        description=(
            "Donne un nouveau code à l'apprenant qui a oublié le sien (et lève un blocage après "
            "trop d'essais) ; son travail est gardé. / Gives a learner who forgot their code a new "
            "one (and lifts a lock after too many tries); their work is kept."
        ),
    )
    reset.add_argument("pseudonym", metavar="PSEUDONYME",
                       help="le pseudonyme de l'apprenant / the learner's pseudonym")
    reset.add_argument("--code", default=None, metavar="CODE",
                       help="le code à donner (4 à 6 chiffres ; défaut : tiré au hasard) / the code to give")
    reset.add_argument("--data", type=Path, default=None, metavar="DOSSIER", help=DATA_HELP)
    reset.set_defaults(func=run_reset)


def run_reset(args: argparse.Namespace) -> int:
    from tremplin.widgets.paths import data_root
    from tremplin.widgets.visit_code import reset_code

    code = reset_code(args.pseudonym, data_root(args.data), args.code)
    print(t("kiosk.reset_done", pseudonym=args.pseudonym, code=code))
    return 0
