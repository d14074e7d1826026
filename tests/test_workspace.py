"""The learner workspace: layout, profile, opening odd folders, seeding, snapshots."""

from __future__ import annotations

import hashlib
import json
import mailbox
import multiprocessing
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tremplin.widgets.workspace import (
    PROFILE_FORMAT,
    JournalWarning,
    Workspace,
    WorkspaceError,
    WorkspaceVersionError,
    pseudonym_slug,
    validate_pseudonym,
)

FIXTURES = Path(__file__).parent / "fixtures" / "workspaces"
NOW = datetime(2026, 3, 2, 9, 0, 0, 250000, tzinfo=UTC)
WORLD = {"seed": 42, "offers": 2000}


@pytest.fixture(autouse=True)
def french(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TREMPLIN_LANG", raising=False)


def fixture_copy(name: str, tmp_path: Path) -> Path:
    """A copy of a fixture workspace, so tests never touch the fixture itself."""
    return Path(shutil.copytree(FIXTURES / name, tmp_path / name))


def tree(root: Path) -> dict[str, bytes | None]:
    """Every path under `root` with its bytes (None for folders): to prove nothing changed."""
    found: dict[str, bytes | None] = {".": None}
    for path in sorted(root.rglob("*")):
        found[str(path.relative_to(root))] = None if path.is_dir() else path.read_bytes()
    return found


def make_eml(folder: Path, name: str, subject: str) -> Path:
    path = folder / name
    path.write_bytes(
        f"From: rh@boulangerie-le-goff.example\nTo: amina@tremplin.example\n"
        f"Subject: {subject}\nMessage-ID: <{name}@tremplin.example>\n\nBonjour,\n".encode()
    )
    return path


# -- create and open ----------------------------------------------------------------------


def test_create_then_open_round_trip(tmp_path: Path) -> None:
    root = tmp_path / "apprenants" / "amina-k"
    created = Workspace.create(root, "  Amina   K ", world=WORLD, clock=lambda: NOW)

    assert created.root == root and created.pseudonym == "Amina K"
    profile = json.loads((root / "profile.json").read_text(encoding="utf-8"))
    assert profile == {
        "format": 1,
        "pseudonym": "Amina K",
        "locale": "fr",
        "created_at": "2026-03-02T09:00:00.250Z",
        "world": {"seed": 42, "offers": 2000},
    }
    assert created.journal_path == root / "journal.jsonl" and created.journal_path.is_file()
    assert created.mail_dir == root / "mail" and created.documents_dir.is_dir()

    opened = Workspace.open(root)
    assert opened.profile == profile and opened.pseudonym == "Amina K"
    opened.profile["pseudonym"] = "changed"  # a copy: the workspace is untouched
    assert opened.pseudonym == "Amina K"


def test_create_without_world_and_in_english(tmp_path: Path) -> None:
    workspace = Workspace.create(tmp_path / "w", "Tom", locale="en")
    assert workspace.profile["world"] is None and workspace.profile["locale"] == "en"
    with pytest.raises(WorkspaceError, match="Langue inconnue"):
        Workspace.create(tmp_path / "x", "Tom", locale="klingon")
    assert not (tmp_path / "x").exists()
    with pytest.raises(TypeError):
        Workspace.create(tmp_path / "y", "Tom", world={"when": datetime.now()})
    assert not (tmp_path / "y").exists()


def test_maildir_plus_plus_layout(tmp_path: Path) -> None:
    workspace = Workspace.create(tmp_path / "w", "Amina")
    inbox = workspace.mailbox()
    assert isinstance(inbox, mailbox.Maildir)
    assert sorted(inbox.list_folders()) == ["Drafts", "Junk", "Sent"]
    for sub in ("cur", "new", "tmp"):
        assert (workspace.mail_dir / sub).is_dir()
    for folder in ("Sent", "Drafts", "Junk"):
        assert (workspace.mail_dir / f".{folder}" / "maildirfolder").is_file()
        for sub in ("cur", "new", "tmp"):
            assert (workspace.mail_dir / f".{folder}" / sub).is_dir()
        assert len(inbox.get_folder(folder)) == 0


def test_create_again_opens_and_never_overwrites(tmp_path: Path) -> None:
    root = tmp_path / "w"
    first = Workspace.create(root, "Amina", world=WORLD, clock=lambda: NOW)
    first.record("search.query", {"query": "vendeuse"})
    (first.documents_dir / "cv.pdf").write_bytes(b"%PDF-1.4 mon CV")
    profile_before = (root / "profile.json").read_bytes()

    again = Workspace.create(root, "amina", world={"seed": 7, "offers": 5}, locale="en")
    assert (root / "profile.json").read_bytes() == profile_before
    assert again.profile["world"] == WORLD and again.profile["locale"] == "fr"
    assert [e.data for e in again.events()] == [{"query": "vendeuse"}]
    assert (again.documents_dir / "cv.pdf").read_bytes() == b"%PDF-1.4 mon CV"


def test_create_repairs_missing_folders_but_keeps_files(tmp_path: Path) -> None:
    root = tmp_path / "w"
    workspace = Workspace.create(root, "Amina")
    workspace.record("search.query", {"query": "x"})
    shutil.rmtree(workspace.mail_dir / ".Junk")
    Workspace.create(root, "Amina")
    assert sorted(workspace.mailbox().list_folders()) == ["Drafts", "Junk", "Sent"]
    assert len(workspace.events()) == 1


def test_create_refuses_another_learners_folder(tmp_path: Path) -> None:
    root = tmp_path / "w"
    Workspace.create(root, "Amina")
    before = tree(root)
    with pytest.raises(WorkspaceError, match="déjà l'espace de travail de « Amina »"):
        Workspace.create(root, "Bernard")
    assert tree(root) == before


def test_create_refuses_a_journal_without_profile(tmp_path: Path) -> None:
    root = fixture_copy("journal-without-profile", tmp_path)
    before = tree(root)
    with pytest.raises(WorkspaceError, match="un journal mais pas de profil"):
        Workspace.create(root, "Amina")
    assert tree(root) == before


def test_create_in_a_folder_with_other_files_keeps_them(tmp_path: Path) -> None:
    root = fixture_copy("not-a-workspace", tmp_path)
    workspace = Workspace.create(root, "Amina")
    assert (root / "notes.txt").read_text(encoding="utf-8").startswith("Liste de courses")
    assert Workspace.open(root).pseudonym == workspace.pseudonym


def test_create_on_a_file_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "a-file"
    target.write_text("x")
    with pytest.raises(WorkspaceError, match="n'est pas un dossier"):
        Workspace.create(target, "Amina")
    assert target.read_text() == "x"


def _create_in(root: str, pseudonym: str) -> str:
    return Workspace.create(Path(root), pseudonym).profile["created_at"]


def test_concurrent_creation_yields_one_profile(tmp_path: Path) -> None:
    root = tmp_path / "w"
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        stamps = pool.starmap(_create_in, [(str(root), "Amina")] * 8)
    assert len(set(stamps)) == 1  # everybody opened the same profile
    assert json.loads((root / "profile.json").read_text())["created_at"] == stamps[0]
    assert [p.name for p in root.iterdir() if p.name.endswith(".tmp")] == []


def test_open_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError) as caught:
        Workspace.open(tmp_path / "nowhere")
    assert str(caught.value).startswith("Espace de travail introuvable")
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("not-a-workspace", "n'est pas un espace de travail Tremplin"),
        ("journal-without-profile", "n'est pas un espace de travail Tremplin"),
        ("corrupted-profile", "est endommagé (ce n'est pas du JSON valide)"),
        ("empty-profile", "est endommagé (fichier vide)"),
        ("garbage-profile", "est endommagé (ce n'est pas du JSON valide)"),
        ("tampered-pseudonym", "est endommagé (champ « pseudonym » absent ou invalide)"),
    ],
)
def test_open_odd_folders_fails_clearly_and_touches_nothing(
    tmp_path: Path, name: str, expected: str
) -> None:
    root = fixture_copy(name, tmp_path)
    before = tree(root)
    with pytest.raises(WorkspaceError) as caught:
        Workspace.open(root)
    message = str(caught.value)
    assert expected in message and "\n" not in message
    assert tree(root) == before  # byte-identical, nothing added or removed
    if name != "not-a-workspace":  # a folder of other files may become a workspace
        with pytest.raises(WorkspaceError):
            Workspace.create(root, "Amina K")  # create does not "repair" over it either
        assert tree(root) == before


