"""Coverage-weighted raster statistics inside polygons (zonal statistics).

Each cell counts with the fraction of its area that the polygon covers, so
partial cells on the boundary are weighted exactly. The fractions come from an
exact scanline rasteriser (signed-area accumulation, as in font renderers):
every polygon edge deposits, row by row, the area it cuts off to its right into
a one-row buffer; a running sum along the row then gives each cell's covered
fraction. Interior cells come out at 1, cells outside at 0, boundary cells at
their exact fraction, and the work per row is the row's width plus the edges
crossing it.

The raster is never resampled: zones are transformed to the raster's CRS (and
lon/lat zones densified first along the geodesic with
:func:`landgeo.geodesy.densify`, the one edge rule, so that long edges follow
their true course) and read by strips of whole blocks, so memory stays bounded
whatever the raster size. Rings are oriented (exterior and holes opposite)
before the coverage is accumulated, so a hole stored with the same orientation
as its exterior ring is still a hole.
Window offsets are rounded *outward* (floor of the start, ceil of the end):
rounding to nearest drops edge cells of small polygons.

Cell areas: for a geographic raster each row has its own cell area, computed
on the CRS's ellipsoid (the exact area of a latitude-longitude quadrangle);
for a projected raster every cell has the plain planar area ``|a·e|`` of the
transform (no scale-factor correction: within a UTM zone that is < 0.1 %).

Missing cells are those equal to the band's nodata value (and NaN); GDAL
mask bands (``.msk``, alpha) and band scale/offset are not applied.
"""

from __future__ import annotations

import logging
import math
import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import rasterio
import shapely
from numba import njit
from pyproj import CRS, Transformer
from rasterio.windows import Window
from shapely.geometry.base import BaseGeometry

from ..errors import CRSError, DataWarning, LayerError
from ..geo import geodesy
from ..geo.crs import WGS84, is_wgs84, to_wgs84

log = logging.getLogger(__name__)

STRIP_BYTES = 8 * 2**20  # data read per strip (per buffer; two buffers in flight)
ACC_BYTES = 64 * 2**20  # class histograms held at once (zones beyond it are scanned in further groups)
CACHE_BYTES = 8 * 2**20  # GDAL block cache while reading: strips cover whole block rows, so blocks are not re-read
#: Longest edge (degrees) of a geographic raster's outline: its edges are parallels and meridians
EXTENT_STEP_DEG = 0.01
#: Segment length (degrees) before a zone is transformed to a projected raster's CRS (finer than the
#: overlay rule :data:`landgeo.geo.overlay.DENSIFY_DEG`: pixel edges of small zones must follow the curve).
DENSIFY_DEG = 0.005


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ZoneCoverage:
    """How much of a zone the raster saw.

    Attributes
    ----------
    zone_ha
        Geodesic area of the zone.
    outside_ha
        Geodesic area of the part of the zone beyond the raster's extent.
    nodata_m2
        Coverage-weighted area of nodata cells inside the zone (cell-area units).
    valid_m2
        Coverage-weighted area of valid cells inside the zone (cell-area units).
    """

    zone_ha: float
    outside_ha: float
    nodata_m2: float
    valid_m2: float

    @property
    def outside_share(self) -> float:
        """Share of the zone beyond the raster's extent (0..1)."""
        return min(1.0, self.outside_ha / self.zone_ha) if self.zone_ha > 0 else 0.0

    @property
    def nodata_share(self) -> float:
        """Share of the zone on nodata cells (0..1)."""
        seen = self.nodata_m2 + self.valid_m2
        return (1.0 - self.outside_share) * (self.nodata_m2 / seen) if seen > 0 else 0.0

    @property
    def not_covered_share(self) -> float:
        """Share of the zone with no valid value: outside the raster or nodata."""
        return min(1.0, self.outside_share + self.nodata_share)


@dataclass(frozen=True)
class ClassAreas:
    """Coverage-weighted area per class value in one zone.

    ``areas_m2`` maps each class value seen to its area in m² (geodesic for a
    geographic raster, planar for a projected one); nodata is kept apart.
    """

    areas_m2: dict[int, float]
    coverage: ZoneCoverage

    def shares(self) -> dict[int, float]:
        """Share of each class among the valid cells (sums to 1 if any)."""
        total = sum(self.areas_m2.values())
        return {k: v / total for k, v in self.areas_m2.items()} if total > 0 else {}


