"""Each learner's tasks in the documents épreuves: the CV, the letter, filing, the USB key, printing.

A pure function of (world, pseudonym, activity). One application runs through every
activity (the CV targets its job, the letter answers its offer, the folder and the print
gather it), so a learner's work builds up from one épreuve to the next; a second offer, of
another employer and if possible another job, is the N3 variant (a second letter, a second
folder). For « ranger-sauvegarder-imprimer » the page seeds a few files into documents/
(`seed_find_files`): the learner must find one of them again, copy the application to the
USB key and print it. Neighbours get other offers and another file to find.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tremplin.grading.mail_scenario import Target, targets
from tremplin.grading.scenario_registry import register_scenario
from tremplin.grading.scenarios import stable_rng
from tremplin.widgets.documents.model import write_atomic
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t

CV_EPREUVE, LETTER_EPREUVE = "construire-son-cv", "lettre-adaptee"
FILES_EPREUVE = "ranger-sauvegarder-imprimer"
CV_LESSON, LETTER_LESSON, FORMAT_LESSON = "lecon-cv-lisible", "lecon-lettre-offre", "lecon-pdf-docx"
FILES_LESSON, USB_LESSON, DATA_LESSON = "lecon-nommer-ranger", "lecon-cle-usb-imprimer", "lecon-donnees-cv"
EPREUVES = (CV_EPREUVE, LETTER_EPREUVE, FILES_EPREUVE)
LESSONS = (CV_LESSON, LETTER_LESSON, FORMAT_LESSON, FILES_LESSON, USB_LESSON, DATA_LESSON)
#: Which document each activity is about (the D3 checks judge this one's PDF and DOCX).
KIND = {CV_EPREUVE: "cv", CV_LESSON: "cv", FORMAT_LESSON: "cv", DATA_LESSON: "cv",
        LETTER_EPREUVE: "letter", LETTER_LESSON: "letter",
        FILES_EPREUVE: "files", FILES_LESSON: "files", USB_LESSON: "files"}

#: Files a learner may be asked to find again: (folder, name, the lines printed in it).
FIND_CHOICES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Formations/2024", "Attestation_SST.pdf",
     ("Attestation de formation", "Sauveteur Secouriste du Travail (SST)",
      "Formation de 14 heures, validée.")),
    ("Administratif/Attestations", "Attestation_inscription_France_Travail.pdf",
     ("Attestation d'inscription", "Inscription comme demandeur d'emploi",
      "Document à présenter sur demande.")),
    ("Archives/2023", "Certificat_de_travail_2023.pdf",
     ("Certificat de travail", "Emploi occupé : agent polyvalent", "Du 2 mai 2023 au 29 septembre 2023.")),
    ("Formations/Diplomes", "Diplome_CAP.pdf",
     ("Diplôme", "Certificat d'aptitude professionnelle (CAP)", "Délivré à l'issue de la session 2019.")),
    ("Administratif/Permis", "Attestation_permis_B.pdf",
     ("Relevé d'information", "Permis de conduire de catégorie B", "Obtenu en 2018.")),
    ("Archives/2022", "Attestation_stage_logistique.pdf",
     ("Attestation de stage", "Stage en entrepôt logistique", "Quatre semaines, du 7 au 31 mars 2022.")),
)
DECOYS = 3


def ascii_slug(text: str, sep: str = "-") -> str:
    """« Transports Le Goff » → « Transports-Le-Goff » (ASCII, no spaces, for a folder or file name)."""
    bare = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in bare if not unicodedata.combining(c)).encode("ascii", "ignore").decode()
    return sep.join(re.findall(r"[A-Za-z0-9]+", bare))[:60]


@dataclass(frozen=True)
class OfferTask:
    """An offer to apply to, with what the letter must reuse and the folder to file it in."""

    offer_id: str
    title: str
    reference: str
    employer_id: str
    employer: str
    street: str
    postcode: str
    town: str
    email: str
    #: the job in plain words (« cariste »), from the offer's job family
    job: str
    #: the offer's key words (its skills) a tailored letter reuses
    keywords: tuple[str, ...]
    #: the suggested application folder, « Candidature_Transports-Le-Goff »
    folder: str

    @property
    def address(self) -> str:
        return "\n".join(part for part in (self.street, f"{self.postcode} {self.town}".strip()) if part)

    def as_offer(self) -> dict[str, Any]:
        """The offer as the letter editor's `letter_for_offer` reads it."""
        return {"id": self.offer_id, "title": self.title, "reference": self.reference,
                "employer_name": self.employer, "commune": self.town, "postcode": self.postcode,
                "address": {"street": self.street, "postcode": self.postcode, "commune": self.town}}


