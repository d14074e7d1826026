"""Export a CV or a letter as a real PDF or DOCX file in « Mes documents ».

The file is written whole or not at all, never over an existing file unless the learner
chose « remplacer », and the journal records what was made (`doc.export`) with its
checksum, so grading can tell the file checked is the file exported. `suggested_name`
proposes the name a recruiter expects (NOM_Prénom_CV_métier.pdf), plain ASCII so it
survives every mailbox, USB key and operating system.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path
from typing import Any

from tremplin.widgets.documents.errors import DocumentError
from tremplin.widgets.documents.layout import cv_blocks, letter_blocks, prepare_photo
from tremplin.widgets.documents.model import CV, Letter, write_atomic
from tremplin.widgets.documents.render_docx import render_docx
from tremplin.widgets.documents.render_pdf import render_pdf
from tremplin.widgets.i18n import t

KINDS = ("cv", "letter")
FORMATS = ("pdf", "docx")
NAME_MAX = 100
_RENDERERS = {"pdf": render_pdf, "docx": render_docx}
_PARTICLES = {"de", "du", "des", "d'", "le", "la", "van", "von", "da", "di", "del"}
_GENDER = re.compile(r"\(?\b(h\s*/\s*f|f\s*/\s*h)\b\)?", re.IGNORECASE)
_NAME_FORBIDDEN = re.compile(r'[/\\:*?"<>|]')


def ascii_part(text: str, lower: bool = False) -> str:
    """`text` as one file-name part: accents dropped, words joined by hyphens, ASCII letters and digits."""
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE")
                                       .replace("æ", "ae").replace("Æ", "AE").replace("ß", "ss"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", plain)
    joined = "-".join(words)
    return joined.lower() if lower else joined


def _split_name(full_name: str) -> tuple[str, str]:
    """(family name, first names) from « Alice Martin », « MARTIN Alice » or « Jean de la Fontaine »."""
    tokens = full_name.split()
    if not tokens:
        return "", ""
    upper = [tok for tok in tokens if len(tok) > 1 and tok.isupper()]
    if upper and len(upper) < len(tokens):
        return " ".join(upper), " ".join(tok for tok in tokens if tok not in upper)
    cut = len(tokens) - 1
    while cut > 1 and tokens[cut - 1].lower() in _PARTICLES:
        cut -= 1
    return " ".join(tokens[cut:]), " ".join(tokens[:cut])


def _job_from_headline(headline: str) -> str:
    """« Cariste — CACES 1, 3, 5 » → « Cariste »: the part before the first dash or comma."""
    return re.split(r"\s[—–-]\s|,|\(", headline, maxsplit=1)[0].strip()


def suggested_name(kind: str, doc: CV | Letter, fmt: str, job: str = "") -> str:
    """A file name like MARTIN_Alice_CV_cariste.pdf or MARTIN_Alice_Lettre_cariste_Transports-Le-Goff.pdf."""
    if isinstance(doc, CV):
        full_name, company = doc.contact.full_name, ""
        job = job or _job_from_headline(doc.contact.headline)
    else:
        full_name, company = doc.sender_name, doc.recipient
        job = job or doc.job_title
    family, first = _split_name(full_name)
    label = "CV" if kind == "cv" else "Lettre"
    parts = [ascii_part(family).upper()[:30], ascii_part(first)[:30], label,
             ascii_part(_GENDER.sub(" ", job), lower=True)[:40], ascii_part(company)[:40]]
    suffix = f".{fmt}"
    name = "_".join(part for part in parts if part)
    return name[: NAME_MAX - len(suffix)].rstrip("-_") + suffix


def _documents_dir(workspace: Any) -> Path:
    return Path(getattr(workspace, "documents_dir", None) or Path(workspace.root) / "documents")


def _safe_file_name(name: str, fmt: str) -> str:
    """The learner's chosen name, with the right extension; DocumentError if it is a path or hidden."""
    name = unicodedata.normalize("NFC", str(name)).strip()
    if (not name or name.startswith(".") or ".." in name or _NAME_FORBIDDEN.search(name)
            or any(unicodedata.category(c) in ("Cc", "Cf") for c in name)):
        raise DocumentError(t("documents.export_bad_name"))
    if not name.lower().endswith(f".{fmt}"):
        name = f"{name}.{fmt}"
    if len(name) > NAME_MAX + 20:
        raise DocumentError(t("documents.export_name_too_long", max=NAME_MAX + 20))
    return name


