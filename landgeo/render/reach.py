"""Where a map can reach: near the poles, and across the antimeridian.

The sheet is drawn in latitude–longitude with an aspect of 1/cos(latitude), so it
stretches without bound towards a pole; the web map is Web Mercator, which stops at
±85.05°. A landscape reaching beyond is measured and profiled like any other (areas
are geodesic), but these maps are not drawn: :func:`check_drawable` says so, naming
the landscape and what to use instead.

Across the antimeridian a boundary is kept whole, with longitudes past 180°, while its
layers (and the bundled outlines) are in −180…180°: :func:`to_boundary_longitudes`
moves their parts east of 180° next to it, so the map shows one landscape, not two
halves at the ends of the world.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import shapely
import shapely.affinity

from ..errors import DrawingError
from ..i18n import Text

#: Latitude (degrees) up to which the latitude–longitude sheet is drawn (about 10× stretched there).
SHEET_MAX_LAT = 84.0
#: Latitude (degrees) where Web Mercator, the web map's projection, ends.
WEBMAP_MAX_LAT = 85.05112878


def reach_lat(layers: Mapping[str, gpd.GeoDataFrame]) -> float:
    """The largest absolute latitude (degrees) of the ``boundary`` layer (0 when it is absent)."""
    boundary = layers.get("boundary")
    if boundary is None or not len(boundary):
        return 0.0
    gdf = boundary if boundary.crs is None or boundary.crs.to_epsg() == 4326 else boundary.to_crs(4326)
    _, miny, _, maxy = gdf.total_bounds
    return float(max(abs(miny), abs(maxy)))


def check_drawable(profile: Mapping[str, Any], layers: Mapping[str, gpd.GeoDataFrame], *, output: str,
                   max_lat: float) -> None:
    """Raise :class:`DrawingError` when the landscape reaches beyond ``max_lat`` (``output`` names the map)."""
    lat = reach_lat(layers)
    if lat > max_lat:
        raise DrawingError(Text(
            "{name}: {output} is not drawn: the landscape reaches {lat:.1f}° of latitude, beyond the {max_lat:.1f}° "
            "this map can show; its figures are in profile.json and its outline in boundary.gpkg (open it in QGIS "
            "with a polar projection, e.g. EPSG:3031 in the south or EPSG:3413 in the north)",
            params={"name": str(profile.get("name") or profile.get("slug") or "landscape"), "output": output,
                    "lat": lat, "max_lat": math.floor(max_lat * 10) / 10}))


def crosses_antimeridian(geom) -> bool:
    """Whether a (whole) boundary runs past 180° of longitude."""
    return geom is not None and not geom.is_empty and geom.bounds[2] > 180.0


def _moved_east(geom):
    """``geom`` with each part west of 0° moved by +360° of longitude (parts east of it untouched)."""
    if geom is None or geom.is_empty:
        return geom
    parts = list(shapely.get_parts(geom))
    if all(p.centroid.x >= 0 for p in parts):
        return geom
    moved = [shapely.affinity.translate(p, xoff=360.0) if p.centroid.x < 0 else p for p in parts]
    return type(geom)(moved) if geom.geom_type.startswith(("Multi", "GeometryCollection")) else moved[0]


def to_boundary_longitudes(gdf: gpd.GeoDataFrame | None, boundary) -> gpd.GeoDataFrame | None:
    """``gdf`` (EPSG:4326) with its parts west of 0° moved by +360° when ``boundary`` crosses the antimeridian."""
    if gdf is None or not len(gdf) or not crosses_antimeridian(boundary):
        return gdf
    return gdf.set_geometry([_moved_east(g) for g in gdf.geometry.values], crs=gdf.crs)


def layers_at_boundary_longitudes(layers: Mapping[str, gpd.GeoDataFrame]) -> dict[str, gpd.GeoDataFrame]:
    """Every layer of a map at the longitudes of its ``boundary`` layer (see :func:`to_boundary_longitudes`)."""
    b = layers.get("boundary")
    geom = shapely.union_all(b.geometry.values) if b is not None and len(b) else None
    if not crosses_antimeridian(geom):
        return dict(layers)
    return {k: v if k == "boundary" else to_boundary_longitudes(v, geom) for k, v in layers.items()}
