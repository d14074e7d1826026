"""The real searching lesson and épreuve in a real browser (Debian's chromium via Playwright):
a learner searches, saves an offer, sees the "Vérifier" panel change, and hands the épreuve in."""

from __future__ import annotations

import json

import pytest
from test_kiosk_support import SEARCH_EPREUVE, SEARCH_LESSON, Kiosk
from tremplin.grading.browser import WIDGETS_TIMEOUT_MS
from tremplin.grading.scenarios import search_scenario
from tremplin.widgets.visit import page_url, start_visit

pytestmark = pytest.mark.slow
LESSON, EPREUVE = SEARCH_LESSON, SEARCH_EPREUVE


@pytest.fixture
def kiosk(search_kiosk: Kiosk) -> Kiosk:
    return search_kiosk


def journal(kiosk: Kiosk, slug: str) -> list[dict]:
    lines = (kiosk.data / "learners" / slug / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def panel_text(page, shows: str) -> str:
    """Click "Vérifier" and return the panel once its verdicts include `shows`."""
    panel = page.locator(".tremplin-feedback")
    page.get_by_role("button", name="Vérifier").click()
    panel.get_by_text(shows).wait_for(timeout=WIDGETS_TIMEOUT_MS)
    return panel.inner_text()


def test_search_save_and_the_feedback_panel_changes(kiosk: Kiosk, browser, world) -> None:
    visit = start_visit("Léa Navigatrice", kiosk.data)
    scenario = search_scenario(world, visit.pseudonym, "lecon-chercher-offres")
    page = browser.new_page()
    page.goto(kiosk.url.rstrip("/") + page_url(LESSON, visit))
    page.get_by_role("button", name="Rechercher").wait_for(timeout=WIDGETS_TIMEOUT_MS)
    assert scenario.commune in page.locator(".tremplin-mission").inner_text()
    before = panel_text(page, shows="Vous n'avez pas encore lancé de recherche")
    assert "0 étape(s) réussie(s) sur 7" in before  # even « no scam kept » needs an offer kept

    page.get_by_label("Mots-clés").fill(scenario.job.split()[0])
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_text("offres trouvées").first.wait_for(timeout=WIDGETS_TIMEOUT_MS)
    page.get_by_role("button", name="Enregistrer").first.click()
    page.get_by_text("Ma sélection").first.wait_for(timeout=WIDGETS_TIMEOUT_MS)

    after = panel_text(page, shows="Parmi les offres enregistrées")
    assert "Vous n'avez pas encore lancé de recherche" not in after
    kinds = [(e["kind"], e["data"].get("context")) for e in journal(kiosk, visit.slug)]
    assert ("search.query", "lecon-chercher-offres") in kinds
    assert ("shortlist.add", "lecon-chercher-offres") in kinds
    page.close()


def test_the_epreuve_is_handed_in_from_the_browser(kiosk: Kiosk, browser) -> None:
    visit = start_visit("Malo Candidat", kiosk.data)
    page = browser.new_page()
    page.goto(kiosk.url.rstrip("/") + page_url(EPREUVE, visit))
    page.get_by_role("button", name="Rechercher").wait_for(timeout=WIDGETS_TIMEOUT_MS)
    assert page.get_by_role("button", name="Vérifier").count() == 0  # graded: no formative panel
    page.get_by_role("button", name="Rendre mon épreuve").click()
    page.get_by_text("votre épreuve est rendue").wait_for(timeout=WIDGETS_TIMEOUT_MS)
    inbound = kiosk.data / "exchange" / "tremplin" / "inbound"
    handed = [p for p in inbound.iterdir() if p.name.startswith(f"{visit.slug}+chercher-offres+")]
    assert len(handed) == 1
    assert (handed[0] / "workspace" / "profile.json").is_file()
    assert (handed[0] / "chercher-offres.ipynb").is_file()
    page.close()
