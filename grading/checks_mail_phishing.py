"""Checks of « Suivre ses courriels » on phishing (C6): junk it, never click, never answer, keep the rest.

Where each message of the world's inbox is now (the snapshot's Maildir folders) is the
truth; the activity's journal says what the learner did when a message is no longer there
(`mail.report_phishing`, `mail.move`, `mail.delete`) and holds the clicks
(`mail.link_click`, whose link was never followed). The simulated employers' answers
(`mail.delivered`) count as genuine recruiter messages to keep. A click on a phishing link, or an
answer to a phishing sender, is critical. A learner who did nothing with their mail in the
activity passes none of these checks.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from tremplin.grading.check_context import CheckContext
from tremplin.grading.check_model import REGISTRY, Outcome
from tremplin.grading.checks_mail_rules import sent, when_active, where
from tremplin.grading.checks_mail_style import disclosed
from tremplin.grading.mail_evidence import JUNK, TRASH, all_mail, body_text, norm_id
from tremplin.grading.mail_scenario import FOLLOW, PHISHING_LESSON, world_inbox
from tremplin.widgets.i18n import t

ACTIVITIES = [FOLLOW, PHISHING_LESSON]
JUNKED, DELETED, KEPT = "junk", "deleted", "kept"
_URL = re.compile(r"https?://[^\s<>\"')]+", re.IGNORECASE)


def _last_action(ctx: CheckContext, message_id: str) -> str | None:
    """What the activity's journal last did to a message: junked, deleted or put back."""
    action = None
    for event in ctx.events:
        if norm_id(event.data.get("message_id")) != message_id:
            continue
        folder = event.data.get("to_folder") if event.kind == "mail.move" else None
        if event.kind == "mail.report_phishing" or folder == JUNK:
            action = JUNKED
        elif event.kind == "mail.delete" or folder == TRASH:
            action = DELETED
        elif event.kind in ("mail.move", "mail.restore"):
            action = KEPT
    return action


def states(ctx: CheckContext, ids: tuple[str, ...]) -> dict[str, str]:
    """junk, deleted or kept for each message id (its folder now; the journal if it is gone)."""
    found = where(ctx)
    result = {}
    for message_id in ids:
        folder = found.get(message_id)
        if folder is None:
            result[message_id] = _last_action(ctx, message_id) or KEPT
        else:
            result[message_id] = {JUNK: JUNKED, TRASH: DELETED}.get(folder, KEPT)
    return result


def _subject(ctx: CheckContext, message_id: str) -> str:
    """A message's subject, as the world wrote it or as it is in the learner's mailbox."""
    mails = (*world_inbox(ctx.world), *all_mail(ctx.workspace.mail_dir))
    return next((m.subject for m in mails if m.message_id == message_id and m.subject), message_id)[:100]


@REGISTRY.register("c6-hameconnage-signale", competences=["C6"], level="N1", points=1, epreuves=ACTIVITIES,
                   title_key="mail_checks.c6-hameconnage-signale_title")
@when_active
def one_phishing_reported(ctx: CheckContext) -> Outcome:
    state = states(ctx, ctx.scenario.phishing_ids)
    if JUNKED in state.values():
        return Outcome(True, t("mail_checks.phishing_one_ok"))
    if DELETED in state.values():
        return Outcome(False, t("mail_checks.phishing_deleted"), score=0.5)
    return Outcome(False, t("mail_checks.phishing_none"))


@REGISTRY.register("c6-tous-hameconnages-traites", competences=["C6"], level="N2", points=2,
                   epreuves=ACTIVITIES, title_key="mail_checks.c6-tous-hameconnages-traites_title")
@when_active
def all_phishing_reported(ctx: CheckContext) -> Outcome:
    ids = ctx.scenario.phishing_ids
    left = [mid for mid, state in states(ctx, ids).items() if state != JUNKED]
    if not left:
        return Outcome(True, t("mail_checks.phishing_all_ok", n=len(ids)))
    return Outcome(False, t("mail_checks.phishing_left", n=len(left), subject=_subject(ctx, left[0])),
                   score=1 - len(left) / len(ids))


def _hosts(ctx: CheckContext) -> set[str]:
    phishing = set(ctx.scenario.phishing_ids)
    return {urlsplit(url).hostname or "" for m in world_inbox(ctx.world) if m.message_id in phishing
            for url in _URL.findall(body_text(m.message))} - {""}


@REGISTRY.register("c6-lien-non-clique", competences=["C6"], level="N2", points=1, epreuves=ACTIVITIES,
                   critical=True, title_key="mail_checks.c6-lien-non-clique_title")
@when_active
def no_click(ctx: CheckContext) -> Outcome:
    phishing, hosts = set(ctx.scenario.phishing_ids), _hosts(ctx)
    for event in ctx.of_kind("mail.link_click"):
        url = str(event.data.get("url") or "")
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:
            host = ""
        if norm_id(event.data.get("message_id")) in phishing or (host and host in hosts):
            return Outcome(False, t("mail_checks.clicked", host=(host or url)[:80]))
    return Outcome(True, t("mail_checks.no_click_ok"))


@REGISTRY.register("c6-pas-de-reponse-fraude", competences=["C6"], level="N2", points=1, epreuves=ACTIVITIES,
                   critical=True, title_key="mail_checks.c6-pas-de-reponse-fraude_title")
@when_active
def no_answer_to_phishing(ctx: CheckContext) -> Outcome:
    senders, phishing = set(ctx.scenario.phishing_senders), set(ctx.scenario.phishing_ids)
    for mail in sent(ctx):
        if senders & set(mail.recipients) or phishing & (mail.mail.header_ids()
                                                         | {norm_id(mail.event.get("in_reply_to"))}):
            key = "mail_checks.answered_with_data" if disclosed(mail) else "mail_checks.answered"
            return Outcome(False, t(key, subject=mail.mail.subject[:100] or "?"))
    return Outcome(True, t("mail_checks.no_answer_ok"))


@REGISTRY.register("c6-vrai-recruteur-garde", competences=["C6"], level="N3", points=1, epreuves=ACTIVITIES,
                   title_key="mail_checks.c6-vrai-recruteur-garde_title")
@when_active
def recruiters_kept(ctx: CheckContext) -> Outcome:
    if JUNKED not in states(ctx, ctx.scenario.phishing_ids).values():
        return Outcome(False, t("mail_checks.phishing_none"))
    # the simulated employers' answers (recorded without an activity: they answer any message)
    delivered = tuple(norm_id(e.data.get("message_id")) for e in ctx.workspace.events(kind="mail.delivered")
                      if str(e.data.get("kind") or "") != "phishing" and e.data.get("message_id"))
    recruiters = tuple(dict.fromkeys((*ctx.scenario.recruiter_ids, *delivered)))
    lost = [mid for mid, state in states(ctx, recruiters).items() if state != KEPT]
    if lost:
        return Outcome(False, t("mail_checks.recruiter_lost", subject=_subject(ctx, lost[0])))
    return Outcome(True, t("mail_checks.recruiter_kept_ok"))


@REGISTRY.register("c6-nouvelle-fraude-reperee", competences=["C6"], level="N3", points=1,
                   epreuves=ACTIVITIES, title_key="mail_checks.c6-nouvelle-fraude-reperee_title")
@when_active
def new_kind_spotted(ctx: CheckContext) -> Outcome:
    target = ctx.scenario.new_phishing_id
    if states(ctx, (target,))[target] == JUNKED:
        return Outcome(True, t("mail_checks.new_phishing_ok"))
    return Outcome(False, t("mail_checks.new_phishing_missed", subject=_subject(ctx, target)))
