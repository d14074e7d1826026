"""The offer search engine: an SQLite FTS5 index built from the world's offers.jsonl.

One file, world_dir/search.sqlite, derived from offers.jsonl (and world.json for the
reference date): an FTS5 table for the words (case- and accent-insensitive, bm25
weights that favour the title, a `stems` column so vendeur meets vendeuse),
a plain table with the filterable columns and the full offer, an R*Tree for the radius
prefilter, and a small vocabulary for "did you mean". The engine opens it read-only, so
many kernels can share it. Learner input never raises: see search_query.py.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import html
import json
import math
import os
import re
import sqlite3
from collections import Counter
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
INDEX_FORMAT = "2"
FAMILIES_FILE = Path(__file__).parent / "data" / "job_families.json"
SORTS = ("relevance", "date", "distance")
MIN_RADIUS_KM, MAX_RADIUS_KM = 1.0, 150.0
MAX_PER_PAGE = 50
#: Above this many offers in a radius's box, a date-sorted page walks the date index.
DENSE_BOX = 400
#: The "sort" of a count: whatever plan makes counting cheapest (the R*Tree for a radius).
COUNT = "count"
#: bm25 weights of title, family_label, keywords, description, employer, commune, stems.
BM25_WEIGHTS = (10.0, 4.0, 3.0, 1.0, 2.0, 2.0, 4.0)
_FTS_COLUMNS = ("title", "family_label", "keywords", "description", "employer", "commune", "stems")
_DESCRIPTION_COLUMN, _TITLE_COLUMN = 3, 0
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


def _read_offers(path: Path) -> list[dict[str, Any]]:
    offers = []
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    offer = json.loads(line)
                except ValueError as error:
                    raise TremplinError(t("search.bad_offers_line", line=number)) from error
                if isinstance(offer, dict) and offer.get("id"):
                    offers.append(offer)
    except OSError as error:
        raise TremplinError(t("search.no_offers_file", path=path)) from error
    return offers


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
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE offers(
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, insee TEXT, commune TEXT,
    lat REAL, lon REAL, contract TEXT, working_time TEXT, published TEXT,
    salary_min REAL, salary_max REAL, salary_period TEXT, scam INTEGER NOT NULL);
CREATE TABLE docs(rowid INTEGER PRIMARY KEY, doc TEXT NOT NULL);
CREATE INDEX offers_published ON offers(published, rowid);
CREATE INDEX offers_insee ON offers(insee);
CREATE VIRTUAL TABLE offers_geo USING rtree(id, minlat, maxlat, minlon, maxlon);
CREATE VIRTUAL TABLE offers_fts USING fts5(
    {", ".join(_FTS_COLUMNS)},
    tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE vocab(word TEXT PRIMARY KEY, display TEXT NOT NULL, n INTEGER NOT NULL) WITHOUT ROWID;
"""


def _fts_row(rowid: int, offer: dict[str, Any], synonyms: list[str]) -> tuple[Any, ...]:
    skills = [str(s) for s in offer.get("skills") or []]
    keywords = clean_text(" ; ".join(skills + synonyms))
    title = clean_text(str(offer.get("title", "")))
    family = clean_text(str(offer.get("family_label", "")))
    stems = stem_text(f"{title} {family} {keywords}")
    return (
        rowid, title, family, keywords,
        clean_text(str(offer.get("description", ""))),
        clean_text(str(offer.get("employer_name") or "")),
        clean_text(str(offer.get("commune", ""))),
        stems,
    )


def _offer_row(rowid: int, offer: dict[str, Any]) -> tuple[Any, ...]:
    return (
        rowid, str(offer["id"]), str(offer.get("insee", "")), str(offer.get("commune", "")),
        _number(offer.get("lat")), _number(offer.get("lon")),
        str(offer.get("contract", "")), str(offer.get("working_time", "")),
        str(offer.get("published", "")),
        _number(offer.get("salary_min")), _number(offer.get("salary_max")),
        str(offer.get("salary_period", "")), 1 if offer.get("scam") else 0,
    )


def _doc_row(rowid: int, offer: dict[str, Any]) -> tuple[int, str]:
    """The offer as JSON, without the hidden flags; the description lives in the FTS table."""
    shown = {k: (None if k == "description" else v) for k, v in offer.items()
             if k not in _HIDDEN_KEYS}
    return rowid, json.dumps(shown, ensure_ascii=False, separators=(",", ":"))


