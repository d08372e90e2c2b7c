"""Geodesic area and length on the WGS84 ellipsoid, and an equal-area CRS choice.

All functions take geometries in EPSG:4326 (longitude, latitude in degrees).
Areas come back in hectares, lengths in kilometres. Rings are oriented before
measuring because :meth:`pyproj.Geod.geometry_area_perimeter` sums *signed*
ring areas: a MultiPolygon whose parts have opposite orientation would
otherwise partly cancel out.

**One edge rule.** An edge between two stored vertices is the *geodesic*
between them on the WGS84 ellipsoid (the convention of :class:`pyproj.Geod`,
Terraso and Earth Engine), so a polygon's area is Geod's area of its oriented
rings, whatever the command (``profile``, ``check``, ``compare``, ``attach``,
``zonal``, ``sites``). Overlays (intersections, differences) and rasterising
run on straight lines in longitude/latitude, so before any overlay the inputs
go through :func:`densify`, the one function that inserts points *on the
geodesic* of every edge longer than :data:`DENSIFY_STEP_M` (1 km). Densifying
does not change an area (the new points lie on the edges already measured),
and the pieces of an overlay then follow the same edges as the whole, so they
add up to it (the straight lon/lat chord of a 1 km step leaves the geodesic by
< 0.04 m below 60° latitude).
"""

from __future__ import annotations

import math

import numpy as np
import shapely
import shapely.affinity
from pyproj import CRS, Geod, Transformer
from shapely.geometry.base import BaseGeometry

from .kept import kept

GEOD = Geod(ellps="WGS84")
M2_PER_HA = 10_000.0
#: Longest edge (metres, geodesic) left by :func:`densify`; the one step every overlay uses.
DENSIFY_STEP_M = 1000.0


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


#: The Earth's surface (WGS84 ellipsoid), in hectares.
EARTH_HA = 4 * math.pi * 6371007.181 ** 2 / 1e4


def latlon_interior_ha(geom: BaseGeometry) -> float:
    """Area (ha) of what a shape encloses *as drawn in latitude–longitude*, on the authalic sphere.

    Geodesic areas are known only modulo the Earth's surface: a ring enclosing more than a
    hemisphere cannot be told from its complement (a box from the South Pole to 89.9° N comes out
    as the little cap north of it). This cylindrical equal-area measure has no such ambiguity; it
    tells a whole-world shape from a small one.

    >>> round(latlon_interior_ha(shapely.box(-180, -90, 180, 90)) / EARTH_HA, 6)
    1.0
    """
    if geom is None or geom.is_empty:
        return 0.0
    r2 = 6371007.181 ** 2
    flat = shapely.transform(geom, lambda xy: np.column_stack([np.radians(xy[:, 0]), np.sin(np.radians(np.clip(xy[:, 1], -90, 90)))]))
    return float(flat.area * r2 / 1e4)


def cut_at_antimeridian(geom: BaseGeometry) -> BaseGeometry:
    """The inverse of :func:`unwrap_antimeridian`: a shape past 180° of longitude cut there, its east part moved by −360°.

    Layers and rasters are in −180…180°, so a landscape across the antimeridian meets them
    (sites, land cover, population) in this form; maps draw the whole shape.

    >>> cut_at_antimeridian(shapely.box(179, -17, 180.5, -16)).bounds
    (-180.0, -17.0, 180.0, -16.0)
    """
    if geom is None or geom.is_empty or geom.bounds[2] <= 180.0:
        return geom
    west = geom.intersection(shapely.box(-180.0, -90.0, 180.0, 90.0))
    east = shapely.affinity.translate(geom.intersection(shapely.box(180.0, -90.0, 540.0, 90.0)), xoff=-360.0)
    return polygonal(shapely.union_all([west, east]))


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
    if geom is None:
        return 0.0
    return kept("area_ha", geom, lambda: _area_ha(geom))  # a landscape's outline is measured by every part


def _area_ha(geom: BaseGeometry) -> float:
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
    lon, lat = _laea_centre(geom)
    return CRS.from_proj4(
        f"+proj=laea +lat_0={lat:.6f} +lon_0={lon:.6f} +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
    )


def _laea_centre(geom: BaseGeometry) -> tuple[float, float]:
    c = geom.centroid
    lon, lat = float(c.x), float(c.y)
    return ((lon + 180.0) % 360.0) - 180.0, lat


