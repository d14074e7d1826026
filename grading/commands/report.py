"""`tremplin report`: the class by competence, from nbgrader's gradebook."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

from tremplin.grading.commands.course import COURSE_HELP, DATA_HELP
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="résultats par compétence / results by competence",
        description=(
            "Affiche, pour chaque apprenant, les points et la validation de chaque "
            "compétence d'après le carnet de notes nbgrader. / Prints each learner's points "
            "and validation per competence from the nbgrader gradebook."
        ),
    )
    parser.add_argument("--data", type=Path, default=None, metavar="DOSSIER", help=DATA_HELP)
    parser.add_argument("--course", type=Path, default=None, metavar="DIR", help=COURSE_HELP)
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table",
                        help="format de sortie (défaut : table) / output format")
    parser.add_argument("--learner", metavar="ID", help="un seul apprenant / one learner only")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tremplin.grading.course import CourseLayout, open_course
    from tremplin.grading.gradebook_report import course_report
    from tremplin.widgets.paths import data_root

    layout = CourseLayout.under(data_root(args.data), args.course)
    report = course_report(open_course(layout.course_dir))
    if args.learner is not None:
        found = report.learner(args.learner)
        if found is None:
            raise TremplinError(t("course.unknown_learner", learner=args.learner))
        report.learners = [found]
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    sys.stdout.write(render(report, args.format))
    return 0


def render(report: Any, fmt: str) -> str:
    """The report as text: "json" (the documented contract), "csv" or a French "table"."""
    if fmt == "json":
        return json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return render_csv(report)
    return render_table(report)


CSV_HEADER = ("learner", "competence", "points", "max_points", "validated", "level", "critical_failures")


def render_csv(report: Any) -> str:
    """One row per learner × competence, with a header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for learner in report.to_json()["learners"]:
        for cid, tally in learner["competences"].items():
            writer.writerow([learner["id"], cid, tally["points"], tally["max_points"],
                             "true" if tally["validated"] else "false",
                             tally["level"] or "", tally["critical_failures"]])
    return out.getvalue()


def render_table(report: Any) -> str:
    """A plain-text table: one line per learner, one column per competence (✔/✘ points)."""
    data = report.to_json()["learners"]
    if not data:
        return t("course.report_empty") + "\n"
    competences = sorted({cid for item in data for cid in item["competences"]},
                         key=_natural_key)
    header = [t("course.report_learner"), *competences]
    rows = [[item["id"], *(_cell(item["competences"].get(cid)) for cid in competences)]
            for item in data]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
             for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    lines.append(t("course.report_legend"))
    return "\n".join(lines) + "\n"


def _cell(tally: dict[str, Any] | None) -> str:
    if tally is None:
        return "·"
    mark = f"✔ {tally['level']}" if tally["validated"] else "✘"
    critical = " !" if tally["critical_failures"] else ""
    return f"{mark} {_num(tally['points'])}/{_num(tally['max_points'])}{critical}"


def _num(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _natural_key(cid: str) -> tuple[str, int]:
    head = cid.rstrip("0123456789")
    tail = cid[len(head):]
    return (head, int(tail) if tail else 0)
