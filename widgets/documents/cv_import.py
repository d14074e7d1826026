"""Pre-fill the CV editor from a CV the learner already has (an uploaded DOCX or PDF).

Many learners arrive with a CV made elsewhere; retyping it is a chore that discourages.
The file passes the upload guard first, its text is read back (read_back), then placed by
plain rules: section headings recognised by keywords (expérience, formation, compétences,
langues, centres d'intérêt / loisirs, profil), the first lines as name and headline, an
email and a French phone number found anywhere. The result goes through `cv_from_json`, so
the model's cleaning and limits apply. What could not be placed is said in French notes;
nothing here raises a library error (a refused file raises `DocumentError`, in French).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

from tremplin.widgets.documents.errors import DocumentError
from tremplin.widgets.documents.model import CV, cv_from_json
from tremplin.widgets.documents.upload_guard import check_upload
from tremplin.widgets.i18n import t
from tremplin.widgets.search_query import fold_text

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<!\d)(?:\+33\s?(?:\(0\)\s?)?|0)[1-9](?:[\s.\-]?\d{2}){4}(?!\d)")
_POSTCODE_TOWN = re.compile(r"\b\d{5}\s+([A-ZÀ-Ýa-zà-ÿ][\w\-' ]{1,40})$")
_TOWN = re.compile(r"[A-ZÀ-Ý][\w'\- ]{1,40}")
_LICENCE = re.compile(r"\bpermis\s+[A-Z0-9][\w ,/+-]{0,30}", re.IGNORECASE)
_BIRTH = re.compile(r"\bn[ée]e?\s+le\b|\bdate de naissance\b|^\d{2}\s*ans\.?$", re.IGNORECASE)
_DATE = r"(?:\d{1,2}[/.])?(?:19|20)\d{2}"
_END = rf"(?:{_DATE}|aujourd'hui|aujourd’hui|ce jour|en cours|présent|actuellement|now|present)"
_SPAN = re.compile(rf"(?:de\s+|depuis\s+)?({_DATE})(?:\s*(?:[-–—]|à|au|to)\s*({_END}))?", re.IGNORECASE)
_ONGOING = re.compile(r"aujourd.hui|ce jour|en cours|présent|actuellement|now|present", re.IGNORECASE)
#: A bullet mark as typed or as PDF text extraction gives it back (\x7f for WinAnsi's bullet,
#: private-use glyphs of Symbol and Wingdings fonts).
_BULLET = re.compile(r"^\s*[-–—•*·▪►>●o\x7f\ue000-\uf8ff]\s+")
_TITLE_SPLIT = re.compile(r"\s+[—–-]\s+|\s+chez\s+|\s+\|\s+|\s+@\s+")
_SEPARATORS = re.compile(r"\s*[|·•;,/]\s*|\s{3,}")
_ITEM_SPLIT = re.compile(r"\s*(?:[;•|·▪●]|\s[-–—]\s)\s*")
_LABEL_ONLY = re.compile(r"^[\W_]*(?:e-?mail|courriel|mail|t[ée]l(?:[ée]phone)?|portable|mobile|gsm)?[\W_]*$",
                         re.IGNORECASE)
#: Section keywords, compared without accents, case or punctuation (first match wins).
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("interests", ("centres d interet", "centre d interet", "loisirs", "interets", "activites extra")),
    ("experience", ("experience", "parcours professionnel", "emplois", "postes occupes")),
    ("training", ("formation", "diplome", "etudes", "scolarite", "parcours scolaire")),
    ("skills", ("competence", "savoir faire", "savoir etre", "atouts", "qualites", "aptitudes")),
    ("languages", ("langue",)),
    ("summary", ("profil", "a propos", "objectif", "accroche", "resume")),
    ("contact", ("contact", "coordonnees")),
)
HEADING_MAX = 40
ENTRY_SECTIONS = ("experience", "training")
LIST_SECTIONS = ("skills", "languages", "interests")


def _folded(line: str) -> str:
    """Lower case, no accents, punctuation as spaces: « Centres d'intérêt : » → "centres d interet"."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold_text(line)).split())


def section_of(line: str) -> str | None:
    """The section a heading line opens, or None for an ordinary line."""
    if len(line) > HEADING_MAX or EMAIL.search(line) or _BULLET.match(line):
        return None
    folded = _folded(line)
    for section, keywords in SECTIONS:
        if any(folded.startswith(word) for word in keywords):
            return section
    return None


