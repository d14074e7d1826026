"""The offer search engine: an SQLite FTS5 index built from the world's offers.jsonl.

One file, world_dir/search.sqlite, derived from offers.jsonl (and world.json for the
reference date): a contentless FTS5 table for the words (case- and accent-insensitive,
a `stems` column so vendeur meets vendeuse) and for hidden filter words (contract,
working time, commune, title, map cells), a small FTS5 table of the distinct titles for
relevance, the offers' coordinates, the offers themselves (compressed JSON), and a small
vocabulary for "did you mean". Row ids go newest first. The engine opens it read-only,
so many kernels can share it. Learner input never raises: see search_query.py.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import gc
import html
import json
import math
import os
import re
import sqlite3
import zlib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tremplin.widgets import geo
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t
from tremplin.widgets.search_query import (
    ELLIPSIS,
    MARK_CLOSE,
    MARK_OPEN,
    MAX_TERMS,
    ParsedQuery,
    clean_text,
    exclusion_expression,
    fold_text,
    match_expression,
    parse_query,
    stem,
    stem_text,
    title_expression,
    words,
)

INDEX_NAME = "search.sqlite"
INDEX_FORMAT = "3"
FAMILIES_FILE = Path(__file__).parent / "data" / "job_families.json"
SORTS = ("relevance", "date", "distance")
MIN_RADIUS_KM, MAX_RADIUS_KM = 1.0, 150.0
MAX_PER_PAGE = 50
#: bm25 weights of title, family_label, keywords, description, employer, commune, stems, tags.
BM25_WEIGHTS = (10.0, 4.0, 3.0, 1.0, 2.0, 2.0, 4.0, 0.0)
_FTS_COLUMNS = ("title", "family_label", "keywords", "description", "employer", "commune",
                "stems", "tags")
#: Hidden words start with a private-use character: clean_text strips it from offers and
#: from learners' queries, so no one can type them, yet FTS5's tokenizer keeps it.
TAG = "\ue010"
ALL = TAG + "all"
#: Map cell heights in degrees of latitude, finest first; a cell is 1.5 times as wide.
CELL_SIZES = (0.0125, 0.025, 0.05, 0.1, 0.2, 0.4)
CELL_WIDTH, CELL_OFFSET = 1.5, 100_000
#: Above this many distinct titles holding the words, relevance ranks every offer by bm25.
MAX_TITLES = 200
#: zlib preset dictionary of the compressed offers; page cache of each connection.
ZDICT_BYTES, CACHE_KIB = 32 * 1024, 16 * 1024
_HIDDEN_KEYS = ("scam", "scam_signs")
_FILTER_KEYS = ("commune", "insee", "radius_km", "contract", "working_time", "published_within_days")


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Hit:
    """One offer in a result page, with its text ready to show (snippet already escaped)."""

    offer_id: str
    title: str
    employer_name: str
    commune: str
    distance_km: float | None
    contract: str
    working_time: str
    published: str
    salary_text: str
    snippet_html: str
    title_html: str


@dataclass(frozen=True)
class SearchResults:
    """One page of results, what was applied, and friendly words when something was off."""

    query: str
    filters: dict[str, Any]
    total: int
    page: int
    pages: int
    hits: list[Hit]
    sort: str = "relevance"
    per_page: int = 10
    message: str | None = None
    suggestions: list[str] = field(default_factory=list)
    relax_hint: str | None = None

    @property
    def ids(self) -> list[str]:
        return [h.offer_id for h in self.hits]


# --------------------------------------------------------------------------- building


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


def _tag(kind: str, value: str) -> str:
    """A hidden word of the `tags` column: the private-use TAG, a kind letter, a value."""
    return f"{TAG}{kind}{value}"


def _place_tag(insee: str) -> str:
    return _tag("i", insee.encode("utf-8").hex())


def _cell(lat: float, lon: float, level: int) -> tuple[int, int]:
    size = CELL_SIZES[level]
    return math.floor(lat / size), math.floor(lon / (size * CELL_WIDTH))


def _cell_tag(level: int, i: int, j: int) -> str:
    return _tag("g", f"{level}a{i + CELL_OFFSET}b{j + CELL_OFFSET}")


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


# --------------------------------------------------------------------------- the engine


def _index_is_fresh(world_dir: Path) -> bool:
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
    uri = f"{path.resolve().as_uri()}?mode=ro"
    return sqlite3.connect(uri, uri=True, check_same_thread=False)


@dataclass
class _Plan:
    """What a search will do, after the learner's values were checked."""

    filters: dict[str, Any]
    messages: list[str]
    tags: list[str] = field(default_factory=list)
    last_rowid: int | None = None
    centre: geo.Commune | None = None
    radius_km: float | None = None


