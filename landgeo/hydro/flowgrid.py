"""A conditioned DEM as one object: read once, condition once, then accumulate, label and trace.

In the spirit of pyflwdir's ``FlwdirRaster``: :meth:`FlowGrid.from_dem` reads band 1 of an
open raster (nodata honoured, memory checked first), fills its depressions and gives every
cell a D8 direction (:mod:`.condition`); the methods run the kernels of :mod:`.accumulate`
and :mod:`.units` over it. A DEM catchment (:mod:`landgeo.delineate.dem`), ``basins build``
(:mod:`landgeo.delineate.basins.build`) and the stream network of a sheet
(:mod:`landgeo.delineate.streams`) all start from one.

The grid is *padded*: ``dirs`` is ``(H + 2) × (W + 2)`` with a one-cell border of 0, so
padded cell (r, c) is DEM cell (r - 1, c - 1); codes and layout in :mod:`.core`.
"""

from __future__ import annotations

import logging
import math
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
import rasterio.windows
from pyproj import CRS, Transformer

from ..errors import DataWarning, LayerError
from ..geo import geodesy
from ..geo.crs import WGS84
from ..i18n import Text
from .accumulate import accumulate_cells, accumulate_weighted, upstream_mask
from .condition import d8_complete, fill_with_directions
from .units import count_labels, label_units, mask_from_labels, window_flow

log = logging.getLogger(__name__)

MAX_CELLS = 2**31 - 1
#: Cells beyond ± this (m or ft: Everest is 29,032 ft) are no elevation (an undeclared nodata, 1e30, …): nodata.
MAX_ABS_ELEVATION = 100_000.0
#: Infinite or absurd cells in this share of the DEM's data or more: refused (wrong nodata or units), not repaired.
MAX_INVALID_SHARE = 0.5
#: Peak memory of a DEM delineation per cell (float32 grid, directions, accumulation, masks; 8000² took 1.21 GB
#: ≈ 19 B/cell in benchmarks/README.md) with a margin.
BYTES_PER_CELL = 24


# --- reading -----------------------------------------------------------------------------------

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
            Text("{name}: {width:,} × {height:,} cells needs about {value:,.1f} GB to delineate (≈ {bytes_per_cell} bytes a cell) but only {value2:,.1f} GB is free; clip the DEM to the area around the outlet (gdalwarp -te xmin ymin xmax ymax) or use a coarser DEM (gdalwarp -tr …)", params={"name": str(name), "width": width, "height": height, "value": need / 1e9, "bytes_per_cell": str(bytes_per_cell), "value2": avail / 1e9})
        )
    return need


