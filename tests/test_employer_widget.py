"""The « Annuaire des entreprises » widget on the real session world: search, view, note, compare."""

from __future__ import annotations

import html
from pathlib import Path

from tremplin.widgets.activity import ActivityJournal
from tremplin.widgets.employer_directory import matches
from tremplin.widgets.employer_widget import EmployerWidget
from tremplin.widgets.workspace import Workspace

LESSON = "lecon-employeur"


def _widget(world, tmp_path: Path) -> tuple[EmployerWidget, Workspace]:
    workspace = Workspace.create(
        tmp_path / "ws", "Test Annuaire", world={"seed": world.manifest.seed, "offers": world.manifest.offers}
    )
    return EmployerWidget(world.employers, ActivityJournal(workspace, LESSON)), workspace


def test_search_is_tolerant_of_case_accents_and_a_slip() -> None:
    assert matches("boulangerie le gall", "Boulangerie Le Gall")
    assert matches("BOULANGERIE  LÉ GALL", "Boulangerie Le Gall")
    assert matches("boulangeri le gall", "Boulangerie Le Gall")
    assert not matches("", "Boulangerie Le Gall")
    assert not matches("garage", "Boulangerie Le Gall")


def test_search_view_note_are_journal_events(world, tmp_path: Path) -> None:
    widget, workspace = _widget(world, tmp_path)
    employer = next(iter(world.employers()))
    found = widget.search(employer["name"].upper())
    assert employer["id"] in [e["id"] for e in found]
    assert widget.view(employer["id"]) == employer
    assert employer["email"] in widget.page.value
    widget.note(employer["name"], "1 rue X", employer["email"], employer["phone"])
    kinds = [(e.kind, e.data) for e in workspace.events(prefix="employer.")]
    assert [k for k, _ in kinds] == ["employer.search", "employer.view", "employer.note"]
    assert all(d["context"] == LESSON for _, d in kinds)
    assert kinds[2][1]["employer_id"] == employer["id"] and kinds[2][1]["email"] == employer["email"]


def test_hostile_input_never_raises_and_is_escaped(world, tmp_path: Path) -> None:
    widget, workspace = _widget(world, tmp_path)
    hostile = "<script>alert(1)</script>\x00\x07" + "x" * 10_000
    assert widget.search(hostile) == []
    assert widget.view(hostile) is None
    data = widget.note(hostile, hostile, hostile, None)
    assert len(data["name"]) <= 300 and "\x00" not in data["name"]
    assert "<script>" not in widget.status.value
    assert widget.note("", "", "", "") and not workspace.events(kind="employer.note")[1:]


def test_compare_tells_the_directory_address_from_others(world, tmp_path: Path) -> None:
    widget, _ = _widget(world, tmp_path)
    employer = next(iter(world.employers()))
    local, _, site = employer["email"].partition("@")
    assert widget.compare(employer["id"], employer["email"].upper()) == "same"
    assert widget.compare(employer["id"], f"ancien.{local}@{site}") == "domain"
    assert widget.compare(employer["id"], "recrutement.rapide@gmail.example") == "other"
    assert widget.compare("EMP-99999", "<b>x</b>") == "other"


def test_check_address_compares_with_the_open_page_only(world, tmp_path: Path) -> None:
    widget, workspace = _widget(world, tmp_path)
    employer = next(iter(world.employers()))
    assert widget.check_address(employer["email"]) is None and "Ouvrez d'abord" in _said(widget)
    widget.view(employer["id"])
    assert widget.check_address("  \x00 ") is None and "Recopiez d'abord" in _said(widget)
    widget.other_address.value = employer["email"].upper()
    widget.compare_button.click()
    assert "bien celle de l'annuaire" in _said(widget)
    assert widget.check_address("<b>x</b>@autre.example") == "other" and "<b>" not in widget.status.value
    compares = workspace.events(kind="employer.compare")
    assert [e.data["verdict"] for e in compares] == ["same", "other"]


def test_a_search_finds_both_homonyms_with_their_communes(world, tmp_path: Path) -> None:
    widget, _ = _widget(world, tmp_path)
    lookalike = next(e for e in world.employers() if e["homonym_of"])
    original = world.employer(lookalike["homonym_of"])
    found = {e["id"] for e in widget.search(original["name"])}
    assert {original["id"], lookalike["id"]} <= found
    shown = " ".join(row.children[0].value for row in widget.results_box.children)
    assert original["address"]["commune"] in html.unescape(shown)
    assert lookalike["address"]["commune"] in html.unescape(shown)


def _said(widget: EmployerWidget) -> str:
    return html.unescape(widget.status.value)
