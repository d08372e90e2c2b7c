"""Coordinates a geographic CRS can hold: refuse metres labelled as degrees, latitudes past a pole; drop NaN.

Used by every vector read (:func:`landgeo.io.vector.read_vector`) and table read
(:mod:`landgeo.io.table_layers`): the message names the file, the likely CRS and the fix.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from ..errors import CRSError, LayerError
from ..i18n import Text

#: How far past ±90° a latitude may be and still be taken for the pole (rounding in files).
LAT_TOLERANCE_DEG = 1e-6


def _fits_degrees(gdf: gpd.GeoDataFrame) -> bool:
    if not len(gdf):
        return True
    minx, miny, maxx, maxy = gdf.total_bounds
    return bool(np.all(np.isfinite([minx, miny, maxx, maxy])) and -180.5 <= minx and maxx <= 360.5 and -90.5 <= miny and maxy <= 90.5)


def _likely_crs(minx: float, miny: float, maxx: float, maxy: float) -> Text:
    """A guess at the projected CRS of coordinates that are plainly metres."""
    if 100_000 <= minx and maxx <= 900_000 and -10_000_000 <= miny and maxy <= 10_000_000:
        return Text("projected coordinates of a UTM zone in metres (EPSG:326NN north of the equator, EPSG:327NN south; "
                    "e.g. EPSG:32630 for Ghana)")
    if max(abs(minx), abs(maxx)) <= 20_037_509 and max(abs(miny), abs(maxy)) <= 20_048_967:
        return Text("a projected CRS in metres (EPSG:3857 Web Mercator, or a UTM zone such as EPSG:32630)")
    return Text("a projected CRS (the coordinates are far beyond any degrees)")


def _check_coordinates(gdf: gpd.GeoDataFrame, path: Path) -> None:
    """Refuse coordinates that cannot be degrees under a geographic CRS (beyond ±180/±90, or plainly metres)."""
    if gdf.crs is None or not CRS(gdf.crs).is_geographic or not len(gdf):
        return
    if _fits_degrees(gdf):
        miny, maxy = float(gdf.total_bounds[1]), float(gdf.total_bounds[3])
        if miny < -90 - LAT_TOLERANCE_DEG or maxy > 90 + LAT_TOLERANCE_DEG:
            raise LayerError(Text(
                "{file}: latitudes reach {lat:.4f}°, beyond the pole (±90°); fix those coordinates (or, if the columns "
                "are swapped, name them: x = \"…\", y = \"…\")",
                params={"file": str(path), "lat": maxy if maxy > 90 else miny}))
        return
    minx, miny, maxx, maxy = (float(v) for v in gdf.total_bounds)
    raise CRSError(Text(
        "{file}: the layer says {crs} (degrees) but its coordinates run from {minx:,.0f}, {miny:,.0f} to {maxx:,.0f}, "
        "{maxy:,.0f}, beyond ±180° / ±90°; they look like {likely}. State the real CRS: crs = \"EPSG:…\" in the recipe's "
        "table for this layer, or --crs EPSG:… on the command line",
        params={"file": str(path), "crs": CRS(gdf.crs).to_string(), "minx": minx, "miny": miny, "maxx": maxx, "maxy": maxy,
                "likely": _likely_crs(minx, miny, maxx, maxy)}))


def _drop_non_finite(gdf: gpd.GeoDataFrame, report) -> gpd.GeoDataFrame:
    """Drop (and count) features with NaN or infinite coordinates: NaN must never reach an output."""
    geoms = gdf.geometry.values
    if not len(gdf):
        return gdf
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    if not len(coords):
        return gdf
    bad_rows = np.unique(index[~np.isfinite(coords).all(axis=1)])
    if not len(bad_rows):
        return gdf
    report.dropped_invalid_coords += int(len(bad_rows))
    keep = np.ones(len(gdf), dtype=bool)
    keep[bad_rows] = False
    return gdf.loc[keep]
