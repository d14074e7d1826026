"""Building the offer search index: world_dir/search.sqlite from the world's offers.jsonl.

One file, derived from offers.jsonl (and world.json for the reference date): a
contentless FTS5 table for the words (case- and accent-insensitive, a `stems` column so
vendeur meets vendeuse) and for hidden filter words (contract, working time, commune,
title, map cells: see search_tags.py), a small FTS5 table of the distinct titles for
relevance, the offers' coordinates, the offers themselves (compressed JSON), and a small
vocabulary for "did you mean". Row ids go newest first. Apart from the engine
(search.py) because writing the file is a job of its own, done once per world; the
engine only checks the file is current and opens it read-only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import math
import os
import sqlite3
import zlib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t
from tremplin.widgets.search_query import clean_text, stem_text, words
from tremplin.widgets.search_tags import ALL, CELL_SIZES, _cell, _cell_tag, _place_tag, _tag

INDEX_NAME = "search.sqlite"
INDEX_FORMAT = "3"
FAMILIES_FILE = Path(__file__).parent / "data" / "job_families.json"
#: bm25 weights of title, family_label, keywords, description, employer, commune, stems, tags.
BM25_WEIGHTS = (10.0, 4.0, 3.0, 1.0, 2.0, 2.0, 4.0, 0.0)
_FTS_COLUMNS = ("title", "family_label", "keywords", "description", "employer", "commune",
                "stems", "tags")
#: zlib preset dictionary of the compressed offers.
ZDICT_BYTES = 32 * 1024


def _load_families(path: Path | None) -> dict[str, list[str]]:
    """Family code → words that find it (label, titles, synonyms); {} if the file is absent."""
    path = FAMILIES_FILE if path is None else path
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    families = data.get("families", []) if isinstance(data, dict) else data
    found: dict[str, list[str]] = {}
    for family in families if isinstance(families, list) else []:
        if not isinstance(family, dict) or not family.get("code"):
            continue
        extra: list[str] = []
        for key in ("titles", "synonyms", "keywords"):
            value = family.get(key) or []
            extra.extend(str(v) for v in (value if isinstance(value, list) else [value]))
        found[str(family["code"])] = extra
    return found


def _read_offers(path: Path) -> tuple[list[tuple[dict[str, Any], int]], list[bytes], bytes]:
    """Each offer with its place among the kept lines, those lines, and the dictionary
    they will be compressed with."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise TremplinError(t("search.no_offers_file", path=path)) from error
    kept = [(number, line) for number, line in enumerate(data.split(b"\n"), 1) if line.strip()]
    del data
    lines = [line for _, line in kept]
    # Whole lines spread over the file: offers share much wording, so each one then
    # compresses about five times instead of twice.
    zdict = b"\n".join(lines[:: max(1, len(lines) // 24)])[-ZDICT_BYTES:] or b"\n"
    offers = []
    for index, (number, line) in enumerate(kept):
        try:
            offer = json.loads(line)
        except ValueError as error:
            raise TremplinError(t("search.bad_offers_line", line=number)) from error
        if isinstance(offer, dict) and offer.get("id"):
            offers.append((offer, index))
    return offers, lines, zdict


def _compress(lines: list[bytes], zdict: bytes) -> list[bytes]:
    packer = zlib.compressobj(3, zlib.DEFLATED, -15, 8, zlib.Z_DEFAULT_STRATEGY, zdict)
    packed = []
    for line in lines:
        each = packer.copy()
        packed.append(each.compress(line) + each.flush())
    return packed


def _reference_date(world_dir: Path, offers: list[dict[str, Any]]) -> str:
    """The world's "today" from world.json, else the latest publication date."""
    try:
        manifest = json.loads((world_dir / "world.json").read_text(encoding="utf-8"))
        return dt.date.fromisoformat(str(manifest["reference_date"])).isoformat()
    except (OSError, ValueError, KeyError, TypeError):
        dates = [str(o.get("published", "")) for o in offers if o.get("published")]
        return max(dates) if dates else dt.date(2026, 1, 1).isoformat()


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


_SCHEMA = f"""
CREATE TABLE meta(key TEXT PRIMARY KEY, value NOT NULL);
CREATE TABLE offers(rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, lat REAL, lon REAL);
CREATE TABLE docs(rowid INTEGER PRIMARY KEY, doc BLOB NOT NULL);
CREATE TABLE days(published TEXT PRIMARY KEY, last INTEGER NOT NULL) WITHOUT ROWID;
CREATE VIRTUAL TABLE offers_fts USING fts5(
    {", ".join(_FTS_COLUMNS)}, content = '',
    tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE titles_fts USING fts5(
    title, content = '', tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE vocab(word TEXT PRIMARY KEY, display TEXT NOT NULL, n INTEGER NOT NULL) WITHOUT ROWID;
"""


def _has_place(lat: float | None, lon: float | None) -> bool:
    return lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180


class _Rows:
    """The rows of the tables for a batch of offers (newest first)."""

    def __init__(self, families: dict[str, list[str]], codes: dict[str, dict[str, int]]):
        self.families, self.codes = families, codes
        self.days: dict[str, int] = {}
        self.vocabulary: Counter[str] = Counter()
        self._places: dict[tuple[float, float], list[str]] = {}
        self._pieces: dict[str, tuple[str, str]] = {}
        self.clear()

    def clear(self) -> None:
        self.offers: list[tuple[Any, ...]] = []
        self.fts: list[tuple[Any, ...]] = []

    def _piece(self, text: Any) -> tuple[str, str]:
        """(clean text, its stems) of a short field, remembered: titles and skills repeat."""
        key = str(text)
        found = self._pieces.get(key)
        if found is None:
            clean = clean_text(key)
            found = self._pieces[key] = (clean, stem_text(clean))
        return found

    def add(self, rowid: int, offer: dict[str, Any]) -> None:
        lat, lon = _number(offer.get("lat")), _number(offer.get("lon"))
        self.offers.append((rowid, str(offer["id"]), lat, lon))
        self.days[str(offer.get("published", ""))] = rowid
        raw_skills = [str(s) for s in offer.get("skills") or []]
        title, title_stems = self._piece(offer.get("title", ""))
        family, family_stems = self._piece(offer.get("family_label", ""))
        skills = [self._piece(s) for s in raw_skills]
        synonyms = self.families.get(str(offer.get("family", "")), [])
        self.vocabulary.update([str(offer.get("title", "")), str(offer.get("family_label", "")),
                                *raw_skills, *synonyms])
        stems = " ".join(s for s in (title_stems, family_stems, *(k[1] for k in skills),
                                     *(self._piece(k)[1] for k in synonyms)) if s)
        tags = [ALL, _tag("t", str(self.codes["title"][title]))]
        for key, kind in (("contract", "c"), ("working_time", "w")):
            code = self.codes[key].get(str(offer.get(key, "")))
            if code is not None:
                tags.append(_tag(kind, str(code)))
        tags.append(_place_tag(str(offer.get("insee", ""))))
        if lat is not None and lon is not None and _has_place(lat, lon):
            if (lat, lon) not in self._places:
                self._places[(lat, lon)] = [_cell_tag(level, *_cell(lat, lon, level))
                                            for level in range(len(CELL_SIZES))]
            tags += self._places[(lat, lon)]
        self.fts.append((
            rowid, title, family, " ; ".join([k[0] for k in skills] + synonyms),
            clean_text(str(offer.get("description", ""))),
            self._piece(offer.get("employer_name") or "")[0],
            self._piece(offer.get("commune", ""))[0], stems, " ".join(tags),
        ))


def _vocabulary(pieces: Counter[str]) -> list[tuple[str, str, int]]:
    """Words of titles, family labels and skills, folded → most frequent spelling."""
    spellings: dict[str, Counter[str]] = {}
    seen: dict[str, tuple[str, str] | None] = {}
    for piece, times in pieces.items():
        # "aide-soignant" is two words to the index, so two words to suggest from
        for raw in clean_text(piece).replace("’", " ").replace("'", " ").replace("-", " ").split():
            if raw not in seen:
                seen[raw] = _vocabulary_word(raw)
            if (entry := seen[raw]) is not None:
                spellings.setdefault(entry[0], Counter())[entry[1]] += times
    rows = []
    for word in sorted(spellings):
        counts = spellings[word]
        display = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        rows.append((word, display, sum(counts.values())))
    return rows


def _vocabulary_word(raw: str) -> tuple[str, str] | None:
    """(folded word, spelling to show) for one whitespace-separated token, if worth it."""
    found = words(raw)
    if len(found) != 1 or len(found[0]) < 3 or found[0].isdigit():
        return None
    original = raw.strip(".,;:!?()/«»\"").lower()
    return found[0], original if words(original) == found and original.isalpha() else found[0]


def build_index(world_dir: Path, *, families_file: Path | None = None) -> Path:
    """Write world_dir/search.sqlite from offers.jsonl, atomically and deterministically."""
    world_dir = Path(world_dir)
    target = world_dir / INDEX_NAME
    temp = world_dir / f".{INDEX_NAME}.{os.getpid()}.tmp"
    collecting = gc.isenabled()
    gc.disable()  # a hundred thousand offers: the collector would walk them again and again
    try:
        with ThreadPoolExecutor(1) as pool:
            offers, lines, zdict = _read_offers(world_dir / "offers.jsonl")
            offers.sort(key=lambda o: str(o[0]["id"]))
            # Newest first: row id order is date order, so a date-sorted page stops early.
            offers.sort(key=lambda o: str(o[0].get("published", "")), reverse=True)
            families = {code: [clean_text(w) for w in found]
                        for code, found in _load_families(families_file).items()}
            reference_date = _reference_date(world_dir, [o for o, _ in offers])
            temp.unlink(missing_ok=True)
            try:
                connection = sqlite3.connect(temp, isolation_level=None)
                try:
                    _fill(connection, offers, families, reference_date, pool, lines, zdict)
                finally:
                    connection.close()
                os.replace(temp, target)
            except OSError as error:
                temp.unlink(missing_ok=True)
                raise TremplinError(
                    t("search.cannot_write_index", path=target, reason=error)) from error
    finally:
        if collecting:
            gc.enable()
    return target


def _codes(offers: list[tuple[dict[str, Any], int]]) -> dict[str, dict[str, int]]:
    """Contract types, working times and titles → the numbers their hidden words carry."""
    found: dict[str, set[str]] = {"contract": set(), "working_time": set(), "title": set()}
    for offer, _ in offers:
        found["contract"].add(str(offer.get("contract", "")))
        found["working_time"].add(str(offer.get("working_time", "")))
        found["title"].add(clean_text(str(offer.get("title", ""))))
    return {key: {v: i for i, v in enumerate(sorted(values - ({""} if key != "title" else set())))}
            for key, values in found.items()}


#: Offers per batch (the parsed offers are let go as their rows are written).
_BATCH = 5000


def _fill(
    connection: sqlite3.Connection,
    offers: list[tuple[dict[str, Any], int]],
    families: dict[str, list[str]],
    reference_date: str,
    pool: ThreadPoolExecutor,
    lines: list[bytes],
    zdict: bytes,
) -> None:
    connection.execute("PRAGMA page_size = 4096")
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("PRAGMA cache_size = -65536")
    connection.executescript(_SCHEMA)
    codes = _codes(offers)
    count = len(offers)
    rows = _Rows(families, codes)
    columns = ", ".join(_FTS_COLUMNS)
    connection.execute(f"CREATE TEMP TABLE staging(rowid INTEGER PRIMARY KEY, {columns})")
    connection.execute("BEGIN")
    # A bigger in-memory buffer than FTS5's 1 MB: fewer segments to merge (insert 10 → 4 s).
    connection.execute("INSERT INTO offers_fts(offers_fts, rank) VALUES ('hashsize', ?)",
                       (64 * 1024 * 1024,))
    places = []
    for start in range(0, count, _BATCH):
        for rowid in range(start + 1, min(count, start + _BATCH) + 1):
            offer, place = offers[rowid - 1]
            rows.add(rowid, offer)
            places.append(place)
            offers[rowid - 1] = None  # type: ignore[call-overload]  # let it go
        connection.executemany("INSERT INTO offers VALUES (?,?,?,?)", rows.offers)
        connection.executemany(f"INSERT INTO staging VALUES (?, {', '.join('?' * len(_FTS_COLUMNS))})",
                               rows.fts)
        rows.clear()
    # The offers' lines are compressed in another thread while SQLite tokenizes every offer
    # in one statement, without the GIL (row by row, each thread would keep waiting for it).
    packing = pool.submit(_compress, lines, zdict)
    connection.execute(f"INSERT INTO offers_fts(rowid, {columns}) SELECT rowid, {columns} FROM staging")
    connection.execute("DROP TABLE staging")
    connection.executemany("INSERT INTO days VALUES (?,?)", sorted(rows.days.items()))
    connection.executemany("INSERT INTO titles_fts(rowid, title) VALUES (?, ?)",
                           ((i, title) for title, i in codes["title"].items()))
    connection.executemany("INSERT INTO vocab VALUES (?,?,?)", _vocabulary(rows.vocabulary))
    weights = ", ".join(str(w) for w in BM25_WEIGHTS)
    connection.execute("INSERT INTO offers_fts(offers_fts, rank) VALUES ('rank', ?)",
                       (f"bm25({weights})",))
    connection.execute("INSERT INTO offers_fts(offers_fts) VALUES ('optimize')")
    connection.execute("INSERT INTO titles_fts(titles_fts) VALUES ('optimize')")
    packed = packing.result()
    connection.executemany("INSERT INTO docs VALUES (?,?)",
                           ((rowid, packed[place]) for rowid, place in enumerate(places, 1)))
    connection.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [("format", INDEX_FORMAT), ("reference_date", reference_date),
         ("offers", str(count)), ("families", str(len(families))),
         ("contracts", json.dumps(sorted(codes["contract"]), ensure_ascii=False)),
         ("working_times", json.dumps(sorted(codes["working_time"]), ensure_ascii=False)),
         ("zdict", zdict)],
    )
    connection.execute("COMMIT")


# The engine's side of the file: is it current, and opening it read-only.


def _index_is_fresh(world_dir: Path) -> bool:
    """The index exists, is no older than offers.jsonl and has this INDEX_FORMAT."""
    index, offers = world_dir / INDEX_NAME, world_dir / "offers.jsonl"
    try:
        if index.stat().st_mtime < offers.stat().st_mtime:
            return False
        with contextlib.closing(_connect_read_only(index)) as connection:
            row = connection.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        return bool(row) and row[0] == INDEX_FORMAT
    except (OSError, sqlite3.Error):
        return False


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """Read-only, so many kernels can share the file; any thread may use the connection."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    return sqlite3.connect(uri, uri=True, check_same_thread=False)
