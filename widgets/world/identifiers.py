"""Identifiers that look real but cannot reach anyone: slugs, SIRET, phones, addresses.

Domains use the reserved `.example` top-level domain (RFC 2606) and phone numbers come
from the block ARCEP reserves for fiction (02 61 91 00 00 – 02 61 91 99 99), so nothing a
learner copies from the world can reach a real company or person.
"""

from __future__ import annotations

import random
import re

from tremplin.widgets.geo import fold

FICTION_PHONE_PREFIX = "02 61 91"
FICTION_PHONE_COUNT = 10_000


def slugify(text: str) -> str:
    """'Boulangerie Le Goff' -> 'boulangerie-le-goff' (accents folded, ASCII only)."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def fiction_phone(number: int) -> str:
    """The `number`-th phone number (0–9999) of ARCEP's fiction range for the 02 zone."""
    if not 0 <= number < FICTION_PHONE_COUNT:
        raise ValueError("fiction phone numbers run from 0 to 9999")
    digits = f"{number:04d}"
    return f"{FICTION_PHONE_PREFIX} {digits[:2]} {digits[2:]}"


def luhn_check_digit(digits: str) -> str:
    """The digit that makes `digits` + it pass the Luhn test (used by SIREN and SIRET)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def luhn_valid(digits: str) -> bool:
    return digits.isdigit() and luhn_check_digit(digits[:-1]) == digits[-1]


def siret(rng: random.Random) -> str:
    """A 14-digit SIRET whose SIREN (9 first digits) and whole number pass the Luhn test."""
    body = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(7))
    siren = body + luhn_check_digit(body)
    establishment = f"{rng.randint(1, 9):04d}"
    head = siren + establishment
    return head + luhn_check_digit(head)
