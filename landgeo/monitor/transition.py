"""Land-cover transition matrix between two dates inside a landscape (area in m², exact partial cells).

Two methods, chosen from the rasters' grids; neither resamples a raster into
the other's grid unless ``resample=True`` is asked for:

* **paired cells** — both rasters share a grid (same CRS, same cell size,
  origins a whole number of cells apart). Each cell pair gets one code
  (``from × 65536 + to``) and the codes' areas are the coverage-weighted class
  areas of :func:`landgeo.zonal.class_areas`: a boundary cell counts with the
  fraction of it inside the landscape, cell areas are geodesic for a
  geographic grid (planar for a projected one). Read by strips of rows;
  classes below 255 give 16-bit codes, histogrammed directly.
* **vectorised coarser grid** — the grids differ (cell size, alignment or
  CRS). The raster with the larger cells is turned into polygons, one
  (multi)polygon per class clipped to the landscape (cell edges exact, densified
  when they change CRS); the finer raster's coverage-weighted class areas inside
  each of those polygons form that class's row (or column). Nothing is
  resampled: every fine cell counts with the exact fraction of it that lies in
  the landscape *and* in the coarse class.

With ``resample=True`` the "to" raster is warped onto the "from" grid by
nearest neighbour (rasterio.warp.reproject), then paired; the method says so.

Only cells valid on both dates count; the area where either date has no value
is kept apart in ``unpaired_m2``. Row sums are therefore the "from" date's
class areas over the area both dates cover (and likewise for columns).
"""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import rasterio
import rasterio.features
import shapely
from pyproj import CRS, Transformer
from rasterio.io import MemoryFile
from rasterio.warp import Resampling, reproject
from rasterio.windows import Window

from .. import zonal
from ..errors import DataWarning, LayerError
from ..geo import geodesy
from ..geo.crs import WGS84
from ..i18n import N_, Text

log = logging.getLogger(__name__)

CODE_BASE = 65536  # from-value × CODE_BASE + to-value: class values must lie in 0..65535
CODE_NODATA = np.uint32(0xFFFFFFFF)
STRIP_CELLS = 4_000_000  # cells per strip on the paired-cells path
# the method ids, also catalogue messages (stated in the profile's language)
METHOD_PAIRED = N_("paired cells")
METHOD_VECTOR = N_("vectorised coarser grid")
METHOD_RESAMPLED = N_("resampled (nearest) then paired cells")


@dataclass(frozen=True)
class TransitionMatrix:
    """Area (m²) that went from each class of the first date to each class of the second.

    ``areas_m2[(from_value, to_value)]`` — the diagonal is the area that kept
    its class. ``unpaired_m2`` is the landscape area where either date has no
    value (nodata or outside a raster). ``method`` is one of
    ``"paired cells"``, ``"vectorised coarser grid"``,
    ``"resampled (nearest) then paired cells"``.
    """
    areas_m2: dict[tuple[int, int], float]
    method: str
    unpaired_m2: float = 0.0
    notes: tuple[Text, ...] = field(default=())

    def from_totals_m2(self) -> dict[int, float]:
        """Row sums: the first date's class areas (where both dates have a value)."""
        out: dict[int, float] = {}
        for (a, _b), v in self.areas_m2.items():
            out[a] = out.get(a, 0.0) + v
        return dict(sorted(out.items()))

    def to_totals_m2(self) -> dict[int, float]:
        """Column sums: the second date's class areas (where both dates have a value)."""
        out: dict[int, float] = {}
        for (_a, b), v in self.areas_m2.items():
            out[b] = out.get(b, 0.0) + v
        return dict(sorted(out.items()))

    def total_m2(self) -> float:
        return float(sum(self.areas_m2.values()))

    def changed_m2(self) -> float:
        """Area whose class changed (off-diagonal sum)."""
        return float(sum(v for (a, b), v in self.areas_m2.items() if a != b))

    def without(self, values) -> TransitionMatrix:
        """The matrix without rows and columns of ``values`` (e.g. a class table's nodata codes), moved to unpaired."""
        drop = {int(v) for v in values}
        keep = {k: v for k, v in self.areas_m2.items() if k[0] not in drop and k[1] not in drop}
        moved = sum(v for k, v in self.areas_m2.items() if k not in keep)
        return TransitionMatrix(keep, self.method, self.unpaired_m2 + moved, self.notes)


# --------------------------------------------------------------------------- grids


