"""English at the kiosk, in a real kiosk and a real chromium: the switch, the visit, the lesson.

The kiosk serves the real home page and one small bilingual lesson of this test (a French
markdown cell followed by its English cell tagged `lang-en`, a French cell with no English,
and a code cell that prints the kernel's locale), so the real lessons' kernels are not started.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from test_kiosk_support import Kiosk, browser_context, served_pages, start_kiosk
from tremplin.grading.browser import WIDGETS_TIMEOUT_MS
from tremplin.widgets.visit_code import create_learner

pytestmark = pytest.mark.slow

LESSON = "lecons/01-langue.ipynb"
PSEUDONYM, CODE = "Ana Bilingue", "4821"
#: A page is sent once its cells ran, and its widgets come after: slow on a busy 2-core machine.
PAGE_MS = 2 * WIDGETS_TIMEOUT_MS

KERNEL_SOURCE = """\
from IPython.display import HTML, display
from tremplin.widgets.i18n import current_locale, t
from tremplin.widgets.visit import current_visit

visit = current_visit()
display(HTML('<p id="kernel-lang">' + current_locale() + '</p><p>' + t("kiosk.back_home") + '</p>'))
"""


def cell(kind: str, source: str, tags: tuple[str, ...] = ()) -> dict:
    made = {"cell_type": kind, "metadata": {"tags": list(tags)}, "source": source}
    if kind == "code":
        made.update(execution_count=None, outputs=[])
    return made


def bilingual_lesson() -> dict:
    cells = [
        cell("markdown", "## Écrire un courriel\n\nUn courriel commence par une formule de politesse."),
        cell("markdown", "## Writing an email\n\nAn email starts with a greeting.", ("lang-en",)),
        cell("markdown", "Astuce : relisez-vous avant d'envoyer."),
        cell(
            "code",
            "from tremplin.widgets.visit import wait_for_visitor\nwait_for_visitor()",
            ("tremplin-wait-for-visitor",),
        ),
        cell("code", KERNEL_SOURCE),
    ]
    kernelspec = {"display_name": "Python 3", "language": "python", "name": "python3"}
    metadata = {
        "kernelspec": kernelspec,
        "language_info": {"name": "python"},
        "tremplin": {"title": "Leçon bilingue", "title_en": "Bilingual lesson"},
    }
    return {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kiosk]:
    tmp = tmp_path_factory.mktemp("language-browser")
    notebooks = served_pages(tmp, ())  # the home page and one lesson: two preheated kernels
    (notebooks / "lecons").mkdir()
    (notebooks / LESSON).write_text(json.dumps(bilingual_lesson()), encoding="utf-8")
    server = start_kiosk(tmp, notebooks=notebooks)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def page(browser) -> Iterator[object]:
    with browser_context(browser, navigation_ms=PAGE_MS) as context:
        yield context.new_page()


def ready(page, says: str) -> None:
    """Wait until the page's cells are shown (the live region says so in the page's language)."""
    expect(page.locator("#tremplin-status")).to_have_text(says, timeout=PAGE_MS)


def visit_file(kiosk: Kiosk, url: str) -> dict:
    token = re.search(r"visit=([A-Za-z0-9_-]{43})", url).group(1)
    return json.loads((kiosk.data / "visits" / f"{token}.json").read_text(encoding="utf-8"))


def test_english_from_the_switch_through_sign_in_and_a_lesson_then_back(kiosk: Kiosk, page) -> None:
    create_learner(PSEUDONYM, CODE, kiosk.data)
    page.goto(kiosk.url + "voila/render/accueil.ipynb")
    ready(page, "La page est prête.")
    switch = page.get_by_role("link", name="English", exact=True)
    assert page.locator("html").get_attribute("lang") == "fr"
    assert switch.locator("[lang]").get_attribute("lang") == "en"

    # The switch is a link: reached from the keyboard, followed with Enter.
    switch.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"accueil\.ipynb\?lang=en$"))
    ready(page, "The page is ready.")
    assert page.locator("html").get_attribute("lang") == "en"
    header = page.locator("header.tremplin-header")
    expect(header.get_by_role("link", name="Back to the home page")).to_be_visible()
    back = header.get_by_role("link", name="Français", exact=True)
    assert back.locator("[lang]").get_attribute("lang") == "fr"
    # The words shown later are English too: the inactivity dialog, the kernel-lost alert.
    assert page.locator("#tremplin-idle-title").text_content() == "Are you still there?"
    assert page.locator("#tremplin-idle-continue").text_content() == "Continue"
    assert "your visit will end in" in page.locator("#tremplin-idle-text").text_content()
    assert "Reload the page" in page.locator("#tremplin-kernel-lost").text_content()
    assert "Cette page" not in page.locator("#tremplin-kernel-lost").text_content()

    # Signing in on the English page: the home page's widgets speak English, the visit remembers it.
    page.get_by_label("Your pseudonym", exact=True).fill(PSEUDONYM)
    page.get_by_label("Your code", exact=True).fill(CODE)
    page.get_by_role("button", name="Open my space").click()
    lesson_link = page.locator(f'a[href*="{LESSON}"]')
    lesson_link.wait_for(timeout=PAGE_MS)
    href = lesson_link.get_attribute("href")
    assert "lang=en" in href and "visit=" in href
    assert visit_file(kiosk, href)["language"] == "en"
    expect(back).to_have_attribute("href", re.compile(r"visit=.*lang=fr"))  # keeps the visit now known

    # The lesson opened from the home page is English: English text for the paired cell, the
    # French one with no English stays, the kernel speaks English.
    lesson_link.click()
    ready(page, "The page is ready.")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.locator("#kernel-lang")).to_have_text("en", timeout=PAGE_MS)
    expect(page.get_by_role("heading", name="Writing an email")).to_be_visible()
    expect(page.get_by_role("heading", name="Écrire un courriel")).to_be_hidden()
    expect(page.get_by_text("Astuce : relisez-vous")).to_be_visible()
    assert page.locator("a.tremplin-brand").get_attribute("href").endswith("lang=en")
    before = visit_file(kiosk, page.url)

    # « Français »: the same lesson, the same visit, in French; the visit remembers it.
    page.locator("header").get_by_role("link", name="Français", exact=True).click()
    page.wait_for_url(re.compile(r"lang=fr"))
    ready(page, "La page est prête.")
    assert "visit=" in page.url and visit_file(kiosk, page.url) == {**before, "language": "fr"}
    assert page.locator("html").get_attribute("lang") == "fr"
    expect(page.locator("#kernel-lang")).to_have_text("fr", timeout=PAGE_MS)
    expect(page.get_by_role("heading", name="Écrire un courriel")).to_be_visible()
    expect(page.get_by_role("heading", name="Writing an email")).to_be_hidden()
    expect(page.locator("header").get_by_role("link", name="Retour à l'accueil")).to_be_visible()
    assert page.locator("#tremplin-idle-title").text_content() == "Êtes-vous toujours là ?"


def test_an_english_visit_ends_in_english(kiosk: Kiosk, page) -> None:
    create_learner("Ben Goodbye", "6150", kiosk.data)
    page.goto(kiosk.url + "voila/render/accueil.ipynb?lang=en")
    ready(page, "The page is ready.")
    page.get_by_label("Your pseudonym", exact=True).fill("Ben Goodbye")
    page.get_by_label("Your code", exact=True).fill("6150")
    page.get_by_role("button", name="Open my space").click()
    lesson_link = page.locator(f'a[href*="{LESSON}"]')
    lesson_link.wait_for(timeout=PAGE_MS)
    token = re.search(r"visit=([A-Za-z0-9_-]{43})", lesson_link.get_attribute("href")).group(1)
    end = page.locator("header").get_by_role("link", name="End my visit")
    expect(end).to_be_visible()
    end.click()
    page.get_by_text("Your visit has ended. Nothing stays on this computer").wait_for(timeout=PAGE_MS)
    assert page.locator("html").get_attribute("lang") == "en" and page.url.endswith("accueil.ipynb?lang=en")
    assert "Rien ne reste" not in page.locator("body").inner_text()
    assert not (kiosk.data / "visits" / f"{token}.json").exists()


def test_a_bad_language_in_the_address_means_french(kiosk: Kiosk, page) -> None:
    """One bad value here (each page needs a fresh kernel); tests/test_visit.py tries more."""
    page.goto(kiosk.url + f"voila/render/{LESSON}?lang=<script>alert(1)</script>")
    ready(page, "La page est prête.")
    assert page.locator("html").get_attribute("lang") == "fr"
    expect(page.locator("#kernel-lang")).to_have_text("fr", timeout=PAGE_MS)
    expect(page.get_by_role("heading", name="Écrire un courriel")).to_be_visible()
    expect(page.get_by_role("heading", name="Writing an email")).to_be_hidden()
    assert page.locator("header").get_by_role("link", name="English", exact=True).is_visible()


def test_plain_pages_switch_too(kiosk: Kiosk, page) -> None:
    page.goto(kiosk.url + "voila/render/nope.ipynb")
    assert page.locator("html").get_attribute("lang") == "fr"
    expect(page.get_by_role("heading", name="Cette page n'existe pas")).to_be_visible()
    page.get_by_role("link", name="English", exact=True).click()
    page.wait_for_url(re.compile(r"nope\.ipynb\?lang=en$"))
    expect(page.get_by_role("heading", name="This page does not exist")).to_be_visible()
    assert (
        page.locator("html").get_attribute("lang") == "en" and page.title() == "Tremplin — page unavailable"
    )
    home = page.get_by_role("link", name="Go back to the home page")
    assert home.get_attribute("href").endswith("accueil.ipynb?lang=en")
    assert page.get_by_role("link", name="Français", exact=True).get_attribute("href").endswith("?lang=fr")
    # The folder view sends an English reader to the English home page.
    page.goto(kiosk.url + "voila/tree?lang=en", wait_until="commit")
    page.wait_for_url(re.compile(r"accueil\.ipynb\?lang=en$"), wait_until="commit")
