"""`tremplin course feedback [EPREUVE...] [--learner ID]`: give learners their feedback.

Registered by `commands/course.py` through `register_steps(steps, where)`; nbgrader is
imported inside the step only, so `tremplin --help` stays fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def register_steps(steps: argparse._SubParsersAction, where: argparse.ArgumentParser) -> None:
    """Add the `feedback` step to `tremplin course`; `where` carries the --data option."""
    # here, not at the top: commands/course.py imports this module while it loads
    from tremplin.grading.commands.course import COURSE_HELP, EPREUVE_HELP

    step = steps.add_parser(
        "feedback", parents=[where],
        help="rend aux apprenants le retour des rendus corrigés / release feedback on graded hand-ins",
        description=(
            "Prépare le retour de chaque rendu corrigé (en français, étape par étape, sans "
            "code) puis le dépose dans l'échange pour l'apprenant ; sans danger si on le "
            "relance. / Builds each graded hand-in's feedback (in French, step by step, no "
            "code) and releases it through the exchange; safe to re-run."
        ),
    )
    step.add_argument("--course", type=Path, default=None, metavar="DIR", help=COURSE_HELP)
    step.add_argument("epreuves", nargs="*", metavar="EPREUVE", help=EPREUVE_HELP)
    step.add_argument("--learner", metavar="ID", help="un seul apprenant / one learner only")
    step.set_defaults(func=run_feedback)


def run_feedback(args: argparse.Namespace) -> int:
    from tremplin.grading.commands.course import open_for_step
    from tremplin.grading.feedback_steps import give_feedback

    results = give_feedback(open_for_step(args), args.epreuves, args.learner)
    return 0 if all(result.ok for result in results) else 1
