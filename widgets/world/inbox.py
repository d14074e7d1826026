"""The world's inbox: recruiter replies, newsletters, a job alert and phishing, as .eml files.

Messages are real RFC 5322 files with deterministic Date and Message-ID headers, so two
builds of the same world are byte-identical. `X-Tremplin-Kind` (recruiter, newsletter,
alert, phishing) tells the checks the truth about each message; recruiter messages also
carry `X-Tremplin-Offer` and `X-Tremplin-Employer`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import random
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Any

from tremplin.widgets import geo
from tremplin.widgets.world import content
from tremplin.widgets.world.descriptions import lower_first, short_title, with_de
from tremplin.widgets.world.identifiers import slugify
from tremplin.widgets.world.seeding import faker_for, rng_for

#: Central European Time: the inbox covers days after the switch from summer time.
PARIS_WINTER = dt.timezone(dt.timedelta(hours=1))
DAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
ALERT_SIZE = 4
#: The harmless bytes of the phishing's `.pdf.exe` attachment (never a real program).
FAKE_EXE = b"MZ Tremplin: fichier factice d'entrainement, ce n'est pas un programme.\r\n"


def french_day(day: dt.date) -> str:
    """'jeudi 5 novembre 2026'."""
    return f"{DAYS_FR[day.weekday()]} {day.day} {MONTHS_FR[day.month - 1]} {day.year}"


def next_weekday(day: dt.date, days_after: int) -> dt.date:
    found = day + dt.timedelta(days=days_after)
    while found.weekday() >= 5:
        found += dt.timedelta(days=1)
    return found


class OfferSample:
    """Genuine offers kept while the offers stream by: a few for recruiters, some for an alert."""

    def __init__(self, seed: int, offers: int, wanted: int = 24):
        rng = rng_for(seed, "inbox-sample")
        self._marks = sorted(rng.sample(range(offers), min(wanted, offers)))
        self._next = 0
        self.picked: list[dict[str, Any]] = []
        self.by_family: dict[str, list[dict[str, Any]]] = {}

    def see(self, index: int, offer: dict[str, Any]) -> None:
        if offer["scam"] or offer["employer_id"] is None:
            return
        kept = {
            k: offer[k]
            for k in (
                "id",
                "reference",
                "title",
                "family",
                "family_label",
                "employer_id",
                "employer_name",
                "commune",
                "contract",
            )
        }
        family = self.by_family.setdefault(offer["family"], [])
        if len(family) < ALERT_SIZE:
            family.append(kept)
        if self._next < len(self._marks) and index >= self._marks[self._next]:
            self.picked.append(kept)
            while self._next < len(self._marks) and self._marks[self._next] <= index:
                self._next += 1


def _recruiter_offers(sample: OfferSample, count: int) -> list[dict[str, Any]]:
    """Offers of distinct employers for the recruiter messages (fewer in tiny worlds)."""
    chosen, employers = [], set()
    pool = sample.picked + [o for group in sample.by_family.values() for o in group]
    for offer in pool:
        if offer["employer_id"] not in employers:
            chosen.append(offer)
            employers.add(offer["employer_id"])
        if len(chosen) == count:
            break
    while chosen and len(chosen) < count:
        chosen.append(chosen[len(chosen) % len(chosen)])
    return chosen


def _message(
    number: int,
    seed: int,
    when: dt.datetime,
    sender: tuple[str, str],
    to: tuple[str, str],
    subject: str,
    body: str,
    kind: str,
    extra: dict[str, str],
    template: dict[str, Any] | None = None,
    job_pdf: bytes = b"",
) -> bytes:
    message = EmailMessage()
    domain = sender[1].rsplit("@", 1)[-1]
    digest = hashlib.sha256(f"{seed}:{number}:{subject}".encode()).hexdigest()[:16]
    message["From"] = formataddr(sender)
    message["To"] = formataddr(to)
    message["Subject"] = subject
    message["Date"] = format_datetime(when)
    message["Message-ID"] = f"<{when:%Y%m%d%H%M}.{digest}@{domain}>"
    message["X-Tremplin-Kind"] = kind
    for name, value in extra.items():
        message[name] = value
    message.set_content(body)
    _decorate(message, template or {}, job_pdf)
    for index, part in enumerate(p for p in message.walk() if p.is_multipart()):
        part.set_boundary(f"=_tremplin_{digest}_{index}")  # not random: builds stay byte-identical
    return message.as_bytes()


def _decorate(message: EmailMessage, template: dict[str, Any], job_pdf: bytes) -> None:
    """The template's traps and files: Reply-To, an HTML link that lies, an attachment."""
    if template.get("reply_to"):
        message["Reply-To"] = template["reply_to"]
    link = template.get("html_link")
    if link:
        shown = html.escape(link["text"])
        paragraphs = "".join(
            f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>"
            for p in message.get_content().strip().split("\n\n")
        )
        paragraphs = paragraphs.replace(html.escape(link["url"]),
                                        f'<a href="{html.escape(link["url"])}">{shown}</a>')
        message.add_alternative(f"<html><body>{paragraphs}</body></html>", subtype="html")
    attachment = template.get("attachment")
    if attachment == "job_description" and job_pdf:
        message.add_attachment(job_pdf, maintype="application", subtype="pdf", filename="fiche-de-poste.pdf")
    elif attachment == "fake_exe":
        message.add_attachment(FAKE_EXE, maintype="application", subtype="octet-stream",
                               filename="convocation-entretien.pdf.exe")