@dataclass(frozen=True)
class WeightedSum:
    """Coverage-weighted sum of a float raster in one zone.

    ``total`` is Σ value × covered fraction (× cell area in km² when the raster
    holds a density per km²).
    """

    total: float
    coverage: ZoneCoverage
    cells: float = 0.0  # coverage-weighted number of valid cells
    notes: tuple[str, ...] = field(default=())


# --------------------------------------------------------------------------- kernels


@njit(cache=True, nogil=True)
def _deposit(buf, w, xa, xb, d):
    """Add the signed area of a segment piece within one row (font-rs style)."""
    if xa < 0.0:
        xa = 0.0
    elif xa > w:
        xa = float(w)
    if xb < 0.0:
        xb = 0.0
    elif xb > w:
        xb = float(w)
    if xa < xb:
        x0, x1 = xa, xb
    else:
        x0, x1 = xb, xa
    x0floor = math.floor(x0)
    x0i = int(x0floor)
    x1ceil = math.ceil(x1)
    x1i = int(x1ceil)
    if x1i <= x0i + 1:
        xmf = 0.5 * (xa + xb) - x0floor
        buf[x0i] += d - d * xmf
        buf[x0i + 1] += d * xmf
    else:
        s = 1.0 / (x1 - x0)
        x0f = x0 - x0floor
        a0 = 0.5 * s * (1.0 - x0f) * (1.0 - x0f)
        x1f = x1 - x1ceil + 1.0
        am = 0.5 * s * x1f * x1f
        buf[x0i] += d * a0
        if x1i == x0i + 2:
            buf[x0i + 1] += d * (1.0 - a0 - am)
        else:
            a1 = s * (1.5 - x0f)
            buf[x0i + 1] += d * (a1 - a0)
            for xi in range(x0i + 2, x1i - 1):
                buf[xi] += d * s
            a2 = a1 + (x1i - x0i - 3) * s
            buf[x1i - 1] += d * (1.0 - a2 - am)
        buf[x1i] += d * am


@njit(cache=True, nogil=True)
def _row_coverage(buf, w, yr, ex0, ey0, ex1, ey1, active, nact, iv0, iv1):
    """Deposit the active edges' pieces in row ``yr``; drop finished edges.

    Returns the new number of active edges and the number of column intervals
    ``iv0[i]..iv1[i]`` (sorted, merged) that received deposits. Between those
    intervals the coverage is constant (0 outside, 1 inside, a fraction in a
    row that a horizontal edge cuts).
    """
    k = 0
    m = 0
    for a in range(nact):
        e = active[a]
        x0 = ex0[e]
        y0 = ey0[e]
        x1 = ex1[e]
        y1 = ey1[e]
        if y0 < y1:
            sign = 1.0
        else:
            sign = -1.0
            x0, y0, x1, y1 = x1, y1, x0, y0
        if y1 <= yr:
            continue
        active[k] = e
        k += 1
        if y0 >= yr + 1:
            continue
        ya = max(y0, float(yr))
        yb = min(y1, float(yr + 1))
        if yb <= ya:
            continue
        dxdy = (x1 - x0) / (y1 - y0)
        xa = x0 + (ya - y0) * dxdy
        xb = x0 + (yb - y0) * dxdy
        _deposit(buf, w, xa, xb, (yb - ya) * sign)
        iv0[m] = max(int(math.floor(min(xa, xb))), 0)
        iv1[m] = min(int(math.ceil(max(xa, xb))) + 2, w + 2)
        m += 1
    for i in range(1, m):  # insertion sort by start: a row has few crossings
        s0 = iv0[i]
        s1 = iv1[i]
        q = i - 1
        while q >= 0 and iv0[q] > s0:
            iv0[q + 1] = iv0[q]
            iv1[q + 1] = iv1[q]
            q -= 1
        iv0[q + 1] = s0
        iv1[q + 1] = s1
    n = 0
    for i in range(m):
        if n > 0 and iv0[i] <= iv1[n - 1]:
            if iv1[i] > iv1[n - 1]:
                iv1[n - 1] = iv1[i]
        else:
            iv0[n] = iv0[i]
            iv1[n] = iv1[i]
            n += 1
    return k, n


