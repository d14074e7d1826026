"""Scam offers: which offers are scams, and the text that carries their warning signs.

The signs are the ones job boards warn about (money asked of the candidate, a personal
webmail contact, bank details or an ID document before any interview, pay far too good
for little work). `scam_signs` lists exactly the signs written into the text, so a check
can grade whether the learner spotted them.
"""

from __future__ import annotations

import random
from typing import Any

from tremplin.widgets.world import content, places
from tremplin.widgets.world.identifiers import slugify

SIGNS = ("fees", "webmail", "iban_or_id", "pay_too_good")


def scam_indices(rng: random.Random, offers: int) -> frozenset[int]:
    """Positions (0-based) of the scam offers: the data file's share, at least one."""
    count = max(1, round(offers * float(content.scam_patterns()["share"])))
    return frozenset(rng.sample(range(offers), min(count, offers)))


def _signs(rng: random.Random) -> list[str]:
    combination = rng.choice(content.scam_patterns()["combinations"])
    return [sign for sign in SIGNS if sign in combination]


def scam_offer(
    rng: random.Random,
    base: dict[str, Any],
    families: dict[str, dict[str, Any]],
    employers: list[dict[str, Any]],
) -> dict[str, Any]:
    """Fill a scam offer on `base` (id, reference, published already set)."""
    data = content.scam_patterns()
    signs = _signs(rng)
    pick = rng.choice(data["titles"])
    family = families[pick["family"]]
    usurped = employers and "webmail" in signs and rng.random() < 0.4
    commune = places.pick_any_commune(rng)
    lat, lon = places.jitter(rng, commune)
    if usurped:
        employer = rng.choice(employers)
        employer_id, employer_name = employer["id"], employer["name"]
    else:
        employer_id, employer_name = None, rng.choice(data["companies"])
    webmail = f"{rng.choice(data['signs']['webmail']['local_parts'])}@{rng.choice(data['webmail_domains'])}"
    contact = webmail if "webmail" in signs else f"recrutement@{slugify(employer_name)}.example"
    if "pay_too_good" in signs:
        too_good = data["signs"]["pay_too_good"]
        salary = rng.choice(too_good["salaries"])
        hours = rng.choice(too_good["hours"])
        low, high, period = salary, salary, "mois"
    else:
        hours = rng.choice((20, 24, 35))
        pay = family["pay"]
        period = pay["period"]
        low = high = float(pay["max"]) if period == "heure" else int(round(pay["max"] * hours / 35, -1))
    values = {
        "amount": rng.choice(data["signs"]["fees"]["amounts"]),
        "webmail": webmail,
        "salary": f"{salary:,}".replace(",", "\u202f") if "pay_too_good" in signs else "",
        "hours": hours,
    }
    paragraphs = [rng.choice(data["intro"]), rng.choice(data["mission"])]
    sentences = [rng.choice(data["signs"][sign]["sentences"]).format(**values) for sign in signs]
    rng.shuffle(sentences)
    paragraphs.append(" ".join(sentences))
    if "webmail" not in signs:
        paragraphs.append(f"Candidature à envoyer à {contact}, référence {base['reference']}.")
    base.update(
        {
            "title": pick["title"],
            "family": family["code"],
            "family_label": family["label"],
            "employer_id": employer_id,
            "employer_name": employer_name,
            "insee": commune.insee,
            "commune": commune.name,
            "postcode": commune.postcode,
            "lat": lat,
            "lon": lon,
            "contract": rng.choice(("CDI", "CDI", "CDD")),
            "working_time": "Temps plein" if hours >= 35 else "Temps partiel",
            "hours_per_week": hours,
            "salary_min": low,
            "salary_max": high,
            "salary_period": period,
            "description": "\n\n".join(paragraphs),
            "skills": [],
            "contact_email": contact,
            "scam": True,
            "scam_signs": signs,
        }
    )
    return base
