"""The file manager backend on a real workspace: paths stay inside their place, nothing is
overwritten, copies to the USB key are verified, the trash survives a damaged index."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from tremplin.widgets import files_store
from tremplin.widgets.activity import ActivityJournal
from tremplin.widgets.files_store import FilesError, FilesStore


def pdf_bytes(text: str = "Camille MARTIN — CV", size: tuple[float, float] = A4) -> bytes:
    """A real one-page PDF, byte-identical for the same text (reportlab's invariant mode)."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=size, invariant=1)
    page.drawString(72, 760, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path under `folder` with its bytes (None for a folder), to prove nothing changed."""
    return {
        str(path.relative_to(folder)): (None if path.is_dir() else path.read_bytes())
        for path in sorted(folder.rglob("*"))
    }


@pytest.fixture
def store(learner_workspace) -> FilesStore:
    docs = learner_workspace.documents_dir
    (docs / "cv.pdf").write_bytes(pdf_bytes())
    (docs / "notes").mkdir()
    (docs / "notes" / "lettre.pdf").write_bytes(pdf_bytes("Lettre"))
    return FilesStore(learner_workspace, ActivityJournal(learner_workspace, "ranger-sauvegarder-imprimer"))


def events(workspace, kind: str) -> list[dict]:
    return [event.data for event in workspace.events(kind=kind)]


def test_places_are_made_and_listed_folders_first(store, learner_workspace):
    assert store.list("usb") == []
    assert store.place_root("usb") == learner_workspace.usb_dir.resolve()
    assert store.trash_dir == learner_workspace.trash_dir.resolve()
    (learner_workspace.documents_dir / ".cache").write_text("hidden")
    items = store.list("documents")
    assert [(item.name, item.is_dir) for item in items] == [("notes", True), ("cv.pdf", False)]
    assert items[1].size == len(pdf_bytes()) and items[1].path == "cv.pdf"
    assert store.list("documents", "notes")[0].path == "notes/lettre.pdf"
    assert store.tree("documents") == ["", "notes"]


@pytest.mark.parametrize("path", ["../profile.json", "notes/../../profile.json", "/etc/passwd",
                                  "C:/Windows", "notes\\lettre.pdf", ".hidden", "notes/.x",
                                  "cv\x00.pdf", "cv\n.pdf", "cv\u202efdp.pdf"])
def test_escaping_or_odd_paths_are_refused_in_french(store, learner_workspace, path):
    root = Path(learner_workspace.root)
    before = snapshot(root)
    for action in (lambda: store.list("documents", path), lambda: store.read_bytes("documents", path),
                   lambda: store.delete("documents", path), lambda: store.rename("documents", path, "x.pdf"),
                   lambda: store.move("documents", path, ""), lambda: store.copy_to_usb(path),
                   lambda: store.move("documents", "cv.pdf", path)):
        with pytest.raises(FilesError) as caught:
            action()
        assert caught.value.args[0] and "Traceback" not in str(caught.value)
    assert snapshot(root) == before


def test_a_symlink_pointing_outside_is_refused(store, learner_workspace, tmp_path):
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "passwords.txt").write_text("top secret")
    (learner_workspace.documents_dir / "raccourci").symlink_to(secret, target_is_directory=True)
    (learner_workspace.documents_dir / "lien.pdf").symlink_to(secret / "passwords.txt")
    assert "raccourci" not in [item.name for item in store.list("documents")]
    for path in ("raccourci/passwords.txt", "lien.pdf"):
        with pytest.raises(FilesError, match="raccourci"):
            store.read_bytes("documents", path)
    with pytest.raises(FilesError):
        store.delete("documents", "raccourci")
    with pytest.raises(FilesError):
        store.move("documents", "cv.pdf", "raccourci")
    assert (secret / "passwords.txt").read_text() == "top secret"
    assert sorted(p.name for p in secret.iterdir()) == ["passwords.txt"]


@pytest.mark.parametrize("name", ["a/b", "..", ".cache", "bad\x07name", "", "   ", "x" * 121, "a:b", "fin."])
def test_bad_new_names_are_refused(store, learner_workspace, name):
    before = snapshot(learner_workspace.documents_dir)
    with pytest.raises(FilesError):
        store.mkdir("documents", name)
    with pytest.raises(FilesError):
        store.rename("documents", "cv.pdf", name)
    assert snapshot(learner_workspace.documents_dir) == before


def test_mkdir_rename_move_never_overwrite_and_are_recorded(store, learner_workspace):
    docs = learner_workspace.documents_dir
    assert store.mkdir("documents", "Candidatures") == "Candidatures"
    with pytest.raises(FilesError, match="déjà pris"):
        store.mkdir("documents", "Candidatures")
    (docs / "autre.pdf").write_bytes(b"%PDF-1.4 other")
    with pytest.raises(FilesError, match="autre.pdf"):
        store.rename("documents", "cv.pdf", "autre.pdf")
    assert store.rename("documents", "cv.pdf", "MARTIN_Camille_CV") == "MARTIN_Camille_CV.pdf"
    moved = store.move("documents", "MARTIN_Camille_CV.pdf", "Candidatures")
    assert moved == "Candidatures/MARTIN_Camille_CV.pdf"
    (docs / "autre.pdf").rename(docs / "MARTIN_Camille_CV.pdf")
    with pytest.raises(FilesError, match="déjà"):
        store.move("documents", "MARTIN_Camille_CV.pdf", "Candidatures")
    assert (docs / "MARTIN_Camille_CV.pdf").read_bytes() == b"%PDF-1.4 other"
    assert (docs / "Candidatures" / "MARTIN_Camille_CV.pdf").read_bytes() == pdf_bytes()
    with pytest.raises(FilesError, match="lui-même"):
        store.move("documents", "Candidatures", "Candidatures")
    # a folder onto an existing empty folder of the same name (os.rename would allow it)
    (learner_workspace.usb_dir / "notes").mkdir(parents=True)
    with pytest.raises(FilesError):
        store.move("documents", "notes", "", to_place="usb")
    assert (docs / "notes" / "lettre.pdf").exists()
    assert events(learner_workspace, "files.mkdir")[0]["path"] == "Candidatures"
    assert events(learner_workspace, "files.mkdir")[0]["context"] == "ranger-sauvegarder-imprimer"
    assert events(learner_workspace, "files.rename")[0] | {} == {
        "place": "documents", "from": "cv.pdf", "to": "MARTIN_Camille_CV.pdf",
        "context": "ranger-sauvegarder-imprimer"}
    assert events(learner_workspace, "files.move")[0]["to"] == "Candidatures/MARTIN_Camille_CV.pdf"


def test_copy_to_usb_is_verified_by_sha256(store, learner_workspace):
    result = store.copy_to_usb("cv.pdf")
    usb = store.place_root("usb")
    assert result.verified and result.path == "cv.pdf"
    assert result.sha256 == hashlib.sha256(pdf_bytes()).hexdigest()
    assert (usb / "cv.pdf").read_bytes() == pdf_bytes()
    assert not [p for p in usb.iterdir() if p.name.startswith(".")]
    with pytest.raises(FilesError, match="Remplacer"):
        store.copy_to_usb("cv.pdf")
    (learner_workspace.documents_dir / "cv.pdf").write_bytes(pdf_bytes("Version 2"))
    replaced = store.copy_to_usb("cv.pdf", replace=True)
    assert replaced.sha256 == hashlib.sha256(pdf_bytes("Version 2")).hexdigest()
    store.mkdir("usb", "Candidatures")
    assert store.copy_to_usb("notes/lettre.pdf", "Candidatures").path == "Candidatures/lettre.pdf"
    recorded = events(learner_workspace, "files.copy_usb")
    assert len(recorded) == 3 and recorded[0]["verified"] is True and recorded[0]["sha256"] == result.sha256
    assert recorded[2]["from"] == "notes/lettre.pdf" and recorded[2]["to"] == "Candidatures/lettre.pdf"


def test_a_corrupted_copy_is_removed_with_a_french_error(store, learner_workspace, monkeypatch):
    real_copy = files_store.write_copy

    def flipping_copy(source: Path, target: Path) -> None:
        real_copy(source, target)
        data = bytearray(target.read_bytes())
        data[len(data) // 2] ^= 0x01
        target.write_bytes(bytes(data))

    monkeypatch.setattr(files_store, "write_copy", flipping_copy)
    with pytest.raises(FilesError, match="pas identique"):
        store.copy_to_usb("cv.pdf")
    assert list(store.place_root("usb").iterdir()) == []
    assert events(learner_workspace, "files.copy_usb") == []


def test_delete_and_restore_with_the_index(store, learner_workspace):
    docs = learner_workspace.documents_dir
    trash_id = store.delete("documents", "notes/lettre.pdf")
    assert not (docs / "notes" / "lettre.pdf").exists()
    index = json.loads((store.trash_dir / "index.json").read_text(encoding="utf-8"))
    entry = index["items"][0]
    assert entry["id"] == trash_id and entry["place"] == "documents" and entry["path"] == "notes/lettre.pdf"
    assert entry["deleted_at"].startswith("20")
    [item] = store.trash_items()
    assert item.name == "lettre.pdf" and item.path == "notes/lettre.pdf"
    (docs / "notes" / "lettre.pdf").write_bytes(b"a new letter")  # the name is taken meanwhile
    assert store.restore(trash_id) == ("documents", "notes/lettre (2).pdf")
    assert (docs / "notes" / "lettre (2).pdf").read_bytes() == pdf_bytes("Lettre")
    assert (docs / "notes" / "lettre.pdf").read_bytes() == b"a new letter"
    assert store.trash_items() == []
    # a folder whose parent is gone comes back with its folder remade
    folder_id = store.delete("documents", "notes")
    assert store.restore(folder_id) == ("documents", "notes")
    assert (docs / "notes" / "lettre (2).pdf").exists()
    restored = [e["path"] for e in events(learner_workspace, "files.restore")]
    assert restored == ["notes/lettre (2).pdf", "notes"]
    assert events(learner_workspace, "files.delete")[0]["trash_id"] == trash_id
    with pytest.raises(FilesError):
        store.restore("../../profile.json")
    with pytest.raises(FilesError):
        store.restore(trash_id)


@pytest.mark.parametrize("damage", [b"{not json", b'{"items": 3}', b"\xff\xfe", b'[1, 2]',
                                    b'{"items": [{"id": "x", "place": "../etc", "path": "/etc"}]}'])
def test_a_damaged_trash_index_loses_nothing(store, learner_workspace, damage):
    first = store.delete("documents", "cv.pdf")
    second = store.delete("documents", "notes/lettre.pdf")
    (store.trash_dir / "index.json").write_bytes(damage)
    fresh = FilesStore(learner_workspace)
    items = {item.id: item for item in fresh.trash_items()}
    assert set(items) == {first, second}
    assert fresh.restore(first) == ("documents", "cv.pdf")
    place, path = fresh.restore(second)
    assert (fresh.place_root(place) / path).read_bytes() == pdf_bytes("Lettre")
    if damage.startswith(b"{not") or damage == b"\xff\xfe":
        assert fresh.notices and "abîmée" in fresh.notices[0]
        assert list(fresh.trash_dir.glob("index.json.damaged-*"))
    assert fresh.empty_trash() == 0


def test_the_trash_folder_is_the_truth_and_the_index_a_note_beside_it(store, learner_workspace):
    """files_trash.Trash: a thing without an entry gets one; an entry whose thing is gone is dropped;
    what the store did not put there is left alone."""
    from tremplin.widgets.files_trash import Trash

    assert isinstance(store.trash, Trash) and store.trash.folder == store.trash_dir
    gone = store.delete("documents", "notes/lettre.pdf")
    (store.trash_dir / "20260101-000000-abcdef").mkdir()
    (store.trash_dir / "20260101-000000-abcdef" / "oublie.pdf").write_bytes(pdf_bytes("Oublié"))
    (store.trash_dir / "not an id").mkdir()
    (store.trash_dir / "not an id" / "x.pdf").write_bytes(b"%PDF")
    shutil.rmtree(store.trash_dir / gone)
    assert [item.name for item in store.trash_items()] == ["oublie.pdf"]
    assert store.restore("20260101-000000-abcdef") == ("documents", "oublie.pdf")
    assert (learner_workspace.documents_dir / "oublie.pdf").read_bytes() == pdf_bytes("Oublié")
    assert (store.trash_dir / "not an id" / "x.pdf").exists()
    assert json.loads((store.trash_dir / "index.json").read_text(encoding="utf-8"))["items"] == []


def test_empty_trash_deletes_for_good(store):
    store.delete("documents", "cv.pdf")
    assert store.empty_trash() == 1
    assert store.trash_items() == [] and [p.name for p in store.trash_dir.iterdir()] == ["index.json"]


def test_zip_folder_has_relative_names_and_a_size_bound(store, learner_workspace, monkeypatch):
    store.mkdir("documents", "vide", "notes")
    data = store.zip_folder("documents", "notes")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert sorted(names) == ["notes/", "notes/lettre.pdf", "notes/vide/"]
        assert archive.read("notes/lettre.pdf") == pdf_bytes("Lettre")
    with zipfile.ZipFile(io.BytesIO(store.zip_folder("documents"))) as archive:
        assert "cv.pdf" in archive.namelist() and all(not n.startswith("/") for n in archive.namelist())
    assert events(learner_workspace, "files.download")[0] == {
        "place": "documents", "path": "notes", "zip": True, "context": "ranger-sauvegarder-imprimer"}
    monkeypatch.setattr(files_store, "ZIP_MAX_BYTES", 1000)
    with pytest.raises(FilesError, match="trop gros"):
        store.zip_folder("documents", "notes")


def test_save_upload_goes_through_the_guard(store, learner_workspace):
    docs = learner_workspace.documents_dir
    before = snapshot(docs)
    for name, data in (("cv.pdf", b"MZ\x90\x00" + b"\x00" * 200), ("vide.pdf", b""),
                       ("../evil.pdf", pdf_bytes()), ("cv.exe", b"MZ")):
        with pytest.raises(FilesError) as caught:
            store.save_upload("documents", "", name, data)
        assert str(caught.value)
    assert snapshot(docs) == before
    assert store.save_upload("documents", "notes", "mon cv.pdf", pdf_bytes("upload")) == "notes/mon cv.pdf"
    assert store.save_upload("documents", "notes", "mon cv.pdf", pdf_bytes("again")) == "notes/mon cv (2).pdf"
    assert (docs / "notes" / "mon cv.pdf").read_bytes() == pdf_bytes("upload")
    assert [e["path"] for e in events(learner_workspace, "files.upload")] == ["notes/mon cv.pdf",
                                                                              "notes/mon cv (2).pdf"]
    assert not [p for p in docs.rglob(".*")]


def test_read_find_open_and_the_journal_fallback(learner_workspace):
    store = FilesStore(learner_workspace)  # no journal: the workspace records
    (learner_workspace.documents_dir / "Candidatures").mkdir()
    (learner_workspace.documents_dir / "Candidatures" / "Lettre_Électricité.pdf").write_bytes(pdf_bytes())
    assert store.read_bytes("documents", "Candidatures/Lettre_Électricité.pdf") == pdf_bytes()
    found = [(item.place, item.path) for item in store.find("electricite")]
    assert found == [("documents", "Candidatures/Lettre_Électricité.pdf")]
    assert store.find("  ") == []
    assert [item.path for item in store.files("documents", ".PDF")] == ["Candidatures/Lettre_Électricité.pdf"]
    item = store.open("documents", "Candidatures/Lettre_Électricité.pdf")
    assert item.size == len(pdf_bytes())
    assert events(learner_workspace, "files.open") == [
        {"place": "documents", "path": "Candidatures/Lettre_Électricité.pdf"}]
    assert events(learner_workspace, "files.download")[0]["zip"] is False
    with pytest.raises(FilesError, match="dossier"):
        store.read_bytes("documents", "Candidatures")


def test_no_temporary_file_is_left_after_a_failed_write(store, learner_workspace, monkeypatch):
    def broken_fsync(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(FilesError, match="refusé"):
        store.save_upload("documents", "", "nouveau.pdf", pdf_bytes())
    with pytest.raises(FilesError):
        store.copy_to_usb("cv.pdf")
    assert not (learner_workspace.documents_dir / "nouveau.pdf").exists()
    assert not list(Path(learner_workspace.root).rglob("*.tmp"))


def test_move_to_the_usb_key_and_back(store, learner_workspace):
    assert store.move("documents", "notes", "", to_place="usb") == "notes"
    assert (store.place_root("usb") / "notes" / "lettre.pdf").read_bytes() == pdf_bytes("Lettre")
    assert not (learner_workspace.documents_dir / "notes").exists()
    assert store.move("usb", "notes/lettre.pdf", "", to_place="documents") == "lettre.pdf"
    assert events(learner_workspace, "files.move") == [
        {"from_place": "documents", "from": "notes", "to_place": "usb", "to": "notes",
         "context": "ranger-sauvegarder-imprimer"},
        {"from_place": "usb", "from": "notes/lettre.pdf", "to_place": "documents", "to": "lettre.pdf",
         "context": "ranger-sauvegarder-imprimer"}]
    with pytest.raises(FilesError, match="déjà à cet endroit"):
        store.move("documents", "lettre.pdf", "")
