"""« Mes fichiers »: the learner's documents and « Ma clé USB », as a small safe file manager.

Learners practise ranger, copier, supprimer, retrouver on real files, and the checks read the
same files and journal events. Every path is a relative POSIX path inside one place, resolved
and refused when it would leave it (`..`, absolute, symbolic link, hidden name); nothing is
overwritten unless the learner asked; every write goes to a temporary file, is fsynced, then
put in place. Deleting moves to `trash/` (files_trash.Trash), with an index saying where each
thing came from.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import hashlib
import io
import os
import re
import secrets
import shutil
import stat
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tremplin.widgets.documents.model import write_atomic
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t
from tremplin.widgets.search_query import fold_text

if TYPE_CHECKING:
    from tremplin.widgets.files_trash import Trash

__all__ = ["PLACES", "CopyResult", "FilesError", "FilesStore", "Item", "TrashItem", "join_path", "place_dir",
           "place_path", "valid_name", "write_copy"]

#: The two places a learner sees, and the Workspace property that gives each folder.
PLACES = {"documents": "documents_dir", "usb": "usb_dir"}
_FALLBACK = {"documents_dir": "documents", "usb_dir": "usb", "trash_dir": "trash"}
NAME_MAX = 120
DEPTH_MAX = 12
READ_MAX_BYTES = 25 * 1024 * 1024
ZIP_MAX_BYTES = 50 * 1024 * 1024
ZIP_MAX_FILES = 2000
WALK_MAX = 5000
_NUMBERED = re.compile(r"^(.*) \((\d+)\)$")
_FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co"}
_NOT_ON_USB_KEYS = re.compile(r'[:*?"<>|]')


class FilesError(TremplinError):
    """A file action the learner asked for cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Item:
    """One file or folder as listed: `path` is relative to its place, POSIX style."""

    name: str
    path: str
    is_dir: bool
    size: int
    modified: datetime
    place: str = "documents"


@dataclass(frozen=True)
class CopyResult:
    """A copy on the USB key whose content was read back and matched the original."""

    path: str
    sha256: str
    verified: bool


@dataclass(frozen=True)
class TrashItem:
    """One thing in the trash and where it came from."""

    id: str
    name: str
    place: str
    path: str
    is_dir: bool
    size: int
    deleted_at: str


def place_path(workspace: Any, attribute: str) -> Path:
    """A workspace folder (documents_dir, usb_dir, trash_dir), made or not: the grading reads it too.

    Falls back to `<root>/usb` and `<root>/trash` while Workspace lacks the property.
    """
    folder = getattr(workspace, attribute, None)
    return Path(folder) if folder is not None else Path(workspace.root) / _FALLBACK[attribute]


def place_dir(workspace: Any, attribute: str) -> Path:
    """A workspace folder as place_path gives it, made when missing."""
    path = place_path(workspace, attribute)
    path.mkdir(parents=True, exist_ok=True)
    return path


# -- names and paths ---------------------------------------------------------------------------


def check_component(name: str) -> str:
    """One name of a path as it is on disk; FilesError (French) when it is not acceptable."""
    if not name:
        raise FilesError(t("files.name_empty"))
    if name in (".", ".."):
        raise FilesError(t("files.path_outside"))
    if "/" in name or "\\" in name:
        raise FilesError(t("files.name_slash"))
    if any(unicodedata.category(char) in _FORBIDDEN_CATEGORIES for char in name):
        raise FilesError(t("files.name_control"))
    if name.startswith("."):
        raise FilesError(t("files.name_hidden"))
    if len(name) > NAME_MAX:
        raise FilesError(t("files.name_too_long", max=NAME_MAX))
    return name


def clean_name(name: object) -> str:
    """A new name typed by the learner: NFC, trimmed, checked like any name, and without the
    characters a USB key (FAT, exFAT) or Windows refuses, so the name survives a copy."""
    if not isinstance(name, str):
        raise FilesError(t("files.name_empty"))
    text = check_component(unicodedata.normalize("NFC", name).strip())
    if _NOT_ON_USB_KEYS.search(text) or text.endswith("."):
        raise FilesError(t("files.name_usb_chars"))
    return text


