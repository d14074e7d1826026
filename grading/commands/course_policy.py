"""`tremplin course settings`: show or change the course's structure, mediator and retake policy.

Wired by commands/course.py through `register_steps(steps, where)`. Values are read as text
and checked by course_settings.validated, so a wrong one ends in one French line (exit 1) and
the settings file is left as it was.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tremplin.widgets.i18n import t

OPTIONS = (
    ("--structure", "structure", "TEXTE", "nom de la structure (EPN) / organisation name"),
    ("--mediator", "mediator", "NOM", "médiateur ou médiatrice / mediator name"),
    ("--retake-after-days", "retake_after_days", "N",
     "jours à attendre après un échec avant de repasser une épreuve (défaut 7) / "
     "days to wait after a failure before a retake (default 7)"),
    ("--max-attempts", "max_attempts", "M",
     "tentatives au plus par épreuve (défaut 3) / attempts per assessment at most (default 3)"),
)


def register_steps(steps: argparse._SubParsersAction, where: argparse.ArgumentParser) -> None:
    """Add the `settings` step to `tremplin course`; `where` carries the --data option."""
    # here, not at the top: commands/course.py imports this module while it loads
    from tremplin.grading.commands.course import COURSE_HELP

    parser = steps.add_parser(
        "settings", parents=[where],
        help="réglages du cours et règle pour repasser une épreuve / course settings, retake policy",
        description=(
            "Sans option : affiche les réglages du cours. Avec des options : les change (les "
            "autres restent). / Without options: prints the course settings. With options: "
            "changes them (the others stay)."
        ),
    )
    parser.add_argument("--course", type=Path, default=None, metavar="DIR", help=COURSE_HELP)
    for flag, dest, metavar, text in OPTIONS:
        parser.add_argument(flag, dest=dest, default=None, metavar=metavar, help=text)
    parser.set_defaults(func=run_settings)


def run_settings(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from tremplin.grading.course import CourseLayout
    from tremplin.grading.course_settings import load_settings, save_settings, settings_path, validated
    from tremplin.widgets.errors import TremplinError
    from tremplin.widgets.paths import data_root

    course_dir = CourseLayout.under(data_root(args.data), args.course).course_dir
    if not course_dir.is_dir():
        raise TremplinError(t("course.missing", path=course_dir))
    changes = {dest: getattr(args, dest) for _f, dest, _m, _h in OPTIONS if getattr(args, dest) is not None}
    if changes:
        settings = validated(**{**asdict(load_settings(course_dir)), **changes})
        print(t("retake.settings_saved", path=save_settings(course_dir, settings)))
    else:
        settings = load_settings(course_dir)
    print(t("retake.settings_heading", path=settings_path(course_dir)))
    if not settings_path(course_dir).exists():
        print(t("retake.settings_defaults"))
    values = (
        settings.structure or t("retake.not_set"),
        settings.mediator or t("retake.not_set"),
        t("retake.days_value", days=settings.retake_after_days),
        str(settings.max_attempts),
    )
    for (_flag, dest, _m, _h), value in zip(OPTIONS, values, strict=True):
        print(t("retake.settings_line", label=t(f"retake.field_{dest}"), value=value))
    return 0