def read_dem(src, *, block_rows: int = 512) -> np.ndarray:
    """Band 1 of an open raster as a padded float32 grid, NaN on nodata and on the one-cell border.

    Infinite cells and values beyond ±:data:`MAX_ABS_ELEVATION` are nodata too (counted in a
    :class:`DataWarning`; refused when they are :data:`MAX_INVALID_SHARE` of the data or more).

    Read in blocks of rows straight into the padded array (no temporary).
    """
    if src.transform.b != 0 or src.transform.d != 0:
        raise LayerError(Text("{name}: the DEM grid is rotated; warp it to a north-up grid first (gdalwarp)", params={"name": str(src.name)}))
    h, w = src.height, src.width
    if (h + 2) * (w + 2) > MAX_CELLS:
        raise LayerError(Text("{name}: {w}×{h} cells is more than landgeo handles (2^31); clip the DEM to the area", params={"name": str(src.name), "w": str(w), "h": str(h)}))
    check_memory(src.name, w, h)
    # filled first: the fill then runs ≈ 10 % faster (measured) than on pages first touched by GDAL's block writes
    z = np.full((h + 2, w + 2), np.nan, dtype=np.float32)
    nodata = src.nodata
    finite = invalid = 0
    for r0 in range(0, h, block_rows):
        r1 = min(h, r0 + block_rows)
        block = z[r0 + 1 : r1 + 1, 1:-1]
        src.read(1, window=rasterio.windows.Window(0, r0, w, r1 - r0), out=block)  # GDAL converts to float32 in place
        if nodata is not None and not math.isnan(nodata):
            block[block == np.float32(nodata)] = np.nan
        bad = np.isinf(block) | (np.abs(block) > MAX_ABS_ELEVATION)  # NaN compares False: not counted twice
        if bad.any():
            invalid += int(np.count_nonzero(bad))
            block[bad] = np.nan
        finite += int(np.count_nonzero(np.isfinite(block)))
    if not finite:
        raise LayerError(Text("{name}: the DEM has no valid cell (all nodata)", params={"name": str(src.name)}))
    if invalid:
        share = invalid / (invalid + finite)
        params = {"name": str(src.name), "file": Path(src.name).name, "n": invalid, "share": 100 * share, "max": f"{MAX_ABS_ELEVATION:,.0f}"}
        if share >= MAX_INVALID_SHARE:
            raise LayerError(Text("{name}: {n:,} cells ({share:.0f} % of the DEM's data) are infinite or beyond ±{max} "
                                  "(not elevations); give the DEM's nodata value (gdal_edit.py -a_nodata) or fix its units",
                                  params=params))
        warnings.warn(DataWarning(Text("{file}: {n:,} cell is infinite or beyond ±{max} (not an elevation): treated as nodata",
                                       "{file}: {n:,} cells are infinite or beyond ±{max} (not elevations): treated as nodata",
                                       params)), stacklevel=2)
    return z


# --- cell sizes ----------------------------------------------------------------------------------

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


def cell_area_ha(transform, crs, nrows: int) -> np.ndarray:
    """Area of one cell of each row in hectares (geodesic for geographic grids)."""
    crs = CRS(crs)
    if not crs.is_geographic:
        factor = crs.axis_info[0].unit_conversion_factor if crs.axis_info else 1.0
        return np.full(nrows, abs(transform.a * transform.e) * factor * factor / 1e4)
    out = np.empty(nrows)
    x0, x1 = transform.c, transform.c + transform.a
    for r in range(nrows):
        y0 = transform.f + r * transform.e
        y1 = y0 + transform.e
        area, _ = geodesy.GEOD.polygon_area_perimeter([x0, x1, x1, x0], [y0, y0, y1, y1])
        out[r] = abs(area) / 1e4
    return out


