"""Checks of filing (D4) and of the USB key and printing (D5).

D4 reads « Mes documents » as it is: the application's folder (the one holding the letter
for the scenario's offer and a CV), the names of every CV and letter file, and the
activity's `files.open` events for the file to find again. D5 compares each CV and letter
copy on « Ma clé USB » with the originals by SHA-256, and reads the print PDF (the last
`files.print_pack` of the activity, else a PDF holding both a CV and a letter): every page
A4, the CV and the letter inside (N3: the requested file too, in the order asked).
"""

from __future__ import annotations

from functools import partial

from tremplin.grading.check_context import CheckContext
from tremplin.grading.check_model import REGISTRY, Outcome
from tremplin.grading.checks_mail_apply import bad_name
from tremplin.grading.documents_evidence import (
    CV,
    DOCUMENTS,
    LETTER,
    PACK,
    DocFile,
    about_offer,
    cv_sections,
    documents,
    event_data,
    flat,
    heading_of,
    letter_marks,
    letters_about,
    of_kind,
    opened_paths,
    print_pack_paths,
    shown,
    usb_files,
    verdict,
    words,
)
from tremplin.grading.documents_scenario import (
    FILES_EPREUVE,
    FILES_LESSON,
    USB_LESSON,
    DocumentsScenario,
    OfferTask,
)
from tremplin.widgets.i18n import t

A4 = (595.28, 841.89)
A4_TOLERANCE = 3.0
#: Paper sizes a learner may meet instead of A4 (points, portrait), to name them in feedback.
PAPERS = {"Letter": (612.0, 792.0), "Legal": (612.0, 1008.0), "A5": (419.53, 595.28), "A3": (841.89, 1190.55)}
#: Words that do not make a file name telling on their own.
VAGUE = {"cv", "lettre", "lm", "motivation", "de", "candidature", "curriculum", "vitae", "final", "finale",
         "version", "copie", "copy", "nouveau", "new", "definitif", "definitive", "doc", "document", "mon",
         "ma"}
_PARTICLES = {"le", "la", "les", "de", "des", "du", "et", "sas", "sarl", "eurl"}

d4_check = partial(REGISTRY.register, competences=["D4"], epreuves=[FILES_EPREUVE, FILES_LESSON],
                   title_key="documents_checks.{id}_title")
d5_check = partial(REGISTRY.register, competences=["D5"], epreuves=[FILES_EPREUVE, USB_LESSON],
                   title_key="documents_checks.{id}_title")


# -- D4: folders and names -------------------------------------------------------------------------


def application_folder(files: list[DocFile], task: OfferTask) -> tuple[str | None, list[DocFile]]:
    """(the sub-folder holding the offer's letter and a CV, or None; the offer's letters)."""
    letters = [doc for doc in of_kind(files, LETTER) if about_offer(doc, task.employer, task.reference)]
    cv_folders = {doc.folder for doc in of_kind(files, CV)}
    for letter in reversed(letters):
        if letter.folder and letter.folder in cv_folders:
            return letter.folder, letters
    return None, letters


def telling_file(name: str) -> bool:
    """NOM_Prenom_CV_poste.pdf: says what it is (CV, lettre…) and more (a name, a job), not « Document1 »."""
    if bad_name(name):
        return False
    stem = name.rsplit(".", 1)[0]
    return any(len(word) >= 3 and not word.isdigit() and word not in VAGUE for word in words(stem))


def telling_folder(folder: str, task: OfferTask) -> bool:
    """A folder name that says which application it holds (« Candidature_Transports-Le-Goff »)."""
    own = set(words(folder.rsplit("/", 1)[-1]))
    wanted = {w for w in words(f"{task.employer} {task.job} {task.title}") if len(w) >= 3} - _PARTICLES
    return "candidature" in own or bool(own & wanted)


@d4_check("d4-dossier-candidature", level="N1", points=2)
def application_in_folder(ctx: CheckContext) -> Outcome:
    task = ctx.scenario.offer
    folder, letters = application_folder(documents(ctx), task)
    if folder:
        return Outcome(True, t("documents_checks.folder_ok", folder=shown(folder)))
    if not letters:
        return verdict(False, "folder_no_letter", employer=task.employer, folder=task.folder)
    if not letters[-1].folder:
        return Outcome(False, t("documents_checks.folder_at_root", folder=task.folder))
    return Outcome(False, t("documents_checks.folder_no_cv", folder=shown(letters[-1].folder)), score=0.5)


