"""Reading the learner's real documents for the checks: « Mes documents », « Ma clé USB », the journal.

Every PDF and DOCX of documents/ and usb/ (any sub-folder; what « Mes fichiers » does not
list, hidden or odd names and symbolic links, left alone and never followed) is read once
through `read_back`, by content hash, and sorted by what its text shows: a CV (its section
headings), a letter (object line, greeting, closing formula), a « pack » holding both (the
print PDF), or something else.
A file that cannot be read is kept with read_back's French reason, never raised. The
journal gives the activity's `doc.export` and `files.*` events. Nothing here writes.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tremplin.widgets.documents import read_back
from tremplin.widgets.documents.errors import DocumentError
from tremplin.widgets.files_store import PLACES, place_path, valid_name
from tremplin.widgets.geo import fold
from tremplin.widgets.i18n import t

DOCUMENTS, USB = "documents", "usb"
FORMATS = {".pdf": "pdf", ".docx": "docx"}
CV, LETTER, PACK, OTHER = "cv", "letter", "pack", "other"
MAX_FILES = 400
MAX_BYTES = 20 * 1024 * 1024
#: Section headings of a CV, as folded whole lines (« Expérience professionnelle : » included).
HEADINGS: dict[str, tuple[str, ...]] = {
    "experience": ("experience professionnelle", "experiences professionnelles", "experience", "experiences",
                   "parcours professionnel", "experience pro", "experiences pro", "emplois occupes"),
    "training": ("formation", "formations", "diplomes", "formation et diplomes", "formations et diplomes",
                 "diplomes et formations", "etudes", "scolarite", "formation professionnelle"),
    "skills": ("competences", "competence", "savoir faire", "competences professionnelles", "atouts",
               "competences et qualites", "qualites"),
    "languages": ("langues", "langue", "langues etrangeres"),
    "interests": ("centres d interet", "centre d interet", "centres d interets", "loisirs", "passions",
                  "activites extra professionnelles"),
}
CLOSINGS = ("je vous prie d agreer", "veuillez agreer", "salutations distinguees", "sinceres salutations",
            "respectueuses salutations", "cordialement", "meilleures salutations", "bien a vous")
_WORD = re.compile(r"[a-z0-9]+")
_NAME_CV = re.compile(r"(^|[^a-z])(cv|curriculum)([^a-z]|$)")
_NAME_LETTER = re.compile(r"(lettre|motivation|(^|[^a-z])lm([^a-z]|$))")


def shown(text: str, limit: int = 80) -> str:
    """A learner's file or folder name as feedback quotes it: no control characters, not too long."""
    visible = "".join(c for c in str(text) if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp"))
    return visible if len(visible) <= limit else "…" + visible[-(limit - 1):]


def words(text: str) -> list[str]:
    """Folded words (lower case, no accents, apostrophes and hyphens split)."""
    return _WORD.findall(fold(text))


def flat(text: str) -> str:
    """Folded words joined by single spaces, for phrase matching."""
    return " ".join(words(text))


def has_phrase(text_flat: str, phrase: str) -> bool:
    wanted = flat(phrase)
    return bool(wanted) and f" {wanted} " in f" {text_flat} "


def heading_of(line: str) -> str | None:
    """The section a line is the heading of, or None (a line closed by a full stop ends a sentence)."""
    if line.rstrip().endswith("."):
        return None
    folded = flat(line)
    for section, labels in HEADINGS.items():
        if folded in labels:
            return section
    return None


def cv_sections(text: str) -> dict[str, list[str]]:
    """Each section heading found, with the lines under it (until the next heading)."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        section = heading_of(line)
        if section is not None:
            current = sections.setdefault(section, [])
        elif current is not None and line.strip():
            current.append(line.strip())
    return sections


def letter_marks(text: str) -> dict[str, bool]:
    """Which letter blocks a text shows: object line, greeting, closing formula."""
    lines = [flat(line) for line in text.splitlines()]
    return {
        "subject": any(line.startswith("objet") for line in lines),
        "greeting": any(line.split()[:1] in (["madame"], ["monsieur"], ["mesdames"], ["messieurs"])
                        and len(line.split()) <= 5 for line in lines if line),
        "closing": any(has_phrase(line, closing) for line in lines for closing in CLOSINGS),
    }


def classify(name: str, text: str) -> str:
    """cv, letter, pack (both, as a print PDF) or other, from the text first, then the name."""
    is_cv = len(cv_sections(text)) >= 2
    is_letter = sum(letter_marks(text).values()) >= 2
    if is_cv and is_letter:
        return PACK
    if is_cv:
        return CV
    if is_letter:
        return LETTER
    folded = " ".join(words(name))
    if _NAME_CV.search(folded):
        return CV
    if _NAME_LETTER.search(folded):
        return LETTER
    return OTHER


@dataclass(frozen=True)
class Facts:
    """What read_back tells of one file's content (cached by its hash)."""

    text: str = ""
    pages: tuple[tuple[float, float], ...] = ()
    metadata: dict[str, str] = field(default_factory=dict)
    error: str = ""


@dataclass(frozen=True)
class DocFile:
    place: str
    #: the path inside its place, POSIX style (« Candidature_X/MARTIN_Alice_CV.pdf »)
    path: str
    fmt: str
    size: int
    mtime: float
    sha256: str
    facts: Facts = field(repr=False)
    kind: str = OTHER

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def shown(self) -> str:
        return shown(self.name)

    @property
    def folder(self) -> str:
        return self.path.rpartition("/")[0]

    @property
    def stem(self) -> str:
        return self.path.rsplit(".", 1)[0]

    @property
    def text(self) -> str:
        return self.facts.text

    @property
    def readable(self) -> bool:
        return not self.facts.error

    @property
    def where(self) -> str:
        """The file as the learner sees it: « Mes documents › dossier › nom »."""
        parts = (shown(part, 60) for part in self.path.split("/"))
        return " › ".join([t(f"documents_checks.place_{self.place}"), *parts])


_FACTS: dict[str, Facts] = {}
_FACTS_SIZE = 256


def _read_facts(data: bytes, fmt: str) -> Facts:
    try:
        if fmt == "pdf":
            pages = tuple(read_back.pdf_pages(data))
            return Facts(read_back.pdf_text(data), pages, read_back.pdf_metadata(data))
        return Facts(read_back.docx_text(data), (), read_back.docx_metadata(data))
    except DocumentError as error:
        return Facts(error=str(error))
    except Exception:  # noqa: BLE001 - a learner's file never crashes a check
        return Facts(error=t(f"documents.read_{fmt}_damaged"))


def facts_of(data: bytes, fmt: str) -> tuple[str, Facts]:
    """(SHA-256, facts) of a file's content; each content is parsed once per process."""
    digest = hashlib.sha256(data).hexdigest()
    key = f"{fmt}:{digest}"
    if key not in _FACTS:
        if len(_FACTS) >= _FACTS_SIZE:
            _FACTS.pop(next(iter(_FACTS)))
        _FACTS[key] = _read_facts(data, fmt)
    return digest, _FACTS[key]


def place_dir(workspace: Any, place: str) -> Path:
    """documents/ or usb/ of a workspace, as « Mes fichiers » finds it (nothing is made: read only)."""
    return place_path(workspace, PLACES[place])


def _walk(root: Path) -> list[Path]:
    found: list[Path] = []
    if not root.is_dir() or root.is_symlink():
        return found
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if valid_name(d) and not (Path(folder) / d).is_symlink())
        for name in sorted(files):
            path = Path(folder) / name
            if not valid_name(name) or path.is_symlink() or path.suffix.lower() not in FORMATS:
                continue
            found.append(path)
            if len(found) >= MAX_FILES:
                return found
    return found


