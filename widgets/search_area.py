"""A radius around a commune as map cells, for the engine's "within N km" filter.

The index tags each offer with its map cell at six sizes (search_tags.py); a circle is
covered by cells wholly inside it (counted by FTS5 alone) and cells crossing its border
(whose offers get the exact distance test in SQL). Apart from the engine because this is
geometry, with no learner input and no FTS5 query of its own.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass
from typing import Any

from tremplin.widgets import geo
from tremplin.widgets.search_tags import CELL_SIZES, CELL_WIDTH, _cell, _cell_tag

#: Cells of a circle's box at the coarsest level used (per side), then border refinement.
MAX_SPAN, REFINE = 6, 2
#: Metres of margin (in km) when a whole cell is declared inside a circle.
_MARGIN_KM = 0.01
_EPS = 1e-9


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


def _km(lat: float | None, lon: float | None, lat0: float, lon0: float) -> float | None:
    """The SQL function km() of the engine's distance, where SQLite lacks math functions."""
    if lat is None or lon is None:
        return None
    return geo.distance_km(lat0, lon0, lat, lon)


def _has_math(connection: sqlite3.Connection) -> bool:
    """Whether this SQLite computes the distance itself (asin, power, radians…)."""
    try:
        connection.execute("SELECT asin(1), power(sin(radians(1)), 2)").fetchone()
    except sqlite3.OperationalError:
        return False
    return True
