"""Tables with coordinate columns (CSV, TSV, XLSX) read as point layers.

Coordinate columns are detected (:data:`COORD_PAIRS`) or named; values that look swapped or
projected are refused with the fix; rows without valid coordinates are counted, never dropped silently.
"""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from ..errors import FieldError, LayerError
from ..i18n import Text
from .coordinates import _likely_crs

COORD_PAIRS = [("lon", "lat"), ("lng", "lat"), ("long", "lat"), ("longitude", "latitude"), ("x", "y"), ("easting", "northing")]


def _refuse_ragged(path: Path, sep: str | None, width: int) -> None:
    """Rows with more values than the header has columns: pandas would drop their extra values; refuse, naming them
    (empty extra values, from trailing separators, lose nothing and pass)."""
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=sep or None) if sep is None else None
        delimiter = dialect.delimiter if dialect else sep
    except csv.Error:
        delimiter = ","
    long_rows = [i for i, row in enumerate(csv.reader(text.splitlines(), delimiter=delimiter), start=1)
                 if i > 1 and len(row) > width and any(v.strip() for v in row[width:])]
    if not long_rows:  # only empty values past the header (trailing separators): nothing is lost
        return
    first = long_rows[0]
    raise LayerError(Text("{file}: {n} row has more values than the header's {width} columns (line {line}); its extra "
                          "values would be lost: quote values that contain {sep}, or name the extra columns in the header",
                          "{file}: {n} rows have more values than the header's {width} columns (first at line {line}); "
                          "their extra values would be lost: quote values that contain {sep}, or name the extra columns "
                          "in the header",
                          {"file": str(path), "n": len(long_rows), "width": width, "line": first,
                           "sep": repr(delimiter)}))


def _read_table(path: Path, *, x: str | None, y: str | None, crs: CRS | None, report, sheet: str | None) -> gpd.GeoDataFrame:
    suffix = path.suffix.lower()
    try:
        if suffix in {".xlsx", ".xls"}:
            df = pd.read_excel(path, sheet_name=sheet or 0)
        else:
            sep = "\t" if suffix == ".tsv" else None
            with warnings.catch_warnings(record=True) as caught:  # index_col=False: a long first row is no index
                warnings.simplefilter("always", pd.errors.ParserWarning)
                df = pd.read_csv(path, sep=sep, engine="python", encoding="utf-8-sig", index_col=False)
            if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
                _refuse_ragged(path, sep, len(df.columns))
    except LayerError:
        raise
    except Exception as exc:
        raise LayerError(Text("{file}: cannot be read as a table ({reason}); give a CSV with a header row or an XLSX sheet",
                              params={"file": str(path), "reason": str(exc)})) from exc
    lower = {str(c).strip().lower(): c for c in df.columns}
    if x is None or y is None:
        for cx, cy in COORD_PAIRS:
            if cx in lower and cy in lower:
                x, y = x or lower[cx], y or lower[cy]
                break
    if x is None or y is None:
        looked = ", ".join(f"{a}/{b}" for a, b in COORD_PAIRS)
        raise FieldError(Text('{file}: no coordinate columns (looked for {looked}); name them in the recipe: x = "…", y = "…"',
                              params={"file": str(path), "looked": looked}))
    for col in (x, y):
        if col not in df.columns:
            raise FieldError(Text("{file}: no column {column}; the columns are: {columns}; name one of them in the recipe",
                                  params={"file": str(path), "column": repr(col), "columns": ", ".join(map(str, df.columns))}))
    xs = pd.to_numeric(df[x], errors="coerce").to_numpy(dtype="float64")
    ys = pd.to_numeric(df[y], errors="coerce").to_numpy(dtype="float64")
    finite = np.isfinite(xs) & np.isfinite(ys)
    if crs is None:
        crs = CRS.from_epsg(4326)
        report.crs_from = "assumed EPSG:4326 (coordinate columns)"
    if crs.is_geographic:
        in_range = finite & (np.abs(xs) <= 180) & (np.abs(ys) <= 90)
        swapped_ok = finite & (np.abs(ys) <= 180) & (np.abs(xs) <= 90)
        n_bad = int((finite & ~in_range).sum())
        if n_bad and int((finite & ~swapped_ok).sum()) == 0:
            raise LayerError(Text(
                '{file}: column {y} has values beyond ±90 (up to {max:.1f}), so longitude and latitude look swapped; swap '
                'the column names or set x = "{y_name}", y = "{x_name}" in the recipe',
                params={"file": str(path), "y": repr(y), "max": float(np.nanmax(np.abs(ys))), "y_name": str(y), "x_name": str(x)}))
        if finite.any() and n_bad == int(finite.sum()):
            fx, fy = xs[finite], ys[finite]
            likely = _likely_crs(float(fx.min()), float(fy.min()), float(fx.max()), float(fy.max()))
            raise LayerError(Text(
                "{file}: no row has valid longitude/latitude in columns {x}/{y} (values up to {max_x:,.0f}, {max_y:,.0f}); "
                'they look like {likely}. State their CRS: crs = "EPSG:…" in the recipe\'s table for this layer, or '
                "--crs EPSG:… on the command line",
                params={"file": str(path), "x": repr(x), "y": repr(y), "max_x": float(np.nanmax(np.abs(fx))),
                        "max_y": float(np.nanmax(np.abs(fy))), "likely": likely}))
        valid = in_range
    else:
        valid = finite
    n_invalid = int((~valid).sum())
    if n_invalid:
        report.dropped_invalid_coords = n_invalid
    df = df.loc[valid].reset_index(drop=True)
    geom = gpd.points_from_xy(xs[valid], ys[valid])
    return gpd.GeoDataFrame(df, geometry=geom, crs=crs)
