"""Job offers, generated one at a time in id order so that 100,000 of them stream to disk.

A genuine offer draws its family by the families' weights, an employer recruiting in
that family, then contract, hours, pay and publication date from the family's data; its
text comes from descriptions.py. A few per cent are scams (scams.py).
"""

from __future__ import annotations

import collections
import datetime as dt
import itertools
import random
from collections.abc import Iterator
from typing import Any

from tremplin.widgets.world import content, places, scams
from tremplin.widgets.world.descriptions import describe
from tremplin.widgets.world.employers import Directory
from tremplin.widgets.world.seeding import rng_for

SMIC_MONTHLY_35H = 1823
FULL_TIME_HOURS = 35
PUBLICATION_WINDOW_DAYS = 60
#: Share of a mobile employer's offers (agency, home help) placed in a nearby commune.
AWAY_SHARE = 0.5
#: Apprentices are paid a share of the SMIC that grows with age and year of training.
APPRENTICE_SHARES = (0.43, 0.53, 0.67, 0.78, 1.0)
#: Share of offers that re-publish an earlier one under a new reference, as job boards do.
REPOST_SHARE = 0.02
#: How far back (in offers) a re-publication may reach; keeps generation streaming.
REPOST_MEMORY = 400


def empty_offer(number: int, published: str) -> dict[str, Any]:
    """An offer with every field of docs/world-format.md, in the documented order."""
    return {
        "id": f"OF-{number:06d}",
        "reference": f"TRP-{number:06d}",
        "title": "",
        "family": "",
        "family_label": "",
        "employer_id": None,
        "employer_name": "",
        "insee": "",
        "commune": "",
        "postcode": "",
        "lat": 0.0,
        "lon": 0.0,
        "contract": "",
        "working_time": "",
        "hours_per_week": 0,
        "salary_min": 0,
        "salary_max": 0,
        "salary_period": "mois",
        "published": published,
        "description": "",
        "skills": [],
        "contact_email": "",
        "scam": False,
        "scam_signs": [],
        "repost_of": None,
    }


def publication_date(rng: random.Random, reference: dt.date) -> str:
    """A date in the window before the reference date, recent days more likely."""
    days_ago = min(PUBLICATION_WINDOW_DAYS - 1, int(rng.triangular(0, PUBLICATION_WINDOW_DAYS, 0)))
    return (reference - dt.timedelta(days=days_ago)).isoformat()


def _weighted_choice(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _contract(rng: random.Random, family: dict[str, Any], kind: dict[str, Any]) -> str:
    if kind.get("contracts"):
        return _weighted_choice(rng, kind["contracts"])
    mix = {k: v for k, v in family["contracts"].items() if k != "Intérim"}
    return _weighted_choice(rng, mix)


def _pay(rng: random.Random, family: dict[str, Any], contract: str, hours: int) -> tuple[float, float, str]:
    """(min, max, period): monthly pay pro rata of the hours, rounded to 10 €; hourly to the cent."""
    pay = family["pay"]
    if contract == "Alternance":
        share = rng.choice(APPRENTICE_SHARES)
        amount = round(SMIC_MONTHLY_35H * share * hours / FULL_TIME_HOURS)
        return amount, amount, "mois"
    if pay["period"] == "heure":
        low = round(rng.uniform(pay["min"], pay["max"]), 2)
        return low, round(low + rng.choice((0, 0, 0.3, 0.5)), 2), "heure"
    low = rng.uniform(pay["min"], pay["max"])
    high = low + rng.choice((0, 0, 50, 100, 150, 200))
    ratio = hours / FULL_TIME_HOURS
    floor = SMIC_MONTHLY_35H * ratio
    low_month = max(int(round(low * ratio, -1)), round(floor))
    return low_month, max(int(round(high * ratio, -1)), low_month), "mois"


def _genuine(
    rng: random.Random, offer: dict[str, Any], family: dict[str, Any], directory: Directory
) -> dict[str, Any]:
    members, cumulative = directory.by_family[family["code"]]
    employer = rng.choices(members, cum_weights=cumulative)[0]
    kind = directory.kinds[employer["id"]]
    contract = _contract(rng, family, kind)
    part_time = rng.random() < family["part_time_share"]
    hours = rng.choice(family["part_time_hours"]) if part_time else FULL_TIME_HOURS
    low, high, period = _pay(rng, family, contract, hours)
    address = employer["address"]
    if kind.get("mobile") and rng.random() < AWAY_SHARE:
        commune = places.pick_nearby(rng, address["insee"])
        lat, lon = places.jitter(rng, commune)
        place = (commune.insee, commune.name, commune.postcode)
    else:
        lat, lon = employer["lat"], employer["lon"]
        place = (address["insee"], address["commune"], address["postcode"])
    offer.update(
        {
            "title": rng.choice(family["titles"]),
            "family": family["code"],
            "family_label": family["label"],
            "employer_id": employer["id"],
            "employer_name": employer["name"],
            "insee": place[0],
            "commune": place[1],
            "postcode": place[2],
            "lat": lat,
            "lon": lon,
            "contract": contract,
            "working_time": "Temps plein" if hours >= FULL_TIME_HOURS else "Temps partiel",
            "hours_per_week": hours,
            "salary_min": low,
            "salary_max": high,
            "salary_period": period,
            "skills": rng.sample(family["skills"], min(len(family["skills"]), rng.randint(2, 4))),
            "contact_email": employer["email"],
        }
    )
    offer["description"] = describe(rng, offer, family, kind["activity"])
    return offer


def repost(offer: dict[str, Any], original: dict[str, Any]) -> dict[str, Any]:
    """The same job published again: same text and terms, a new id, reference and later date."""
    copy = {**original, "id": offer["id"], "reference": offer["reference"], "repost_of": original["id"]}
    copy["published"] = max(offer["published"], original["published"])
    copy["description"] = original["description"].replace(original["reference"], offer["reference"])
    copy["skills"] = list(original["skills"])
    return copy


def generate_offers(
    seed: int, count: int, directory: Directory, reference: dt.date
) -> Iterator[dict[str, Any]]:
    """Offers OF-000001.. in id order; each is built from its own draws of one stream."""
    rng = rng_for(seed, "offers")
    scam_rng = rng_for(seed, "scams")
    scam_at = scams.scam_indices(scam_rng, count)
    family_list = content.job_data()["families"]
    families = {f["code"]: f for f in family_list}
    cumulative = list(itertools.accumulate(f["weight"] for f in family_list))
    repost_rng = rng_for(seed, "reposts")
    recent: collections.deque[dict[str, Any]] = collections.deque(maxlen=REPOST_MEMORY)
    for index in range(count):
        offer = empty_offer(index + 1, publication_date(rng, reference))
        if index in scam_at:
            yield scams.scam_offer(scam_rng, offer, families, directory.employers)
            continue
        if recent and repost_rng.random() < REPOST_SHARE:
            yield repost(offer, repost_rng.choice(recent))
            continue
        family = rng.choices(family_list, cum_weights=cumulative)[0]
        genuine = _genuine(rng, offer, family, directory)
        recent.append(genuine)
        yield genuine
