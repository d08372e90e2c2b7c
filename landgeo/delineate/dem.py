"""``method = "dem"``: the catchment upstream of an outlet, traced on a DEM.

The chain: read the DEM (nodata honoured) → fill depressions (priority-flood),
the flood giving each filled depression or flat cell its direction (Barnes et
al. 2014, Priority-Flood + flow directions) → D8 steepest descent for the
other cells → every cell labelled with the first cell of the snapping window
downstream of it (the window's flow accumulation without accumulating the
whole grid) → snap the outlet to the highest accumulation within a radius →
its upstream mask from the labels → polygonize the mask over its bounding window (single-cell
spurs and pinholes removed) → EPSG:4326, geodesic area.

Reading and conditioning are :class:`landgeo.hydro.flowgrid.FlowGrid` (shared with ``basins build``
and the stream network); the kernels are in :mod:`landgeo.hydro`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
import rasterio.features
import rasterio.windows
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from ..boundary import Boundary, Check, Source, finish_boundary
from ..errors import DelineationError, RecipeError
from ..geo import geodesy
from ..geo.crs import WGS84, to_wgs84
from ..hydro.flowgrid import FlowGrid, WindowFlow
from ..hydro.units import clean_mask_cells
from ..i18n import Text
from ..io.raster import open_raster

log = logging.getLogger(__name__)
DEFAULT_SNAP_M = 500.0
DEFAULT_STREAM_THRESHOLD_CELLS = 100


@dataclass(frozen=True)
class DemCatchment:
    """A catchment traced on a DEM.

    ``geometry`` is in EPSG:4326; ``outlet`` the snapped outlet (lon, lat) at the
    centre of its cell; ``cells`` the number of DEM cells upstream of it
    (itself included); ``area_ha`` the geodesic area of ``geometry``.
    ``counts`` holds what conditioning and cleaning did, for reporting, and
    where the catchment touches the DEM's edge or nodata (``edge_cells``,
    ``edge_length_m``): such a catchment may be truncated (see
    :func:`edge_check`).
    """
    geometry: BaseGeometry
    outlet: tuple[float, float]
    requested: tuple[float, float]
    snap_distance_m: float
    cells: int
    area_ha: float
    counts: Mapping[str, int] = field(default_factory=dict)
    #: Area (ha, cells × cell area) upstream of the cell under the given outlet, before snapping.
    unsnapped_area_ha: float | None = None

    @property
    def edge_cells(self) -> int:
        """Catchment cells on the DEM's edge or next to nodata (the outlet's 3 × 3 cells left out)."""
        return int(self.counts.get("edge_cells", 0))

    @property
    def edge_km(self) -> float:
        """Length (km) of the catchment's outline on the DEM's edge or along nodata."""
        return self.counts.get("edge_length_m", 0) / 1000.0


# --- snapping ---------------------------------------------------------------------------------

def snap_window(cond: FlowGrid, lonlat, *, snap_m: float, label: str = "DEM") -> tuple[float, float, tuple[int, int, int, int]]:
    """Fractional DEM (row, col) of ``lonlat`` and the window ``(ra, rb, ca, cb)`` (DEM rows/cols) of cells within ``snap_m``.

    Raises
    ------
    DelineationError
        When the point is off the DEM.
    """
    nr, nc = cond.dirs.shape[0] - 2, cond.dirs.shape[1] - 2
    fr, fc = cond.to_grid(lonlat)
    r0, c0 = int(math.floor(fr)), int(math.floor(fc))
    lon, lat = lonlat
    if not (0 <= r0 < nr and 0 <= c0 < nc):
        raise DelineationError(Text("{label}: the outlet {lon:.5f}, {lat:.5f} is outside the DEM; check the outlet (longitude first) or the DEM", params={"label": str(label), "lon": lon, "lat": lat}))
    rr = int(math.ceil(snap_m / cond.dy_m[r0])) if snap_m > 0 else 0
    rc = int(math.ceil(snap_m / cond.dx_m[r0])) if snap_m > 0 else 0
    return fr, fc, (max(0, r0 - rr), min(nr, r0 + rr + 1), max(0, c0 - rc), min(nc, c0 + rc + 1))


def snap_outlet(acc: np.ndarray, cond: FlowGrid, lonlat, *, snap_m: float, stream_threshold_cells: int, label: str = "DEM",
                window: tuple[int, int, int, int] | None = None) -> tuple[int, int, float]:
    """The cell of highest accumulation within ``snap_m`` metres of ``lonlat``.

    ``acc`` is padded like ``cond.dirs``, or, with ``window`` (from
    :func:`snap_window`), the accumulation of just that window. Ties go to
    the cell nearest the point. Returns the DEM ``(row, col, distance_m)``
    (unpadded).

    Raises
    ------
    DelineationError
        When the point is off the DEM or on nodata, or when no cell within the
        radius drains at least ``stream_threshold_cells`` cells.
    """
    fr, fc, win_bounds = snap_window(cond, lonlat, snap_m=snap_m, label=label)
    ra, rb, ca, cb = win_bounds
    if window is None:
        win = acc[ra + 1 : rb + 1, ca + 1 : cb + 1].astype(np.float64)
    else:
        if tuple(window) != win_bounds:
            raise ValueError("snap_outlet: the window does not match snap_window")
        win = np.asarray(acc, dtype=np.float64).reshape(rb - ra, cb - ca).copy()
    r0, c0 = int(math.floor(fr)), int(math.floor(fc))
    lon, lat = lonlat
    if win[r0 - ra, c0 - ca] == 0 and snap_m <= 0:
        raise DelineationError(Text("{label}: the outlet {lon:.5f}, {lat:.5f} is on a nodata cell; move it onto the DEM or give snap_m", params={"label": str(label), "lon": lon, "lat": lat}))
    dy = cond.dy_m[r0]
    dx = cond.dx_m[r0]
    rows = np.arange(ra, rb)[:, None] + 0.5
    cols = np.arange(ca, cb)[None, :] + 0.5
    dist = np.hypot((rows - fr) * dy, (cols - fc) * dx)
    inside = (dist <= max(snap_m, 0.0)) | ((rows.astype(int) == r0) & (cols.astype(int) == c0))
    win[~inside] = -1
    best = win.max()
    if best <= 0:
        raise DelineationError(Text("{label}: the outlet {lon:.5f}, {lat:.5f} is on nodata and no valid cell lies within snap_m = {snap_m:g} m; move the outlet onto the DEM", params={"label": str(label), "lon": lon, "lat": lat, "snap_m": snap_m}))
    if best < stream_threshold_cells:
        raise DelineationError(
            Text("{label}: no stream of at least {stream_threshold_cells} cells within snap_m = {snap_m:g} m of {lon:.5f}, {lat:.5f} (the largest drains {n} cells); move the outlet onto a river, or raise snap_m or lower stream_threshold_cells", params={"label": str(label), "stream_threshold_cells": str(stream_threshold_cells), "snap_m": snap_m, "lon": lon, "lat": lat, "n": int(best)})
        )
    cand = np.argwhere(win == best)
    d = dist[cand[:, 0], cand[:, 1]]
    i = int(np.argmin(d))
    return ra + int(cand[i, 0]), ca + int(cand[i, 1]), float(d[i])


# --- mask to polygon ----------------------------------------------------------------------------

def clean_mask(mask: np.ndarray, keep: tuple[int, int]) -> tuple[np.ndarray, dict[str, int]]:
    """Remove single-cell spurs, fill pinholes and bridge corner-only contacts.

    ``mask`` is a boolean window with a one-cell empty margin; ``keep`` a cell
    never removed (the outlet). Spurs are dead-end cells attached by one corner
    only (no 4-neighbour, one diagonal neighbour); pinholes single empty cells
    enclosed by the mask; remaining corner-only contacts (a 2×2 checkerboard)
    are bridged by adding one cell so the polygon is a single part.
    """
    m = mask.astype(np.uint8)
    pins, spurs, corners = clean_mask_cells(m, int(keep[0]), int(keep[1]))
    counts = {"spurs_removed": int(spurs), "pinholes_filled": int(pins), "corners_bridged": int(corners)}
    return m.view(bool), counts


def polygonize(mask: np.ndarray, transform) -> BaseGeometry:
    """The union of the cells of a boolean mask as polygons in the grid's CRS."""
    polys = [shape(g) for g, _ in rasterio.features.shapes(mask.astype(np.uint8), mask=mask, connectivity=4, transform=transform)]
    if not polys:
        return shapely.Polygon()
    return polys[0] if len(polys) == 1 else shapely.union_all(polys)