def split_path(path: object) -> tuple[str, ...]:
    """The names of a relative POSIX path ("" is the place itself); refused if it could escape."""
    if not isinstance(path, str):
        raise FilesError(t("files.path_outside"))
    if path.startswith("/") or "\\" in path or re.match(r"^[A-Za-z]:", path):
        raise FilesError(t("files.path_absolute"))
    text = path.rstrip("/")
    if text in ("", "."):
        return ()
    parts = tuple(text.split("/"))
    if len(parts) > DEPTH_MAX:
        raise FilesError(t("files.path_too_deep", max=DEPTH_MAX))
    for part in parts:
        check_component(part)
    return parts


def numbered(name: str, number: int) -> str:
    """« cv.pdf » → « cv (2).pdf »; a folder « Candidatures » → « Candidatures (2) »."""
    stem, suffix = os.path.splitext(name)
    if not stem:
        stem, suffix = name, ""
    match = _NUMBERED.match(stem)
    if match:
        stem = match.group(1)
    return f"{stem} ({number}){suffix}"


def join_path(folder: str, name: str) -> str:
    """`name` inside the relative folder `folder` (checked), as a relative POSIX path."""
    parts = split_path(folder)
    return "/".join((*parts, name))


# -- low-level file operations ------------------------------------------------------------------

_RENAME_NOREPLACE, _AT_FDCWD = 1, -100
try:
    _renameat2: Any = ctypes.CDLL(None, use_errno=True).renameat2
    _renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    _renameat2.restype = ctypes.c_int
except (AttributeError, OSError):  # not Linux/glibc: checked rename below
    _renameat2 = None


