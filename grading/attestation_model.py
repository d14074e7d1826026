"""What one learner's attestation certifies, as plain frozen values.

The PDF (attestation_pdf) and the Open Badges credentials (badges) are both drawn from this
one record, so the paper and the signed badges can never say different things. It holds
words ready to print (French statements, level meanings, code labels), not report tallies:
the adapter from the report (certification.attestations_for) decides what is certified.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

_PREFIXES = {"épreuve", "epreuve"}


@dataclass(frozen=True)
class Evidence:
    """One épreuve behind a competence and the titles (French) of the checks passed in it."""

    epreuve: str
    epreuve_title: str
    checks: tuple[str, ...]

    @property
    def name(self) -> str:
        """The title without its « Épreuve : » prefix, for lines already labelled « Épreuve : »."""
        head, colon, rest = self.epreuve_title.partition(":")
        prefixed = colon and head.strip().lower() in _PREFIXES and rest.strip()
        return rest.strip() if prefixed else self.epreuve_title


@dataclass(frozen=True)
class CertifiedCompetence:
    """A validated competence: statement, level (N1–N3) and its meaning, Pix/DigComp (code, label)."""

    id: str
    statement: str
    level: str
    level_text: str
    pix: tuple[tuple[str, str], ...]
    digcomp: tuple[tuple[str, str], ...]
    validated_on: datetime.date
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class AttestationData:
    """Everything printed on one learner's attestation and signed into their badges."""

    learner_id: str
    pseudonym: str
    structure: str
    mediator: str
    issued_on: datetime.date
    referential_name: str
    referential_version: str
    competences: tuple[CertifiedCompetence, ...]