def valid_in_wgs84(geom: BaseGeometry, crs) -> BaseGeometry:
    """A catchment polygon transformed to EPSG:4326 (:func:`landgeo.geo.crs.to_wgs84`), repaired if the transform made it invalid."""
    out = to_wgs84(geom, crs)
    return out if out.is_valid else shapely.make_valid(out)


def edge_contact(mask: np.ndarray, valid: np.ndarray, outlet: tuple[int, int], dx_m: np.ndarray, dy_m: np.ndarray) -> tuple[int, float]:
    """Where a catchment touches the DEM's edge or nodata: ``(cells, length_m)``.

    ``mask`` (the catchment) and ``valid`` (cells with data; the padding
    counts as invalid) are padded windows with a one-cell margin; ``dx_m`` /
    ``dy_m`` the cell width and height of each window row (the margin rows'
    values are not used). Counts the catchment cells with an invalid
    4-neighbour and the length of the cell sides they share with it. The
    outlet cell and its 8 neighbours are left out: a river leaving the DEM
    at its outlet is not a truncated catchment.
    """
    m = mask.copy()
    r, c = outlet
    m[max(0, r - 1) : r + 2, max(0, c - 1) : c + 2] = False
    inv = ~valid
    north = m[1:-1] & inv[:-2]
    south = m[1:-1] & inv[2:]
    west = m[1:-1, 1:-1] & inv[1:-1, :-2]
    east = m[1:-1, 1:-1] & inv[1:-1, 2:]
    ns = north.sum(axis=1) + south.sum(axis=1)
    ew = west.sum(axis=1) + east.sum(axis=1)
    touching = north | south
    touching[:, 1:-1] |= west | east
    length = float(ns @ dx_m[1:-1] + ew @ dy_m[1:-1])
    return int(touching.sum()), length


