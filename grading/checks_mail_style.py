"""Checks of etiquette (C5) and of personal data disclosed by email (S1).

C5 reads the application (« Candidater par courriel ») or every message of the follow-up
épreuve (N3: the tone kept in a reply, a forward, a follow-up); the sender address comes
from the `mail.address` event. S1 reads every message the learner sent in the activity,
body and attachments (the text of PDFs through pypdf): a NIR with a valid key, a valid
IBAN or an identity-paper number is a critical failure.
"""

from __future__ import annotations

from tremplin.grading.check_context import CheckContext
from tremplin.grading.check_model import REGISTRY, Outcome
from tremplin.grading.checks_mail_rules import files_of, learner_address, on_application, own_lines, sent
from tremplin.grading.checks_mail_text import closing, greeting, shouting, text_speak, thou, unprofessional
from tremplin.grading.mail_evidence import SentMail, attachment_text, body_text
from tremplin.grading.mail_scenario import (
    APPLY,
    APPLY_LESSON,
    ATTACH_LESSON,
    FOLLOW,
    FOLLOW_LESSON,
    POLITE_LESSON,
)
from tremplin.grading.sensitive_data import find_sensitive
from tremplin.widgets.i18n import t

APPLYING = [APPLY, APPLY_LESSON, ATTACH_LESSON]
POLITE = [APPLY, POLITE_LESSON]
FOLLOWING = [FOLLOW, FOLLOW_LESSON]


def _formulas(mail: SentMail) -> str | None:
    """The key of what is wrong with a message's greeting and closing, or None."""
    lines = own_lines(mail)
    hello, bye = greeting(lines), closing(lines)
    if hello != "formal":
        return "mail_checks.greeting_casual" if hello == "casual" else "mail_checks.greeting_missing"
    if bye != "formal":
        return "mail_checks.closing_casual" if bye == "casual" else "mail_checks.closing_missing"
    return None


def _tone(mail: SentMail, with_thou: bool = True) -> tuple[str, dict[str, str]] | None:
    """The key (and values) of what sounds unprofessional in a message, or None."""
    lines = own_lines(mail)
    text = "\n".join([mail.mail.subject, *lines])
    speak = text_speak(text)
    if speak:
        return "mail_checks.text_speak", {"words": ", ".join(f"« {w} »" for w in speak[:4])}
    if shouting(text) or (mail.mail.subject.isupper() and len(mail.mail.subject) >= 8):
        return "mail_checks.all_caps", {}
    forms = thou(lines) if with_thou else []
    if forms:
        return "mail_checks.thou", {"words": ", ".join(f"« {w} »" for w in forms[:3])}
    return None


@REGISTRY.register("c5-formules-politesse", competences=["C5"], level="N1", points=1, epreuves=POLITE,
                   title_key="mail_checks.c5-formules-politesse_title")
@on_application
def polite_formulas(ctx: CheckContext, mail: SentMail) -> Outcome:
    problem = _formulas(mail)
    return Outcome(False, t(problem)) if problem else Outcome(True, t("mail_checks.formulas_ok"))


@REGISTRY.register("c5-vouvoiement", competences=["C5"], level="N2", points=1, epreuves=POLITE,
                   title_key="mail_checks.c5-vouvoiement_title")
@on_application
def formal_you(ctx: CheckContext, mail: SentMail) -> Outcome:
    forms = thou(own_lines(mail))
    if forms:
        return Outcome(False, t("mail_checks.thou", words=", ".join(f"« {w} »" for w in forms[:3])))
    return Outcome(True, t("mail_checks.vous_ok"))


@REGISTRY.register("c5-ton-professionnel", competences=["C5"], level="N2", points=1, epreuves=POLITE,
                   title_key="mail_checks.c5-ton-professionnel_title")
@on_application
def professional_tone(ctx: CheckContext, mail: SentMail) -> Outcome:
    problem = _tone(mail, with_thou=False)
    return Outcome(False, t(problem[0], **problem[1])) if problem else Outcome(True, t("mail_checks.tone_ok"))


@REGISTRY.register("c5-adresse-professionnelle", competences=["C5"], level="N2", points=1, epreuves=POLITE,
                   title_key="mail_checks.c5-adresse-professionnelle_title")
@on_application
def professional_address(ctx: CheckContext, mail: SentMail) -> Outcome:
    address = learner_address(ctx, mail)
    if unprofessional(address):
        return Outcome(False, t("mail_checks.address_bad", address=address[:80]))
    return Outcome(True, t("mail_checks.address_ok", address=address[:80]))


@REGISTRY.register("c5-ton-adapte-suivi", competences=["C5"], level="N3", points=1, epreuves=FOLLOWING,
                   title_key="mail_checks.c5-ton-adapte-suivi_title")
def tone_kept(ctx: CheckContext) -> Outcome:
    messages = [m for m in sent(ctx) if m.kind != "forward"]
    if not messages:
        return Outcome(False, t("mail_checks.nothing_sent"))
    for mail in messages:
        problem = _tone(mail)
        key = problem[0] if problem else _formulas(mail)
        if key:
            values = problem[1] if problem else {}
            return Outcome(False, t("mail_checks.tone_in", subject=mail.mail.subject[:80] or "?",
                                    problem=t(key, **values)))
    return Outcome(True, t("mail_checks.tone_kept_ok", n=len(messages)))


def disclosed(mail: SentMail) -> list[tuple[str, str]]:
    """(kind, masked number) of each sensitive number in a message and its attachments."""
    text = f"{mail.mail.subject}\n{body_text(mail.mail.message)}"
    found = [(f.kind, f.masked) for f in find_sensitive(text)]
    for item in files_of(mail):
        found.extend((f.kind, f.masked) for f in find_sensitive(attachment_text(item)))
    return found


def _no_data(ctx: CheckContext) -> Outcome:
    messages = sent(ctx)
    if not messages:
        return Outcome(False, t("mail_checks.nothing_sent"))
    for mail in messages:
        found = disclosed(mail)
        if found:
            kind, masked = found[0]
            return Outcome(False, t(f"mail_checks.sensitive_{kind}", masked=masked,
                                    subject=mail.mail.subject[:80] or "?"))
    return Outcome(True, t("mail_checks.sensitive_ok"))


@REGISTRY.register("s1-aucune-donnee-sensible", competences=["S1"], level="N2", points=2, epreuves=APPLYING,
                   critical=True, title_key="mail_checks.s1-aucune-donnee-sensible_title")
def no_sensitive_data(ctx: CheckContext) -> Outcome:
    return _no_data(ctx)


@REGISTRY.register("s1-suivi-sans-donnee-sensible", competences=["S1"], level="N3", points=1,
                   epreuves=FOLLOWING, critical=True,
                   title_key="mail_checks.s1-suivi-sans-donnee-sensible_title")
def no_sensitive_data_follow(ctx: CheckContext) -> Outcome:
    return _no_data(ctx)
