"""The employers' directory: name, legal form, SIRET, address, contact and a short web page.

Every genuine offer points to one of these employers, and the learner can look the
employer up (its page, its address, how to get there) as a real job seeker would.
A few homonyms follow them (`generate_lookalikes`): the same or nearly the same name and
trade, in another commune, on another domain, and with no offer, so that finding the right
company among look-alikes is something a learner can practise.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tremplin.widgets import geo
from tremplin.widgets.world import content, places
from tremplin.widgets.world.identifiers import FICTION_PHONE_COUNT, fiction_phone, siret, slugify
from tremplin.widgets.world.seeding import faker_for, rng_for

MIN_EMPLOYERS = 80
MAX_EMPLOYERS = 4_000
OFFERS_PER_EMPLOYER = 6
MAILBOXES = ("recrutement", "recrutement", "contact", "rh", "emploi")
#: About one employer in ten gets a homonym (at least MIN_LOOKALIKES).
LOOKALIKE_SHARE = 0.1
MIN_LOOKALIKES = 8
#: Words a near-same name may end with ("Boulangerie Le Gall & Fils").
LOOKALIKE_SUFFIXES = ("& Fils", "et Associés", "Ouest", "Bretagne")
#: Share of homonyms bearing exactly the original's name (the others add a suffix).
SAME_NAME_SHARE = 0.6
PLACE_TRIES = 30


def employer_count(offers: int) -> int:
    """How many employers a world of `offers` offers has (about one for six offers)."""
    return max(MIN_EMPLOYERS, min(MAX_EMPLOYERS, offers // OFFERS_PER_EMPLOYER))


@dataclass(frozen=True)
class Directory:
    """The employers and, for each job family, who recruits in it (with weights)."""

    employers: list[dict[str, Any]]
    kinds: dict[str, dict[str, Any]]  # employer id -> its kind (from job_families.json)
    by_family: dict[str, tuple[list[dict[str, Any]], list[float]]]  # code -> employers, cum. weights


def _kind_sequence(rng: random.Random, count: int) -> list[dict[str, Any]]:
    """Two employers of every kind at least, the rest drawn by the kinds' weights."""
    kinds = content.job_data()["employer_kinds"]
    chosen = [k for k in kinds for _ in range(2)]
    chosen += rng.choices(kinds, weights=[k["weight"] for k in kinds], k=max(0, count - len(chosen)))
    rng.shuffle(chosen)
    return chosen


def _fill_name(pattern: str, rng: random.Random, fake: Any, commune: geo.Commune) -> str:
    surnames = content.names()["surnames"]
    surname = rng.choice(surnames) if rng.random() < 0.5 else fake.last_name()
    return pattern.format(nom=surname, prenom=fake.first_name(), commune=commune.name)


def _unique_name(base: str, commune: geo.Commune, taken: set[str]) -> str:
    name = base
    if name in taken:
        name = f"{base} – {commune.name}"
    number = 2
    while name in taken:
        name = f"{base} – {commune.name} {number}"
        number += 1
    taken.add(name)
    return name


def _unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:60].strip("-") or "entreprise"
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    taken.add(slug)
    return slug


def _page(rng: random.Random, fake: Any, employer: dict[str, Any], kind: dict[str, Any]) -> str:
    """The employer's short web page: who they are, history, values, how to reach them."""
    parts = content.templates()["employer_page"]
    address = employer["address"]
    values = {
        "name": employer["name"],
        "commune": address["commune"],
        "activity_lower": kind["activity"][0].lower() + kind["activity"][1:],
        "year": rng.randint(1952, 2021),
        "founder": fake.name(),
        "staff": rng.choice((3, 5, 8, 12, 18, 25, 40, 60, 120)),
        "street": address["street"],
        "postcode": address["postcode"],
        "phone": employer["phone"],
        "email": employer["email"],
    }
    paragraphs = [
        rng.choice(parts["intro"]).format(**values) + " " + kind["about"],
        rng.choice(parts["history"]).format(**values) + " " + rng.choice(parts["values"]),
        rng.choice(parts["contact"]).format(**values),
    ]
    return "\n\n".join(paragraphs)


def _place(rng: random.Random, kind: dict[str, Any]) -> geo.Commune:
    if kind.get("places"):
        return rng.choice(places.resolve(kind["places"]))
    return places.pick_commune(rng, int(kind.get("min_population", 0)))


def _families_of(rng: random.Random, kind: dict[str, Any]) -> list[str]:
    """The kind's first family always, plus a random part of the others (at least one)."""
    codes = list(kind["families"])
    if len(codes) <= 2:
        return codes
    extra = rng.sample(codes[1:], rng.randint(1, len(codes) - 1))
    return [c for c in codes if c == codes[0] or c in extra]


def _record(
    rng: random.Random, fake: Any, employer_id: str, name: str, slug: str, kind: dict[str, Any],
    commune: geo.Commune, *, families: Callable[[], list[str]], phone: int, homonym_of: str | None = None,
) -> dict[str, Any]:
    """One directory entry and its page (draws in a fixed order: the same seed, the same bytes)."""
    lat, lon = places.jitter(rng, commune)
    employer = {
        "id": employer_id,
        "name": name,
        "legal_form": rng.choice(kind["legal_forms"]),
        "siret": siret(rng),
        "activity": kind["activity"],
        "families": families(),
        "address": {
            "street": places.street_address(rng, content.templates()["streets"], fake.street_name()),
            "postcode": rng.choice(commune.postcodes) if commune.postcodes else "",
            "commune": commune.name,
            "insee": commune.insee,
        },
        "lat": lat,
        "lon": lon,
        "email": f"{rng.choice(MAILBOXES)}@{slug}.example",
        "phone": fiction_phone(phone),
        "website": f"https://www.{slug}.example",
        "page": "",
        "homonym_of": homonym_of,
    }
    employer["page"] = _page(rng, fake, employer, kind)
    return employer