def same_grid(a, b, *, tol: float = 1e-6) -> bool:
    """Whether two open rasters share a grid: same CRS, cell size, and origins whole cells apart."""
    ta, tb = a.transform, b.transform
    if ta.b or ta.d or tb.b or tb.d:
        return False
    if not zonal.raster_crs(a).equals(zonal.raster_crs(b), ignore_axis_order=True):
        return False
    if abs(ta.a - tb.a) > tol * abs(ta.a) or abs(ta.e - tb.e) > tol * abs(ta.e):
        return False
    dx = (tb.c - ta.c) / ta.a
    dy = (tb.f - ta.f) / ta.e
    return abs(dx - round(dx)) < 1e-4 and abs(dy - round(dy)) < 1e-4


def _geom_in(geom, crs_from: CRS, crs_to: CRS, *, step: float | None = None):
    """``geom`` transformed from ``crs_from`` to ``crs_to``, its edges densified first (``step`` in source units)."""
    if crs_from.equals(crs_to, ignore_axis_order=True):
        return geom
    if step is None:
        step = zonal.DENSIFY_DEG if crs_from.is_geographic else 500.0
    geom = shapely.segmentize(geom, step)
    tr = Transformer.from_crs(crs_from, crs_to, always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def _window_of(src, geom_raster_crs) -> Window | None:
    """The raster window covering ``geom`` (in the raster's CRS), rounded outward and clipped to the raster."""
    minx, miny, maxx, maxy = geom_raster_crs.bounds
    inv = ~src.transform
    cols, rows = [], []
    for x, y in ((minx, miny), (minx, maxy), (maxx, miny), (maxx, maxy)):
        c, r = inv @ (x, y)
        cols.append(c)
        rows.append(r)
    c0, c1 = max(0, math.floor(min(cols))), min(src.width, math.ceil(max(cols)))
    r0, r1 = max(0, math.floor(min(rows))), min(src.height, math.ceil(max(rows)))
    if c1 <= c0 or r1 <= r0:
        return None
    return Window(c0, r0, c1 - c0, r1 - r0)


def _check_integer(src, label: Text) -> np.dtype:
    dtype = np.dtype(src.dtypes[0])
    if dtype.kind not in "iu":
        raise LayerError(Text("{file}: {layer} holds {dtype} values, not integer classes; a land-cover raster must hold class codes",
                              params={"file": str(src.name), "layer": label, "dtype": str(dtype)}))
    return dtype


def _nodata_mask(arr: np.ndarray, src) -> np.ndarray:
    nd = src.nodatavals[0]
    if nd is None or (isinstance(nd, float) and math.isnan(nd)):
        return np.zeros(arr.shape, bool)
    return arr == nd


def _codes(a: np.ndarray, b: np.ndarray, bad: np.ndarray, name_a: str, name_b: str) -> tuple[np.ndarray, int, int]:
    """One code per cell pair: ``(codes, base, nodata code)``, code = from × base + to.

    Classes below 255 on both dates (most class rasters) give 16-bit codes (base 256), which the
    zonal kernel histograms directly; others 32-bit codes (base 65536).
    """
    good = ~bad
    hi_all = 0
    for arr, name in ((a, name_a), (b, name_b)):
        if good.any():
            lo, hi = int(arr[good].min()), int(arr[good].max())
            if lo < 0 or hi >= CODE_BASE:
                raise LayerError(Text("{file}: class values {lo:d}…{hi:d} are outside 0…65535; recode the classes (gdal_calc) "
                                      "before comparing dates", params={"file": str(name), "lo": lo, "hi": hi}))
            hi_all = max(hi_all, hi)
    if hi_all < 255:
        code = a.astype(np.uint16) * np.uint16(256) + b.astype(np.uint16)
        code[bad] = np.uint16(0xFFFF)
        return code, 256, 0xFFFF
    code = a.astype(np.uint32) * np.uint32(CODE_BASE) + b.astype(np.uint32)
    code[bad] = CODE_NODATA
    return code, CODE_BASE, int(CODE_NODATA)


def _class_areas_of_array(code: np.ndarray, transform, crs: CRS, geom, geom_crs, nodata: int) -> zonal.ClassAreas:
    """Coverage-weighted areas of the codes of an in-memory array inside ``geom``."""
    prof = dict(driver="GTiff", height=code.shape[0], width=code.shape[1], count=1, dtype=code.dtype.name,
                crs=rasterio.crs.CRS.from_wkt(crs.to_wkt()), transform=transform, nodata=nodata)
    with MemoryFile() as mem:
        with mem.open(**prof) as dst:
            dst.write(code, 1)
        with mem.open() as src, warnings.catch_warnings():
            warnings.simplefilter("ignore", DataWarning)  # a strip may miss a concave landscape: nothing to say
            return zonal.class_areas(src, [geom], crs=geom_crs, threads=1)[0]


# --------------------------------------------------------------------------- paired cells


def _paired(src_a, src_b, geom, geom_crs: CRS) -> TransitionMatrix:
    rcrs = zonal.raster_crs(src_a)
    g = _geom_in(geom, geom_crs, rcrs)
    win_a = _window_of(src_a, g)
    win_b = _window_of(src_b, g)
    zone_ha = geodesy.area_ha(_geom_in(geom, geom_crs, WGS84))
    if win_a is None or win_b is None:
        return TransitionMatrix({}, METHOD_PAIRED, zone_ha * 1e4, (Text("the rasters do not overlap the landscape"),))
    ta, tb = src_a.transform, src_b.transform
    dcol = int(round((ta.c - tb.c) / ta.a))  # column of a's column 0 in b
    drow = int(round((ta.f - tb.f) / ta.e))
    # the common window, in a's pixel space
    c0 = max(win_a.col_off, win_b.col_off - dcol)
    c1 = min(win_a.col_off + win_a.width, win_b.col_off + win_b.width - dcol)
    r0 = max(win_a.row_off, win_b.row_off - drow)
    r1 = min(win_a.row_off + win_a.height, win_b.row_off + win_b.height - drow)
    areas: dict[tuple[int, int], float] = {}
    if c1 > c0 and r1 > r0:
        strip = max(1, STRIP_CELLS // (c1 - c0))
        for s in range(r0, r1, strip):
            e = min(r1, s + strip)
            a = src_a.read(1, window=Window(c0, s, c1 - c0, e - s))
            b = src_b.read(1, window=Window(c0 + dcol, s + drow, c1 - c0, e - s))
            code, base, nd = _codes(a, b, _nodata_mask(a, src_a) | _nodata_mask(b, src_b), src_a.name, src_b.name)
            res = _class_areas_of_array(code, src_a.window_transform(Window(c0, s, c1 - c0, e - s)), rcrs, geom,
                                        geom_crs, nd)
            for k, v in res.areas_m2.items():
                key = (int(k) // base, int(k) % base)
                areas[key] = areas.get(key, 0.0) + v
    total = sum(areas.values())
    unpaired = max(0.0, zone_ha * 1e4 - total)  # nodata on either date, or outside a raster
    return TransitionMatrix(dict(sorted(areas.items())), METHOD_PAIRED, unpaired)


def _file_name(src) -> str:
    """A raster's file name without its folder: notes go into profile.json, which must not depend on where the data lie."""
    return Path(str(src.name)).name


# --------------------------------------------------------------------------- vectorised coarser grid


def _cell_area_m2(src, geom84) -> float:
    """Area of one cell of ``src`` near the landscape's centre (m²), to tell the coarser grid."""
    crs = zonal.raster_crs(src)
    if not crs.is_geographic:
        unit = crs.axis_info[0].unit_conversion_factor if crs.axis_info else 1.0
        return abs(src.transform.a * src.transform.e) * unit * unit
    c = geom84.centroid
    cc = _geom_in(c, WGS84, crs)
    row = int(np.clip((~src.transform @ (cc.x, cc.y))[1], 0, src.height - 1))
    return float(zonal.row_cell_areas_m2(src, row, row + 1, crs=crs)[0])


def class_polygons(src, geom, geom_crs: CRS) -> dict[int, shapely.Geometry]:
    """The raster's cells inside ``geom`` as one (multi)polygon per class, in the raster's CRS, clipped to ``geom``.

    Cells equal to the raster's nodata are left out. Connected cells of a class
    become one polygon (rasterio.features.shapes, 4-connectivity).
    """
    rcrs = zonal.raster_crs(src)
    g = shapely.make_valid(_geom_in(geom, geom_crs, rcrs))
    win = _window_of(src, g)
    if win is None:
        return {}
    arr = src.read(1, window=win)
    valid = ~_nodata_mask(arr, src)
    parts: dict[int, list] = {}
    for shp, value in rasterio.features.shapes(arr, mask=valid, transform=src.window_transform(win), connectivity=4):
        parts.setdefault(int(value), []).append(shapely.geometry.shape(shp))
    out = {}
    shapely.prepare(g)
    for value in sorted(parts):
        mp = shapely.make_valid(shapely.MultiPolygon([p for p in parts[value] if not p.is_empty]))
        clipped = shapely.intersection(mp, g)
        clipped = shapely.make_valid(clipped)
        if not clipped.is_empty and clipped.area > 0:
            out[value] = clipped
    return out


def _vectorised(src_a, src_b, geom, geom_crs: CRS) -> TransitionMatrix:
    g84 = _geom_in(geom, geom_crs, WGS84)
    a_coarse = _cell_area_m2(src_a, g84) >= _cell_area_m2(src_b, g84)
    coarse, fine = (src_a, src_b) if a_coarse else (src_b, src_a)
    ccrs = zonal.raster_crs(coarse)
    polys = class_polygons(coarse, geom, geom_crs)
    values = list(polys)
    areas: dict[tuple[int, int], float] = {}
    if values:
        step = abs(coarse.transform.a) / 4.0  # a quarter cell: the edges follow their course in the fine CRS
        geoms = [shapely.segmentize(polys[v], step) for v in values]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataWarning)
            res = zonal.class_areas(fine, geoms, crs=ccrs)
        for v, r in zip(values, res):
            for f, m2 in r.areas_m2.items():
                key = (v, int(f)) if a_coarse else (int(f), v)
                areas[key] = areas.get(key, 0.0) + m2
    zone_m2 = geodesy.area_ha(g84) * 1e4
    total = sum(areas.values())
    note = Text("{coarse} has the larger cells: its cells were turned into polygons; {fine} was read inside them with "
                "exact partial-cell weights", params={"coarse": _file_name(coarse), "fine": _file_name(fine)})
    log.info(note)
    return TransitionMatrix(dict(sorted(areas.items())), METHOD_VECTOR, max(0.0, zone_m2 - total), (note,))


# --------------------------------------------------------------------------- resample on request


def _resampled(src_a, src_b, geom, geom_crs: CRS) -> TransitionMatrix:
    rcrs = zonal.raster_crs(src_a)
    win = _window_of(src_a, _geom_in(geom, geom_crs, rcrs))
    if win is None:
        return TransitionMatrix({}, METHOD_RESAMPLED, geodesy.area_ha(_geom_in(geom, geom_crs, WGS84)) * 1e4)
    dtype = np.dtype(src_b.dtypes[0])
    nd_b = src_b.nodatavals[0]
    fill = nd_b if nd_b is not None else (np.iinfo(dtype).max if dtype.kind in "iu" else 0)
    dst = np.full((int(win.height), int(win.width)), fill, dtype=dtype)
    reproject(rasterio.band(src_b, 1), dst, dst_transform=src_a.window_transform(win), dst_crs=src_a.crs,
              dst_nodata=fill, resampling=Resampling.nearest)
    a = src_a.read(1, window=win)
    bad = _nodata_mask(a, src_a) | (dst == fill)
    code, base, nd = _codes(a, dst, bad, src_a.name, src_b.name)
    res = _class_areas_of_array(code, src_a.window_transform(win), rcrs, geom, geom_crs, nd)
    areas = {(int(k) // base, int(k) % base): v for k, v in res.areas_m2.items()}
    zone_m2 = geodesy.area_ha(_geom_in(geom, geom_crs, WGS84)) * 1e4
    note = Text("{b} was resampled (nearest neighbour) onto the grid of {a}, as asked",
                params={"b": _file_name(src_b), "a": _file_name(src_a)})
    return TransitionMatrix(dict(sorted(areas.items())), METHOD_RESAMPLED, max(0.0, zone_m2 - sum(areas.values())), (note,))


# --------------------------------------------------------------------------- public


def transition_matrix(src_from, src_to, boundary, *, crs=None, resample: bool = False) -> TransitionMatrix:
    """Area (m²) of each from-class × to-class transition inside ``boundary``.

    Parameters
    ----------
    src_from, src_to
        Open rasterio datasets of integer class codes (0…65535), any grids and CRSs.
    boundary
        The landscape polygon.
    crs
        CRS of ``boundary`` (default EPSG:4326).
    resample
        Warp ``src_to`` onto ``src_from``'s grid (nearest neighbour) when the
        grids differ, instead of the exact vectorised overlay.

    Returns
    -------
    TransitionMatrix
        ``areas_m2[(from, to)]``; rows sum to the first date's class areas and
        columns to the second's (over the area both dates cover).

    Examples
    --------
    An empty landscape has no transitions (and no area):
    >>> import numpy as np, rasterio
    >>> from rasterio.io import MemoryFile
    >>> from rasterio.transform import from_origin
    >>> mem = MemoryFile(); prof = dict(driver="GTiff", width=2, height=2, count=1, dtype="uint8",
    ...     crs="EPSG:4326", transform=from_origin(0, 1, 0.5, 0.5))
    >>> with mem.open(**prof) as d: d.write(np.ones((2, 2), "uint8"), 1)
    >>> with mem.open() as src: transition_matrix(src, src, shapely.Polygon()).areas_m2
    {}
    """
    for src, label in ((src_from, Text("the first date's raster")), (src_to, Text("the second date's raster"))):
        _check_integer(src, label)
        zonal.check_transform(src)
    gcrs = CRS.from_user_input(crs) if crs is not None else WGS84
    if boundary is None or boundary.is_empty:
        return TransitionMatrix({}, METHOD_PAIRED)
    if same_grid(src_from, src_to):
        return _paired(src_from, src_to, boundary, gcrs)
    if resample:
        return _resampled(src_from, src_to, boundary, gcrs)
    return _vectorised(src_from, src_to, boundary, gcrs)
