"""Each learner's email tasks in « Candidater par courriel » and « Suivre ses courriels ».

A pure function of (world, pseudonym, activity): an offer of the world to apply to (its
employer's address, job title, reference) with the adviser in Cc; for the follow-up
épreuve, the recruiter message to answer and the one to forward to the adviser (both from
the world's inbox), an earlier application to follow up after a stated delay, three
employers for a spontaneous application in Bcc with a size limit, and the phishing of the
inbox to handle. Neighbours get other offers and employers; a check recomputes everything
from the same world and the workspace.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from functools import cache
from pathlib import Path
from typing import Any

from tremplin.grading.mail_evidence import INBOX, Mail, body_text, parse
from tremplin.grading.scenario_registry import register_scenario
from tremplin.grading.scenarios import stable_rng
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t
from tremplin.widgets.mail_addresses import ADVISER_ADDRESS, LEARNER_DOMAIN

APPLY, FOLLOW = "candidater-par-courriel", "suivre-ses-courriels"
APPLY_LESSON, FOLLOW_LESSON = "lecon-courriel-candidature", "lecon-courriel-suivi"
ATTACH_LESSON, RECIPIENTS_LESSON = "lecon-courriel-pieces-jointes", "lecon-courriel-destinataires"
POLITE_LESSON, PHISHING_LESSON = "lecon-courriel-politesse", "lecon-courriel-hameconnage"
LESSONS = (APPLY_LESSON, ATTACH_LESSON, RECIPIENTS_LESSON, FOLLOW_LESSON, POLITE_LESSON, PHISHING_LESSON)
FOLLOW_UP_DAYS = (7, 8, 10)
SIZE_LIMITS_KB = (500, 1000, 2000)
GROUP_SIZE = 3
_URL = re.compile(r"https?://", re.IGNORECASE)


@dataclass(frozen=True)
class Target:
    """An offer and its employer: whom to write to, about what."""

    offer_id: str
    title: str
    reference: str
    employer_id: str
    employer: str
    email: str


@dataclass(frozen=True)
class MailScenario:
    activity: str
    job: str
    #: the application (candidater) or the spontaneous application's job (suivre)
    apply: Target
    adviser: str
    #: suivre: the recruiter message to answer and the one to forward (world inbox Message-IDs)
    reply_id: str
    reply_subject: str
    reply_from: str
    forward_id: str
    forward_subject: str
    #: suivre: the earlier application to follow up, and the delay after which to do it
    follow_up: Target
    follow_up_days: int
    first_message_id: str
    first_subject: str
    #: suivre: the spontaneous application, in Bcc, one PDF of at most `size_limit_kb`
    group: tuple[Target, ...]
    size_limit_kb: int
    #: the inbox: phishing to junk (the last one of a new kind), recruiter messages to keep
    phishing_ids: tuple[str, ...]
    phishing_senders: tuple[str, ...]
    new_phishing_id: str
    recruiter_ids: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    # what a mission page shows of the application, under the names the pages look for
    @property
    def employer_name(self) -> str:
        return self.apply.employer

    @property
    def employer_email(self) -> str:
        return self.apply.email

    @property
    def job_title(self) -> str:
        return self.apply.title

    @property
    def offer_reference(self) -> str:
        return self.apply.reference


@cache
def _inbox(paths: tuple[Path, ...]) -> tuple[Mail, ...]:
    found = []
    for path in paths:
        try:
            message = parse(path.read_bytes())
        except OSError:
            continue
        if message is not None:
            found.append(Mail(INBOX, message))
    return tuple(found)


def world_inbox(world: Any) -> tuple[Mail, ...]:
    """The world's incoming messages, parsed once per process."""
    return _inbox(tuple(world.inbox_paths()))


_TARGETS: dict[tuple[int, str, str], tuple[Target, ...]] = {}


