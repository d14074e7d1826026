"""A visit's whole life in a real kiosk and a real chromium: code, timeout, end, isolation.

The kiosk serves the real home page and one lesson that saves a note in the learner's
workspace; its visit.json has short timings (warn after a few seconds, end a
few seconds later, kernels check their visit every second), so the test waits for the
real warning and the real timeout instead of faking the clock.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from test_kiosk_support import Kiosk, browser_context, served_pages, start_kiosk
from tremplin.grading.browser import WIDGETS_TIMEOUT_MS
from tremplin.widgets.visit import SETTINGS_PATH, end_visit, page_url, start_visit
from tremplin.widgets.visit_code import create_learner

pytestmark = pytest.mark.slow

NOTE_LESSON = "lecons/01-note.ipynb"
NOTE_TITLE = "Leçon d'essai de la visite"
PSEUDONYM, SLUG = "Zoé Visite", "zoe-visite"
#: Short timings: long enough to fill a field and click, short enough to wait for.
TIMINGS = {"warn_after_s": 8, "end_after_s": 20, "check_every_s": 1}
#: A page is sent once its cells ran, and its widgets come after: slow on a busy 2-core machine.
PAGE_MS = 2 * WIDGETS_TIMEOUT_MS

NOTE_SOURCE = """\
import ipywidgets as w
from IPython.display import HTML, display
from tremplin.widgets.visit import current_visit, missing_visit_html

visit = current_visit()
if visit is None:
    display(HTML(missing_visit_html()))
else:
    note = visit.workspace / "documents" / "note.txt"
    box = w.Textarea(value=note.read_text(encoding="utf-8") if note.exists() else "", description="Ma note")
    said = w.HTML()

    def save(_button):
        note.write_text(box.value, encoding="utf-8")
        said.value = "<p>Note enregistrée</p>"

    button = w.Button(description="Enregistrer")
    button.on_click(save)
    display(HTML("<p>Bonjour " + visit.pseudonym + "</p>"), box, button, said)
"""


def code_cell(source: str, tags: tuple[str, ...] = ()) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": {"tags": list(tags)}, "outputs": [],
            "source": source}


def note_lesson() -> dict:
    wait = code_cell("from tremplin.widgets.visit import wait_for_visitor\nwait_for_visitor()",
                     ("tremplin-wait-for-visitor",))
    kernelspec = {"display_name": "Python 3", "language": "python", "name": "python3"}
    return {"cells": [wait, code_cell(NOTE_SOURCE)], "nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": kernelspec, "language_info": {"name": "python"},
                         "tremplin": {"title": NOTE_TITLE}}}


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kiosk]:
    tmp = tmp_path_factory.mktemp("visit-browser")
    notebooks = served_pages(tmp, ())  # the home page and one lesson: two preheated kernels
    (notebooks / "lecons").mkdir()
    (notebooks / NOTE_LESSON).write_text(json.dumps(note_lesson()), encoding="utf-8")
    (notebooks / SETTINGS_PATH).write_text(json.dumps(TIMINGS), encoding="utf-8")
    server = start_kiosk(tmp, notebooks=notebooks)
    yield server
    server.stop()


def kernel_id(page) -> str:
    return json.loads(page.locator("#jupyter-config-data").text_content())["kernelId"]


def kernel_status(kiosk: Kiosk, kernel: str) -> int:
    return kiosk.get(f"api/kernels/{kernel}", timeout=30)[0]


def wait_until(condition, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return condition()


def browser_memory(page) -> dict:
    """Everything of this origin the browser keeps: cookies, both storages, IndexedDB, caches."""
    stored = page.evaluate(
        """async () => ({
            local: Object.keys(localStorage), session: Object.keys(sessionStorage),
            databases: (await indexedDB.databases()).map(d => d.name),
            caches: await caches.keys(),
        })"""
    )
    stored["cookies"] = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
    return stored


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A fresh browser context (its own cookies and storage), as a new kiosk session."""
    with browser_context(browser, navigation_ms=PAGE_MS) as context:
        yield context.new_page()


def home(page, kiosk: Kiosk) -> None:
    page.goto(kiosk.url + "voila/render/accueil.ipynb")
    page.get_by_label("Votre pseudonyme", exact=True).wait_for(timeout=PAGE_MS)


def sign_in(page, pseudonym: str, code: str, says: str | None = None) -> None:
    """Type pseudonym and code, click, and wait until the kiosk answered (it empties the code)."""
    field = page.get_by_label("Votre code", exact=True)
    page.get_by_label("Votre pseudonyme", exact=True).fill(pseudonym)
    field.fill(code)
    page.get_by_role("button", name="Ouvrir mon espace").click()
    expect(field).to_have_value("", timeout=PAGE_MS)
    if says:
        alert = page.locator(".tremplin-message[role=alert]")
        expect(alert).to_contain_text(says, timeout=PAGE_MS)


