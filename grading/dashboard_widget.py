"""The mediators' dashboard page: the data of dashboard_data.py as accessible HTML widgets.

Every section is plain HTML (a table with caption and scoped headers, an inline SVG with
its text summary, lists), so it reads the same with a screen reader and prints well; the
only interactive parts are « Actualiser » and the CSV download link (a `data:` link, as
Voilà serves no file). The page is only for the mediator's own server: the kiosk serves
the whole notebooks/ folder, so `show_dashboard` refuses to show anything unless
`tremplin course dashboard` started the kernel (DASHBOARD_ENV).
"""

from __future__ import annotations

import base64
import html
import os
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import ipywidgets as w
from tremplin.grading.dashboard_data import (
    NOT_ATTEMPTED,
    NOT_VALIDATED,
    STUCK_AFTER,
    VALIDATED,
    Dashboard,
    Matrix,
    ReviewWaiting,
    StuckItem,
    WeekProgress,
    course_dir_from_env,
    known_checks,
    load_dashboard,
    to_csv,
)
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import number, t

#: Set to "1" by `tremplin course dashboard` only; the kiosk's kernels never have it.
DASHBOARD_ENV = "TREMPLIN_MEDIATOR_DASHBOARD"
#: (background, text) per cell status; every pair has a contrast ratio ≥ 4.5:1.
COLOURS = {
    "N1": ("#e3f2e8", "#14532d"),
    "N2": ("#bfe3cb", "#0f3f22"),
    "N3": ("#8fcfa6", "#0a2916"),
    NOT_VALIDATED: ("#fde2e1", "#8b1a1a"),
    NOT_ATTEMPTED: ("#f1f1f1", "#3d3d3d"),
}
HIDDEN = ("position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);"
          "white-space:nowrap")
CHART_BAR = "#1f5f99"  # 6.9:1 on white
#: The page template's header links to the learners' home, which this server does not serve.
HIDE_HOME_LINKS = "<style>.tremplin-header .tremplin-home-link{display:none}</style>"


def _esc(value: object) -> str:
    """Text between tags (apostrophes stay apostrophes for copy and paste)."""
    return html.escape(str(value), quote=False)


def _attr(value: object) -> str:
    return html.escape(str(value), quote=True)


def _day(moment: datetime | Any) -> str:
    return moment.strftime("%d/%m/%Y")


def _section(key: str, body: str) -> str:
    return f'<section class="tremplin-dashboard-section"><h2>{_esc(t(key))}</h2>{body}</section>'


# -- the heat map ----------------------------------------------------------------------


def cell_colours(status: str, level: str | None) -> tuple[str, str]:
    return COLOURS.get(level or "", COLOURS["N1"]) if status == VALIDATED else COLOURS[status]


def render_heatmap(table: Matrix) -> str:
    """The learners × competences table: colour AND text in each cell, a caption, scoped headers."""
    if not table.learners:
        return _section("dashboard.map_heading", f"<p>{_esc(t('dashboard.no_learner'))}</p>")
    head = "".join(f'<th scope="col">{_esc(cid)}</th>' for cid in table.competences)
    rows = []
    for learner in table.learners:
        cells = "".join(_cell_html(table, learner, cid) for cid in table.competences)
        rows.append(f'<tr><th scope="row">{_esc(learner)}</th>{cells}</tr>')
    return _section("dashboard.map_heading", (
        '<table class="tremplin-dashboard-map" style="border-collapse:collapse">'
        f'<caption style="text-align:left;font-weight:bold">{_esc(t("dashboard.map_caption"))}</caption>'
        f'<thead><tr><th scope="col">{_esc(t("dashboard.learner"))}</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        f'<p class="tremplin-dashboard-legend">{_esc(t("dashboard.map_legend"))}</p>'
    ))


def _cell_html(table: Matrix, learner: str, cid: str) -> str:
    cell = table.cell(learner, cid)
    background, colour = cell_colours(cell.status, cell.level)
    said = {VALIDATED: t("dashboard.cell_validated", level=cell.level or ""),
            NOT_VALIDATED: t("dashboard.cell_not_validated"),
            NOT_ATTEMPTED: t("dashboard.cell_not_attempted")}[cell.status]
    if cell.max_points:
        said += ", " + t("dashboard.cell_points", points=number(cell.points), max=number(cell.max_points))
    if cell.provisional:
        said += ", " + t("dashboard.cell_provisional")
    style = (f"background:{background};color:{colour};text-align:center;padding:0.3em 0.6em;"
             "border:1px solid #767676;font-weight:bold;position:relative")
    mark = cell.mark + ("*" if cell.provisional else "")
    return (f'<td style="{style}" data-learner="{_attr(learner)}" data-competence="{_attr(cid)}" '
            f'data-status="{cell.status}"><span aria-hidden="true">{_esc(mark)}</span>'
            f'<span style="{HIDDEN}">{_esc(said)}</span></td>')