def equal_area_transformers(geom: BaseGeometry) -> tuple[Transformer, Transformer]:
    """Lon/lat (degrees) → :func:`equal_area_crs` of ``geom`` (metres), and back, ``always_xy``.

    The very PROJ pipelines ``Transformer.from_crs(EPSG:4326, equal_area_crs(geom), always_xy=True)``
    chooses for this pair (a unit change and the projection, on one ellipsoid), built directly:
    ``from_crs`` searches PROJ's database for them, ≈ 10 ms a pair.
    """
    if geom is None or geom.is_empty:
        wgs84, laea = CRS.from_epsg(4326), CRS.from_epsg(6933)
        return Transformer.from_crs(wgs84, laea, always_xy=True), Transformer.from_crs(laea, wgs84, always_xy=True)
    lon, lat = _laea_centre(geom)
    laea = f"+proj=laea +lat_0={lat:.6f} +lon_0={lon:.6f} +x_0=0 +y_0=0 +ellps=WGS84"
    return (Transformer.from_pipeline(f"+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step {laea}"),
            Transformer.from_pipeline(f"+proj=pipeline +step +inv {laea} +step +proj=unitconvert +xy_in=rad +xy_out=deg"))


def metres_to_degrees(metres: float, lat: float) -> float:
    """A conservative conversion of ``metres`` to degrees at latitude ``lat``
    (uses the shorter of the two axes, so the result covers the distance)."""
    m_per_deg_lon = 111_320.0 * max(math.cos(math.radians(lat)), 1e-6)
    return metres / min(m_per_deg_lon, 110_574.0)


def orient(geom: BaseGeometry) -> BaseGeometry:
    """Exterior rings counter-clockwise, holes clockwise (RFC 7946 order)."""
    return shapely.orient_polygons(geom, exterior_cw=False)


def _densify_coords(coords: np.ndarray, step_m: float) -> np.ndarray:
    """``coords`` (n × 2 lon/lat) with points inserted on the geodesic of every edge longer than ``step_m``.

    The points of an edge are computed from its lexicographically smaller end,
    so an edge shared by two polygons (stored in opposite directions) gets the
    very same points in both, and neighbours still fit without slivers.
    """
    if len(coords) < 2:
        return coords
    a, b = coords[:-1], coords[1:]
    flip = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
    start = np.where(flip[:, None], b, a)
    end = np.where(flip[:, None], a, b)
    az, _, dist = GEOD.inv(start[:, 0], start[:, 1], end[:, 0], end[:, 1])
    dist = np.asarray(dist, dtype="float64")
    n_new = np.where(np.isfinite(dist), np.ceil(dist / step_m) - 1, 0).astype(np.int64)
    n_new = np.maximum(n_new, 0)
    if not n_new.any():
        return coords
    edges = np.repeat(np.arange(len(a)), n_new)
    # k-th new point of an edge: k = 1..n, at k/(n+1) of its length from the canonical start
    first = np.cumsum(n_new) - n_new
    k = np.arange(len(edges)) - np.repeat(first, n_new) + 1
    frac = k / (n_new[edges] + 1)
    lon, lat, _ = GEOD.fwd(start[edges, 0], start[edges, 1], np.asarray(az)[edges], dist[edges] * frac)
    lon, lat = np.asarray(lon), np.asarray(lat)
    # in the edge's own direction the points run backwards when it was flipped
    rev = flip[edges]
    frac_own = np.where(rev, 1.0 - frac, frac)
    # keep longitudes on the side of the edge's start (no jump across ±180 inside an edge)
    lon = np.where(lon - a[edges, 0] > 180, lon - 360, np.where(lon - a[edges, 0] < -180, lon + 360, lon))
    pos = np.concatenate([np.arange(len(coords), dtype="float64"), edges + frac_own])
    xy = np.vstack([coords[:, :2], np.column_stack([lon, lat])])
    return xy[np.argsort(pos, kind="stable")]


def densify(geom, step_m: float = DENSIFY_STEP_M):
    """``geom`` (EPSG:4326; or an array of geometries) with no edge longer than ``step_m`` metres.

    New vertices lie on the geodesic between the old ones (``Geod.fwd``), so
    the geodesic area and length are unchanged; overlays and rasterising in
    longitude/latitude then follow the geodesic edges. This is the one
    densifying rule of landgeo (see the module docstring).

    >>> sq = shapely.box(0, 0, 1, 1)
    >>> len(densify(sq).exterior.coords) > 400
    True
    >>> abs(area_ha(densify(sq)) - area_ha(sq)) < 1e-6
    True
    >>> densify(None) is None
    True
    """
    if geom is None:
        return None
    if not isinstance(geom, BaseGeometry):  # an array, GeometryArray, GeoSeries or list
        return np.array([densify(g, step_m) for g in geom], dtype=object)
    if geom.is_empty:
        return geom
    return kept(("densify", step_m), geom, lambda: _densify(geom, step_m))  # the landscape: once, for every overlay