@njit(cache=True, nogil=True)
def _activate(ptr, n, eymin, yr, active, nact):
    while ptr < n and eymin[ptr] < yr + 1:
        active[nact] = ptr
        nact += 1
        ptr += 1
    return ptr, nact


@njit(cache=True, nogil=True)
def _classes_kernel(data, dcol, w, row0, ex0, ey0, ex1, ey1, eymin, row_area, offset, nd_idx, sums, extra):
    """Coverage-weighted class areas for one zone over one strip.

    ``data`` is the strip (rows × union columns); the zone's columns start at
    ``dcol`` and span ``w``. Edges are in pixel coordinates relative to the
    zone's first column, sorted by their lower y. ``sums[k, value + offset]``
    (k = column mod 4: four interleaved histograms, so that neighbouring cells
    of one class do not wait on each other; add them up afterwards)
    accumulates area; ``nd_idx`` is the nodata bin (-1: none), moved to
    ``extra[0]``; ``extra[1]`` gets the valid area.
    Interior runs (between the cells an edge touches) take a fast path.
    """
    nrows = data.shape[0]
    n = ex0.shape[0]
    buf = np.zeros(w + 2)
    active = np.empty(n, np.int64)
    iv0 = np.empty(n, np.int64)
    iv1 = np.empty(n, np.int64)
    nact = 0
    ptr = 0
    total = 0.0
    for r in range(nrows):
        yr = row0 + r
        ptr, nact = _activate(ptr, n, eymin, yr, active, nact)
        if nact == 0:
            continue
        nact, nint = _row_coverage(buf, w, yr, ex0, ey0, ex1, ey1, active, nact, iv0, iv1)
        ra = row_area[r]
        c = 0.0
        pos = 0
        cells = 0.0
        for t in range(nint):
            s0 = iv0[t]
            s1 = min(iv1[t], w)
            if pos < s0 and (c > 1e-12 or c < -1e-12):  # a run no edge touches: constant coverage
                cov = abs(c)
                if cov > 1.0:
                    cov = 1.0
                wt = cov * ra
                for j in range(pos, s0):
                    sums[j & 3, np.int64(data[r, dcol + j]) + offset] += wt
                cells += (s0 - pos) * cov
            for j in range(s0, s1):
                c += buf[j]
                buf[j] = 0.0
                if c > 1e-12 or c < -1e-12:
                    cov = abs(c)
                    if cov > 1.0:
                        cov = 1.0
                    sums[j & 3, np.int64(data[r, dcol + j]) + offset] += cov * ra
                    cells += cov
            for j in range(max(s1, s0), iv1[t]):
                c += buf[j]
                buf[j] = 0.0
            if s1 > pos:
                pos = s1
        total += cells * ra
    nod = 0.0
    if nd_idx >= 0:
        for k in range(4):
            nod += sums[k, nd_idx]
            sums[k, nd_idx] = 0.0
    extra[0] += nod
    extra[1] += total - nod


@njit(cache=True, nogil=True)
def _sum_kernel(data, dcol, w, row0, ex0, ey0, ex1, ey1, eymin, row_area, row_factor, nodata, has_nodata, out):
    """Coverage-weighted Σ value × factor for one zone over one strip.

    ``out[0]`` the sum, ``out[1]`` nodata area, ``out[2]`` valid area,
    ``out[3]`` coverage-weighted valid cell count.
    """
    nrows = data.shape[0]
    n = ex0.shape[0]
    buf = np.zeros(w + 2)
    active = np.empty(n, np.int64)
    iv0 = np.empty(n, np.int64)
    iv1 = np.empty(n, np.int64)
    nact = 0
    ptr = 0
    for r in range(nrows):
        yr = row0 + r
        ptr, nact = _activate(ptr, n, eymin, yr, active, nact)
        if nact == 0:
            continue
        nact, nint = _row_coverage(buf, w, yr, ex0, ey0, ex1, ey1, active, nact, iv0, iv1)
        c = 0.0
        tot = 0.0
        nod = 0.0
        val = 0.0
        pos = 0
        for t in range(nint):
            s0 = iv0[t]
            s1 = min(iv1[t], w)
            if pos < s0 and (c > 1e-12 or c < -1e-12):  # a run no edge touches: constant coverage
                cov = abs(c)
                if cov > 1.0:
                    cov = 1.0
                rt = 0.0
                rn = 0.0
                for j in range(pos, s0):
                    v = np.float64(data[r, dcol + j])
                    if (has_nodata and v == nodata) or not math.isfinite(v):
                        rn += 1.0
                    else:
                        rt += v
                nod += rn * cov
                val += (s0 - pos - rn) * cov
                tot += rt * cov
            for j in range(s0, s1):
                c += buf[j]
                buf[j] = 0.0
                if c > 1e-12 or c < -1e-12:
                    cov = abs(c)
                    if cov > 1.0:
                        cov = 1.0
                    v = np.float64(data[r, dcol + j])
                    if (has_nodata and v == nodata) or not math.isfinite(v):
                        nod += cov
                    else:
                        tot += cov * v
                        val += cov
            for j in range(max(s1, s0), iv1[t]):
                c += buf[j]
                buf[j] = 0.0
            if s1 > pos:
                pos = s1
        out[0] += tot * row_factor[r]
        out[1] += nod * row_area[r]
        out[2] += val * row_area[r]
        out[3] += val


