"""Checks of « Suivre ses courriels »: reply, forward, follow up (C4), a group message (C3 N3, C1–C2 N3).

A reply counts when it stays in the thread (In-Reply-To and References name the recruiter's
message); a forward when the adviser gets the employer's message with its attachments (or
its text, if it had none); a follow-up when it goes to the employer at least the stated
delay after the first application (both Date headers) and cites it (thread headers, its
subject, the offer's title or reference). The spontaneous application goes to three
employers in Bcc, one real PDF within the scenario's size limit.
"""

from __future__ import annotations

import datetime as dt
import re

from tremplin.grading.check_context import CheckContext
from tremplin.grading.check_model import REGISTRY, Outcome
from tremplin.grading.checks_mail_apply import parts_feedback
from tremplin.grading.checks_mail_rules import (
    files_of,
    kb,
    missing_parts,
    own_lines,
    requiring,
    sent,
)
from tremplin.grading.checks_mail_text import names_offer, words
from tremplin.grading.mail_evidence import (
    SENT,
    Mail,
    SentMail,
    all_mail,
    attachments,
    body_text,
    ids_in,
    norm_id,
    pdf_facts,
    read_folder,
)
from tremplin.grading.mail_scenario import FOLLOW, FOLLOW_LESSON, world_inbox
from tremplin.widgets.geo import fold
from tremplin.widgets.i18n import t

