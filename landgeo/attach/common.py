"""What the attached parts share: clipping a layer to the landscape (densified, the one edge rule), field checks, method sentences."""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from ..errors import FieldError
from ..geo import geodesy
from ..geo.crs import WGS84
from ..i18n import Text

log = logging.getLogger(__name__)

LINE = {"LineString", "MultiLineString", "LinearRing"}


def lineal(g: BaseGeometry) -> BaseGeometry:
    if g is None or g.is_empty or g.geom_type in LINE:
        return g
    parts = [p for p in shapely.get_parts(g) if p.geom_type in LINE]
    return shapely.line_merge(shapely.union_all(parts)) if parts else shapely.LineString()


def clip_layer(gdf: gpd.GeoDataFrame, boundary: BaseGeometry) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """Rows of ``gdf`` (EPSG:4326) that intersect ``boundary``, and their clipped geometries.

    Both sides are densified along the geodesic first (:func:`landgeo.geodesy.densify`),
    so the pieces follow the same edges as the whole and their areas add up.
    """
    idx = gdf.sindex.query(boundary, predicate="intersects")
    idx = np.sort(idx)
    sub = gdf.iloc[idx]
    return sub, shapely.intersection(geodesy.densify(sub.geometry.values), geodesy.densify(boundary))


def require_field(gdf: gpd.GeoDataFrame, name: str, label: str, key: str) -> None:
    if name not in gdf.columns:
        fields = ", ".join(c for c in gdf.columns if c != gdf.geometry.name)
        raise FieldError(Text("{label}: no field {name}; the fields are: {fields}; fix {key}", params={"label": str(label), "name": repr(name), "fields": str(fields), "key": str(key)}))


#: Planar (lon/lat) share of the landscape below which the pieces are taken to cover it all: the overlay of
#: the pieces with the landscape is then skipped. Pieces that cover it differ from it by rounding (< 1e-13 of
#: its area); a real gap is many orders of magnitude larger, and the sliver rule below drops anything < 1e-9.
COVERED_ALL_SHARE = 1e-10


def uncovered_ha(boundary: BaseGeometry, covered: BaseGeometry, boundary_ha: float) -> float:
    """Geodesic area (ha) of ``boundary`` outside ``covered``, the union of pieces clipped to it (so inside it)."""
    boundary = geodesy.densify(boundary)
    if covered is None or covered.is_empty:
        rest = boundary
    elif boundary.area - covered.area < COVERED_ALL_SHARE * boundary.area:
        # covered lies inside the boundary, so the planar areas tell a full cover without the difference, an
        # overlay of edges that nearly coincide (the slowest kind for GEOS: up to 1 s for a district)
        return 0.0
    else:
        rest = geodesy.polygonal(shapely.difference(boundary, covered))
    # slivers of (planar) zero width left by the overlay have a spurious geodesic area: a split edge
    # along a parallel is a polyline on one side and a single geodesic on the other
    if rest.is_empty or rest.area < 1e-9 * boundary.area:
        return 0.0
    return geodesy.area_ha(rest)


def raster_crs_note(label: str, crs, lang: str = "en") -> list[str]:
    if crs.equals(WGS84, ignore_axis_order=True):
        return []
    return [Text("{layer}: the raster is in {crs}; the boundary was transformed to it (the raster is not resampled)",
                 params={"layer": label, "crs": crs.to_string()}).sentence(lang)]


def method_fields(text: Text, lang: str) -> dict:
    """A part's ``method`` sentence in ``lang`` and its data form (``method_text``)."""
    return {"method": text.render(lang), "method_text": text.to_dict()}