def answer_warnings(page) -> None:
    """On a slow machine the inactivity warning may come up mid-test: answer « Continuer »."""
    page.add_locator_handler(
        page.get_by_role("alertdialog"), lambda box: box.get_by_role("button", name="Continuer").click()
    )


def visit_token(page) -> str:
    return re.search(r"visit=([A-Za-z0-9_-]{43})", page.url).group(1)


def test_a_first_visit_warns_continues_then_times_out_and_leaves_nothing(kiosk: Kiosk, page) -> None:
    home(page, kiosk)
    before = browser_memory(page)
    # First visit: the kiosk proposes a code, the learner keeps it.
    page.get_by_role("button", name="C'est ma première visite").click()
    code_field = page.get_by_label("Votre nouveau code", exact=True)
    code_field.wait_for(timeout=PAGE_MS)
    code = code_field.input_value()
    assert re.fullmatch(r"\d{4}", code)
    page.get_by_label("Choisissez un pseudonyme", exact=True).fill(PSEUDONYM)
    page.get_by_role("button", name="Commencer").click()
    page.get_by_text(f"Votre code est {code}").wait_for(timeout=PAGE_MS)
    expect(page.locator("a.tremplin-end-link")).to_be_visible()  # the header knows the visit now

    # A lesson knows the learner without asking; the note is saved on the server.
    page.get_by_role("link", name=NOTE_TITLE).click()
    page.get_by_label("Ma note").wait_for(timeout=PAGE_MS)
    assert page.get_by_text(f"Bonjour {PSEUDONYM}").is_visible()
    token, lesson_kernel = visit_token(page), kernel_id(page)
    page.get_by_label("Ma note").fill("Appeler la boulangerie lundi")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Note enregistrée").wait_for(timeout=PAGE_MS)
    note = kiosk.data / "learners" / SLUG / "documents" / "note.txt"
    assert note.read_text(encoding="utf-8") == "Appeler la boulangerie lundi"

    # No input for a while: the warning, then « Continuer » keeps the visit.
    warning = page.get_by_role("alertdialog", name="Êtes-vous toujours là ?")
    warning.wait_for(timeout=PAGE_MS)
    assert page.evaluate("document.activeElement.id") == "tremplin-idle-continue"
    page.get_by_role("button", name="Continuer").click()
    assert warning.is_hidden()
    assert (kiosk.data / "visits" / f"{token}.json").is_file()

    # Then no input at all: the visit ends, the learner is back home, told why.
    page.get_by_text("pas été utilisé").wait_for(timeout=PAGE_MS)
    assert page.url.endswith("/voila/render/accueil.ipynb")  # no token left in the address
    assert not (kiosk.data / "visits" / f"{token}.json").exists()
    assert wait_until(lambda: kernel_status(kiosk, lesson_kernel) == 404)
    after = browser_memory(page)
    assert after["local"] == after["session"] == after["databases"] == after["caches"] == []
    assert set(after["cookies"]) <= set(before["cookies"])  # only Voilà's own, none of the visit
    assert not any(token in value or "Zo" in value for value in after["cookies"].values())
    assert page.get_by_text(PSEUDONYM).count() == 0
    assert note.read_text(encoding="utf-8") == "Appeler la boulangerie lundi"  # the work is kept

    # The back button shows no work: the page is asked again from the server, and the
    # lesson's address (gone from the history anyway) knows no visit any more.
    page.go_back()
    page.get_by_label("Votre pseudonyme", exact=True).wait_for(timeout=PAGE_MS)
    assert page.get_by_text(PSEUDONYM).count() == 0 and page.get_by_text(NOTE_TITLE).count() == 0
    page.goto(kiosk.url + page_url(NOTE_LESSON).lstrip("/") + f"?visit={token}")
    page.get_by_text("Cette page ne sait pas qui vous êtes").wait_for(timeout=PAGE_MS)
    assert page.get_by_text("Appeler la boulangerie").count() == 0


def test_the_next_visit_needs_the_right_code_and_finds_the_saved_work(kiosk: Kiosk, page) -> None:
    learner = create_learner("Yves Retour", "5830", kiosk.data)
    (learner.workspace / "documents" / "note.txt").write_text("Relancer le garage", encoding="utf-8")
    end_visit(learner.token, kiosk.data)
    answer_warnings(page)
    home(page, kiosk)
    sign_in(page, "Yves Retour", "5831", says="ne correspond pas")
    assert page.get_by_role("link", name=NOTE_TITLE).count() == 0
    sign_in(page, "yves retour", "5830")
    page.get_by_role("link", name=NOTE_TITLE).click(timeout=PAGE_MS)
    page.get_by_label("Ma note").wait_for(timeout=PAGE_MS)
    assert page.get_by_label("Ma note").input_value() == "Relancer le garage"
    # « Terminer ma visite » from the lesson's header ends it at once.
    token = visit_token(page)
    page.locator("a.tremplin-end-link").click()
    page.get_by_text("Rien ne reste sur cet ordinateur").wait_for(timeout=PAGE_MS)
    assert not (kiosk.data / "visits" / f"{token}.json").exists()
    assert page.url.endswith("/voila/render/accueil.ipynb")


