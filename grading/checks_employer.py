"""Checks of « Se renseigner sur l'employeur » (R4, N1–N3): open the right employer's page, note
its address and a contact, tell it from its homonym and do not trust a look-alike address.

They read only the activity's journal (`employer.view`, `employer.note`, `employer.compare`)
and the world's directory. Notes are compared as people type: case, accents, punctuation
and spaces do not count, a phone number may be written with or without spaces or +33. The
last note about a company counts (the learner may correct it). Noting the homonym's contact
(or the misleading one) is a critical failure: an application sent there goes to the wrong
company. No ipywidgets here.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from tremplin.grading.check_context import CheckContext
from tremplin.grading.check_model import REGISTRY, Outcome
from tremplin.grading.employer_scenario import EPREUVE, LESSON, EmployerScenario
from tremplin.widgets.employer_directory import address_line, domain, folded, matches
from tremplin.widgets.i18n import t

ACTIVITIES = [EPREUVE, LESSON]
SHOWN = 80  # characters of a learner's text quoted back in feedback


def _compact(value: Any) -> str:
    return folded(value).replace(" ", "")


def same_email(typed: Any, expected: Any) -> bool:
    return bool(_compact(expected)) and _compact(typed) == _compact(expected)


def _digits(value: Any) -> str:
    digits = re.sub(r"\D", "", str(value or ""))[:20]
    return "0" + digits[2:] if digits.startswith("33") and len(digits) == 11 else digits


def same_phone(typed: Any, expected: Any) -> bool:
    return bool(_digits(expected)) and _digits(typed) == _digits(expected)


def address_matches(typed: Any, employer: dict[str, Any]) -> bool:
    """The street (with its number) and the postcode or the commune of the directory's page."""
    text, address = folded(typed), employer.get("address") or {}
    street, commune = folded(address.get("street")), folded(address.get("commune"))
    postcode = str(address.get("postcode") or "")
    place = (postcode and postcode in text.split()) or (commune and commune in text)
    return bool(street) and street in text and bool(place)


def has_contact_of(note: dict[str, Any], employer: dict[str, Any]) -> bool:
    return (same_email(note.get("email"), employer.get("email"))
            or same_phone(note.get("phone"), employer.get("phone")))


def is_about(note: dict[str, Any], employer: dict[str, Any]) -> bool:
    """Whether a note is meant for this employer: its page was open, its name, or its contact."""
    return (note.get("employer_id") == employer.get("id") or matches(str(note.get("name") or ""),
                                                                   str(employer.get("name") or ""))
            or has_contact_of(note, employer))


def notes(ctx: CheckContext) -> list[dict[str, Any]]:
    return [e.data for e in ctx.of_kind("employer.note") if isinstance(e.data, dict)]


def last_note_about(ctx: CheckContext, *employers: dict[str, Any]) -> dict[str, Any] | None:
    found = [n for n in notes(ctx) if any(is_about(n, e) for e in employers)]
    return found[-1] if found else None


def _quote(value: Any) -> str:
    return " ".join(str(value or "").split())[:SHOWN]


def _employer(ctx: CheckContext, employer_id: str) -> dict[str, Any]:
    return ctx.world.employer(employer_id) or {"id": employer_id, "name": employer_id}


def note_problem(note: dict[str, Any], employer: dict[str, Any]) -> str | None:
    """What is wrong with a note for this employer ("address", "no_contact", "contact"), or None."""
    if not address_matches(note.get("address"), employer):
        return "address"
    if not (note.get("email") or note.get("phone")):
        return "no_contact"
    if not has_contact_of(note, employer):
        return "contact"
    return None


def _note_feedback(prefix: str, problem: str, note: dict[str, Any], employer: dict[str, Any]) -> str:
    typed = note.get("email") or note.get("phone")
    if problem == "contact" and "@" in str(typed) and domain(typed) == domain(employer.get("email")):
        problem = "contact_same_site"
    return t(f"employer.{prefix}_{problem}", name=employer.get("name", ""), typed=_quote(typed),
             address=_quote(note.get("address")), commune=(employer.get("address") or {}).get("commune", ""))


#: Every R4 check serves the épreuve and its lesson; its title is « employer.<id>_title ».
r4_check = partial(REGISTRY.register, competences=["R4"], epreuves=ACTIVITIES,
                   title_key="employer.{id}_title")