def _vocabulary(offers: list[dict[str, Any]]) -> list[tuple[str, str, int]]:
    """Words of titles, family labels and skills, folded → most frequent spelling."""
    spellings: dict[str, Counter[str]] = {}
    seen: dict[str, tuple[str, str] | None] = {}
    for offer in offers:
        text = " ".join(
            [str(offer.get("title", "")), str(offer.get("family_label", ""))]
            + [str(s) for s in offer.get("skills") or []]
        )
        for raw in clean_text(text).replace("’", " ").replace("'", " ").split():
            if raw not in seen:
                seen[raw] = _vocabulary_word(raw)
            if (entry := seen[raw]) is not None:
                spellings.setdefault(entry[0], Counter())[entry[1]] += 1
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
    offers = sorted(_read_offers(world_dir / "offers.jsonl"), key=lambda o: str(o["id"]))
    families = _load_families(families_file)
    target = world_dir / INDEX_NAME
    temp = world_dir / f".{INDEX_NAME}.{os.getpid()}.tmp"
    temp.unlink(missing_ok=True)
    try:
        connection = sqlite3.connect(temp, isolation_level=None)
        try:
            _fill(connection, offers, families, _reference_date(world_dir, offers))
        finally:
            connection.close()
        os.replace(temp, target)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise TremplinError(t("search.cannot_write_index", path=target, reason=error)) from error
    return target


