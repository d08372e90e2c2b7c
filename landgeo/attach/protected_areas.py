"""Protected areas in a landscape (``[attach.protected_areas]``): share protected, per area, ASGM inside and near.

Input: polygons with WDPA-style fields (``NAME``, ``DESIG``, ``IUCN_CAT``, ``STATUS_YR``, found
case-insensitively, or named in the recipe). Areas are geodesic (WGS84) after the overlay in
EPSG:4326; overlapping protected areas are merged before the landscape's protected share, so no
hectare counts twice. The buffer zone (``buffer_m`` around the protected areas, outside them) is
built in a Lambert azimuthal equal-area CRS centred on the landscape (:func:`landgeo.geodesy.equal_area_crs`).
"""

from __future__ import annotations

import logging
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from ..errors import FieldError
from ..geo import geodesy
from ..i18n import Text
from .sites import layer_to_wgs84

log = logging.getLogger(__name__)

DEFAULT_BUFFER_M = 5_000.0
#: Field candidates (lower case), WDPA names first.
FIELDS = {
    "name": ("name", "orig_name", "nom", "nombre", "nome"),
    "desig": ("desig", "desig_eng", "designation", "desig_type"),
    "iucn_cat": ("iucn_cat", "iucn", "iucn_category"),
    "status_yr": ("status_yr", "year", "status_year"),
}


def _area_ha(g: BaseGeometry | None) -> float:
    """Geodesic area of the polygonal parts (pieces of overlays made on densified inputs: :func:`geodesy.densify`)."""
    return geodesy.area_ha(geodesy.polygonal(g))


def find_field(gdf: gpd.GeoDataFrame, key: str, given: str | None, label: str) -> str | None:
    """The column for ``key`` (``name``, ``desig``, ``iucn_cat``, ``status_yr``): ``given`` (must exist) or a WDPA-style one."""
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    if given:
        if given not in gdf.columns:
            raise FieldError(Text("{label}: no field {given}; the fields are: {names}; fix {key}_field in [attach.protected_areas]", params={"label": str(label), "given": repr(given), "names": str(', '.join(map(str, cols))), "key": str(key)}))
        return given
    lower = {str(c).lower(): c for c in cols}
    return next((lower[c] for c in FIELDS[key] if c in lower), None)


def buffer_zone(geom: BaseGeometry, buffer_m: float, around: BaseGeometry) -> BaseGeometry:
    """The ring within ``buffer_m`` metres of ``geom`` and outside it (EPSG:4326 in and out)."""
    if geom.is_empty or buffer_m <= 0:
        return shapely.Polygon()
    laea = geodesy.equal_area_crs(around)
    fwd = Transformer.from_crs(4326, laea, always_xy=True)
    back = Transformer.from_crs(laea, 4326, always_xy=True)

    def proj(g, tr):
        return shapely.transform(g, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))

    projected = proj(geodesy.densify(geom), fwd)  # the edges' geodesic course, then projected
    grown = shapely.buffer(projected, buffer_m, quad_segs=16)
    return shapely.difference(proj(grown, back), geom)


def _value(v: Any):
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if hasattr(v, "item"):
        v = v.item()
    return v if not isinstance(v, str) else (v.strip() or None)