def _split_title(text: str) -> dict[str, str]:
    """« Cariste — Transports Le Goff, Rennes » → title, organisation, place."""
    parts = _TITLE_SPLIT.split(text, maxsplit=1)
    title = parts[0]
    rest = parts[1] if len(parts) > 1 else ""
    organisation, _, place = rest.partition(",")
    return {"title": title.strip(" ,:"), "organisation": organisation.strip(), "place": place.strip()}


def _span(line: str) -> tuple[str, str, str] | None:
    """(start, end, the line without its dates) when the line carries a date or a span."""
    match = _SPAN.search(line)
    if not match:
        return None
    alone = match.group(2) is None and not match.group(0).lower().startswith("depuis")
    if alone and match.start() > 0 and match.end() < len(line.rstrip(" .)")):
        return None  # a lone number inside a sentence (« 2000 colis par jour ») is not a date
    start, end = match.group(1), match.group(2) or ""
    if _ONGOING.fullmatch(end) or (not end and match.group(0).lower().startswith("depuis")):
        end = ""  # still going on
    elif not end:
        start, end = "", start  # a single year: the diploma's or the job's year
    rest = (line[: match.start()] + " " + line[match.end():]).strip(" :,()–—-\t")
    return start, end, " ".join(rest.split())


def _entries(lines: list[str]) -> list[dict[str, str]]:
    """Experience or training lines grouped into entries: a title line, its dates, its bullets."""
    entries: list[dict[str, Any]] = []

    def new() -> dict[str, Any]:
        entries.append({"title": "", "organisation": "", "place": "", "start": "", "end": "", "details": [],
                        "dated": False})
        return entries[-1]

    for line in lines:
        current = entries[-1] if entries else None
        dated = _span(line)
        if _BULLET.match(line):
            (current or new())["details"].append(_BULLET.sub("", line))
        elif dated:
            start, end, rest = dated
            if current is None or current["dated"] or current["details"]:
                current = new()
            current.update(start=start, end=end, dated=True)
            if rest and not current["title"]:
                current.update(_split_title(rest))
            elif rest:
                current["details"].append(rest)
        elif current is not None and current["title"] and (len(line) > 60 or line.endswith(".")):
            current["details"].append(line)  # a sentence under an entry is one of its details
        elif current is None or (current["title"] and (current["dated"] or current["details"])):
            new().update(_split_title(line))
        elif not current["title"]:
            current.update(_split_title(line))
        else:
            current["details"].append(line)
    for entry in entries:
        entry["details"] = "\n".join(entry.pop("details"))
        del entry["dated"]
    return entries


def _items(lines: list[str]) -> list[str]:
    """List items: one per line or per separator; a line with « : » (Anglais : B1, lu) stays whole."""
    items = []
    for line in lines:
        line = _BULLET.sub("", line)
        pieces = [piece for piece in _ITEM_SPLIT.split(line) if piece.strip()]
        for piece in pieces:
            items.extend([piece] if ":" in piece else [p for p in piece.split(",") if p.strip()])
    return [item.strip(" .") for item in items if item.strip(" .")]


def _contact_piece(piece: str, contact: dict[str, str], left: list[str]) -> None:
    """One piece of a contact line (« 35000 Rennes », « Permis B », « Rennes »)."""
    licence, town = _LICENCE.search(piece), _POSTCODE_TOWN.search(piece)
    if _BIRTH.search(piece):
        contact["_birth"] = "1"
    elif licence and not contact.get("driving_licence"):
        contact["driving_licence"] = licence.group(0).strip(" ,")
    elif town and not contact.get("town"):
        contact["town"] = town.group(1).strip()
    elif not contact.get("town") and _TOWN.fullmatch(piece) and len(piece.split()) <= 4:
        contact["town"] = piece
    else:
        left.append(piece)


def _header(lines: list[str], contact: dict[str, str], left: list[str]) -> list[str]:
    """Fill name, headline, town and licence from the lines above the first heading; returns
    the sentences there (an accroche without a « Profil » heading); others go to `left`."""
    sentences = []
    for line in lines:
        on_contact_line = bool(EMAIL.search(line) or PHONE.search(line))
        rest = PHONE.sub(" ", EMAIL.sub(" ", line))
        if on_contact_line:  # « alice@… · 06 … · Rennes »: the pieces between separators
            for piece in _SEPARATORS.split(rest):
                piece = piece.strip(" :-–—")
                if piece and not _LABEL_ONLY.fullmatch(piece):
                    _contact_piece(piece, contact, left)
            continue
        rest = rest.strip(" |,;:-–—•·")
        if _BIRTH.search(rest) or _LICENCE.search(rest) or _POSTCODE_TOWN.search(rest):
            _contact_piece(rest, contact, left)
        elif not contact.get("full_name") and not re.search(r"\d", rest) and len(rest.split()) <= 5:
            contact["full_name"] = rest
        elif contact.get("full_name") and not contact.get("headline") and len(rest) <= 80 \
                and not rest.endswith("."):
            contact["headline"] = rest
        elif rest.endswith(".") or len(rest) > 80:
            sentences.append(rest)
        else:
            left.append(rest)
    return sentences


