"""The email pages (six lessons, two épreuves): the learner's mission, the mail client, and
either the « Vérifier » panel (lessons) or the hand-in (épreuves).

The page finds the kit's SMTP server (the kiosk's, through data_root/mail/server.json) or
starts one in this kernel, and registers the learner's address so the simulated employers'
answers reach this workspace; « Relever le courrier » delivers those that are due.
Everything is reachable through `build_mail_activity()`, so a test or a simulated learner
drives the same widgets a learner clicks.
"""

from __future__ import annotations

import html
import logging
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import ipywidgets as widgets
from tremplin.grading.page_support import (
    ActivityPage,
    mission_html,
    open_world,
    show_activity,
    show_statement,
)
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t
from tremplin.widgets.mail_client_backend import ADVISER_ADDRESS, MailBackend, ensure_server
from tremplin.widgets.mail_widget import MailClient
from tremplin.widgets.paths import data_root as default_data_root
from tremplin.widgets.workspace import pseudonym_slug

__all__ = ["EPREUVES", "LESSONS", "MailActivity", "build_mail_activity", "mail_mission_html", "preload",
           "sample_pdf", "show_mail_epreuve", "show_mail_lesson"]

LESSONS = (
    "lecon-courriel-candidature", "lecon-courriel-pieces-jointes", "lecon-courriel-destinataires",
    "lecon-courriel-suivi", "lecon-courriel-politesse", "lecon-courriel-hameconnage",
)
EPREUVES = ("candidater-par-courriel", "suivre-ses-courriels")

LOG = logging.getLogger(__name__)


FOLLOW_ACTIVITIES = ("suivre-ses-courriels", "lecon-courriel-suivi")
#: What each activity's mission says (catalogue keys of mail_client), in order.
STEPS = {
    "candidater-par-courriel": ("mission_apply", "mission_cc_adviser", "mission_attach"),
    "suivre-ses-courriels": ("mission_reply", "mission_forward", "mission_follow_up", "mission_group",
                             "mission_phishing"),
    "lecon-courriel-candidature": ("mission_apply", "mission_replies"),
    "lecon-courriel-pieces-jointes": ("mission_apply", "mission_attach", "mission_replies"),
    "lecon-courriel-destinataires": ("mission_apply", "mission_cc_adviser"),
    "lecon-courriel-suivi": ("mission_reply", "mission_forward", "mission_follow_up"),
    "lecon-courriel-politesse": ("mission_address", "mission_apply"),
    "lecon-courriel-hameconnage": ("mission_phishing",),
}
#: The fields each step needs from the scenario: a step whose field is missing is left out.
NEEDS = {"mission_apply": "email", "mission_reply": "reply_subject", "mission_forward": "forward_subject",
         "mission_follow_up": "follow_email", "mission_group": "group"}


def _first(scenario: Any, *names: str, default: Any = "") -> Any:
    for name in names:
        value = getattr(scenario, name, None)
        if value not in (None, ""):
            return value
    return default


def mission_values(scenario: Any) -> dict[str, Any]:
    """What the mission sentences name, from the mail scenario (absent fields are empty)."""
    follow = getattr(scenario, "follow_up", None)
    group = getattr(scenario, "group", ()) or ()
    return {
        "employer": _first(scenario, "employer_name", "employer"),
        "email": _first(scenario, "employer_email", "employer_address"),
        "job": _first(scenario, "job_title", "title", "job"),
        "reference": _first(scenario, "offer_reference", "reference", default="—"),
        "adviser": _first(scenario, "adviser", default=ADVISER_ADDRESS),
        "days": _first(scenario, "follow_up_days", default=8),
        "reply_subject": _first(scenario, "reply_subject"),
        "reply_from": _first(scenario, "reply_from"),
        "forward_subject": _first(scenario, "forward_subject"),
        "follow_employer": getattr(follow, "employer", ""),
        "follow_email": getattr(follow, "email", ""),
        "first_subject": _first(scenario, "first_subject"),
        "group": "; ".join(f"{g.employer} ({g.email})" for g in group if hasattr(g, "email")),
        "size": _first(scenario, "size_limit_kb", default=1000),
    }