def test_profile_with_wrong_field_types_is_corrupted(tmp_path: Path) -> None:
    root = Workspace.create(tmp_path / "w", "Amina").root
    good = json.loads((root / "profile.json").read_text())
    for field, value in [("format", "1"), ("format", True), ("locale", None),
                         ("created_at", 3), ("world", [1]), ("pseudonym", " Amina ")]:
        (root / "profile.json").write_text(json.dumps({**good, field: value}))
        with pytest.raises(WorkspaceError, match=f"« {field} »"):
            Workspace.open(root)


def test_newer_profile_format_is_refused(tmp_path: Path) -> None:
    root = fixture_copy("newer-profile", tmp_path)
    before = tree(root)
    with pytest.raises(WorkspaceVersionError) as caught:
        Workspace.open(root)
    assert str(caught.value).startswith(
        "Cet espace de travail a été créé par une version plus récente de Tremplin"
    )
    assert f"jusqu'au format {PROFILE_FORMAT}" in str(caught.value)
    assert tree(root) == before


def test_newer_journal_is_refused_when_reading_events(tmp_path: Path) -> None:
    workspace = Workspace.open(fixture_copy("newer-journal", tmp_path))
    with pytest.raises(WorkspaceVersionError, match="version plus récente de Tremplin"):
        workspace.events()


