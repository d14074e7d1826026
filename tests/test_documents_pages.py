"""The document pages without a kernel: what each lesson and épreuve shows, the letter's offers,
the files an épreuve plants, the six lesson notebooks, and `tremplin check` flagging a NIR or an
IBAN anywhere in the learner's documents or sent mail."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tremplin.grading.documents_pages import (
    EPREUVES,
    LESSONS,
    TOOLS,
    build_documents_activity,
    show_documents_epreuve,
    show_documents_lesson,
)
from tremplin.widgets.documents.model import CV, Contact
from tremplin.widgets.shortlist import add_offer
from tremplin.widgets.workspace import Workspace

from tremplin import NOTEBOOKS_DIR

NOTEBOOKS = [p for p in sorted((Path(NOTEBOOKS_DIR) / "lecons").glob("[0-9][0-9]-*.ipynb"))
             if 12 <= int(p.name[:2]) <= 17]
LOCALES = Path(__file__).parents[1] / "widgets" / "locales" / "fr"
NIR = "2 84 12 76 451 089 93"  # a NIR whose key is right: 97 - (2841276451089 mod 97)


@pytest.fixture
def workspace(root: Path, world) -> Workspace:
    return Workspace.create(root / "learners" / "soizic", "Soizic",
                            world={"seed": world.manifest.seed, "offers": world.manifest.offers})


def page(workspace: Workspace, root: Path, world, activity: str, **options):
    return build_documents_activity(workspace, data_root=root, world=world, activity=activity, **options)


@pytest.mark.parametrize("activity", [*LESSONS, *EPREUVES])
def test_each_page_shows_its_mission_and_tools(workspace, root, world, activity) -> None:
    built = page(workspace, root, world, activity, with_panel=activity in LESSONS)
    assert "Votre mission" in built.widget.children[0].value
    made = {"cv": built.cv_editor, "letter": built.letter_editor, "files": built.files}
    assert {name for name, tool in made.items() if tool is not None} == set(TOOLS[activity])
    assert (built.panel is not None) == (activity in LESSONS)
    if built.panel:
        assert built.panel.refresh()  # each lesson has checks, and an untouched page fails them gently


def test_the_mission_names_the_offer_escaped(workspace, root, world) -> None:
    built = page(workspace, root, world, "lettre-adaptee")
    mission = built.widget.children[0].value
    assert html.escape(built.scenario.offer.employer) in mission
    assert built.scenario.offer.reference in mission


def test_the_letter_offers_the_missions_offers_then_the_shortlist(workspace, root, world) -> None:
    saved = next(o for o in world.offers() if o["id"] not in (
        page(workspace, root, world, "lettre-adaptee").scenario.offer.offer_id,))
    add_offer(workspace, saved["id"], saved["title"])
    built = page(workspace, root, world, "lettre-adaptee")
    offered = list(built.letter_editor.offers)
    assert offered[:2] == [built.scenario.offer.offer_id, built.scenario.second_offer.offer_id]
    assert saved["id"] in offered
    built.letter_editor.choose(built.scenario.offer.offer_id)
    letter = built.letter_editor.document()
    assert letter.recipient == built.scenario.offer.employer
    assert built.scenario.offer.reference in letter.subject
    assert (letter.you, letter.me, letter.us) == ("", "", "")  # the learner writes them


def test_the_files_epreuve_plants_the_file_to_find_once(workspace, root, world) -> None:
    first = page(workspace, root, world, "ranger-sauvegarder-imprimer")
    target = Path(workspace.documents_dir) / first.scenario.find_path
    assert target.read_bytes().startswith(b"%PDF")
    assert any("role=\"status\"" in getattr(w, "value", "") for w in first.widget.children[1:2])
    target.write_bytes(b"%PDF-1.4 the learner's own version")
    again = page(workspace, root, world, "ranger-sauvegarder-imprimer")
    assert target.read_bytes() == b"%PDF-1.4 the learner's own version"  # never planted over
    assert not any("role=\"status\"" in getattr(w, "value", "") for w in again.widget.children[1:2])


def test_the_pages_show_through_the_visit(workspace, root, world, shown, monkeypatch) -> None:
    monkeypatch.setenv("TREMPLIN_WORKSPACE", str(workspace.root))
    monkeypatch.setenv("TREMPLIN_DATA", str(root))
    show_documents_lesson("lecon-cv-lisible")
    show_documents_epreuve("construire-son-cv")
    lesson, statement, epreuve = shown
    assert "Votre mission" in lesson.children[0].value
    assert "Rendre mon épreuve" in statement.data
    assert "Rendre mon épreuve" in epreuve.children[-1].children[0].value  # the hand-in comes last


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_each_lesson_notebook_waits_then_shows_its_page(path: Path) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert len(code) == 2 and code[0]["metadata"]["tags"] == ["tremplin-wait-for-visitor"]
    activity = re.fullmatch(r'show_documents_lesson\("([a-z-]+)"\)', "".join(code[-1]["source"]).strip())[1]
    assert activity in LESSONS and notebook["metadata"]["tremplin"]["title"]
    text = "".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
    assert "Vérifier" in text
    labels = set()
    for name in ("editors", "files"):
        labels |= set(json.loads((LOCALES / f"{name}.json").read_text(encoding="utf-8")).values())
    for quoted in re.findall(r"« ([^«»]+?) »", text):  # a button a lesson names is a button the page has
        if quoted.split()[0] in ("Exporter", "Copier", "Imprimer", "Télécharger", "Enregistrer", "Renommer",
                                 "Déplacer", "Nouveau", "Retrouver", "Supprimer", "Restaurer", "Importer"):
            assert quoted in labels, quoted


def test_the_six_lessons_are_there() -> None:
    found = {"".join(json.loads(p.read_text(encoding="utf-8"))["cells"][-1]["source"]).split('"')[1]
             for p in NOTEBOOKS}
    assert found == set(LESSONS)


def tremplin_check(workspace: Path, root: Path) -> dict:
    done = subprocess.run([sys.executable, "-m", "tremplin", "check", "--workspace", str(workspace),
                           "--data", str(root), "--json"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return {item["id"]: item for item in json.loads(done.stdout)["checks"]}


def test_check_flags_a_nir_in_any_document_as_a_critical_s1_failure(workspace, root, world) -> None:
    from tremplin.widgets.documents.export import export

    clean = tremplin_check(workspace.root, root)["s1-documents-et-courriels-sans-donnee-sensible"]
    assert clean["passed"] and clean["critical"] and clean["competences"] == ["S1"]
    cv = CV(contact=Contact(full_name="Soizic Le Bihan"), summary=f"Sécurité sociale : {NIR}")
    (Path(workspace.documents_dir) / "Vieux").mkdir()
    export(workspace, "cv", cv, "docx", folder="Vieux", name="brouillon.docx")
    found = tremplin_check(workspace.root, root)["s1-documents-et-courriels-sans-donnee-sensible"]
    assert not found["passed"] and found["points"] == 0
    assert "brouillon.docx" in found["feedback"] and NIR not in found["feedback"]  # shown masked


def test_check_flags_an_iban_in_a_sent_message(workspace, root) -> None:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "soizic@courriel.example", "rh@x.example", "RIB"
    message.set_content("Bonjour, voici mon IBAN : FR76 3000 6000 0112 3456 7890 189. Cordialement")
    workspace.mailbox().get_folder("Sent").add(message)
    found = tremplin_check(workspace.root, root)["s1-documents-et-courriels-sans-donnee-sensible"]
    assert not found["passed"] and found["critical"]
    assert "RIB" in found["feedback"] and "3456 7890" not in found["feedback"]


def test_preload_opens_the_world_only_and_says_nothing_on_a_broken_folder(tmp_path: Path, data_root) -> None:
    from tremplin.grading.documents_pages import preload
    from tremplin.grading.page_support import open_engine

    preload(tmp_path / "vide")
    before = open_engine.cache_info().misses
    preload(data_root)
    assert open_engine.cache_info().misses == before  # no search index in a document page's kernel