def mail_mission_html(scenario: Any, activity: str) -> str:
    """The learner's own task, from the mail scenario (a step whose data it lacks is left out)."""
    values = mission_values(scenario)
    steps = STEPS.get(activity, ("mission_generic",))
    paragraphs = [t(f"mail_client.{step}", **values) for step in steps
                  if not NEEDS.get(step) or values[NEEDS[step]]]
    return mission_html(t("mail_client.mission_heading"), paragraphs or [t("mail_client.mission_generic")])


def seed_first_application(backend: MailBackend, scenario: Any, now: datetime | None = None) -> bool:
    """For the follow-up tasks: the earlier application, in « Envoyés », dated the stated delay ago.

    Added once (found again by its Message-ID); True if it was added now.
    """
    message_id = _first(scenario, "first_message_id")
    if not message_id or getattr(scenario, "follow_up", None) is None:
        return False
    if backend.store.find(f"<{message_id}>", ("Sent", "Trash")) is not None:
        return False
    from tremplin.grading.mail_scenario import first_application

    days = int(_first(scenario, "follow_up_days", default=8))
    sent_at = (now or datetime.now(UTC)).astimezone() - timedelta(days=days)
    message = first_application(scenario, backend.address, backend.workspace.pseudonym, sent_at)
    backend.store.add("Sent", message.as_bytes(), seen=True)
    return True


def _pdf_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def sample_pdf(lines: list[str]) -> bytes:
    """A small real one-page PDF (Helvetica, WinAnsi) holding `lines`: the practice CV or letter."""
    stream = "BT /F1 12 Tf 60 780 Td 16 TL " + " ".join(f"({_pdf_text(line)}) '" for line in lines) + " ET"
    body = stream.encode("cp1252", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(body)).encode() + b" >>\nstream\n" + body + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + content + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def ensure_practice_documents(workspace: Any) -> bool:
    """In a lesson, put a practice CV and letter (PDF) in an empty « Mes documents »; True if it did."""
    folder = Path(workspace.documents_dir)
    if any(p.suffix.lower() == ".pdf" for p in folder.glob("*")):
        return False
    name, slug = workspace.pseudonym, pseudonym_slug(workspace.pseudonym)
    files = {
        f"CV-{slug}.pdf": [f"{name}", t("mail_client.sample_cv_title"), t("mail_client.sample_cv_line")],
        f"Lettre-motivation-{slug}.pdf": [f"{name}", t("mail_client.sample_letter_title"),
                                          t("mail_client.sample_letter_line")],
    }
    for filename, lines in files.items():
        path = folder / filename
        if not path.exists():
            path.write_bytes(sample_pdf(lines))
    return True


class MailActivity(ActivityPage):
    """The mission and the mail client on the learner's own Maildir."""

    EPREUVE = EPREUVES[0]

    def parts(self) -> list[widgets.Widget]:
        notes: list[widgets.Widget] = []
        if self.activity in LESSONS and ensure_practice_documents(self.workspace):
            said = html.escape(t("mail_client.documents_missing"))
            notes.append(widgets.HTML(f'<p role="status">{said}</p>'))
        self.backend = MailBackend(self.workspace, self.data_root, self.world)
        if self.activity in FOLLOW_ACTIVITIES:
            seed_first_application(self.backend, self.scenario)
        with suppress(TremplinError):  # an address already taken says so when sending
            self.backend.register()
        with suppress(TremplinError, OSError):  # a server that cannot start says so when sending
            ensure_server(self.data_root)
        self.client = MailClient(self.backend, self.journal, on_change=self.notify)
        return [widgets.HTML(mail_mission_html(self.scenario, self.activity)), *notes, self.client.widget]


build_mail_activity = MailActivity.build


def preload(data_root: Path | None = None) -> None:
    """While the page waits for its learner: open the world and make sure the mail server runs."""
    with suppress(TremplinError, OSError):
        root = default_data_root(data_root)
        open_world(root / "world")
        ensure_server(root)


def show_mail_lesson(activity: str = LESSONS[0]) -> None:
    """A lesson page: the mission, the client and the « Vérifier » panel."""
    show_activity(lambda workspace: build_mail_activity(workspace, activity=activity, with_panel=True))


def show_mail_epreuve(epreuve: str = EPREUVES[0]) -> None:
    """An épreuve page: statement, the learner's mission, the client and the hand-in."""
    show_statement(epreuve)
    show_activity(lambda workspace: build_mail_activity(workspace, activity=epreuve), hand_in=epreuve)
