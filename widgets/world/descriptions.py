"""Offer descriptions written from templates: intro, missions, profile, conditions, how to apply.

Each section has several variants in world_templates.json and each family brings its
own missions and requirements, so two offers of the same job read differently, as they
do on a real job board.
"""

from __future__ import annotations

import random
from typing import Any

from tremplin.widgets.world import content


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def short_title(title: str) -> str:
    """'Vendeur / Vendeuse en boulangerie (H/F)' -> 'vendeur / vendeuse en boulangerie'."""
    bare = title.replace("(H/F)", "").strip()
    return " / ".join(lower_first(part) for part in bare.split(" / "))


def with_de(text: str) -> str:
    """'de vendeur', but 'd'assistant' and 'd'hôte': French elision before a vowel or mute h."""
    return f"d'{text}" if text[:1].lower() in "aeiouyéèêâîôh" else f"de {text}"


def format_money(amount: float, period: str) -> str:
    """French formatting: '1 850 €' for a month, '12,02 €' for an hour."""
    if period == "heure":
        return f"{amount:.2f}".replace(".", ",") + " €"
    return f"{int(round(amount)):,}".replace(",", "\u202f") + " €"


def salary_phrase(offer: dict[str, Any]) -> str:
    low, high, period = offer["salary_min"], offer["salary_max"], offer["salary_period"]
    unit = "brut de l'heure" if period == "heure" else "brut par mois"
    if low == high:
        return f"{format_money(low, period)} {unit}"
    return f"de {format_money(low, period)} à {format_money(high, period)} {unit}"


def contract_phrase(rng: random.Random, contract: str) -> tuple[str, str]:
    """(bare phrase, phrase with an article) for the contract, a CDD with its length."""
    texts = content.templates()["offer"]
    bare, article = texts["contract_phrases"][contract]
    if contract == "CDD":
        months = rng.choice(texts["cdd_months"])
        bare, article = bare.replace("6 mois", f"{months} mois"), article.replace("6 mois", f"{months} mois")
    return bare, article


def hours_phrase(hours: int) -> str:
    return f"{hours} h"


def describe(rng: random.Random, offer: dict[str, Any], family: dict[str, Any], activity: str) -> str:
    """The French description of a genuine offer, paragraphs separated by blank lines."""
    texts = content.templates()["offer"]
    missions = rng.sample(family["missions"], 3)
    requirements = rng.sample(family["requirements"], 2)
    bare, article = contract_phrase(rng, offer["contract"])
    values = {
        "title": offer["title"],
        "title_short": short_title(offer["title"]),
        "de_title": with_de(short_title(offer["title"])),
        "job": family["job"],
        "employer": offer["employer_name"],
        "activity_lower": lower_first(activity),
        "commune": offer["commune"],
        "mission_1": missions[0],
        "mission_2": missions[1],
        "mission_3": missions[2],
        "mission_1_lower": lower_first(missions[0]),
        "requirement_1": requirements[0],
        "requirement_1_lower": lower_first(requirements[0]),
        "requirement_2": requirements[1],
        "skills": ", ".join(s.lower() for s in offer["skills"]),
        "contract_phrase": bare,
        "contract_phrase_article": article,
        "hours": hours_phrase(offer["hours_per_week"]),
        "schedule": family["schedule"],
        "schedule_lower": lower_first(family["schedule"]),
        "salary_phrase": salary_phrase(offer),
        "start": rng.choice(texts["start"]),
        "email": offer["contact_email"],
        "reference": offer["reference"],
    }
    sections = ("intro", "mission", "profile", "conditions", "apply")
    return "\n\n".join(rng.choice(texts[section]).format(**values) for section in sections)
