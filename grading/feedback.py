"""What a learner reads after an épreuve: French verdicts per check, never code or tracebacks.

nbgrader's generate_feedback turns the autograded notebook into HTML as it is: the hidden
test cells (`grade("...")`), their AssertionError tracebacks, the page cell's code. The
`TremplinFeedback` preprocessor, listed after nbgrader's GetGrades (which puts each grade
cell's score into its metadata) in the course's `c.GenerateFeedback.preprocessors`,
rewrites that notebook into the learner's view before nbconvert renders it:

- a summary on top: points, checks passed, the competences these checks count for;
- one block per graded cell: the check's French title, points earned / max, the sentence
  the check printed (the same words as the formative panel) and, when not full, what to
  do next;
- the statement's markdown; every other code cell, and any cell tagged or marked hidden,
  is dropped.

Because it is plain nbgrader configuration, `tremplin course feedback`, `nbgrader
generate_feedback` and the formgrader's "Generate feedback" button all render the same.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool
from tremplin.widgets.i18n import number, t

#: Cell tags that keep a cell out of the learner's feedback.
HIDDEN_TAGS = frozenset({"hidden", "tremplin-hidden", "remove_cell", "remove-cell"})
#: What `grading.cells.grade` prints before the check's sentence.
VERDICT_MARKS = ("✔", "✘")
#: Key of the cell metadata marking our own rendered blocks.
FEEDBACK_META = "tremplin_feedback"

CSS = """<style>
.tremplin-fb { font-size: 15px; line-height: 1.5; }
.tremplin-fb h2 { margin-top: 0.2em; }
.tremplin-fb-check { border-left: 6px solid #3c763d; padding: 0.4em 0.8em; margin: 0.6em 0;
  background: #f4faf3; }
.tremplin-fb-check.tremplin-fb-todo { border-left-color: #b35c00; background: #fff8ef; }
.tremplin-fb-check.tremplin-fb-pending { border-left-color: #555; background: #f5f5f5; }
.tremplin-fb-points { float: right; font-weight: bold; }
.tremplin-fb-next { font-weight: bold; }
/* nbgrader's own heading ("Score: x / y", a table of "Test cell" links) is English: the
   summary below says the same in the learner's words */
.panel-default > .panel-heading { display: none; }
</style>"""


@dataclass(frozen=True)
class CheckFeedback:
    """One graded cell as the learner reads it."""

    grade_id: str
    title: str
    points: float | None  # None: not scored yet (a human review still to come)
    max_points: float
    feedback: str
    competences: tuple[str, ...] = ()
    critical: bool = False
    comment: str = ""  # what the mediator wrote in the formgrader, if anything

    @property
    def full(self) -> bool:
        return self.points is not None and self.points >= self.max_points


# -- reading the autograded notebook ---------------------------------------------------


def is_hidden(cell: Any) -> bool:
    """Tagged hidden (nbconvert's remove_cell tags included) or marked `tremplin.hidden`."""
    metadata = cell.get("metadata", {})
    tags = set(metadata.get("tags", []))
    return bool(tags & HIDDEN_TAGS) or bool(metadata.get("tremplin", {}).get("hidden"))


def is_graded(cell: Any) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade") or meta.get("task"))


def printed_verdict(outputs: list[Any]) -> str:
    """The sentence `grade()` printed after ✔/✘ (the last one), or "" if none."""
    found = ""
    for output in outputs:
        if output.get("output_type") != "stream" or output.get("name") != "stdout":
            continue
        for line in str(output.get("text", "")).splitlines():
            line = line.strip()
            if line[:1] in VERDICT_MARKS:
                found = line[1:].strip()
    return found


def _crashed(outputs: list[Any]) -> bool:
    """An error other than the AssertionError a failed check raises on purpose."""
    return any(o.get("output_type") == "error" and o.get("ename") != "AssertionError" for o in outputs)


def describe(grade_id: str) -> tuple[Any | None, bool]:
    """The check or human review item behind a grade_id (title_key, competences, critical),
    and whether it is an automatic check, whose printed verdict is the learner's sentence."""
    from tremplin.grading.checks import REGISTRY
    from tremplin.grading.review_items import REVIEW_ITEMS

    spec = REGISTRY.get(grade_id)
    if spec is not None:
        return spec, True
    return REVIEW_ITEMS.get(grade_id), False


def read_check(cell: Any) -> CheckFeedback:
    """A graded cell's verdict: score from GetGrades, sentence from the printed output."""
    meta = cell["metadata"]["nbgrader"]
    grade_id = str(meta.get("grade_id", ""))
    spec, automatic = describe(grade_id)
    score, max_points = meta.get("score"), float(meta.get("points") or 0)
    points = None if score is None else float(score)
    outputs = list(cell.get("outputs", []))
    # a review cell's output is the hand-in and the mediator's rubric: never the learner's words
    sentence = printed_verdict(outputs) if automatic else ""
    if not sentence:
        if points is None:
            sentence = t("course_feedback.pending")
        elif _crashed(outputs):
            sentence = t("course_feedback.could_not_run")
        else:
            full = points >= max_points
            sentence = t("course_feedback.no_words_done" if full else "course_feedback.no_words_todo")
    return CheckFeedback(
        grade_id=grade_id,
        title=t(spec.title_key) if spec is not None else t("course_feedback.unnamed_check"),
        points=points,
        max_points=max_points,
        feedback=sentence,
        competences=tuple(spec.competences) if spec is not None else (),
        critical=bool(getattr(spec, "critical", False)),
        comment=str(meta.get("comment") or "").strip(),
    )


# -- rendering -------------------------------------------------------------------------


def _points(points: float | None, max_points: float) -> str:
    if points is None:
        return t("course_feedback.points_pending", total=number(max_points))
    return t("course_feedback.points", points=number(points), total=number(max_points))


def render_check(item: CheckFeedback) -> str:
    """One check's block; every text is escaped (check sentences quote learner input)."""
    esc = html.escape
    if item.points is None:
        mark, label, css = "…", t("course_feedback.waiting"), "tremplin-fb-pending"
    elif item.full:
        mark, label, css = "✔", t("feedback.done"), "tremplin-fb-ok"
    else:
        mark, label, css = "✘", t("feedback.todo"), "tremplin-fb-todo"
    parts = [
        f'<div class="tremplin-fb tremplin-fb-check {css}" id="{esc(item.grade_id)}">',
        f'<span class="tremplin-fb-points">{esc(_points(item.points, item.max_points))}</span>',
        f'<h4><span aria-hidden="true">{mark}</span> {esc(item.title)} <small>({esc(label)})</small></h4>',
    ]
    if item.points is not None and not item.full:
        parts.append(f'<p><span class="tremplin-fb-next">{esc(t("course_feedback.next"))}</span> '
                     f"{esc(item.feedback)}</p>")
        if item.critical:
            parts.append(f"<p>{esc(t('course_feedback.critical'))}</p>")
    else:
        parts.append(f"<p>{esc(item.feedback)}</p>")
    if item.comment:
        parts.append(f"<p><em>{esc(t('course_feedback.comment', comment=item.comment))}</em></p>")
    parts.append("</div>")
    return "".join(parts)


def competence_name(competence_id: str) -> str:
    """« R1 — Rechercher… » from the referential; the bare id if it is not there."""
    from tremplin.grading.referential import load_referential
    from tremplin.widgets.i18n import current_locale

    try:
        statement = load_referential().competence(competence_id).statement(current_locale())
    except Exception:  # a check naming a competence the referential lost: the id is enough
        return competence_id
    return f"{competence_id} — {statement}"


def render_summary(title: str, items: list[CheckFeedback]) -> str:
    """The top of the page: how it went overall and which competences the checks count for."""
    esc = html.escape
    scored = [item for item in items if item.points is not None]
    points = sum(item.points or 0 for item in scored)
    total = sum(item.max_points for item in items)
    done = sum(item.full for item in items)
    lines = [
        CSS,
        '<div class="tremplin-fb tremplin-fb-summary">',
        f"<h2>{esc(t('course_feedback.heading', title=title))}</h2>",
        f"<p><strong>{esc(t('course_feedback.score', points=number(points), total=number(total)))}"
        f"</strong> — {esc(t('course_feedback.checks_done', done=done, count=len(items)))}</p>",
    ]
    if len(scored) < len(items):
        lines.append(f"<p>{esc(t('course_feedback.some_pending', count=len(items) - len(scored)))}</p>")
    competences = sorted({c for item in items for c in item.competences})
    if competences:
        lines.append(f"<p>{esc(t('course_feedback.competences'))}</p><ul>")
        for competence in competences:
            mine = [item for item in items if competence in item.competences]
            got = sum(item.points or 0 for item in mine)
            out_of = sum(item.max_points for item in mine)
            lines.append(f"<li>{esc(competence_name(competence))} : "
                         f"{esc(_points(got, out_of))}</li>")
        lines.append("</ul>")
    advice = "feedback.all_done" if items and done == len(items) else "feedback.keep_going"
    lines.append(f"<p>{esc(t(advice))}</p></div>")
    return "".join(lines)


def html_cell(content: str, role: str) -> Any:
    """A code cell with no visible source whose only output is our HTML."""
    import nbformat

    cell = nbformat.v4.new_code_cell(
        "", metadata={"transient": {"remove_source": True}, FEEDBACK_META: role}
    )
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": content})]
    return cell


# -- the whole transformation ----------------------------------------------------------


def learner_view(nb: Any, title: str) -> Any:
    """The notebook rewritten for the learner: summary, statement, one block per check."""
    cells: list[Any] = []
    items: list[CheckFeedback] = []
    for cell in nb.cells:
        if is_hidden(cell):
            continue
        if is_graded(cell):
            item = read_check(cell)
            items.append(item)
            cells.append(html_cell(render_check(item), item.grade_id))
        elif cell.get("cell_type") == "markdown":
            cells.append(cell)
        # any other cell (the page's code, raw cells) is never shown to a learner
    nb.cells = [html_cell(render_summary(title, items), "summary"), *cells]
    return nb


def epreuve_title(nb: Any, fallback: str) -> str:
    """The épreuve's French title the builder put in the notebook metadata."""
    return str(nb.metadata.get("tremplin", {}).get("title") or fallback)


class TremplinFeedback(Preprocessor):
    """nbconvert/nbgrader preprocessor: the learner's view of an autograded épreuve.

    Must come after nbgrader's GetGrades, which copies each grade cell's score into its
    metadata: the course config (grading/course.py render_config) lists it right after.
    On by default like nbgrader's own preprocessors (nbconvert's are off until enabled).
    """

    enabled = Bool(True, help="Rewrite feedback for learners (French verdicts, no code)").tag(config=True)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        grader = resources.setdefault("nbgrader", {})
        title = epreuve_title(nb, str(grader.get("assignment") or grader.get("notebook") or ""))
        nb = learner_view(nb, title)
        # nbgrader's feedback template heads the page with this name: the learner's title.
        grader["notebook"] = title
        return nb, resources

