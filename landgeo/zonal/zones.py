"""Zones prepared for a raster: CRS checks, transform to the raster's CRS, pixel-space edges, windows; cell areas per row.

The rules (densify lon/lat zones along the geodesic, orient rings, round windows outward): :mod:`landgeo.zonal.stats`.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from ..errors import CRSError, LayerError
from ..geo import geodesy
from ..geo.crs import WGS84, is_wgs84, to_wgs84
from ..i18n import Text

log = logging.getLogger(__name__)

log = logging.getLogger(__name__)

#: Longest edge (degrees) of a geographic raster's outline: its edges are parallels and meridians
EXTENT_STEP_DEG = 0.01
#: Segment length (degrees) before a zone is transformed to a projected raster's CRS (finer than the
#: overlay rule :data:`landgeo.geo.overlay.DENSIFY_DEG`: pixel edges of small zones must follow the curve).
DENSIFY_DEG = 0.005




@dataclass
class Zone:
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


def check_transform(src) -> None:
    t = src.transform
    if t.b != 0 or t.d != 0:
        raise LayerError(
            Text("{name}: the raster is rotated (geotransform has rotation terms); warp it to a north-up grid first (gdalwarp) — landgeo does not resample rasters for statistics", params={"name": str(src.name)})
        )


def raster_crs(src) -> CRS:
    """The raster's CRS as a pyproj CRS, or a CRSError that says how to fix it."""
    if src.crs is None:
        raise CRSError(
            Text("{name}: the raster has no CRS; state it in the recipe (crs = \"EPSG:4326\" or the raster's EPSG code)", params={"name": str(src.name)})
        )
    return CRS.from_user_input(src.crs.to_wkt())


def _to_raster_crs(geoms: np.ndarray, crs_from: CRS, crs_to: CRS) -> np.ndarray:
    if crs_from.equals(crs_to, ignore_axis_order=True):
        return geoms
    log.info(Text("zones transformed from {crs} to the raster's CRS {raster_crs}",
                  params={"crs": crs_from.to_string(), "raster_crs": crs_to.to_string()}))
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


def prepare_zones(src, geoms, crs) -> list[Zone]:
    """Zones in pixel space, clipped to the raster, with outward-rounded windows."""
    check_transform(src)
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
            zones.append(Zone(i, zone_ha, 0.0))
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
        z = Zone(i, zone_ha, outside_ha)
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


