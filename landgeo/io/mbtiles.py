"""Reading MBTiles files (SQLite, tiles in TMS rows): zoom levels, metadata, and the tiles of a lon/lat box.

The file is opened read-only (``mode=ro`` URI); tiles come back as encoded bytes (PNG, JPEG or WebP)
keyed by XYZ (z, x, y), the rows flipped from the file's TMS order.
"""

from __future__ import annotations

import math
import sqlite3
from contextlib import closing
from pathlib import Path

from ..errors import LayerError
from ..i18n import Text


def _connect(path: str | Path) -> sqlite3.Connection:
    path = Path(path)
    if not path.is_file():
        raise LayerError(Text("{file}: MBTiles file not found; check basemap = … in [context]", params={"file": str(path)}))
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        con.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles LIMIT 1").fetchall()
    except sqlite3.DatabaseError as exc:
        raise LayerError(Text("{file}: is not an MBTiles file ({reason}); give a .mbtiles file with a tiles table",
                              params={"file": str(path), "reason": str(exc)})) from exc
    return con


def metadata(path: str | Path) -> dict[str, str]:
    """The ``metadata`` table (name → value); empty when the file has none."""
    with closing(_connect(path)) as con:
        try:
            return {str(k): str(v) for k, v in con.execute("SELECT name, value FROM metadata")}
        except sqlite3.DatabaseError:
            return {}


def zoom_levels(path: str | Path) -> list[int]:
    """The zoom levels that hold tiles, ascending."""
    with closing(_connect(path)) as con:
        return [int(z) for (z,) in con.execute("SELECT DISTINCT zoom_level FROM tiles ORDER BY zoom_level")]


def tile_range(bounds, zoom: int) -> tuple[int, int, int, int]:
    """XYZ tile columns and rows (x0, x1, y0, y1, inclusive) covering ``bounds`` (minx, miny, maxx, maxy) at ``zoom``."""
    minx, miny, maxx, maxy = bounds
    n = 2 ** zoom

    def col(lon):
        return min(n - 1, max(0, int(math.floor((lon + 180.0) / 360.0 * n))))

    def row(lat):
        lat = max(min(lat, 85.0511), -85.0511)
        y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
        return min(n - 1, max(0, int(math.floor(y))))

    return col(minx), col(maxx), row(maxy), row(miny)


def read_tiles(path: str | Path, bounds, zoom: int, *, max_tiles: int = 1024) -> dict[tuple[int, int, int], bytes]:
    """Encoded tiles covering ``bounds`` at ``zoom``, keyed (z, x, y) in XYZ order (at most ``max_tiles``)."""
    x0, x1, y0, y1 = tile_range(bounds, zoom)
    n = 2 ** zoom
    out: dict[tuple[int, int, int], bytes] = {}
    with closing(_connect(path)) as con:
        rows = con.execute(
            "SELECT tile_column, tile_row, tile_data FROM tiles WHERE zoom_level = ? AND tile_column BETWEEN ? AND ? "
            "AND tile_row BETWEEN ? AND ? LIMIT ?", (zoom, x0, x1, n - 1 - y1, n - 1 - y0, max_tiles))
        for x, tms_y, data in rows:
            out[(zoom, int(x), n - 1 - int(tms_y))] = bytes(data)
    return out