@dataclass
class _Area:
    """A radius as map cells: those wholly inside need no test, the others the exact one."""

    inside: list[str]
    border: list[str]
    check: str
    params: list[Any]

    @property
    def cells(self) -> list[str]:
        return self.inside + self.border


def _any(tags: list[str]) -> str:
    return "(" + " OR ".join(_quoted(tag) for tag in tags) + ")"


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _expression(parts: list[str | None], negative: str | None = None) -> str:
    """FTS5 `(a) AND (b) ... NOT (n)`; parts are already valid expressions."""
    kept = [f"({p})" for p in parts if p]
    joined = " AND ".join(kept) if kept else _quoted(ALL)
    return f"({joined}) NOT ({negative})" if negative else joined


class SearchEngine:
    """Search the offers of one world; every method is safe with any learner input."""

    def __init__(self, connection: sqlite3.Connection, world_dir: Path):
        self._db = connection
        self.world_dir = world_dir
        self._db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self._db.create_function("km", 4, _km, deterministic=True)
        self._math = _has_math(self._db)
        meta = dict(self._db.execute("SELECT key, value FROM meta"))
        self.reference_date: dt.date = dt.date.fromisoformat(meta["reference_date"])
        self._offers = int(meta["offers"])
        self._contracts: list[str] = json.loads(meta["contracts"])
        self._working_times: list[str] = json.loads(meta["working_times"])
        self._zdict: bytes = meta["zdict"]
        self._vocab: dict[str, str] | None = None
        self._titles: dict[str, list[int] | None] = {}
        self._areas: dict[tuple[float, float, float], _Area] = {}

    @classmethod
    def open(cls, world_dir: Path, *, families_file: Path | None = None) -> SearchEngine:
        """Open the world's index, (re)building it first if missing or older than the offers."""
        world_dir = Path(world_dir)
        if not (world_dir / "offers.jsonl").exists() and not (world_dir / INDEX_NAME).exists():
            raise TremplinError(t("search.no_offers_file", path=world_dir / "offers.jsonl"))
        if (world_dir / "offers.jsonl").exists() and not _index_is_fresh(world_dir):
            build_index(world_dir, families_file=families_file)
        try:
            return cls(_connect_read_only(world_dir / INDEX_NAME), world_dir)
        except (sqlite3.Error, KeyError, ValueError, TypeError) as error:
            raise TremplinError(t("search.broken_index", path=world_dir / INDEX_NAME)) from error

    def close(self) -> None:
        self._db.close()

    def contracts(self) -> list[str]:
        """The contract types present in this world, alphabetically."""
        return list(self._contracts)

    def working_times(self) -> list[str]:
        return list(self._working_times)

    def _doc(self, blob: bytes) -> dict[str, Any]:
        """The offer's line as the world wrote it, without the hidden flags."""
        unpacker = zlib.decompressobj(-15, self._zdict)
        offer = json.loads(unpacker.decompress(blob) + unpacker.flush())
        for key in _HIDDEN_KEYS:
            offer.pop(key, None)
        offer["description"] = clean_text(str(offer.get("description", "")))
        return offer

    def offer(self, offer_id: str) -> dict[str, Any] | None:
        """The full offer as the world wrote it (without the hidden scam flags), or None."""
        row = self._db.execute(
            "SELECT d.doc FROM offers o JOIN docs d ON d.rowid = o.rowid WHERE o.id = ?",
            (str(offer_id)[:100],),
        ).fetchone()
        return None if row is None else self._doc(row[0])

    # ----------------------------------------------------------------- search

    def search(
        self,
        query: str | None = "",
        *,
        commune: str | None = None,
        radius_km: float | None = None,
        contract: str | None = None,
        working_time: str | None = None,
        published_within_days: int | None = None,
        sort: str = "relevance",
        page: int = 1,
        per_page: int = 10,
    ) -> SearchResults:
        """One page of offers matching the words and filters; never raises for learner input."""
        text = "" if query is None else str(query)
        parsed = parse_query(text)
        plan = self._plan(commune, radius_km, contract, working_time, published_within_days)
        messages = plan.messages
        if parsed.truncated:
            messages.insert(0, t("search.query_truncated", count=MAX_TERMS))
        if parsed.unbalanced_quote:
            messages.append(t("search.unbalanced_quote"))
        if parsed.is_empty and not parsed.has_exclusions and text.strip():
            messages.append(t("search.no_words", query=_short(text)))
        sort = self._choose_sort(sort, parsed, plan, messages)
        per_page = _clamp_int(per_page, 10, 1, MAX_PER_PAGE)
        page = _clamp_int(page, 1, 1, 1_000_000)
        rows, total = self._run(parsed, plan, sort, per_page, (page - 1) * per_page)
        pages = max(1, math.ceil(total / per_page))
        if page > pages:
            messages.append(t("search.page_out_of_range", page=page, last=pages))
            page = pages
            rows, total = self._run(parsed, plan, sort, per_page, (page - 1) * per_page)
        hits = [self._hit(rowid, parsed, plan) for rowid in rows]
        suggestions: list[str] = []
        relax: str | None = None
        if total == 0:
            suggestions = self._suggest(parsed)
            relax = self._relax_hint(parsed, plan, commune, radius_km, contract, working_time,
                                     published_within_days)
            if suggestions:
                messages.append(t("search.did_you_mean", words=", ".join(suggestions)))
            if relax:
                messages.append(relax)
            elif not suggestions:
                messages.append(t("search.no_results"))
        return SearchResults(
            query=text[:500], filters=plan.filters, total=total, page=page, pages=pages,
            hits=hits, sort=sort, per_page=per_page,
            message=" ".join(messages) if messages else None,
            suggestions=suggestions, relax_hint=relax,
        )

    def _choose_sort(self, sort: Any, parsed: ParsedQuery, plan: _Plan, messages: list[str]) -> str:
        sort = str(sort or "relevance").strip().lower()
        if sort not in SORTS:
            sort = "relevance"
        if sort == "distance" and plan.centre is None:
            messages.append(t("search.distance_needs_commune"))
            sort = "date"
        if sort == "relevance" and parsed.is_empty:
            sort = "date"
        return sort

    def _plan(
        self, commune: Any, radius_km: Any, contract: Any, working_time: Any, days: Any
    ) -> _Plan:
        plan = _Plan(filters=dict.fromkeys(_FILTER_KEYS), messages=[])
        self._plan_place(plan, commune, radius_km)
        self._plan_choice(plan, "contract", contract, self._contracts)
        self._plan_choice(plan, "working_time", working_time, self._working_times)
        self._plan_days(plan, days)
        return plan

    def _plan_place(self, plan: _Plan, commune: Any, radius_km: Any) -> None:
        name = clean_text(str(commune or "")).strip()[:100]
        radius = _radius_value(radius_km)
        place = geo.find_commune(name) if name else None
        if name and place is None:
            found = geo.suggest_communes(name)
            key = "search.unknown_commune" if found else "search.unknown_commune_no_suggestion"
            plan.messages.append(t(key, name=name, suggestions=", ".join(found)))
        if place is None:
            if radius is not None and radius != "invalid":
                plan.messages.append(t("search.radius_without_commune"))
            return
        plan.centre = place
        plan.filters.update(commune=place.name, insee=place.insee)
        if radius == "invalid":
            plan.messages.append(t("search.radius_invalid", value=_short(str(radius_km))))
            radius = None
        if radius is None:
            plan.tags.append(_place_tag(place.insee))
            return
        clamped = min(max(float(radius), MIN_RADIUS_KM), MAX_RADIUS_KM)
        if clamped != radius:
            key = "search.radius_too_small" if clamped > radius else "search.radius_too_large"
            plan.messages.append(t(key, km=_km_text(clamped), commune=place.name))
        plan.radius_km = clamped
        plan.filters["radius_km"] = clamped

    def _plan_choice(self, plan: _Plan, key: str, value: Any, choices: list[str]) -> None:
        wanted = fold_text(clean_text(str(value or ""))).strip()
        if not wanted or wanted in ("tous", "toutes", "all", "*"):
            return
        match = next((c for c in choices if fold_text(c) == wanted), None)
        if match is None:
            plan.messages.append(t(f"search.unknown_{key}", value=_short(str(value)),
                                   choices=", ".join(choices)))
            return
        plan.filters[key] = match
        plan.tags.append(_tag("c" if key == "contract" else "w", str(choices.index(match))))

    def _plan_days(self, plan: _Plan, days: Any) -> None:
        if days in (None, "", "toutes", "all"):
            return
        number = _number(days)
        if number is None or number < 0 or number != int(number):
            plan.messages.append(t("search.days_invalid", value=_short(str(days))))
            return
        count = int(min(number, 36500))
        since = self.reference_date - dt.timedelta(days=count)
        plan.filters["published_within_days"] = count
        # Row ids go newest first: "published since" is "row id up to the last of that day".
        row = self._db.execute("SELECT max(last) FROM days WHERE published >= ?",
                               (since.isoformat(),)).fetchone()
        plan.last_rowid = int(row[0] or 0)

    # ----------------------------------------------------------------- running

    def _run(
        self, parsed: ParsedQuery, plan: _Plan, sort: str, limit: int, offset: int
    ) -> tuple[list[int], int]:
        """Row ids of one page, and the exact total.

        Every filter is a hidden word of the FTS table (contract, working time, commune,
        map cells), and row ids go newest first, so FTS5 alone counts a search from its
        doclists and a date-ordered page stops after its ten rows. Only the offers in map
        cells that cross a radius's circle are read for the exact distance.
        """
        positive, negative = match_expression(parsed), exclusion_expression(parsed)
        area = self._area(plan.centre, plan.radius_km) if plan.radius_km is not None else None
        last = self._offers if plan.last_rowid is None else min(plan.last_rowid, self._offers)
        try:
            if positive is None and negative is None and not plan.tags and area is None:
                return list(range(offset + 1, min(last, offset + limit) + 1)), last
            parts = [positive, *(_quoted(tag) for tag in plan.tags)]
            total = self._count(parts, negative, last, area)
            if total <= offset:
                return [], total
            if sort == "distance" and plan.centre is not None:
                rows = self._nearest(parts, negative, plan, last, area, total, limit, offset)
            elif sort == "relevance" and positive is not None:
                rows = self._relevance(parsed, parts, negative, last, area, limit, offset)
            else:
                rows = self._newest(parts, negative, last, area, limit, offset)
        except sqlite3.OperationalError:  # a query FTS5 still refuses: treat as nothing found
            return [], 0
        return rows, total

    def _count(self, parts: list[str | None], negative: str | None, last: int,
               area: _Area | None) -> int:
        """Exact number of matches: FTS5 counts, the border cells get the exact distance."""
        if area is None:
            return self._fts_count(_expression(parts, negative), last)
        total = 0
        if area.inside:
            total += self._fts_count(_expression([*parts, _any(area.inside)], negative), last)
        if area.border:
            skip = [f"({negative})"] if negative else []
            if area.inside:
                skip.append(_any(area.inside))
            expression = _expression([*parts, _any(area.border)], " OR ".join(skip) or None)
            sql = ("SELECT count(*) FROM offers_fts CROSS JOIN offers o ON o.rowid = offers_fts.rowid"
                   f" WHERE offers_fts MATCH ? AND offers_fts.rowid <= ? AND {area.check}")
            total += self._db.execute(sql, [expression, last, *area.params]).fetchone()[0]
        return total

    def _fts_count(self, expression: str, last: int) -> int:
        sql = "SELECT count(*) FROM offers_fts WHERE offers_fts MATCH ? AND rowid <= ?"
        return self._db.execute(sql, (expression, last)).fetchone()[0]

    def _newest(self, parts: list[str | None], negative: str | None, last: int,
                area: _Area | None, limit: int, offset: int) -> list[int]:
        """One page, newest first: FTS5 walks its doclists in row id order and stops."""
        if area is None:
            sql = ("SELECT rowid FROM offers_fts WHERE offers_fts MATCH ? AND rowid <= ?"
                   " ORDER BY rowid LIMIT ? OFFSET ?")
            params: list[Any] = [_expression(parts, negative), last]
        else:
            sql = ("SELECT offers_fts.rowid FROM offers_fts CROSS JOIN offers o"
                   " ON o.rowid = offers_fts.rowid WHERE offers_fts MATCH ?"
                   f" AND offers_fts.rowid <= ? AND {area.check}"
                   " ORDER BY offers_fts.rowid LIMIT ? OFFSET ?")
            params = [_expression([*parts, _any(area.cells)], negative), last, *area.params]
        return [r[0] for r in self._db.execute(sql, [*params, limit, offset])]

    def _nearest(self, parts: list[str | None], negative: str | None, plan: _Plan, last: int,
                 area: _Area | None, total: int, limit: int, offset: int) -> list[int]:
        """Nearest first (then newest); a smaller circle first when it holds the page."""
        assert plan.centre is not None
        need = offset + limit
        if area is not None and plan.radius_km is not None and total > 4 * need:
            radius = max(0.5, plan.radius_km * math.sqrt(2 * need / total))
            while radius < plan.radius_km:
                small = self._area(plan.centre, radius)
                if self._count(parts, negative, last, small) >= need:
                    area = small
                    break
                radius *= 2
        check, params = (area.check, area.params) if area is not None else ("1", [])
        cells = [_any(area.cells)] if area is not None else []
        sql = ("SELECT offers_fts.rowid FROM offers_fts CROSS JOIN offers o"
               " ON o.rowid = offers_fts.rowid WHERE offers_fts MATCH ?"
               f" AND offers_fts.rowid <= ? AND {check}"
               f" ORDER BY {self._distance(plan.centre)}, offers_fts.rowid LIMIT ? OFFSET ?")
        params = [_expression([*parts, *cells], negative), last, *params, limit, offset]
        return [r[0] for r in self._db.execute(sql, params)]

    def _relevance(self, parsed: ParsedQuery, parts: list[str | None], negative: str | None,
                   last: int, area: _Area | None, limit: int, offset: int) -> list[int]:
        """Offers with the words in their title first, then the others, newest first.

        The title tier is ranked by title: bm25 over the world's distinct titles (a few
        hundred), then each title's offers newest first, so no per-offer ranking is
        needed. A world with very many distinct titles falls back to FTS5's bm25 per offer.
        """
        strong = title_expression(parsed)
        rows: list[int] = []
        skip = offset
        titles = self._matching_titles(strong) if strong else []
        if titles is not None:
            for title in titles:
                group = [*parts, _quoted(_tag("t", str(title)))]
                if skip:
                    size = self._count(group, negative, last, area)
                    if size <= skip:
                        skip -= size
                        continue
                rows += self._newest(group, negative, last, area, limit - len(rows), skip)
                skip = 0
                if len(rows) == limit:
                    return rows
            in_title = _any([_tag("t", str(title)) for title in titles]) if titles else None
        else:
            rows = self._ranked([*parts, strong], negative, last, area, limit, offset)
            if len(rows) == limit:
                return rows
            if rows or offset == 0:
                skip = 0
            else:
                skip = max(0, offset - self._count([*parts, strong], negative, last, area))
            in_title = strong
        others = " OR ".join(f"({x})" for x in (negative, in_title) if x) or None
        return rows + self._newest(parts, others, last, area, limit - len(rows), skip)

    def _matching_titles(self, strong: str) -> list[int] | None:
        """Title numbers whose title holds the words, best first; None when too many."""
        if strong not in self._titles:
            count = self._db.execute("SELECT count(*) FROM titles_fts WHERE titles_fts MATCH ?",
                                     (strong,)).fetchone()[0]
            if count > MAX_TITLES:
                found = None
            else:
                found = [r[0] for r in self._db.execute(
                    "SELECT rowid FROM titles_fts WHERE titles_fts MATCH ?"
                    " ORDER BY bm25(titles_fts), rowid", (strong,))]
            if len(self._titles) > 256:
                self._titles.clear()
            self._titles[strong] = found
        return self._titles[strong]

    def _ranked(self, parts: list[str | None], negative: str | None, last: int,
                area: _Area | None, limit: int, offset: int) -> list[int]:
        """bm25 over every match (the fallback of a world with many distinct titles)."""
        join, check, params = "", "", []
        if area is not None:
            join = " CROSS JOIN offers o ON o.rowid = offers_fts.rowid"
            check, params = f" AND {area.check}", area.params
            parts = [*parts, _any(area.cells)]
        sql = (f"SELECT offers_fts.rowid FROM offers_fts{join} WHERE offers_fts MATCH ?"
               f" AND offers_fts.rowid <= ?{check}"
               " ORDER BY offers_fts.rank, offers_fts.rowid LIMIT ? OFFSET ?")
        return [r[0] for r in self._db.execute(
            sql, [_expression(parts, negative), last, *params, limit, offset])]

    def _area(self, centre: geo.Commune | None, radius_km: float | None) -> _Area | None:
        """The map cells of a circle, sorted into wholly inside and crossing its border."""
        if centre is None or radius_km is None:
            return None
        key = (centre.lat, centre.lon, radius_km)
        if key not in self._areas:
            if len(self._areas) > 256:
                self._areas.clear()
            self._areas[key] = _cover(centre, radius_km, self._distance(centre))
        return self._areas[key]

    def _distance(self, centre: geo.Commune) -> str:
        """SQL distance from a commune (its coordinates are ours, never learner text)."""
        lat, lon = float(centre.lat), float(centre.lon)
        if self._math:
            return (f"(2 * {geo.EARTH_RADIUS_KM!r} * asin(sqrt("
                    f"power(sin((radians(o.lat) - radians({lat!r})) / 2), 2)"
                    f" + cos(radians({lat!r})) * cos(radians(o.lat))"
                    f" * power(sin(radians(o.lon - {lon!r}) / 2), 2))))")
        return f"km(o.lat, o.lon, {lat!r}, {lon!r})"

    def _hit(self, rowid: int, parsed: ParsedQuery, plan: _Plan) -> Hit:
        offer_id, lat, lon, blob = self._db.execute(
            "SELECT o.id, o.lat, o.lon, d.doc FROM offers o JOIN docs d ON d.rowid = o.rowid"
            " WHERE o.rowid = ?", (rowid,)
        ).fetchone()
        doc = self._doc(blob)
        title = clean_text(str(doc.get("title", "")))
        description = str(doc.get("description", ""))
        snippet, title_marked = _marked(title, description, parsed)
        if snippet is None:
            snippet = _first_words(description)
        distance = None
        if plan.centre is not None and lat is not None and lon is not None:
            distance = round(geo.distance_km(plan.centre.lat, plan.centre.lon, lat, lon), 1)
        return Hit(
            offer_id=offer_id, title=title,
            employer_name=clean_text(str(doc.get("employer_name") or "")),
            commune=str(doc.get("commune", "")), distance_km=distance,
            contract=str(doc.get("contract", "")),
            working_time=str(doc.get("working_time", "")),
            published=str(doc.get("published", "")),
            salary_text=salary_text(_number(doc.get("salary_min")),
                                    _number(doc.get("salary_max")),
                                    str(doc.get("salary_period", ""))),
            snippet_html=marked_to_html(snippet),
            title_html=marked_to_html(title_marked) if title_marked else html.escape(title),
        )

    # ----------------------------------------------------------------- help on zero results

    def _suggest(self, parsed: ParsedQuery, limit: int = 3) -> list[str]:
        """Close spellings of the words that find nothing ("did you mean")."""
        if self._vocab is None:
            self._vocab = dict(self._db.execute("SELECT word, display FROM vocab"))
        known = list(self._vocab)
        found: list[str] = []
        for word in parsed.positive_words():
            if len(word) < 3 or word in self._vocab or self._prefix_known(word):
                continue
            for close in difflib.get_close_matches(word, known, n=limit, cutoff=0.75):
                if self._vocab[close] not in found:
                    found.append(self._vocab[close])
        return found[:limit]

    def _prefix_known(self, word: str) -> bool:
        row = self._db.execute("SELECT 1 FROM vocab WHERE word >= ? AND word < ? LIMIT 1",
                               (word, word + "\uffff")).fetchone()
        return row is not None

    def _relax_hint(self, parsed: ParsedQuery, plan: _Plan, commune: Any, radius: Any,
                    contract: Any, working_time: Any, days: Any) -> str | None:
        """On zero results with filters: the one filter whose removal gives offers."""
        values = {"commune": commune, "radius": radius, "contract": contract,
                  "working_time": working_time, "days": days}
        candidates = []
        if plan.filters["published_within_days"] is not None:
            candidates.append(("days", t("search.filter_days",
                                         days=plan.filters["published_within_days"])))
        if plan.filters["contract"]:
            candidates.append(("contract", t("search.filter_contract",
                                             value=plan.filters["contract"])))
        if plan.filters["working_time"]:
            candidates.append(("working_time", t("search.filter_working_time",
                                                 value=plan.filters["working_time"])))
        if plan.filters["insee"]:
            candidates.append(("commune", t("search.filter_place", commune=plan.filters["commune"])))
        for key, label in candidates:
            relaxed = dict(values)
            relaxed[key] = None
            if key == "commune":
                relaxed["radius"] = None
            other = self._plan(relaxed["commune"], relaxed["radius"], relaxed["contract"],
                               relaxed["working_time"], relaxed["days"])
            _, total = self._run(parsed, other, "date", 1, 0)
            if total:
                return t("search.relax_hint", filter=label, count=total)
        return None




