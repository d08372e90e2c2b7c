"""ASGM sites in a landscape: count, mined area, density, distance to water.

Sites are points or footprint polygons (any CRS; transformed to EPSG:4326 and
logged). A footprint counts as inside when it touches the landscape and its
mined area is the geodesic area of the part inside. Distances to the nearest
river are geodesic metres between the closest pair of points, found in an
equal-area CRS centred on the landscape and measured back on the ellipsoid.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from ..errors import CRSError, FieldError
from ..geo import geodesy
from ..geo.crs import WGS84
from ..i18n import Text

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
        raise CRSError(f"{label}: the layer has no CRS; state it in the recipe (crs = \"EPSG:4326\" or its EPSG code)")
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


def nearest_distances_m(geoms, lines, *, around: BaseGeometry) -> np.ndarray:
    """Geodesic distance (m) from each geometry to the nearest of ``lines``.

    Both in EPSG:4326. The nearest line and the closest pair of points are
    found in a Lambert azimuthal equal-area CRS centred on ``around``; the
    distance between that pair is then measured on the WGS84 ellipsoid.
    Geometries touching a line get 0. NaN when ``lines`` is empty.
    """
    geoms = np.asarray(geoms, dtype=object)
    out = np.full(len(geoms), np.nan)
    lines = np.asarray([g for g in lines if g is not None and not g.is_empty], dtype=object)
    if len(geoms) == 0 or len(lines) == 0:
        return out
    laea = geodesy.equal_area_crs(around)
    fwd = Transformer.from_crs(WGS84, laea, always_xy=True)
    back = Transformer.from_crs(laea, WGS84, always_xy=True)

    def proj(gs, tr):
        return shapely.transform(gs, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))

    gp = proj(geoms, fwd)
    lp = proj(shapely.segmentize(lines, 0.01), fwd)
    tree = shapely.STRtree(lp)
    idx_g, idx_l = tree.query_nearest(gp, all_matches=False)
    sl = shapely.shortest_line(gp[idx_g], lp[idx_l])
    ends = shapely.get_coordinates(sl).reshape(-1, 2, 2)
    lon, lat = back.transform(ends[:, :, 0].ravel(), ends[:, :, 1].ravel())
    lon = np.asarray(lon).reshape(-1, 2)
    lat = np.asarray(lat).reshape(-1, 2)
    d = geodesy.distance_m(lon[:, 0], lat[:, 0], lon[:, 1], lat[:, 1])
    touching = shapely.intersects(gp[idx_g], lp[idx_l])
    d = np.where(touching, 0.0, d)
    out[idx_g] = d
    return out


def attach_sites(
    boundary: BaseGeometry,
    sites: gpd.GeoDataFrame,
    *,
    rivers: gpd.GeoDataFrame | None = None,
    admin_units: gpd.GeoDataFrame | None = None,
    admin_name_field: str | None = None,
    water_distance_m: float = 500.0,
    name_field: str | None = None,
    source: str | None = None,
    invalid_rows: int = 0,
    river_search_m: float | None = None,
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
        Lines (any CRS): distance from each site to the nearest river, and the
        count within ``water_distance_m``.
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
    river_search_m
        The rivers were read within this distance (m) of the landscape only:
        a longer distance is not known (the nearest river may lie beyond the
        window) and is left empty, with a note.

    Returns
    -------
    SitesResult with ``part`` (``count``, ``area_ha`` (footprints; None for
    points only), ``density_per_1000_ha``, ``near_water``, ``per_admin_unit``,
    ``invalid_coordinates``…) and the ``sites`` layer (EPSG:4326).
    """
    notes: list[str] = []
    label = source or "sites"
    if name_field is not None and name_field not in sites.columns:
        raise FieldError(
            f"{label}: no field {name_field!r}; the fields are: {', '.join(c for c in sites.columns if c != 'geometry')}; "
            "fix name_field in [attach.sites]"
        )
    gdf = layer_to_wgs84(sites, label, notes, lang=lang) if len(sites) else sites.set_crs(4326, allow_override=True)
    ok = _finite(gdf.geometry.values) if len(gdf) else np.zeros(0, bool)
    bad = int((~ok).sum()) + int(invalid_rows)
    if (~ok).any():  # rows the reader skipped are already reported by it
        n_bad = int((~ok).sum())
        notes.append(Text("{layer}: {n} site with missing or invalid coordinates was not counted",
                          "{layer}: {n} sites with missing or invalid coordinates were not counted", {"layer": label, "n": n_bad}).sentence(lang))
    ids = gdf[name_field].astype(str).to_numpy() if name_field else np.array([str(i + 1) for i in range(len(gdf))], dtype=object)
    gdf = gdf.loc[ok].copy()
    ids = ids[ok]
    geoms = gdf.geometry.values
    types = np.array([g.geom_type for g in geoms], dtype=object)
    is_poly = np.isin(types, list(POLY_TYPES))
    is_point = np.isin(types, list(POINT_TYPES))
    other = ~(is_poly | is_point)
    if other.any():
        notes.append(Text("{layer}: {n} site that is neither a point nor a polygon was skipped",
                          "{layer}: {n} sites that are neither points nor polygons were skipped", {"layer": label, "n": int(other.sum())}).sentence(lang))
    boundary_ha = geodesy.area_ha(shapely.segmentize(boundary, 0.01))
    inside = np.zeros(len(gdf), dtype=bool)
    if len(gdf):
        shapely.prepare(boundary)
        inside = (is_poly | is_point) & shapely.intersects(boundary, geoms)
    kept = geoms[inside]
    kinds = np.where(is_poly[inside], "footprint", "point")
    clipped = np.array([shapely.intersection(g, boundary) if k == "footprint" else g for g, k in zip(kept, kinds)], dtype=object)
    # footprint edges densified to 0.001° (~110 m) so clipped edges follow their lon/lat course
    area = np.array([geodesy.area_ha(shapely.segmentize(g, 0.001)) if k == "footprint" else np.nan
                     for g, k in zip(clipped, kinds)], dtype=float)
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
    dist = np.full(n, np.nan)
    if rivers is not None:
        riv = layer_to_wgs84(rivers, "rivers", notes, lang=lang)
        dist = nearest_distances_m(clipped, riv.geometry.values, around=boundary)
        if river_search_m is not None:
            far = dist > river_search_m
            if far.any():
                dist = np.where(far, np.nan, dist)
                notes.append(Text("{layer}: {n} site is more than {km:,.0f} km from the rivers read around the landscape; "
                                  "its distance to a river is left empty",
                                  "{layer}: {n} sites are more than {km:,.0f} km from the rivers read around the landscape; "
                                  "their distance to a river is left empty",
                                  {"layer": label, "n": int(far.sum()), "km": river_search_m / 1000}).sentence(lang))
        part["near_water"] = {"distance_m": float(water_distance_m), "count": int((dist <= water_distance_m).sum())}
        part["distance_to_river_m"] = {
            "median": float(np.nanmedian(dist)) if n and np.isfinite(dist).any() else None,
            "min": float(np.nanmin(dist)) if n and np.isfinite(dist).any() else None,
        }
    unit = np.full(n, None, dtype=object)
    if admin_units is not None and admin_name_field and n:
        units = layer_to_wgs84(admin_units, "admin units", notes, lang=lang)
        if admin_name_field not in units.columns:
            raise FieldError(f"admin units: no field {admin_name_field!r}; fix name_field in [attach.admin_units]")
        reps = shapely.point_on_surface(clipped)
        tree = shapely.STRtree(units.geometry.values)
        si, ui = tree.query(reps, predicate="intersects")
        names = units[admin_name_field].astype(str).to_numpy()
        for s, u in zip(si, ui):
            if unit[s] is None:
                unit[s] = names[u]
        counts = pd.Series([u if u is not None else "(outside the units)" for u in unit]).value_counts()
        part["per_admin_unit"] = [{"name": str(k), "count": int(v)} for k, v in sorted(counts.items())]
    layer = gpd.GeoDataFrame(
        {
            "site_id": ids[inside].astype(str) if n else np.array([], dtype=str),
            "kind": kinds,
            "area_ha": area,
            "dist_river_m": dist,
            "near_water": (dist <= water_distance_m) if rivers is not None else np.full(n, None, dtype=object),
            "admin_unit": unit,
        },
        geometry=gpd.GeoSeries(clipped, crs=4326) if n else gpd.GeoSeries([], crs=4326),
        crs=4326,
    )
    log.info("%s: %d sites inside the landscape (%d outside, %d invalid)", label, n, part["outside"], bad)
    return SitesResult(part, layer, notes)