# -- pseudonyms ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Zoé", "Zoé"),
        ("  Jean-Baptiste L'Hôte  ", "Jean-Baptiste L'Hôte"),
        ("Ève_2024", "Ève_2024"),
        ("Ana\u00a0Ruiz", "Ana Ruiz"),
        ("Zoe\u0301", "Zoé"),  # decomposed accent, as some keyboards send it
        ("N’Diaye", "N’Diaye"),
        ("Иван", "Иван"),
        ("x" * 40, "x" * 40),
    ],
)
def test_pseudonyms_accepted(raw: str, expected: str) -> None:
    assert validate_pseudonym(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Choisissez un pseudonyme"),
        ("   ", "Choisissez un pseudonyme"),
        ("x" * 41, "trop long : 40 caractères au maximum"),
        ("a" * 200, "trop long"),
        ("<script>alert(1)</script>", "ne peut contenir que des lettres"),
        ("Amina\nK", "ne peut contenir que des lettres"),
        ("Amina\tK", "ne peut contenir que des lettres"),
        ("Amina\x00", "ne peut contenir que des lettres"),
        ("Amina\x1b[31m", "ne peut contenir que des lettres"),
        ("a@b.fr", "ne peut contenir que des lettres"),
        ("Amina 🙂", "ne peut contenir que des lettres"),
        ("../../etc", "ne peut contenir que des lettres"),
        ("- _ '", "au moins une lettre ou un chiffre"),
    ],
)
def test_pseudonyms_refused_with_a_french_message(tmp_path: Path, raw: str, message: str) -> None:
    with pytest.raises(WorkspaceError, match=message.replace("(", r"\(")):
        Workspace.create(tmp_path / "w", raw)
    assert not (tmp_path / "w").exists()


