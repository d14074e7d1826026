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
    if args.learner is not None and args.format == "table":
        sys.stdout.write(render_learner(report))
    else:
        sys.stdout.write(render(report, args.format))
    return 0


def render(report: Any, fmt: str) -> str:
    """The report as text: "json" (the documented contract), "csv" or a French "table"."""
    if fmt == "json":
        return json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return render_csv(report)
    return render_table(report)


CSV_HEADER = ("learner", "competence", "points", "max_points", "validated", "level", "critical_failures",
              "validated_on", "pending_reviews")


def render_csv(report: Any) -> str:
    """One row per learner × competence, with a header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for learner in report.to_json()["learners"]:
        for cid, tally in learner["competences"].items():
            writer.writerow([learner["id"], cid, tally["points"], tally["max_points"],
                             "true" if tally["validated"] else "false",
                             tally["level"] or "", tally["critical_failures"],
                             tally["validated_on"] or "", len(tally["pending_reviews"])])
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
    lines.append(_group_line(report, competences))
    lines.append("")
    lines.append(t("course.report_legend"))
    lines.extend(_rule_lines(report, competences))
    return "\n".join(lines) + "\n"


def _group_line(report: Any, competences: list[str]) -> str:
    group = report.group()
    cells = [f"{cid} {group[cid]['validated']}/{group[cid]['learners']}"
             for cid in competences if cid in group]
    return t("course.report_group", cells=", ".join(cells))


def _rule_lines(report: Any, competences: list[str]) -> list[str]:
    """The validation rule in words: the common one once, then each competence's own."""
    rules = {cid: report.rules[cid] for cid in competences if cid in report.rules}
    if not rules:
        return []
    common = max(set(rules.values()), key=list(rules.values()).count)
    lines = [t("course.report_rule", rule=common)]
    lines += [t("course.report_own_rule", competence=cid, rule=rule)
              for cid, rule in rules.items() if rule != common]
    return lines


def render_learner(report: Any) -> str:
    """One learner in detail: each competence's status, level, date, evidence and reviews."""
    from tremplin.grading.certification import check_title, epreuve_evidence

    lines = []
    for learner in report.to_json()["learners"]:
        lines.append(t("course.report_detail_title", learner=learner["id"]))
        for cid, tally in learner["competences"].items():
            lines.append(f"  {cid:<4} {_cell(tally)}  {_status(tally)}")
            for item in tally["evidence"]:
                title = epreuve_evidence(item["epreuve"], ()).name
                checks = "; ".join(_check_label(check_title(c), c) for c in item["checks"])
                lines.append(f"         {title} : {checks or t('course.report_no_check')}")
            for review in tally["pending_reviews"]:
                lines.append("         " + t("course.report_review_waiting", review=review))
    lines.append("")
    lines.append(t("course.report_legend"))
    lines.extend(_rule_lines(report, sorted({c for item in report.learners for c in item.competences},
                                            key=_natural_key)))
    return "\n".join(lines) + "\n"


def _check_label(title: str, check_id: str) -> str:
    return check_id if title == check_id else f"{title} ({check_id})"


def _status(tally: dict[str, Any]) -> str:
    if tally["pending_reviews"]:
        return t("course.report_status_provisional")
    if tally["validated"]:
        return t("course.report_status_validated", level=tally["level"], date=tally["validated_on"] or "-")
    return t("course.report_status_not_validated")


def _cell(tally: dict[str, Any] | None) -> str:
    if tally is None:
        return "·"
    mark = f"✔ {tally['level']}" if tally["validated"] else "✘"
    critical = " !" if tally["critical_failures"] else ""
    waiting = " ?" if tally.get("pending_reviews") else ""
    return f"{mark} {_num(tally['points'])}/{_num(tally['max_points'])}{critical}{waiting}"


def _num(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _natural_key(cid: str) -> tuple[str, int]:
    head = cid.rstrip("0123456789")
    tail = cid[len(head):]
    return (head, int(tail) if tail else 0)