def generate_employers(seed: int, count: int) -> Directory:
    """`count` employers, ids EMP-00001.., every job family recruited by at least one."""
    if count > FICTION_PHONE_COUNT:
        raise ValueError("not enough fiction phone numbers for so many employers")
    rng = rng_for(seed, "employers")
    fake = faker_for(seed, "employers")
    phones = rng.sample(range(FICTION_PHONE_COUNT), count)
    names_taken: set[str] = set()
    slugs_taken: set[str] = set()
    employers: list[dict[str, Any]] = []
    kinds: dict[str, dict[str, Any]] = {}
    for index, kind in enumerate(_kind_sequence(rng, count)):
        commune = _place(rng, kind)
        name = _unique_name(_fill_name(rng.choice(kind["names"]), rng, fake, commune), commune, names_taken)
        slug = _unique_slug(name, slugs_taken)
        employer_id = f"EMP-{index + 1:05d}"
        employer = _record(rng, fake, employer_id, name, slug, kind, commune,
                           families=lambda kind=kind: _families_of(rng, kind), phone=phones[index])
        employers.append(employer)
        kinds[employer_id] = kind
    _cover_every_family(employers, kinds)
    return Directory(employers, kinds, _by_family(employers, kinds))


def _cover_every_family(employers: list[dict[str, Any]], kinds: dict[str, dict[str, Any]]) -> None:
    """Give a family nobody recruits in to the first employer whose kind lists it."""
    covered = {code for e in employers for code in e["families"]}
    for family in content.job_data()["families"]:
        code = family["code"]
        if code in covered:
            continue
        for employer in employers:
            if code in kinds[employer["id"]]["families"]:
                employer["families"].append(code)
                covered.add(code)
                break


def _by_family(
    employers: list[dict[str, Any]], kinds: dict[str, dict[str, Any]]
) -> dict[str, tuple[list[dict[str, Any]], list[float]]]:
    """Family code -> (employers, cumulative weights); bigger kinds post more offers."""
    found: dict[str, tuple[list[dict[str, Any]], list[float]]] = {}
    for employer in employers:
        weight = float(kinds[employer["id"]]["weight"])
        for code in employer["families"]:
            members, cumulative = found.setdefault(code, ([], []))
            members.append(employer)
            cumulative.append((cumulative[-1] if cumulative else 0.0) + weight)
    return found


def lookalike_count(employers: int) -> int:
    return max(MIN_LOOKALIKES, round(employers * LOOKALIKE_SHARE))


def _can_have_homonym(employer: dict[str, Any]) -> bool:
    """A name that does not say its own town ("Mairie de Vannes" has no homonym elsewhere)."""
    name = geo.fold(employer["name"])
    return "–" not in employer["name"] and geo.fold(employer["address"]["commune"]) not in name


def _other_place(rng: random.Random, kind: dict[str, Any], original: dict[str, Any]) -> geo.Commune:
    """A commune for the homonym, of another name than the original's (the fact that tells them apart)."""
    here = geo.fold(original["address"]["commune"])
    commune = _place(rng, kind)
    for _ in range(PLACE_TRIES):
        if geo.fold(commune.name) != here:
            return commune
        commune = places.pick_commune(rng, int(kind.get("min_population", 0)))
    return commune


def generate_lookalikes(seed: int, directory: Directory) -> list[dict[str, Any]]:
    """Homonyms of some employers: same trade, same or near-same name, another commune and domain.

    Drawn from their own random stream, and never given to the offers' generator, so they
    change employers.jsonl only: offers, inbox and index stay what they were. Each one says
    which employer it looks like in `homonym_of` (None for the others).
    """
    rng = rng_for(seed, "lookalikes")
    fake = faker_for(seed, "lookalikes")
    employers = directory.employers
    eligible = [e for e in employers if _can_have_homonym(e)]
    count = min(len(eligible), lookalike_count(len(employers)))
    used_phones = {e["phone"] for e in employers}
    free_phones = [n for n in range(FICTION_PHONE_COUNT) if fiction_phone(n) not in used_phones]
    phones = rng.sample(free_phones, count)
    slugs_taken = {e["website"].removeprefix("https://www.").removesuffix(".example") for e in employers}
    lookalikes: list[dict[str, Any]] = []
    for index, original in enumerate(sorted(rng.sample(eligible, count), key=lambda e: e["id"])):
        kind = directory.kinds[original["id"]]
        commune = _other_place(rng, kind, original)
        name = original["name"]
        if rng.random() >= SAME_NAME_SHARE:
            suffixes = [w for w in LOOKALIKE_SUFFIXES if geo.fold(w) not in geo.fold(name)]
            name = f"{name} {rng.choice(suffixes)}"
        slug = _unique_slug(f"{name} {commune.name}", slugs_taken)
        employer_id = f"EMP-{len(employers) + index + 1:05d}"
        lookalikes.append(_record(rng, fake, employer_id, name, slug, kind, commune,
                                  families=lambda original=original: list(original["families"]),
                                  phone=phones[index], homonym_of=original["id"]))
    return lookalikes