# --------------------------------------------------------------------------- map cells

#: Cells of a circle's box at the coarsest level used (per side), then border refinement.
MAX_SPAN, REFINE = 6, 2
#: Metres of margin (in km) when a whole cell is declared inside a circle.
_MARGIN_KM = 0.01
_EPS = 1e-9


def _cell_rect(level: int, i: int, j: int) -> tuple[float, float, float, float]:
    size = CELL_SIZES[level]
    width = size * CELL_WIDTH
    return i * size, (i + 1) * size, j * width, (j + 1) * width


def _cells_over(level: int, rect: tuple[float, float, float, float]) -> list[tuple[int, int]]:
    i0, j0 = _cell(rect[0] - _EPS, rect[2] - _EPS, level)
    i1, j1 = _cell(rect[1] + _EPS, rect[3] + _EPS, level)
    return [(i, j) for i in range(i0, i1 + 1) for j in range(j0, j1 + 1)]


def _where(centre: geo.Commune, radius_km: float, level: int, i: int, j: int) -> str:
    """"in" (every point of the cell is in the circle), "out" or "border"."""
    lat0, lat1, lon0, lon1 = _cell_rect(level, i, j)
    corners = [geo.distance_km(centre.lat, centre.lon, a, b) for a in (lat0, lat1) for b in (lon0, lon1)]
    if max(corners) <= radius_km - _MARGIN_KM:  # a lat/lon cell's farthest point is a corner
        return "in"
    near = geo.distance_km(centre.lat, centre.lon, min(max(centre.lat, lat0), lat1),
                           min(max(centre.lon, lon0), lon1))
    diagonal = geo.distance_km(lat0, lon0, lat1, lon1)
    return "out" if near - diagonal > radius_km + _MARGIN_KM else "border"


