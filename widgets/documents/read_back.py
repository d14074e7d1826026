"""Read a PDF or DOCX back: its text, page sizes and metadata, for tests, imports and grading.

Files read here may come from anywhere (an upload, a learner's folder), so nothing a
parser raises escapes: a damaged, locked or unsafe file is a `DocumentError` with a French
message. A DOCX is a zip: it is opened only after `upload_guard.check_zip` has ruled out a
zip bomb. `same_text` compares two documents the way a reader would: same words in the
same order, whatever the line breaks, bullets, spaces or ligatures.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

from tremplin.widgets.documents.errors import DocumentError
from tremplin.widgets.i18n import t

MAX_PAGES = 200
_BULLETS = re.compile(r"(?m)^[ \t]*[•▪◦●■–\-*·]\s+")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)


def _damaged(kind: str) -> DocumentError:
    return DocumentError(t(f"documents.read_{kind}_damaged"))


def _bytes(source: bytes | str | Path) -> tuple[bytes, str]:
    """The file's bytes and its lower-case extension ("" for bytes given directly)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), ""
    path = Path(source)
    try:
        return path.read_bytes(), path.suffix.lower()
    except OSError as error:
        raise DocumentError(t("documents.read_missing", name=path.name)) from error


def _kind(data: bytes, suffix: str, kind: str | None) -> str:
    if kind in ("pdf", "docx"):
        return kind
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if not data:
        raise DocumentError(t("documents.read_empty"))
    if suffix in (".pdf", ".docx"):
        return suffix[1:]
    raise DocumentError(t("documents.read_unknown"))


def _reader(data: bytes):
    """An open pypdf reader with readable pages, or DocumentError."""
    if not data:
        raise DocumentError(t("documents.read_empty"))
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(t("documents.read_pdf_locked"))
        count = len(reader.pages)
    except DocumentError:
        raise
    except Exception as error:  # pypdf raises many kinds (PdfReadError, KeyError, RecursionError…)
        raise _damaged("pdf") from error
    if count > MAX_PAGES:
        raise DocumentError(t("documents.read_pdf_too_big", pages=count, max=MAX_PAGES))
    return reader


def pdf_text(data: bytes) -> str:
    """The text of every page, pages separated by a blank line."""
    reader = _reader(data)
    try:
        return "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except Exception as error:  # a garbled content stream fails only when read
        raise _damaged("pdf") from error


def pdf_pages(data: bytes) -> list[tuple[float, float]]:
    """Each page's (width, height) in points; A4 is about (595.3, 841.9)."""
    reader = _reader(data)
    try:
        return [(float(page.mediabox.width), float(page.mediabox.height)) for page in reader.pages]
    except Exception as error:
        raise _damaged("pdf") from error


def pdf_metadata(data: bytes) -> dict[str, str]:
    """The document information as text, keys lower-case without the slash: author, title, creator…"""
    reader = _reader(data)
    try:
        info = reader.metadata or {}
        return {str(key).lstrip("/").lower(): str(value) for key, value in info.items()}
    except Exception as error:
        raise _damaged("pdf") from error


def _docx(data: bytes):
    """An open python-docx Document, opened only once the zip is known to be safe."""
    if not data:
        raise DocumentError(t("documents.read_empty"))
    from tremplin.widgets.documents import upload_guard

    try:
        upload_guard.check_zip(data)
        import docx

        return docx.Document(io.BytesIO(data))
    except DocumentError:
        raise
    except Exception as error:  # python-docx, lxml and zipfile each raise their own kinds
        raise _damaged("docx") from error


def _body_paragraphs(document) -> list[str]:
    """Body paragraphs in reading order, table cells included (an imported CV may use tables)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                for cell in row.cells:
                    lines += [paragraph.text for paragraph in cell.paragraphs]
    return lines


def docx_text(data: bytes) -> str:
    """The text of the body, one paragraph a line."""
    document = _docx(data)
    try:
        return "\n".join(_body_paragraphs(document))
    except Exception as error:
        raise _damaged("docx") from error


def docx_metadata(data: bytes) -> dict[str, str]:
    """The core properties as text: author, last_modified_by, title, subject, created…"""
    props = _docx(data).core_properties
    names = ("author", "last_modified_by", "title", "subject", "keywords", "comments", "category",
             "content_status", "identifier", "version", "created", "modified", "revision")
    try:
        values = {name: getattr(props, name) for name in names}
    except Exception as error:
        raise _damaged("docx") from error
    return {name: "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)
            for name, value in values.items()}


def document_text(source: bytes | str | Path, kind: str | None = None) -> str:
    """The text of a PDF or DOCX given as bytes or a path; the kind is found from the content."""
    data, suffix = _bytes(source)
    return pdf_text(data) if _kind(data, suffix, kind) == "pdf" else docx_text(data)


def normalise(text: str) -> str:
    """Text as a reader sees it: ligatures and odd spaces folded; bullet marks (pypdf reads reportlab's
    bullet as a control character), control characters and all spacing removed."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = "".join(char for char in text if char.isspace() or unicodedata.category(char) != "Cc")
    text = _BULLETS.sub("", text.replace("\t", " "))
    return "".join(text.split())


def same_text(a: str | bytes | Path, b: str | bytes | Path) -> bool:
    """True when two documents (texts, or PDF/DOCX bytes or paths) say the same thing."""
    texts = [value if isinstance(value, str) and not _looks_like_path(value) else document_text(value)
             for value in (a, b)]
    return normalise(texts[0]) == normalise(texts[1])


def _looks_like_path(value: str) -> bool:
    return "\n" not in value and value.lower().endswith((".pdf", ".docx")) and Path(value).is_file()
