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
from dataclasses import dataclass, field

import numpy as np
from shapely.geometry.base import BaseGeometry

from ..errors import LayerError
from ..i18n import Text
from .kernels import classes_kernel, sum_kernel
from .scan import band_nodata, scan, thread_count, warn_outside
from .zones import prepare_zones

log = logging.getLogger(__name__)

log = logging.getLogger(__name__)

ACC_BYTES = 64 * 2**20  # class histograms held at once (zones beyond it are scanned in further groups)


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


# --------------------------------------------------------------------------- public API


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
    # long: its numpydoc is 20 lines; the body is one scan with its per-zone accumulators
    geoms, crs = _geoms_and_crs(geoms, crs)
    dtype = np.dtype(src.dtypes[band - 1])
    if dtype.kind not in "iu":
        raise LayerError(
            Text("{name}: band {band} holds {dtype} values, not integer classes; a land-cover raster must hold class codes", params={"name": str(src.name), "band": str(band), "dtype": str(dtype)})
        )
    zones = prepare_zones(src, geoms, crs)
    warn_outside(src, zones)
    has_nd, nd = band_nodata(src, band)
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
            classes_kernel(data, dcol, z.col1 - z.col0, row0, ex0, ey0, ex1, ey1, lo, ra, offset, nd_idx,
                            acc[0], acc[1])

        # a zone's histograms take 4 × nbins floats (8 KB for 8-bit, 2 MB for 16-bit rasters): zones are
        # scanned in groups (by position, so each group reads a compact window) within ACC_BYTES
        per_group = max(1, ACC_BYTES // (4 * nbins * 8))
        order = sorted((z for z in zones if not z.empty), key=lambda z: (z.row0, z.col0))
        for k in range(0, len(order), per_group):
            group = order[k: k + per_group]
            accs = {z.index: (np.zeros((4, nbins)), extras[z.index]) for z in group}
            scan(src, group, band, dtype, accs, run, threads=thread_count(threads))
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
            classes_kernel(codes, 0, z.col1 - z.col0, row0, ex0, ey0, ex1, ey1, lo, ra, 0, ndcode, local, acc[1])
            for u, v in zip(uniq.tolist(), local.sum(axis=0).tolist()):
                if v:
                    big[z.index][int(u)] = big[z.index].get(int(u), 0.0) + v

        scan(src, zones, band, dtype, accs, run, threads=1)
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
    zones = prepare_zones(src, geoms, crs)
    warn_outside(src, zones)
    has_nd, nd = band_nodata(src, band)
    accs = [(np.zeros(4),) for _ in zones]

    def run(z, data, dcol, row0, ra, edges, acc):
        ex0, ey0, ex1, ey1, lo = edges
        factor = ra / 1e6 if density_per_km2 else np.ones_like(ra)
        sum_kernel(data, dcol, z.col1 - z.col0, row0, ex0, ey0, ex1, ey1, lo, ra, factor, float(nd), has_nd, acc[0])

    scan(src, zones, band, dtype, accs, run, threads=thread_count(threads))
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