# -- progress --------------------------------------------------------------------------


def render_progress(weeks: list[WeekProgress]) -> str:
    """A small bar chart (inline SVG) of validated competences per week, and the same in words."""
    if not weeks:
        return _section("dashboard.progress_heading", f"<p>{_esc(t('dashboard.progress_empty'))}</p>")
    summary = t("dashboard.progress_summary", first=_day(weeks[0].week), last=_day(weeks[-1].week),
                start=weeks[0].validated, end=weeks[-1].validated)
    width, height, gap, top_gap = 40, 120, 8, 16
    top = max(week.validated for week in weeks) or 1
    bars = []
    for index, week in enumerate(weeks):
        bar, x = round(height * week.validated / top), index * (width + gap)
        bars.append(f'<rect x="{x}" y="{top_gap + height - bar}" width="{width}" height="{bar}" '
                    f'fill="{CHART_BAR}"/>'
                    + _svg_label(x + width / 2, top_gap + height - bar - 4, str(week.validated))
                    + _svg_label(x + width / 2, top_gap + height + 16, week.week.strftime("%d/%m")))
    svg = (f'<svg role="img" aria-label="{_attr(summary)}" width="{len(weeks) * (width + gap)}" '
           f'height="{top_gap + height + 22}" class="tremplin-dashboard-chart"><title>{_esc(summary)}</title>'
           f"{''.join(bars)}</svg>")
    details = "".join(
        f"<li>{_esc(t('dashboard.progress_week', week=_day(w.week), count=w.validated, new=w.new))}</li>"
        for w in weeks)
    return _section("dashboard.progress_heading", (
        f'{svg}<p class="tremplin-dashboard-summary">{_esc(summary)}</p>'
        f'<details><summary>{_esc(t("dashboard.progress_heading"))}</summary><ul>{details}</ul></details>'
    ))


def _svg_label(x: float, y: float, text: str) -> str:
    return f'<text x="{x}" y="{y}" font-size="12" text-anchor="middle" fill="#222">{_esc(text)}</text>'


# -- stuck learners and reviews --------------------------------------------------------


def render_stuck(items: list[StuckItem], titles: Callable[[str], str] | None = None) -> str:
    if not items:
        return _section("dashboard.stuck_heading", f"<p>{_esc(t('dashboard.stuck_empty'))}</p>")
    title = titles or check_title
    lines = []
    for item in items:
        if item.reason == "repeated":
            text = t("dashboard.stuck_repeated", learner=item.learner, epreuve=item.epreuve,
                     count=item.failed_attempts, when=_day(item.last_attempt))
        else:
            text = t("dashboard.stuck_stale", learner=item.learner, epreuve=item.epreuve,
                     when=_day(item.last_attempt), days=STUCK_AFTER.days)
        parts = [text]
        if item.competences:
            parts.append(t("dashboard.stuck_competences", competences=", ".join(item.competences)))
        if item.check:
            parts.append(t("dashboard.stuck_check", check=title(item.check)))
        lines.append(f'<li data-learner="{_attr(item.learner)}">{_esc(" ".join(parts))}</li>')
    return _section("dashboard.stuck_heading", f'<ul class="tremplin-dashboard-stuck">{"".join(lines)}</ul>')


def check_title(grade_id: str, checks: dict[str, Any] | None = None) -> str:
    """« Title (grade-id) » when the check has a title, else the grade id."""
    spec = (checks if checks is not None else known_checks()).get(grade_id)
    key = getattr(spec, "title_key", None)
    return f"{t(key)} ({grade_id})" if key and t(key) != key else grade_id


def render_reviews(items: Iterable[ReviewWaiting]) -> str:
    lines = [f'<li data-learner="{_attr(r.learner)}">'
             f'{_esc(t("dashboard.review_item", learner=r.learner, epreuve=r.epreuve, title=r.title))}</li>'
             for r in items]
    if not lines:
        return _section("dashboard.reviews_heading", f"<p>{_esc(t('dashboard.reviews_empty'))}</p>")
    listed = f'<ul class="tremplin-dashboard-reviews">{"".join(lines)}</ul>'
    return _section("dashboard.reviews_heading", listed)


