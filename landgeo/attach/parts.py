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
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from .. import zonal
from ..boundary import Check
from ..errors import DataWarning, FieldError, RecipeError
from ..geo import geodesy
from ..geo.crs import WGS84
from ..i18n import N_, Text, translator
from ..i18n.names import is_blank, names_of, unnamed_note
from ..io.raster import open_raster
from ..io.vector import read_vector, report_of, vector_extent_wgs84
from .classes import ClassTable, load_class_table
from .protected_areas import DEFAULT_BUFFER_M, fields_from_spec, protected_areas_inside
from .sites import attach_sites, layer_to_wgs84
from .water import water_inside
from .water_distance import FIRST_WINDOW_M, WaterLayer, window_around

log = logging.getLogger(__name__)

#: The one area rule (geodesic edges, :mod:`landgeo.geo.geodesy`); overlays densify first (see :func:`_clip`).
area_ha = geodesy.area_ha

LINE = {"LineString", "MultiLineString", "LinearRing"}
#: A unit is an edge sliver (left out of location.admin_units) when less than this share of it lies in the landscape.
SLIVER_SHARE_OF_UNIT = 0.01
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
    """Rows of ``gdf`` (EPSG:4326) that intersect ``boundary``, and their clipped geometries.

    Both sides are densified along the geodesic first (:func:`landgeo.geodesy.densify`),
    so the pieces follow the same edges as the whole and their areas add up.
    """
    idx = gdf.sindex.query(boundary, predicate="intersects")
    idx = np.sort(idx)
    sub = gdf.iloc[idx]
    return sub, shapely.intersection(geodesy.densify(sub.geometry.values), geodesy.densify(boundary))


def _field(gdf: gpd.GeoDataFrame, name: str, label: str, key: str) -> None:
    if name not in gdf.columns:
        fields = ", ".join(c for c in gdf.columns if c != gdf.geometry.name)
        raise FieldError(f"{label}: no field {name!r}; the fields are: {fields}; fix {key}")





def _uncovered_ha(boundary: BaseGeometry, covered: BaseGeometry, boundary_ha: float) -> float:
    boundary = geodesy.densify(boundary)
    rest = geodesy.polygonal(shapely.difference(boundary, covered)) if covered is not None and not covered.is_empty else boundary
    # slivers of (planar) zero width left by the overlay have a spurious geodesic area: a split edge
    # along a parallel is a polyline on one side and a single geodesic on the other
    if rest.is_empty or rest.area < 1e-9 * boundary.area:
        return 0.0
    return geodesy.area_ha(rest)


# --------------------------------------------------------------------------- parts


def _raster_crs_note(label: str, crs, lang: str = "en") -> list[str]:
    if crs.equals(WGS84, ignore_axis_order=True):
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
    boundary_ha = geodesy.area_ha(boundary)
    sub, pieces = _clip(gdf, boundary)
    pieces = np.array([geodesy.polygonal(g) for g in pieces], dtype=object)
    keep = ~shapely.is_empty(pieces) if len(pieces) else np.zeros(0, bool)
    names, blank = names_of(sub[field].to_numpy()[keep], lang)  # nulls and empty strings: one "unnamed" class
    classes = np.asarray(names, dtype=object)
    if blank:
        notes.append(unnamed_note(label, field, blank, lang))
    pieces = pieces[keep]
    rows = []
    geoms = []
    for cls in sorted(set(classes)):
        g = shapely.union_all(pieces[classes == cls])
        rows.append((cls, geodesy.area_ha(g)))
        geoms.append(g)
    covered = shapely.union_all(pieces) if len(pieces) else None
    uncovered = _uncovered_ha(boundary, covered, boundary_ha)
    total = sum(a for _, a in rows)
    covered_ha = geodesy.area_ha(covered) if covered is not None else 0.0
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
    part["resolution"] = resolution = raster_resolution(src, boundary, area_ha=geodesy.area_ha(boundary))
    if resolution["coarse"] and outside < 1:
        notes.append(translator(lang)("{label}: cells of {cell_ha:,.0f} ha are large for this landscape ({cells:,.1f} cells "
                                      "inside); the class shares are rough", label=label, cell_ha=resolution["cell_ha"],
                                      cells=resolution["cells_inside"]))
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
    covered_km2 = area_km2 * (1.0 - cov.not_covered_share)
    resolution = raster_resolution(src, boundary, area_ha=area_km2 * 100.0)
    none_covered = cov.not_covered_share >= 1.0 - 1e-9 or res.cells <= 0
    total = None if none_covered else round_to_data(res.total, resolution)  # null where the raster does not reach
    part = {
        "total": total,
        "density_per_km2": (res.total / covered_km2) if not none_covered and covered_km2 > 0 else None,
        "source": source,
        "year": year,
        "kind": kind,
        **_method(method, lang),
        "not_covered_share": cov.not_covered_share,
        "covered": not none_covered,
        "resolution": resolution,
    }
    if resolution["coarse"] and not none_covered:
        t = translator(lang)
        notes.append(t("{label}: cells of {cell_ha:,.0f} ha are large for this landscape ({cells:,.1f} cells inside); "
                       "the population is rounded to {sf} significant figures",
                       label=label, cell_ha=resolution["cell_ha"], cells=resolution["cells_inside"],
                       sf=resolution["significant_figures"]))
    notes.extend(_raster_crs_note(label, crs, lang))
    if cov.not_covered_share > 0.001:
        notes.append(Text("{layer}: {share:.1%} of the landscape has no population value (outside the raster or nodata); "
                          "the total leaves it out", params={"layer": label, "share": round(cov.not_covered_share, 6)}).sentence(lang))
    return part, notes


