"""The kiosk as a learner's browser sees it over HTTP: one real `tremplin kiosk` per module."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_kiosk_support import EPREUVE_TITLE, SECRET_SOURCE, Kiosk, start_kiosk
from tremplin.widgets.visit import start_visit

pytestmark = pytest.mark.slow
HOME = "voila/render/accueil.ipynb"
CDN = re.compile(r"cdn|unpkg|jsdelivr|cdnjs|googleapis", re.IGNORECASE)
#: Attributes and CSS that make a browser fetch something.
FETCHED = re.compile(r"""(?:src|href)\s*=\s*["']?(https?://[^"'\s>]+)|url\(\s*["']?(https?://[^"')\s]+)|import\s+["'](https?://[^"']+)""")


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kiosk]:
    server = start_kiosk(tmp_path_factory.mktemp("kiosk"))
    yield server
    server.stop()


def shown(text: str, page: str) -> bool:
    """True if `text` is in the page as HTML or inside an output's JSON (Jinja's `tojson`)."""
    escaped = json.dumps(text)[1:-1]
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        escaped = escaped.replace(char, code)
    return text in page or escaped in page


def fetched_urls(page: str) -> list[str]:
    return [next(u for u in match if u) for match in FETCHED.findall(page)]


def test_announces_its_address_in_french_and_english(kiosk: Kiosk) -> None:
    output = kiosk.output()
    assert f"Tremplin est prêt : http://127.0.0.1:{kiosk.port}/" in output
    assert f"Tremplin is ready: http://127.0.0.1:{kiosk.port}/" in output
    assert (kiosk.data / "visits").is_dir() and (kiosk.data / "learners").is_dir()


@pytest.mark.parametrize("path", ["", "voila/tree", "voila/tree/lecons", "?classic-tree=true"])
def test_folder_views_send_learners_home_without_a_listing(kiosk: Kiosk, path: str) -> None:
    status, _, page = kiosk.get(path)
    assert status == 200
    assert '<html lang="fr">' in page
    assert f'url=/{HOME}"' in page and f'href="/{HOME}"' in page
    for name in ("boom.ipynb", "00-essai", "epreuves", "voila.json"):
        assert name not in page


def test_home_page_is_french_stripped_and_offline(kiosk: Kiosk) -> None:
    status, _, page = kiosk.get(HOME)
    assert status == 200
    assert '<html lang="fr">' in page
    assert "<title>Tremplin — accueil</title>" in page
    assert "Bienvenue sur Tremplin" in page
    assert 'aria-live="polite"' in page
    assert "Chargement de la page, merci de patienter…" in page
    assert "show_home" not in page and "wait_for_visitor" not in page  # strip_sources
    assert not CDN.search(page)
    assert [u for u in fetched_urls(page) if not u.startswith("http://127.0.0.1")] == []
    assert "tremplin.css" in page and "tremplin-header" in page


def test_url_cannot_change_theme_or_template(kiosk: Kiosk) -> None:
    for query in ("?theme=dark", "?template=reveal", "?template=classic&theme=dark"):
        status, _, page = kiosk.get(HOME + query)
        assert status == 200, query
        assert "theme-light tremplin" in page and "theme-dark" not in page, query
        assert "reveal" not in page.lower(), query
        assert "tremplin-header" in page, query


def test_a_failing_notebook_shows_no_traceback(kiosk: Kiosk) -> None:
    status, _, page = kiosk.get("voila/render/boom.ipynb")
    assert status == 200
    leaks = ("kiosk_boom_secret", "Traceback", "ValueError", "kiosk_boom()", "raise ", "There was an error")
    for leak in leaks:
        assert leak not in page, leak
    assert "Un problème est survenu sur cette page" in page and f'href="/{HOME}"' in page


def test_lesson_without_a_known_visit_says_so_kindly(kiosk: Kiosk) -> None:
    for query in ("", "?visit=" + "x" * 43, "?visit=../../etc/passwd"):
        status, _, page = kiosk.get("voila/render/lecons/00-essai.ipynb" + query)
        assert status == 200, query
        assert shown("Cette page ne sait pas qui vous êtes", page), query
        assert shown("Revenir à l&#x27;accueil", page) and HOME in page, query
        assert "Traceback" not in page and SECRET_SOURCE not in page, query


def test_lesson_knows_its_learner_from_the_visit_token(kiosk: Kiosk) -> None:
    visit = start_visit("Zoé Kiosque", kiosk.data)
    status, _, page = kiosk.get(f"voila/render/lecons/00-essai.ipynb?visit={visit.token}")
    assert status == 200
    assert shown("Bonjour Zoé Kiosque", page)


def test_unknown_pages_and_source_files_are_not_served(kiosk: Kiosk) -> None:
    status, _, page = kiosk.get("voila/render/nope.ipynb")
    assert status == 404
    assert "Cette page n'existe pas" in page and '<html lang="fr">' in page
    for path in ("voila/files/accueil.ipynb", "voila/files/voila/voila.json", "voila/files/voila/voila.py"):
        status, _, page = kiosk.get(path)
        assert status in (403, 404), path
        assert "tremplin.grading" not in page


def test_epreuve_title_comes_from_its_heading(kiosk: Kiosk) -> None:
    from tremplin.widgets.home import discover_pages

    assert [p.title for p in discover_pages(Path(kiosk.notebooks), "epreuves")] == [EPREUVE_TITLE]