@d4_check("d4-noms-parlants", level="N2", points=2)
def telling_names(ctx: CheckContext) -> Outcome:
    task = ctx.scenario.offer
    files = of_kind(documents(ctx), CV, LETTER)
    if not files:
        return Outcome(False, t("documents_checks.names_none"))
    bad = [doc for doc in files if not telling_file(doc.name)]
    if bad:
        return Outcome(False, t("documents_checks.names_bad", name=bad[0].shown, n=len(bad)),
                       score=1 - len(bad) / len(files))
    folder, _letters = application_folder(documents(ctx), task)
    if folder and not telling_folder(folder, task):
        return verdict(False, "names_folder", 0.5, folder=shown(folder), suggested=task.folder)
    return Outcome(True, t("documents_checks.names_ok", n=len(files)))


def _found_file(ctx: CheckContext, scenario: DocumentsScenario) -> bool:
    """Whether the learner opened (or downloaded, copied, printed) the file asked for."""
    def wanted(path: str) -> bool:
        return path == scenario.find_path or path.rsplit("/", 1)[-1] == scenario.find_name

    if any(place == DOCUMENTS and wanted(path) for place, path in opened_paths(ctx.events)):
        return True
    copied = [str(d.get("from") or "") for d in event_data(ctx.events, "files.copy_usb")]
    printed = [str(p) for d in event_data(ctx.events, "files.print_pack") for p in d.get("files") or []]
    return any(wanted(path) for path in copied + printed)


@d4_check("d4-fichier-retrouve", level="N3", points=2)
def file_found(ctx: CheckContext) -> Outcome:
    scenario: DocumentsScenario = ctx.scenario
    if _found_file(ctx, scenario):
        return Outcome(True, t("documents_checks.found_ok", name=scenario.find_name))
    opened = [path for place, path in opened_paths(ctx.events) if place == DOCUMENTS]
    if opened:
        return verdict(False, "found_other", opened=shown(opened[-1]), name=scenario.find_name)
    return Outcome(False, t("documents_checks.found_none", name=scenario.find_name))


@d4_check("d4-deux-candidatures", level="N3", points=2)
def two_applications(ctx: CheckContext) -> Outcome:
    first, second = ctx.scenario.offer, ctx.scenario.second_offer
    files = documents(ctx)
    first_folder, _letters = application_folder(files, first)
    letters = letters_about(ctx, second)
    if not letters:
        return verdict(False, "two_no_letter", employer=second.employer, title=second.title)
    folder = letters[-1].folder
    if not folder or folder == first_folder:
        return Outcome(False, t("documents_checks.two_same_folder", employer=second.employer,
                                folder=second.folder), score=0.5)
    mixed = [doc for doc in of_kind(files, LETTER)
             if doc.folder == folder and about_offer(doc, first.employer, first.reference)]
    if mixed:
        return verdict(False, "two_mixed", 0.5, folder=shown(folder), name=mixed[0].shown)
    return Outcome(True, t("documents_checks.two_ok", folder=shown(folder)))


# -- D5: the USB key and the print ----------------------------------------------------------------------


def usb_copies(ctx: CheckContext) -> tuple[list[DocFile], list[DocFile]]:
    """(the CVs on the key, the offer's letters on the key)."""
    task = ctx.scenario.offer
    files = usb_files(ctx)
    return of_kind(files, CV), [doc for doc in of_kind(files, LETTER) if about_offer(doc, task.employer,
                                                                                        task.reference)]


@d5_check("d5-copie-sur-cle", level="N1", points=2)
def copied_to_usb(ctx: CheckContext) -> Outcome:
    cvs, letters = usb_copies(ctx)
    if cvs and letters:
        return Outcome(True, t("documents_checks.usb_ok"))
    employer = ctx.scenario.offer.employer
    if cvs or letters:
        key = "usb_no_letter" if cvs else "usb_no_cv"
        return Outcome(False, t(f"documents_checks.{key}", employer=employer), score=0.5)
    return Outcome(False, t("documents_checks.usb_none", employer=employer))