def _cover(centre: geo.Commune, radius_km: float, distance: str) -> _Area:
    """Cells covering the circle's box: coarse inside, finer along the border.

    The exact test is the one a radius always had: inside the box a little larger than
    the circle, and either inside the square inscribed in it or at most `radius_km` away.
    A cell is "in" only when all its points pass it with a 10 m margin.
    """
    box = _bounding_box(centre, radius_km)
    level = next((lv for lv in range(len(CELL_SIZES))
                  if len(_cells_over(lv, (box[0], box[1], box[2], box[3]))) <= MAX_SPAN ** 2),
                 len(CELL_SIZES) - 1)
    inside: list[str] = []
    todo = _cells_over(level, (box[0], box[1], box[2], box[3]))
    for depth in range(REFINE + 1):
        border = []
        for i, j in todo:
            where = _where(centre, radius_km, level, i, j)
            if where == "in":
                inside.append(_cell_tag(level, i, j))
            elif where == "border":
                border.append((i, j))
        if depth == REFINE or level == 0:
            break
        finer: dict[tuple[int, int], None] = {}
        for i, j in border:
            lat0, lat1, lon0, lon1 = _cell_rect(level, i, j)
            rect = (max(lat0, box[0]), min(lat1, box[1]), max(lon0, box[2]), min(lon1, box[3]))
            finer.update(dict.fromkeys(_cells_over(level - 1, rect)))
        level, todo = level - 1, list(finer)
    check = (f"o.lat BETWEEN ? AND ? AND o.lon BETWEEN ? AND ?"
             f" AND (o.lat BETWEEN ? AND ? AND o.lon BETWEEN ? AND ? OR {distance} <= ?)")
    return _Area(inside=inside, border=[_cell_tag(level, i, j) for i, j in border], check=check,
                 params=[*box, *_inner_box(centre, radius_km), radius_km])