def render_download(table: Matrix, when: datetime) -> str:
    """A `data:` link the browser saves as tableau-de-bord-AAAA-MM-JJ.csv (UTF-8 with BOM for Excel)."""
    name = f"tableau-de-bord-{when:%Y-%m-%d}.csv"
    encoded = base64.b64encode(to_csv(table).encode("utf-8-sig")).decode("ascii")
    return (f'<p><a download="{name}" href="data:text/csv;charset=utf-8;base64,{encoded}" '
            f'class="tremplin-download tremplin-dashboard-csv">⬇ {_esc(t("dashboard.download"))}</a></p>')


def render_warnings(warnings: list[str]) -> str:
    if not warnings:
        return ""
    items = "".join(f"<li>{_esc(text)}</li>" for text in warnings)
    return _section("dashboard.warnings_heading", f"<ul>{items}</ul>")


# -- the widget ------------------------------------------------------------------------


class DashboardWidget:
    """The page: a title, « Actualiser », a status line, then the sections of one Dashboard."""

    def __init__(self, course_dir: Path, load: Callable[[Path], Dashboard] = load_dashboard) -> None:
        self.course_dir = Path(course_dir)
        self.load = load
        self.title = w.HTML(f"{HIDE_HOME_LINKS}<h1>{_esc(t('dashboard.title'))}</h1>")
        self.refresh_button = w.Button(description=t("dashboard.refresh"), icon="refresh",
                                       tooltip=t("dashboard.refresh"))
        self.refresh_button.on_click(lambda _button: self.refresh())
        self.status = w.HTML()
        self.sections = w.HTML()
        self.view = w.VBox([self.title, self.refresh_button, self.status, self.sections],
                           layout=w.Layout(max_width="70em"))
        self.view.add_class("tremplin-dashboard")
        self.dashboard: Dashboard | None = None
        self.refresh()

    def refresh(self) -> None:
        """Read the course again; a problem becomes one French sentence, never a traceback."""
        self.refresh_button.disabled = True
        self.status.value = _status(t("dashboard.loading"))
        try:
            self.dashboard = self.load(self.course_dir)
        except TremplinError as error:
            self.show_problem(str(error))
        except Exception as error:  # a damaged gradebook, a database locked too long...
            self.show_problem(t("dashboard.unexpected", reason=type(error).__name__))
        else:
            self.sections.value = render_dashboard(self.dashboard)
            self.status.value = _status(t("dashboard.refreshed", when=self.dashboard.generated
                                          .astimezone().strftime("%d/%m/%Y %H:%M")))
        finally:
            self.refresh_button.disabled = False

    def show_problem(self, text: str) -> None:
        self.dashboard = None
        self.sections.value = ""
        self.status.value = _alert(text)


def _alert(text: str) -> str:
    return f'<div class="tremplin-message" role="alert"><p>{_esc(text)}</p></div>'


def _status(text: str) -> str:
    return f'<p class="tremplin-dashboard-status" role="status">{_esc(text)}</p>'


def render_dashboard(data: Dashboard) -> str:
    return "".join((
        render_warnings(data.warnings),
        render_heatmap(data.matrix),
        render_download(data.matrix, data.generated),
        render_progress(data.progress),
        render_stuck(data.stuck),
        render_reviews(data.reviews),
    ))


def dashboard_allowed(env: dict[str, str] | None = None) -> bool:
    return (os.environ if env is None else env).get(DASHBOARD_ENV) == "1"


def preload() -> None:
    """What a preheated kernel does before the mediator opens the page: the slow imports only
    (nbgrader, the check registry); the course itself is read when the page is opened."""
    if dashboard_allowed():
        import nbgrader.api  # noqa: F401

        known_checks()


def show_dashboard(course_dir: str | Path | None = None, show: Callable[[Any], Any] | None = None) -> Any:
    """What the notebook's one cell calls: the dashboard, or a polite refusal outside
    `tremplin course dashboard` (the kiosk also serves notebooks/mediateur/)."""
    if show is None:
        from IPython.display import display as show
    if not dashboard_allowed():
        shown: Any = w.HTML(_alert(t("dashboard.reserved")))
    else:
        shown = DashboardWidget(course_dir_from_env(course_dir)).view
    show(shown)
    return shown
