"""`tremplin course init|roster|release|collect|autograde`: the mediator's nbgrader steps.

nbgrader is imported inside the step functions only, so `tremplin --help` stays fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tremplin.widgets.i18n import t

DATA_HELP = (
    "dossier de données (défaut : $TREMPLIN_DATA, sinon ./data) / "
    "data folder (default: $TREMPLIN_DATA, else ./data)"
)
COURSE_HELP = (
    "dossier du cours nbgrader (défaut : DATA/course) / nbgrader course folder "
    "(default: DATA/course)"
)
EPREUVE_HELP = "épreuves (défaut : toutes) / assessments (default: all)"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "course",
        help="cours nbgrader : créer, distribuer, ramasser, corriger / nbgrader course steps",
        description=(
            "Pilote le cours nbgrader de Tremplin. / Drives Tremplin's nbgrader course."
        ),
    )
    steps = parser.add_subparsers(dest="step", metavar="ÉTAPE", required=True)
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--data", type=Path, default=None, metavar="DOSSIER", help=DATA_HELP)

    init = steps.add_parser(
        "init", parents=[where],
        help="crée ou met à jour le cours / create or update the course",
        description=(
            "Crée le cours nbgrader (configuration, source/, dossier d'échange) et copie "
            "les épreuves ; sans danger si on le relance (les notes sont gardées). / "
            "Creates the nbgrader course and copies the assessments; safe to re-run "
            "(grades are kept)."
        ),
    )
    init.add_argument("course_dir", nargs="?", type=Path, metavar="DIR", help=COURSE_HELP)
    init.add_argument("--course", dest="course_option", type=Path, default=None, metavar="DIR",
                      help="comme DIR / same as DIR")
    init.add_argument("--course-id", default="tremplin", metavar="ID",
                      help="identifiant du cours (défaut : tremplin) / course id")
    init.set_defaults(func=run_init)

    roster = steps.add_parser(
        "roster", parents=[where],
        help="ajoute les apprenants d'une liste CSV / add the learners of a CSV roster",
        description=(
            "Ajoute au carnet de notes les apprenants d'un fichier CSV (colonnes id, pseudonym, "
            "email facultatif ; séparateur ; ou , ; UTF-8 ou Latin-1). Chaque erreur est "
            "signalée avec sa ligne ; s'il y en a une, rien n'est ajouté. / Adds the learners "
            "of a CSV file (columns id, pseudonym, optional email; ; or , separated; UTF-8 or "
            "Latin-1) to the gradebook. Every error is reported with its line; if there is "
            "one, nothing is added."
        ),
    )
    roster.add_argument("file", type=Path, metavar="FICHIER.csv",
                        help="la liste des apprenants / the roster")
    roster.add_argument("--course", type=Path, default=None, metavar="DIR", help=COURSE_HELP)
    roster.set_defaults(func=run_roster)

    for name, helps, func in (
        ("release", ("génère et distribue les épreuves", "generate and release"), run_release),
        ("collect", ("ramasse les derniers rendus", "collect the latest hand-ins"), run_collect),
        ("autograde", ("corrige les rendus ramassés", "autograde collected hand-ins"),
         run_autograde),
    ):
        step = steps.add_parser(
            name, parents=[where], help=f"{helps[0]} / {helps[1]}",
            description=f"{helps[0].capitalize()}. / {helps[1].capitalize()}.",
        )
        step.add_argument("--course", type=Path, default=None, metavar="DIR", help=COURSE_HELP)
        step.add_argument("epreuves", nargs="*", metavar="EPREUVE", help=EPREUVE_HELP)
        if name == "autograde":
            step.add_argument("--learner", metavar="ID",
                              help="un seul apprenant / one learner only")
            step.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                              help="rendus corrigés en même temps (défaut : un par processeur) / "
                                   "hand-ins graded at once (default: one per CPU)")
        step.set_defaults(func=func)

    from tremplin.grading.commands import course_dashboard, course_feedback, course_policy, course_review

    for module in (course_feedback, course_review, course_policy, course_dashboard):
        module.register_steps(steps, where)


def run_init(args: argparse.Namespace) -> int:
    from tremplin.grading.course import CourseLayout, init_course
    from tremplin.widgets.paths import data_root

    layout = CourseLayout.under(data_root(args.data), args.course_dir or args.course_option, args.course_id)
    report = init_course(layout)
    for path in report.created:
        print(t("course.created", path=path))
    for epreuve in report.epreuves:
        print(t("course.copied", epreuve=epreuve))
    print(t("course.ready", path=layout.course_dir, exchange=layout.exchange_dir))
    return 0


def open_for_step(args: argparse.Namespace, *, write: bool = True):  # -> Course
    """The course of --course / --data; a step that writes first checks it may (nothing half-done)."""
    from tremplin.grading.course import CourseLayout, open_course, require_writable
    from tremplin.widgets.paths import data_root

    course = open_course(CourseLayout.under(data_root(args.data), args.course).course_dir)
    if write:
        require_writable(course.layout)
    return course


def run_roster(args: argparse.Namespace) -> int:
    import sys

    from tremplin.grading.course import CourseLayout, open_course, require_writable
    from tremplin.grading.roster import import_roster, read_roster
    from tremplin.widgets.errors import TremplinError
    from tremplin.widgets.paths import data_root

    layout = CourseLayout.under(data_root(args.data), args.course)
    if layout.course_dir.is_dir():
        require_writable(layout)
    course = open_course(layout.course_dir)
    roster = read_roster(args.file)
    if roster.encoding:
        print(t("roster.encoding", encoding=roster.encoding))
    report = import_roster(course, roster)
    if not roster.ok:
        for problem in roster.problems:
            print(problem, file=sys.stderr)
        raise TremplinError(t("roster.problem_summary", count=len(roster.problems), path=args.file))
    print(t("roster.done", added=len(report.added), present=len(report.present)))
    return 0


def run_release(args: argparse.Namespace) -> int:
    from tremplin.grading.exchange import release_epreuves

    return _status(release_epreuves(open_for_step(args), args.epreuves))


def run_collect(args: argparse.Namespace) -> int:
    from tremplin.grading.exchange import collect_epreuves

    return _status(collect_epreuves(open_for_step(args), args.epreuves))


def run_autograde(args: argparse.Namespace) -> int:
    from tremplin.grading.group_grading import grade_group
    from tremplin.grading.progress_bar import ProgressBar

    bar = ProgressBar(t("autograde.bar_label"))
    return _status(grade_group(open_for_step(args), args.epreuves, args.learner, progress=bar.note,
                               jobs=args.jobs, bar=bar))


def _jobs(value: str) -> int:
    """--jobs N: a whole number ≥ 1, else argparse's own usage error."""
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(t("autograde.bad_jobs", value=value))
    return jobs


def _status(results: list) -> int:
    return 0 if all(result.ok for result in results) else 1