# --------------------------------------------------------------------------- highlights

#: Words around the first match in a snippet (FTS5's snippet() used 28 tokens too).
SNIPPET_WORDS = 28
_TOKEN = re.compile(r"[^\W_]+")


def _wanted(parsed: ParsedQuery) -> tuple[frozenset[str], tuple[str, ...]]:
    """Folded words and stems to mark, and the prefixes (the last word, from 4 letters)."""
    exact: set[str] = set()
    for word in parsed.positive_words():
        exact.update((word, stem(word)))
    prefixes = tuple(parsed.terms[-1:]) if parsed.terms and len(parsed.terms[-1]) >= 4 else ()
    return frozenset(exact), prefixes


def _is_wanted(token: str, exact: frozenset[str], prefixes: tuple[str, ...]) -> bool:
    for folded in words(token):
        if folded in exact or stem(folded) in exact or folded.startswith(prefixes or ("\0",)):
            return True
    return False


def _mark(text: str, exact: frozenset[str], prefixes: tuple[str, ...]) -> str:
    """`text` with the wanted words between MARK_OPEN and MARK_CLOSE."""

    def marked(match: re.Match[str]) -> str:
        token = match.group()
        return f"{MARK_OPEN}{token}{MARK_CLOSE}" if _is_wanted(token, exact, prefixes) else token

    return _TOKEN.sub(marked, text)