@r4_check("r4-employeur-consulte", level="N1", points=1)
def employer_viewed(ctx: CheckContext) -> Outcome:
    scenario: EmployerScenario = ctx.scenario
    name = scenario.employer_name
    viewed = [e.data.get("employer_id") for e in ctx.of_kind("employer.view")]
    if scenario.employer_id in viewed:
        return Outcome(True, t("employer.viewed_ok", name=name))
    if viewed:
        return Outcome(False, t("employer.viewed_other", name=name))
    if ctx.of_kind("employer.search"):
        return Outcome(False, t("employer.viewed_searched", name=name))
    return Outcome(False, t("employer.viewed_none", name=name))


@r4_check("r4-coordonnees-notees", level="N2", points=2)
def contact_noted(ctx: CheckContext) -> Outcome:
    employer = _employer(ctx, ctx.scenario.employer_id)
    note = last_note_about(ctx, employer)
    if note is None:
        key = "employer.noted_other" if notes(ctx) else "employer.noted_none"
        return Outcome(False, t(key, name=employer.get("name", "")))
    problem = note_problem(note, employer)
    if problem:
        return Outcome(False, _note_feedback("noted", problem, note, employer))
    return Outcome(True, t("employer.noted_ok", name=employer["name"], address=address_line(employer)))


def _wrong_company(note: dict[str, Any], scenario: EmployerScenario, decoy: dict[str, Any]) -> bool:
    """The note sends the application elsewhere: the homonym's contact or the misleading one."""
    return has_contact_of(note, decoy) or same_email(note.get("email"), scenario.misleading_email)


def _misleading_judged(ctx: CheckContext, note: dict[str, Any], scenario: EmployerScenario) -> bool:
    """The directory's own email noted instead, or the misleading address checked with the tool."""
    if same_email(note.get("email"), _employer(ctx, scenario.target_id).get("email")):
        return True
    for event in ctx.of_kind("employer.compare"):
        data = event.data
        if not same_email(data.get("address"), scenario.misleading_email):
            continue
        if (data.get("employer_id") == scenario.target_id and data.get("verdict") in ("other", "domain")) or (
                data.get("employer_id") == scenario.decoy_id and data.get("verdict") == "same"):
            return True
    return False


@r4_check("r4-homonyme-distingue", level="N3", points=2)
def homonym_told_apart(ctx: CheckContext) -> Outcome:
    scenario: EmployerScenario = ctx.scenario
    target, decoy = _employer(ctx, scenario.target_id), _employer(ctx, scenario.decoy_id)
    words = {"name": scenario.target_name, "commune": scenario.target_commune,
             "other": scenario.decoy_commune, "email": scenario.misleading_email}
    note = last_note_about(ctx, target, decoy)
    if note is None:
        return Outcome(False, t("employer.homonym_none", **words))
    if _wrong_company(note, scenario, decoy) or (
            address_matches(note.get("address"), decoy) and not address_matches(note.get("address"), target)):
        return Outcome(False, t("employer.homonym_wrong_company", **words))
    problem = note_problem(note, target)
    if problem:
        return Outcome(False, _note_feedback("homonym", problem, note, target))
    if not _misleading_judged(ctx, note, scenario):
        return Outcome(False, t("employer.homonym_unchecked", **words))
    return Outcome(True, t("employer.homonym_ok", **words))


@r4_check("r4-contact-fiable", level="N2", points=1, critical=True)
def reliable_contact(ctx: CheckContext) -> Outcome:
    scenario: EmployerScenario = ctx.scenario
    if not notes(ctx):
        return Outcome(False, t("employer.reliable_none"))
    target, decoy = _employer(ctx, scenario.target_id), _employer(ctx, scenario.decoy_id)
    note = last_note_about(ctx, target, decoy)
    if note is not None and _wrong_company(note, scenario, decoy):
        email = note.get("email")
        misleading = same_email(email, scenario.misleading_email) or same_email(email, decoy.get("email"))
        typed = email if misleading else note.get("phone")
        return Outcome(False, t("employer.reliable_wrong", typed=_quote(typed), name=scenario.target_name,
                                commune=scenario.target_commune))
    return Outcome(True, t("employer.reliable_ok"))