@d5_check("d5-copie-identique", level="N2", points=2)
def copy_checksum(ctx: CheckContext) -> Outcome:
    copies = of_kind(usb_files(ctx), CV, LETTER)
    if not copies:
        return Outcome(False, t("documents_checks.usb_none", employer=ctx.scenario.offer.employer))
    originals = {doc.sha256 for doc in documents(ctx) if doc.sha256}
    altered = [doc for doc in copies if doc.sha256 not in originals]
    if altered:
        return Outcome(False, t("documents_checks.usb_altered", name=shown(altered[0].path)),
                       score=1 - len(altered) / len(copies))
    return Outcome(True, t("documents_checks.usb_same", n=len(copies), short=copies[-1].sha256[:8]))


def print_file(ctx: CheckContext) -> DocFile | None:
    """The print PDF: the last one the activity made (if still there), else the newest CV+letter PDF."""
    files = documents(ctx)
    by_path = {doc.path: doc for doc in files if doc.fmt == "pdf"}
    for path in reversed(print_pack_paths(ctx.events)):
        if path in by_path:
            return by_path[path]
    packs = [doc for doc in of_kind(files, PACK) if doc.fmt == "pdf"]
    return packs[-1] if packs else None


def paper(size: tuple[float, float]) -> str | None:
    """None for an A4 page (either way up), else the paper's name or its size in millimetres."""
    width, height = sorted(size)
    if abs(width - A4[0]) <= A4_TOLERANCE and abs(height - A4[1]) <= A4_TOLERANCE:
        return None
    for name, (w, h) in PAPERS.items():
        if abs(width - w) <= A4_TOLERANCE and abs(height - h) <= A4_TOLERANCE:
            return name
    return f"{round(size[0] / 72 * 25.4)} × {round(size[1] / 72 * 25.4)} mm"


def _no_print(ctx: CheckContext) -> Outcome:
    return Outcome(False, t("documents_checks.print_none"))


@d5_check("d5-pdf-a4-imprimable", level="N2", points=2)
def print_ready(ctx: CheckContext) -> Outcome:
    pack = print_file(ctx)
    if pack is None:
        return _no_print(ctx)
    if not pack.readable:
        return verdict(False, "print_broken", name=pack.shown, reason=pack.facts.error)
    for number, size in enumerate(pack.facts.pages, start=1):
        other = paper(size)
        if other:
            return Outcome(False, t("documents_checks.print_not_a4", name=pack.shown, page=number,
                                    paper=other))
    task = ctx.scenario.offer
    has_cv = len(cv_sections(pack.text)) >= 2
    has_letter = (sum(letter_marks(pack.text).values()) >= 2
                  and about_offer(pack, task.employer, task.reference))
    if not (has_cv and has_letter):
        key = "print_no_letter" if has_cv else "print_no_cv"
        return Outcome(False, t(f"documents_checks.{key}", name=pack.shown, employer=task.employer),
                       score=0.5)
    return Outcome(True, t("documents_checks.print_ok", name=pack.shown, pages=len(pack.facts.pages)))


def order_in(pack: DocFile, find_line: str) -> list[str]:
    """The parts of a print PDF in reading order: "cv", "letter", "find" (each at its first line)."""
    wanted = flat(find_line)
    first: dict[str, int] = {}
    for index, line in enumerate(pack.text.splitlines()):
        folded = flat(line)
        if heading_of(line):
            first.setdefault("cv", index)
        if folded.startswith("objet") or folded in ("madame monsieur", "madame", "monsieur"):
            first.setdefault("letter", index)
        if wanted and wanted in folded:
            first.setdefault("find", index)
    return sorted(first, key=first.__getitem__)


@d5_check("d5-impression-plusieurs-documents", level="N3", points=2)
def print_several(ctx: CheckContext) -> Outcome:
    scenario: DocumentsScenario = ctx.scenario
    pack = print_file(ctx)
    if pack is None or not pack.readable:
        return _no_print(ctx)
    order = order_in(pack, scenario.find_lines[1] if len(scenario.find_lines) > 1 else scenario.find_name)
    names = {"cv": t("documents_checks.doc_cv"), "letter": t("documents_checks.doc_letter"),
             "find": scenario.find_name}
    wanted = " → ".join(names[part] for part in scenario.to_print)
    missing = [part for part in scenario.to_print if part not in order]
    if missing:
        return Outcome(False, t("documents_checks.several_missing", part=names[missing[0]], order=wanted))
    if [part for part in order if part in scenario.to_print] != list(scenario.to_print):
        return Outcome(False, t("documents_checks.several_order", order=wanted), score=0.5)
    return Outcome(True, t("documents_checks.several_ok", order=wanted))
