"""Water bodies in a landscape (``[attach.water]``, HydroLAKES-style polygons): water area, share, the lakes.

Areas are geodesic (WGS84) after the overlay in EPSG:4326; overlapping polygons are merged before
the landscape's water share. Names come from ``name_field`` or a ``Lake_name``/``name`` column.
The sites' distance to water counts these polygons as well as the rivers (see :func:`attach_all`).
"""

from __future__ import annotations

import logging
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from ..errors import FieldError
from ..geo import geodesy
from ..i18n import Text
from .sites import layer_to_wgs84

log = logging.getLogger(__name__)

NAME_FIELDS = ("lake_name", "name", "nom", "nombre", "nome")
#: Water bodies listed by name in the profile, at most (largest first).
MAX_LISTED = 20


def _area_ha(g: BaseGeometry | None) -> float:
    """Geodesic area of the polygonal parts (pieces of overlays made on densified inputs: :func:`geodesy.densify`)."""
    return geodesy.area_ha(geodesy.polygonal(g))


def water_inside(boundary: BaseGeometry, water: gpd.GeoDataFrame, *, name_field: str | None = None,
                 source: str | None = None, lang: str = "en") -> tuple[dict, gpd.GeoDataFrame, list[str]]:
    """Water area (ha) and share of the landscape, and the water bodies in it (largest first).

    Returns
    -------
    (part, layer, notes): ``part`` has ``area_ha``, ``share``, ``count`` and ``bodies``
    [{name, area_ha, share_of_landscape, share_of_body}] (at most :data:`MAX_LISTED`); ``layer`` the
    water polygons touching the landscape, whole, with ``name`` and ``area_ha`` (inside).
    """
    notes: list[str] = []
    label = source or "water"
    gdf = layer_to_wgs84(water, label, notes, lang=lang)
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    if name_field and name_field not in gdf.columns:
        raise FieldError(Text("{label}: no field {name_field}; the fields are: {names}; fix name_field in [attach.water]", params={"label": str(label), "name_field": repr(name_field), "names": str(', '.join(map(str, cols)))}))
    lower = {str(c).lower(): c for c in cols}
    field = name_field or next((lower[c] for c in NAME_FIELDS if c in lower), None)
    geoms = np.array([geodesy.polygonal(g) for g in shapely.make_valid(gdf.geometry.values)], dtype=object)
    shapely.prepare(boundary)
    hit = np.flatnonzero(shapely.intersects(boundary, geoms) & ~shapely.is_empty(geoms))
    landscape_ha = _area_ha(boundary)
    # the one edge rule: both sides densified along their geodesic edges before the overlay (as attach.common.clip_layer)
    dense = geodesy.densify(geoms)
    dense_boundary = geodesy.densify(boundary)
    rows = []
    for i in hit:
        g = geoms[i]
        a_in = _area_ha(shapely.intersection(dense[i], dense_boundary))
        if a_in <= 0:
            continue
        name = gdf[field].iloc[i] if field else None
        name = None if name is None or (isinstance(name, float) and np.isnan(name)) or not str(name).strip() else str(name)
        a_all = _area_ha(g)
        rows.append({"name": name, "area_ha": a_in, "share_of_landscape": a_in / landscape_ha if landscape_ha else None,
                     "share_of_body": a_in / a_all if a_all else None, "_geom": g, "_dense": dense[i]})
    rows.sort(key=lambda r: (-r["area_ha"], str(r["name"])))
    merged = shapely.intersection(shapely.union_all([r["_dense"] for r in rows]), dense_boundary) if rows else shapely.Polygon()
    total = _area_ha(merged)
    part: dict[str, Any] = {
        "area_ha": total,
        "share": total / landscape_ha if landscape_ha > 0 else None,
        "count": len(rows),
        "bodies": [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows[:MAX_LISTED]],
        "source": source,
        "method": "geodesic areas (WGS84); overlapping water polygons merged before the share",
    }
    layer = gpd.GeoDataFrame({"name": [r["name"] for r in rows], "area_ha": [r["area_ha"] for r in rows]},
                             geometry=[r["_geom"] for r in rows], crs=4326)
    log.info(Text("{layer}: {n} water body, {area_ha:,.1f} ha in the landscape", "{layer}: {n} water bodies, {area_ha:,.1f} ha in the landscape",
                  params={"layer": str(label), "n": len(rows), "area_ha": float(total)}))
    return part, layer, notes