# --------------------------------------------------------------------------- geometry preparation


@dataclass
class _Zone:
    """One zone prepared for a raster: edges in pixel space and its window."""

    index: int
    zone_ha: float
    outside_ha: float
    col0: int = 0
    col1: int = 0
    row0: int = 0
    row1: int = 0
    ex0: np.ndarray = field(default_factory=lambda: np.empty(0))
    ey0: np.ndarray = field(default_factory=lambda: np.empty(0))
    ex1: np.ndarray = field(default_factory=lambda: np.empty(0))
    ey1: np.ndarray = field(default_factory=lambda: np.empty(0))

    @property
    def empty(self) -> bool:
        return self.ex0.size == 0 or self.col1 <= self.col0 or self.row1 <= self.row0


def _check_transform(src) -> None:
    t = src.transform
    if t.b != 0 or t.d != 0:
        raise LayerError(
            f"{src.name}: the raster is rotated (geotransform has rotation terms); warp it to a north-up grid "
            "first (gdalwarp) — landgeo does not resample rasters for statistics"
        )


def raster_crs(src) -> CRS:
    """The raster's CRS as a pyproj CRS, or a CRSError that says how to fix it."""
    if src.crs is None:
        raise CRSError(
            f"{src.name}: the raster has no CRS; state it in the recipe (crs = \"EPSG:4326\" or the raster's EPSG code)"
        )
    return CRS.from_user_input(src.crs.to_wkt())


