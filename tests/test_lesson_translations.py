"""The kiosk's lesson and épreuve pages carry their English text, as the language switch expects.

The contract with the page display: after each French markdown cell comes one markdown cell
tagged `lang-en` with its English version, and `metadata.tremplin.title_en` is the English title.
In an English cell, « … » marks French as the learner meets it in the simulated world (words to
type in a French search, French email formulas), `code` marks addresses and file names: both stay
French, everything else must be English, and a widget label must be the English widget's.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from tremplin.grading.epreuve_builder import kiosk_page_path, render_kiosk_page
from tremplin.grading.epreuve_texts_en import STATEMENTS_EN, TITLES_EN
from tremplin.grading.epreuves import EPREUVES
from tremplin.widgets.i18n import catalogue

from tremplin import NOTEBOOKS_DIR

PAGES = sorted((Path(NOTEBOOKS_DIR) / "lecons").glob("*.ipynb")) + sorted(
    (Path(NOTEBOOKS_DIR) / "epreuves").glob("*.ipynb")
)
LANG_EN = "lang-en"

#: Common French words that English prose never needs.
FRENCH_WORDS = frozenset(
    "vous votre vos les des une est avec dans pour sur puis pas nous cliquez leçon offres "
    "aux du au ces cette qui que quand mais très".split()
)


def _page_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def _is_english(cell: dict) -> bool:
    return LANG_EN in cell.get("metadata", {}).get("tags", [])


def _pairs(path: Path) -> list[tuple[str, str]]:
    """(French source, English source) of each French markdown cell of the page."""
    cells = nbformat.read(path, as_version=4).cells
    pairs = []
    for index, cell in enumerate(cells):
        if cell.cell_type == "markdown" and not _is_english(cell):
            following = cells[index + 1] if index + 1 < len(cells) else None
            english = following.source if following is not None and _is_english(following) else ""
            pairs.append((cell.source, english))
    return pairs


def _all_pairs() -> list[tuple[str, str, str]]:
    """Every (page, French, English) text: the pages' markdown cells and the épreuves' statements
    (shown at run time by `show_statement`, in the page's language)."""
    cells = [(_page_id(path), fr, en) for path in PAGES for fr, en in _pairs(path)]
    statements = [(f"statement/{e}", EPREUVES[e]["statement"], STATEMENTS_EN.get(e, "")) for e in EPREUVES]
    return cells + statements


def _shape(text: str) -> tuple[list[int], int, int]:
    """Heading levels, list items and bold spans: what a translation keeps of its French cell."""
    lines = text.splitlines()
    headings = [len(m[1]) for line in lines if (m := re.match(r"(#+) ", line))]
    items = sum(1 for line in lines if re.match(r"\s*(?:[-*+]|\d+\.) ", line))
    return headings, items, text.count("**") // 2


def _english_prose(text: str) -> str:
    """`text` without what stays French on purpose: « quoted » French and `code`."""
    return re.sub(r"«[^«»]*»|`[^`]*`", " ", text)


def _french_words(text: str) -> set[str]:
    return {word for word in re.findall(r"[a-zàâçéèêëîïôûùüÿœ]+", text.lower()) if word in FRENCH_WORDS}


def _labels() -> dict[str, set[str]]:
    """French widget label → its English versions (one French label may serve several keys)."""
    french, english = catalogue("fr"), catalogue("en")
    labels: dict[str, set[str]] = {}
    for key, text in french.items():
        if key in english and english[key] != text:
            labels.setdefault(text.strip(), set()).add(english[key].strip().rstrip(",:").strip())
    return labels


def test_there_are_lessons_and_epreuve_pages() -> None:
    assert len([p for p in PAGES if p.parent.name == "lecons"]) == 17
    assert {p.stem for p in PAGES if p.parent.name == "epreuves"} == set(EPREUVES)


@pytest.mark.parametrize("path", PAGES, ids=_page_id)
def test_every_page_has_an_english_title(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    meta = notebook.metadata["tremplin"]
    assert meta["title_en"].strip() and meta["title_en"] != meta.get("title")
    assert not _french_words(meta["title_en"]), meta["title_en"]


@pytest.mark.parametrize("path", PAGES, ids=_page_id)
def test_each_french_markdown_cell_is_followed_by_one_english_cell(path: Path) -> None:
    cells = nbformat.read(path, as_version=4).cells
    for index, cell in enumerate(cells):
        if _is_english(cell):
            assert cell.cell_type == "markdown", f"{path.name}: a lang-en cell must be markdown"
            before = cells[index - 1] if index else None
            assert before is not None and before.cell_type == "markdown" and not _is_english(before), (
                f"{path.name}: cell {index} is English but follows no French markdown cell"
            )
        elif cell.cell_type == "markdown":
            after = cells[index + 1] if index + 1 < len(cells) else None
            assert after is not None and _is_english(after), f"{path.name}: cell {index} has no English cell"
            assert after.source.strip() and after.source != cell.source


def test_english_cells_keep_the_french_structure() -> None:
    for page, french, english in _all_pairs():
        assert _shape(english) == _shape(french), f"{page}: {english[:60]!r}"


def test_english_cells_hold_no_common_french_words() -> None:
    for page, _, english in _all_pairs():
        assert not _french_words(_english_prose(english)), f"{page}: {english[:60]!r}"


def test_english_cells_name_the_buttons_as_the_english_widgets_do() -> None:
    labels = _labels()
    for page, french, english in _all_pairs():
        for quoted in re.findall(r"« \**([^«»*]+?)\** »", french):
            if quoted in labels:
                assert any(label in english for label in labels[quoted]), f"{page}: « {quoted} »"


def test_the_epreuve_pages_are_what_the_builder_makes() -> None:
    assert set(TITLES_EN) == set(EPREUVES) == set(STATEMENTS_EN)
    for epreuve in EPREUVES:
        committed = kiosk_page_path(epreuve).read_text(encoding="utf-8")
        assert committed == render_kiosk_page(epreuve), f"{epreuve}: stale page"
