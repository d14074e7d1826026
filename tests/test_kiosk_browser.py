"""A learner's journey in a real browser: home page, pseudonym, lessons, a lesson, the end.

Uses Debian's chromium through Playwright (Playwright's own browser download does not
work on these machines). No skip: a missing chromium is a failed set-up, and `make test`
installs it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from test_kiosk_support import LESSON_TITLE, Kiosk, start_kiosk
from tremplin.grading.browser import WIDGETS_TIMEOUT_MS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kiosk]:
    server = start_kiosk(tmp_path_factory.mktemp("kiosk-browser"))
    yield server
    server.stop()


def test_learner_starts_a_visit_opens_a_lesson_and_ends_the_visit(kiosk: Kiosk, browser) -> None:
    page = browser.new_page()
    outside: list[str] = []
    local = ("http://127.0.0.1", "data:")
    page.on("request", lambda r: None if r.url.startswith(local) else outside.append(r.url))
    try:
        page.goto(kiosk.url)  # `/` sends the learner to the home page
        page.wait_for_url(re.compile(r".*/voila/render/accueil\.ipynb"), timeout=WIDGETS_TIMEOUT_MS)
        field = page.get_by_label("Votre pseudonyme")
        field.wait_for(timeout=WIDGETS_TIMEOUT_MS)
        assert page.locator("html").get_attribute("lang") == "fr"
        assert page.locator("#tremplin-status").text_content() == "La page est prête."
        font_px = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert font_px >= 18

        page.get_by_role("button", name="C'est ma première visite").click()
        page.get_by_label("Choisissez un pseudonyme").fill("Zoé Navigateur")
        page.get_by_role("button", name="Commencer").click()
        lesson = page.get_by_role("link", name=LESSON_TITLE)
        lesson.wait_for(timeout=WIDGETS_TIMEOUT_MS)
        href = lesson.get_attribute("href")
        token = re.search(r"\?visit=([A-Za-z0-9_-]{43})$", href).group(1)
        assert (kiosk.data / "visits" / f"{token}.json").is_file()
        assert (kiosk.data / "learners" / "zoe-navigateur" / "profile.json").is_file()
        assert page.get_by_text("Bonjour Zoé Navigateur").is_visible()

        lesson.click()
        page.get_by_text("Bonjour Zoé Navigateur").wait_for(timeout=WIDGETS_TIMEOUT_MS)
        home = page.locator("a.tremplin-brand")
        assert home.get_attribute("href").endswith(f"accueil.ipynb?visit={token}")
        home.click()  # back home: the visit is remembered, no pseudonym asked again
        page.get_by_role("button", name="Terminer ma visite").click(timeout=WIDGETS_TIMEOUT_MS)
        page.get_by_text("Rien ne reste sur cet ordinateur").wait_for(timeout=WIDGETS_TIMEOUT_MS)
        assert not (kiosk.data / "visits" / f"{token}.json").exists()
        assert outside == []  # nothing fetched from a CDN or anywhere else
    finally:
        page.close()