def _marked(title: str, description: str, parsed: ParsedQuery) -> tuple[str | None, str | None]:
    """(description snippet, title) with the learner's words marked, as FTS5's snippet() did.

    Done in Python on the page's ten offers: FTS5's snippet() re-tokenised each whole
    description through the index (about 1.5 ms an offer at 100,000 offers).
    """
    if parsed.is_empty:
        return None, None
    exact, prefixes = _wanted(parsed)
    title_marked = _mark(title, exact, prefixes)
    tokens = list(_TOKEN.finditer(description))
    first = next((i for i, m in enumerate(tokens) if _is_wanted(m.group(), exact, prefixes)), None)
    if first is None:
        return None, title_marked
    start = max(0, min(first - 3, len(tokens) - SNIPPET_WORDS))
    stop = min(len(tokens), start + SNIPPET_WORDS)
    begin = tokens[start].start() if start else 0
    end = tokens[stop - 1].end() if stop < len(tokens) else len(description)
    window = _mark(description[begin:end], exact, prefixes)
    return (ELLIPSIS if start else "") + window + (ELLIPSIS if stop < len(tokens) else ""), title_marked


# --------------------------------------------------------------------------- helpers


def _km(lat: float | None, lon: float | None, lat0: float, lon0: float) -> float | None:
    if lat is None or lon is None:
        return None
    return geo.distance_km(lat0, lon0, lat, lon)