def targets(world: Any) -> tuple[Target, ...]:
    """One genuine offer per employer that has an email, in a fixed order (computed once per world)."""
    files = world.manifest.files
    key = (world.manifest.seed, files.get("offers.jsonl", ""), files.get("employers.jsonl", ""))
    if key not in _TARGETS:
        seen: dict[str, Target] = {}
        for offer in world.offers():
            eid = offer.get("employer_id")
            if not eid or eid in seen or offer.get("scam") or offer.get("repost_of"):
                continue
            employer = world.employer(eid) or {}
            if employer.get("email"):
                seen[eid] = Target(offer["id"], str(offer["title"]), str(offer["reference"]), eid,
                                   str(employer["name"]), str(employer["email"]).lower())
        _TARGETS[key] = tuple(seen.values())
    return _TARGETS[key]


def _asks_reply(mail: Mail) -> bool:
    return "répond" in body_text(mail.message).lower()


@register_scenario(APPLY, FOLLOW, *LESSONS)
def mail_scenario(world: Any, learner: str, activity: str) -> MailScenario:
    """The email tasks of `learner` in `activity`, in this world."""
    pool = targets(world)
    inbox = world_inbox(world)
    recruiters = [m for m in inbox if m.kind == "recruiter" and m.message_id]
    phishing = [m for m in inbox if m.kind == "phishing" and m.message_id]
    if len(pool) < GROUP_SIZE + 2 or not recruiters or not phishing:
        raise TremplinError(t("mail_checks.world_too_small"))
    rng = stable_rng(world.manifest.seed, activity, "courriel", learner.strip().lower())
    recruiter_employers = {str(m.message.get("X-Tremplin-Employer") or "") for m in recruiters}
    fresh = [p for p in pool if p.employer_id not in recruiter_employers]
    fresh = fresh if len(fresh) >= GROUP_SIZE + 2 else list(pool)
    chosen = rng.sample(fresh, GROUP_SIZE + 2)
    apply, follow_up, group = chosen[0], chosen[1], tuple(chosen[2:])
    answerable = [m for m in recruiters if _asks_reply(m)] or recruiters
    reply = rng.choice(answerable)
    others = [m for m in recruiters if m.message_id != reply.message_id] or recruiters
    with_files = [m for m in others if any(p.get_filename() for p in m.message.walk())]
    forward = rng.choice(with_files or others)
    new_kind = [m for m in phishing if not _URL.search(body_text(m.message))] or phishing[-1:]
    who = f"{world.manifest.seed}:{learner.strip().lower()}:{activity}"
    digest = hashlib.sha256(who.encode()).hexdigest()
    info = world.family(str((world.offer(apply.offer_id) or {}).get("family") or "")) or {}
    return MailScenario(
        activity=activity,
        job=str(info.get("job") or apply.title),
        apply=apply,
        adviser=ADVISER_ADDRESS,
        reply_id=reply.message_id,
        reply_subject=reply.subject,
        reply_from=reply.sender,
        forward_id=forward.message_id,
        forward_subject=forward.subject,
        follow_up=follow_up,
        follow_up_days=rng.choice(FOLLOW_UP_DAYS),
        first_message_id=f"candidature.{digest[:16]}@{LEARNER_DOMAIN}",
        first_subject=f"Candidature – {follow_up.title} (réf. {follow_up.reference})",
        group=group,
        size_limit_kb=rng.choice(SIZE_LIMITS_KB),
        phishing_ids=tuple(m.message_id for m in phishing),
        phishing_senders=tuple(dict.fromkeys(m.sender for m in phishing if m.sender)),
        new_phishing_id=new_kind[-1].message_id,
        recruiter_ids=tuple(m.message_id for m in recruiters),
    )


def first_application(scenario: MailScenario, sender: str, pseudonym: str, sent_at: Any) -> EmailMessage:
    """The earlier application the follow-up task starts from, for the page to put in `.Sent`.

    Dated `sent_at` (the page dates it `follow_up_days` days before the visit); its
    Message-ID is the scenario's, so the follow-up check finds it.
    """
    target = scenario.follow_up
    message = EmailMessage()
    message["From"] = sender
    message["To"] = target.email
    message["Subject"] = scenario.first_subject
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = f"<{scenario.first_message_id}>"
    message.set_content(t("mail_checks.first_application_body", employer=target.employer,
                          title=target.title, reference=target.reference, name=pseudonym))
    return message