def _doc_file(root: Path, path: Path, place: str) -> DocFile | None:
    fmt = FORMATS[path.suffix.lower()]
    try:
        stat = path.stat()
        if stat.st_size > MAX_BYTES:
            digest, facts = "", Facts(error=t("documents_checks.file_too_big", name=path.name))
        else:
            digest, facts = facts_of(path.read_bytes(), fmt)
    except OSError:
        return None
    relative = path.relative_to(root).as_posix()
    return DocFile(place, relative, fmt, stat.st_size, stat.st_mtime, digest, facts,
                   classify(path.name, facts.text))


_SCANS: dict[tuple[str, str], tuple[tuple[Any, ...], list[DocFile]]] = {}


def _signature(paths: list[Path]) -> tuple[Any, ...]:
    found = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue
        found.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(found)


def scan(workspace: Any, place: str = DOCUMENTS) -> list[DocFile]:
    """Every PDF and DOCX of a place, oldest first (modification time, then path).

    Re-read only when a file changed (name, size or time), so the checks of one activity
    share one reading of the folder.
    """
    root = place_dir(workspace, place)
    paths = _walk(root)
    signature = _signature(paths)
    cached = _SCANS.get((str(root), place))
    if cached is not None and cached[0] == signature:
        return list(cached[1])
    files = [doc for doc in (_doc_file(root, path, place) for path in paths) if doc is not None]
    files.sort(key=lambda d: (d.mtime, d.path))
    if len(_SCANS) >= 32:
        _SCANS.pop(next(iter(_SCANS)))
    _SCANS[(str(root), place)] = (signature, files)
    return list(files)