@dataclass(frozen=True)
class DocumentsScenario:
    activity: str
    #: the document the activity is about: "cv", "letter" or "files"
    kind: str
    #: the job the CV targets (the application's)
    job: str
    #: the application: the CV's target, the letter's offer, the folder to make and print
    offer: OfferTask
    #: N3: a second offer (another employer, if possible another job): a second letter and folder
    second_offer: OfferTask
    #: the file to find again: seeded by the page under documents/<find_folder>/
    find_folder: str
    find_name: str
    find_lines: tuple[str, ...]
    #: other files seeded beside it (relative paths in documents/), to search among
    decoys: tuple[str, ...]
    #: what to copy to the USB key, and what to print (in this order): "cv", "letter", "find"
    to_usb: tuple[str, ...] = ("cv", "letter")
    to_print: tuple[str, ...] = ("cv", "letter", "find")

    @property
    def find_path(self) -> str:
        return f"{self.find_folder}/{self.find_name}"

    @property
    def folder(self) -> str:
        return self.offer.folder

    # what a mission page shows, under the names the pages look for
    @property
    def offer_id(self) -> str:
        return self.offer.offer_id

    @property
    def employer_name(self) -> str:
        return self.offer.employer

    @property
    def job_title(self) -> str:
        return self.offer.title

    @property
    def offer_reference(self) -> str:
        return self.offer.reference

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _task(world: Any, target: Target) -> OfferTask | None:
    offer = world.offer(target.offer_id) or {}
    employer = world.employer(target.employer_id) or {}
    address = employer.get("address") if isinstance(employer.get("address"), dict) else {}
    street = str(address.get("street") or "")
    if not street:
        return None
    family = world.family(str(offer.get("family") or "")) or {}
    skills = tuple(str(s) for s in (offer.get("skills") or family.get("skills") or []) if str(s).strip())
    return OfferTask(
        offer_id=target.offer_id, title=target.title, reference=target.reference,
        employer_id=target.employer_id, employer=target.employer, street=street,
        postcode=str(address.get("postcode") or offer.get("postcode") or ""),
        town=str(address.get("commune") or offer.get("commune") or ""), email=target.email,
        job=str(family.get("job") or target.title), keywords=skills[:6],
        folder=f"Candidature_{ascii_slug(target.employer) or 'Employeur'}",
    )


def _family(world: Any, task: OfferTask) -> str:
    return str((world.offer(task.offer_id) or {}).get("family") or "")


@register_scenario(*EPREUVES, *LESSONS)
def documents_scenario(world: Any, learner: str, activity: str) -> DocumentsScenario:
    """The documents tasks of `learner` in `activity`, in this world.

    The offers depend on the learner only (one application across the activities); the
    file to find depends on the activity too, so a lesson's practice does not give it away.
    """
    rng = stable_rng(world.manifest.seed, "documents", learner.strip().lower())
    pool = [task for task in (_task(world, target) for target in targets(world)) if task is not None]
    if len(pool) < 2:
        raise TremplinError(t("documents_checks.world_too_small"))
    first = rng.choice(pool)
    others = [task for task in pool if task.employer_id != first.employer_id]
    other_jobs = [task for task in others if _family(world, task) != _family(world, first)]
    second = rng.choice(other_jobs or others)
    pick = stable_rng(world.manifest.seed, "documents-find", activity, learner.strip().lower())
    choices = list(FIND_CHOICES)
    pick.shuffle(choices)
    (folder, name, lines), decoys = choices[0], choices[1:1 + DECOYS]
    return DocumentsScenario(
        activity=activity, kind=KIND.get(activity, "cv"), job=first.job, offer=first, second_offer=second,
        find_folder=folder, find_name=name, find_lines=lines,
        decoys=tuple(f"{d_folder}/{d_name}" for d_folder, d_name, _lines in decoys),
    )


def _pdf(lines: tuple[str, ...]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=1)
    pdf.setTitle(lines[0] if lines else "")
    pdf.setAuthor("")
    pdf.setCreator("Tremplin")
    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawString(72, 760, lines[0] if lines else "")
    pdf.setFont("Helvetica", 12)
    for index, line in enumerate(lines[1:]):
        pdf.drawString(72, 720 - 20 * index, line)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def _write_new(path: Path, data: bytes) -> bool:
    """Write `data` to a new file atomically; an existing file (the learner's) is never replaced."""
    if path.exists() or path.is_symlink():
        return False
    try:
        write_atomic(path, data, replace=False)
    except FileExistsError:  # taken meanwhile: theirs stands
        return False
    return True


def seed_find_files(documents_dir: Path, scenario: DocumentsScenario) -> list[Path]:
    """Put the file to find and its decoys into documents/ (never over a file already there).

    Returns the paths written by this call; seeding twice writes nothing the second time.
    """
    lines = {f"{folder}/{name}": text for folder, name, text in FIND_CHOICES}
    written = []
    for relative in (scenario.find_path, *scenario.decoys):
        target = Path(documents_dir) / relative
        if _write_new(target, _pdf(lines.get(relative, scenario.find_lines))):
            written.append(target)
    return written


def mission(scenario: DocumentsScenario) -> list[str]:
    """The learner's task in plain French (or English), one paragraph per step, for the page."""
    offer, second = scenario.offer, scenario.second_offer
    values = {"title": offer.title, "employer": offer.employer, "reference": offer.reference,
              "town": offer.town, "job": scenario.job, "keywords": ", ".join(offer.keywords[:4]),
              "folder": offer.folder, "second_title": second.title, "second_employer": second.employer,
              "second_reference": second.reference, "second_folder": second.folder,
              "find_name": scenario.find_name}
    keys = {"cv": ("mission_cv", "mission_cv_offer"),
            "letter": ("mission_letter", "mission_letter_keywords", "mission_letter_second"),
            "files": ("mission_files_folder", "mission_files_find", "mission_files_usb",
                      "mission_files_print", "mission_files_second")}[scenario.kind]
    return [t(f"documents_checks.{key}", **values) for key in keys]
