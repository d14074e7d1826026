"""Checks of « Candidater par courriel »: C1 (the message), C2 (its attachments), C3 (its recipients).

They read the application the learner really sent (the copy in `.Sent` of a `mail.send`
event of the activity) and the scenario's offer. A wrong recipient or a missing CV /
letter is critical: the application fails its purpose.
"""

from __future__ import annotations

import re

from tremplin.grading.check_context import CheckContext
from tremplin.grading.check_model import REGISTRY, Outcome
from tremplin.grading.checks_mail_rules import (
    kb,
    learner_address,
    missing_parts,
    on_application,
    on_files,
)
from tremplin.grading.checks_mail_text import names_offer
from tremplin.grading.mail_evidence import Attachment, SentMail, pdf_facts
from tremplin.grading.mail_scenario import APPLY, APPLY_LESSON, ATTACH_LESSON, RECIPIENTS_LESSON
from tremplin.widgets.i18n import t

ACTIVITIES = [APPLY, APPLY_LESSON]
WITH_FILES = [APPLY, APPLY_LESSON, ATTACH_LESSON]
WITH_RECIPIENTS = [APPLY, RECIPIENTS_LESSON]
MAX_TOTAL_BYTES = 5 * 1024 * 1024
SHOWN = 80
_GENERIC = re.compile(
    r"^(document|doc|sans[ _-]?titre|untitled|scan|numerisation|img|image|photo|dsc|fichier|file|nouveau|new"
    r"|copie|copy|pdf|print|impression)[\s_-]*(\(?\d*\)?)$|^[\d\s_()-]+$|^scan|^img[_-]?\d",
    re.IGNORECASE,
)
_TELLS = re.compile(r"(cv|curriculum|lettre|motivation|candidature|(^|[^a-z])lm([^a-z]|$))", re.IGNORECASE)


@REGISTRY.register("c1-destinataire-employeur", competences=["C1"], level="N1", points=2, epreuves=ACTIVITIES,
                   critical=True, title_key="mail_checks.c1-destinataire-employeur_title")
@on_application
def right_recipient(ctx: CheckContext, mail: SentMail) -> Outcome:
    target = ctx.scenario.apply
    if target.email in mail.to:
        return Outcome(True, t("mail_checks.recipient_ok", employer=target.employer))
    used = ", ".join(mail.to)[:SHOWN] or t("mail_checks.nobody")
    return Outcome(False, t("mail_checks.recipient_wrong", used=used, email=target.email,
                            employer=target.employer))


@REGISTRY.register("c1-objet-explicite", competences=["C1"], level="N1", points=1, epreuves=ACTIVITIES,
                   title_key="mail_checks.c1-objet-explicite_title")
@on_application
def clear_subject(ctx: CheckContext, mail: SentMail) -> Outcome:
    target = ctx.scenario.apply
    if names_offer(mail.mail.subject, target.title, target.reference):
        return Outcome(True, t("mail_checks.subject_ok"))
    if not mail.mail.subject:
        return Outcome(False, t("mail_checks.subject_empty", title=target.title, reference=target.reference))
    return Outcome(False, t("mail_checks.subject_vague", subject=mail.mail.subject[:SHOWN],
                            title=target.title, reference=target.reference))


def parts_feedback(missing: list[str]) -> str:
    return t("mail_checks.parts_join").join(t(f"mail_checks.part_{part}") for part in missing)


@REGISTRY.register("c1-message-complet", competences=["C1"], level="N2", points=2, epreuves=ACTIVITIES,
                   title_key="mail_checks.c1-message-complet_title")
@on_application
def complete_message(ctx: CheckContext, mail: SentMail) -> Outcome:
    missing = missing_parts(ctx, mail)
    if not missing:
        return Outcome(True, t("mail_checks.complete_ok"))
    return Outcome(False, t("mail_checks.complete_missing", parts=parts_feedback(missing)),
                   score=1 - len(missing) / 4)


@REGISTRY.register("c2-cv-et-lettre-joints", competences=["C2"], level="N1", points=2, epreuves=WITH_FILES,
                   critical=True, title_key="mail_checks.c2-cv-et-lettre-joints_title")
@on_files
def cv_and_letter(ctx: CheckContext, files: list[Attachment]) -> Outcome:
    if len(files) == 1:
        return Outcome(False, t("mail_checks.attachments_one", name=files[0].name[:SHOWN] or "?"), score=0.5)
    return Outcome(True, t("mail_checks.attachments_ok", n=len(files)))


@REGISTRY.register("c2-vrais-pdf", competences=["C2"], level="N2", points=2, epreuves=WITH_FILES,
                   title_key="mail_checks.c2-vrais-pdf_title")
@on_files
def real_pdfs(ctx: CheckContext, files: list[Attachment]) -> Outcome:
    for item in files:
        facts = pdf_facts(item.data)
        if not facts.is_pdf:
            return Outcome(False, t("mail_checks.not_pdf", name=item.name[:SHOWN] or "?"))
        if facts.pages < 1:
            return Outcome(False, t("mail_checks.pdf_unreadable", name=item.name[:SHOWN] or "?"))
    total = sum(len(item.data) for item in files)
    if total > MAX_TOTAL_BYTES:
        return Outcome(False, t("mail_checks.too_big", size=kb(total), max=kb(MAX_TOTAL_BYTES)), score=0.5)
    return Outcome(True, t("mail_checks.pdf_ok"))


def bad_name(name: str) -> bool:
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", name.strip())
    return not stem or bool(_GENERIC.match(stem)) or not _TELLS.search(stem)


@REGISTRY.register("c2-noms-parlants", competences=["C2"], level="N2", points=1, epreuves=WITH_FILES,
                   title_key="mail_checks.c2-noms-parlants_title")
@on_files
def telling_names(ctx: CheckContext, files: list[Attachment]) -> Outcome:
    bad = [item.name for item in files if bad_name(item.name)]
    if bad:
        return Outcome(False, t("mail_checks.names_bad", name=(bad[0] or "?")[:SHOWN]))
    return Outcome(True, t("mail_checks.names_ok"))


@REGISTRY.register("c3-conseiller-en-copie", competences=["C3"], level="N1", points=1,
                   epreuves=WITH_RECIPIENTS, title_key="mail_checks.c3-conseiller-en-copie_title")
@on_application
def adviser_in_cc(ctx: CheckContext, mail: SentMail) -> Outcome:
    adviser = ctx.scenario.adviser
    if adviser in mail.cc:
        return Outcome(True, t("mail_checks.cc_ok"))
    if adviser in mail.bcc:
        return Outcome(False, t("mail_checks.cc_in_bcc", adviser=adviser))
    if adviser in mail.to:
        return Outcome(False, t("mail_checks.cc_in_to", adviser=adviser))
    return Outcome(False, t("mail_checks.cc_missing", adviser=adviser))


@REGISTRY.register("c3-aucun-destinataire-en-trop", competences=["C3"], level="N2", points=1,
                   epreuves=WITH_RECIPIENTS, title_key="mail_checks.c3-aucun-destinataire-en-trop_title")
@on_application
def no_extra_recipient(ctx: CheckContext, mail: SentMail) -> Outcome:
    allowed = {ctx.scenario.apply.email, ctx.scenario.adviser, learner_address(ctx, mail), mail.mail.sender}
    extra = [a for a in mail.recipients if a not in allowed]
    if extra:
        return Outcome(False, t("mail_checks.extra_recipients", who=", ".join(extra)[:SHOWN], n=len(extra)))
    return Outcome(True, t("mail_checks.recipients_ok"))