# --- the object ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class FlowGrid:
    """A conditioned DEM: D8 directions and what conditioning did.

    ``dirs`` is the *padded* ``(H + 2) × (W + 2)`` uint8 grid (codes in
    :mod:`landgeo.hydro.core`; the border is 0), ``transform`` the DEM's own (unpadded)
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

    @classmethod
    def from_dem(cls, src) -> FlowGrid:
        """Read band 1 of an open raster (:func:`read_dem`) and condition it (:meth:`from_elevations`)."""
        z = read_dem(src)
        grid = cls.from_elevations(z, src.transform, src.crs)
        del z
        return grid

    @classmethod
    def from_elevations(cls, z: np.ndarray, transform, crs) -> FlowGrid:
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
        filled, _ = fill_with_directions(flat, flat.view(np.uint32), w, dirs)
        unresolved, flat_cells = d8_complete(flat, w, ux, uy, dirs)
        log.info(Text("DEM conditioned: cells raised {raised}, flat cells drained by the flood {flat}, unresolved {unresolved}",
                      params={"raised": int(filled), "flat": int(flat_cells), "unresolved": int(unresolved)}))
        return cls(dirs.reshape(h, w), transform, CRS(crs), dx, dy, int(filled), int(flat_cells), int(unresolved))

    @property
    def width(self) -> int:
        """Padded width (the flat-index row stride)."""
        return self.dirs.shape[1]

    @property
    def flat(self) -> np.ndarray:
        return self.dirs.reshape(-1)

    @property
    def shape(self) -> tuple[int, int]:
        """The DEM's (rows, cols), without the padding."""
        h, w = self.dirs.shape
        return h - 2, w - 2

    def cell_area_ha(self) -> np.ndarray:
        """Area (ha) of one cell of each DEM row (geodesic for a geographic grid)."""
        return cell_area_ha(self.transform, self.crs, self.shape[0])

    def accumulation(self, row_weight: np.ndarray | None = None) -> np.ndarray:
        """Flow accumulation of every padded cell (flat): cells, or the sum of ``row_weight`` (one value a DEM row)."""
        if row_weight is None:
            return accumulate_cells(self.flat, self.width)
        return accumulate_weighted(self.flat, self.width, row_weight)

    def label(self, ids: np.ndarray) -> np.ndarray:
        """Every cell labelled with the id of the first cell with an id (> 0) on its way down (flat, padded)."""
        return label_units(self.flat, self.width, ids)

    def upstream_mask(self, row: int, col: int):
        """The upstream mask of DEM cell (row, col) by an upstream walk: ``(mask, count, rmin, rmax, cmin, cmax)``."""
        w = self.width
        return upstream_mask(self.flat, w, (row + 1) * w + col + 1)

    def to_grid(self, lonlat) -> tuple[float, float]:
        """Fractional DEM (row, col) of a lon/lat point."""
        lon, lat = lonlat
        x, y = Transformer.from_crs(WGS84, self.crs, always_xy=True).transform(lon, lat)
        col, row = ~self.transform @ (x, y)
        return row, col

    def cell_lonlat(self, row: int, col: int) -> tuple[float, float]:
        """Lon/lat of the centre of DEM cell (row, col)."""
        x, y = self.transform @ (col + 0.5, row + 0.5)
        lon, lat = Transformer.from_crs(self.crs, WGS84, always_xy=True).transform(x, y)
        return float(lon), float(lat)


class WindowFlow:
    """Flow through a window of DEM cells without accumulating the whole grid.

    Every cell is labelled with the first window cell on its downstream path
    (one parallel pass); the window's accumulation and any window cell's
    upstream mask follow from the labels. ``window`` is ``(ra, rb, ca, cb)`` in DEM rows/cols.
    """
    def __init__(self, grid: FlowGrid, window: tuple[int, int, int, int]):
        ra, rb, ca, cb = window
        self.cond = grid
        self.padded = (ra + 1, rb + 1, ca + 1, cb + 1)
        h, w = grid.dirs.shape
        ids = np.zeros((h, w), dtype=np.int32)
        block = np.arange(1, (rb - ra) * (cb - ca) + 1, dtype=np.int32).reshape(rb - ra, cb - ca)
        block[grid.dirs[ra + 1 : rb + 1, ca + 1 : cb + 1] == 0] = 0  # nodata cells are no outlet
        ids[ra + 1 : rb + 1, ca + 1 : cb + 1] = block
        self.labels = grid.label(ids.reshape(-1))
        del ids
        self.counts = count_labels(self.labels, block.size)

    def accumulation(self) -> np.ndarray:
        """Accumulation (cells) of each window cell, as a flat row-major array."""
        pa, pb, pc, pd = self.padded
        acc, _ = window_flow(self.cond.flat, self.cond.width, pa, pb, pc, pd, self.counts, -1)
        return acc

    def upstream_mask(self, row: int, col: int):
        """Like :meth:`FlowGrid.upstream_mask` for DEM cell (row, col), which must lie in the window."""
        pa, pb, pc, pd = self.padded
        target = (row + 1 - pa) * (pd - pc) + (col + 1 - pc)
        _, inup = window_flow(self.cond.flat, self.cond.width, pa, pb, pc, pd, self.counts, target)
        return mask_from_labels(self.labels, self.cond.width, inup)