@pytest.mark.parametrize(
    ("pseudonym", "slug"),
    [
        ("Zoé L'Hôte", "zoe-l-hote"),
        ("Jean-Baptiste_2", "jean-baptiste-2"),
        ("ÉLODIE", "elodie"),
        ("N’Diaye", "n-diaye"),
        ("Con", "con-1"),
    ],
)
def test_pseudonym_slug(pseudonym: str, slug: str) -> None:
    assert pseudonym_slug(pseudonym) == slug


def test_slug_of_non_latin_pseudonyms_is_ascii_and_distinct() -> None:
    slugs = {pseudonym_slug(p) for p in ("Иван 2", "Олег 2", "محمد", "Иван")}
    assert len(slugs) == 4
    for slug in slugs:
        assert slug.isascii() and slug == slug.lower() and " " not in slug
    assert pseudonym_slug("Иван") == pseudonym_slug("Иван")  # stable across visits
    with pytest.raises(WorkspaceError):
        pseudonym_slug("<script>")


# -- the journal through the workspace ----------------------------------------------------


def test_record_and_filter_events(tmp_path: Path) -> None:
    workspace = Workspace.create(tmp_path / "w", "Amina", clock=lambda: NOW)
    query = workspace.record("search.query", {"query": "boulanger"})
    added = workspace.record("shortlist.add", {"offer_id": "OF-1", "title": "Boulanger"})
    removed = workspace.record("shortlist.remove", {"offer_id": "OF-1"})
    other = workspace.record("shortlists.add", {"offer_id": "OF-2"})

    assert query.at == "2026-03-02T09:00:00.250Z"
    assert Workspace.open(workspace.root).events() == [query, added, removed, other]
    assert workspace.events(kind="shortlist.add") == [added]
    assert workspace.events(prefix="shortlist") == [added, removed]
    assert workspace.events(prefix="shortlist.") == [added, removed]
    assert workspace.events(kind="search.query", prefix="search") == [query]
    with pytest.raises(ValueError):
        workspace.record("Not a kind", {})


def test_torn_journal_fixture_through_the_workspace(tmp_path: Path) -> None:
    workspace = Workspace.open(fixture_copy("torn-journal", tmp_path))
    with pytest.warns(JournalWarning):
        assert len(workspace.events()) == 3
    workspace.record("search.query", {"query": "après la coupure"})
    with pytest.warns(JournalWarning):
        events = workspace.events()
    assert len(events) == 4 and events[-1].data == {"query": "après la coupure"}


# -- seeding the inbox --------------------------------------------------------------------


def test_seed_inbox_is_idempotent(tmp_path: Path) -> None:
    source = tmp_path / "world-inbox"
    source.mkdir()
    emls = [make_eml(source, f"{n:04d}.eml", f"Message {n}") for n in range(3)]
    workspace = Workspace.create(tmp_path / "w", "Amina")

    keys = workspace.seed_inbox(emls)
    assert len(keys) == 3
    new_files = sorted(os.listdir(workspace.mail_dir / "new"))
    assert sorted(keys) == new_files
    inbox = workspace.mailbox()
    assert sorted(m["Subject"] for m in inbox) == ["Message 0", "Message 1", "Message 2"]
    assert {
        hashlib.sha256(p.read_bytes()).hexdigest() for p in emls
    } == {item["sha256"] for item in workspace.events(kind="mail.seed")[0].data["messages"]}

    assert workspace.seed_inbox(emls) == []
    assert Workspace.open(workspace.root).seed_inbox(reversed(emls)) == []
    assert sorted(os.listdir(workspace.mail_dir / "new")) == new_files
    assert len(workspace.events(kind="mail.seed")) == 1

    inbox.remove(keys[0])  # the learner deleted one: it does not come back
    assert workspace.seed_inbox(emls) == []
    assert len(workspace.mailbox()) == 2

    fourth = make_eml(source, "0003.eml", "Message 3")
    assert len(workspace.seed_inbox([*emls, fourth, fourth])) == 1
    assert len(workspace.mailbox()) == 3