# -- the journal -------------------------------------------------------------------------------


def event_data(events: Iterable[Any], kind: str) -> list[dict[str, Any]]:
    """The data of the events of one kind, oldest first."""
    return [dict(e.data) for e in events if e.kind == kind and isinstance(e.data, dict)]


def exported_paths(events: Iterable[Any], kind: str | None = None) -> list[str]:
    """documents/ paths of the activity's `doc.export` events (of one kind, cv or letter, if given)."""
    return [str(d.get("path") or "") for d in event_data(events, "doc.export")
            if kind is None or d.get("kind") == kind]


def opened_paths(events: Iterable[Any]) -> list[tuple[str, str]]:
    """(place, path) of every file the learner opened or downloaded in the activity."""
    found = []
    for kind in ("files.open", "files.download"):
        found += [(str(d.get("place") or DOCUMENTS), str(d.get("path") or ""))
                  for d in event_data(events, kind)]
    return found


def print_pack_paths(events: Iterable[Any]) -> list[str]:
    """Paths (in documents/) of the print PDFs the activity made, oldest first."""
    return [str(d.get("path") or d.get("to") or "") for d in event_data(events, "files.print_pack")]


# -- choosing among files ------------------------------------------------------------------------


def of_kind(files: Iterable[DocFile], *kinds: str) -> list[DocFile]:
    return [doc for doc in files if doc.kind in kinds]


def latest(files: list[DocFile], preferred: Iterable[str] = ()) -> DocFile | None:
    """The file the learner last worked on: the last one exported in the activity, else the newest."""
    by_path = {doc.path: doc for doc in files}
    for path in reversed(list(preferred)):
        if path in by_path:
            return by_path[path]
    return files[-1] if files else None


def twin(doc: DocFile, files: Iterable[DocFile], fmt: str) -> DocFile | None:
    """The same document in the other format: same folder and name first, else the newest of its kind."""
    others = [other for other in files if other.fmt == fmt and other.place == doc.place]
    same = [other for other in others if other.stem == doc.stem]
    if same:
        return same[-1]
    kin = [other for other in others if other.kind == doc.kind and other.readable]
    return kin[-1] if kin else None


LEGAL_FORMS = {"sas", "sarl", "sa", "eurl", "sasu", "scop"}


def employer_key(employer: str) -> str:
    """An employer's name as matched in a text: folded words, legal forms left out."""
    return " ".join(w for w in words(employer) if w not in LEGAL_FORMS)