def catchment_geometry(cond: FlowGrid, row: int, col: int, *, flow: WindowFlow | None = None) -> tuple[BaseGeometry, int, dict[str, int]]:
    """Upstream mask of DEM cell (row, col), cleaned and polygonized, in EPSG:4326.

    With ``flow`` (a :class:`WindowFlow` whose window holds the cell) the mask
    comes from its labels; otherwise from an upstream walk.
    """
    if flow is not None:
        mask, count, rmin, rmax, cmin, cmax = flow.upstream_mask(row, col)
    else:
        mask, count, rmin, rmax, cmin, cmax = cond.upstream_mask(row, col)
    mask = mask.reshape(cond.dirs.shape)
    # window in padded coordinates with a one-cell empty margin (the padding guarantees it exists)
    ra, rb, ca, cb = rmin - 1, rmax + 2, cmin - 1, cmax + 2
    sub = mask[ra:rb, ca:cb].astype(bool)
    del mask
    dxp, dyp = (np.concatenate(([0.0], v, [0.0])) for v in (cond.dx_m, cond.dy_m))  # per padded row
    edge_cells, edge_m = edge_contact(sub, cond.dirs[ra:rb, ca:cb] != 0, (row + 1 - ra, col + 1 - ca), dxp[ra:rb], dyp[ra:rb])
    sub, counts = clean_mask(sub, (row + 1 - ra, col + 1 - ca))
    counts["edge_cells"] = edge_cells
    counts["edge_length_m"] = int(round(edge_m))
    win_transform = cond.transform @ rasterio.Affine.translation(ca - 1, ra - 1)
    geom = polygonize(sub, win_transform)
    geom = geodesy.orient(valid_in_wgs84(geom, cond.crs))
    return geom, int(count), counts


# --- public API -------------------------------------------------------------------------------