def cv_from_text(text: str) -> tuple[CV, list[str]]:
    """A CV from the plain text of a CV, and French notes on what is missing or unplaced."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return CV(), [t("uploads.import_no_text")]
    sections: dict[str, list[str]] = {"header": []}
    current = "header"
    for line in lines:
        section = section_of(line)
        if section:
            current = section
            sections.setdefault(section, [])
        else:
            sections[current].append(line)
    contact: dict[str, str] = {}
    left: list[str] = []
    sentences = _header(sections["header"] + sections.get("contact", []), contact, left)
    everything = "\n".join(lines)
    email, phone = EMAIL.search(everything), PHONE.search(everything)
    contact["email"] = email.group(0) if email else ""
    contact["phone"] = " ".join(phone.group(0).split()) if phone else ""
    data: dict[str, Any] = {
        "contact": {key: value for key, value in contact.items() if not key.startswith("_")},
        "summary": "\n".join(sections.get("summary") or sentences),
    }
    for section in ENTRY_SECTIONS:
        data[section] = _entries(sections.get(section, []))
    for section in LIST_SECTIONS:
        data[section] = _items(sections.get(section, []))
    return cv_from_json(data), _notes(sections, contact, left)


def _notes(sections: dict[str, list[str]], contact: dict[str, str], left: list[str]) -> list[str]:
    notes = [t("uploads.import_done")]
    if len(sections) == 1:
        notes.append(t("uploads.import_no_sections"))
    for key in ("full_name", "email", "phone"):
        if not contact.get(key):
            notes.append(t(f"uploads.import_no_{key}"))
    if contact.get("_birth"):
        notes.append(t("uploads.import_birth_left"))
    if left:
        example = left[0] if len(left[0]) <= 60 else left[0][:57] + "…"
        notes.append(t("uploads.import_unplaced", count=len(left), example=example))
    return notes


def _is_list_item(paragraph: Any) -> bool:
    """True for a Word bullet or numbered line: its mark lives in the numbering, not in the text."""
    if paragraph._p.xpath("./w:pPr/w:numPr"):
        return True
    style = paragraph.style
    while style is not None:
        if style.element.xpath("./w:pPr/w:numPr") or "list" in style.name.lower():
            return True
        style = style.base_style
    return False


def _paragraphs(document: Any) -> Iterator[Any]:
    """Body paragraphs in reading order, table cells row by row, a merged cell once."""
    from docx.table import Table

    for block in document.iter_inner_content():
        if not isinstance(block, Table):
            yield block
            continue
        seen = set()
        for row in block.rows:
            for cell in row.cells:
                if id(cell._tc) not in seen:
                    seen.add(id(cell._tc))
                    yield from cell.paragraphs


def _docx_lines(data: bytes, name: str) -> str:
    """The DOCX text with « • » before list items, so the bullets under an experience stay its
    details (Word keeps the mark in the numbering, not in the text). Opened only after the guard."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        lines = [("• " if p.text.strip() and _is_list_item(p) else "") + p.text
                 for p in _paragraphs(document)]
    except Exception as error:  # python-docx and lxml raise their own kinds on a damaged file
        raise DocumentError(t("uploads.docx_corrupted", name=name)) from error
    return "\n".join(lines)


def _text(data: bytes, name: str) -> str:
    from tremplin.widgets.documents.read_back import pdf_text

    return pdf_text(data) if name.lower().endswith(".pdf") else _docx_lines(data, name)


def import_cv(data: bytes, filename: str) -> tuple[CV, list[str]]:
    """Pre-fill a CV from an uploaded DOCX or PDF; French notes say what to check or complete.

    A refused or unreadable file raises `DocumentError` (French); a file without text (a
    scanned CV, an empty document) gives an empty CV and a note, never an exception.
    """
    name = check_upload(filename, data, allowed=(".pdf", ".docx"))
    text = _text(data, name)
    if not text.strip():
        return CV(), [t("uploads.import_no_text")]
    return cv_from_text(text)
