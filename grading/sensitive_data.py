"""Finding the personal numbers a job seeker should never send: NIR, IBAN, identity papers.

Each finder only reports what really is one: a French social-security number (NIR) counts
when its two-digit key matches (97 − the first thirteen digits mod 97, Corsica's 2A / 2B
read as 19 / 18), an IBAN when its ISO 7064 check (mod 97 = 1) holds. Identity-card and
passport numbers carry no printed checksum, so they count only in their own shape (a
French passport: 2 digits, 2 letters, 5 digits) or next to the words that name them.
A number that merely looks like one (a NIR with a wrong key) is not flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NIR, IBAN, ID_NUMBER = "nir", "iban", "id"
_SEP = r"[ .\u00a0\u202f-]?"
_NIR = re.compile(
    rf"(?<![0-9A-Za-z])([12]{_SEP}\d{{2}}{_SEP}\d{{2}}{_SEP}(?:2[ABab]|\d{{2}}){_SEP}\d{{3}}{_SEP}\d{{3}})"
    rf"{_SEP}(\d{{2}})(?![0-9])"
)
_IBAN = re.compile(r"(?<![A-Za-z0-9])([A-Z]{2}\d{2}(?:[ \u00a0]?[A-Z0-9]){10,30})", re.IGNORECASE)
_PASSPORT = re.compile(r"(?<![A-Za-z0-9])\d{2}[A-Z]{2}\d{5}(?![A-Za-z0-9])")
_ID_WORDS = re.compile(
    r"(carte\s+(?:nationale\s+)?d.identit[ée]|\bCNI\b|passeport|pi[èe]ce\s+d.identit[ée]|titre\s+de\s+s[ée]jour)"
    r"[^0-9A-Za-z]{0,40}(?:\S+\s+){0,4}?(?:n[°o]\.?\s*|num[ée]ro\s*:?\s*)?([A-Z0-9]{9,12})(?![A-Za-z0-9])",
    re.IGNORECASE,
)
#: How many characters of a long text are searched (a learner message is far shorter).
MAX_TEXT = 2_000_000


@dataclass(frozen=True)
class Finding:
    kind: str
    #: the number as found, masked but for its last characters (safe to show in feedback)
    masked: str


def _mask(value: str) -> str:
    bare = re.sub(r"\s", "", value)
    return "•" * max(0, len(bare) - 4) + bare[-4:]


def nir_key_ok(digits: str) -> bool:
    """Whether a 15-character NIR (Corsica's 2A/2B allowed) has the right key."""
    body, key = digits[:13].upper(), digits[13:]
    body = body.replace("2A", "19", 1) if body[5:7] == "2A" else body
    body = body.replace("2B", "18", 1) if body[5:7] == "2B" else body
    if len(digits) != 15 or not body.isdigit() or not key.isdigit():
        return False
    return 97 - int(body) % 97 == int(key)


def iban_ok(text: str) -> bool:
    """ISO 13616 / 7064: letters to numbers, the first four characters moved to the end, mod 97 = 1."""
    bare = re.sub(r"\s", "", text).upper()
    if not 15 <= len(bare) <= 34 or not bare[:2].isalpha() or not bare[2:4].isdigit() or not bare.isalnum():
        return False
    moved = bare[4:] + bare[:4]
    return int("".join(str(int(char, 36)) for char in moved)) % 97 == 1


def _ibans(text: str) -> list[str]:
    found = []
    for match in _IBAN.finditer(text):
        candidate = re.sub(r"\s", "", match.group(1)).upper()
        # the greedy match may run into the next word: keep the longest prefix that checks
        for length in range(min(34, len(candidate)), 14, -1):
            if iban_ok(candidate[:length]):
                found.append(candidate[:length])
                break
    return found


def find_sensitive(text: str) -> list[Finding]:
    """Every NIR (right key), IBAN (right check) and identity number in `text`, in that order."""
    if not isinstance(text, str) or not text:
        return []
    text = text[:MAX_TEXT]
    found: list[Finding] = []
    for match in _NIR.finditer(text):
        digits = re.sub(r"[^0-9ABab]", "", match.group(1) + match.group(2))
        if nir_key_ok(digits):
            found.append(Finding(NIR, _mask(digits)))
    found.extend(Finding(IBAN, _mask(iban)) for iban in _ibans(text))
    ids = {m.group(0) for m in _PASSPORT.finditer(text)}
    ids |= {m.group(2) for m in _ID_WORDS.finditer(text) if any(c.isdigit() for c in m.group(2))}
    found.extend(Finding(ID_NUMBER, _mask(value)) for value in sorted(ids))
    return found
