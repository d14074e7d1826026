"""The gate every uploaded file passes before it touches the workspace or a library parser.

A learner's upload may be anything: an executable renamed `cv.pdf`, a truncated PDF, a zip
bomb dressed as a DOCX, a name that climbs out of the folder. `check_upload` refuses those
with a French `DocumentError` naming the file (the message holds the name as text: widgets
HTML-escape the whole message when they show it, as they do for every error) and returns a
safe file name for the rest. Name policy:

- refused: a name containing `/`, `\\` or `..` (a path, not a file name: never sent by a
  browser for a plain file), an empty name, a name with no stem once cleaned;
- cleaned: control and invisible format characters (e.g. the right-to-left override that
  disguises `cv‮fdp.exe`) removed, Unicode NFC, leading dots and spaces stripped (no hidden
  files), characters a USB key (FAT) refuses `:*?"<>|` replaced by `_`, trailing dots and
  spaces stripped, and a name longer than `MAX_NAME` characters shortened, keeping its extension.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

from tremplin.widgets.documents.errors import DocumentError
from tremplin.widgets.i18n import number, t

ALLOWED = (".pdf", ".docx", ".png", ".jpg", ".jpeg")
MAX_BYTES = 5 * 1024 * 1024
MAX_NAME = 120
#: Zip limits for a DOCX: what a real CV never reaches, what a bomb always does.
ZIP_MAX_TOTAL = 50 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_MAX_MEMBERS = 1000
#: A photo larger than this (pixels) is refused before any library decodes it.
IMAGE_MAX_PIXELS = 40_000_000
_EXECUTABLES = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe")
_MAGIC = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
_FAT_FORBIDDEN = re.compile(r'[:*?"<>|]')


def _shown(filename: str) -> str:
    """The name as quoted in a message: no control characters, not endlessly long."""
    visible = "".join(c for c in str(filename) if unicodedata.category(c) not in ("Cc", "Cf"))
    return visible if len(visible) <= 60 else visible[:57] + "…"


def _refuse(key: str, filename: str, **values: object) -> DocumentError:
    return DocumentError(t(f"uploads.{key}", name=_shown(filename), **values))


def safe_name(filename: str) -> str:
    """The cleaned file name (see the module docstring), or `DocumentError` if it is a path."""
    raw = str(filename or "")
    if "/" in raw or "\\" in raw or ".." in raw:
        raise _refuse("name_path", raw)
    name = unicodedata.normalize("NFC", raw)
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp"))
    name = _FAT_FORBIDDEN.sub("_", name).lstrip(". ").rstrip(". ")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if not stem.strip():
        raise _refuse("name_empty", raw)
    if len(name) > MAX_NAME:
        ext = ext[:10]
        stem = stem[: MAX_NAME - len(ext) - 1].rstrip(". ")
        name = f"{stem}.{ext}" if ext else stem
    return name


def check_zip(data: bytes, filename: str = "document.docx") -> None:
    """Refuse a zip that would blow up when opened: too many members, too big, odd names."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            NotImplementedError) as error:
        raise _refuse("docx_corrupted", filename) from error
    if len(members) > ZIP_MAX_MEMBERS:
        raise _refuse("zip_bomb", filename)
    total = 0
    for member in members:
        parts = member.filename.replace("\\", "/").split("/")
        if member.filename.startswith("/") or ".." in parts or ":" in parts[0]:
            raise _refuse("zip_names", filename)
        total += max(member.file_size, 0)
    if total > ZIP_MAX_TOTAL or total > ZIP_MAX_RATIO * max(len(data), 1):
        raise _refuse("zip_bomb", filename)


def _check_pdf(data: bytes, filename: str) -> None:
    from pypdf import PdfReader

    if b"%%EOF" not in data[-2048:]:  # a truncated download or copy loses its end marker
        raise _refuse("pdf_corrupted", filename)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise _refuse("pdf_encrypted", filename)
        if len(reader.pages) == 0:
            raise _refuse("pdf_corrupted", filename)
        for page in reader.pages:  # decoding every content stream finds garbled pages
            contents = page.get_contents()
            _ = page.mediabox.width, contents.get_data() if contents is not None else b""
    except DocumentError:
        raise
    except Exception as error:  # pypdf raises many kinds (PyPdfError, KeyError, ValueError…)
        raise _refuse("pdf_corrupted", filename) from error


def _check_docx(data: bytes, filename: str) -> None:
    check_zip(data, filename)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise _refuse("docx_corrupted", filename)
    try:
        import docx

        docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx, lxml and zipfile all raise their own kinds
        raise _refuse("docx_corrupted", filename) from error


def _check_image(data: bytes, filename: str, ext: str) -> None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
            if width * height > IMAGE_MAX_PIXELS:
                raise _refuse("image_too_big", filename)
            image.verify()
    except DocumentError:
        raise
    except Exception as error:  # Pillow raises OSError, SyntaxError, DecompressionBombError…
        raise _refuse("image_corrupted", filename) from error
    if kind != ("PNG" if ext == ".png" else "JPEG") or width < 1 or height < 1:
        raise _refuse("image_corrupted", filename)


def check_upload(
    filename: str, data: bytes, allowed: tuple[str, ...] = ALLOWED, max_bytes: int = MAX_BYTES
) -> str:
    """The safe name of an acceptable upload; `DocumentError` (French, names the file) otherwise."""
    name = safe_name(filename)
    ext = ("." + name.rpartition(".")[2].lower()) if "." in name else ""
    if ext not in allowed or ext not in _MAGIC:
        raise _refuse("extension", filename, allowed=", ".join(allowed))
    if not data:
        raise _refuse("empty", filename)
    if len(data) > max_bytes:
        raise _refuse("too_big", filename, max_mb=number(max_bytes / (1024 * 1024)))
    if data.startswith(_EXECUTABLES):
        raise _refuse("executable", filename)
    if not data.startswith(_MAGIC[ext]):
        raise _refuse("mismatch", filename, ext=ext)
    if ext == ".pdf":
        _check_pdf(data, filename)
    elif ext == ".docx":
        _check_docx(data, filename)
    else:
        _check_image(data, filename, ext)
    return name