#: A raster is coarse for a landscape with fewer cells than this inside it …
COARSE_MIN_CELLS = 50
#: … or with cells larger than this share of the landscape's area.
COARSE_CELL_SHARE = 0.01


def raster_resolution(src, boundary: BaseGeometry, *, area_ha: float) -> dict:
    """How coarse a raster is for a landscape: cell size (ha, at the landscape's centre), cells inside, a flag.

    ``coarse`` when fewer than :data:`COARSE_MIN_CELLS` cells fit in the
    landscape or a cell is more than :data:`COARSE_CELL_SHARE` of its area;
    ``significant_figures`` is what a count from such cells supports (2 below
    10 cells, 3 below 50, else None: the figure is kept to the unit).
    """
    crs = zonal.raster_crs(src)
    c = boundary.representative_point() if boundary is not None and not boundary.is_empty else None
    row = 0
    if c is not None:
        x, y = (c.x, c.y)
        if not crs.equals(WGS84, ignore_axis_order=True):
            x, y = Transformer.from_crs(WGS84, crs, always_xy=True).transform(x, y)
        row = int(min(max((~src.transform * (x, y))[1], 0), max(src.height - 1, 0)))
    cell_ha = float(zonal.row_cell_areas_m2(src, row, row + 1, crs=crs)[0]) / 1e4
    cells = area_ha / cell_ha if cell_ha > 0 else float("inf")
    coarse = bool(cells < COARSE_MIN_CELLS or cell_ha > COARSE_CELL_SHARE * area_ha)
    sf = (2 if cells < 10 else 3) if coarse else None
    return {"cell_ha": cell_ha, "cells_inside": cells, "coarse": coarse, "significant_figures": sf,
            # the rule as data (coarse when fewer cells lie inside, or one cell is over this share of the landscape)
            "rule": {"min_cells": COARSE_MIN_CELLS, "max_cell_share": COARSE_CELL_SHARE}}


def round_to_data(value: float, resolution: Mapping) -> float:
    """``value`` rounded to the significant figures the raster supports (unchanged when it is not coarse).

    >>> round_to_data(39_729.4, {"significant_figures": 2})
    40000.0
    >>> round_to_data(39_729.4, {"significant_figures": None})
    39729.4
    """
    sf = resolution.get("significant_figures")
    if not sf or not value:
        return value
    return float(round(value, -int(math.floor(math.log10(abs(value)))) + (int(sf) - 1)))