def _has_math(connection: sqlite3.Connection) -> bool:
    try:
        connection.execute("SELECT asin(1), power(sin(radians(1)), 2)").fetchone()
    except sqlite3.OperationalError:
        return False
    return True


def _inner_box(centre: geo.Commune, radius_km: float) -> list[float]:
    """A lat/lon box safely inside the circle: its points need no exact distance."""
    half = radius_km / math.sqrt(2) * 0.95
    dlat = half / 111.3
    narrowest = min(89.0, abs(centre.lat) + dlat)
    dlon = half / (111.3 * math.cos(math.radians(narrowest)))
    return [centre.lat - dlat, centre.lat + dlat, centre.lon - dlon, centre.lon + dlon]


def _bounding_box(centre: geo.Commune, radius_km: float) -> list[float]:
    """A lat/lon box a little larger than the circle, so the exact test drops nothing."""
    dlat = radius_km / 110.0
    widest = min(89.0, abs(centre.lat) + dlat)
    dlon = radius_km / (110.0 * math.cos(math.radians(widest)))
    return [centre.lat - dlat, centre.lat + dlat, centre.lon - dlon, centre.lon + dlon]


def _radius_value(value: Any) -> float | str | None:
    if value in (None, ""):
        return None
    number = _number(value)
    return "invalid" if number is None else number


