"""Attach layers to a landscape: the computed parts of its profile.

One function per part, each taking the boundary (EPSG:4326) and already-read
GeoDataFrames or open rasters, so each is testable without a recipe:

* :func:`ecosystems_from_vector` – area and share per class of a polygon layer;
* :func:`landcover_from_raster` – area and share per class of a categorical
  raster (coverage-weighted, :mod:`landgeo.zonal`), named from a class table;
* :func:`population_from_raster` – coverage-weighted total of a count or
  density raster;
* :func:`admin_units_spanned` – units the landscape touches, with shares;
* :func:`rivers_inside` – river length inside and the named rivers;
* ASGM sites: :func:`landgeo.sites.attach_sites`.

:func:`attach_all` reads the layers a recipe names (through
:mod:`landgeo.layers`), calls the parts and returns an :class:`Attached`.
Part functions return full-precision numbers; :func:`attach_all` rounds them
for profile.json (ha to 0.01, shares to 1e-6, km to 0.001, m to 0.1).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from ..boundary import Check
from ..errors import DataWarning, FieldError, RecipeError
from ..geo import geodesy
from ..geo.overlay import DENSIFY_DEG, SLIVER_SHARE
from ..i18n import N_, Text
from ..io.raster import open_raster
from ..io.vector import read_vector, report_of
from ..zonal import stats as zonal
from .classes import ClassTable, load_class_table
from .protected_areas import DEFAULT_BUFFER_M, fields_from_spec, protected_areas_inside
from .sites import attach_sites, layer_to_wgs84
from .water import water_inside

log = logging.getLogger(__name__)

LINE = {"LineString", "MultiLineString", "LinearRing"}
RIVER_SEARCH_M = 25_000.0  # rivers are read this far around the landscape (distances from sites)


@dataclass
class Attached:
    """What attach computed: profile parts, boundary.gpkg layers, checks, notes."""

    parts: dict = field(default_factory=dict)
    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- helpers




def _lineal(g: BaseGeometry) -> BaseGeometry:
    if g is None or g.is_empty or g.geom_type in LINE:
        return g
    parts = [p for p in shapely.get_parts(g) if p.geom_type in LINE]
    return shapely.line_merge(shapely.union_all(parts)) if parts else shapely.LineString()


def _clip(gdf: gpd.GeoDataFrame, boundary: BaseGeometry) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """Rows of ``gdf`` (EPSG:4326) that intersect ``boundary``, and their clipped geometries."""
    idx = gdf.sindex.query(boundary, predicate="intersects")
    idx = np.sort(idx)
    sub = gdf.iloc[idx]
    return sub, shapely.intersection(sub.geometry.values, boundary)


def _field(gdf: gpd.GeoDataFrame, name: str, label: str, key: str) -> None:
    if name not in gdf.columns:
        fields = ", ".join(c for c in gdf.columns if c != gdf.geometry.name)
        raise FieldError(f"{label}: no field {name!r}; the fields are: {fields}; fix {key}")




def area_ha(g: BaseGeometry) -> float:
    """Geodesic area (ha) of a lon/lat polygon whose edges are densified to 0.01°.

    An overlay splits edges; without densifying, an edge along a parallel is one
    geodesic in the whole and a polyline in its pieces, and their areas then
    differ by ~1e-5. Densified, pieces add up to the whole within ~1e-9.
    """
    return geodesy.area_ha(shapely.segmentize(g, DENSIFY_DEG)) if g is not None and not g.is_empty else 0.0


def _uncovered_ha(boundary: BaseGeometry, covered: BaseGeometry, boundary_ha: float) -> float:
    rest = geodesy.polygonal(shapely.difference(boundary, covered)) if covered is not None and not covered.is_empty else boundary
    # slivers of (planar) zero width left by the overlay have a spurious geodesic area: a split edge
    # along a parallel is a polyline on one side and a single geodesic on the other
    if rest.is_empty or rest.area < 1e-9 * boundary.area:
        return 0.0
    return area_ha(rest)


# --------------------------------------------------------------------------- parts


def _raster_crs_note(label: str, crs, lang: str = "en") -> list[str]:
    if crs.equals(zonal.WGS84, ignore_axis_order=True):
        return []
    return [Text("{layer}: the raster is in {crs}; the boundary was transformed to it (the raster is not resampled)",
                 params={"layer": label, "crs": crs.to_string()}).sentence(lang)]


def _method(text: Text, lang: str) -> dict:
    """A part's ``method`` sentence in ``lang`` and its data form (``method_text``)."""
    return {"method": text.render(lang), "method_text": text.to_dict()}


