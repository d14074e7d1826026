"""The dashboard in a real browser: `tremplin course dashboard` (real Voilà on 127.0.0.1),
the real notebook, Debian's chromium; the table, the lists and the CSV file as a mediator
gets them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

from dashboard_support import build_course, start_dashboard
from tremplin.grading.browser import WIDGETS_TIMEOUT_MS


def test_dashboard_page_in_chromium(browser, tmp_path: Path) -> None:
    course_dir = build_course(tmp_path / "data", datetime.now(UTC))
    server = start_dashboard(tmp_path, course_dir)
    page = browser.new_page(accept_downloads=True)
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto(server.url, timeout=WIDGETS_TIMEOUT_MS)
        table = page.locator("table.tremplin-dashboard-map")
        table.wait_for(timeout=WIDGETS_TIMEOUT_MS)
        assert table.locator("caption").inner_text() == "Compétences par apprenant·e"
        assert table.locator("thead th").all_inner_texts() == ["Apprenant·e", "D2", "R3", "R5"]
        marks = {
            row.locator("th").inner_text(): row.locator("td span[aria-hidden]").all_inner_texts()
            for row in table.locator("tbody tr").all()
        }
        assert marks == {"alice": ["✘*", "N3", "N2"], "bob": ["—", "✘", "—"], "chloe": ["—", "—", "✘"]}

        stuck = page.locator("ul.tremplin-dashboard-stuck li").all_inner_texts()
        assert len(stuck) == 2
        assert stuck[0].startswith("bob bloque sur « reperer-arnaque » : 2 essais ratés de suite")
        assert stuck[1].startswith("chloe bloque sur « preparer-trajet »") and "R5" in stuck[1]
        reviews = page.locator("ul.tremplin-dashboard-reviews li").all_inner_texts()
        assert len(reviews) == 1 and reviews[0].startswith("alice — « lettre-adaptee »")
        assert not page.get_by_text("Retour à l'accueil").is_visible()  # no learners' home here
        assert page.get_by_role("img").first.get_attribute("aria-label").startswith("Du ")

        with page.expect_download(timeout=WIDGETS_TIMEOUT_MS) as download:
            page.get_by_role("link", name="Télécharger le tableau (CSV)").click()
        text = Path(download.value.path()).read_text(encoding="utf-8-sig")
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        assert rows[0] == ["apprenant", "D2", "R3", "R5"]
        assert rows[1:] == [["alice", "non validée", "N3", "N2"],
                            ["bob", "non tentée", "non validée", "non tentée"],
                            ["chloe", "non tentée", "non tentée", "non validée"]]

        page.get_by_role("button", name="Actualiser").click()
        page.get_by_text("Tableau mis à jour").wait_for(timeout=WIDGETS_TIMEOUT_MS)
        assert problems == [], "\n".join(problems)
    finally:
        page.close()
        server.stop()
