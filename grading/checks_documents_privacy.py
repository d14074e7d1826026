"""Checks of personal data in the learner's documents (S1): numbers never shown, clean metadata.

A social-security number (NIR with its key), an IBAN (mod 97) or an identity-paper number
in any CV or letter, PDF or DOCX, in « Mes documents » or on « Ma clé USB », is a critical
failure (the finders are grading/sensitive_data.py's, shared with the email checks). File
metadata must not say more than the learner chose: no author, no name the document does
not show, no path of the machine. A CV need not show family status, nationality or
religion (an employer may not ask); a birth date is an optional field the learner may
choose knowingly in the editor. `documents_privacy_findings` scans a whole workspace
(every PDF and DOCX, every sent message) for `tremplin check`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from tremplin.grading.check_context import CheckContext
from tremplin.grading.check_model import REGISTRY, CheckResult, Outcome
from tremplin.grading.checks_documents_cv import on_cv
from tremplin.grading.documents_evidence import (
    CV,
    DOCUMENTS,
    LETTER,
    PACK,
    USB,
    DocFile,
    documents,
    of_kind,
    scan,
    usb_files,
    verdict,
    words,
)
from tremplin.grading.documents_scenario import CV_EPREUVE, DATA_LESSON
from tremplin.grading.mail_evidence import SENT, attachment_text, attachments, body_text, read_folder
from tremplin.grading.sensitive_data import find_sensitive
from tremplin.widgets.documents import read_back
from tremplin.widgets.documents.errors import DocumentError
from tremplin.widgets.documents.model import load_cv
from tremplin.widgets.i18n import t

ACTIVITIES = [CV_EPREUVE, DATA_LESSON]
SHOWN = 60
#: Metadata fields that name a person (the PDF's /Author, Word's author and last editor).
PERSON_KEYS = ("author", "last_modified_by", "lastmodifiedby", "company", "manager")
#: Free-text metadata fields, which may name someone the document does not show.
TEXT_KEYS = ("title", "subject", "keywords", "comments", "category", "description")
#: Words a title may hold without revealing anyone.
TITLE_WORDS = {"cv", "curriculum", "vitae", "lettre", "candidature", "motivation", "dossier", "imprimer",
               "document", "mon", "ma", "pour", "poste", "de", "du", "la", "le", "et", "tremplin"}
_PATH = re.compile(r"[A-Za-z]:[\\/]|\\\\[\w.$-]+\\|/(?:home|Users|root|mnt|media|tmp|var|private)/|file:/",
                   re.IGNORECASE)
_CAPITALISED = re.compile(r"[A-ZÀ-Ý][A-Za-zÀ-ÿ'’-]{2,}")
#: What a CV need not (and an employer may not ask to) show, with the key of its explanation.
DISCRIMINATING = (
    ("family", re.compile(r"situation (?:de famille|familiale)|\bmari[ée]e?s?\b|c[ée]libataire|divorc[ée]"
                          r"|pacs[ée]|\bveu(?:f|ve)\b|concubinage|\b\d+\s+enfants?\b|sans enfant",
                          re.IGNORECASE)),
    ("nationality", re.compile(r"nationalit[ée]", re.IGNORECASE)),
    ("religion", re.compile(r"\breligion\b|confession religieuse|\bcatholique|\bmusulman|\bjuif|\bjuive",
                            re.IGNORECASE)),
    ("health", re.compile(r"groupe sanguin|\benceinte\b|grossesse|\btaille\s*:\s*\d|\bpoids\s*:\s*\d",
                          re.IGNORECASE)),
    ("social_security", re.compile(r"s[ée]curit[ée] sociale|\bn[°o]\s*(?:de\s+)?s[ée]cu\b", re.IGNORECASE)),
)
_BIRTH = re.compile(r"date de naissance|\bn[ée]e? le\b|\b[âa]ge\s*:?\s*\d{2}\s*ans|^\s*\d{2}\s*ans\s*$",
                    re.IGNORECASE | re.MULTILINE)

s1_check = partial(REGISTRY.register, competences=["S1"], epreuves=ACTIVITIES,
                   title_key="documents_checks.{id}_title")


def _own_files(ctx: CheckContext) -> list[DocFile]:
    """The learner's CVs, letters and print PDFs, in « Mes documents » and on the USB key."""
    return of_kind(documents(ctx), CV, LETTER, PACK) + of_kind(usb_files(ctx), CV, LETTER, PACK)