def _fill(
    connection: sqlite3.Connection,
    offers: list[dict[str, Any]],
    families: dict[str, list[str]],
    reference_date: str,
) -> None:
    connection.execute("PRAGMA page_size = 4096")
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    connection.executescript(_SCHEMA)
    connection.execute("BEGIN")
    connection.executemany("INSERT INTO offers VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           (_offer_row(i, o) for i, o in enumerate(offers, 1)))
    connection.executemany("INSERT INTO docs VALUES (?,?)",
                           (_doc_row(i, o) for i, o in enumerate(offers, 1)))
    connection.executemany(
        "INSERT INTO offers_fts(rowid, title, family_label, keywords, description, employer,"
        " commune, stems) VALUES (?,?,?,?,?,?,?,?)",
        (_fts_row(i, o, families.get(str(o.get("family", "")), [])) for i, o in enumerate(offers, 1)),
    )
    connection.executemany(
        "INSERT INTO offers_geo VALUES (?,?,?,?,?)",
        ((i, lat, lat, lon, lon) for i, o in enumerate(offers, 1)
         if (lat := _number(o.get("lat"))) is not None and (lon := _number(o.get("lon"))) is not None),
    )
    connection.executemany("INSERT INTO vocab VALUES (?,?,?)", _vocabulary(offers))
    weights = ", ".join(str(w) for w in BM25_WEIGHTS)
    connection.execute("INSERT INTO offers_fts(offers_fts, rank) VALUES ('rank', ?)",
                       (f"bm25({weights})",))
    connection.execute("INSERT INTO offers_fts(offers_fts) VALUES ('optimize')")
    connection.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [("format", INDEX_FORMAT), ("reference_date", reference_date),
         ("offers", str(len(offers))), ("families", str(len(families)))],
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
    where: list[str]
    params: list[Any]
    centre: geo.Commune | None = None
    radius_km: float | None = None


class SearchEngine:
    """Search the offers of one world; every method is safe with any learner input."""

    def __init__(self, connection: sqlite3.Connection, world_dir: Path):
        self._db = connection
        self.world_dir = world_dir
        self._db.create_function("km", 4, _km, deterministic=True)
        self._math = _has_math(self._db)
        meta = dict(self._db.execute("SELECT key, value FROM meta"))
        self.reference_date: dt.date = dt.date.fromisoformat(meta["reference_date"])
        self._contracts = [r[0] for r in self._db.execute(
            "SELECT DISTINCT contract FROM offers WHERE contract != '' ORDER BY contract")]
        self._working_times = [r[0] for r in self._db.execute(
            "SELECT DISTINCT working_time FROM offers WHERE working_time != '' ORDER BY 1")]
        self._vocab: dict[str, str] | None = None

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
        except (sqlite3.Error, KeyError, ValueError) as error:
            raise TremplinError(t("search.broken_index", path=world_dir / INDEX_NAME)) from error

    def close(self) -> None:
        self._db.close()

    def contracts(self) -> list[str]:
        """The contract types present in this world, alphabetically."""
        return list(self._contracts)

    def working_times(self) -> list[str]:
        return list(self._working_times)

    def offer(self, offer_id: str) -> dict[str, Any] | None:
        """The full offer as the world wrote it (without the hidden scam flags), or None."""
        row = self._db.execute(
            "SELECT d.doc, f.description FROM offers o JOIN docs d ON d.rowid = o.rowid"
            " JOIN offers_fts f ON f.rowid = o.rowid WHERE o.id = ?", (str(offer_id)[:100],)
        ).fetchone()
        if row is None:
            return None
        offer = json.loads(row[0])
        offer["description"] = row[1]
        return offer

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
        plan = _Plan(filters=dict.fromkeys(_FILTER_KEYS), messages=[], where=[], params=[])
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
            plan.where.append("o.insee = ?")
            plan.params.append(place.insee)
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
        plan.where.append(f"o.{key} = ?")
        plan.params.append(match)

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
        plan.where.append("o.published >= ?")
        plan.params.append(since.isoformat())

    # ----------------------------------------------------------------- running

    def _run(
        self, parsed: ParsedQuery, plan: _Plan, sort: str, limit: int, offset: int
    ) -> tuple[list[int], int]:
        """Row ids of one page, then the exact total from a count that skips the ranking.

        Relevance ranks in two tiers: offers with the words in their title first, ordered
        by bm25, then the others (words found in the description, skills or the job
        family's synonyms), newest first. bm25 costs a few microseconds per ranked row, so
        ranking only the title tier keeps a search fast at 100,000 offers, and the order
        is the one a job seeker expects. A window count would materialise every match:
        a plain count, which FTS5 answers from its doclists, is cheaper.
        """
        strong = title_expression(parsed) if sort == "relevance" else None
        try:
            total = self._count(self._select(parsed, plan, COUNT))
            if strong is None:
                return self._page(self._select(parsed, plan, sort), limit, offset), total
            negative = exclusion_expression(parsed)
            if negative:
                strong = f"({strong}) NOT ({negative})"
            tier_one = self._select(parsed, plan, sort, expression=strong)
            rows = self._page(tier_one, limit, offset)
            if len(rows) < limit and total > 0:
                # A short page means the title tier ended on it (unless it started past it).
                in_title = offset + len(rows) if rows or offset == 0 else self._count(tier_one)
                full = self._select(parsed, plan, sort)[3][0]
                tier_two = self._select(parsed, plan, "date", expression=f"({full}) NOT ({strong})")
                rows += self._page(tier_two, limit - len(rows), max(0, offset - in_title))
        except sqlite3.OperationalError:  # a query FTS5 still refuses: treat as nothing found
            return [], 0
        return rows, total

    def _in_box(self, box: list[float]) -> int:
        """Offers in a lat/lon box, from the R*Tree alone (under a millisecond)."""
        sql = ("SELECT count(*) FROM offers_geo"
               " WHERE minlat >= ? AND maxlat <= ? AND minlon >= ? AND maxlon <= ?")
        return self._db.execute(sql, box).fetchone()[0]

    def _page(self, select: tuple[str, str, str, list[Any], str], limit: int, offset: int) -> list[int]:
        rid, source, where, params, order = select
        sql = f"SELECT {rid} FROM {source} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?"
        return [r[0] for r in self._db.execute(sql, [*params, limit, offset])]

    def _count(self, select: tuple[str, str, str, list[Any], str]) -> int:
        _rid, source, where, params, _order = select
        return self._db.execute(f"SELECT count(*) FROM {source} WHERE {where}", params).fetchone()[0]

    def _distance(self, centre: geo.Commune) -> str:
        """SQL distance from a commune (its coordinates are ours, never learner text)."""
        lat, lon = float(centre.lat), float(centre.lon)
        if self._math:
            return (f"(2 * {geo.EARTH_RADIUS_KM!r} * asin(sqrt("
                    f"power(sin((radians(o.lat) - radians({lat!r})) / 2), 2)"
                    f" + cos(radians({lat!r})) * cos(radians(o.lat))"
                    f" * power(sin(radians(o.lon - {lon!r}) / 2), 2))))")
        return f"km(o.lat, o.lon, {lat!r}, {lon!r})"

    def _select(
        self, parsed: ParsedQuery, plan: _Plan, sort: str, expression: str | None = None
    ) -> tuple[str, str, str, list[Any], str]:
        """Row id column, FROM, WHERE, its parameters and ORDER BY of one search.

        `expression` replaces the MATCH built from the query (the title tier of relevance).
        """
        where, params = list(plan.where), list(plan.params)
        positive, negative = match_expression(parsed), exclusion_expression(parsed)
        distance = self._distance(plan.centre) if plan.centre else "0"
        source = "offers o"
        if plan.radius_km is not None and plan.centre is not None:
            box = _bounding_box(plan.centre, plan.radius_km)
            if positive:
                where.append("o.lat BETWEEN ? AND ? AND o.lon BETWEEN ? AND ?")
            elif sort == "date" and self._in_box(box) >= DENSE_BOX:
                # Many offers around: walking the date index finds a page's ten at once;
                # the R*Tree would fetch and sort thousands first.
                where.append("o.lat BETWEEN ? AND ? AND o.lon BETWEEN ? AND ?")
                source = "offers o INDEXED BY offers_published"
            else:
                where.append("o.rowid IN (SELECT id FROM offers_geo WHERE minlat >= ? AND "
                             "maxlat <= ? AND minlon >= ? AND maxlon <= ?)")
            params += box
            # Inside the box inscribed in the circle no exact test is needed.
            where.append(f"(o.lat BETWEEN ? AND ? AND o.lon BETWEEN ? AND ? OR {distance} <= ?)")
            params += [*_inner_box(plan.centre, plan.radius_km), plan.radius_km]
        if not positive:
            if negative:
                where.append("o.rowid NOT IN (SELECT rowid FROM offers_fts WHERE offers_fts MATCH ?)")
                params.append(negative)
            order = {"distance": f"{distance}, o.published DESC, o.rowid"}.get(
                sort, "o.published DESC, o.rowid")
            return "o.rowid", source, " AND ".join(where) or "1", params, order
        if expression is None:
            expression = f"({positive}) NOT ({negative})" if negative else positive
        order = {"relevance": "offers_fts.rank, offers_fts.rowid",
                 "date": "o.published DESC, offers_fts.rank, offers_fts.rowid",
                 "distance": f"{distance}, offers_fts.rank, offers_fts.rowid"}.get(sort, "offers_fts.rowid")
        joined = bool(where) or sort != "relevance"
        # CROSS JOIN keeps FTS5 as the outer loop: driven from an index on offers, SQLite
        # would re-run the MATCH once per offer (measured 10x slower with a date filter).
        source = ("offers_fts CROSS JOIN offers o ON o.rowid = offers_fts.rowid"
                  if joined else "offers_fts")
        where_sql = " AND ".join(["offers_fts MATCH ?", *where])
        return "offers_fts.rowid", source, where_sql, [expression, *params], order

    def _hit(self, rowid: int, parsed: ParsedQuery, plan: _Plan) -> Hit:
        row = self._db.execute(
            "SELECT o.id, o.commune, o.lat, o.lon, o.contract, o.working_time, o.published,"
            " o.salary_min, o.salary_max, o.salary_period, f.title, f.employer, f.description"
            " FROM offers o JOIN offers_fts f ON f.rowid = o.rowid WHERE o.rowid = ?", (rowid,)
        ).fetchone()
        (offer_id, commune, lat, lon, contract, working_time, published, smin, smax, period,
         title, employer, description) = row
        snippet, title_marked = _marked(title, description, parsed)
        if snippet is None:
            snippet = _first_words(description)
        distance = None
        if plan.centre is not None and lat is not None and lon is not None:
            distance = round(geo.distance_km(plan.centre.lat, plan.centre.lon, lat, lon), 1)
        return Hit(
            offer_id=offer_id, title=title, employer_name=employer,
            commune=commune, distance_km=distance, contract=contract, working_time=working_time,
            published=published, salary_text=salary_text(smin, smax, period),
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
