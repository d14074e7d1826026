"""What the home page shows a signed-in learner about their progress, and how it looks.

`widgets/` never imports `grading/`: the grading side (grading/learner_progress.py) computes a
`LearnerProgress` from the learner's workspace and the course, and the home page only renders
it. Every text is escaped here, except feedback bodies, which the grading side sanitized
(tags from a short allow-list, no attribute, no script) before handing them over.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from tremplin.widgets.i18n import number, t
from tremplin.widgets.visit import Visit, page_url

Status = Literal["not_started", "in_progress", "validated"]
#: The bar's fill and frame: dark green and near-black on white (both well above 3:1).
BAR_FILL, BAR_FRAME = "#1b5e20", "#1f1f1f"
DOCUMENTS_ZIP = "mes-documents.zip"


@dataclass(frozen=True)
class PageLink:
    """One page the learner can open: its title and its path relative to the folder served."""

    title: str
    path: str


@dataclass(frozen=True)
class CompetenceLine:
    """One competence of the referential and where the learner is with it."""

    id: str
    statement: str
    status: Status
    passed: int = 0  # formative checks passed so far
    total: int = 0  # formative checks that count for this competence
    level: str | None = None  # N1–N3 once the mediator validated it
    review_pending: bool = False


@dataclass(frozen=True)
class Area:
    name: str
    competences: tuple[CompetenceLine, ...]


@dataclass(frozen=True)
class Suggestion:
    """One thing to do next: a sentence and, when it is a page, the page to open."""

    text: str
    page: PageLink | None = None


@dataclass(frozen=True)
class FeedbackPage:
    """A released feedback page of the learner's own: `body` is already sanitized HTML."""

    epreuve: str
    title: str
    points: float | None
    max_points: float | None
    body: str


@dataclass(frozen=True)
class LearnerProgress:
    areas: tuple[Area, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    feedback: tuple[FeedbackPage, ...] = field(default_factory=tuple)


#: What the notebook passes to `show_home`: the learner's progress, given their visit and pages.
ProgressProvider = Callable[[Visit, list[PageLink], list[PageLink]], LearnerProgress]


def bar_html(fraction: float, label: str) -> str:
    """A bar with a visible frame; the words next to it say the same (never colour alone)."""
    percent = round(max(0.0, min(1.0, fraction)) * 100)
    return (
        f'<span class="tremplin-bar" role="img" aria-label="{html.escape(label, quote=True)}" '
        f'style="display:inline-block;width:8em;height:1em;border:2px solid {BAR_FRAME};'
        f'background:#fff;vertical-align:middle">'
        f'<span style="display:block;height:100%;width:{percent}%;background:{BAR_FILL}"></span></span>'
    )


def status_text(line: CompetenceLine) -> str:
    if line.status == "validated":
        text = t("home.validated", level=line.level or "")
    elif line.status == "in_progress":
        text = t("home.in_progress", passed=line.passed, total=line.total)
    else:
        text = t("home.not_started")
    return text + (" " + t("home.review_pending_short") if line.review_pending else "")


def _fraction(line: CompetenceLine) -> float:
    if line.status == "validated":
        return 1.0
    return line.passed / line.total if line.total else 0.0


def progress_html(progress: LearnerProgress) -> str:
    """« Où j'en suis »: one table per area, a row per competence (words, then the bar)."""
    parts = [
        f"<h2>{html.escape(t('home.progress_heading'))}</h2>",
        f"<p>{html.escape(t('home.progress_help'))}</p>",
    ]
    head = "".join(
        f'<th scope="col">{html.escape(t(key))}</th>'
        for key in ("home.col_competence", "home.col_status", "home.col_bar")
    )
    for area in progress.areas:
        rows = "".join(
            f'<tr data-competence="{html.escape(line.id)}" data-status="{line.status}">'
            f'<th scope="row">{html.escape(line.id)} — {html.escape(line.statement)}</th>'
            f"<td>{html.escape(status_text(line))}</td>"
            f"<td>{bar_html(_fraction(line), status_text(line))}</td></tr>"
            for line in area.competences
        )
        parts.append(
            f"<h3>{html.escape(area.name)}</h3>"
            f'<table class="tremplin-progress"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
        )
    return f'<section class="tremplin-home-progress">{"".join(parts)}</section>'


def next_html(progress: LearnerProgress, visit: Visit) -> str:
    """« Et maintenant ? »: one to three suggestions, pages linked with the visit."""
    items = []
    for item in progress.suggestions[:3]:
        link = ""
        if item.page is not None:
            link = (
                f' <a class="tremplin-big-link" href="{html.escape(page_url(item.page.path, visit))}">'
                f"{html.escape(item.page.title)}</a>"
            )
        items.append(f"<li>{html.escape(item.text)}{link}</li>")
    body = (
        f'<ul class="tremplin-next">{"".join(items)}</ul>'
        if items
        else f"<p>{html.escape(t('home.nothing_next'))}</p>"
    )
    return (
        f'<section class="tremplin-home-next"><h2>{html.escape(t("home.next_heading"))}</h2>{body}</section>'
    )


def feedback_html(progress: LearnerProgress) -> str:
    """« Mes retours »: each feedback page folded under its épreuve, read right here."""
    items = []
    for page in progress.feedback:
        points = ""
        if page.points is not None and page.max_points:
            points = " — " + t(
                "home.feedback_points", points=number(page.points), total=number(page.max_points)
            )
        items.append(
            f'<details class="tremplin-home-feedback" data-epreuve="{html.escape(page.epreuve)}">'
            f"<summary>{html.escape(page.title + points)}</summary><div>{page.body}</div></details>"
        )
    body = "".join(items) or f"<p>{html.escape(t('home.no_feedback'))}</p>"
    heading = html.escape(t("home.feedback_heading"))
    return f'<section class="tremplin-home-feedbacks"><h2>{heading}</h2>{body}</section>'


def documents_zip(workspace_dir: Path) -> bytes | None:
    """The learner's « Mes documents » as a zip, or None when it holds no file."""
    from tremplin.widgets.files_store import FilesStore
    from tremplin.widgets.workspace import Workspace

    store = FilesStore(Workspace.open(workspace_dir))
    if not any(path.is_file() for path in store.place_root("documents").rglob("*")):
        return None
    return store.zip_folder("documents", record=False)
