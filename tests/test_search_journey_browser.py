"""A learner's whole searching journey in a real browser (Debian's chromium via Playwright):
search → sort → compare two offers → shortlist with a note → find it again → « Vérifier »,
then the six offers to judge (scams reported), the employer's page (contact noted) and the
trip plan (kept, on the offline map), each lesson's panel confirming the work.
The journal on the server is what the checks read, so the test looks there too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_kiosk_support import Kiosk, exact_button, start_real_kiosk, verify
from tremplin.grading.browser import WIDGETS_TIMEOUT_MS
from tremplin.grading.scenario_registry import scenario_for
from tremplin.widgets.visit import page_url, start_visit

pytestmark = pytest.mark.slow
COMPARE = "lecons/02-trier-comparer-enregistrer.ipynb"
SCAMS = "lecons/03-reperer-une-offre-douteuse.ipynb"
EMPLOYER = "lecons/04-se-renseigner-sur-l-employeur.ipynb"
TRIP = "lecons/05-preparer-le-trajet.ipynb"


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory: pytest.TempPathFactory, data_root: Path) -> Iterator[Kiosk]:
    server = start_real_kiosk(tmp_path_factory.mktemp("journey"), data_root / "world",
                              (COMPARE, SCAMS, EMPLOYER, TRIP))
    yield server
    server.stop()


def events(kiosk: Kiosk, slug: str) -> list[tuple[str, str, dict]]:
    path = kiosk.data / "learners" / slug / "journal.jsonl"
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(e["kind"], e["data"].get("context", ""), e["data"]) for e in lines]


def open_lesson(kiosk: Kiosk, browser, notebook: str, visit, ready: str):
    page = browser.new_page()
    page.goto(kiosk.url.rstrip("/") + page_url(notebook, visit))
    page.get_by_role("button", name=ready).first.wait_for(timeout=WIDGETS_TIMEOUT_MS)
    return page


def test_search_compare_shortlist_and_find_again(kiosk: Kiosk, browser, world) -> None:
    visit = start_visit("Nadia Parcours", kiosk.data)
    scenario = scenario_for(world, visit.pseudonym, "lecon-trier-comparer")
    page = open_lesson(kiosk, browser, COMPARE, visit, "Rechercher")

    page.get_by_label("Mots-clés").fill(scenario.job.split()[0])
    page.get_by_label("Commune").fill(scenario.commune)
    page.get_by_label("Rayon").select_option(label=f"{scenario.radius_km} km")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_text("offres trouvées").first.wait_for(timeout=WIDGETS_TIMEOUT_MS)
    page.get_by_label("Trier par").select_option(label="date")
    page.get_by_text("offres trouvées").first.wait_for(timeout=WIDGETS_TIMEOUT_MS)

    compare = page.get_by_role("button", name="Comparer")
    compare.nth(0).click()
    page.get_by_text("Cliquez maintenant sur « Comparer » sous une deuxième offre").wait_for(
        timeout=WIDGETS_TIMEOUT_MS)
    compare.nth(1).click()
    page.get_by_text("côte à côte").first.wait_for(timeout=WIDGETS_TIMEOUT_MS)
    # the table is drawn after the text that announces it: wait for it rather than count at once
    page.locator("table").filter(has_text="Employeur").first.wait_for(timeout=WIDGETS_TIMEOUT_MS)

    save = exact_button(page, "Enregistrer")
    for nth in (0, 1):
        save.nth(nth).click()
        page.get_by_label("Ma note").nth(nth).wait_for(timeout=WIDGETS_TIMEOUT_MS)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for nth, text in enumerate(("<script>alert(1)</script> proche, appeler lundi", "CDI, à revoir")):
        page.get_by_label("Ma note").nth(nth).fill(text)
        page.get_by_role("button", name="Enregistrer la note").nth(nth).click()
        page.get_by_text("Votre note sur").first.wait_for(timeout=WIDGETS_TIMEOUT_MS)

    page.get_by_label("Retrouver une offre").fill("lundi")
    page.get_by_role("button", name="Retrouver").click()
    page.get_by_text("1 offre(s) sur 2 contiennent").wait_for(timeout=WIDGETS_TIMEOUT_MS)
    assert not dialogs  # the note's markup is shown as text, never run

    verify(page, "4 étape(s) réussie(s) sur 4")
    kinds = {kind for kind, context, _ in events(kiosk, visit.slug) if context == "lecon-trier-comparer"}
    assert {"search.query", "shortlist.add", "shortlist.note", "shortlist.find"} <= kinds, kinds
    page.close()


def test_read_the_offers_and_report_the_scams(kiosk: Kiosk, browser, world) -> None:
    from tremplin.widgets.i18n import t

    visit = start_visit("Nadia Parcours", kiosk.data)
    scenario = scenario_for(world, visit.pseudonym, "lecon-arnaques")
    page = open_lesson(kiosk, browser, SCAMS, visit, "Je signale cette offre")
    for n, offer_id in enumerate(scenario.offer_ids, start=1):
        page.get_by_text(f"Offre {n} sur {len(scenario.offer_ids)}").wait_for(timeout=WIDGETS_TIMEOUT_MS)
        offer = world.offer(offer_id)
        if offer["scam"]:
            page.get_by_label(t(f"scams.sign_{offer['scam_signs'][0]}")).check()
            exact_button(page, "Je signale cette offre").click()
            page.get_by_text("Pourquoi ces signes comptent").first.wait_for(timeout=WIDGETS_TIMEOUT_MS)
        else:
            exact_button(page, "Cette offre me semble fiable").click()
            page.get_by_text("vous semble fiable").first.wait_for(timeout=WIDGETS_TIMEOUT_MS)
        if n < len(scenario.offer_ids):
            exact_button(page, "Offre suivante").click()

    text = verify(page, "les deux arnaques les plus courantes")
    assert "Bien : vous n'avez signalé aucune offre sérieuse" in text
    flagged = {data["offer_id"] for kind, context, data in events(kiosk, visit.slug)
               if kind == "offer.flag" and context == "lecon-arnaques"}
    assert flagged == set(scenario.scam_ids)
    page.close()


def test_look_up_the_employer_and_note_its_contact(kiosk: Kiosk, browser, world) -> None:
    visit = start_visit("Nadia Parcours", kiosk.data)
    scenario = scenario_for(world, visit.pseudonym, "lecon-employeur")
    employer = world.employer(scenario.employer_id)
    page = open_lesson(kiosk, browser, EMPLOYER, visit, "Chercher")

    page.get_by_label("Nom de l'entreprise").first.fill(scenario.employer_name)
    exact_button(page, "Chercher").click()
    page.get_by_text("entreprise(s) trouvée(s)").wait_for(timeout=WIDGETS_TIMEOUT_MS)
    page.get_by_role("button", name="Voir la fiche").first.click()
    page.get_by_text(employer["address"]["street"]).first.wait_for(timeout=WIDGETS_TIMEOUT_MS)

    address = employer["address"]
    page.get_by_label("Nom de l'entreprise").nth(1).fill(employer["name"])
    page.get_by_label("Adresse postale").fill(
        f"{address['street']}, {address['postcode']} {address['commune'].upper()}")  # as one writes it
    page.get_by_label("Adresse électronique").fill(employer["email"])
    page.get_by_role("button", name="Noter les coordonnées").click()
    page.get_by_text("C'est noté pour").wait_for(timeout=WIDGETS_TIMEOUT_MS)

    text = verify(page, "les coordonnées de")
    assert "Bien : vous avez ouvert la fiche" in text
    notes = [data for kind, context, data in events(kiosk, visit.slug)
             if kind == "employer.note" and context == "lecon-employeur"]
    assert notes and notes[-1]["email"] == employer["email"]
    page.close()


def test_plan_the_trip_to_the_interview_and_keep_it(kiosk: Kiosk, browser, world) -> None:
    visit = start_visit("Nadia Parcours", kiosk.data)
    scenario = scenario_for(world, visit.pseudonym, "lecon-trajet")
    page = open_lesson(kiosk, browser, TRIP, visit, "Chercher un trajet")

    page.get_by_label("Départ").fill(scenario.home)
    page.get_by_label("Arrivée").fill(scenario.interview_commune)
    page.get_by_label("Arriver avant").fill(scenario.interview_time)
    page.get_by_role("button", name="Chercher un trajet").click()
    page.get_by_text("correspondance(s)").first.wait_for(timeout=WIDGETS_TIMEOUT_MS)
    drawn = page.locator("svg[role=img]").first
    assert (drawn.get_attribute("aria-label") or "").startswith("Carte de Bretagne")
    assert drawn.locator("line").count() >= 1  # the trip's legs, drawn offline
    page.get_by_role("button", name="Je garde ce trajet").click()
    page.get_by_text("C'est noté : vous gardez le trajet").wait_for(timeout=WIDGETS_TIMEOUT_MS)

    text = verify(page, "vous serez à l'heure")
    assert "Arriver à l'heure à l'entretien" in text
    kept = [data for kind, context, data in events(kiosk, visit.slug)
            if kind == "route.keep" and context == "lecon-trajet"]
    assert kept and kept[-1]["to_insee"] == scenario.interview_insee
    page.close()