def ecosystems_from_vector(
    boundary: BaseGeometry, layer: gpd.GeoDataFrame, *, field: str, source: str | None = None, lang: str = "en"
) -> tuple[dict, gpd.GeoDataFrame, list[str]]:
    """Area (geodesic ha) and share of each class of a polygon layer inside ``boundary``.

    Shares are of the landscape: they sum, with ``not_covered_share``, to 1.
    Overlapping features of one class are merged; overlaps between classes
    are noted (their shares then add up to more than the covered part).

    Returns
    -------
    (part, clipped layer with ``class``, ``area_ha``, ``share``, notes)
    """
    notes: list[str] = []
    label = source or "ecosystems"
    _field(layer, field, label, "field in [attach.ecosystems]")
    gdf = layer_to_wgs84(layer, label, notes, lang=lang)
    boundary_ha = area_ha(boundary)
    sub, pieces = _clip(gdf, boundary)
    pieces = np.array([geodesy.polygonal(g) for g in pieces], dtype=object)
    keep = ~shapely.is_empty(pieces) if len(pieces) else np.zeros(0, bool)
    classes = sub[field].astype(str).to_numpy()[keep]
    pieces = pieces[keep]
    rows = []
    geoms = []
    for cls in sorted(set(classes)):
        g = shapely.union_all(pieces[classes == cls])
        rows.append((cls, area_ha(g)))
        geoms.append(g)
    covered = shapely.union_all(pieces) if len(pieces) else None
    uncovered = _uncovered_ha(boundary, covered, boundary_ha)
    total = sum(a for _, a in rows)
    covered_ha = area_ha(covered) if covered is not None else 0.0
    if total > covered_ha * (1 + 1e-6) + 1e-9:
        notes.append(Text("{layer}: features of different classes overlap ({area_ha:,.1f} ha counted twice)",
                          params={"layer": label, "area_ha": round(total - covered_ha, 2)}).sentence(lang))
    denom = total + uncovered
    out = [{"class": c, "area_ha": a, "share": (a / denom if denom > 0 else 0.0)} for c, a in rows]
    order = sorted(range(len(out)), key=lambda i: (-out[i]["area_ha"], out[i]["class"]))
    out = [out[i] for i in order]
    clipped = gpd.GeoDataFrame(
        {"class": [o["class"] for o in out], "area_ha": [o["area_ha"] for o in out], "share": [o["share"] for o in out]},
        geometry=[geoms[i] for i in order],
        crs=4326,
    )
    part = {
        "classes": out,
        "not_covered_share": uncovered / denom if denom > 0 else 1.0,
        "source": source,
        **_method(Text("vector overlay; geodesic areas (WGS84) of the parts inside the landscape"), lang),
    }
    if not out:
        notes.append(Text("{layer}: no feature overlaps the landscape", params={"layer": label}).sentence(lang))
    return part, clipped, notes


