"""The home page widget, driven without a browser: pseudonym, lessons, end of visit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tremplin.widgets.home import HomePage, discover_pages, notebook_title, show_home
from tremplin.widgets.visit import load_visit, start_visit


def write_notebook(path: Path, cells: list[dict], metadata: dict | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"cells": cells, "metadata": metadata or {}, "nbformat": 4, "nbformat_minor": 5}),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    pages = tmp_path / "notebooks"
    heading = {"cell_type": "markdown", "source": ["## Écrire un mail\n"]}
    write_notebook(pages / "lecons" / "02-ecrire.ipynb", [heading])
    write_notebook(pages / "lecons" / "01-chercher.ipynb", [], {"tremplin": {"title": "Chercher des offres"}})
    write_notebook(pages / "epreuves" / "chercher-offres.ipynb", [{"cell_type": "code", "source": "x = 1"}])
    return pages


@pytest.fixture(autouse=True)
def outside_voila(monkeypatch: pytest.MonkeyPatch) -> None:
    names = ("QUERY_STRING", "TREMPLIN_WORKSPACE", "VOILA_PREHEAT", "VOILA_BASE_URL", "TREMPLIN_NOTEBOOKS")
    for name in names:
        monkeypatch.delenv(name, raising=False)


def test_titles_come_from_metadata_then_heading_then_file_name(folder: Path, tmp_path: Path) -> None:
    assert [(p.title, p.path) for p in discover_pages(folder, "lecons")] == [
        ("Chercher des offres", "lecons/01-chercher.ipynb"),
        ("Écrire un mail", "lecons/02-ecrire.ipynb"),
    ]
    assert [p.title for p in discover_pages(folder, "epreuves")] == ["Chercher offres"]
    assert discover_pages(folder, "absent") == []
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{nope", encoding="utf-8")
    assert notebook_title(broken) == "Broken"


def test_the_real_lessons_are_listed() -> None:
    from tremplin import NOTEBOOKS_DIR

    lessons = discover_pages(NOTEBOOKS_DIR, "lecons")
    if (NOTEBOOKS_DIR / "lecons" / "01-chercher-des-offres.ipynb").exists():
        assert ("Chercher des offres d'emploi", "lecons/01-chercher-des-offres.ipynb") in [
            (p.title, p.path) for p in lessons
        ]


def first_visit(page: HomePage, pseudonym: str) -> str:
    """« C'est ma première visite », a pseudonym, the proposed code, « Commencer »: the code."""
    page.on_first_visit()
    code = page.new_code.value
    page.new_pseudonym.value = pseudonym
    page.on_start()
    return code


def test_first_visit_proposes_a_code_then_shows_the_lessons(folder: Path, tmp_path: Path) -> None:
    page = HomePage(tmp_path / "data", folder)
    assert page.form.layout.display is None and page.session.layout.display == "none"
    assert page.first_form.layout.display == "none"
    assert "Bienvenue sur Tremplin" in page.welcome.value
    page.on_first_visit()
    assert page.form.layout.display == "none" and page.first_form.layout.display is None
    code = page.new_code.value
    assert len(code) == 4 and code.isdigit()
    page.new_pseudonym.value = "Camille"
    page.on_start()
    assert page.visit is not None and load_visit(page.visit.token, tmp_path / "data") == page.visit
    assert page.form.layout.display == "none" and page.first_form.layout.display == "none"
    assert page.session.layout.display is None
    html = page.pages.value
    assert "Bonjour Camille" in html and f"Votre code est {code}" in html
    assert f'data-tremplin-visit="{page.visit.token}"' in html
    assert f'href="/voila/render/lecons/01-chercher.ipynb?visit={page.visit.token}"' in html
    assert f'href="/voila/render/epreuves/chercher-offres.ipynb?visit={page.visit.token}"' in html
    assert html.index("Chercher des offres") < html.index("crire un mail")
    assert page.new_code.value == "" and page.new_pseudonym.value == ""


def test_a_returning_learner_signs_in_with_pseudonym_and_code(folder: Path, tmp_path: Path) -> None:
    code = first_visit(HomePage(tmp_path / "data", folder), "Camille")
    page = HomePage(tmp_path / "data", folder)
    page.pseudonym.value, page.code.value = "camille", str((int(code) + 1) % 10_000).zfill(4)
    page.on_sign_in()
    assert page.visit is None and 'role="alert"' in page.message.value
    assert "ne correspond pas" in page.message.value and page.code.value == ""
    page.code.value = code
    page.on_sign_in()
    assert page.visit is not None and page.visit.slug == "camille"
    assert "Bonjour Camille" in page.pages.value and "Votre code est" not in page.pages.value
    assert page.message.value == "" and page.code.value == ""