def test_seed_inbox_missing_file(tmp_path: Path) -> None:
    workspace = Workspace.create(tmp_path / "w", "Amina")
    with pytest.raises(WorkspaceError, match="introuvable ou illisible"):
        workspace.seed_inbox([tmp_path / "absent.eml"])


def test_mailbox_missing_is_a_clear_error(tmp_path: Path) -> None:
    workspace = Workspace.open(fixture_copy("empty-journal", tmp_path))
    with pytest.raises(WorkspaceError, match="boîte mail"):
        workspace.mailbox()
    assert not workspace.mail_dir.exists()  # opening did not create it


# -- snapshots ----------------------------------------------------------------------------


def test_snapshot_copies_everything(tmp_path: Path) -> None:
    source = tmp_path / "world-inbox"
    source.mkdir()
    workspace = Workspace.create(tmp_path / "w", "Amina", world=WORLD)
    workspace.seed_inbox([make_eml(source, "0001.eml", "Entretien")])
    sent = workspace.mailbox().get_folder("Sent")
    sent.add(b"From: amina@tremplin.example\nSubject: Candidature\n\nBonjour\n")
    (workspace.documents_dir / "lettres").mkdir()
    (workspace.documents_dir / "lettres" / "motivation.docx").write_bytes(b"PK\x03\x04docx")
    (workspace.documents_dir / "vide").mkdir()
    (workspace.usb_dir / "CV.pdf").write_bytes(b"%PDF-1.4 copie")
    (workspace.editor_dir / "cv.json").write_text('{"contact": {}}')
    (workspace.root / "trash").mkdir()
    (workspace.root / "trash" / "index.json").write_text("{}")  # the trash is never handed in
    workspace.record("shortlist.add", {"offer_id": "OF-1", "title": "Boulanger"})
    (workspace.root / "lecon.ipynb").write_text("{}")  # not part of the workspace

    dest = workspace.snapshot(tmp_path / "remise" / "amina")
    assert dest == tmp_path / "remise" / "amina"
    copied = tree(dest)
    original = tree(workspace.root)
    del original["lecon.ipynb"]
    original = {name: value for name, value in original.items() if not name.startswith("trash")}
    assert copied == original
    assert (dest / "usb" / "CV.pdf").read_bytes() == b"%PDF-1.4 copie"
    assert (dest / "documents" / "vide").is_dir()
    snap = Workspace.open(dest)
    assert snap.events() == workspace.events()
    assert sorted(snap.mailbox().list_folders()) == ["Drafts", "Junk", "Sent"]
    assert [m["Subject"] for m in snap.mailbox().get_folder("Sent")] == ["Candidature"]
    assert [m["Subject"] for m in snap.mailbox()] == ["Entretien"]
    assert [p.name for p in dest.parent.iterdir()] == ["amina"]  # no staging left


def test_snapshot_refuses_an_existing_destination(tmp_path: Path) -> None:
    workspace = Workspace.create(tmp_path / "w", "Amina")
    for dest in (tmp_path / "empty-dir", tmp_path / "file"):
        if dest.name == "file":
            dest.write_text("à garder")
        else:
            dest.mkdir()
        before = tree(tmp_path)
        with pytest.raises(WorkspaceError, match="existe déjà"):
            workspace.snapshot(dest)
        assert tree(tmp_path) == before


def test_snapshot_refuses_to_nest_inside_the_workspace(tmp_path: Path) -> None:
    workspace = Workspace.create(tmp_path / "w", "Amina")
    with pytest.raises(WorkspaceError, match="ne peut pas être rangée"):
        workspace.snapshot(workspace.documents_dir / "copie")
    assert list(workspace.documents_dir.iterdir()) == []


def test_snapshot_keeps_symlinks_as_links(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("ne pas copier")
    workspace = Workspace.create(tmp_path / "w", "Amina")
    (workspace.documents_dir / "lien").symlink_to(secret)
    dest = workspace.snapshot(tmp_path / "copie")
    assert (dest / "documents" / "lien").is_symlink()
