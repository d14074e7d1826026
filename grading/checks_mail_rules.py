"""What the email checks share: the activity's messages, the application, the learner's own lines.

Decorators make a check fail with one clear message while there is nothing to judge (no
application, no attachment, no mail activity). Quoted lines (« > ») of a reply and a
forwarded message are not the learner's words and are left out; a signature is the
learner's name (pseudonym, sender name or address) or any short name line.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from tremplin.grading.check_context import CheckContext
from tremplin.grading.check_model import Outcome
from tremplin.grading.checks_mail_text import MIN_BODY_WORDS, closing, greeting, substance, words
from tremplin.grading.mail_evidence import (
    Attachment,
    SentMail,
    attachments,
    body_text,
    locate,
    sent_in_activity,
)
from tremplin.widgets.i18n import t

MAIL_EVENTS = ("mail.send", "mail.open", "mail.move", "mail.report_phishing", "mail.delete",
               "mail.link_click")


def sent(ctx: CheckContext) -> list[SentMail]:
    return sent_in_activity(ctx.workspace.mail_dir, ctx.events)


def where(ctx: CheckContext) -> dict[str, str]:
    return locate(ctx.workspace.mail_dir)


def active(ctx: CheckContext) -> bool:
    """Whether the learner did anything with their mail in this activity."""
    return any(e.kind in MAIL_EVENTS for e in ctx.events)


def to_employer(messages: list[SentMail], email: str) -> list[SentMail]:
    return [s for s in messages if email.lower() in s.to]


def application(ctx: CheckContext) -> SentMail | None:
    """The application: the last new message sent to the employer (a later reply to the employer's
    acknowledgment is not the application), else any message to the employer, else the last new one."""
    messages = sent(ctx)
    to_emp = to_employer(messages, ctx.scenario.apply.email)
    fits = [s for s in to_emp if s.kind == "new"] or to_emp or [s for s in messages if s.kind == "new"]
    return fits[-1] if fits else None


def requiring(find: Callable[[CheckContext], Any], missing: Callable[[CheckContext], Outcome]) -> Any:
    """A decorator for checks of what `find(ctx)` returns: while it is None, they fail with `missing(ctx)`."""

    def decorate(check: Callable[[CheckContext, Any], Outcome]) -> Callable[[CheckContext], Outcome]:
        @functools.wraps(check)
        def run(ctx: CheckContext) -> Outcome:
            found = find(ctx)
            return missing(ctx) if found is None else check(ctx, found)

        return run

    return decorate


def _no_application(ctx: CheckContext) -> Outcome:
    return Outcome(False, t("mail_checks.no_application", employer=ctx.scenario.apply.employer))


#: A check of the application: it fails, saying to send one, while there is none.
on_application = requiring(application, _no_application)


def on_files(check: Callable[[CheckContext, list[Attachment]], Outcome]) -> Callable[[CheckContext], Outcome]:
    """A check of the application's attachments: it fails, saying to attach them, while there are none."""

    @on_application
    @functools.wraps(check)
    def run(ctx: CheckContext, mail: SentMail) -> Outcome:
        files = files_of(mail)
        return check(ctx, files) if files else Outcome(False, t("mail_checks.attachments_none"))

    return run


def when_active(check: Callable[[CheckContext], Outcome]) -> Callable[[CheckContext], Outcome]:
    """A check of how the mail was handled: a learner who did nothing with it passes none."""

    @functools.wraps(check)
    def run(ctx: CheckContext) -> Outcome:
        return check(ctx) if active(ctx) else Outcome(False, t("mail_checks.mail_idle"))

    return run


def own_lines(mail: SentMail) -> list[str]:
    """The lines the learner wrote (quoted lines and what follows a forward marker left out)."""
    lines = []
    for line in body_text(mail.mail.message).splitlines():
        if re.match(r"\s*-{2,}\s*(message|original|forwarded|transf)", line, re.IGNORECASE):
            break
        if line.lstrip().startswith(">"):
            if lines and re.search(r"(écrit|wrote)\s*:\s*$", lines[-1]):
                lines.pop()  # « Le …, X a écrit : » introduces the quote, it is not the learner's
            continue
        if line.strip():
            lines.append(line.strip())
    return lines


def name_tokens(ctx: CheckContext, mail: SentMail) -> set[str]:
    """What a signature may show: the pseudonym, the sender's display name, its address's local part."""
    raw = f"{ctx.workspace.pseudonym} {mail.mail.message.get('From') or ''}"
    local = mail.mail.sender.split("@")[0]
    tokens = set(words(raw)) | set(words(local.replace(".", " ").replace("-", " ").replace("_", " ")))
    return {tok for tok in tokens if len(tok) >= 3 and "@" not in tok and tok not in ("courriel", "example")}


def signed(ctx: CheckContext, mail: SentMail, lines: list[str]) -> bool:
    tail = lines[-4:]
    names = name_tokens(ctx, mail)
    if any(names & set(words(line)) for line in tail):
        return True
    return bool(tail) and re.fullmatch(r"[A-ZÀ-Ý][\w'’-]+(\s+[A-ZÀ-Ý][\w'’.-]*){0,3}", tail[-1]) is not None


def missing_parts(ctx: CheckContext, mail: SentMail) -> list[str]:
    """The parts of a complete message that `mail` lacks: greeting, body, closing, signature."""
    lines = own_lines(mail)
    missing = []
    if greeting(lines) is None:
        missing.append("greeting")
    if substance(lines) < MIN_BODY_WORDS:
        missing.append("body")
    if closing(lines) is None:
        missing.append("closing")
    if not signed(ctx, mail, lines):
        missing.append("signature")
    return missing


def learner_address(ctx: CheckContext, fallback: SentMail | None = None) -> str:
    """The address the learner chose (last `mail.address`, any activity), else the sender of a message."""
    chosen = [e.data.get("address") for e in ctx.workspace.events(kind="mail.address")]
    chosen = [str(a) for a in chosen if isinstance(a, str) and "@" in a]
    if chosen:
        return chosen[-1].strip().lower()
    return fallback.mail.sender if fallback else ""


def files_of(mail: SentMail) -> list[Attachment]:
    return attachments(mail.mail.message)


def kb(size: int) -> str:
    return f"{max(1, round(size / 1024))}"
