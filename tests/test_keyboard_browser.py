"""A keyboard-only journey through the real searching lesson, in Debian's chromium.

Only Tab, Shift+Tab, Enter, Space, arrows and typing: reach the search box, type a job,
search, open an offer, save it, press « Vérifier » and find the result in the live region.
Every element the keyboard lands on must show a focus ring, and the keyboard must be able
to leave every place it enters (no trap).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from a11y_support import axe_violations, describe
from playwright.sync_api import expect
from test_kiosk_support import SCREEN, SEARCH_LESSON, Kiosk, browser_context
from tremplin.grading.browser import WIDGETS_TIMEOUT_MS
from tremplin.grading.scenarios import search_scenario
from tremplin.widgets.visit import page_url, start_visit

pytestmark = pytest.mark.slow
LESSON = SEARCH_LESSON
#: Enough presses to cross the lesson's form and one page of results, far from a real trap.
MAX_TABS = 120

#: Counts the changes of the results' live region from now on (each change is announced).
COUNT_SAID = """() => {
    window.tremplinSaid = 0;
    const region = document.querySelector(".tremplin-feedback-output[role=status]");
    new MutationObserver(() => { if (region.textContent.trim()) { window.tremplinSaid += 1; } })
        .observe(region, {childList: true, characterData: true, subtree: true});
}"""
#: What the keyboard is on: its name as a person would read it, and how its focus is drawn.
FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) { return null; }
    const style = getComputedStyle(el);
    const label = el.labels && el.labels.length ? el.labels[0].textContent : "";
    return {
        tag: el.tagName.toLowerCase(),
        name: (label || el.getAttribute("aria-label") || el.textContent || "").trim(),
        outline: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
        shadow: style.boxShadow,
        path: el.id || el.className || el.tagName,
    };
}"""


@pytest.fixture
def kiosk(search_kiosk: Kiosk) -> Kiosk:
    return search_kiosk


@pytest.fixture(scope="module")
def page(browser) -> Iterator[object]:
    with browser_context(browser, viewport=SCREEN, timeout_ms=WIDGETS_TIMEOUT_MS) as context:
        yield context.new_page()


def focused(page) -> dict | None:
    return page.evaluate(FOCUSED)


def tab_to(page, tag: str, name: str, *, backwards: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until the keyboard is on `tag` named `name` (its start);
    every stop on the way must show its focus."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        now = focused(page)
        if now is None:
            continue
        assert now["outline"] >= 2 or now["shadow"] != "none", f"no visible focus on {now}"
        if now["tag"] == tag and now["name"].startswith(name):
            return now
    raise AssertionError(f"{key} never reached the {tag} « {name} »")


def test_a_lesson_from_search_to_check_with_the_keyboard_only(kiosk: Kiosk, page, world) -> None:
    visit = start_visit("Clara Clavier", kiosk.data)
    scenario = search_scenario(world, visit.pseudonym, "lecon-chercher-offres")
    page.goto(kiosk.url.rstrip("/") + page_url(LESSON, visit))
    page.get_by_role("button", name="Rechercher").wait_for()
    found = axe_violations(page)  # the toggles and focus rings keep the page at WCAG 2.1 AA
    assert not found, describe(found)

    # The header first: its links and the display toggles are on the way, and visible.
    tab_to(page, "button", "Grands caractères")
    # The search box, a job typed in; the search is sent from its button.
    tab_to(page, "input", "Mots-clés")
    page.keyboard.type(scenario.job.split()[0])
    tab_to(page, "select", "Contrat")
    every_contract = page.evaluate("document.activeElement.value")
    page.keyboard.press("ArrowDown")  # arrows choose in a list (here: the first contract)
    assert page.evaluate("document.activeElement.value") != every_contract
    page.keyboard.press("ArrowUp")  # and back to every contract
    assert page.evaluate("document.activeElement.value") == every_contract
    tab_to(page, "button", "Rechercher")
    page.keyboard.press("Enter")
    page.get_by_text("offres trouvées").first.wait_for()

    # Open the first offer, then save it (Space on a button works like Enter).
    tab_to(page, "button", "Voir l'offre")
    page.keyboard.press("Enter")
    page.locator("section dl dt", has_text="Employeur").first.wait_for()
    expect(page.get_by_role("status").filter(has_text="est affichée plus bas")).to_have_count(1)
    tab_to(page, "button", "Enregistrer")
    page.keyboard.press("Space")
    page.get_by_text("Ma sélection").first.wait_for()

    # « Vérifier » at the bottom; its result is said by the panel's output, a polite live region
    # from its first drawing (a region inserted with its message is not announced by every reader).
    region = page.locator(".tremplin-feedback-output[role=status][aria-live=polite][aria-atomic=true]")
    expect(region).to_have_count(1)
    tab_to(page, "button", "Vérifier")
    page.keyboard.press("Enter")
    result = region.locator('[data-tremplin-announced="status"]')
    result.get_by_text("Parmi les offres enregistrées").wait_for()
    assert "étape(s) réussie(s) sur 7" in result.inner_text()
    assert result.get_attribute("role") is None  # said once, by the panel's region
    page.evaluate(COUNT_SAID)
    page.keyboard.press("Enter")  # the same check again: the region changes, so it is said again
    page.wait_for_function("window.tremplinSaid >= 1")
    assert "étape(s) réussie(s) sur 7" in region.inner_text()

    # No trap: Shift+Tab climbs back to the header, Tab goes on to the end of the page.
    tab_to(page, "input", "Mots-clés", backwards=True)
    tab_to(page, "button", "Vérifier")
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if focused(page) is None:
            break
    else:
        raise AssertionError("the keyboard never left the end of the page")