def _clamp_int(value: Any, default: int, low: int, high: int) -> int:
    number = _number(value)
    if number is None:
        return default
    return int(min(max(number, low), high))


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(clean_text(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _first_words(text: str, count: int = 28) -> str:
    parts = clean_text(text).split()
    return " ".join(parts[:count]) + (ELLIPSIS if len(parts) > count else "")


def marked_to_html(text: str) -> str:
    """Escape everything, then turn the private-use marks into <mark>…</mark>."""
    escaped = html.escape(text, quote=True)
    return (escaped.replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
            .replace(ELLIPSIS, "…"))


def _km_text(km: float) -> str:
    return f"{km:g}".replace(".", ",")


def _money(amount: float) -> str:
    if amount == int(amount):
        return f"{int(amount):,}".replace(",", "\u202f")
    return f"{amount:,.2f}".replace(",", "\u202f").replace(".", ",")


def salary_text(low: float | None, high: float | None, period: str | None) -> str:
    """Pay in plain French: "1 850 à 2 000 € par mois"."""
    per = t(f"search.period_{period}") if period in ("mois", "heure") else t("search.period_mois")
    if low is None and high is None:
        return t("search.salary_unknown")
    if low is None or high is None or low == high:
        return t("search.salary_single", amount=_money(low if low is not None else high), period=per)
    return t("search.salary_range", min=_money(low), max=_money(high), period=per)