def landcover_from_raster(
    boundary: BaseGeometry, src, table: ClassTable | None, *, source: str | None = None, lang: str = "en", band: int = 1
) -> tuple[dict, list[str]]:
    """Area and share of each land-cover class inside ``boundary`` (coverage-weighted).

    Values missing from ``table`` are kept as "unknown class N"; values the
    table marks as nodata count as not covered. Shares are of the valid
    (classified) part and sum to 1; ``not_covered_share`` says how much of the
    landscape had no class (outside the raster, nodata).
    """
    notes: list[str] = []
    label = source or Path(src.name).name
    res = zonal.class_areas(src, [boundary], band=band)[0]
    cov = res.coverage
    areas = dict(res.areas_m2)
    nodata_m2 = cov.nodata_m2
    if table is not None:
        for v in [v for v in areas if table.is_nodata(v)]:
            nodata_m2 += areas.pop(v)
    unknown = sorted(v for v in areas if table is None or not table.known(v))
    if unknown and table is not None:
        values = ", ".join(map(str, unknown))
        notes.append(Text("{layer}: values missing from the class table {table}: {values} (reported as unknown classes)",
                          params={"layer": label, "table": table.key, "values": values}).sentence(lang))
    missing = table.missing_languages() if table is not None else []
    if missing:
        notes.append(Text("{layer}: the class table {table} has no class names in {languages:list}; they read in English there "
                          "(add the columns {columns})",
                          params={"layer": label, "table": table.key, "languages": missing,
                                  "columns": ", ".join(f"name_{m}" for m in missing)}).sentence(lang))
    total = sum(areas.values())
    seen = total + nodata_m2
    outside = cov.outside_share
    nodata_share = (1 - outside) * (nodata_m2 / seen) if seen > 0 else 0.0
    classes = []
    for v, m2 in sorted(areas.items(), key=lambda kv: (-kv[1], kv[0])):
        names = table.names(v) if table is not None else {"en": f"class {v}"}
        classes.append({
            "value": int(v),
            "class": names.get(lang) or names["en"],
            "names": names,
            "colour": table.colour(v) if table is not None else None,
            "area_ha": m2 / 1e4,
            "share": m2 / total if total > 0 else 0.0,
        })
    crs = zonal.raster_crs(src)
    part = {
        "classes": classes,
        "not_covered_share": min(1.0, outside + nodata_share),
        "outside_share": outside,
        "nodata_share": nodata_share,
        "unknown_values": unknown,
        "class_table": table.key if table is not None else None,
        "source": source,
        **_method(Text("coverage-weighted cells (partial cells by the covered fraction); geodesic cell areas; "
                       "the boundary is transformed to the raster's CRS, the raster is not resampled")
                  if crs.is_geographic else
                  Text("coverage-weighted cells (partial cells by the covered fraction); planar cell areas of the "
                       "raster's projected CRS; the boundary is transformed to the raster's CRS, the raster is not resampled"),
                  lang),
    }
    notes.extend(_raster_crs_note(label, crs, lang))
    if outside > 0:
        if outside < 1:
            msg = Text("{layer}: {share:.1%} of the landscape lies outside the raster", params={"layer": label, "share": round(outside, 6)})
        else:
            msg = Text("{layer}: the raster does not overlap the landscape", params={"layer": label})
        notes.append(msg.sentence(lang))
    return part, notes