def protected_areas_inside(
    boundary: BaseGeometry, areas: gpd.GeoDataFrame, *, sites: gpd.GeoDataFrame | None = None,
    buffer_m: float = DEFAULT_BUFFER_M, fields: dict[str, str | None] | None = None, source: str | None = None,
    lang: str = "en",
) -> tuple[dict, gpd.GeoDataFrame, list[str]]:
    """Share of the landscape protected, each protected area's part, and ASGM sites inside and near them.

    Parameters
    ----------
    boundary
        The landscape, EPSG:4326.
    areas
        Protected-area polygons (any CRS; transformed to EPSG:4326 and noted).
    sites
        The landscape's ``sites`` layer (EPSG:4326; points and footprints clipped to the landscape,
        as :func:`landgeo.sites.attach_sites` returns it), or ``None``.
    buffer_m
        Width (m) of the zone around the protected areas in which sites count as "near".
    fields
        Column names for ``name``, ``desig``, ``iucn_cat``, ``status_yr`` (default: WDPA-style names).

    Returns
    -------
    (part, layer, notes): ``part`` has ``area_ha`` (protected hectares in the landscape, overlaps
    merged), ``share``, ``count``, ``areas`` [{name, desig, iucn_cat, status_yr, area_ha,
    share_of_landscape, share_of_area}] (largest first), ``buffer_m`` and, with sites, ``sites``
    {inside, in_buffer, mined_area_inside_ha, mined_area_in_buffer_ha}; ``layer`` the protected areas
    inside the landscape or within ``buffer_m`` of it (``nearby`` counts the latter), whole, with those columns.
    """
    # long: its numpydoc is 25 lines; the body measures each area and the merged total in one pass
    notes: list[str] = []
    label = source or "protected areas"
    fields = dict(fields or {})
    gdf = layer_to_wgs84(areas, label, notes, lang=lang)
    cols = {k: find_field(gdf, k, fields.get(k), label) for k in FIELDS}
    geoms = shapely.make_valid(gdf.geometry.values)
    geoms = np.array([geodesy.polygonal(g) for g in geoms], dtype=object)
    # the one edge rule: both sides densified along their geodesic edges before the overlay (as attach.common.clip_layer)
    dense = geodesy.densify(geoms)
    dense_boundary = geodesy.densify(boundary)
    landscape_ha = _area_ha(boundary)
    # protected areas within buffer_m of the landscape are listed on the map too (they are "nearby")
    reach = shapely.union_all([boundary, buffer_zone(boundary, buffer_m, boundary)])
    touching = np.flatnonzero(shapely.intersects(geoms, reach) & ~shapely.is_empty(geoms))
    rows = []
    for i in touching:
        g = geoms[i]
        inside = shapely.intersection(dense[i], dense_boundary)
        a_in = _area_ha(inside)
        a_all = _area_ha(g)
        rows.append({
            "name": _value(gdf[cols["name"]].iloc[i]) if cols["name"] else None,
            "desig": _value(gdf[cols["desig"]].iloc[i]) if cols["desig"] else None,
            "iucn_cat": _value(gdf[cols["iucn_cat"]].iloc[i]) if cols["iucn_cat"] else None,
            "status_yr": _value(gdf[cols["status_yr"]].iloc[i]) if cols["status_yr"] else None,
            "area_ha": a_in,
            "share_of_landscape": a_in / landscape_ha if landscape_ha > 0 else None,
            "share_of_area": a_in / a_all if a_all > 0 else None,
            "_geom": g,
            "_dense": dense[i],
        })
    rows.sort(key=lambda r: (-r["area_ha"], str(r["name"])))
    protected = shapely.union_all([r["_dense"] for r in rows]) if rows else shapely.Polygon()
    protected_in = shapely.intersection(protected, dense_boundary) if not protected.is_empty else protected
    total_ha = _area_ha(protected_in)
    inside_rows = [r for r in rows if r["area_ha"] > 0]
    part: dict[str, Any] = {
        "area_ha": total_ha,
        "share": total_ha / landscape_ha if landscape_ha > 0 else None,
        "count": len(inside_rows),
        "nearby": len(rows) - len(inside_rows),
        "areas": [{k: v for k, v in r.items() if not k.startswith("_")} for r in inside_rows],
        "buffer_m": float(buffer_m),
        "source": source,
        "method": "geodesic areas (WGS84); overlapping protected areas merged before the share",
    }
    if len(rows) - len(inside_rows):
        log.info(Text("{layer}: {n} protected area lies outside the landscape but within {distance_m:,.0f} m of it",
                      "{layer}: {n} protected areas lie outside the landscape but within {distance_m:,.0f} m of it",
                      params={"layer": str(label), "n": len(rows) - len(inside_rows), "distance_m": float(buffer_m)}))
    if sites is not None:
        part["sites"] = _sites_vs_protected(sites, protected, buffer_zone(protected, buffer_m, boundary))
    layer = gpd.GeoDataFrame({k: [r[k] for r in rows] for k in ("name", "desig", "iucn_cat", "status_yr", "area_ha",
                                                                 "share_of_landscape")},
                             geometry=[r["_geom"] for r in rows], crs=4326)
    return part, layer, notes


def _sites_vs_protected(sites: gpd.GeoDataFrame, protected: BaseGeometry, zone: BaseGeometry) -> dict:
    """Sites inside the protected areas, and in the buffer zone (outside them); footprint area in each."""
    geoms = sites.geometry.values if len(sites) else np.zeros(0, dtype=object)
    if not len(geoms) or protected.is_empty:
        return {"inside": 0, "in_buffer": 0, "mined_area_inside_ha": 0.0 if len(geoms) else None,
                "mined_area_in_buffer_ha": 0.0 if len(geoms) else None}
    shapely.prepare(protected)
    inside = shapely.intersects(protected, geoms)
    near = ~inside & shapely.intersects(zone, geoms) if not zone.is_empty else np.zeros(len(geoms), bool)
    polys = np.isin(shapely.get_type_id(geoms), (3, 6))
    in_area = sum(_area_ha(shapely.intersection(g, protected)) for g in geodesy.densify(geoms[polys & inside]))
    in_zone = sum(_area_ha(shapely.intersection(g, zone)) for g in geodesy.densify(geoms[polys])) if not zone.is_empty else 0.0
    return {
        "inside": int(inside.sum()),
        "in_buffer": int(near.sum()),
        "mined_area_inside_ha": float(in_area) if polys.any() else None,
        "mined_area_in_buffer_ha": float(in_zone) if polys.any() else None,
    }


def fields_from_spec(spec) -> dict[str, str | None]:
    """The ``*_field`` keys of an ``[attach.protected_areas]`` table as a ``fields`` mapping."""
    return {"name": spec.get("name_field"), "desig": spec.get("desig_field"), "iucn_cat": spec.get("iucn_field"),
            "status_yr": spec.get("year_field")}

