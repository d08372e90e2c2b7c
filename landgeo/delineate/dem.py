"""``method = "dem"``: the catchment upstream of an outlet, traced on a DEM.

The chain: read the DEM (nodata honoured) → fill depressions (priority-flood),
the flood giving each filled depression or flat cell its direction (Barnes et
al. 2014, Priority-Flood + flow directions) → D8 steepest descent for the
other cells → every cell labelled with the first cell of the snapping window
downstream of it (the window's flow accumulation without accumulating the
whole grid) → snap the outlet to the highest accumulation within a radius →
its upstream mask from the labels → polygonize the mask over its bounding window (single-cell
spurs and pinholes removed) → EPSG:4326, geodesic area.

The kernels are in :mod:`landgeo.delineate.hydro_kernels`.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
import rasterio.features
import rasterio.windows
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from ..boundary import Boundary, Check, Source, finish_boundary
from ..errors import DelineationError, LayerError, RecipeError
from ..geo import geodesy
from ..geo.crs import WGS84, to_wgs84
from ..hydro import kernels as hk
from ..i18n import Text
from ..io.raster import open_raster

log = logging.getLogger(__name__)
DEFAULT_SNAP_M = 500.0
DEFAULT_STREAM_THRESHOLD_CELLS = 100
MAX_CELLS = 2**31 - 1


@dataclass(frozen=True)
class Conditioned:
    """A conditioned DEM: D8 directions and what conditioning did.

    ``dirs`` is the *padded* ``(H + 2) × (W + 2)`` uint8 grid (codes in
    :mod:`hydro_kernels`; the border is 0), ``transform`` the DEM's own (unpadded)
    transform; padded cell (r, c) is DEM cell (r - 1, c - 1). ``dx_m``/``dy_m``
    are the cell width and height in metres for each DEM row.
    """
    dirs: np.ndarray
    transform: rasterio.Affine
    crs: CRS
    dx_m: np.ndarray
    dy_m: np.ndarray
    cells_filled: int
    flat_cells: int
    unresolved: int

    @property
    def width(self) -> int:
        """Padded width (the flat-index row stride)."""
        return self.dirs.shape[1]

    @property
    def flat(self) -> np.ndarray:
        return self.dirs.reshape(-1)


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


# --- reading and conditioning ------------------------------------------------------------------

#: Peak memory of a DEM delineation per cell (float32 grid, directions, accumulation, masks; 8000² took 1.21 GB
#: ≈ 19 B/cell in benchmarks/README.md) with a margin.
BYTES_PER_CELL = 24


def available_memory() -> int:
    """Bytes this process can still use: MemAvailable, capped by a cgroup limit (containers)."""
    avail = None
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    avail = int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    if avail is None:
        try:
            avail = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):
            avail = 1 << 62  # unknown: do not refuse
    for limit_file, usage_file in (("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
                                   ("/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes")):
        try:
            limit = open(limit_file, encoding="ascii").read().strip()
            used = int(open(usage_file, encoding="ascii").read().strip())
            if limit.isdigit() and int(limit) < (1 << 60):
                avail = min(avail, max(int(limit) - used, 0))
                break
        except (OSError, ValueError):
            continue
    return avail


def check_memory(name: str, width: int, height: int, *, bytes_per_cell: int = BYTES_PER_CELL) -> int:
    """Refuse, before reading, a DEM whose delineation cannot fit in memory; return the estimate (bytes).

    The estimate comes from the raster's size alone (a small compressed or sparse file can expand to
    billions of cells).
    """
    need = (width + 2) * (height + 2) * bytes_per_cell
    avail = available_memory()
    if need > avail:
        raise LayerError(
            f"{name}: {width:,} × {height:,} cells needs about {need / 1e9:,.1f} GB to delineate "
            f"(≈ {bytes_per_cell} bytes a cell) but only {avail / 1e9:,.1f} GB is free; clip the DEM to the area "
            "around the outlet (gdalwarp -te xmin ymin xmax ymax) or use a coarser DEM (gdalwarp -tr …)"
        )
    return need

def read_dem(src, *, block_rows: int = 512) -> np.ndarray:
    """Band 1 of an open raster as a padded float32 grid, NaN on nodata and on the one-cell border.

    Read in blocks of rows straight into the padded array (no temporary).
    """
    if src.transform.b != 0 or src.transform.d != 0:
        raise LayerError(f"{src.name}: the DEM grid is rotated; warp it to a north-up grid first (gdalwarp)")
    h, w = src.height, src.width
    if (h + 2) * (w + 2) > MAX_CELLS:
        raise LayerError(f"{src.name}: {w}×{h} cells is more than landgeo handles (2^31); clip the DEM to the area")
    check_memory(src.name, w, h)
    # filled first: the fill then runs ≈ 10 % faster (measured) than on pages first touched by GDAL's block writes
    z = np.full((h + 2, w + 2), np.nan, dtype=np.float32)
    nodata = src.nodata
    valid = False
    for r0 in range(0, h, block_rows):
        r1 = min(h, r0 + block_rows)
        block = z[r0 + 1 : r1 + 1, 1:-1]
        src.read(1, window=rasterio.windows.Window(0, r0, w, r1 - r0), out=block)  # GDAL converts to float32 in place
        if nodata is not None and not math.isnan(nodata):
            block[block == np.float32(nodata)] = np.nan
        valid = valid or bool(np.isfinite(block).any())
    if not valid:
        raise LayerError(f"{src.name}: the DEM has no valid cell (all nodata)")
    return z


def row_spacing_m(transform, crs, nrows: int) -> tuple[np.ndarray, np.ndarray]:
    """Cell width and height in metres for each row.

    Geographic grids use the WGS84 ellipsoid's radii of curvature at each row's
    latitude; projected grids their axis units (converted to metres).
    """
    crs = CRS(crs)
    a, e = abs(transform.a), abs(transform.e)
    if not crs.is_geographic:
        factor = crs.axis_info[0].unit_conversion_factor if crs.axis_info else 1.0
        return np.full(nrows, a * factor), np.full(nrows, e * factor)
    lat = np.radians(transform.f + (np.arange(nrows) + 0.5) * transform.e)
    semi, f = 6378137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    w = np.sqrt(1 - e2 * np.sin(lat) ** 2)
    prime = semi / w  # prime-vertical radius
    meridional = semi * (1 - e2) / w**3
    deg = math.pi / 180
    return prime * np.cos(lat) * a * deg, meridional * e * deg


def condition(z: np.ndarray, transform, crs) -> Conditioned:
    """Fill depressions of the padded DEM ``z`` (in place) and compute D8 directions.

    One priority-flood fills the depressions and gives every cell of a filled
    depression or flat the direction towards the cell that flooded it (so it
    drains to its nearest spill cell); every other cell gets the steepest
    descent of the filled DEM.
    """
    h, w = z.shape
    dx, dy = row_spacing_m(transform, crs, h - 2)
    # D8 slopes in the grid's own units, as pysheds, RichDEM and ArcGIS compute them
    # (a geographic grid's cells count as square); dx/dy in metres serve snapping and areas
    ux = np.full(h - 2, abs(transform.a))
    uy = np.full(h - 2, abs(transform.e))
    flat = z.reshape(-1)
    dirs = np.empty(flat.size, dtype=np.uint8)
    dirs.fill(0)  # touched in order here, not page by page inside the fill
    filled, _ = hk.fill_with_directions(flat, flat.view(np.uint32), w, dirs)
    unresolved, flat_cells = hk.d8_complete(flat, w, ux, uy, dirs)
    log.info("DEM conditioned: %d cells raised, %d flat cells drained by the flood, %d unresolved", filled, flat_cells, unresolved)
    return Conditioned(dirs.reshape(h, w), transform, CRS(crs), dx, dy, int(filled), int(flat_cells), int(unresolved))


# --- snapping ---------------------------------------------------------------------------------

def _to_grid(lonlat, transform, crs) -> tuple[float, float]:
    """Fractional (row, col) of a lon/lat point on the grid."""
    lon, lat = lonlat
    x, y = Transformer.from_crs(WGS84, crs, always_xy=True).transform(lon, lat)
    col, row = ~transform @ (x, y)
    return row, col


def cell_lonlat(row: int, col: int, transform, crs) -> tuple[float, float]:
    """Lon/lat of a cell centre."""
    x, y = transform @ (col + 0.5, row + 0.5)
    lon, lat = Transformer.from_crs(crs, WGS84, always_xy=True).transform(x, y)
    return float(lon), float(lat)


def snap_window(cond: Conditioned, lonlat, *, snap_m: float, label: str = "DEM") -> tuple[float, float, tuple[int, int, int, int]]:
    """Fractional DEM (row, col) of ``lonlat`` and the window ``(ra, rb, ca, cb)`` (DEM rows/cols) of cells within ``snap_m``.

    Raises
    ------
    DelineationError
        When the point is off the DEM.
    """
    nr, nc = cond.dirs.shape[0] - 2, cond.dirs.shape[1] - 2
    fr, fc = _to_grid(lonlat, cond.transform, cond.crs)
    r0, c0 = int(math.floor(fr)), int(math.floor(fc))
    lon, lat = lonlat
    if not (0 <= r0 < nr and 0 <= c0 < nc):
        raise DelineationError(f"{label}: the outlet {lon:.5f}, {lat:.5f} is outside the DEM; check the outlet (longitude first) or the DEM")
    rr = int(math.ceil(snap_m / cond.dy_m[r0])) if snap_m > 0 else 0
    rc = int(math.ceil(snap_m / cond.dx_m[r0])) if snap_m > 0 else 0
    return fr, fc, (max(0, r0 - rr), min(nr, r0 + rr + 1), max(0, c0 - rc), min(nc, c0 + rc + 1))


def snap_outlet(acc: np.ndarray, cond: Conditioned, lonlat, *, snap_m: float, stream_threshold_cells: int, label: str = "DEM",
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
        raise DelineationError(f"{label}: the outlet {lon:.5f}, {lat:.5f} is on a nodata cell; move it onto the DEM or give snap_m")
    dy = cond.dy_m[r0]
    dx = cond.dx_m[r0]
    rows = np.arange(ra, rb)[:, None] + 0.5
    cols = np.arange(ca, cb)[None, :] + 0.5
    dist = np.hypot((rows - fr) * dy, (cols - fc) * dx)
    inside = (dist <= max(snap_m, 0.0)) | ((rows.astype(int) == r0) & (cols.astype(int) == c0))
    win[~inside] = -1
    best = win.max()
    if best <= 0:
        raise DelineationError(f"{label}: the outlet {lon:.5f}, {lat:.5f} is on nodata and no valid cell lies within snap_m = {snap_m:g} m; move the outlet onto the DEM")
    if best < stream_threshold_cells:
        raise DelineationError(
            f"{label}: no stream of at least {stream_threshold_cells} cells within snap_m = {snap_m:g} m of {lon:.5f}, {lat:.5f} "
            f"(the largest drains {int(best)} cells); move the outlet onto a river, or raise snap_m or lower stream_threshold_cells"
        )
    cand = np.argwhere(win == best)
    d = dist[cand[:, 0], cand[:, 1]]
    i = int(np.argmin(d))
    return ra + int(cand[i, 0]), ca + int(cand[i, 1]), float(d[i])


class WindowFlow:
    """Flow through a window of DEM cells without accumulating the whole grid.

    Every cell is labelled with the first window cell on its downstream path
    (one parallel pass); the window's accumulation and any window cell's
    upstream mask follow from the labels.
    """
    def __init__(self, cond: Conditioned, window: tuple[int, int, int, int]):
        ra, rb, ca, cb = window
        self.cond = cond
        self.padded = (ra + 1, rb + 1, ca + 1, cb + 1)
        h, w = cond.dirs.shape
        ids = np.zeros((h, w), dtype=np.int32)
        block = np.arange(1, (rb - ra) * (cb - ca) + 1, dtype=np.int32).reshape(rb - ra, cb - ca)
        block[cond.dirs[ra + 1 : rb + 1, ca + 1 : cb + 1] == 0] = 0  # nodata cells are no outlet
        ids[ra + 1 : rb + 1, ca + 1 : cb + 1] = block
        self.labels = hk.label_units(cond.flat, w, ids.reshape(-1))
        del ids
        self.counts = hk.count_labels(self.labels, block.size)

    def accumulation(self) -> np.ndarray:
        """Accumulation (cells) of each window cell, as a flat row-major array."""
        pa, pb, pc, pd = self.padded
        acc, _ = hk.window_flow(self.cond.flat, self.cond.width, pa, pb, pc, pd, self.counts, -1)
        return acc

    def upstream_mask(self, row: int, col: int):
        """Like :func:`hydro_kernels.upstream_mask` for DEM cell (row, col), which must lie in the window."""
        pa, pb, pc, pd = self.padded
        target = (row + 1 - pa) * (pd - pc) + (col + 1 - pc)
        _, inup = hk.window_flow(self.cond.flat, self.cond.width, pa, pb, pc, pd, self.counts, target)
        return hk.mask_from_labels(self.labels, self.cond.width, inup)


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
    pins, spurs, corners = hk.clean_mask_cells(m, int(keep[0]), int(keep[1]))
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


def catchment_geometry(cond: Conditioned, row: int, col: int, *, flow: WindowFlow | None = None) -> tuple[BaseGeometry, int, dict[str, int]]:
    """Upstream mask of DEM cell (row, col), cleaned and polygonized, in EPSG:4326.

    With ``flow`` (a :class:`WindowFlow` whose window holds the cell) the mask
    comes from its labels; otherwise from an upstream walk.
    """
    w = cond.width
    if flow is not None:
        mask, count, rmin, rmax, cmin, cmax = flow.upstream_mask(row, col)
    else:
        mask, count, rmin, rmax, cmin, cmax = hk.upstream_mask(cond.flat, w, (row + 1) * w + col + 1)
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
    z = read_dem(src)
    cond = condition(z, src.transform, src.crs)
    del z
    _, _, window = snap_window(cond, outlet_lonlat, snap_m=snap_m, label=label)
    flow = WindowFlow(cond, window)
    row, col, dist = snap_outlet(flow.accumulation(), cond, outlet_lonlat, snap_m=snap_m, stream_threshold_cells=stream_threshold_cells,
                                 label=label, window=window)
    geom, count, counts = catchment_geometry(cond, row, col, flow=flow)
    unsnapped_ha = _unsnapped_area_ha(cond, flow, outlet_lonlat, (row, col))
    del flow
    area = geodesy.area_ha(geom)
    lon, lat = cell_lonlat(row, col, cond.transform, cond.crs)
    all_counts = {
        "cells_filled": cond.cells_filled,
        "flat_cells_resolved": cond.flat_cells,
        "unresolved_cells": cond.unresolved,
        **counts,
    }
    log.info("catchment: %d cells, %.1f ha, outlet snapped %.0f m", count, area, dist)
    if unsnapped_ha is None:  # the point was on the snapped cell already
        unsnapped_ha = area
    return DemCatchment(geom, (lon, lat), tuple(map(float, outlet_lonlat)), dist, count, area, all_counts, unsnapped_ha)


def _unsnapped_area_ha(cond: Conditioned, flow: WindowFlow, lonlat, snapped: tuple[int, int]) -> float | None:
    """Area (ha) upstream of the cell under ``lonlat`` (cells × their width × height), None if it is the snapped cell."""
    fr, fc = _to_grid(lonlat, cond.transform, cond.crs)
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


def boundary_from_recipe(recipe) -> Boundary:
    """``method = "dem"``: keys ``dem`` (path), ``outlet = [lon, lat]``, ``snap_m``,
    ``stream_threshold_cells`` and ``crs`` (for a DEM without one)."""

    b = recipe.boundary
    for key in ("dem", "outlet"):
        if key not in b:
            raise RecipeError(f"{recipe.path}: [boundary] method \"dem\" needs {key} = …; give the DEM GeoTIFF (dem = \"…\") and the outlet (outlet = [lon, lat])")
    snap_m = float(b.get("snap_m", DEFAULT_SNAP_M))
    threshold = int(b.get("stream_threshold_cells", DEFAULT_STREAM_THRESHOLD_CELLS))
    dem_path = Path(b["dem"])
    with open_raster(dem_path, crs=b.get("crs")) as src:
        res = catchment_from_dem(src, tuple(b["outlet"]), snap_m=snap_m, stream_threshold_cells=threshold)
    lon, lat = res.outlet
    lang = getattr(recipe, "language", "en")
    text = None if b.get("definition") else Text(
        "Catchment upstream of the outlet at {outlet:lonlat}, traced on {dem} (D8, depressions filled)",
        params={"outlet": [round(lon, 6), round(lat, 6)], "dem": dem_path.name})
    sentence = b.get("definition") or text.render(lang)
    details: dict[str, Any] = {
        "dem": dem_path.name,
        "outlet_given": [round(v, 6) for v in res.requested],
        "outlet_snapped": [round(lon, 6), round(lat, 6)],
        "snap_distance_m": round(res.snap_distance_m, 1),
        "unsnapped_area_ha": round(res.unsnapped_area_ha, 2) if res.unsnapped_area_ha is not None else None,
        "snap_m": snap_m,
        "stream_threshold_cells": threshold,
        "cells": res.cells,
        **res.counts,
    }
    return finish_boundary(res.geometry, WGS84, method="dem", definition=sentence, sources=(Source(dem_path.name, res.cells),), details=details,
                           definition_text=text, checks=(edge_check(res, lang), snap_check(res, lang)))


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