def population_from_raster(
    boundary: BaseGeometry, src, *, kind: str = "density", source: str | None = None, year: int | None = None,
    band: int = 1, lang: str = "en",
) -> tuple[dict, list[str]]:
    """Population inside ``boundary`` from a count or density (people/km²) raster.

    Coverage-weighted: each cell adds its value times the fraction of it
    inside the landscape; a density is first multiplied by the cell's area in
    km² (geodesic for geographic rasters).
    """
    if kind not in ("density", "count"):
        raise RecipeError(f"population kind = {kind!r}; use \"density\" (people per km²) or \"count\" (people per cell)")
    notes: list[str] = []
    label = source or Path(src.name).name
    res = zonal.weighted_sums(src, [boundary], band=band, density_per_km2=(kind == "density"))[0]
    cov = res.coverage
    area_km2 = geodesy.area_ha(boundary) / 100.0
    crs = zonal.raster_crs(src)
    if kind == "count":
        method = Text("people per cell, summed with partial cells weighted by the covered fraction")
    elif crs.is_geographic:
        method = Text("density (people/km²) × cell area (geodesic cell areas), summed with partial cells weighted by the covered fraction")
    else:
        method = Text("density (people/km²) × cell area (planar cell areas of the raster's projected CRS), summed with "
                      "partial cells weighted by the covered fraction")
    part = {
        "total": res.total,
        "density_per_km2": res.total / area_km2 if area_km2 > 0 else None,
        "source": source,
        "year": year,
        "kind": kind,
        **_method(method, lang),
        "not_covered_share": cov.not_covered_share,
    }
    notes.extend(_raster_crs_note(label, crs, lang))
    if cov.not_covered_share > 0.001:
        notes.append(Text("{layer}: {share:.1%} of the landscape has no population value (outside the raster or nodata); "
                          "the total leaves it out", params={"layer": label, "share": round(cov.not_covered_share, 6)}).sentence(lang))
    return part, notes


def admin_units_spanned(
    boundary: BaseGeometry, units: gpd.GeoDataFrame, *, name_field: str, level: str | None = None,
    country_field: str | None = None, source: str | None = None, lang: str = "en",
) -> tuple[dict, gpd.GeoDataFrame, list[str]]:
    """Administrative units the landscape spans, with shares of each.

    ``share_of_landscape`` is the unit's part of the landscape,
    ``share_of_unit`` the part of the unit inside the landscape (geodesic).
    Units sharing less than 0.01 % of the landscape (edge slivers) are left
    out and counted in a note.
    """
    notes: list[str] = []
    label = source or "admin units"
    _field(units, name_field, label, "name_field in [attach.admin_units]")
    if country_field:
        _field(units, country_field, label, "country_field in [attach.admin_units]")
    gdf = layer_to_wgs84(units, label, notes, lang=lang)
    boundary_ha = area_ha(boundary)
    sub, pieces = _clip(gdf, boundary)
    pieces = [geodesy.polygonal(p) for p in pieces]
    inters = [area_ha(p) for p in pieces]
    covered = shapely.union_all([p for p in pieces if not p.is_empty]) if pieces else None
    # shares of the landscape: of the pieces plus the part no unit covers, so they sum to 1 exactly
    denom = sum(inters) + _uncovered_ha(boundary, covered, boundary_ha)
    rows = []
    geoms = []
    slivers = 0
    for (_, row), inter, piece in zip(sub.iterrows(), inters, pieces):
        if denom <= 0 or inter / denom < SLIVER_SHARE:
            slivers += inter > 0
            continue
        unit_ha = area_ha(row.geometry)
        rows.append({
            "name": str(row[name_field]),
            "level": level,
            "country": (str(row[country_field]) if country_field else None),
            "area_ha": inter,
            "unit_area_ha": unit_ha,
            "share_of_landscape": inter / denom,
            "share_of_unit": min(1.0, inter / unit_ha) if unit_ha > 0 else None,
        })
        geoms.append(piece)  # the layer holds the part of each unit inside the landscape
    order = sorted(range(len(rows)), key=lambda i: (-rows[i]["share_of_landscape"], rows[i]["name"]))
    rows = [rows[i] for i in order]
    geoms = [geoms[i] for i in order]
    if slivers:
        notes.append(Text("{layer}: {n} unit touching the landscape by less than {share:.2%} of its area was left out",
                          "{layer}: {n} units touching the landscape by less than {share:.2%} of its area were left out",
                          {"layer": label, "n": int(slivers), "share": SLIVER_SHARE}).sentence(lang))
    layer = gpd.GeoDataFrame(
        {k: [r[k] for r in rows] for k in ("name", "level", "country", "area_ha", "unit_area_ha", "share_of_landscape", "share_of_unit")},
        geometry=geoms, crs=4326,
    )
    countries = sorted({r["country"] for r in rows if r["country"]})
    units_out = [{k: r[k] for k in ("name", "level", "share_of_landscape", "share_of_unit")} for r in rows]
    return {"countries": countries, "admin_units": units_out, "source": source}, layer, notes