def _densify(geom: BaseGeometry, step_m: float) -> BaseGeometry:
    if geom.is_empty:
        return geom
    kind = geom.geom_type
    if kind == "Polygon":
        return shapely.Polygon(_densify_coords(np.asarray(geom.exterior.coords), step_m),
                               [_densify_coords(np.asarray(r.coords), step_m) for r in geom.interiors])
    if kind in ("LineString", "LinearRing"):
        out = _densify_coords(np.asarray(geom.coords), step_m)
        return shapely.LinearRing(out) if kind == "LinearRing" else shapely.LineString(out)
    if kind == "MultiPolygon":
        return shapely.MultiPolygon([_densify(g, step_m) for g in geom.geoms])
    if kind == "MultiLineString":
        return shapely.MultiLineString([_densify(g, step_m) for g in geom.geoms])
    if kind == "GeometryCollection":
        return shapely.GeometryCollection([_densify(g, step_m) for g in geom.geoms])
    return geom  # points have no edges


def nearest_distance_m(geoms, targets, *, around: BaseGeometry | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Geodesic distance (m) from each of ``geoms`` to the nearest of ``targets``, and which target.

    Both in EPSG:4326; targets may be lines or polygons (a point inside a
    polygon is at 0). No distance cap. The candidates are found with a
    ``shapely.STRtree`` in a Lambert azimuthal equal-area CRS centred on
    ``around`` (default: the geometries' extent): the nearest target there,
    and every target within 1.1 × that distance + 2 km (the CRS distorts
    distances by < 1 % within ~1,000 km of its centre, more beyond); each
    candidate's closest pair of points is then measured geodesically on WGS84
    and the smallest kept. Returns ``(distance_m, target_index)``, NaN and -1
    where there is no target.

    >>> d, i = nearest_distance_m([shapely.Point(0, 0)], [shapely.LineString([(0.1, -1), (0.1, 1)])])
    >>> round(float(d[0])), int(i[0])
    (11132, 0)
    """
    geoms = np.asarray(list(geoms) if not isinstance(geoms, np.ndarray) else geoms, dtype=object)
    targets = np.asarray(list(targets) if not isinstance(targets, np.ndarray) else targets, dtype=object)
    dist = np.full(len(geoms), np.nan)
    which = np.full(len(geoms), -1, dtype=np.int64)
    ok_t = np.array([t is not None and not t.is_empty for t in targets], dtype=bool)
    ok_g = np.array([g is not None and not g.is_empty for g in geoms], dtype=bool)
    if not ok_t.any() or not ok_g.any():
        return dist, which
    t_idx = np.flatnonzero(ok_t)
    g_idx = np.flatnonzero(ok_g)
    if around is None or around.is_empty:
        around = shapely.box(*shapely.total_bounds(geoms[g_idx]))
    laea = equal_area_crs(around)
    fwd = Transformer.from_crs(CRS.from_epsg(4326), laea, always_xy=True)
    back = Transformer.from_crs(laea, CRS.from_epsg(4326), always_xy=True)

    def proj(gs):
        return shapely.transform(gs, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))

    gp = proj(geoms[g_idx])
    tp = proj(densify(targets[t_idx]))  # long edges follow their geodesic course in the plane
    tree = shapely.STRtree(tp)
    gi, ti = tree.query_nearest(gp, all_matches=False)
    d_plane = shapely.distance(gp[gi], tp[ti])
    reach = np.zeros(len(gp))
    reach[gi] = d_plane * 1.1 + 2000.0
    ci, cj = tree.query(gp, predicate="dwithin", distance=reach)
    sl = shapely.shortest_line(gp[ci], tp[cj])
    ends = shapely.get_coordinates(sl).reshape(-1, 2, 2)
    lon, lat = back.transform(ends[:, :, 0].ravel(), ends[:, :, 1].ravel())
    lon, lat = np.asarray(lon).reshape(-1, 2), np.asarray(lat).reshape(-1, 2)
    d = distance_m(lon[:, 0], lat[:, 0], lon[:, 1], lat[:, 1])
    d = np.where(shapely.intersects(gp[ci], tp[cj]), 0.0, d)
    order = np.lexsort((d, ci))  # per geometry, the smallest distance first
    first = order[np.r_[True, ci[order][1:] != ci[order][:-1]]]
    dist[g_idx[ci[first]]] = d[first]
    which[g_idx[ci[first]]] = t_idx[cj[first]]
    return dist, which
