"""Parts measured from one layer each: ecosystems (vector), land cover and population (rasters, coverage-weighted).

* :func:`ecosystems_from_vector` – area and share per class of a polygon layer;
* :func:`landcover_from_raster` – area and share per class of a categorical
  raster (coverage-weighted, :mod:`landgeo.zonal`), named from a class table;
* :func:`population_from_raster` – coverage-weighted total of a count or
  density raster, rounded to what the data resolves (:func:`raster_resolution`).

The other parts: :mod:`.admin_units`, :mod:`.rivers`, :mod:`.water`, :mod:`.sites`,
:mod:`.protected_areas`; a recipe's parts are read and run by :func:`landgeo.attach.recipe.attach_all`.
Part functions return full-precision numbers; :mod:`.rounding` rounds them for profile.json.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from .. import zonal
from ..errors import RecipeError
from ..geo import geodesy
from ..geo.crs import WGS84
from ..i18n import Text, translator
from ..i18n.names import names_of, unnamed_note
from .classes import ClassTable
from .common import clip_layer, method_fields, raster_crs_note, require_field, uncovered_ha
from .sites import layer_to_wgs84

log = logging.getLogger(__name__)

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
    require_field(layer, field, label, "field in [attach.ecosystems]")
    gdf = layer_to_wgs84(layer, label, notes, lang=lang)
    boundary_ha = geodesy.area_ha(boundary)
    sub, pieces = clip_layer(gdf, boundary)
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
    uncovered = uncovered_ha(boundary, covered, boundary_ha)
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
        **method_fields(Text("vector overlay; geodesic areas (WGS84) of the parts inside the landscape"), lang),
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
        notes.append(Text("{file}: the class table has no class names in {languages:list}; they read in English there "
                          "(add the columns {columns})",
                          params={"file": table.file or table.key, "languages": missing,
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
        **method_fields(Text("coverage-weighted cells (partial cells by the covered fraction); geodesic cell areas; "
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
    notes.extend(raster_crs_note(label, crs, lang))
    if outside > 0:
        if outside < 0.0005:  # {share:.1%} would say 0.0 % of a part that is there
            msg = Text("{layer}: less than 0.1% of the landscape lies outside the raster", params={"layer": label})
        elif outside < 1:
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
        raise RecipeError(Text('population kind = {kind}; use "density" (people per km²) or "count" (people per cell)', params={"kind": repr(kind)}))
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
        **method_fields(method, lang),
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
    notes.extend(raster_crs_note(label, crs, lang))
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

