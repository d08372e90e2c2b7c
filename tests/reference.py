"""Independent reference computations for the tests (pyproj.Geod only, no landgeo code).

landgeo's one edge rule: an edge between two vertices is the geodesic on WGS84. These
helpers build the same geometries independently: points put along each geodesic edge
with ``Geod.npts``, areas with ``Geod.geometry_area_perimeter`` on oriented rings.
"""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import Geod

GEOD = Geod(ellps="WGS84")


def geod_ha(g) -> float:
    """pyproj.Geod's area (ha) of the oriented rings (every edge a geodesic)."""
    return abs(GEOD.geometry_area_perimeter(shapely.orient_polygons(g))[0]) / 1e4


def gd_line(coords, step_m: float) -> list[tuple[float, float]]:
    """Vertices of a lon/lat line with points every ``step_m`` along each geodesic edge (Geod.npts)."""
    coords = np.asarray(coords)
    out = [tuple(coords[0][:2])]
    for (x0, y0), (x1, y1) in zip(coords[:-1, :2], coords[1:, :2]):
        n = int(GEOD.inv(x0, y0, x1, y1)[2] // step_m)
        out += GEOD.npts(x0, y0, x1, y1, n) if n > 0 else []
        out.append((x1, y1))
    return out


def gd(g, step_m: float = 100.0):
    """A (multi)polygon densified along its geodesic edges (for overlays done in the tests)."""
    polys = [shapely.Polygon(gd_line(p.exterior.coords, step_m), [gd_line(r.coords, step_m) for r in p.interiors])
             for p in shapely.get_parts(g)]
    return shapely.union_all(polys)


def inter(a, b):
    """A ∩ B with geodesic edges (both densified independently first)."""
    return shapely.intersection(gd(a), gd(b))


def brute_distance_m(lon, lat, lines, step_m: float = 10.0) -> float:
    """Geodesic distance from a point to line vertices put every ``step_m`` along the geodesic edges."""
    best = np.inf
    for line in (part for g in lines for part in shapely.get_parts(g)):
        c = np.asarray(gd_line(np.asarray(line.coords), step_m))
        _, _, d = GEOD.inv(np.full(len(c), lon), np.full(len(c), lat), c[:, 0], c[:, 1])
        best = min(best, float(np.min(d)))
    return best