def job_description_pdf(values: dict[str, str]) -> bytes:
    """A one-page job description, byte-identical from one build to the next (invariant mode)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    page.setTitle(f"Fiche de poste – {values['title_short']}")
    page.setAuthor(values["employer"])
    page.setCreator("Tremplin")
    lines = [
        ("Helvetica-Bold", 16, f"Fiche de poste : {values['title_short']}"),
        ("Helvetica", 11, f"Référence de l'offre : {values['reference']}"),
        ("Helvetica", 11, f"Employeur : {values['employer']}"),
        ("Helvetica", 11, f"Lieu : {values['street']}, {values['postcode']} {values['commune']}"),
        ("Helvetica", 11, f"Horaires : {values['schedule_lower']}"),
        ("Helvetica", 11, f"Contact : {values['person']} – {values['phone']}"),
        ("Helvetica-Oblique", 9, "Document fictif, créé pour l'entraînement Tremplin."),
    ]
    y = A4[1] - 72
    for font, size, text in lines:
        page.setFont(font, size)
        page.drawString(72, y, text[:110])
        y -= size * 2
    page.showPage()
    page.save()
    return buffer.getvalue()


def write_inbox(
    out_dir: Path, seed: int, reference: dt.date, sample: OfferSample, employers: dict[str, dict[str, Any]]
) -> list[Path]:
    """Write inbox/0001.eml.. and return their paths, in order."""
    data = content.inbox_templates()
    rng = rng_for(seed, "inbox")
    fake = faker_for(seed, "inbox")
    folder = out_dir / "inbox"
    folder.mkdir(parents=True, exist_ok=True)
    recruiter_templates = [m for m in data["messages"] if m["kind"] == "recruiter"]
    offers = _recruiter_offers(sample, len(recruiter_templates))
    hub = geo.by_insee(employers[offers[0]["employer_id"]]["address"]["insee"]) if offers else None
    hub_name = hub.name if hub else "Rennes"
    common = {
        "hub": hub_name,
        "hub_slug": slugify(hub_name),
        "forum_day": french_day(next_weekday(reference, 9)),
    }
    to = (data["to"]["name"], data["to"]["address"])
    paths: list[Path] = []
    recruiter_number = 0
    for number, template in enumerate(data["messages"], 1):
        hours, minutes = (int(x) for x in template["time"].split(":"))
        day = reference - dt.timedelta(days=template["days_before"])
        when = dt.datetime(day.year, day.month, day.day, hours, minutes, tzinfo=PARIS_WINTER)
        values = dict(common)
        extra: dict[str, str] = {}
        kind = template["kind"]
        if kind == "recruiter":
            if not offers:
                continue
            offer = offers[recruiter_number % len(offers)]
            recruiter_number += 1
            employer = employers[offer["employer_id"]]
            family = next(f for f in content.job_data()["families"] if f["code"] == offer["family"])
            person = f"{rng.choice(data['recruiter_names'])} {fake.last_name()}"
            interview = next_weekday(reference, rng.randint(2, 6))
            values.update(
                {
                    "title": offer["title"],
                    "title_short": short_title(offer["title"]),
                    "de_title": with_de(short_title(offer["title"])),
                    "reference": offer["reference"],
                    "employer": employer["name"],
                    "commune": employer["address"]["commune"],
                    "street": employer["address"]["street"],
                    "postcode": employer["address"]["postcode"],
                    "phone": employer["phone"],
                    "person": person,
                    "person_role": rng.choice(data["person_roles"]),
                    "interview_day": french_day(interview),
                    "interview_time": rng.choice(("9 h 30", "10 h", "11 h", "14 h", "14 h 30", "16 h")),
                    "confirm_day": french_day(interview - dt.timedelta(days=1)),
                    "schedule_lower": lower_first(family["schedule"]),
                }
            )
            sender = (f"{person} – {employer['name']}", employer["email"])
            extra = {"X-Tremplin-Offer": offer["id"], "X-Tremplin-Employer": employer["id"]}
        else:
            sender = (template["from_name"].format(**values), template["from_address"].format(**values))
            if kind == "alert":
                alert = _alert_offers(rng, sample)
                if not alert:
                    continue
                values.update(_alert_values(alert))
        subject = template["subject"].format(**values)
        body = template["body"].format(**values)
        path = folder / f"{len(paths) + 1:04d}.eml"
        job_pdf = job_description_pdf(values) if template.get("attachment") == "job_description" else b""
        raw = _message(number, seed, when, sender, to, subject, body, kind, extra, template, job_pdf)
        path.write_bytes(raw)
        paths.append(path)
    return paths


def _alert_offers(rng: random.Random, sample: OfferSample) -> list[dict[str, Any]]:
    full = sorted(code for code, group in sample.by_family.items() if len(group) >= 2)
    return list(sample.by_family[rng.choice(full)]) if full else []


def _alert_values(alert: list[dict[str, Any]]) -> dict[str, str]:
    family = next(f for f in content.job_data()["families"] if f["code"] == alert[0]["family"])
    lines = [
        f"- {o['title']} – {o['employer_name']}, {o['commune']} ({o['contract']}) – réf. {o['reference']}"
        for o in alert
    ]
    return {"job": family["job"], "count": str(len(alert)), "offer_lines": "\n".join(lines)}