def test_six_wrong_codes_say_to_wait(folder: Path, tmp_path: Path) -> None:
    first_visit(HomePage(tmp_path / "data", folder), "Camille")
    page = HomePage(tmp_path / "data", folder)
    for _ in range(6):
        page.pseudonym.value, page.code.value = "Camille", "000000"
        page.on_sign_in()
    assert page.visit is None and "attendez 15 minute" in page.message.value


def test_invalid_pseudonym_or_taken_one_shows_the_french_reason(folder: Path, tmp_path: Path) -> None:
    page = HomePage(tmp_path / "data", folder)
    page.on_first_visit()
    page.new_pseudonym.value = "<b>moi</b>"
    page.on_start()
    assert page.visit is None
    assert 'role="alert"' in page.message.value and "pseudonyme" in page.message.value.lower()
    assert not (tmp_path / "data" / "learners").exists()
    first_visit(HomePage(tmp_path / "data", folder), "Camille")
    page.new_pseudonym.value = "Camille"
    page.on_start()
    assert page.visit is None and "déjà pris" in page.message.value
    page.on_back()
    assert page.form.layout.display is None and page.first_form.layout.display == "none"
    assert page.message.value == ""


def test_end_visit_forgets_the_token_and_marks_the_end_for_the_browser(folder: Path, tmp_path: Path) -> None:
    page = HomePage(tmp_path / "data", folder)
    first_visit(page, "Camille")
    token = page.visit.token
    page.on_end()
    assert load_visit(token, tmp_path / "data") is None
    assert page.visit is None and page.pseudonym.value == ""
    assert "Rien ne reste sur cet ordinateur" in page.message.value
    assert 'data-tremplin-ended="terminee"' in page.message.value
    assert page.form.layout.display is None and page.session.layout.display == "none"
    assert token not in page.pages.value


def test_show_home_opens_on_the_lessons_when_the_url_carries_a_visit(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    visit = start_visit("Camille", tmp_path / "data")
    monkeypatch.setenv("QUERY_STRING", f"visit={visit.token}")
    shown: list[object] = []
    assert show_home(tmp_path / "data", folder, display=shown.append) is None
    assert len(shown) == 1 and "Bonjour Camille" in shown[0].children[-1].children[0].value


@pytest.mark.parametrize(
    ("reason", "says"), [("inactivite", "pas été utilisé"), ("terminee", "Rien ne reste")]
)
def test_an_address_with_fin_ends_its_visit_and_says_why(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reason: str, says: str
) -> None:
    visit = start_visit("Camille", tmp_path / "data")
    monkeypatch.setenv("QUERY_STRING", f"visit={visit.token}&fin={reason}")
    shown: list[object] = []
    show_home(tmp_path / "data", folder, display=shown.append)
    assert load_visit(visit.token, tmp_path / "data") is None
    box = shown[0]
    message, form, session = box.children[1], box.children[2], box.children[-1]
    assert says in message.value and "data-tremplin-ended" not in message.value
    assert form.layout.display is None and session.layout.display == "none"
    assert "Camille" not in session.children[0].value
    monkeypatch.setenv("QUERY_STRING", "fin=inactivite")  # a page whose visit already ended
    show_home(tmp_path / "data", folder, display=shown.append)
    assert "pas été utilisé" in shown[1].children[1].value


def test_progress_comes_from_the_provider_and_a_failure_stays_kind(folder: Path, tmp_path: Path) -> None:
    from tremplin.widgets.home_progress import Area, CompetenceLine, LearnerProgress, Suggestion

    seen: list[tuple[str, list[str]]] = []

    def provider(visit, lessons, epreuves) -> LearnerProgress:
        seen.append((visit.pseudonym, [page.path for page in lessons]))
        line = CompetenceLine("R1", "Chercher <des> offres", "in_progress", 2, 5)
        return LearnerProgress((Area("Rechercher", (line,)),), (Suggestion("Continuez :", lessons[0]),))

    page = HomePage(tmp_path / "data", folder, progress=provider)
    first_visit(page, "Camille")
    assert seen == [("Camille", ["lecons/01-chercher.ipynb", "lecons/02-ecrire.ipynb"])]
    shown = page.progress.value
    assert "En cours : 2 étape(s) réussie(s) sur 5." in shown and "Chercher &lt;des&gt; offres" in shown
    assert 'style="display:block;height:100%;width:40%' in shown and 'role="img"' in shown
    assert f'href="/voila/render/lecons/01-chercher.ipynb?visit={page.visit.token}"' in shown
    assert "Pas encore de retour" in shown
    page.on_documents()
    assert "est vide pour le moment" in page.documents_link.value

    def broken(visit, lessons, epreuves) -> LearnerProgress:
        raise RuntimeError("secret_traceback_marker")

    page = HomePage(tmp_path / "data", folder, progress=broken)
    first_visit(page, "Dominique")
    assert "n&#x27;a pas pu s&#x27;afficher" in page.progress.value
    assert "secret_traceback_marker" not in page.progress.value and "Traceback" not in page.progress.value
    page.on_end()
    assert page.progress.value == ""
