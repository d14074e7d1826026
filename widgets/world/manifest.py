"""The manifest (world.json): what a world is, how it was made, and a hash of each file."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

#: The world format this kit writes and the newest it can read. 2: homonym employers (R4) and
#: the scam pattern of the N3 variant (R3); 3: the inbox's phishing with a lying link, a
#: mismatched Reply-To and a .pdf.exe, and a recruiter message with a PDF (C4, C6). An older
#: world still opens, but `make kiosk` rebuilds it (`tremplin world build --if-outdated`).
FORMAT = 3
REFERENCE_DATE = "2026-11-02"
MAX_OFFERS = 100_000


@dataclass(frozen=True)
class WorldManifest(Mapping[str, Any]):
    """world.json as an object; also readable like a dict (`manifest["seed"]`)."""

    format: int
    seed: int
    offers: int
    employers: int
    scams: int
    reference_date: str
    publication_window_days: int
    label_fr: str
    inbox_to: str
    files: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> WorldManifest:
        """Build from a parsed world.json; KeyError/TypeError/ValueError if it is malformed."""
        return cls(
            format=int(data["format"]),
            seed=int(data["seed"]),
            offers=int(data["offers"]),
            employers=int(data.get("employers", 0)),
            scams=int(data.get("scams", 0)),
            reference_date=str(data["reference_date"]),
            publication_window_days=int(data.get("publication_window_days", 60)),
            label_fr=str(data.get("label_fr", "")),
            inbox_to=str(data.get("inbox_to", "")),
            files={str(k): str(v) for k, v in dict(data.get("files") or {}).items()},
        )

    def __getitem__(self, key: str) -> Any:
        if key not in self.__dataclass_fields__:
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self.__dataclass_fields__)

    def __len__(self) -> int:
        return len(self.__dataclass_fields__)