def admin_units_spanned(
    boundary: BaseGeometry, units: gpd.GeoDataFrame, *, name_field: str, level: str | None = None,
    country_field: str | None = None, source: str | None = None, lang: str = "en",
) -> tuple[dict, gpd.GeoDataFrame, list[str]]:
    """Administrative units the landscape spans, with shares of each.

    ``share_of_landscape`` is the unit's part of the landscape,
    ``share_of_unit`` the part of the unit inside the landscape (geodesic).
    A unit is left out only when the landscape touches a sliver *of that
    unit* — less than :data:`SLIVER_SHARE_OF_UNIT` of the unit's own area (an
    edge where two layers' outlines do not quite match) — never because the
    unit is small beside the landscape; those left out are counted in a note and
    the rule is stated in the part (``sliver_rule``). Every unit is kept, however
    long the list. Units with no name are grouped as "unnamed" (noted).
    """
    notes: list[str] = []
    label = source or "admin units"
    _field(units, name_field, label, "name_field in [attach.admin_units]")
    if country_field:
        _field(units, country_field, label, "country_field in [attach.admin_units]")
    gdf = layer_to_wgs84(units, label, notes, lang=lang)
    boundary_ha = geodesy.area_ha(boundary)
    sub, pieces = _clip(gdf, boundary)
    pieces = [geodesy.polygonal(p) for p in pieces]
    inters = [geodesy.area_ha(p) for p in pieces]
    covered = shapely.union_all([p for p in pieces if not p.is_empty]) if pieces else None
    # shares of the landscape: of the pieces plus the part no unit covers, so they sum to 1 exactly
    denom = sum(inters) + _uncovered_ha(boundary, covered, boundary_ha)
    names, blank = names_of(sub[name_field].to_numpy(), lang)
    if blank:
        notes.append(unnamed_note(label, name_field, blank, lang))
    countries_of = names_of(sub[country_field].to_numpy(), lang)[0] if country_field else [None] * len(sub)
    unit_ha = geodesy.areas_ha(sub.geometry.values)
    rows = []
    geoms = []
    slivers = 0
    for k, inter in enumerate(inters):
        if inter <= 0 or denom <= 0:
            continue
        share_of_unit = min(1.0, inter / unit_ha[k]) if unit_ha[k] > 0 else 1.0
        if share_of_unit < SLIVER_SHARE_OF_UNIT:
            slivers += 1
            continue
        rows.append({
            "name": names[k],
            "level": level,
            "country": countries_of[k] if country_field and not is_blank(sub[country_field].iloc[k]) else None,
            "area_ha": inter,
            "unit_area_ha": float(unit_ha[k]),
            "share_of_landscape": inter / denom,
            "share_of_unit": share_of_unit,
        })
        geoms.append(pieces[k])  # the layer holds the part of each unit inside the landscape
    order = sorted(range(len(rows)), key=lambda i: (-rows[i]["share_of_landscape"], rows[i]["name"]))
    rows = [rows[i] for i in order]
    geoms = [geoms[i] for i in order]
    if slivers:
        t = translator(lang)
        notes.append(t("{label}: {n} unit touches the landscape by less than {share:.0%} of its own area (an edge sliver) "
                       "and was left out",
                       "{label}: {n} units touch the landscape by less than {share:.0%} of their own area (edge slivers) "
                       "and were left out", n=slivers, label=label, share=SLIVER_SHARE_OF_UNIT))
    layer = gpd.GeoDataFrame(
        {k: [r[k] for r in rows] for k in ("name", "level", "country", "area_ha", "unit_area_ha", "share_of_landscape", "share_of_unit")},
        geometry=geoms, crs=4326,
    )
    countries = sorted({r["country"] for r in rows if r["country"]})
    units_out = [{k: r[k] for k in ("name", "level", "share_of_landscape", "share_of_unit")} for r in rows]
    part = {"countries": countries, "admin_units": units_out, "source": source,
            "sliver_rule": {"share_of_unit_below": SLIVER_SHARE_OF_UNIT, "left_out": slivers}}
    return part, layer, notes


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


def water_layer(spec: Mapping, boundary: BaseGeometry, *, kind: str, expect: str) -> tuple[WaterLayer, gpd.GeoDataFrame]:
    """A water layer of a recipe (``[attach.rivers]``, ``[attach.water]``…) for site distances.

    Reads the features within :data:`~landgeo.water_distance.FIRST_WINDOW_M`
    of the landscape (returned as a frame in EPSG:4326 for the part that
    measures the water inside), and gives the :class:`WaterLayer` the layer's
    whole extent and a reader for wider windows, so that every site's distance
    is exact however far the water is.
    """
    label = spec.get("source") or _label(spec)

    def read(bbox):
        gdf = _read(spec, expect, bbox=bbox)
        return layer_to_wgs84(gdf, label).geometry.values if len(gdf) else np.zeros(0, dtype=object)

    window = window_around([boundary], FIRST_WINDOW_M)
    first = _read(spec, expect, bbox=window)
    first84 = layer_to_wgs84(first, label) if len(first) else first.set_crs(4326, allow_override=True)
    extent = vector_extent_wgs84(spec["path"], layer=spec.get("layer"), crs=spec.get("crs"))
    layer = WaterLayer(label=label, kind=kind, geoms=np.asarray(first84.geometry.values, dtype=object), extent=extent,
                       window=window, read=read)
    return layer, first


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

    water_layers: list[WaterLayer] = []
    riv_cfg = cfg.get("rivers")
    if riv_cfg:
        river_layer, rivers_gdf = water_layer(riv_cfg, geom, kind="river", expect="line")
        water_layers.append(river_layer)
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
        lakes, water_gdf = water_layer(water_cfg, geom, kind="lake", expect="polygon")  # sites' distances count lakes too
        water_layers.append(lakes)
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
            geom, gdf, water=water_layers, admin_units=admin_gdf,
            admin_name_field=(admin_cfg or {}).get("name_field"),
            water_distance_m=float(sites_cfg.get("water_distance_m", 500.0)), name_field=name_field,
            source=sites_cfg.get("source") or _label(sites_cfg),
            invalid_rows=(rep.dropped_invalid_coords if rep else 0), lang=lang,
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