ACTIVITIES = [FOLLOW, FOLLOW_LESSON]
#: the spontaneous application in Bcc is the épreuve's own task (no lesson mission asks for it)
GROUP = [FOLLOW]
TOLERANCE = dt.timedelta(hours=12)
_PREFIX = re.compile(r"^\s*((re|tr|fwd?|aw|wg)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)


def strip_prefix(subject: str) -> str:
    return _PREFIX.sub("", subject or "").strip()


def _cites(mail: SentMail, message_id: str) -> bool:
    return message_id in mail.mail.header_ids() or norm_id(mail.event.get("in_reply_to")) == message_id


def _replies(ctx: CheckContext) -> list[SentMail]:
    scenario = ctx.scenario
    return [m for m in sent(ctx) if scenario.reply_from in m.recipients and m.kind != "forward"]


@REGISTRY.register("c4-reponse-envoyee", competences=["C4"], level="N1", points=1, epreuves=ACTIVITIES,
                   title_key="mail_checks.c4-reponse-envoyee_title")
def reply_sent(ctx: CheckContext) -> Outcome:
    if _replies(ctx):
        return Outcome(True, t("mail_checks.reply_sent_ok"))
    return Outcome(False, t("mail_checks.reply_missing", subject=ctx.scenario.reply_subject))


@REGISTRY.register("c4-reponse-dans-le-fil", competences=["C4"], level="N2", points=2, epreuves=ACTIVITIES,
                   title_key="mail_checks.c4-reponse-dans-le-fil_title")
def reply_in_thread(ctx: CheckContext) -> Outcome:
    scenario = ctx.scenario
    replies = _replies(ctx)
    if not replies:
        return Outcome(False, t("mail_checks.reply_missing", subject=scenario.reply_subject))
    if any(scenario.reply_id in norm_ids(m, "In-Reply-To") and scenario.reply_id in norm_ids(m, "References")
           for m in replies):
        return Outcome(True, t("mail_checks.thread_ok"))
    return Outcome(False, t("mail_checks.thread_broken", subject=scenario.reply_subject))


def norm_ids(mail: SentMail, header: str) -> set[str]:
    found = ids_in(mail.mail.message.get(header))
    return found | ({norm_id(mail.event.get("in_reply_to"))} if header == "In-Reply-To" else set())


def original(ctx: CheckContext, message_id: str) -> Mail | None:
    """The message as the learner received it (any folder but Sent), else as the world wrote it."""
    for mail in all_mail(ctx.workspace.mail_dir):
        if mail.message_id == message_id and mail.folder != SENT:
            return mail
    return next((m for m in world_inbox(ctx.world) if m.message_id == message_id), None)


def _keeps(forward: SentMail, source: Mail) -> bool:
    """Whether a forward carries the original's attachments (or its text, when it had none)."""
    wanted = {f.data for f in attachments(source.message) if f.data}
    if wanted:
        return wanted <= {f.data for f in files_of(forward)}
    lines = [line.strip() for line in body_text(source.message).splitlines() if len(line.strip()) > 20]
    sent_text = fold(body_text(forward.mail.message))
    return any(fold(line) in sent_text for line in lines[:3]) or any(
        f.content_type == "message/rfc822" for f in files_of(forward))


@REGISTRY.register("c4-transfert-avec-piece-jointe", competences=["C4"], level="N2", points=2,
                   epreuves=ACTIVITIES, title_key="mail_checks.c4-transfert-avec-piece-jointe_title")
def forward_with_attachment(ctx: CheckContext) -> Outcome:
    scenario = ctx.scenario
    source = original(ctx, scenario.forward_id)
    wanted = strip_prefix(scenario.forward_subject).lower()
    to_adviser = [m for m in sent(ctx) if scenario.adviser in (*m.to, *m.cc)]
    forwards = [m for m in to_adviser if _cites(m, scenario.forward_id)
                or (wanted and wanted in m.mail.subject.lower())]
    if not forwards:
        key = "mail_checks.forward_other" if to_adviser else "mail_checks.forward_missing"
        return Outcome(False, t(key, subject=scenario.forward_subject, adviser=scenario.adviser))
    if source is None or any(_keeps(m, source) for m in forwards):
        return Outcome(True, t("mail_checks.forward_ok"))
    has_files = bool(attachments(source.message))
    key = "mail_checks.forward_no_attachment" if has_files else "mail_checks.forward_no_text"
    return Outcome(False, t(key, subject=scenario.forward_subject), score=0.5)


def first_message(ctx: CheckContext) -> Mail | None:
    """The first application to follow up: the scenario's, else the earliest one sent to that employer."""
    scenario = ctx.scenario
    mine = read_folder(ctx.workspace.mail_dir, SENT)
    found = [m for m in mine if m.message_id == scenario.first_message_id]
    return (found or [m for m in mine if scenario.follow_up.email in str(m.message.get("To") or "").lower()]
            or [None])[0]


def _cites_first(mail: SentMail, first: Mail, ctx: CheckContext) -> bool:
    target = ctx.scenario.follow_up
    core = strip_prefix(first.subject).lower()
    text = f"{mail.mail.subject}\n" + "\n".join(own_lines(mail))
    return (_cites(mail, first.message_id) or (bool(core) and core in mail.mail.subject.lower())
            or names_offer(text, target.title, target.reference))


@REGISTRY.register("c4-relance-apres-delai", competences=["C4"], level="N3", points=2, epreuves=ACTIVITIES,
                   title_key="mail_checks.c4-relance-apres-delai_title")
def follow_up_after_delay(ctx: CheckContext) -> Outcome:
    scenario = ctx.scenario
    target, days = scenario.follow_up, scenario.follow_up_days
    first = first_message(ctx)
    first_id = first.message_id if first is not None else None
    later = [m for m in sent(ctx) if target.email in m.to and m.mail.message_id != first_id]
    if first is None or not later:
        return Outcome(False, t("mail_checks.follow_missing", employer=target.employer, days=days))
    problem = ""
    for mail in reversed(later):
        elapsed = mail.mail.date - first.date
        if elapsed < dt.timedelta(days=days) - TOLERANCE:
            problem = t("mail_checks.follow_too_early", elapsed=max(0, elapsed.days), days=days)
        elif not _cites_first(mail, first, ctx):
            problem = t("mail_checks.follow_no_citation", title=target.title, reference=target.reference)
        else:
            return Outcome(True, t("mail_checks.follow_ok", employer=target.employer))
    return Outcome(False, problem)


def group_message(ctx: CheckContext) -> SentMail | None:
    """The last message that reaches at least two employers of the group (the learner's last try)."""
    group = {target.email for target in ctx.scenario.group}
    found = [m for m in sent(ctx) if len(group & set(m.recipients)) >= 2]
    return found[-1] if found else None


def _no_group(ctx: CheckContext) -> Outcome:
    names = ", ".join(target.employer for target in ctx.scenario.group)
    return Outcome(False, t("mail_checks.group_missing", employers=names))


#: A check of the group message: it fails, naming the employers, while there is none.
on_group = requiring(group_message, _no_group)


@REGISTRY.register("c3-envoi-groupe-cci", competences=["C3"], level="N3", points=2, epreuves=GROUP,
                   title_key="mail_checks.c3-envoi-groupe-cci_title")
@on_group
def group_in_bcc(ctx: CheckContext, mail: SentMail) -> Outcome:
    group = [target.email for target in ctx.scenario.group]
    visible = [a for a in group if a in (*mail.to, *mail.cc)]
    if visible:
        return Outcome(False, t("mail_checks.group_visible", n=len(visible)))
    missing = [target.employer for target in ctx.scenario.group if target.email not in mail.recipients]
    if missing:
        return Outcome(False, t("mail_checks.group_incomplete", employers=", ".join(missing)),
                       score=1 - len(missing) / len(group))
    return Outcome(True, t("mail_checks.group_ok"))


@REGISTRY.register("c1-candidature-spontanee", competences=["C1"], level="N3", points=1, epreuves=GROUP,
                   title_key="mail_checks.c1-candidature-spontanee_title")
@on_group
def spontaneous_complete(ctx: CheckContext, mail: SentMail) -> Outcome:
    subject = mail.mail.subject
    job_words = {w for w in words(ctx.scenario.job) if len(w) >= 4}
    if "spontan" not in fold(subject) and not job_words & set(words(subject)):
        return Outcome(False, t("mail_checks.spontaneous_subject", job=ctx.scenario.job))
    missing = missing_parts(ctx, mail)
    if missing:
        return Outcome(False, t("mail_checks.complete_missing", parts=parts_feedback(missing)))
    return Outcome(True, t("mail_checks.spontaneous_ok"))


@REGISTRY.register("c2-fichier-unique-limite", competences=["C2"], level="N3", points=1, epreuves=GROUP,
                   title_key="mail_checks.c2-fichier-unique-limite_title")
@on_group
def single_file_within_limit(ctx: CheckContext, mail: SentMail) -> Outcome:
    limit = ctx.scenario.size_limit_kb
    files = files_of(mail)
    if len(files) != 1:
        return Outcome(False, t("mail_checks.single_file_count", n=len(files), limit=limit))
    facts = pdf_facts(files[0].data)
    if not facts.is_pdf or facts.pages < 1:
        return Outcome(False, t("mail_checks.not_pdf", name=files[0].name[:80] or "?"))
    if len(files[0].data) > limit * 1024:
        return Outcome(False, t("mail_checks.single_file_big", size=kb(len(files[0].data)), limit=limit))
    return Outcome(True, t("mail_checks.single_file_ok", limit=limit))
