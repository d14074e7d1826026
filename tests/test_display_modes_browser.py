"""« Grands caractères » and « Contraste élevé » in Debian's chromium, on a real kiosk.

The toggles are real buttons of the header (tremplin-display.js): used with the keyboard,
they enlarge the page and its widgets by half, repaint it black, white and yellow (text at
7:1 at least, measured here from the computed colours), follow the learner to the next page
of the visit, and are forgotten with the rest when the visit ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from a11y_support import axe_violations, describe
from test_kiosk_support import SCREEN, SEARCH_LESSON, Kiosk, browser_context
from tremplin.grading.browser import WIDGETS_TIMEOUT_MS
from tremplin.widgets.visit import page_url, start_visit

from tremplin import NOTEBOOKS_DIR

pytestmark = pytest.mark.slow
LESSON = SEARCH_LESSON
SCRIPT = Path(NOTEBOOKS_DIR) / "voila" / "templates" / "tremplin" / "static" / "tremplin-display.js"
LARGE, CONTRAST = "Grands caractères", "Contraste élevé"
#: What the page reads on screen: the lesson's text, a field, its label, a button, a header link.
SAMPLES = {
    "text": "#rendered_cells .jp-RenderedMarkdown p",
    "field": "#rendered_cells .widget-text input",
    "label": "#rendered_cells .widget-text .widget-label",
    "button": "#rendered_cells .jupyter-button",
    "link": "header.tremplin-header a.tremplin-home-text",
}
#: Computed font size, text colour and the colour actually behind it (first painted ancestor).
LOOKS = """(selector) => {
    const el = document.querySelector(selector);
    if (!el) { return null; }
    const style = getComputedStyle(el);
    let back = el, fill = "rgba(0, 0, 0, 0)";
    while (back && (fill === "rgba(0, 0, 0, 0)" || fill === "transparent")) {
        fill = getComputedStyle(back).backgroundColor;
        back = back.parentElement;
    }
    return {size: parseFloat(style.fontSize), color: style.color, background: fill,
            border: parseFloat(style.borderTopWidth), borderColor: style.borderTopColor,
            borderStyle: style.borderTopStyle};
}"""
#: Boxes that cut what they hold (scrollbars or hidden overflow), and the page's own width.
CLIPPED = """() => {
    const cut = [];
    for (const el of document.querySelectorAll("header *, #rendered_cells *")) {
        if (el.offsetParent === null) { continue; }
        const style = getComputedStyle(el);
        const clips = style.overflowX !== "visible" || style.overflowY !== "visible";
        if (clips && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)) {
            cut.push(`${el.tagName}.${el.className} ${el.scrollWidth}x${el.scrollHeight}`);
        }
    }
    return {cut, wide: document.documentElement.scrollWidth > window.innerWidth};
}"""
#: Which modes <html> had when the page's main part was first built: set before, no flash.
FIRST_PAINT = """new MutationObserver((_changes, observer) => {
    if (document.getElementById("tremplin-main")) {
        window.tremplinModesAtMain = document.documentElement.className;
        observer.disconnect();
    }
}).observe(document, {childList: true, subtree: true});"""


def luminance(css: str) -> float:
    channels = [float(c) / 255 for c in css[css.index("(") + 1 : css.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.fixture
def kiosk(search_kiosk: Kiosk) -> Kiosk:
    return search_kiosk


@pytest.fixture(scope="module")
def context(browser) -> Iterator[object]:
    with browser_context(
        browser, viewport=SCREEN, timeout_ms=WIDGETS_TIMEOUT_MS, init_script=FIRST_PAINT
    ) as made:
        yield made


def press_toggle(page, label: str, key: str) -> None:
    """Tab to the header's toggle `label` and press `key` on it."""
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent").strip().endswith(label):
            page.keyboard.press(key)
            return
    raise AssertionError(f"Tab never reached « {label} »")


def pressed(page, label: str) -> str:
    return page.get_by_role("button", name=label).get_attribute("aria-pressed")


def test_both_modes_by_keyboard_follow_the_visit_then_end_with_it(kiosk: Kiosk, context) -> None:
    page = context.new_page()
    visit = start_visit("Gaëlle Grandes-Lettres", kiosk.data)
    page.goto(kiosk.url.rstrip("/") + page_url(LESSON, visit))
    page.get_by_role("button", name="Rechercher").wait_for()
    assert pressed(page, LARGE) == pressed(page, CONTRAST) == "false"
    before = {name: page.evaluate(LOOKS, selector) for name, selector in SAMPLES.items()}
    assert all(before.values()), before

    press_toggle(page, LARGE, "Enter")
    assert pressed(page, LARGE) == "true"
    page.keyboard.press("Tab")  # the next stop is the other toggle: Space works as well
    page.keyboard.press("Space")
    assert pressed(page, CONTRAST) == "true"

    after = {name: page.evaluate(LOOKS, selector) for name, selector in SAMPLES.items()}
    for name in SAMPLES:
        assert after[name]["size"] >= 1.4 * before[name]["size"], (name, before[name], after[name])
        ratio = contrast(after[name]["color"], after[name]["background"])
        assert ratio >= 7, (name, after[name], ratio)
    for name in ("field", "button"):  # fields and buttons keep a visible border
        looks = after[name]
        assert looks["borderStyle"] != "none" and looks["border"] >= 2, (name, looks)
        assert contrast(looks["borderColor"], looks["background"]) >= 3, (name, looks)
    assert page.evaluate(CLIPPED) == {"cut": [], "wide": False}
    found = axe_violations(page)
    assert not found, describe(found)
    assert page.evaluate("Object.keys(sessionStorage)") == ["tremplin-display"]

    # The next page of the visit: the modes are on before its content is built.
    page.locator("header a.tremplin-home-text").click()
    page.get_by_role("button", name=LARGE).wait_for()
    modes = page.evaluate("window.tremplinModesAtMain")
    assert "tremplin-large-text" in modes and "tremplin-high-contrast" in modes
    assert pressed(page, LARGE) == pressed(page, CONTRAST) == "true"

    # « Terminer ma visite »: nothing of the visit stays, its display choices included.
    page.locator("a.tremplin-end-link").click()
    page.get_by_text("Rien ne reste sur cet ordinateur").wait_for()
    assert page.evaluate("sessionStorage.length") == 0
    assert page.evaluate("document.documentElement.className").strip() == ""
    assert pressed(page, LARGE) == pressed(page, CONTRAST) == "false"
    page.close()


def test_the_toggles_speak_english_on_an_english_page(context) -> None:
    """The real script on a page that says it is English: one small dictionary, two languages."""
    page = context.new_page()
    page.set_content('<html lang="en-GB"><body><header class="tremplin-header"></header></body></html>')
    page.add_script_tag(path=str(SCRIPT))
    assert page.get_by_role("group", name="Display").is_visible()
    for label in ("Large text", "High contrast"):
        button = page.get_by_role("button", name=label)
        button.focus()
        page.keyboard.press("Enter")
        assert button.get_attribute("aria-pressed") == "true"
    assert page.evaluate("document.documentElement.className") == "tremplin-large-text tremplin-high-contrast"
    page.close()