def test_six_wrong_codes_make_the_pseudonym_wait_even_with_the_right_code(kiosk: Kiosk, page) -> None:
    create_learner("Wanda Essais", "7391", kiosk.data)
    home(page, kiosk)
    for left in (4, 3, 2, 1):
        sign_in(page, "Wanda Essais", "7392", says=f"encore {left} essai")
    sign_in(page, "Wanda Essais", "7392", says="Trop d'essais")
    sign_in(page, "Wanda Essais", "7392", says="Trop d'essais")
    sign_in(page, "Wanda Essais", "7391", says="Trop d'essais")
    assert page.get_by_role("link", name=NOTE_TITLE).count() == 0
    record = json.loads((kiosk.data / "codes" / "wanda-essais.json").read_text(encoding="utf-8"))
    assert record["lockouts"] == 1 and record["locked_until"]


def test_an_ended_visit_shuts_down_the_kernels_of_its_open_pages(kiosk: Kiosk) -> None:
    """No browser at all: the page's kernel lives until its visit ends, then Voilà stops it."""
    visit = start_visit("Noyau Gardé", kiosk.data)
    status, _url, body = kiosk.get(page_url(NOTE_LESSON, visit))
    assert status == 200 and "Bonjour Noyau Gard" in body  # outputs are JSON in the page: \u00e9
    config = re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', body, re.S).group(1)
    kernel = json.loads(config)["kernelId"]
    assert kernel_status(kiosk, kernel) == 200
    assert end_visit(visit.token, kiosk.data)
    assert wait_until(lambda: kernel_status(kiosk, kernel) == 404)


def test_a_learner_cannot_reach_another_learners_pages_or_files(kiosk: Kiosk) -> None:
    other = start_visit("Autre Personne", kiosk.data)
    secret = other.workspace / "documents" / "secret.txt"
    secret.write_text("numéro secret 0612", encoding="utf-8")
    ended = start_visit("Autre Personne", kiosk.data)
    end_visit(ended.token, kiosk.data)
    forged = other.token[:-1] + ("A" if other.token[-1] != "A" else "B")
    for token in (ended.token, forged, "x" * 43, "../learners/autre-personne"):
        body = kiosk.get(f"voila/render/{NOTE_LESSON}?visit={urllib.request.quote(token)}")[2]
        assert "Cette page ne sait pas qui vous" in body and "Autre Personne" not in body
    data = kiosk.data.resolve()
    relative = f"../{data.name}/learners/{other.slug}/documents/secret.txt"
    probes = [
        f"voila/render/{relative}", f"voila/files/{relative}", f"voila/static/{relative}",
        f"voila/templates/{relative}", f"files/{relative}",
        f"voila/files{data}/learners/{other.slug}/documents/secret.txt",
        f"voila/tree/../{data.name}/learners",
        f"voila/render/%2e%2e/{data.name}/learners/{other.slug}/profile.json",
        f"api/contents/../{data.name}/learners", f"voila/render/../{data.name}/codes/{other.slug}.json",
        f"voila/render/../{data.name}/visits/{other.token}.json",
    ]
    for probe in probes:
        status, _url, body = kiosk.get(probe, timeout=60)
        assert "secret 0612" not in body and other.token not in body and "Autre Personne" not in body, probe


def test_work_saved_before_a_kiosk_restart_is_there_after_it(kiosk: Kiosk, page, tmp_path) -> None:
    """The room's kiosk stops (SIGTERM, as at a restart or a shutdown) while a learner's page is
    open, right after they saved: the kiosk started again on the same data gives it back."""
    first = start_kiosk(tmp_path, notebooks=kiosk.notebooks, data=kiosk.data)
    try:
        learner = create_learner("Rémi Redémarrage", "6284", kiosk.data)
        answer_warnings(page)
        page.goto(first.url + page_url(NOTE_LESSON, learner).lstrip("/"))
        page.get_by_label("Ma note").fill("Rappeler Mme Le Goff mardi")
        page.get_by_role("button", name="Enregistrer").click()
        page.get_by_text("Note enregistrée").wait_for(timeout=PAGE_MS)
    finally:
        first.stop()
    assert first.process.returncode is not None
    home(page, kiosk)  # the kiosk of the room, up again on the same data
    sign_in(page, "Rémi Redémarrage", "6284")
    page.get_by_role("link", name=NOTE_TITLE).click(timeout=PAGE_MS)
    expect(page.get_by_label("Ma note")).to_have_value("Rappeler Mme Le Goff mardi", timeout=PAGE_MS)