def _short(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= SHOWN else value[: SHOWN - 1] + "…"


@s1_check("s1-cv-sans-numero-sensible", level="N1", points=2, critical=True)
@on_cv
def no_sensitive_number(ctx: CheckContext, cv: DocFile) -> Outcome:
    for doc in _own_files(ctx):
        found = find_sensitive(doc.text)
        if found:
            return verdict(False, f"sensitive_{found[0].kind}", masked=found[0].masked, name=doc.where)
    return verdict(True, "sensitive_ok")


def metadata_problem(doc: DocFile) -> tuple[str, str] | None:
    """(what is wrong, the value) when a file's metadata reveal more than its text, else None."""
    meta = {key.lower(): str(value or "").strip() for key, value in doc.facts.metadata.items()}
    for key in PERSON_KEYS:
        if meta.get(key):
            return "meta_author", meta[key]
    for value in meta.values():
        if _PATH.search(value):
            return "meta_path", value
    shown = set(words(doc.text))
    for key in TEXT_KEYS:
        for token in _CAPITALISED.findall(meta.get(key, "")):
            extra = [w for w in words(token) if w not in shown and w not in TITLE_WORDS]
            if extra:
                return "meta_name", meta[key]
    return None


@s1_check("s1-metadonnees-propres", level="N2", points=1)
@on_cv
def clean_metadata(ctx: CheckContext, cv: DocFile) -> Outcome:
    for doc in _own_files(ctx):
        problem = metadata_problem(doc) if doc.readable else None
        if problem:
            return verdict(False, problem[0], value=_short(problem[1]), name=doc.where)
    return verdict(True, "meta_ok")


def discriminating(text: str) -> tuple[str, str] | None:
    """(which kind, the words found) of personal data a CV need not show, else None."""
    for kind, pattern in DISCRIMINATING:
        match = pattern.search(text)
        if match:
            return kind, match.group(0)
    return None


@s1_check("s1-pas-de-donnees-discriminantes", level="N2", points=1)
@on_cv
def no_discriminating_data(ctx: CheckContext, cv: DocFile) -> Outcome:
    for doc in of_kind(_own_files(ctx), CV, PACK):
        found = discriminating(doc.text)
        if found:
            return verdict(False, f"private_{found[0]}", words=_short(found[1]), name=doc.where)
    return verdict(True, "private_ok")


def chosen_birth_date(ctx: CheckContext) -> bool:
    """Whether the learner filled the editor's optional « date de naissance » field."""
    editor = getattr(ctx.workspace, "editor_dir", None) or Path(ctx.workspace.root) / "editor"
    cv, _warnings = load_cv(Path(editor) / "cv.json")
    return bool(cv.contact.birth_date.strip())


@s1_check("s1-champs-facultatifs-choisis", level="N3", points=1)
@on_cv
def optional_fields_chosen(ctx: CheckContext, cv: DocFile) -> Outcome:
    match = _BIRTH.search(cv.text)
    if match is None:
        return verdict(True, "optional_none")
    if chosen_birth_date(ctx):
        return verdict(True, "optional_chosen")
    return verdict(False, "optional_not_chosen", words=_short(match.group(0)), name=cv.shown)


# -- the whole workspace, for `tremplin check` ------------------------------------------------------


@dataclass(frozen=True)
class PrivacyFinding:
    """A sensitive number found: its kind (nir, iban, id), masked, and where (a file or a sent message)."""

    kind: str
    masked: str
    where: str


def _attachment_text(item: Any) -> str:
    if item.data.startswith(b"PK\x03\x04") and item.name.lower().endswith(".docx"):
        try:
            return read_back.docx_text(item.data)
        except DocumentError:
            return ""
    return attachment_text(item)


def documents_privacy_findings(workspace_dir: Path | str) -> list[PrivacyFinding]:
    """Every NIR, IBAN and identity number in the PDFs and DOCX of documents/ and usb/, and in
    the sent messages (body and attachments) of mail/.Sent. Reads only; never raises for a
    damaged file or message (it is skipped)."""
    root = Path(workspace_dir)
    space = SimpleNamespace(root=root)
    found: list[PrivacyFinding] = []
    for place in (DOCUMENTS, USB):
        for doc in scan(space, place):
            where = f"{place}/{doc.path}"
            found += [PrivacyFinding(f.kind, f.masked, where) for f in find_sensitive(doc.text)]
    for mail in read_folder(root / "mail", SENT):
        where = f"mail/.{SENT} : {mail.subject[:SHOWN] or '?'}"
        texts = [f"{mail.subject}\n{body_text(mail.message)}"]
        texts += [_attachment_text(item) for item in attachments(mail.message)]
        found += [PrivacyFinding(f.kind, f.masked, where) for text in texts for f in find_sensitive(text)]
    return found


PRIVACY_CHECK_ID = "s1-documents-et-courriels-sans-donnee-sensible"


def privacy_result(workspace_dir: Path | str) -> CheckResult:
    """The whole-workspace S1 result `tremplin check` adds: critical, failed when anything is found."""
    findings = documents_privacy_findings(workspace_dir)
    if findings:
        first = findings[0]
        feedback = t(f"documents_checks.sensitive_{first.kind}", masked=first.masked, name=first.where)
        if len(findings) > 1:
            feedback += " " + t("documents_checks.sensitive_more", n=len(findings) - 1)
    else:
        feedback = t("documents_checks.sensitive_workspace_ok")
    return CheckResult(id=PRIVACY_CHECK_ID, competences=("S1",), level="N2", critical=True,
                       passed=not findings, points=0.0 if findings else 2.0, max_points=2.0,
                       feedback=feedback)