def target_folder(root: Path, folder: str) -> Path:
    """documents/<folder>, refused if it leaves « Mes documents » or goes through a hidden folder."""
    parts = [part for part in str(folder).replace("\\", "/").split("/") if part not in ("", ".")]
    if str(folder).startswith(("/", "\\")) or any(part.startswith(".") for part in parts):
        raise DocumentError(t("documents.export_bad_folder"))
    target = root.joinpath(*parts)
    resolved_root = root.resolve()
    if target.resolve() != resolved_root and resolved_root not in target.resolve().parents:
        raise DocumentError(t("documents.export_bad_folder"))
    return target


def _title(kind: str, doc: CV | Letter) -> str:
    job = _job_from_headline(doc.contact.headline) if isinstance(doc, CV) else doc.job_title
    key = "cv" if kind == "cv" else "letter"
    return t(f"documents.title_{key}_job" if job else f"documents.title_{key}", "fr", job=job)


PHOTO_MAX_BYTES = 5 * 1024 * 1024


def photo_for(workspace: Any, cv: CV) -> bytes | None:
    """The CV's photo (documents/<contact.photo>) prepared for the renderers, None when there is none.

    The file passes the upload guard (a real PNG or JPEG, not too big) before Pillow reads it;
    DocumentError (French) when it is missing, outside « Mes documents » or unreadable.
    """
    relative = cv.contact.photo.strip()
    if not relative:
        return None
    from tremplin.widgets.documents import upload_guard

    root = _documents_dir(workspace)
    folder, _, name = relative.replace("\\", "/").rpartition("/")
    data = None
    try:
        path = target_folder(root, folder) / name
        inside = path.resolve().is_relative_to(root.resolve())
        if inside and name and not name.startswith(".") and path.is_file() \
                and path.stat().st_size <= PHOTO_MAX_BYTES:
            data = path.read_bytes()
    except (DocumentError, OSError):
        data = None
    if data is None:
        raise DocumentError(t("documents.photo_missing", name=relative))
    try:
        upload_guard.check_upload(name, data, allowed=(".png", ".jpg", ".jpeg"), max_bytes=PHOTO_MAX_BYTES)
    except DocumentError as error:
        raise DocumentError(t("documents.photo_unreadable")) from error
    return prepare_photo(data)


def render(kind: str, doc: CV | Letter, fmt: str, photo: bytes | None = None) -> bytes:
    """The file's bytes for `doc` in format `fmt` (with the prepared `photo`, a CV only), nothing written."""
    if kind not in KINDS or not isinstance(doc, CV if kind == "cv" else Letter):
        raise DocumentError(t("documents.export_kind"))
    if fmt not in FORMATS:
        raise DocumentError(t("documents.export_format"))
    blocks = cv_blocks(doc) if kind == "cv" else letter_blocks(doc)
    return _RENDERERS[fmt](blocks, doc.template, _title(kind, doc), photo=photo if kind == "cv" else None)


def export(workspace: Any, kind: str, doc: CV | Letter, fmt: str, folder: str = "", name: str | None = None,
           replace: bool = False, journal: Any = None) -> Path:
    """Render `doc` and write it as documents/<folder>/<name>; records `doc.export`. Returns the path.

    An existing file is kept (DocumentError asking to choose « remplacer » or another name)
    unless `replace`, which swaps it atomically. A CV's photo is read from « Mes documents ».
    The event goes to `journal` (anything with `.record(kind, data)`), else to the workspace's.
    """
    content = render(kind, doc, fmt, photo_for(workspace, doc) if isinstance(doc, CV) else None)
    root = _documents_dir(workspace)
    destination = target_folder(root, folder)
    file_name = _safe_file_name(name or suggested_name(kind, doc, fmt), fmt)
    path = destination / file_name
    if path.is_dir():
        raise DocumentError(t("documents.export_is_folder", name=file_name))
    if path.exists() and not replace:
        raise DocumentError(t("documents.export_exists", name=file_name))
    try:
        write_atomic(path, content, replace=replace)
    except FileExistsError as error:
        raise DocumentError(t("documents.export_exists", name=file_name)) from error
    except OSError as error:
        raise DocumentError(t("documents.export_failed")) from error
    (journal or workspace).record("doc.export", {
        "kind": kind, "format": fmt, "path": path.relative_to(root).as_posix(), "template": doc.template,
        "sha256": hashlib.sha256(content).hexdigest(),
    })
    return path