def rivers_inside(
    boundary: BaseGeometry, rivers: gpd.GeoDataFrame, *, name_field: str | None = None, source: str | None = None,
    lang: str = "en",
) -> tuple[dict, gpd.GeoDataFrame, list[str]]:
    """Geodesic length (km) of rivers inside ``boundary`` and the named rivers (longest first)."""
    notes: list[str] = []
    label = source or "rivers"
    if name_field:
        _field(rivers, name_field, label, "name_field in [attach.rivers]")
    gdf = layer_to_wgs84(rivers, label, notes, lang=lang)
    sub, pieces = _clip(gdf, boundary)
    pieces = np.array([_lineal(g) for g in pieces], dtype=object)
    lengths = np.array([geodesy.length_km(g) for g in pieces])
    keep = lengths > 0
    names = sub[name_field].astype("string").fillna("").to_numpy()[keep] if name_field else np.full(int(keep.sum()), "")
    pieces, lengths = pieces[keep], lengths[keep]
    by_name: dict[str, float] = {}
    for nm, ln in zip(names, lengths):
        nm = str(nm).strip()
        if nm and nm.lower() not in {"nan", "none", "<na>"}:
            by_name[nm] = by_name.get(nm, 0.0) + float(ln)
    named = [{"name": k, "length_km": v} for k, v in sorted(by_name.items(), key=lambda kv: (-kv[1], kv[0]))]
    layer = gpd.GeoDataFrame({"name": [str(n) for n in names], "length_km": lengths}, geometry=list(pieces), crs=4326)
    part = {"length_km": float(lengths.sum()), "named": named, "source": source,
            **_method(Text("geodesic length (WGS84) of the river lines inside the landscape"), lang)}
    return part, layer, notes


# --------------------------------------------------------------------------- rounding


