"""Every kiosk page through axe-core in chromium: no serious or critical WCAG 2.1 A/AA violation.

The pages are the kit's real ones (home, every lesson, every épreuve) on a small real world,
opened by one learner's visit once their first widget is on screen. Preheating is turned off
in this test's copy of the settings: 29 kernels booting at once would time the pages out on
2 cores, and one kernel per page opened is what this test needs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from a11y_support import axe_violations, describe
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
        for notebook in PAGES:
            page.goto(kiosk.url.rstrip("/") + page_url(notebook, visit), timeout=WIDGETS_TIMEOUT_MS)
            page.wait_for_selector(".jupyter-widgets button", timeout=WIDGETS_TIMEOUT_MS)
            if found := axe_violations(page):
                failures.append(f"{notebook}\n{describe(found)}")
    finally:
        kiosk.stop()
    assert len(PAGES) >= 27  # every lesson and épreuve of the kit, not a sample
    assert not failures, "\n\n".join(failures)
