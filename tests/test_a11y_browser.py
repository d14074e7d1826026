"""Every kiosk page through axe-core in chromium: no serious or critical WCAG 2.1 A/AA violation.

The pages are the kit's real ones (home, every lesson, every épreuve) on a small real world,
opened by one learner's visit once their first widget is on screen, two tabs at a time (one
kernel booting per core). Preheating is turned off in this test's copy of the settings: 29
kernels booting at once would time the pages out on 2 cores.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from a11y_support import axe_violations, describe
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from test_kiosk_support import served_pages, start_kiosk
from tremplin.grading.browser import WIDGETS_TIMEOUT_MS

from tremplin import NOTEBOOKS_DIR

pytestmark = pytest.mark.slow

PAGES = tuple(
    str(path.relative_to(NOTEBOOKS_DIR))
    for folder in ("lecons", "epreuves")
    for path in sorted((Path(NOTEBOOKS_DIR) / folder).glob("*.ipynb"))
)


def test_every_kiosk_page_meets_wcag_aa(browser, tmp_path: Path, data_root: Path, world) -> None:
    from tremplin.widgets.visit import page_url, start_visit

    data = tmp_path / "data"
    data.mkdir()
    (data / "world").symlink_to(data_root / "world", target_is_directory=True)
    served = served_pages(tmp_path, PAGES)
    settings_path = served / "voila" / "voila.json"
    settings = json.loads(settings_path.read_text(encoding="utf-8"))
    settings["VoilaConfiguration"]["preheat_kernel"] = False
    settings_path.write_text(json.dumps(settings), encoding="utf-8")
    kiosk = start_kiosk(tmp_path, notebooks=served, data=data)
    failures: list[str] = []
    try:
        page = browser.new_page()
        page.goto(kiosk.url, timeout=WIDGETS_TIMEOUT_MS)
        page.wait_for_selector(".jupyter-widgets", timeout=WIDGETS_TIMEOUT_MS)
        if found := axe_violations(page):
            failures.append(f"accueil\n{describe(found)}")
        visit = start_visit("Axe Contrôle", data)
        tabs = [page, browser.new_page()]
        for batch in (PAGES[i : i + len(tabs)] for i in range(0, len(PAGES), len(tabs))):
            # both tabs start loading before either is awaited: their kernels boot on both cores
            for tab, notebook in zip(tabs, batch, strict=False):
                tab.goto(kiosk.url.rstrip("/") + page_url(notebook, visit), wait_until="commit")
            for tab, notebook in zip(tabs, batch, strict=False):
                try:
                    tab.wait_for_selector(".jupyter-widgets button", timeout=2 * WIDGETS_TIMEOUT_MS)
                except PlaywrightTimeout:
                    failures.append(f"{notebook}: no widget on screen after {2 * WIDGETS_TIMEOUT_MS} ms")
                    continue
                if found := axe_violations(tab):
                    failures.append(f"{notebook}\n{describe(found)}")
    finally:
        kiosk.stop()
    assert len(PAGES) >= 27  # every lesson and épreuve of the kit, not a sample
    assert not failures, "\n\n".join(failures)