def _round(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _round(v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_round(v, key) for v in value]
    if isinstance(value, (np.floating, np.integer)):
        value = value.item()
    if isinstance(value, float):
        if not np.isfinite(value):
            return None
        if "share" in key:
            return round(value, 6)
        if key == "density_per_1000_ha":
            return round(value, 4)
        if key.endswith("_ha") or key.endswith("_km2"):
            return round(value, 2)
        if key.endswith("_km"):
            return round(value, 3)
        if key.endswith("_m") or key in {"median", "min"}:
            return round(value, 1)
        if key == "total":
            return int(round(value))
        return round(value, 6)
    return value


def rounded(part: Mapping) -> dict:
    """A part with its numbers rounded for profile.json (deterministic text)."""
    return _round(dict(part))


# --------------------------------------------------------------------------- recipe


def _label(spec: Mapping) -> str:
    p = Path(spec["path"]).name
    return f"{p}:{spec['layer']}" if spec.get("layer") else p


def _read(spec: Mapping, expect: str, **kw) -> gpd.GeoDataFrame:
    if kw.get("bbox") is not None:
        kw["bbox_crs"] = "EPSG:4326"
    return read_vector(spec["path"], layer=spec.get("layer"), crs=spec.get("crs"), x=spec.get("x"), y=spec.get("y"),
                       where=spec.get("where"), expect=expect, **kw)


def _bbox(boundary: BaseGeometry, margin_deg: float = 0.0):
    minx, miny, maxx, maxy = boundary.bounds
    return (minx - margin_deg, miny - margin_deg, maxx + margin_deg, maxy + margin_deg)


def attach_all(recipe, boundary) -> Attached:
    """Compute every ``[attach.*]`` part a recipe asks for.

    Parameters
    ----------
    recipe
        A :class:`landgeo.recipe.Recipe` (``recipe.attach`` maps part → settings).
    boundary
        The :class:`landgeo.boundary.Boundary` (or a geometry in EPSG:4326).

    Returns
    -------
    Attached: ``parts`` keyed ``location``, ``population``, ``ecosystems``,
    ``land_cover``, ``sites``, ``rivers`` (rounded), ``layers`` for
    boundary.gpkg (``admin_units``, ``ecosystems``, ``sites``, ``rivers``),
    ``checks`` and ``notes``.
    """
    geom = getattr(boundary, "geometry", boundary)
    cfg = recipe.attach
    lang = getattr(recipe, "language", "en")
    out = Attached()

    def note_all(ns):
        for n in ns:
            log.info("%s", n)
            out.notes.append(n)

    admin_gdf = None
    admin_cfg = cfg.get("admin_units")
    if admin_cfg:
        admin_gdf = _read(admin_cfg, "polygon", bbox=_bbox(geom))
        part, layer, ns = admin_units_spanned(
            geom, admin_gdf, name_field=admin_cfg["name_field"], level=admin_cfg.get("level"),
            country_field=admin_cfg.get("country_field"), source=admin_cfg.get("source") or _label(admin_cfg), lang=lang)
        if not part["countries"]:
            part["countries"] = list(recipe.countries)
        out.parts["location"] = rounded(part)
        out.layers["admin_units"] = layer
        note_all(ns)

    rivers_gdf = None
    riv_cfg = cfg.get("rivers")
    search_m = None
    if riv_cfg:
        water_m = float((cfg.get("sites") or {}).get("water_distance_m", 500.0))
        search_m = max(water_m * 4, RIVER_SEARCH_M)  # rivers read this far around the landscape
        margin = geodesy.metres_to_degrees(search_m, max(abs(geom.bounds[1]), abs(geom.bounds[3])))
        rivers_gdf = _read(riv_cfg, "line", bbox=_bbox(geom, margin))
        part, layer, ns = rivers_inside(geom, rivers_gdf, name_field=riv_cfg.get("name_field"),
                                        source=riv_cfg.get("source") or _label(riv_cfg), lang=lang)
        out.parts["rivers"] = rounded(part)
        out.layers["rivers"] = layer
        note_all(ns)

    eco_cfg = cfg.get("ecosystems")
    if eco_cfg:
        gdf = _read(eco_cfg, "polygon", bbox=_bbox(geom))
        part, layer, ns = ecosystems_from_vector(geom, gdf, field=eco_cfg["field"],
                                                 source=eco_cfg.get("source") or _label(eco_cfg), lang=lang)
        out.parts["ecosystems"] = rounded(part)
        out.layers["ecosystems"] = layer
        note_all(ns)

    lc_cfg = cfg.get("landcover")
    if lc_cfg:
        spec = lc_cfg.get("classes")  # a built-in name or an absolute CSV path (checked by the recipe)
        table = load_class_table(spec) if spec is not None else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataWarning)
            with open_raster(lc_cfg["path"], crs=lc_cfg.get("crs")) as src:
                part, ns = landcover_from_raster(geom, src, table, source=lc_cfg.get("source") or Path(lc_cfg["path"]).name,
                                                 lang=lang)
        if lc_cfg.get("year") is not None:
            part["year"] = lc_cfg["year"]
        out.parts["land_cover"] = rounded(part)
        if "ecosystems" not in out.parts:
            out.parts["ecosystems"] = out.parts["land_cover"]
        _coverage_check(out, "land_cover_coverage", part, "land cover", lang)
        note_all(ns)

    pop_cfg = cfg.get("population")
    if pop_cfg:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataWarning)
            with open_raster(pop_cfg["path"], crs=pop_cfg.get("crs")) as src:
                part, ns = population_from_raster(geom, src, kind=pop_cfg.get("kind", "density"),
                                                  source=pop_cfg.get("source") or Path(pop_cfg["path"]).name,
                                                  year=pop_cfg.get("year"), lang=lang)
        out.parts["population"] = rounded(part)
        _coverage_check(out, "population_coverage", part, "population", lang)
        note_all(ns)

    water_gdf = None
    water_cfg = cfg.get("water")
    if water_cfg:
        margin = geodesy.metres_to_degrees(search_m or RIVER_SEARCH_M, max(abs(geom.bounds[1]), abs(geom.bounds[3])))
        water_gdf = _read(water_cfg, "polygon", bbox=_bbox(geom, margin))
        part, layer, ns = water_inside(geom, water_gdf, name_field=water_cfg.get("name_field"),
                                       source=water_cfg.get("source") or _label(water_cfg), lang=lang)
        out.parts["water"] = rounded(part)
        out.layers["water"] = layer
        note_all(ns)

    sites_cfg = cfg.get("sites")
    if sites_cfg:
        gdf = _read(sites_cfg, None)
        rep = report_of(gdf)
        name_field = sites_cfg.get("name_field")
        res = attach_sites(
            geom, gdf, rivers=_water_features(rivers_gdf, water_gdf), admin_units=admin_gdf,
            admin_name_field=(admin_cfg or {}).get("name_field"),
            water_distance_m=float(sites_cfg.get("water_distance_m", 500.0)), name_field=name_field,
            source=sites_cfg.get("source") or _label(sites_cfg),
            invalid_rows=(rep.dropped_invalid_coords if rep else 0), river_search_m=search_m, lang=lang,
        )
        out.parts["sites"] = rounded(res.part)
        out.layers["sites"] = res.layer
        note_all(res.notes)

    pa_cfg = cfg.get("protected_areas")
    if pa_cfg:
        buffer_m = float(pa_cfg.get("buffer_m", DEFAULT_BUFFER_M))
        margin = geodesy.metres_to_degrees(buffer_m * 1.5, max(abs(geom.bounds[1]), abs(geom.bounds[3])))
        gdf = _read(pa_cfg, "polygon", bbox=_bbox(geom, margin))
        part, layer, ns = protected_areas_inside(geom, gdf, sites=out.layers.get("sites"), buffer_m=buffer_m,
                                                 fields=fields_from_spec(pa_cfg),
                                                 source=pa_cfg.get("source") or _label(pa_cfg), lang=lang)
        out.parts["protected_areas"] = rounded(part)
        out.layers["protected_areas"] = layer
        note_all(ns)
    return out


