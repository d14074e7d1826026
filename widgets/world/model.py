"""World: read access to a built world folder, for the widgets, the checks and the CLI.

Opening reads only world.json. Offers are read lazily: `offers()` streams offers.jsonl,
and `offer(id)` seeks to the line through a small index of byte offsets built on first
use, so even 100,000 offers cost a few megabytes in a checks process. Employers and the
transport network are small and loaded whole on first use.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

from tremplin.widgets.i18n import t
from tremplin.widgets.world import content
from tremplin.widgets.world.errors import WorldError
from tremplin.widgets.world.manifest import FORMAT, WorldManifest

MANIFEST_NAME = "world.json"


class World:
    """A simulated world on disk. Use `World.open(folder)`."""

    def __init__(self, root: Path, manifest: WorldManifest):
        self.root = root
        self.manifest = manifest
        self._offsets: dict[str, int] | None = None

    @classmethod
    def open(cls, world_dir: Path) -> World:
        """Open a built world; WorldError with a one-line French reason if it is not usable."""
        root = Path(world_dir)
        if not root.is_dir():
            raise WorldError(t("world.missing", path=root))
        path = root / MANIFEST_NAME
        if not path.is_file():
            raise WorldError(t("world.not_a_world", path=root))
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            manifest = WorldManifest.from_json(data)
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise WorldError(t("world.manifest_unreadable", path=path)) from error
        if manifest.format > FORMAT:
            raise WorldError(t("world.too_new", path=root, found=manifest.format, supported=FORMAT))
        return cls(root, manifest)

    # -- offers --------------------------------------------------------------------------

    @property
    def offers_path(self) -> Path:
        return self.root / "offers.jsonl"

    def _open_offers(self):  # noqa: ANN202 - a binary file object
        try:
            return self.offers_path.open("rb")
        except OSError as error:
            raise WorldError(t("world.file_missing", path=self.offers_path)) from error

    def offers(self) -> Iterator[dict[str, Any]]:
        """Every offer, in id order, read from disk as it goes."""
        with self._open_offers() as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)

    def _offset_index(self) -> dict[str, int]:
        if self._offsets is None:
            offsets: dict[str, int] = {}
            position = 0
            with self._open_offers() as handle:
                for line in handle:
                    if line.startswith(b'{"id":"'):
                        end = line.index(b'"', 7)
                        offsets[line[7:end].decode("ascii")] = position
                    elif line.strip():
                        offsets[str(json.loads(line)["id"])] = position
                    position += len(line)
            self._offsets = offsets
        return self._offsets

    def offer(self, offer_id: str) -> dict[str, Any] | None:
        """The offer with this id (e.g. "OF-000123"), or None."""
        position = self._offset_index().get(str(offer_id))
        if position is None:
            return None
        with self._open_offers() as handle:
            handle.seek(position)
            return json.loads(handle.readline())

    def offer_ids(self) -> list[str]:
        return list(self._offset_index())

    # -- employers, transport, inbox -----------------------------------------------------

    @cached_property
    def _employers(self) -> dict[str, dict[str, Any]]:
        path = self.root / "employers.jsonl"
        try:
            with path.open(encoding="utf-8") as handle:
                records = [json.loads(line) for line in handle if line.strip()]
        except OSError as error:
            raise WorldError(t("world.file_missing", path=path)) from error
        return {record["id"]: record for record in records}

    def employer(self, employer_id: str | None) -> dict[str, Any] | None:
        return self._employers.get(str(employer_id)) if employer_id else None

    def employers(self) -> Iterator[dict[str, Any]]:
        return iter(self._employers.values())

    @cached_property
    def transport(self) -> dict[str, Any]:
        """transport.json: lines (stops, departures), fares, days; see transport.py."""
        path = self.root / "transport.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise WorldError(t("world.file_missing", path=path)) from error

    def inbox_paths(self) -> list[Path]:
        """The incoming messages (.eml), in order."""
        return sorted((self.root / "inbox").glob("*.eml"))

    @cached_property
    def communes(self) -> dict[str, dict[str, Any]]:
        """The world's communes by INSEE code (communes.jsonl)."""
        path = self.root / "communes.jsonl"
        try:
            with path.open(encoding="utf-8") as handle:
                return {r["insee"]: r for r in (json.loads(line) for line in handle if line.strip())}
        except OSError as error:
            raise WorldError(t("world.file_missing", path=path)) from error

    # -- job families ----------------------------------------------------------------------

    def families(self) -> list[dict[str, Any]]:
        """The job families (code, label, job, titles, synonyms, skills...), a fresh copy."""
        return content.families()

    def family(self, code: str) -> dict[str, Any] | None:
        found = next((f for f in content.job_data()["families"] if f["code"] == code), None)
        return copy.deepcopy(found) if found is not None else None

    def __repr__(self) -> str:
        return f"World({str(self.root)!r}, seed={self.manifest.seed}, offers={self.manifest.offers})"