def catchment_from_dem(
    src,
    outlet_lonlat: tuple[float, float],
    *,
    snap_m: float = DEFAULT_SNAP_M,
    stream_threshold_cells: int = DEFAULT_STREAM_THRESHOLD_CELLS,
) -> DemCatchment:
    """The catchment upstream of an outlet, traced on a DEM.

    Parameters
    ----------
    src
        An open rasterio dataset (from :func:`landgeo.layers.open_raster`),
        projected (metres) or geographic; its nodata cells are honoured.
    outlet_lonlat
        The outlet (longitude, latitude) in degrees.
    snap_m
        Radius in metres within which the outlet moves to the cell of highest
        flow accumulation; 0 keeps the cell under the point.
    stream_threshold_cells
        Minimum accumulation (cells) the snapped outlet must drain.

    Raises
    ------
    DelineationError
        Outlet off the DEM, or no stream within the radius.
    """
    label = "DEM" if str(src.name).lstrip().startswith("<") else Path(src.name).name  # a VRT (CRS given) has XML as its name
    cond = FlowGrid.from_dem(src)
    _, _, window = snap_window(cond, outlet_lonlat, snap_m=snap_m, label=label)
    flow = WindowFlow(cond, window)
    row, col, dist = snap_outlet(flow.accumulation(), cond, outlet_lonlat, snap_m=snap_m, stream_threshold_cells=stream_threshold_cells,
                                 label=label, window=window)
    geom, count, counts = catchment_geometry(cond, row, col, flow=flow)
    unsnapped_ha = _unsnapped_area_ha(cond, flow, outlet_lonlat, (row, col))
    del flow
    area = geodesy.area_ha(geom)
    lon, lat = cond.cell_lonlat(row, col)
    all_counts = {
        "cells_filled": cond.cells_filled,
        "flat_cells_resolved": cond.flat_cells,
        "unresolved_cells": cond.unresolved,
        **counts,
    }
    log.info(Text("catchment: {n} cell, {area_ha:,.1f} ha, outlet snapped {distance_m:,.0f} m",
                  "catchment: {n} cells, {area_ha:,.1f} ha, outlet snapped {distance_m:,.0f} m",
                  params={"n": int(count), "area_ha": float(area), "distance_m": float(dist)}))
    if unsnapped_ha is None:  # the point was on the snapped cell already
        unsnapped_ha = area
    return DemCatchment(geom, (lon, lat), tuple(map(float, outlet_lonlat)), dist, count, area, all_counts, unsnapped_ha)


def _unsnapped_area_ha(cond: FlowGrid, flow: WindowFlow, lonlat, snapped: tuple[int, int]) -> float | None:
    """Area (ha) upstream of the cell under ``lonlat`` (cells × their width × height), None if it is the snapped cell."""
    fr, fc = cond.to_grid(lonlat)
    r0, c0 = int(math.floor(fr)), int(math.floor(fc))
    if (r0, c0) == tuple(snapped) or cond.dirs[r0 + 1, c0 + 1] == 0:
        return None if (r0, c0) == tuple(snapped) else 0.0
    mask, _, rmin, rmax, _, _ = flow.upstream_mask(r0, c0)
    mask = mask.reshape(cond.dirs.shape)
    per_row = mask[rmin: rmax + 1].sum(axis=1)  # padded rows rmin..rmax are DEM rows rmin-1..rmax-1
    rows = np.arange(rmin, rmax + 1) - 1
    return float((per_row * cond.dx_m[rows] * cond.dy_m[rows]).sum()) / 1e4


def edge_check(res: DemCatchment, lang: str = "en") -> Check:
    """The ``dem_edge`` check: ``warn`` when the catchment reaches the DEM's edge or nodata (it may continue beyond)."""

    km = res.edge_km
    value = {"edge_cells": res.edge_cells, "edge_km": round(km, 2)}
    if res.edge_cells == 0:
        text = Text("The catchment stays inside the DEM: it touches neither its edge nor nodata cells.")
        return Check.from_text("dem_edge", "ok", text, lang, value)
    if km >= 1:
        length = Text("{km:,.1f} km", params={"km": round(km, 3)})
    else:
        length = Text("{m:,.0f} m", params={"m": round(km * 1000, 1)})
    text = Text("The catchment reaches the edge of the DEM (or its nodata cells) along {length}; it may continue beyond "
                "— use a larger DEM.", params={"length": length})
    return Check.from_text("dem_edge", "warn", text, lang, value)