def _to_raster_crs(geoms: np.ndarray, crs_from: CRS, crs_to: CRS) -> np.ndarray:
    if crs_from.equals(crs_to, ignore_axis_order=True):
        return geoms
    log.info("zones transformed from %s to the raster's CRS %s", crs_from.to_string(), crs_to.to_string())
    tr = Transformer.from_crs(crs_from, crs_to, always_xy=True)
    return shapely.transform(geoms, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def _to_wgs84(geom: BaseGeometry, crs: CRS, tr: Transformer | None = None) -> BaseGeometry:
    """A zone in EPSG:4326; from a projected CRS its edges are first cut to 1/20 of its extent."""
    if is_wgs84(crs):
        return geom
    if not crs.is_geographic:
        b = geom.bounds
        geom = shapely.segmentize(geom, max(b[2] - b[0], b[3] - b[1], 1e-9) / 20.0)
    return to_wgs84(geom, crs, transformer=tr)


def _edges(poly_px: BaseGeometry) -> tuple[np.ndarray, ...]:
    parts = shapely.get_parts(poly_px)
    tid = shapely.get_type_id(parts)
    parts = parts[(tid == 3) | (tid == 6)]  # polygons only: make_valid or clipping may leave lines
    # holes must wind against their shell (the signed areas cancel inside them); a valid polygon
    # may give its holes the shell's orientation, so orient every part first
    parts = shapely.orient_polygons(parts)
    rings = shapely.get_rings(parts)
    if len(rings) == 0:
        e = np.empty(0)
        return e, e, e, e
    coords, idx = shapely.get_coordinates(rings, return_index=True)
    same = idx[1:] == idx[:-1]
    a = coords[:-1][same]
    b = coords[1:][same]
    keep = a[:, 1] != b[:, 1]  # horizontal edges deposit nothing
    a, b = a[keep], b[keep]
    ymin = np.minimum(a[:, 1], b[:, 1])
    order = np.argsort(ymin, kind="stable")
    return (np.ascontiguousarray(a[order, 0]), np.ascontiguousarray(a[order, 1]),
            np.ascontiguousarray(b[order, 0]), np.ascontiguousarray(b[order, 1]))


def _prepare(src, geoms, crs) -> list[_Zone]:
    """Zones in pixel space, clipped to the raster, with outward-rounded windows."""
    _check_transform(src)
    rcrs = raster_crs(src)
    geoms = np.asarray(geoms, dtype=object)
    zcrs = CRS.from_user_input(crs) if crs is not None else WGS84
    geoms = np.array([shapely.make_valid(g) if g is not None and not g.is_valid else g for g in geoms], dtype=object)
    if zcrs.is_geographic:  # edges are geodesics: points on them, so the lon/lat (pixel) edges follow their course
        geoms = geodesy.densify(geoms)
    if zcrs.equals(WGS84, ignore_axis_order=True):
        g84 = geoms
    else:
        tr84 = Transformer.from_crs(zcrs, WGS84, always_xy=True)
        g84 = np.array([_to_wgs84(g, zcrs, tr84) for g in geoms], dtype=object)
    graster = _to_raster_crs(geoms, zcrs, rcrs)
    t = src.transform
    inv = ~t
    H, W = src.height, src.width
    extent = shapely.box(*src.bounds)
    extent84 = None
    zones = []
    for i, (g, gr) in enumerate(zip(g84, graster)):
        zone_ha = geodesy.area_ha(g)
        if g is None or g.is_empty or gr is None or gr.is_empty:
            zones.append(_Zone(i, zone_ha, 0.0))
            continue
        outside_ha = 0.0
        if not extent.contains(gr):
            if extent84 is None:  # a geographic raster's edges are parallels and meridians: follow them
                extent84 = _to_wgs84(shapely.segmentize(extent, EXTENT_STEP_DEG) if rcrs.is_geographic else extent, rcrs)
            outside = geodesy.polygonal(shapely.difference(g, extent84)) if g.intersects(extent84) else None
            outside_ha = geodesy.area_ha(outside) if outside is not None else zone_ha
            outside_ha = min(outside_ha, zone_ha)
        px = shapely.transform(gr, lambda xy: np.column_stack((inv.a * xy[:, 0] + inv.b * xy[:, 1] + inv.c,
                                                               inv.d * xy[:, 0] + inv.e * xy[:, 1] + inv.f)))
        px = shapely.clip_by_rect(px, 0.0, 0.0, float(W), float(H))
        # holes must run against their exterior ring (the coverage is a signed sum): orient every ring
        px = shapely.orient_polygons(geodesy.polygonal(px))
        z = _Zone(i, zone_ha, outside_ha)
        if px.is_empty:
            zones.append(z)
            continue
        minx, miny, maxx, maxy = px.bounds
        z.col0, z.row0 = max(0, math.floor(minx)), max(0, math.floor(miny))
        z.col1, z.row1 = min(W, math.ceil(maxx)), min(H, math.ceil(maxy))
        ex0, ey0, ex1, ey1 = _edges(px)
        z.ex0, z.ex1 = ex0 - z.col0, ex1 - z.col0
        z.ey0, z.ey1 = ey0, ey1
        zones.append(z)
    return zones


# --------------------------------------------------------------------------- cell areas


def _lat_band_term(lat_deg: np.ndarray, e: float) -> np.ndarray:
    s = np.sin(np.radians(lat_deg))
    if e == 0:
        return s
    return s / (1 - e * e * s * s) + np.log((1 + e * s) / (1 - e * s)) / (2 * e)


def row_cell_areas_m2(src, row0: int, row1: int, *, crs: CRS | None = None) -> np.ndarray:
    """Area (m²) of one cell in each row ``row0..row1-1`` of the raster.

    Geographic rasters: exact ellipsoidal area of the latitude-longitude cell
    (it shrinks with latitude). Projected rasters: the planar ``|a·e|``.
    """
    t = src.transform
    crs = crs or raster_crs(src)
    n = row1 - row0
    if not crs.is_geographic:
        unit = crs.axis_info[0].unit_conversion_factor if crs.axis_info else 1.0
        out = np.empty(n)
        out[:] = abs(t.a * t.e) * unit * unit
        return out
    ell = crs.ellipsoid
    a_ax, b_ax = ell.semi_major_metre, ell.semi_minor_metre
    e = math.sqrt(max(0.0, 1 - (b_ax / a_ax) ** 2))
    rows = np.arange(row0, row1 + 1, dtype="float64")
    lat = np.clip(t.f + t.e * rows, -90.0, 90.0)
    q = _lat_band_term(lat, e)
    dlon = math.radians(abs(t.a))
    return np.abs(np.diff(q)) * 0.5 * b_ax * b_ax * dlon


# --------------------------------------------------------------------------- strip reading


def _strip_plan(src, zones: list[_Zone], itemsize: int):
    """Union window of the zones and strip height (a multiple of the block height)."""
    live = [z for z in zones if not z.empty]
    if not live:
        return None
    c0 = min(z.col0 for z in live)
    c1 = max(z.col1 for z in live)
    r0 = min(z.row0 for z in live)
    r1 = max(z.row1 for z in live)
    bh = src.block_shapes[0][0] if src.block_shapes else 256
    bh = max(1, min(bh, src.height))
    per_block = bh * (c1 - c0) * itemsize
    k = max(1, STRIP_BYTES // max(per_block, 1))
    strip = int(bh * k)
    if per_block > 4 * STRIP_BYTES:  # huge blocks (e.g. one-strip TIFFs): bound the strip, not the block
        strip = max(1, STRIP_BYTES // max((c1 - c0) * itemsize, 1))
    # align strips to block rows so each block is decoded once
    first = (r0 // bh) * bh
    return c0, c1, r0, r1, strip, first


def _iter_strips(src, band, c0, c1, r0, r1, strip, first, dtype, *, threads: int = 1):
    """Yield (row_start, array) strips, reading the next one in a thread.

    GDAL decodes the blocks of a strip with ``threads`` threads (DEFLATE float
    rasters decode slowly: this is where their time goes).
    """
    starts = []
    s = first
    while s < r1:
        a, b = max(s, r0), min(s + strip, r1)
        if b > a:
            starts.append((a, b))
        s += strip
    if not starts:
        return
    bufs = [np.empty((min(strip, r1 - r0), c1 - c0), dtype=dtype) for _ in range(2)]

    def read(i):
        a, b = starts[i]
        out = bufs[i % 2][: b - a]
        src.read(band, window=Window(c0, a, c1 - c0, b - a), out=out)
        return a, out

    env = rasterio.Env(GDAL_CACHEMAX=CACHE_BYTES, GDAL_NUM_THREADS=str(max(1, threads)))
    with env, ThreadPoolExecutor(max_workers=1) as pool:
        fut = pool.submit(read, 0)
        for i in range(len(starts)):
            a, arr = fut.result()
            if i + 1 < len(starts):
                fut = pool.submit(read, i + 1)
            yield a, arr


def _zones_in_strip(zones, a, b):
    return [z for z in zones if not z.empty and z.row0 < b and z.row1 > a]


def _edges_for_rows(z: _Zone, a: int, b: int):
    """The zone's edges that cross rows a..b (sorted by lower y, as stored)."""
    lo = np.minimum(z.ey0, z.ey1)
    hi = np.maximum(z.ey0, z.ey1)
    m = (lo < b) & (hi > a)
    if m.all():
        return z.ex0, z.ey0, z.ex1, z.ey1, lo
    return z.ex0[m], z.ey0[m], z.ex1[m], z.ey1[m], lo[m]


def _nodata(src, band):
    nd = src.nodatavals[band - 1]
    return (nd is not None and not (isinstance(nd, float) and math.isnan(nd))), (0.0 if nd is None else nd)


def _warn_outside(src, zones):
    for z in zones:
        if z.zone_ha > 0 and z.empty:
            msg = f"{src.name}: zone {z.index} does not overlap the raster; no values were read for it"
            log.warning(msg)
            warnings.warn(msg, DataWarning, stacklevel=3)


# --------------------------------------------------------------------------- public API


def _scan(src, zones: list[_Zone], band: int, dtype, accs: list[tuple], run, *, threads: int) -> None:
    """Read the zones' union window strip by strip and call ``run`` per zone.

    ``run(z, data, dcol, row0, row_area, edges, acc)`` adds into the tuple of
    arrays ``acc``. With ``threads`` > 1 zones of a strip are shared among
    threads (kernels release the GIL); a strip holding a single zone is split
    by rows, each part into its own accumulators, added up afterwards.
    """
    plan = _strip_plan(src, zones, np.dtype(dtype).itemsize)
    if plan is None:
        return
    c0, c1, r0, r1, strip, first = plan
    pool = ThreadPoolExecutor(max_workers=threads) if threads > 1 else None
    all_rows = row_cell_areas_m2(src, r0, r1, crs=raster_crs(src))

    def work(jobs):
        for z, data, row0, ra, acc in jobs:
            edges = _edges_for_rows(z, row0, row0 + data.shape[0])
            if edges[0].size:
                run(z, data, z.col0 - c0, row0, ra, edges, acc)

    try:
        for a, arr in _iter_strips(src, band, c0, c1, r0, r1, strip, first, dtype, threads=threads):
            b = a + arr.shape[0]
            ra = all_rows[a - r0: b - r0]
            live = _zones_in_strip(zones, a, b)
            merges = []
            if pool is not None and len(live) == 1 and arr.shape[0] >= 32 * threads:
                z = live[0]
                cuts = np.linspace(0, arr.shape[0], threads + 1).astype(int)
                jobs = []
                for p, q in zip(cuts[:-1], cuts[1:]):
                    tmp = tuple(np.zeros_like(x) for x in accs[z.index])
                    jobs.append((z, arr[p:q], a + p, ra[p:q], tmp))
                    merges.append((accs[z.index], tmp))
            else:
                jobs = [(z, arr, a, ra, accs[z.index]) for z in live]
            if pool is None or len(jobs) < 2:
                work(jobs)
            else:
                list(pool.map(work, [jobs[i::threads] for i in range(threads)]))
            for dst, tmp in merges:
                for x, y in zip(dst, tmp):
                    x += y
    finally:
        if pool is not None:
            pool.shutdown()


def _threads(threads: int | None) -> int:
    return max(1, min(2, os.cpu_count() or 1)) if threads is None else max(1, int(threads))


def class_areas(src, geoms, *, crs=None, band: int = 1, threads: int | None = None) -> list[ClassAreas]:
    """Coverage-weighted area of each class value inside each zone.

    Parameters
    ----------
    src
        An open rasterio dataset holding integer class values.
    geoms
        Polygons (an array, a GeoSeries or a list).
    crs
        CRS of ``geoms`` (default EPSG:4326; a GeoSeries' own CRS is used).
    band
        Band number.
    threads
        Threads for the kernels (default: up to 2).

    Returns
    -------
    list of ClassAreas, one per zone, in order. A zone that misses the raster
    gets no classes and ``coverage.outside_share == 1`` (with a DataWarning).
    """
    geoms, crs = _geoms_and_crs(geoms, crs)
    dtype = np.dtype(src.dtypes[band - 1])
    if dtype.kind not in "iu":
        raise LayerError(
            f"{src.name}: band {band} holds {dtype} values, not integer classes; a land-cover raster must hold class codes"
        )
    zones = _prepare(src, geoms, crs)
    _warn_outside(src, zones)
    has_nd, nd = _nodata(src, band)
    small = dtype.itemsize <= 2
    big: list[dict[int, float]] = [dict() for _ in zones]
    if small:
        offset = -int(np.iinfo(dtype).min)
        nbins = int(np.iinfo(dtype).max) + offset + 1
        nd_idx = int(nd) + offset if has_nd and float(nd).is_integer() and 0 <= int(nd) + offset < nbins else -1
        areas_of: list[dict[int, float]] = [dict() for _ in zones]
        extras: list = [np.zeros(2) for _ in zones]

        def run(z, data, dcol, row0, ra, edges, acc):
            ex0, ey0, ex1, ey1, lo = edges
            _classes_kernel(data, dcol, z.col1 - z.col0, row0, ex0, ey0, ex1, ey1, lo, ra, offset, nd_idx,
                            acc[0], acc[1])

        # a zone's histograms take 4 × nbins floats (8 KB for 8-bit, 2 MB for 16-bit rasters): zones are
        # scanned in groups (by position, so each group reads a compact window) within ACC_BYTES
        per_group = max(1, ACC_BYTES // (4 * nbins * 8))
        order = sorted((z for z in zones if not z.empty), key=lambda z: (z.row0, z.col0))
        for k in range(0, len(order), per_group):
            group = order[k: k + per_group]
            accs = {z.index: (np.zeros((4, nbins)), extras[z.index]) for z in group}
            _scan(src, group, band, dtype, accs, run, threads=_threads(threads))
            for z in group:
                sums = accs[z.index][0].sum(axis=0)
                areas_of[z.index] = {int(i) - offset: float(sums[i]) for i in np.flatnonzero(sums)}
            del accs
    else:
        accs = [(np.zeros(0), np.zeros(2)) for _ in zones]

        def run(z, data, dcol, row0, ra, edges, acc):
            ex0, ey0, ex1, ey1, lo = edges
            sub = data[:, dcol: dcol + z.col1 - z.col0]
            uniq, codes = np.unique(sub, return_inverse=True)
            codes = np.ascontiguousarray(codes.reshape(sub.shape).astype(np.int32))
            local = np.zeros((4, len(uniq)))
            ndcode = int(np.searchsorted(uniq, nd)) if has_nd and nd in uniq else -1
            _classes_kernel(codes, 0, z.col1 - z.col0, row0, ex0, ey0, ex1, ey1, lo, ra, 0, ndcode, local, acc[1])
            for u, v in zip(uniq.tolist(), local.sum(axis=0).tolist()):
                if v:
                    big[z.index][int(u)] = big[z.index].get(int(u), 0.0) + v

        _scan(src, zones, band, dtype, accs, run, threads=1)
    out = []
    for z in zones:
        if small:
            areas, extra = areas_of[z.index], extras[z.index]
        else:
            areas, extra = big[z.index], accs[z.index][1]
        cov = ZoneCoverage(z.zone_ha, z.outside_ha, float(extra[0]), float(extra[1]))
        out.append(ClassAreas(dict(sorted(areas.items())), cov))
    return out


def weighted_sums(src, geoms, *, crs=None, band: int = 1, density_per_km2: bool = False,
                  threads: int | None = None) -> list[WeightedSum]:
    """Coverage-weighted sum of a raster inside each zone.

    Parameters
    ----------
    src
        An open rasterio dataset (counts per cell, or a density).
    geoms
        Polygons (an array, a GeoSeries or a list).
    crs
        CRS of ``geoms`` (default EPSG:4326; a GeoSeries' own CRS is used).
    band
        Band number.
    density_per_km2
        The raster holds a density per km² (e.g. people/km²): each cell's value
        is multiplied by its area in km² (geodesic for geographic rasters).
    threads
        Threads for the kernels (default: up to 2).

    Returns
    -------
    list of WeightedSum, one per zone. Nodata and NaN cells add nothing and
    are reported in ``coverage``.
    """
    geoms, crs = _geoms_and_crs(geoms, crs)
    dtype = np.dtype(src.dtypes[band - 1])
    zones = _prepare(src, geoms, crs)
    _warn_outside(src, zones)
    has_nd, nd = _nodata(src, band)
    accs = [(np.zeros(4),) for _ in zones]

    def run(z, data, dcol, row0, ra, edges, acc):
        ex0, ey0, ex1, ey1, lo = edges
        factor = ra / 1e6 if density_per_km2 else np.ones_like(ra)
        _sum_kernel(data, dcol, z.col1 - z.col0, row0, ex0, ey0, ex1, ey1, lo, ra, factor, float(nd), has_nd, acc[0])

    _scan(src, zones, band, dtype, accs, run, threads=_threads(threads))
    res = []
    for z in zones:
        o = accs[z.index][0]
        res.append(WeightedSum(float(o[0]), ZoneCoverage(z.zone_ha, z.outside_ha, float(o[1]), float(o[2])), float(o[3])))
    return res


def _geoms_and_crs(geoms, crs):
    if hasattr(geoms, "crs") and hasattr(geoms, "values"):
        if crs is None and geoms.crs is not None:
            crs = geoms.crs
        geoms = np.asarray(geoms.values, dtype=object)
    elif isinstance(geoms, BaseGeometry):
        geoms = np.array([geoms], dtype=object)
    else:
        geoms = np.asarray(list(geoms), dtype=object)
    return geoms, crs
