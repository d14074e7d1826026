"""« Imprimer mon dossier »: the chosen PDFs (CV then letter) merged into one A4 file to print.

A print shop or a library printer takes one file; a learner should not have to print two
and guess the paper size. Every input passes the upload guard (a damaged PDF stops
everything before a byte is written), every page ends up A4 portrait (a US-letter or
other page is scaled to fit and centred, never cropped), the file is written atomically
under « Mes documents » and `files.print_pack {files, path, pages}` is recorded. The
output carries neutral metadata only (title, "Tremplin"), never the inputs' authors.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from tremplin.widgets.documents.errors import DocumentError
from tremplin.widgets.documents.export import target_folder
from tremplin.widgets.documents.model import write_atomic
from tremplin.widgets.documents.upload_guard import check_upload, safe_name
from tremplin.widgets.i18n import t

A4 = (595.28, 841.89)
#: A page within this many points of A4 is kept as it is.
TOLERANCE = 1.0
MAX_INPUT_BYTES = 50 * 1024 * 1024
MAX_FILES = 10
DEFAULT_NAME = "Dossier_a_imprimer.pdf"


def _read_inputs(root: Path, files: list[str]) -> list[tuple[str, bytes]]:
    """(path inside documents/, bytes) of each chosen PDF, each checked by the upload guard."""
    if not files:
        raise DocumentError(t("uploads.print_nothing"))
    if len(files) > MAX_FILES:
        raise DocumentError(t("uploads.print_too_many", max=MAX_FILES))
    inputs = []
    for relative in files:
        path = target_folder(root, relative)
        if path.suffix.lower() != ".pdf" or not path.is_file():
            raise DocumentError(t("uploads.print_not_pdf", name=Path(str(relative)).name))
        try:
            data = path.read_bytes()
        except OSError as error:
            raise DocumentError(t("uploads.print_not_pdf", name=path.name)) from error
        try:
            check_upload(path.name, data, allowed=(".pdf",), max_bytes=MAX_INPUT_BYTES)
        except DocumentError as error:
            raise DocumentError(t("uploads.print_damaged", name=path.name)) from error
        inputs.append((path.resolve().relative_to(root.resolve()).as_posix(), data))
    return inputs


def _add_as_a4(writer: Any, source: Any) -> None:
    """Append `source` to `writer` as an A4 portrait page: kept if it is A4, else scaled and centred."""
    from pypdf import Transformation
    from pypdf.generic import RectangleObject

    page = writer.add_page(source)
    if page.rotation:
        page.transfer_rotation_to_content()
    box = page.mediabox
    left, bottom, width, height = float(box.left), float(box.bottom), float(box.width), float(box.height)
    if abs(width - A4[0]) <= TOLERANCE and abs(height - A4[1]) <= TOLERANCE and not (left or bottom):
        return
    scale = min(A4[0] / width, A4[1] / height)
    move_x = (A4[0] - width * scale) / 2 - left * scale
    move_y = (A4[1] - height * scale) / 2 - bottom * scale
    page.add_transformation(Transformation().scale(scale, scale).translate(move_x, move_y))
    sheet = RectangleObject((0, 0, *A4))
    page.mediabox = sheet
    for name in ("/CropBox", "/BleedBox", "/TrimBox", "/ArtBox"):
        if name in page:
            page[name] = RectangleObject((0, 0, *A4))


def merge_a4(documents: list[bytes], title: str = "") -> tuple[bytes, int]:
    """One A4 PDF of `documents` in order, and its page count; DocumentError if one is unreadable."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    try:
        for data in documents:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                reader.decrypt("")
            for page in reader.pages:
                _add_as_a4(writer, page)
        writer.add_metadata({"/Title": title, "/Creator": "Tremplin", "/Producer": "Tremplin"})
        out = io.BytesIO()
        writer.write(out)
    except Exception as error:  # pypdf raises many kinds on a page it cannot rebuild
        raise DocumentError(t("uploads.print_failed")) from error
    return out.getvalue(), len(writer.pages)


def _write_free(folder: Path, name: str, content: bytes) -> Path:
    """Write <folder>/<name>, or « name (2).pdf », « (3) »… if taken: a learner's file is never replaced."""
    stem, suffix = Path(name).stem, Path(name).suffix
    for number in range(1, 1000):
        path = folder / (name if number == 1 else f"{stem} ({number}){suffix}")
        if path.exists():
            continue
        try:
            write_atomic(path, content, replace=False)
        except FileExistsError:  # taken between the check and the write: try the next number
            continue
        return path
    raise DocumentError(t("uploads.print_failed"))


def _output_name(name: str) -> str:
    """The learner's name for the file, cleaned by the upload guard's rules, ending in .pdf."""
    name = safe_name(name or DEFAULT_NAME)
    return name if name.lower().endswith(".pdf") else f"{name}.pdf"


def print_pack(workspace: Any, files: list[str], name: str = DEFAULT_NAME, folder: str = "",
               replace: bool = False, journal: Any = None) -> Path:
    """Merge the PDFs `files` (paths inside « Mes documents », CV first) into documents/<folder>/<name>.

    Nothing is written unless every input is a readable PDF. A taken name gets « (2) »
    unless `replace` (then the old file is swapped atomically). Records `files.print_pack`
    through `journal` (anything with `.record(kind, data)`), else the workspace.
    """
    root = Path(workspace.documents_dir)
    inputs = _read_inputs(root, list(files))
    file_name = _output_name(name)
    destination = target_folder(root, folder)
    content, pages = merge_a4([data for _path, data in inputs], title=Path(file_name).stem)
    try:
        if replace and not (destination / file_name).is_dir():
            path = destination / file_name
            write_atomic(path, content)
        else:
            path = _write_free(destination, file_name, content)
    except OSError as error:
        raise DocumentError(t("uploads.print_failed")) from error
    relative = path.relative_to(root).as_posix()
    (journal or workspace).record("files.print_pack", {
        "files": [path for path, _data in inputs], "path": relative, "pages": pages,
    })
    return path
