"""The home page's progress: real workspaces, a real graded course, then a real kiosk.

One module-scoped course under a data root sharing the session world: the épreuve
« chercher-offres » (its page cell made cheap, as in test_feedback), two learners who
worked through the real search widget (Alice carefully, also in the lesson; Bruno in a
hurry), both handed in, collected, graded (`grade_group`, which records attempts) and their
feedback released. The pure module is tested on it, then a kiosk serves it to chromium.
"""

from __future__ import annotations

import base64
import json
import re
import zipfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import nbformat
import pytest
from a11y_support import axe_violations, describe
from test_kiosk_support import Kiosk, build_notebooks, start_kiosk
from tremplin.grading.browser import WIDGETS_TIMEOUT_MS
from tremplin.grading.course import CourseLayout, init_course, open_course
from tremplin.grading.demo_learners import diligent, hasty
from tremplin.grading.epreuve_builder import build_notebook
from tremplin.grading.exchange import collect_epreuves, hand_in, release_epreuves
from tremplin.grading.feedback_steps import give_feedback
from tremplin.grading.group_grading import grade_group
from tremplin.grading.learner_feedback import released_feedback, sanitize
from tremplin.grading.learner_progress import learner_progress, lesson_activity
from tremplin.grading.referential import load_referential
from tremplin.grading.search_pages import SEARCH_LESSON, build_search_activity
from tremplin.widgets.home import HomePage, discover_pages, notebook_title
from tremplin.widgets.home_progress import LearnerProgress
from tremplin.widgets.i18n import t
from tremplin.widgets.visit_code import create_learner

from tremplin import NOTEBOOKS_DIR

EPREUVE = "chercher-offres"
COMPETENCES = len(load_referential().competences)
ALICE, BRUNO = ("Alice Progrès", "2580"), ("Bruno Pressé", "3691")


def _quiet(_line: str) -> None:
    return None


def _epreuve_source(folder: Path) -> None:
    notebook = build_notebook(EPREUVE)
    assert notebook.cells[1].metadata["nbgrader"]["grade_id"] == "page"
    notebook.cells[1].source = "print('page')"
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / f"{EPREUVE}.ipynb")


def _work(visit, data: Path, world, activity: str, behaviour) -> None:
    from tremplin.widgets.workspace import Workspace

    page = build_search_activity(
        Workspace.open(visit.workspace), activity, data_root=data, world=world, with_panel=False
    )
    behaviour(page)


@pytest.fixture(scope="module")
def course_data(tmp_path_factory: pytest.TempPathFactory, data_root: Path, world) -> dict:
    tmp = tmp_path_factory.mktemp("home-progress")
    data = tmp / "data"
    data.mkdir()
    (data / "world").symlink_to(data_root / "world", target_is_directory=True)
    _epreuve_source(tmp / "exercises" / EPREUVE)
    layout = CourseLayout.under(data)
    init_course(layout, exercises_dir=tmp / "exercises")
    course = open_course(layout.course_dir)
    assert all(r.ok for r in release_epreuves(course, [EPREUVE], progress=_quiet))
    alice, bruno = create_learner(*ALICE, data), create_learner(*BRUNO, data)
    _work(alice, data, world, SEARCH_LESSON, diligent)
    _work(alice, data, world, EPREUVE, diligent)
    _work(bruno, data, world, EPREUVE, hasty)
    (Path(alice.workspace) / "documents" / "cv-alice.txt").write_text("CV d'Alice\n", encoding="utf-8")
    for visit in (alice, bruno):
        hand_in(data, EPREUVE, visit.slug, Path(visit.workspace))
    assert all(r.ok for r in collect_epreuves(course, [EPREUVE], progress=_quiet))
    assert all(r.ok for r in grade_group(course, [EPREUVE], progress=_quiet, jobs=2))
    assert all(r.ok for r in give_feedback(course, progress=_quiet))
    return {"data": data, "layout": layout, "alice": alice, "bruno": bruno, "world": world}


