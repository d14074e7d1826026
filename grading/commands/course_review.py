"""`tremplin course review`: the human reviews from the terminal, for a mediator without
JupyterLab. The same gradebook writes as the formgrader's score box (review_scores)."""

from __future__ import annotations

import argparse
import sys

from tremplin.widgets.i18n import t


def register_steps(steps: argparse._SubParsersAction, where: argparse.ArgumentParser) -> None:
    """Add the `review` step to `tremplin course`; `where` carries the --data option."""
    from tremplin.grading.commands.course import COURSE_HELP

    step = steps.add_parser(
        "review", parents=[where],
        help="relectures du médiateur : lister, lire, noter / mediator reviews: list, read, score",
        description=(
            "Sans argument : les relectures en attente. Avec APPRENANT ÉPREUVE : le document rendu et "
            "la grille. Avec --score : note la relecture (comme la case du formgrader). / Without "
            "arguments: the reviews waiting. With LEARNER ASSESSMENT: the handed-in document and the "
            "rubric. With --score: scores the review (as the formgrader's box does)."
        ),
    )
    step.add_argument("--course", default=None, metavar="DIR", help=COURSE_HELP)
    step.add_argument("learner", nargs="?", metavar="APPRENANT", help="identifiant / learner id")
    step.add_argument("epreuve", nargs="?", metavar="EPREUVE", help="épreuve / assessment")
    step.add_argument("--item", metavar="ID", help="la relecture, si l'épreuve en a plusieurs / review id")
    step.add_argument("--score", type=float, metavar="POINTS", help="la note / the score")
    step.add_argument("--comment", default="", metavar="TEXTE", help="un commentaire / a comment")
    step.set_defaults(func=run_review)


def run_review(args: argparse.Namespace) -> int:
    from tremplin.grading.commands.course import open_for_step

    course = open_for_step(args, write=args.score is not None)
    if args.learner is None:
        return _list(course)
    if args.epreuve is None:
        raise _error("review.cli_need_epreuve")
    item = _item(args.epreuve, args.item)
    if args.score is None:
        return _show(course, args.learner, args.epreuve, item)
    from tremplin.grading.review_scores import score_review

    scored = score_review(course, args.epreuve, args.learner, item, args.score, args.comment)
    print(t("review.cli_scored", learner=scored.learner, epreuve=scored.epreuve, item=scored.grade_id,
            score=f"{scored.score:g}", max=f"{scored.max_score:g}"))
    return 0


def _list(course: object) -> int:
    from tremplin.grading.review_items import REVIEW_ITEMS
    from tremplin.grading.review_scores import pending_reviews

    waiting = pending_reviews(course)
    if not waiting:
        print(t("review.cli_none_waiting"))
        return 0
    print(t("review.cli_waiting", count=len(waiting)))
    for learner, epreuve, grade_id in waiting:
        title = t(REVIEW_ITEMS[grade_id].title_key) if grade_id in REVIEW_ITEMS else grade_id
        print(f"  {learner}  {epreuve}  {grade_id}  ({title})")
    return 0


def _show(course: object, learner: str, epreuve: str, item: str) -> int:
    from tremplin.grading.review_cell import review_text

    handed_in = course.layout.step_dir("autograded", learner, epreuve)  # type: ignore[attr-defined]
    if not handed_in.is_dir():
        raise _error("review.not_graded", epreuve=epreuve, learner=learner)
    with course.kernel_environment():  # type: ignore[attr-defined]  # the course's world, as at autograde
        artefact, rubric = review_text(item, handed_in / "workspace")
    sys.stdout.write(f"{artefact}\n\n{rubric}\n")
    return 0


def _item(epreuve: str, wanted: str | None) -> str:
    """The review asked for, or the épreuve's only one."""
    from tremplin.grading.review_items import items_for

    ids = [item.id for item in items_for(epreuve)]
    if wanted is not None and wanted in ids:
        return wanted
    if wanted is None and len(ids) == 1:
        return ids[0]
    raise _error("review.cli_which_item", epreuve=epreuve, items=", ".join(ids) or "-")


def _error(key: str, **values: object) -> Exception:
    from tremplin.widgets.errors import TremplinError

    return TremplinError(t(key, **values))
