"""Issue 7, the kiosk under a room's load: a hard cap on kernels, learner pages only, a clean
browser console. One real `tremplin kiosk` for the module, on a copy of the kit's settings where
only the cap is made small (4 kernels: the two preheated pages and two more)."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from security_support import KERNEL_ID, kernel_processes, wait_for
from test_kiosk_support import SECRET_SOURCE, Kiosk, build_notebooks, start_kiosk
from tremplin.grading.browser import WIDGETS_TIMEOUT_MS
from tremplin.grading.kiosk_limits import KioskKernelManager, hidden, sized_cap
from tremplin.widgets.visit import start_visit

from tremplin import NOTEBOOKS_DIR

pytestmark = pytest.mark.slow
HOME = "voila/render/accueil.ipynb"
LESSON = "voila/render/lecons/00-essai.ipynb"
DASHBOARD = "mediateur/tableau-de-bord.ipynb"
CAP = 4
LEAKS = ("Traceback", 'File "/', "HTTPError", "kiosk_limits", SECRET_SOURCE, "Kiosk full")


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kiosk]:
    tmp = tmp_path_factory.mktemp("kiosk-limits")
    notebooks = build_notebooks(tmp / "notebooks")
    (notebooks / "boom.ipynb").unlink()  # two preheated pages only: the home page and the lesson
    shutil.rmtree(notebooks / "epreuves")
    (notebooks / "mediateur").mkdir()
    shutil.copy2(Path(NOTEBOOKS_DIR) / DASHBOARD, notebooks / DASHBOARD)
    settings_file = notebooks / "voila" / "voila.json"
    settings = json.loads(settings_file.read_text(encoding="utf-8"))
    settings["KioskKernelManager"]["max_kernels"] = CAP
    settings_file.write_text(json.dumps(settings), encoding="utf-8")
    server = start_kiosk(tmp, notebooks=notebooks)
    yield server
    server.stop()


def kernels(kiosk: Kiosk) -> int:
    return len(kernel_processes(kiosk.process.pid))


def test_the_cap_is_sized_from_memory_and_hidden_folders_are_matched() -> None:
    assert sized_cap(24_000, 150, 1024) == 153 and sized_cap(1000, 150, 1024) == 2
    for path in ("mediateur", "mediateur/", "/mediateur/sub", "lecons/../mediateur", "./mediateur"):
        assert hidden(path, ["mediateur/"]), path
    for path in ("", None, "lecons", "epreuves/mediateur", "mediateurs"):
        assert not hidden(path, ["mediateur/"]), path


def test_a_pool_refill_waits_for_a_quiet_moment_before_voila_prepares_it() -> None:
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    # Voilà's own preheating class gets the paced `_initialize` (the hook a Voilà upgrade must keep)
    voila_class = voila_kernel_manager_factory(KioskKernelManager, True, 1)
    assert voila_class._initialize.__name__ == "paced_initialize"
    prepared: list[str] = []

    class Preheating(KioskKernelManager):
        async def _initialize(self, notebook_path: str, kernel_id: str | None = None, **kwargs) -> str:
            prepared.append(notebook_path)  # Voilà builds the page renderer here
            return notebook_path

    async def scenario() -> None:
        manager = Preheating(refill_quiet_s=0.6, refill_spacing_s=0.0)
        refill = {"VOILA_PREHEAT": "True", "VOILA_REQUEST_URL": "http://kiosk/lesson"}
        pool: list[asyncio.Task] = []
        manager._pools = {"lesson": pool}
        pool.append(asyncio.get_running_loop().create_task(manager._initialize("lesson", None, env=refill)))
        await asyncio.sleep(0.3)
        assert prepared == []  # a page was just served: the refill has not even been prepared
        assert await manager._initialize("page", None, env={}) == "page"  # a page's own kernel: at once
        await asyncio.wait_for(pool[0], timeout=5)
        assert prepared == ["page", "lesson"]
        waited_for = asyncio.get_running_loop().create_task(manager._initialize("taken", None, env=refill))
        assert await asyncio.wait_for(waited_for, timeout=0.3) == "taken"  # out of the pool: a visitor waits

    asyncio.run(scenario())


def test_the_home_page_and_a_lesson_log_no_console_error(kiosk: Kiosk, browser) -> None:
    visit = start_visit("Léa Console", kiosk.data)
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto(kiosk.url + HOME, timeout=WIDGETS_TIMEOUT_MS)
        page.get_by_role("button", name=re.compile("première visite")).wait_for(timeout=WIDGETS_TIMEOUT_MS)
        page.goto(kiosk.url + f"{LESSON}?visit={visit.token}", timeout=WIDGETS_TIMEOUT_MS)
        page.get_by_text(f"Bonjour {visit.pseudonym}").wait_for(timeout=WIDGETS_TIMEOUT_MS)
        page.goto("about:blank")  # the lesson's unload shuts its kernel down
    finally:
        context.close()
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    "path",
    [f"voila/render/{DASHBOARD}", f"voila/render/lecons/../{DASHBOARD}", f"voila/render/{DASHBOARD}?visit=x"],
)
def test_the_mediator_pages_are_not_served_by_the_kiosk(kiosk: Kiosk, path: str) -> None:
    status, _, page = kiosk.get(path)
    assert status == 404
    assert "Cette page n'existe pas" in page and '<html lang="fr">' in page
    assert "réservée" not in page  # the dashboard notebook never ran
    for leak in LEAKS:
        assert leak not in page, leak


def test_kernels_are_capped_with_a_calm_page_and_pages_open_again_once_freed(kiosk: Kiosk) -> None:
    visit = start_visit("Noé Plafond", kiosk.data)
    lesson = f"{LESSON}?visit={visit.token}"
    served, refusals = [], []
    for _ in range(CAP + 2):  # more pages than the cap allows (the pool refills count too)
        status, _, page = kiosk.get(lesson)
        assert kernels(kiosk) <= CAP
        if status == 200:
            served.append(re.search(rf'"kernelId": "({KERNEL_ID})"', page).group(1))
        else:
            refusals.append((status, page))
    assert len(refusals) >= 2  # a refused pool refill, then a refused page without a pool kernel
    for status, page in refusals:
        assert status == 503
        assert "Trop de pages sont ouvertes en ce moment" in page and '<html lang="fr">' in page
        assert f'href="/{HOME}"' in page
        for leak in LEAKS:
            assert leak not in page, leak
    assert "Kiosk full" in kiosk.output()
    # In English too: the same words table as every page, swapped by tremplin.js for `lang=en`.
    status, _, english = kiosk.get(f"{lesson}&lang=en")  # still full: nothing was freed yet
    assert status == 503 and 'data-tremplin-text="full_title"' in english
    assert "Too many pages are open right now" in english

    freed = (
        served
        or [
            re.search(r"kernel-(" + KERNEL_ID + r")\.json", " ".join(p.cmdline())).group(1)
            for p in kernel_processes(kiosk.process.pid)
        ][:1]
    )
    for kernel_id in freed:  # what a page sends when it is left (culling does the same later)
        address = f"{kiosk.url}voila/api/shutdown/{kernel_id}"
        request = urllib.request.Request(address, data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 204
    assert wait_for(lambda: kiosk.get(lesson)[0] == 200, 120)
    assert kernels(kiosk) <= CAP
