"""The file manager's trash: what the learner deleted, kept until they empty it.

A deleted thing is moved to `trash/<id>/<name>`; `trash/index.json` says where it came
from, so « Restaurer » puts it back (its folders remade, « (2) » when the name is taken).
The folder is the truth and the index only a note beside it: entries whose thing is gone
are dropped, things without a valid entry get one, and a damaged index is kept aside and
rebuilt, so a learner never loses a deleted file to a broken note.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tremplin.widgets.documents.model import write_atomic
from tremplin.widgets.files_store import (
    PLACES,
    FilesError,
    TrashItem,
    check_component,
    join_path,
    move_path,
    numbered,
    split_path,
    valid_name,
)
from tremplin.widgets.i18n import t

if TYPE_CHECKING:
    from tremplin.widgets.files_store import FilesStore

__all__ = ["INDEX", "Trash", "tree_size"]

INDEX = "index.json"
_TRASH_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class Trash:
    """The trash of one FilesStore: delete into it, list it, restore from it, empty it.

    Errors are left as they come (FilesError or OSError): the store's public methods turn them
    into French messages. Events go to the store's journal, notices to `store.notices`.
    """

    def __init__(self, store: FilesStore) -> None:
        self.store = store

    @property
    def folder(self) -> Path:
        return self.store.trash_dir

    def put(self, place: str, path: str) -> str:
        """Move a file or folder of a place into the trash; returns its trash id."""
        source = self.store.resolve(place, path)
        rel = source.relative_to(self.store.place_root(place)).as_posix()
        index = self.index()
        trash_id = f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
        holder = self.folder / trash_id
        holder.mkdir()
        entry = {"id": trash_id, "name": source.name, "place": place, "path": rel, "is_dir": source.is_dir(),
                 "size": tree_size(source), "deleted_at": datetime.now(UTC).isoformat(timespec="seconds")}
        try:
            move_path(source, holder / source.name)
        except OSError:
            holder.rmdir()
            raise
        index[trash_id] = entry
        self._save_index(index)
        self.store.journal.record("files.delete", {"place": place, "path": rel, "trash_id": trash_id})
        return trash_id

    def items(self) -> list[TrashItem]:
        """What the trash holds, newest first."""
        items = [TrashItem(**entry) for entry in self.index().values()]
        return sorted(items, key=lambda item: (item.deleted_at, item.id), reverse=True)

    def restore(self, trash_id: str) -> tuple[str, str]:
        """Put a trashed thing back where it was (its folder remade if needed); returns (place, path)."""
        if not isinstance(trash_id, str) or not _TRASH_ID.match(trash_id):
            raise FilesError(t("files.not_in_trash"))
        index = self.index()
        entry = index.get(trash_id)
        if entry is None:
            raise FilesError(t("files.not_in_trash"))
        place, parts = entry["place"], split_path(entry["path"])
        held = self.folder / trash_id / entry["name"]
        folder = self._make_folders(place, parts[:-1])
        destination = self.store.resolve(place, folder, root_ok=True)
        for number in range(1, 1000):
            name = entry["name"] if number == 1 else check_component(numbered(entry["name"], number))
            try:
                move_path(held, destination / name)
            except FileExistsError:
                continue
            break
        else:
            raise FilesError(t("files.name_taken", name=entry["name"]))
        shutil.rmtree(self.folder / trash_id, ignore_errors=True)
        del index[trash_id]
        self._save_index(index)
        path = join_path(folder, name)
        self.store.journal.record("files.restore", {"place": place, "path": path})
        return place, path

    def empty(self) -> int:
        """Delete for good everything in the trash; returns how many things were removed."""
        index = self.index()
        for trash_id in index:
            shutil.rmtree(self.folder / trash_id, ignore_errors=True)
        self._save_index({})
        return len(index)

    def _make_folders(self, place: str, parts: tuple[str, ...]) -> str:
        """Remake the folders of a restored thing's old place when they are gone."""
        done: list[str] = []
        for part in parts:
            directory = self.store.resolve(place, "/".join(done), root_ok=True) / part
            if directory.is_symlink() or (directory.exists() and not directory.is_dir()):
                break  # something else took that name: restore next to it instead
            directory.mkdir(exist_ok=True)
            done.append(part)
        return "/".join(done)

    def index(self) -> dict[str, dict[str, Any]]:
        """trash/index.json checked against trash/: entries for things gone are dropped, things
        without a valid entry get one (back to the top of Mes documents). A damaged index is
        kept as index.json.damaged-<time> and a French notice is added to the store's notices."""
        entries = self._read_index()
        index: dict[str, dict[str, Any]] = {}
        for holder in sorted(self.folder.iterdir()):
            if holder.name == INDEX or not _TRASH_ID.match(holder.name) or not holder.is_dir() \
                    or holder.is_symlink():
                continue
            inside = [child for child in holder.iterdir() if not child.is_symlink()]
            if len(inside) != 1 or not valid_name(inside[0].name):
                continue  # not something this store put there: left untouched
            index[holder.name] = _trusted_entry(holder.name, inside[0], entries.get(holder.name))
        if index != entries:
            self._save_index(index)
        return index

    def _read_index(self) -> dict[str, Any]:
        """The entries recorded in index.json by id ({} when there is none or it is damaged)."""
        path = self.folder / INDEX
        if not path.exists():
            return {}
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return {e["id"]: e for e in raw["items"] if isinstance(e, dict) and "id" in e}
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            kept = self.folder / f"{INDEX}.damaged-{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(2)}"
            os.replace(path, kept)
            self.store.notices.append(t("files.trash_index_damaged"))
            return {}

    def _save_index(self, index: dict[str, dict[str, Any]]) -> None:
        content = json.dumps({"format": 1, "items": list(index.values())}, ensure_ascii=False, indent=2)
        write_atomic(self.folder / INDEX, (content + "\n").encode("utf-8"), replace=True)


def _trusted_entry(trash_id: str, held: Path, entry: dict[str, Any] | None) -> dict[str, Any]:
    """A trash entry that can be trusted: the recorded one when it fits, else rebuilt."""
    try:
        if entry is None:
            raise ValueError
        place, path = entry["place"], entry["path"]
        if place not in PLACES or not isinstance(path, str) or split_path(path)[-1] != held.name:
            raise ValueError
        return {"id": trash_id, "name": held.name, "place": place, "path": path, "is_dir": held.is_dir(),
                "size": int(entry.get("size", 0)), "deleted_at": str(entry.get("deleted_at", ""))}
    except (ValueError, KeyError, TypeError, IndexError, FilesError):
        modified = datetime.fromtimestamp(held.lstat().st_mtime, UTC).isoformat(timespec="seconds")
        return {"id": trash_id, "name": held.name, "place": "documents", "path": held.name,
                "is_dir": held.is_dir(), "size": tree_size(held), "deleted_at": modified}


def tree_size(path: Path) -> int:
    """Bytes of a file, or of every file below a folder (links counted as links, never followed)."""
    if not path.is_dir():
        return path.lstat().st_size
    total = 0
    for folder, _dirs, files in os.walk(path):
        total += sum((Path(folder) / name).lstat().st_size for name in files)
    return total
