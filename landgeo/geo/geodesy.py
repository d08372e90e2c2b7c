"""Geodesic area and length on the WGS84 ellipsoid, and an equal-area CRS choice.

All functions take geometries in EPSG:4326 (longitude, latitude in degrees).
Areas come back in hectares, lengths in kilometres. Rings are oriented before
measuring because :meth:`pyproj.Geod.geometry_area_perimeter` sums *signed*
ring areas: a MultiPolygon whose parts have opposite orientation would
otherwise partly cancel out.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
import shapely.affinity
from pyproj import CRS, Geod
from shapely.geometry.base import BaseGeometry

GEOD = Geod(ellps="WGS84")
M2_PER_HA = 10_000.0


def _polygon_parts(geom: BaseGeometry) -> list:
    """The polygons inside ``geom`` (a Polygon, MultiPolygon or collection)."""
    if geom is None or geom.is_empty:
        return []
    if geom.geom_type == "Polygon":
        return [geom]
    if geom.geom_type in ("MultiPolygon", "GeometryCollection"):
        return [p for g in geom.geoms for p in _polygon_parts(g)]
    return []


def polygonal(geom: BaseGeometry | None) -> BaseGeometry:
    """Only the polygonal parts of ``geom`` (an overlay or make_valid result may hold lines and points).

    >>> polygonal(shapely.GeometryCollection([shapely.box(0, 0, 1, 1), shapely.Point(5, 5)])).geom_type
    'Polygon'
    >>> polygonal(shapely.LineString([(0, 0), (1, 1)])).is_empty
    True
    """
    if geom is not None and geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = _polygon_parts(geom)
    return shapely.union_all(parts) if parts else shapely.Polygon()


def unwrap_antimeridian(geom: BaseGeometry) -> BaseGeometry:
    """A shape cut at ±180° (parts at both edges) made whole: parts west of 0° moved by +360° of longitude.

    Only when the moved shape spans less than 180° of longitude (an island group across the antimeridian,
    not a shape round the globe); otherwise ``geom`` is returned as it is. Longitudes may then exceed 180.

    >>> west, east = shapely.box(179, -17, 180, -16), shapely.box(-180, -17, -179.5, -16)
    >>> unwrap_antimeridian(shapely.MultiPolygon([west, east])).bounds
    (179.0, -17.0, 180.5, -16.0)
    """
    if geom is None or geom.is_empty:
        return geom
    minx, _, maxx, _ = geom.bounds
    if not (minx <= -179.999 and maxx >= 179.999):
        return geom
    parts = list(shapely.get_parts(geom))
    moved = [shapely.affinity.translate(p, xoff=360.0) if p.centroid.x < 0 else p for p in parts]
    whole = shapely.union_all(moved)
    x0, _, x1, _ = whole.bounds
    return whole if x1 - x0 < 180.0 else geom


def _densify_lon(coords: np.ndarray, step_deg: float = 0.25) -> np.ndarray:
    """Edges split every ``step_deg`` of longitude (straight in lon/lat: an edge along a parallel stays on it)."""
    out = [coords[:1]]
    for a, b in zip(coords[:-1], coords[1:]):
        n = max(int(np.ceil(abs(b[0] - a[0]) / step_deg)), 1)
        t = (np.arange(1, n + 1) / n)[:, None]
        out.append(a + (b - a) * t)
    return np.concatenate(out)


def _ring_area_m2(coords: np.ndarray) -> float:
    lon, lat = coords[:, 0], coords[:, 1]
    if len(lon) and float(np.ptp(lon)) >= 359.999:
        # a ring round a pole (polar cap, hemisphere): its edges from -180 to 180 follow the parallel; as single
        # geodesics they would have no length and the cap no area
        dense = _densify_lon(coords[:, :2])
        lon, lat = dense[:, 0], dense[:, 1]
    area, _ = GEOD.polygon_area_perimeter(lon, lat)
    return abs(area)


def area_ha(geom: BaseGeometry | None) -> float:
    """Geodesic area of the polygonal parts of ``geom`` in hectares.

    Each exterior ring counts positive and each hole negative, whatever the
    stored orientation. Lines and points have no area.

    >>> area_ha(shapely.box(0, 0, 0, 0))
    0.0
    >>> area_ha(None)
    0.0
    >>> round(area_ha(shapely.box(0, 0, 1, 1)))  # one degree square at the equator
    1230878
    """
    total = 0.0
    for poly in _polygon_parts(geom):
        total += _ring_area_m2(np.asarray(poly.exterior.coords))
        for hole in poly.interiors:
            total -= _ring_area_m2(np.asarray(hole.coords))
    return total / M2_PER_HA


def areas_ha(geoms) -> np.ndarray:
    """Geodesic areas (ha) of an array of geometries; empty or None give 0."""
    return np.array([area_ha(g) for g in geoms], dtype="float64")


def perimeter_km(geom: BaseGeometry | None) -> float:
    """Geodesic length of every ring (exterior and holes) of ``geom`` in km."""
    total = 0.0
    for poly in _polygon_parts(geom):
        for ring in [poly.exterior, *poly.interiors]:
            coords = np.asarray(ring.coords)
            if len(coords) and float(np.ptp(coords[:, 0])) >= 359.999:  # round a pole: along the parallels
                dense = _densify_lon(coords[:, :2])
                a, b = dense[:-1], dense[1:]
                seam = ((np.abs(a[:, 0]) == 180) & (a[:, 0] == b[:, 0])) | ((np.abs(a[:, 1]) == 90) & (a[:, 1] == b[:, 1]))
                _, _, d = GEOD.inv(a[~seam, 0], a[~seam, 1], b[~seam, 0], b[~seam, 1])  # the cut at ±180° and the pole
                total += float(np.sum(d)) / 1000.0                                     # are no boundary
            else:
                total += length_km(ring)
    return total


def length_km(geom: BaseGeometry | None) -> float:
    """Geodesic length of a line, ring or multi-line in km (0 for empty)."""
    if geom is None or geom.is_empty:
        return 0.0
    if hasattr(geom, "geoms"):
        return sum(length_km(g) for g in geom.geoms)
    if geom.geom_type == "Polygon":
        return perimeter_km(geom)
    if geom.geom_type not in ("LineString", "LinearRing"):
        return 0.0
    coords = np.asarray(geom.coords)
    return float(GEOD.line_length(coords[:, 0], coords[:, 1])) / 1000.0


def lengths_km(geoms) -> np.ndarray:
    """Geodesic lengths (km) of an array of line geometries."""
    return np.array([length_km(g) for g in geoms], dtype="float64")


def distance_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Geodesic distance in metres between paired points (arrays or scalars)."""
    _, _, dist = GEOD.inv(lon1, lat1, lon2, lat2)
    return np.asarray(dist, dtype="float64")


def equal_area_crs(geom: BaseGeometry) -> CRS:
    """A Lambert azimuthal equal-area CRS centred on ``geom`` (EPSG:4326 input).

    Good for planar overlays and buffers over a landscape (distortion of
    distances stays below 1 % within ~1,000 km of the centre).
    """
    if geom is None or geom.is_empty:
        return CRS.from_epsg(6933)
    c = geom.centroid
    lon, lat = float(c.x), float(c.y)
    lon = ((lon + 180.0) % 360.0) - 180.0
    return CRS.from_proj4(
        f"+proj=laea +lat_0={lat:.6f} +lon_0={lon:.6f} +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
    )


def metres_to_degrees(metres: float, lat: float) -> float:
    """A conservative conversion of ``metres`` to degrees at latitude ``lat``
    (uses the shorter of the two axes, so the result covers the distance)."""
    m_per_deg_lon = 111_320.0 * max(math.cos(math.radians(lat)), 1e-6)
    return metres / min(m_per_deg_lon, 110_574.0)


def orient(geom: BaseGeometry) -> BaseGeometry:
    """Exterior rings counter-clockwise, holes clockwise (RFC 7946 order)."""
    return shapely.orient_polygons(geom, exterior_cw=False)