def boundary_from_dem(dem, outlet, *, snap_m: float = DEFAULT_SNAP_M, stream_threshold_cells: int = DEFAULT_STREAM_THRESHOLD_CELLS,
                      crs=None, definition: str | None = None, lang: str = "en") -> Boundary:
    """The catchment upstream of ``outlet`` (lon, lat) traced on the DEM file ``dem``, as a :class:`Boundary`.

    ``crs`` is assumed when the DEM states none; ``definition`` replaces the sentence that says how the
    boundary was made (written in ``lang`` otherwise). The boundary carries the ``dem_edge`` and
    ``dem_snap`` checks and, in ``details``, where the outlet was given and snapped.

    Raises
    ------
    DelineationError
        Outlet off the DEM, or no stream within ``snap_m``.
    LayerError
        The DEM cannot be read, or cannot fit in memory.
    """
    dem_path = Path(dem)
    with open_raster(dem_path, crs=crs) as src:
        res = catchment_from_dem(src, tuple(outlet), snap_m=snap_m, stream_threshold_cells=stream_threshold_cells)
    lon, lat = res.outlet
    text = None if definition else Text(
        "Catchment upstream of the outlet at {outlet:lonlat}, traced on {dem} (D8, depressions filled)",
        params={"outlet": [round(lon, 6), round(lat, 6)], "dem": dem_path.name})
    sentence = definition or text.render(lang)
    details: dict[str, Any] = {
        "dem": dem_path.name,
        "outlet_given": [round(v, 6) for v in res.requested],
        "outlet_snapped": [round(lon, 6), round(lat, 6)],
        "snap_distance_m": round(res.snap_distance_m, 1),
        "unsnapped_area_ha": round(res.unsnapped_area_ha, 2) if res.unsnapped_area_ha is not None else None,
        "snap_m": snap_m,
        "stream_threshold_cells": stream_threshold_cells,
        "cells": res.cells,
        **res.counts,
    }
    return finish_boundary(res.geometry, WGS84, method="dem", definition=sentence, sources=(Source(dem_path.name, res.cells),), details=details,
                           definition_text=text, checks=(edge_check(res, lang), snap_check(res, lang)))


def boundary_from_recipe(recipe) -> Boundary:
    """``method = "dem"``: keys ``dem`` (path), ``outlet = [lon, lat]``, ``snap_m``,
    ``stream_threshold_cells`` and ``crs`` (for a DEM without one); see :func:`boundary_from_dem`."""

    b = recipe.boundary
    for key in ("dem", "outlet"):
        if key not in b:
            raise RecipeError(Text('{path}: [boundary] method "dem" needs {key} = …; give the DEM GeoTIFF (dem = "…") and the outlet (outlet = [lon, lat])', params={"path": str(recipe.path), "key": str(key)}))
    return boundary_from_dem(b["dem"], b["outlet"], snap_m=float(b.get("snap_m", DEFAULT_SNAP_M)),
                             stream_threshold_cells=int(b.get("stream_threshold_cells", DEFAULT_STREAM_THRESHOLD_CELLS)),
                             crs=b.get("crs"), definition=b.get("definition"), lang=getattr(recipe, "language", "en"))


#: The snap check warns when snapping multiplied the catchment by more than this (vs the cell under the outlet).
SNAP_GROWTH_LIMIT = 2.0


def snap_check(res: DemCatchment, lang: str = "en") -> Check:
    """The ``dem_snap`` check: where the outlet was given, where it was snapped, and a warning when the snap
    more than doubled the catchment compared with the cell under the given point (snapped past a confluence)."""
    before = res.unsnapped_area_ha
    value = {"snap_distance_m": round(res.snap_distance_m, 1), "area_ha": round(res.area_ha, 2),
             "unsnapped_area_ha": round(before, 2) if before is not None else None}
    if res.snap_distance_m == 0:
        return Check.from_text("dem_snap", "ok", Text("The outlet lies on the traced stream cell (not snapped)."), lang, value)
    grew = before is not None and before > 0 and res.area_ha > SNAP_GROWTH_LIMIT * before
    if not grew:
        return Check.from_text("dem_snap", "ok", Text(
            "The outlet was snapped {d:,.0f} m to the stream cell of highest flow accumulation.",
            params={"d": round(res.snap_distance_m, 1)}), lang, value)
    return Check.from_text("dem_snap", "warn", Text(
        "Snapping moved the outlet {d:,.0f} m and the catchment grew from {before:,.0f} ha (the cell under the given outlet) "
        "to {after:,.0f} ha: it may have jumped past a confluence onto a larger river; check the outlet, or lower snap_m.",
        params={"d": round(res.snap_distance_m, 1), "before": round(before, 2), "after": round(res.area_ha, 2)}), lang, value)
