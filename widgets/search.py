"""The offer search engine: SearchEngine, over the SQLite FTS5 index of one world.

The engine opens world_dir/search.sqlite read-only (rebuilding it first when missing or
stale), so many kernels can share it, and turns a learner's words and filters into one
page of results. Learner input never raises: see search_query.py and search_plan.py.

The parts it stands on, one job each:
- search_index.py: building the index file (schema, rows, INDEX_NAME, INDEX_FORMAT);
- search_tags.py: the hidden filter and map-cell words the index and the engine share;
- search_plan.py: the learner's filter values checked into a plan, with messages;
- search_area.py: a radius as map cells, and the exact distance in SQL;
- search_highlight.py: the learner's words marked in titles and snippets;
- search_results.py: Hit, SearchResults and the French wording of pay and distances.
It re-exports their public names (__all__): every import from here keeps working.
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
import json
import math
import sqlite3
import zlib
from pathlib import Path
from typing import Any

from tremplin.widgets import geo
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t
from tremplin.widgets.search_area import MAX_SPAN, REFINE, _Area, _cover, _has_math, _km
from tremplin.widgets.search_highlight import SNIPPET_WORDS, _first_words, _marked
from tremplin.widgets.search_index import (
    BM25_WEIGHTS,
    FAMILIES_FILE,
    INDEX_FORMAT,
    INDEX_NAME,
    ZDICT_BYTES,
    _connect_read_only,
    _index_is_fresh,
    _number,
    build_index,
)
from tremplin.widgets.search_plan import (
    MAX_RADIUS_KM,
    MIN_RADIUS_KM,
    SORTS,
    _clamp_int,
    _Plan,
    _short,
    choose_sort,
    make_plan,
    relax_hint,
)
from tremplin.widgets.search_query import (
    MAX_TERMS,
    ParsedQuery,
    clean_text,
    exclusion_expression,
    match_expression,
    parse_query,
    title_expression,
)
from tremplin.widgets.search_results import Hit, SearchResults, marked_to_html, salary_text
from tremplin.widgets.search_tags import (
    ALL,
    CELL_OFFSET,
    CELL_SIZES,
    CELL_WIDTH,
    TAG,
    _any,
    _expression,
    _quoted,
    _tag,
)

__all__ = [  # this module's, then search_area's, _highlight's, _index's, _plan's, _results's, _tags's
    "CACHE_KIB", "MAX_PER_PAGE", "MAX_TITLES", "SearchEngine", "MAX_SPAN", "REFINE", "SNIPPET_WORDS",
    "BM25_WEIGHTS", "FAMILIES_FILE", "INDEX_FORMAT", "INDEX_NAME", "ZDICT_BYTES", "build_index",
    "MAX_RADIUS_KM", "MIN_RADIUS_KM", "SORTS", "Hit", "SearchResults", "marked_to_html", "salary_text",
    "ALL", "CELL_OFFSET", "CELL_SIZES", "CELL_WIDTH", "TAG",
]

MAX_PER_PAGE = 50
#: Above this many distinct titles holding the words, relevance ranks every offer by bm25.
#: (Tests monkeypatch it here: the engine reads it from this module.)
MAX_TITLES = 200
#: Page cache of each connection, in KiB.
CACHE_KIB = 16 * 1024
_HIDDEN_KEYS = ("scam", "scam_signs")


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
        sort = choose_sort(sort, parsed, plan, messages)
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

    def _plan(
        self, commune: Any, radius_km: Any, contract: Any, working_time: Any, days: Any
    ) -> _Plan:
        return make_plan(commune, radius_km, contract, working_time, days,
                         contracts=self._contracts, working_times=self._working_times,
                         reference_date=self.reference_date,
                         last_rowid_since=self._last_rowid_since)

    def _last_rowid_since(self, since: dt.date) -> int:
        # Row ids go newest first: "published since" is "row id up to the last of that day".
        row = self._db.execute("SELECT max(last) FROM days WHERE published >= ?",
                               (since.isoformat(),)).fetchone()
        return int(row[0] or 0)

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

        def total(relaxed: dict[str, Any]) -> int:
            other = self._plan(relaxed["commune"], relaxed["radius"], relaxed["contract"],
                               relaxed["working_time"], relaxed["days"])
            return self._run(parsed, other, "date", 1, 0)[1]

        return relax_hint(plan, values, total)