def _progress(course_data: dict, who: str) -> LearnerProgress:
    return learner_progress(
        course_data[who],
        discover_pages(NOTEBOOKS_DIR, "lecons"),
        discover_pages(NOTEBOOKS_DIR, "epreuves"),
        root=course_data["data"],
        folder=NOTEBOOKS_DIR,
        world=course_data["world"],
    )


def _lines(progress: LearnerProgress) -> dict:
    return {line.id: line for area in progress.areas for line in area.competences}


def test_every_real_lesson_names_its_activity() -> None:
    lessons = sorted((NOTEBOOKS_DIR / "lecons").glob("*.ipynb"))
    activities = [lesson_activity(path) for path in lessons]
    assert activities[0] == SEARCH_LESSON and activities[5] == "lecon-courriel-candidature"
    assert all(activities) and len(set(activities)) == len(lessons)


def test_progress_per_competence_from_workspace_and_gradebook(course_data: dict) -> None:
    alice, bruno = _progress(course_data, "alice"), _progress(course_data, "bruno")
    lines = _lines(alice)
    assert len(lines) == COMPETENCES and [area.name for area in alice.areas][0] == "Rechercher un emploi"
    assert lines["R1"].status == "validated" and lines["R1"].level in ("N1", "N2", "N3")
    assert lines["R2"].status in ("validated", "in_progress") and lines["R2"].passed > 0
    assert lines["C1"].status == "not_started" and lines["C1"].passed == 0 and lines["C1"].total > 0
    rushed = _lines(bruno)
    assert rushed["R2"].status == "in_progress" and rushed["R2"].passed < lines["R2"].passed
    assert rushed["R1"].passed < lines["R1"].passed and rushed["R1"].level != lines["R1"].level
    assert rushed["D1"].status == "not_started"


def test_next_steps_lesson_then_retake_date(course_data: dict) -> None:
    alice, bruno = _progress(course_data, "alice"), _progress(course_data, "bruno")
    assert 1 <= len(alice.suggestions) <= 3
    assert alice.suggestions[0].page.path == "lecons/02-trier-comparer-enregistrer.ipynb"
    assert bruno.suggestions[0].page.path == "lecons/01-chercher-des-offres.ipynb"
    later = [s.text for s in bruno.suggestions if "repasser" in s.text]
    assert later and "à partir du" in later[0]  # failed once: the retake waits 7 days
    assert not any("repasser" in s.text for s in alice.suggestions)  # passed: nothing to retake


def test_each_learner_reads_only_their_own_sanitized_feedback(course_data: dict) -> None:
    alice, bruno = _progress(course_data, "alice"), _progress(course_data, "bruno")
    assert [page.epreuve for page in alice.feedback] == [EPREUVE]
    assert [page.epreuve for page in bruno.feedback] == [EPREUVE]
    mine, theirs = alice.feedback[0], bruno.feedback[0]
    assert mine.points is not None and theirs.points is not None and mine.points > theirs.points
    assert mine.body != theirs.body
    for body in (mine.body, theirs.body):
        assert "<script" not in body and "<style" not in body and "=" not in re.sub(r">[^<]*<", "><", body)
        assert "Résultat" in body or "point" in body
    exchange = course_data["layout"].exchange_dir / course_data["layout"].course_id
    assert released_feedback(exchange, "alice") == []  # a prefix of a slug is nobody
    assert released_feedback(exchange, "nobody") == []


def test_sanitize_keeps_text_drops_scripts_and_attributes() -> None:
    page = (
        "<html><head><title>x</title><style>p{}</style><script>alert(1)</script></head><body>"
        '<div class="jp-InputPrompt">In [1]:</div><h2 onclick="x()">Bravo</h2>'
        '<p style="a">Bien <b>joué</b> &lt;moi&gt;</p><img src=x onerror=alert(2)><script>evil()</script>'
        "</body></html>"
    )
    assert sanitize(page) == "<h3>Bravo</h3><p>Bien <b>joué</b> &lt;moi&gt;</p>"


