"""Scam offers: which offers are scams, and the text that carries their warning signs.

The signs are the ones job boards warn about (money asked of the candidate, a personal
webmail contact, bank details or an ID document before any interview, pay far too good
for little work). `scam_signs` lists exactly the signs written into the text, so a check
can grade whether the learner spotted them.

A share of the scams follow another pattern (`new_pattern` in the data file): parcels to
reship, money passed through the candidate's own account, a premium-rate phone number.
Which scams, and their wording, come from a hash of the offer and of the scam stream's
state, never from a draw of that stream: every other offer of a world stays the same.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

from tremplin.widgets.world import content, places
from tremplin.widgets.world.identifiers import slugify

ORDINARY_SIGNS = ("fees", "webmail", "iban_or_id", "pay_too_good")
NEW_SIGNS = ("reshipping", "money_transfer", "premium_phone")
SIGNS = ORDINARY_SIGNS + NEW_SIGNS
#: Hours a week of a scam that does not promise too good a pay.
ORDINARY_HOURS = (20, 24, 35)


def scam_indices(rng: random.Random, offers: int) -> frozenset[int]:
    """Positions (0-based) of the scam offers: the data file's share, at least one."""
    count = max(1, round(offers * float(content.scam_patterns()["share"])))
    return frozenset(rng.sample(range(offers), min(count, offers)))


def _signs(rng: random.Random) -> list[str]:
    combination = rng.choice(content.scam_patterns()["combinations"])
    return [sign for sign in SIGNS if sign in combination]


def _ordinary_pay(rng: random.Random, family: dict[str, Any]) -> tuple[int, float, float, str]:
    """(hours, low, high, period): the family's usual top pay for the hours of the offer."""
    hours = rng.choice(ORDINARY_HOURS)
    pay = family["pay"]
    period = pay["period"]
    amount = float(pay["max"]) if period == "heure" else int(round(pay["max"] * hours / 35, -1))
    return hours, amount, amount, period


def _offer_rng(rng: random.Random, offer_id: str) -> random.Random:
    """A generator of its own for one offer, from the scam stream's state (read, not drawn)."""
    state = rng.getstate()[1][:8]
    digest = hashlib.sha256(f"tremplin-new-pattern:{state}:{offer_id}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def is_new_pattern(offer: dict[str, Any]) -> bool:
    """Whether a scam offer follows the other pattern (reshipping, money transfer, premium phone)."""
    return any(sign in NEW_SIGNS for sign in offer.get("scam_signs") or ())


def _new_pattern(
    own: random.Random, base: dict[str, Any], families: dict[str, dict[str, Any]], intro: str
) -> None:
    """Rewrite a scam offer in the other pattern: its signs, title, text, contact and pay."""
    data = content.scam_patterns()
    pattern = data["new_pattern"]
    combination = own.choice(pattern["combinations"])
    signs = [sign for sign in SIGNS if sign in combination]
    pick = own.choice(pattern["titles"][signs[0]])
    family = families[pick["family"]]
    hours, low, high, period = _ordinary_pay(own, family)
    company = own.choice(data["companies"])
    contact = f"recrutement@{slugify(company)}.example"
    values = {
        "commission": own.choice(data["signs"]["money_transfer"]["commissions"]),
        "phone": " ".join(f"{own.randrange(100):02d}" for _ in range(3)),
    }
    sentences = [own.choice(data["signs"][sign]["sentences"]).format(**values) for sign in signs]
    own.shuffle(sentences)
    paragraphs = [intro, own.choice(pattern["mission"]), " ".join(sentences),
                  f"Candidature à envoyer à {contact}, référence {base['reference']}."]
    base.update({
        "title": pick["title"], "family": family["code"], "family_label": family["label"],
        "employer_id": None, "employer_name": company,
        "working_time": "Temps plein" if hours >= 35 else "Temps partiel", "hours_per_week": hours,
        "salary_min": low, "salary_max": high, "salary_period": period,
        "description": "\n\n".join(paragraphs), "contact_email": contact, "scam_signs": signs,
    })


def scam_offer(
    rng: random.Random,
    base: dict[str, Any],
    families: dict[str, dict[str, Any]],
    employers: list[dict[str, Any]],
) -> dict[str, Any]:
    """Fill a scam offer on `base` (id, reference, published already set)."""
    data = content.scam_patterns()
    own = _offer_rng(rng, base["id"])
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
        hours, low, high, period = _ordinary_pay(rng, family)
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
    if own.random() < float(data["new_pattern"]["share"]):
        _new_pattern(own, base, families, paragraphs[0])
    return base