def names_employer(text: str, employer: str) -> bool:
    """Whether a text names the employer (its name folded, legal forms and punctuation aside)."""
    wanted = employer_key(employer)
    return bool(wanted) and f" {wanted} " in f" {flat(text)} "


def about_offer(doc: DocFile, employer: str, reference: str) -> bool:
    """Whether a letter is for this offer: it names the employer, or gives the offer's reference."""
    if names_employer(doc.text, employer):
        return True
    bare = re.sub(r"[^a-z0-9]", "", fold(reference))
    return bool(bare) and bare in re.sub(r"[^a-z0-9]", "", fold(doc.text))


def significant(phrase: str) -> list[str]:
    """The words of a key phrase that carry its meaning: « Chargement et arrimage » → chargement, arrimage."""
    return [w for w in words(phrase) if len(w) >= 5 and w not in GENERIC_WORDS]


GENERIC_WORDS = {
    "utilisation", "gestion", "respect", "technique", "techniques", "regles", "bonnes", "pratiques",
    "travail", "suivi", "notions", "connaissance", "connaissances", "application", "ensemble", "differents",
    "relation", "qualite", "normes", "consignes", "securite", "hygiene",
}


def _stem(word: str) -> str:
    return word[: max(5, min(7, len(word) - 3))]


def keyword_hits(text: str, keywords: Iterable[str]) -> list[str]:
    """The key phrases a text reuses: one of its meaningful words (or a word of the same family)."""
    stems = {_stem(w) for w in words(text) if len(w) >= 5}
    hits = []
    for phrase in keywords:
        wanted = significant(phrase) or [w for w in words(phrase) if len(w) >= 4]
        if any(_stem(w) in stems for w in wanted):
            hits.append(phrase)
    return hits


# -- what a check looks at -----------------------------------------------------------------------


def documents(ctx: Any) -> list[DocFile]:
    return scan(ctx.workspace, DOCUMENTS)


def usb_files(ctx: Any) -> list[DocFile]:
    return scan(ctx.workspace, USB)


def newest_of(ctx: Any, files: list[DocFile], kind: str) -> DocFile | None:
    """The PDF to judge among some files (the last exported, else the newest), else their DOCX."""
    exported = exported_paths(ctx.events, kind)
    readable = [doc for doc in files if doc.readable]
    return (latest([d for d in readable if d.fmt == "pdf"], exported)
            or latest([d for d in readable if d.fmt == "docx"], exported))


def the_cv(ctx: Any) -> DocFile | None:
    """The learner's CV: the PDF last exported or saved, else the DOCX."""
    return newest_of(ctx, of_kind(documents(ctx), CV), "cv")


def letters_about(ctx: Any, task: Any, place: str = DOCUMENTS) -> list[DocFile]:
    files = documents(ctx) if place == DOCUMENTS else usb_files(ctx)
    return [doc for doc in of_kind(files, LETTER) if about_offer(doc, task.employer, task.reference)]


def the_letter(ctx: Any, task: Any) -> DocFile | None:
    """The letter for an offer (PDF first), or None."""
    return newest_of(ctx, letters_about(ctx, task), "letter")


def any_letter(ctx: Any) -> DocFile | None:
    """The newest letter whatever its offer (to say when it answers another one)."""
    return newest_of(ctx, of_kind(documents(ctx), LETTER), "letter")


def content_text(doc: DocFile, files: Iterable[DocFile]) -> tuple[str, bool]:
    """The document's text and whether its lines are its paragraphs (a DOCX: its own, or its twin's)."""
    if doc.fmt == "docx":
        return doc.text, True
    other = twin(doc, files, "docx")
    if other is not None and other.stem == doc.stem and other.readable:
        return other.text, True
    return doc.text, False


def verdict(passed: bool, key: str, score: float | None = None, **values: object) -> Any:
    """A check's Outcome with its feedback from the `documents_checks` catalogue."""
    from tremplin.grading.check_model import Outcome

    return Outcome(passed, t(f"documents_checks.{key}", **values), score)