def rename_noreplace(source: Path, target: Path) -> None:
    """Rename, raising FileExistsError rather than replacing anything at `target`."""
    if _renameat2 is not None:
        if _renameat2(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(target), _RENAME_NOREPLACE) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.ENOSYS, errno.EINVAL):
            raise OSError(code, os.strerror(code), str(target))
    if target.exists() or target.is_symlink():
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target))
    os.rename(source, target)


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _temporary(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def write_copy(source: Path, target: Path) -> None:
    """The copy step of copy_to_usb: stream `source` into the new file `target`, then fsync."""
    with open(source, "rb") as reader, open(target, "xb") as writer:
        shutil.copyfileobj(reader, writer, 1024 * 1024)
        writer.flush()
        os.fsync(writer.fileno())


def file_sha256(path: Path, *, from_disk: bool = False) -> str:
    """SHA-256 of a file; `from_disk` first asks the kernel to drop its cached pages."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        if from_disk and hasattr(os, "posix_fadvise"):
            os.posix_fadvise(handle.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _move_across(source: Path, target: Path) -> None:
    """Move when a plain rename cannot (the USB key on another disk): copy beside, rename, remove."""
    staging = _temporary(target)
    try:
        if source.is_dir():
            shutil.copytree(source, staging, symlinks=True)
        else:
            shutil.copy2(source, staging)
        rename_noreplace(staging, target)
    finally:
        if staging.exists():
            _remove(staging)
    _remove(source)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def move_path(source: Path, target: Path) -> None:
    try:
        rename_noreplace(source, target)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        _move_across(source, target)
    fsync_dir(target.parent)


F = TypeVar("F", bound=Callable[..., Any])


def _friendly(method: F) -> F:
    """Turn a system error into a French FilesError: learners never see a traceback."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except FilesError:
            raise
        except FileExistsError as error:
            raise FilesError(t("files.name_taken", name=Path(error.filename or "").name)) from error
        except OSError as error:
            raise FilesError(t("files.system_error", reason=error.strerror or str(error))) from error

    return wrapper  # type: ignore[return-value]


# -- the store ---------------------------------------------------------------------------------------


class FilesStore:
    """The learner's places and trash; `journal` is the activity's journal (else the workspace)."""

    def __init__(self, workspace: Any, journal: Any = None) -> None:
        self.workspace = workspace
        self.journal = journal if journal is not None else workspace
        self.notices: list[str] = []

    # -- places and paths --------------------------------------------------------------------------

    def place_root(self, place: str) -> Path:
        if place not in PLACES:
            raise FilesError(t("files.place_unknown"))
        return place_dir(self.workspace, PLACES[place]).resolve()

    @property
    def trash_dir(self) -> Path:
        return place_dir(self.workspace, "trash_dir").resolve()

    def resolve(self, place: str, path: str, *, root_ok: bool = False, must_exist: bool = True) -> Path:
        """The real path of `path` inside `place`; FilesError if it leaves it or is a link."""
        base = self.place_root(place)
        parts = split_path(path)
        if not parts and not root_ok:
            raise FilesError(t("files.choose_first"))
        current = base
        for part in parts:
            current = current / part
            if current.is_symlink():
                raise FilesError(t("files.symlink"))
        real = current.resolve()
        if real != base and base not in real.parents:
            raise FilesError(t("files.path_outside"))
        if must_exist and not current.exists():
            raise FilesError(t("files.not_found", name=parts[-1] if parts else path))
        return current

    def _folder(self, place: str, folder: str) -> Path:
        directory = self.resolve(place, folder, root_ok=True)
        if not directory.is_dir():
            raise FilesError(t("files.not_a_folder", name=directory.name))
        return directory

    def _item(self, place: str, path: Path) -> Item:
        info = path.lstat()
        is_dir = stat.S_ISDIR(info.st_mode)
        rel = path.relative_to(self.place_root(place)).as_posix()
        return Item(path.name, rel, is_dir, 0 if is_dir else info.st_size,
                    datetime.fromtimestamp(info.st_mtime, UTC), place)

    def _record(self, kind: str, data: dict[str, Any]) -> None:
        self.journal.record(kind, data)

    # -- looking -----------------------------------------------------------------------------------

    @_friendly
    def list(self, place: str, folder: str = "") -> list[Item]:
        """What a folder holds: folders first, then files, by name; hidden things and links left out."""
        directory = self._folder(place, folder)
        items = []
        with os.scandir(directory) as entries:
            for entry in entries:
                if not _shown(entry):
                    continue
                items.append(self._item(place, Path(entry.path)))
        return sorted(items, key=lambda item: (not item.is_dir, fold_text(item.name), item.name))

    def _walk(self, place: str, folder: str = "") -> Iterator[tuple[Path, list[os.DirEntry[str]]]]:
        """(folder, its shown entries) for a folder and every shown folder below it, bounded."""
        pending, seen = [self._folder(place, folder)], 0
        while pending and seen < WALK_MAX:
            directory = pending.pop(0)
            with os.scandir(directory) as scanned:
                entries = sorted((e for e in scanned if _shown(e)), key=lambda e: fold_text(e.name))
            seen += len(entries) + 1
            yield directory, entries
            pending.extend(Path(e.path) for e in entries if e.is_dir(follow_symlinks=False))

    @_friendly
    def tree(self, place: str) -> list[str]:
        """Every folder of a place as a relative path, the place itself first ("")."""
        base = self.place_root(place)
        folders = [folder for folder, _entries in self._walk(place)]
        return ["" if folder == base else folder.relative_to(base).as_posix() for folder in folders]

    @_friendly
    def find(self, name_part: str) -> list[Item]:
        """Files and folders of both places whose name holds `name_part` (accents and case ignored)."""
        wanted = fold_text(str(name_part or "").strip())
        if not wanted:
            return []
        return self._matching(tuple(PLACES), lambda entry: wanted in fold_text(entry.name))[:200]

    @_friendly
    def files(self, place: str, suffix: str = "") -> list[Item]:
        """Every file of a place, in every folder, whose name ends with `suffix` (for choosers)."""
        ending = suffix.lower()
        return self._matching((place,), lambda e: e.is_file(follow_symlinks=False)
                              and e.name.lower().endswith(ending))

    def _matching(self, places: tuple[str, ...], keep: Callable[[os.DirEntry[str]], bool]) -> list[Item]:
        found = []
        for place in places:
            for _directory, entries in self._walk(place):
                found.extend(self._item(place, Path(e.path)) for e in entries if keep(e))
        return found

    @_friendly
    def open(self, place: str, path: str) -> Item:
        """The item the learner opened (recorded: finding a file again is a skill that is graded)."""
        item = self._item(place, self.resolve(place, path))
        self._record("files.open", {"place": place, "path": item.path})
        return item

    # -- changing ------------------------------------------------------------------------------------

    @_friendly
    def mkdir(self, place: str, name: str, folder: str = "") -> str:
        """Make a new folder `name` in `folder`; a name already taken is refused."""
        clean = clean_name(name)
        parent = self._folder(place, folder)
        target = parent / clean
        if target.exists() or target.is_symlink():
            raise FilesError(t("files.name_taken", name=clean))
        target.mkdir()
        fsync_dir(parent)
        path = join_path(folder, clean)
        self._record("files.mkdir", {"place": place, "path": path})
        return path

    @_friendly
    def rename(self, place: str, path: str, new_name: str) -> str:
        """Give a file or folder a new name (a file keeps its extension); never replaces another."""
        source = self.resolve(place, path)
        clean = clean_name(new_name)
        suffix = source.suffix
        if source.is_file() and suffix and not clean.lower().endswith(suffix.lower()):
            clean = check_component(clean + suffix)
        if clean == source.name:
            return self._item(place, source).path
        target = source.parent / clean
        try:
            rename_noreplace(source, target)
        except FileExistsError:
            raise FilesError(t("files.name_taken", name=clean)) from None
        fsync_dir(target.parent)
        new_path = self._item(place, target).path
        self._record("files.rename", {"place": place, "from": "/".join(split_path(path)), "to": new_path})
        return new_path

    @_friendly
    def move(self, place: str, path: str, to_folder: str, to_place: str | None = None) -> str:
        """Move into another folder (or the other place); a name taken there is refused."""
        to_place = to_place or place
        source = self.resolve(place, path)
        destination = self._folder(to_place, to_folder)
        if source.is_dir() and (destination == source or source in destination.parents):
            raise FilesError(t("files.move_into_itself", name=source.name))
        target = destination / source.name
        if target == source:
            raise FilesError(t("files.move_same_place", name=source.name))
        try:
            move_path(source, target)
        except FileExistsError:
            raise FilesError(t("files.move_taken", name=source.name)) from None
        new_path = self._item(to_place, target).path
        self._record("files.move", {"from_place": place, "from": "/".join(split_path(path)),
                                    "to_place": to_place, "to": new_path})
        return new_path

    @_friendly
    def copy_to_usb(self, path: str, folder: str = "", *, replace: bool = False) -> CopyResult:
        """Copy a file of Mes documents to the USB key, then read the copy back and compare SHA-256.

        The copy is made under a temporary name and checked before it takes the real name, so
        a bad copy never looks like a good one: it is removed and a French error raised.
        """
        source = self.resolve("documents", path)
        if not source.is_file():
            raise FilesError(t("files.copy_file_only"))
        destination = self._folder("usb", folder)
        target = destination / source.name
        if (target.exists() or target.is_symlink()) and not replace:
            raise FilesError(t("files.usb_taken", name=source.name))
        if target.is_dir() or target.is_symlink():
            raise FilesError(t("files.usb_taken", name=source.name))
        expected = file_sha256(source)
        temporary = _temporary(target)
        try:
            write_copy(source, temporary)
            if file_sha256(temporary, from_disk=True) != expected:
                raise FilesError(t("files.copy_corrupt", name=source.name))
            if replace:
                os.replace(temporary, target)
            else:
                os.link(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
        fsync_dir(destination)
        if file_sha256(target, from_disk=True) != expected:
            target.unlink(missing_ok=True)
            raise FilesError(t("files.copy_corrupt", name=source.name))
        usb_path = self._item("usb", target).path
        self._record("files.copy_usb", {"from": self._item("documents", source).path, "to": usb_path,
                                        "sha256": expected, "verified": True})
        return CopyResult(usb_path, expected, True)

    @_friendly
    def save_upload(self, place: str, folder: str, filename: str, data: bytes) -> str:
        """Save a file the learner sent from their computer, once the upload guard accepts it.

        A name already taken gets « (2) »; the path actually used is returned.
        """
        from tremplin.widgets.documents.errors import DocumentError
        from tremplin.widgets.documents.upload_guard import check_upload

        try:
            safe = check_upload(filename, bytes(data))
        except DocumentError as error:
            raise FilesError(str(error)) from error
        name = clean_name(safe)
        destination = self._folder(place, folder)
        for number in range(1, 1000):
            candidate = name if number == 1 else check_component(numbered(name, number))
            try:
                write_atomic(destination / candidate, bytes(data), replace=False)
            except FileExistsError:
                continue
            path = join_path(folder, candidate)
            self._record("files.upload", {"place": place, "path": path})
            return path
        raise FilesError(t("files.name_taken", name=name))

    # -- downloading -------------------------------------------------------------------------------

    @_friendly
    def read_bytes(self, place: str, path: str, *, record: bool = True) -> bytes:
        """A file's content for a download (recorded as `files.download` unless `record` is False)."""
        source = self.resolve(place, path)
        if not source.is_file():
            raise FilesError(t("files.not_a_file", name=source.name))
        if source.stat().st_size > READ_MAX_BYTES:
            raise FilesError(t("files.too_big_download", size=_megabytes(source.stat().st_size)))
        data = source.read_bytes()
        if record:
            self._record("files.download", {"place": place, "path": "/".join(split_path(path)), "zip": False})
        return data

    @_friendly
    def zip_folder(self, place: str, folder: str = "", *, record: bool = True) -> bytes:
        """A zip of a folder (names relative to it, the folder's own name first), size-bounded."""
        directory = self._folder(place, folder)
        prefix = directory.name if split_path(folder) else ""
        members: list[tuple[Path, str]] = []
        total = 0
        for current, entries in self._walk(place, folder):
            relative = current.relative_to(directory).as_posix()
            base = "/".join(part for part in (prefix, "" if relative == "." else relative) if part)
            if base:
                members.append((current, base + "/"))
            for entry in entries:
                if entry.is_file(follow_symlinks=False):
                    total += entry.stat(follow_symlinks=False).st_size
                    members.append((Path(entry.path), f"{base}/{entry.name}" if base else entry.name))
            if total > ZIP_MAX_BYTES or len(members) > ZIP_MAX_FILES:
                raise FilesError(t("files.zip_too_big", max=_megabytes(ZIP_MAX_BYTES)))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for source, name in members:
                if name.endswith("/"):
                    archive.writestr(zipfile.ZipInfo(name, _zip_time(source)), b"")
                else:
                    archive.write(source, name)
        if record:
            shown = "/".join(split_path(folder))
            self._record("files.download", {"place": place, "path": shown, "zip": True})
        return buffer.getvalue()

    # -- the trash (kept by files_trash.Trash) ------------------------------------------------------

    @functools.cached_property
    def trash(self) -> Trash:
        from tremplin.widgets.files_trash import Trash  # files_trash builds on this module's rules

        return Trash(self)

    @_friendly
    def delete(self, place: str, path: str) -> str:
        """Move a file or folder to the trash; returns its trash id (restore puts it back)."""
        return self.trash.put(place, path)

    @_friendly
    def trash_items(self) -> list[TrashItem]:
        """What the trash holds, newest first (a damaged index is rebuilt, files are never lost)."""
        return self.trash.items()

    @_friendly
    def restore(self, trash_id: str) -> tuple[str, str]:
        """Put a trashed thing back where it was (its folder remade if needed); returns (place, path)."""
        return self.trash.restore(trash_id)

    @_friendly
    def empty_trash(self) -> int:
        """Delete for good everything in the trash; returns how many things were removed."""
        return self.trash.empty()


def valid_name(name: str) -> bool:
    """Whether a name on disk is one the learner is shown (see check_component)."""
    try:
        check_component(name)
    except FilesError:
        return False
    return True


def _shown(entry: os.DirEntry[str]) -> bool:
    """Listed to the learner: a regular file or a folder (never a link) with an acceptable name."""
    kind_ok = entry.is_dir(follow_symlinks=False) or entry.is_file(follow_symlinks=False)
    return kind_ok and valid_name(entry.name)


def _zip_time(path: Path) -> tuple[int, int, int, int, int, int]:
    moment = datetime.fromtimestamp(max(path.stat().st_mtime, 315532800))
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")