def test_home_page_renders_progress_and_zips_documents(course_data: dict, tmp_path: Path) -> None:
    folder = build_notebooks(tmp_path / "served")

    def provider(visit, lessons, epreuves):
        return learner_progress(
            visit, lessons, epreuves, root=course_data["data"], folder=folder, world=course_data["world"]
        )

    page = HomePage(course_data["data"], folder, course_data["alice"], progress=provider)
    shown = page.progress.value
    assert "Où j&#x27;en suis" in shown or "Où j'en suis" in shown
    assert shown.count("<tr data-competence=") == COMPETENCES and 'role="img"' in shown
    assert "Validée au niveau" in shown and "Pas encore commencée" in shown
    assert "Mes retours" in shown and "<details" in shown
    page.on_documents()
    link = page.documents_link.value
    encoded = re.search(r'href="data:application/zip;base64,([^"]+)"', link).group(1)
    names = zipfile.ZipFile(BytesIO(base64.b64decode(encoded))).namelist()
    assert "cv-alice.txt" in names


def test_english_titles_come_from_title_en(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    notebook = tmp_path / "page.ipynb"
    titles = {"title": "Chercher", "title_en": "Search"}
    notebook.write_text(json.dumps({"cells": [], "metadata": {"tremplin": titles}}), encoding="utf-8")
    assert notebook_title(notebook) == "Chercher"
    monkeypatch.setenv("TREMPLIN_LANG", "en")
    assert notebook_title(notebook) == "Search"
    notebook.write_text(
        json.dumps({"cells": [], "metadata": {"tremplin": {"title": "Chercher"}}}), encoding="utf-8"
    )
    assert notebook_title(notebook) == "Chercher"


# -- in a real kiosk ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory: pytest.TempPathFactory, course_data: dict) -> Iterator[Kiosk]:
    tmp = tmp_path_factory.mktemp("home-kiosk")
    served = build_notebooks(tmp / "notebooks")
    epreuve = {
        "cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Chercher des offres"}],
        "metadata": {"tremplin": {"title": "Épreuve : chercher des offres"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (served / "epreuves" / f"{EPREUVE}.ipynb").write_text(json.dumps(epreuve), encoding="utf-8")
    server = start_kiosk(tmp, notebooks=served, data=course_data["data"])
    yield server
    server.stop()


def _sign_in(page, kiosk: Kiosk, pseudonym: str, code: str) -> None:
    page.goto(kiosk.url)
    page.get_by_label("Votre pseudonyme").fill(pseudonym)
    page.get_by_label("Votre code").fill(code)
    page.get_by_role("button", name="Ouvrir mon espace").click()


@pytest.mark.slow
def test_a_learner_sees_progress_next_step_feedback_and_documents(kiosk: Kiosk, browser) -> None:
    page = browser.new_page()
    try:
        _sign_in(page, kiosk, *ALICE)
        heading = page.get_by_role("heading", name="Où j'en suis")
        heading.wait_for(timeout=WIDGETS_TIMEOUT_MS)
        row = page.locator('tr[data-competence="R1"]')
        assert "Validée au niveau" in row.inner_text()
        assert page.locator("tr[data-competence]").count() == COMPETENCES
        assert page.get_by_role("heading", name="Et maintenant ?").is_visible()
        summary = page.locator("details.tremplin-home-feedback summary")
        assert "chercher des offres" in summary.inner_text()
        summary.click()
        details = page.locator("details.tremplin-home-feedback")
        assert details.get_attribute("open") is not None and "point" in details.inner_text()
        page.get_by_role("button", name="Télécharger mes documents").click()
        link = page.locator("a.tremplin-download")
        link.wait_for(timeout=WIDGETS_TIMEOUT_MS)
        with page.expect_download() as caught:
            link.click()
        assert caught.value.suggested_filename == "mes-documents.zip"
        alice_feedback = details.inner_text()
        found = axe_violations(page)
        assert not found, describe(found)

        page.get_by_role("button", name="Terminer ma visite").click()
        page.get_by_text("Rien ne reste sur cet ordinateur").wait_for(timeout=WIDGETS_TIMEOUT_MS)
        _sign_in(page, kiosk, *BRUNO)
        page.get_by_role("heading", name="Où j'en suis").wait_for(timeout=WIDGETS_TIMEOUT_MS)
        assert page.locator("details.tremplin-home-feedback").count() == 1
        page.locator("details.tremplin-home-feedback summary").click()
        assert page.locator("details.tremplin-home-feedback").inner_text() != alice_feedback
        assert "repasser" in page.locator(".tremplin-home-next").inner_text()
    finally:
        page.close()


def test_without_a_course_progress_is_formative_only(root: Path, world) -> None:
    visit = create_learner("Chloé Neuve", "4826", root)
    lessons, epreuves = discover_pages(NOTEBOOKS_DIR, "lecons"), discover_pages(NOTEBOOKS_DIR, "epreuves")
    progress = learner_progress(visit, lessons, epreuves, root=root, folder=NOTEBOOKS_DIR, world=world)
    assert {line.status for line in _lines(progress).values()} == {"not_started"}
    assert [s.page.path for s in progress.suggestions] == ["lecons/01-chercher-des-offres.ipynb"]
    assert progress.feedback == ()


def test_a_review_waiting_and_a_retake_allowed_are_suggested() -> None:
    from datetime import UTC, datetime, timedelta

    from tremplin.grading.attempts import Attempt
    from tremplin.grading.course_settings import CourseSettings
    from tremplin.grading.gradebook_report import CompetenceTally
    from tremplin.grading.learner_progress import CourseView, suggestions
    from tremplin.grading.retake import decide
    from tremplin.widgets.home_progress import PageLink

    now = datetime.now(UTC)
    failed = [Attempt("x", EPREUVE, now - timedelta(days=30), 2.0, 10.0, False)]
    view = CourseView(
        tallies={"R1": CompetenceTally(pending_reviews=[f"{EPREUVE}/relecture"])},
        handed_in=frozenset({EPREUVE}),
        released=frozenset({EPREUVE}),
        decisions={EPREUVE: decide(failed, CourseSettings(), now)},
    )
    page = PageLink("Épreuve : chercher", f"epreuves/{EPREUVE}.ipynb")
    found = suggestions([], [page], set(), set(), view)
    assert [s.text for s in found] == [
        "Vous pouvez repasser cette épreuve :",
        "Votre médiateur ou médiatrice doit encore relire une partie de « Épreuve : chercher ». "
        "Vous n'avez rien à faire : le résultat arrivera ensuite.",
    ]
    assert found[0].page == page


def test_an_epreuve_is_suggested_once_its_lessons_are_passed() -> None:
    from tremplin.grading.learner_progress import CourseView, activity_specs, suggestions
    from tremplin.widgets.home_progress import PageLink

    lessons = [
        (PageLink("Chercher", "lecons/01.ipynb"), SEARCH_LESSON),
        (PageLink("Trier", "lecons/02.ipynb"), "lecon-trier-comparer"),
    ]
    epreuve = PageLink("Épreuve : chercher", f"epreuves/{EPREUVE}.ipynb")
    started = {SEARCH_LESSON, "lecon-trier-comparer"}
    all_passed = {spec.id for _page, activity in lessons for spec in activity_specs(activity)}
    found = suggestions(lessons, [epreuve], started, all_passed, CourseView())
    assert [(s.text, s.page) for s in found] == [(t("home.next_epreuve"), epreuve)]
    not_yet = suggestions(lessons, [epreuve], started, all_passed - {next(iter(all_passed))}, CourseView())
    assert not_yet == ()
    handed = CourseView(handed_in=frozenset({EPREUVE}))
    assert suggestions(lessons, [epreuve], started, all_passed, handed) == ()