def _water_features(rivers: gpd.GeoDataFrame | None, water: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    """Rivers and water polygons together, for the sites' distance to water (0 inside a lake)."""
    if water is None or not len(water):
        return rivers
    water = water.to_crs(4326) if water.crs is not None and not water.crs.equals(4326) else water
    if rivers is None:
        return water[[water.geometry.name]]
    rivers = rivers.to_crs(4326) if rivers.crs is not None and not rivers.crs.equals(4326) else rivers

    return gpd.GeoDataFrame(geometry=pd.concat([rivers.geometry, water.geometry], ignore_index=True), crs=4326)


def _coverage_check(out: Attached, cid: str, part: Mapping, what: str, lang: str = "en") -> None:
    share = float(part.get("not_covered_share") or 0.0)
    land = what == "land cover"
    if share >= 1.0:
        text = Text("The land-cover raster does not overlap the landscape") if land else \
            Text("The population raster does not overlap the landscape")
        out.checks.append(Check.from_text(cid, "warn", text, lang, round(share, 6)))
    elif share > 0.01:
        msgid = (N_("{share:.1%} of the landscape has no land-cover value (outside the raster or nodata)") if land else
                 N_("{share:.1%} of the landscape has no population value (outside the raster or nodata)"))
        out.checks.append(Check.from_text(cid, "warn", Text(msgid, params={"share": round(share, 6)}), lang, round(share, 6)))
