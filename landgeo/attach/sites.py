"""ASGM sites in a landscape: count, mined area, density, distance to water.

Sites are points or footprint polygons (any CRS; transformed to EPSG:4326 and
logged). A footprint counts as inside when it touches the landscape and its
mined area is the geodesic area of the part inside. Distances to the nearest
river or water body are computed for every site, without a cap, by
:mod:`landgeo.water_distance` (nearest feature found in an equal-area CRS
centred on the landscape, measured on the ellipsoid); where no water layer
covers a site its distance is unknown (null), and so is ``near_water``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from ..errors import CRSError, FieldError
from ..geo import geodesy
from ..geo.crs import WGS84
from ..i18n import Text
from ..i18n.names import names_of, unnamed_note
from .water_distance import WaterLayer, distances_to_water

log = logging.getLogger(__name__)
POINT_TYPES = {"Point", "MultiPoint"}
POLY_TYPES = {"Polygon", "MultiPolygon"}


@dataclass
class SitesResult:
    """The ``sites`` part of the profile, the ``sites`` layer, and notes."""

    part: dict
    layer: gpd.GeoDataFrame
    notes: list[str] = field(default_factory=list)  # landgeo.i18n.Sentence when made here


def layer_to_wgs84(gdf: gpd.GeoDataFrame, label: str, notes: list[str] | None = None, *, lang: str = "en") -> gpd.GeoDataFrame:
    """``gdf`` in EPSG:4326; a transformation is logged (and noted)."""
    if gdf.crs is None:
        raise CRSError(Text('{label}: the layer has no CRS; state it in the recipe (crs = "EPSG:4326" or its EPSG code)', params={"label": str(label)}))
    if CRS(gdf.crs).equals(WGS84, ignore_axis_order=True):
        return gdf
    src = CRS(gdf.crs).to_string()
    msg = Text("{layer}: transformed from {crs} to EPSG:4326 to meet the boundary", params={"layer": label, "crs": src}).sentence(lang)
    log.info("%s", msg)
    if notes is not None:
        notes.append(msg)
    return gdf.to_crs(4326)


def _finite(geoms) -> np.ndarray:
    """Rows whose coordinates are finite and within lon/lat range."""
    ok = np.ones(len(geoms), dtype=bool)
    for i, g in enumerate(geoms):
        if g is None or g.is_empty:
            ok[i] = False
            continue
        c = shapely.get_coordinates(g)
        ok[i] = bool(np.isfinite(c).all() and (np.abs(c[:, 0]) <= 180).all() and (np.abs(c[:, 1]) <= 90).all())
    return ok


def attach_sites(
    boundary: BaseGeometry,
    sites: gpd.GeoDataFrame,
    *,
    rivers: gpd.GeoDataFrame | None = None,
    water: list[WaterLayer] | None = None,
    admin_units: gpd.GeoDataFrame | None = None,
    admin_name_field: str | None = None,
    water_distance_m: float = 500.0,
    name_field: str | None = None,
    source: str | None = None,
    invalid_rows: int = 0,
    lang: str = "en",
) -> SitesResult:
    """Count ASGM sites inside ``boundary`` and describe them.

    Parameters
    ----------
    boundary
        The landscape (EPSG:4326).
    sites
        Points or footprint polygons (any CRS). May be empty.
    rivers
        Lines (any CRS), taken whole: distance from each site to the nearest
        river, and the count within ``water_distance_m``.
    water
        Water layers (:class:`landgeo.water_distance.WaterLayer`: rivers read
        by windows, lakes…), beside or instead of ``rivers``. Every site gets
        its distance to the nearest feature of the layers that cover it, with
        no cap; a site no layer covers has an unknown distance (null).
    admin_units, admin_name_field
        Polygons and their name field: sites counted per unit (by the site's
        representative point).
    water_distance_m
        Distance to water (m) under which a site counts as "near water".
    name_field
        Field naming each site (``site_id`` in the layer; default row number).
    source
        Label of the sites layer for the profile.
    invalid_rows
        Rows the reader already skipped for invalid coordinates (reported).

    Returns
    -------
    SitesResult with ``part`` (``count``, ``area_ha`` (footprints; None for
    points only), ``density_per_1000_ha``, ``near_water``, ``per_admin_unit``,
    ``invalid_coordinates``…) and the ``sites`` layer (EPSG:4326).
    """
    # long: its signature and numpydoc take 48 lines (ten options); the body, 43 lines, calls one helper per step
    notes: list[str] = []
    label = source or "sites"
    gdf, ids, bad = _readable_sites(sites, name_field, label, invalid_rows, notes, lang)
    geoms = gdf.geometry.values
    is_poly, is_point = _kinds(geoms, label, notes, lang)
    boundary_ha = geodesy.area_ha(boundary)
    inside = np.zeros(len(gdf), dtype=bool)
    if len(gdf):
        shapely.prepare(boundary)
        inside = (is_poly | is_point) & shapely.intersects(boundary, geoms)
    kinds = np.where(is_poly[inside], "footprint", "point")
    clipped = _clip_footprints(geoms[inside], kinds, boundary)
    area = np.array([geodesy.area_ha(g) if k == "footprint" else np.nan for g, k in zip(clipped, kinds)], dtype=float)
    n = int(inside.sum())
    part: dict = {
        "count": n,
        "points": int((kinds == "point").sum()),
        "footprints": int((kinds == "footprint").sum()),
        "area_ha": float(np.nansum(area)) if (kinds == "footprint").any() else None,
        "density_per_1000_ha": (n / boundary_ha * 1000.0) if boundary_ha > 0 else None,
        "outside": int(((is_poly | is_point) & ~inside).sum()),
        "invalid_coordinates": bad,
        "near_water": None,
        "per_admin_unit": [],
        "source": source,
    }
    layers = list(water or [])
    if rivers is not None:
        layers.insert(0, WaterLayer.from_frame(layer_to_wgs84(rivers, "rivers", notes, lang=lang), label="rivers", kind="river"))
    dist, river_dist = _water_distances(part, clipped, layers, boundary, water_distance_m, label, notes, lang)
    unit = np.full(n, None, dtype=object)
    if admin_units is not None and admin_name_field and n:
        unit = _admin_unit_of(clipped, admin_units, admin_name_field, notes, lang)
        counts = pd.Series([u if u is not None else "(outside the units)" for u in unit]).value_counts()
        part["per_admin_unit"] = [{"name": str(k), "count": int(v)} for k, v in sorted(counts.items())]
    layer = gpd.GeoDataFrame(
        {"site_id": ids[inside].astype(str) if n else np.array([], dtype=str), "kind": kinds, "area_ha": area,
         "dist_river_m": river_dist, "dist_water_m": dist,
         "near_water": np.array([None if not np.isfinite(d) else bool(d <= water_distance_m) for d in dist], dtype=object),
         "admin_unit": unit},
        geometry=gpd.GeoSeries(clipped, crs=4326) if n else gpd.GeoSeries([], crs=4326), crs=4326)
    log.info(Text("{layer}: {n} site inside the landscape ({outside} outside, {invalid} invalid)",
                  "{layer}: {n} sites inside the landscape ({outside} outside, {invalid} invalid)",
                  params={"layer": str(label), "n": int(n), "outside": int(part["outside"]), "invalid": int(bad)}))
    return SitesResult(part, layer, notes)


def _kinds(geoms: np.ndarray, label: str, notes: list, lang: str) -> tuple[np.ndarray, np.ndarray]:
    """Which sites are footprints (polygons) and which points; the others are skipped (noted)."""
    types = np.array([g.geom_type for g in geoms], dtype=object)
    is_poly = np.isin(types, list(POLY_TYPES))
    is_point = np.isin(types, list(POINT_TYPES))
    other = ~(is_poly | is_point)
    if other.any():
        notes.append(Text("{layer}: {n} site that is neither a point nor a polygon was skipped",
                          "{layer}: {n} sites that are neither points nor polygons were skipped",
                          params={"layer": label, "n": int(other.sum())}).sentence(lang))
    return is_poly, is_point


def _clip_footprints(kept: np.ndarray, kinds: np.ndarray, boundary: BaseGeometry) -> np.ndarray:
    """Footprints cut by the boundary, both densified along the geodesic first (the one edge rule); points as they are."""
    dense_boundary = geodesy.densify(boundary)
    return np.array([shapely.intersection(geodesy.densify(g), dense_boundary) if k == "footprint" else g
                     for g, k in zip(kept, kinds)], dtype=object)


def _readable_sites(sites: gpd.GeoDataFrame, name_field: str | None, label: str, invalid_rows: int, notes: list, lang: str):
    """The sites with finite coordinates in EPSG:4326, their ids, and how many were not readable (noted)."""
    if name_field is not None and name_field not in sites.columns:
        raise FieldError(Text("{layer}: no field {field}; the fields are: {fields}; fix name_field in [attach.sites]",
                              params={"layer": label, "field": repr(name_field),
                                      "fields": ", ".join(c for c in sites.columns if c != "geometry")}))
    gdf = layer_to_wgs84(sites, label, notes, lang=lang) if len(sites) else sites.set_crs(4326, allow_override=True)
    ok = _finite(gdf.geometry.values) if len(gdf) else np.zeros(0, bool)
    bad = int((~ok).sum()) + int(invalid_rows)
    if (~ok).any():  # rows the reader skipped are already reported by it
        n_bad = int((~ok).sum())
        notes.append(Text("{layer}: {n} site with missing or invalid coordinates was not counted",
                          "{layer}: {n} sites with missing or invalid coordinates were not counted",
                          params={"layer": label, "n": n_bad}).sentence(lang))
    if name_field:  # nulls and empty ids: one "unnamed" class, counted
        names, blank = names_of(gdf[name_field].to_numpy(), lang)
        ids = np.asarray(names, dtype=object)
        if blank:
            notes.append(unnamed_note(label, name_field, blank, lang))
    else:
        ids = np.array([str(i + 1) for i in range(len(gdf))], dtype=object)
    return gdf.loc[ok].copy(), ids[ok], bad


def _water_distances(part: dict, clipped: np.ndarray, layers: list[WaterLayer], boundary: BaseGeometry, water_distance_m: float,
                     label: str, notes: list, lang: str) -> tuple[np.ndarray, np.ndarray]:
    """Each site's distance to the nearest water and river (NaN = unknown); fills the part's water keys and notes."""
    n = len(clipped)
    dist = np.full(n, np.nan)
    river_dist = np.full(n, np.nan)
    if not layers:
        return dist, river_dist
    found = distances_to_water(clipped, layers, around=boundary)
    dist = found.distance_m
    river_dist = found.by_kind.get("river", np.full(n, np.nan))
    part["near_water"], part["distance_to_water_m"] = water_summary(dist, water_distance_m)
    part["water_layers"] = list(found.layers)
    if "river" in found.by_kind:
        part["distance_to_river_m"] = _stats(river_dist)
    unknown = int(np.isnan(dist).sum())
    for silent in found.silent:
        notes.append(Text("{layer}: no water feature within 25 km of the landscape; it says nothing about how close "
                          "the sites are to water", params={"layer": silent}).sentence(lang))
    if unknown:
        notes.append(Text("{layer}: for {unknown} of {n} site no water layer is near enough to say; its distance to "
                          "water is unknown (null)",
                          "{layer}: for {unknown} of {n} sites no water layer is near enough to say; their distance to "
                          "water is unknown (null)", params={"layer": label, "unknown": unknown, "n": n}).sentence(lang))
    return dist, river_dist


def _admin_unit_of(clipped: np.ndarray, admin_units: gpd.GeoDataFrame, admin_name_field: str, notes: list, lang: str) -> np.ndarray:
    """The name of the admin unit each site lies in (by its representative point), None outside every unit."""
    unit = np.full(len(clipped), None, dtype=object)
    units = layer_to_wgs84(admin_units, "admin units", notes, lang=lang)
    if admin_name_field not in units.columns:
        raise FieldError(Text("admin units: no field {admin_name_field}; fix name_field in [attach.admin_units]", params={"admin_name_field": repr(admin_name_field)}))
    reps = shapely.point_on_surface(clipped)
    tree = shapely.STRtree(units.geometry.values)
    si, ui = tree.query(reps, predicate="intersects")
    names = np.asarray(names_of(units[admin_name_field].to_numpy(), lang)[0], dtype=object)
    for s_, u in zip(si, ui):
        if unit[s_] is None:
            unit[s_] = names[u]
    return unit


def _stats(dist: np.ndarray) -> dict:
    """Median, min and max of the known distances (None when none is known)."""
    known = dist[np.isfinite(dist)]
    if not len(known):
        return {"median": None, "min": None, "max": None, "known": 0}
    return {"median": float(np.median(known)), "min": float(known.min()), "max": float(known.max()), "known": int(len(known))}


def water_summary(dist: np.ndarray, within_m: float) -> tuple[dict, dict]:
    """``near_water`` and ``distance_to_water_m`` parts from per-site distances (NaN = unknown).

    ``count`` is the number of sites known to lie within ``within_m``; it is
    None (unknown) when no site's distance is known, and ``unknown`` counts
    the sites whose distance is not known.

    >>> water_summary(np.array([100.0, np.nan, 900.0]), 500)[0]
    {'distance_m': 500.0, 'count': 1, 'unknown': 1}
    >>> water_summary(np.array([np.nan]), 500)[0]['count'] is None
    True
    """
    known = np.isfinite(dist)
    count = int((dist[known] <= within_m).sum()) if known.any() or not len(dist) else None
    return {"distance_m": float(within_m), "count": count, "unknown": int((~known).sum())}, _stats(dist)
