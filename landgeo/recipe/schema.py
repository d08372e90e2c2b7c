"""The recipe schema: the allowed tables and keys of a recipe and the checker of each (:mod:`.checkers`).

:data:`SCHEMA` holds the tables; :data:`BOUNDARY_METHODS` the keys of each boundary method, :data:`ATTACH`
the ``[attach.*]`` parts, :data:`MONITOR` the dated layers.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..errors import RecipeError
from ..i18n import LANGUAGES, Text
from .checkers import (
    MAX_AREA_HA,
    MAX_DISTANCE_M,
    MAX_SIMPLIFY_M,
    MAX_SNAP_M,
    Checker,
    Ctx,
    boolean,
    bounded,
    check_table,
    choice,
    did_you_mean,
    integer,
    iso_date,
    lonlat,
    lonlats,
    mapping_of,
    number,
    path,
    paths,
    photos,
    positive,
    scalars,
    string,
    strings,
    sub_ctx,
    table,
    unknown_key,
    whole,
)

# --- the schema ----------------------------------------------------------------------------

LANDSCAPE = {
    "name": string,
    "slug": string,
    "country": strings,
    "language": choice(*LANGUAGES),  # the languages of landgeo.i18n
    "description": string,
}

# Keys every boundary method accepts.
BOUNDARY_COMMON = {
    "method": string,
    "definition": string,   # the user's own sentence, replaces the generated one
    "justification": string,  # why this boundary (LandScale asks it of a stakeholder-defined one)
    "buffer_m": bounded(-MAX_DISTANCE_M, MAX_DISTANCE_M, "m", why="more than 1,000 km"),  # grow (shrink when negative), metres
    "simplify_m": bounded(0, MAX_SIMPLIFY_M, "m", why="simplifying by more than 10 km distorts a landscape"),  # tolerance, m
    "fill_holes_below_ha": bounded(0, MAX_AREA_HA, "ha"),  # fill holes smaller than this
}

# Keys of a layer reference (a file, its layer, and how to read it).
LAYER_REF = {
    "path": path,
    "layer": string,
    "crs": string,
    "x": string,
    "y": string,
}

BOUNDARY_METHODS: dict[str, dict[str, Checker]] = {
    "admin": {
        **LAYER_REF,
        "field": string,         # the unit name field
        "values": scalars,       # unit names (or codes) to select
        "where": string,         # an SQL filter on the layer
        "points": lonlats,       # select the units these points fall in
        "level": string,         # e.g. "district", "region", recorded in the profile
        "parent_field": string,  # e.g. the region field, named in the definition
    },
    "file": {**LAYER_REF},
    "basins": {
        **LAYER_REF,                     # path = the basin layer (HydroBASINS-style)
        "fields": mapping_of(string),    # { id = "HYBAS_ID", next_down = "NEXT_DOWN", sub_area, up_area, pfaf }
        "outlet": lonlat,                # trace everything upstream of the unit at this point
        "snap_m": bounded(0, MAX_SNAP_M, "m"),  # snap the outlet to the nearest unit within this distance (m)
        "candidate": integer,            # a unit id: it and everything upstream (from `landgeo basins suggest`)
        "pfaf_prefix": scalars,          # Pfafstetter code prefix(es)
        "hybas_ids": scalars,            # unit ids, taken as they are
    },
    "dem": {
        "dem": path,                     # the DEM GeoTIFF (projected or geographic; nodata honoured)
        "crs": string,                   # the DEM's CRS when the file has none
        "outlet": lonlat,                # the catchment's outlet [lon, lat]
        "snap_m": bounded(0, MAX_SNAP_M, "m"),  # move the outlet to the highest flow accumulation within this radius (m)
        "stream_threshold_cells": whole(1, 10**12),  # the snapped outlet must drain at least this many cells
    },
}
BOUNDARY_METHODS["combine"] = {
    "parts": paths,                                          # other recipe files
    "operation": choice("union", "intersection", "difference"),  # difference: the first minus the others
}
BOUNDARY_METHODS["jurisdiction"] = BOUNDARY_METHODS["admin"]

SCALE = {
    "min_ha": bounded(0, MAX_AREA_HA, "ha"),
    "max_ha": bounded(0, MAX_AREA_HA, "ha"),
    "sliver_ha": bounded(0, MAX_AREA_HA, "ha"),   # parts smaller than this are slivers
    "previous": path,        # a previous boundary, for the change check (> 10 % = new baseline)
    "previous_layer": string,
    "align_with": path,      # a unit layer (jurisdictions or catchments) for the LandScale ±10 % alignment check
    "align_layer": string,
    "align_field": string,
}

PROFILE_PRODUCTS = {"agricultural": strings, "non_agricultural": strings}
PROFILE = {
    "livelihoods": strings,
    "non_economic_livelihoods": strings,
    "products": table(PROFILE_PRODUCTS),
    "challenges": strings,
    "governance": strings,
    "coordination_spaces": strings,
    "photos": photos,
    "notes": string,
}

SCORE_KEYS = tuple(f"{g}{i}" for g in "CPLI" for i in range(1, 6))


def _score(value, ctx: Ctx) -> float:
    v = number(value, ctx)
    if not (1 <= v <= 5) or (v * 2) != int(v * 2):
        raise ctx.fail(Text("= {value} is not a score", params={"value": repr(value)}), Text("scores run from 1 to 5 in half points (1, 1.5, … 5)"))
    return v


SCORECARD = {"date": iso_date, "scores": table({k: _score for k in SCORE_KEYS}), "notes": string}

# [attach.*] sections: computed by landgeo.attach (issue 4); each is a table of its own.
RASTER_REF = {"path": path, "crs": string, "source": string, "year": whole(1800, 2200)}
CLASS_TABLES = ("modis_igbp", "esa_worldcover", "esa_cci")  # built into landgeo/data/


def class_table_ref(value, ctx: Ctx) -> str | Path:
    """A built-in class table's name, or a CSV path (relative to the recipe)."""
    text = string(value, ctx)
    if text in CLASS_TABLES:
        return text
    if not text.lower().endswith(".csv"):
        close = difflib.get_close_matches(text, CLASS_TABLES, n=1)
        hint = Text("did you mean {close}? ", params={"close": repr(close[0])}) if close else ""
        raise ctx.fail(Text("= {value} is not a class table", params={"value": repr(text)}),
                       Text("{hint}use one of {tables} or a CSV file with the columns value,name_en,name_fr,name_es,name_pt,colour",
                            params={"hint": hint, "tables": ", ".join(CLASS_TABLES)}))
    return path(value, ctx)


ATTACH: dict[str, Checker] = {
    # ecosystems from a polygon layer: `field` holds the class name
    "ecosystems": table({**LAYER_REF, "where": string, "field": string, "source": string}, required=("path", "field")),
    # land cover: classes = "modis_igbp" | "esa_worldcover" | "esa_cci" | a CSV path (value,name_en,name_fr,colour)
    "landcover": table({**RASTER_REF, "classes": class_table_ref}, required=("path",)),
    # population raster: kind = "density" (people per km²) or "count" (people per cell)
    "population": table({**RASTER_REF, "kind": choice("density", "count")}, required=("path", "kind")),
    # ASGM sites: points or footprint polygons (CSV with lon/lat columns too)
    "sites": table({**LAYER_REF, "where": string, "name_field": string, "water_distance_m": bounded(0, MAX_DISTANCE_M, "m"), "source": string},
                   required=("path",)),
    "admin_units": table({**LAYER_REF, "where": string, "name_field": string, "level": string, "country_field": string,
                          "source": string}, required=("path", "name_field")),
    "rivers": table({**LAYER_REF, "where": string, "name_field": string, "source": string}, required=("path",)),
    # protected areas (WDPA-style NAME, DESIG, IUCN_CAT, STATUS_YR, or named); buffer_m: the "near" zone around them
    "protected_areas": table({**LAYER_REF, "where": string, "name_field": string, "desig_field": string,
                              "iucn_field": string, "year_field": string, "buffer_m": positive, "source": string},
                             required=("path",)),
    # water bodies (HydroLAKES-style polygons); they count in the sites' distance to water
    "water": table({**LAYER_REF, "where": string, "name_field": string, "source": string}, required=("path",)),
}

def date_text(value, ctx: Ctx) -> str:
    """A date or period label: ``"2015"``, ``2015``, ``"2017-2020"``, ``"2024-06-30"`` or a TOML date."""

    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    text = string(value, ctx) if isinstance(value, str) else None
    if text is None or not re.search(r"\d{4}", text):
        raise ctx.fail(Text("= {value} is not a date", params={"value": repr(value)}),
                       Text('write a year or a date in quotes, e.g. date = "2020" or "2017-2020"'))
    return text


# [monitor] and its dated layers [[monitor.<part>]]: computed by landgeo.monitor (issue 14).
MONITOR_OPTIONS = {
    "resample": boolean,        # transitions: warp the later raster onto the earlier grid (nearest) instead of the exact overlay
    "natural_values": scalars,  # land-cover codes that count as natural habitat (default: the class table's natural column)
}
MONITOR: dict[str, tuple[dict[str, Checker], tuple[str, ...]]] = {
    # part: (keys, required keys)
    "landcover": ({"date": date_text, **RASTER_REF, "classes": class_table_ref}, ("date", "path")),
    "sites": ({**LAYER_REF, "date": date_text, "date_field": string, "where": string, "name_field": string,
               "source": string}, ("path",)),
    "population": ({"date": date_text, **RASTER_REF, "kind": choice("density", "count")}, ("date", "path", "kind")),
    "polygons": ({**LAYER_REF, "name": string, "date": date_text, "field": string, "where": string, "source": string},
                 ("name", "date", "path")),
    "boundary": ({"date": date_text, "path": path, "layer": string, "crs": string, "source": string}, ("date",)),
}


def check_monitor(data, ctx: Ctx) -> Mapping[str, Any]:
    """``[monitor]`` options and its ``[[monitor.<part>]]`` lists of dated layers (one entry per date)."""
    if not isinstance(data, dict):
        raise ctx.fail(Text("is not a table"), Text("write [monitor] options and [[monitor.landcover]], [[monitor.sites]]… tables"))
    out: dict[str, Any] = {}
    allowed = {**MONITOR_OPTIONS, **dict.fromkeys(MONITOR)}
    for key, value in data.items():
        if key not in allowed:
            raise unknown_key(ctx, key, allowed, where="[monitor]", hint=did_you_mean(key, allowed))
        if key in MONITOR_OPTIONS:
            out[key] = MONITOR_OPTIONS[key](value, Ctx(ctx.file, f"[monitor] {key}"))
            continue
        where = f"[[monitor.{key}]]"
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise RecipeError(Text('{file}: {where} is not a list of tables; write each dated layer as its own {where} table '
                                   'with date = "…" and path = "…"', params={"file": str(ctx.file), "where": where}))
        keys, required = MONITOR[key]
        entries = []
        for i, item in enumerate(value):
            c = Ctx(ctx.file, f"{where} #{i + 1}")
            entry = dict(check_table(item, keys, c, required=required))
            if key == "sites" and ("date" in entry) == ("date_field" in entry):
                raise RecipeError(Text('{file}: {key} needs either date = "…" (one dated layer) or date_field = "…" (a layer '
                                       "whose field holds each site's date or year), not both or neither",
                                       params={"file": str(ctx.file), "key": c.key}))
            if key == "polygons" and not re.fullmatch(r"[a-z][a-z0-9_]*", entry["name"]):
                raise c.fail(Text("name = {name} is not an indicator name", params={"name": repr(entry["name"])}),
                             Text('use lower-case letters, digits and _, e.g. name = "protected_areas"'))
            entries.append(MappingProxyType(entry))
        seen: dict[tuple, int] = {}
        for i, e in enumerate(entries):
            k = (e.get("name"), e.get("date"), e.get("date_field"))
            if k in seen and e.get("date") is not None:
                raise RecipeError(Text("{file}: {where} #{i:d} has date = {date}, like #{j:d}; give each date once (merge the "
                                       "layers, or fix the date)",
                                       params={"file": str(ctx.file), "where": where, "i": i + 1, "date": repr(e["date"]),
                                               "j": seen[k] + 1}))
            seen.setdefault(k, i)
        out[key] = tuple(entries)
    return MappingProxyType(out)


# [context]: the user's own map layers, drawn on the sheet and the web map (not attached to the profile).
CONTEXT_KINDS = ("settlements", "roads", "tracks", "protected_areas", "lines", "polygons", "points")
CONTEXT_LAYER = table({**LAYER_REF, "where": string, "kind": choice(*CONTEXT_KINDS), "name_field": string,
                       "population_field": string, "rank_field": string, "title": string, "source": string},
                      required=("path", "kind"))
CONTEXT_KEYS = {"basemap": path, "basemap_attribution": string}


def check_context(data, ctx: Ctx) -> Mapping[str, Any]:
    """``[context]``: ``basemap`` (a GeoTIFF or MBTiles file), ``basemap_attribution``, and ``[context.<name>]`` layers."""
    if not isinstance(data, dict):
        raise ctx.fail(Text("is not a table"), Text("write [context] with basemap = \"…\" and [context.<name>] layer tables"))
    out: dict[str, Any] = {}
    layers = {}
    for key, value in data.items():
        if key in CONTEXT_KEYS:
            out[key] = CONTEXT_KEYS[key](value, sub_ctx(ctx, key, value))
        elif isinstance(value, dict):
            layers[key] = CONTEXT_LAYER(value, Ctx(ctx.file, f"[context.{key}]"))
        else:
            raise unknown_key(ctx, key, CONTEXT_KEYS, where="[context]",
                               hint=Text("a layer is a table: [context.towns] with path = …, kind = …; "))
    out["layers"] = MappingProxyType(layers)
    return MappingProxyType(out)

SCHEMA: dict[str, Checker] = {
    "landscape": table(LANDSCAPE, required=("name",)),
    "boundary": None,  # checked by method, see check_boundary
    "scale": table(SCALE),
    "attach": None,    # checked against ATTACH, see check_attach
    "monitor": None,   # checked against MONITOR, see check_monitor
    "profile": table(PROFILE),
    "scorecards": None,
    "context": None,   # checked by check_context
}


def check_boundary(data, ctx: Ctx) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise ctx.fail(Text("is not a table"), Text("write a [boundary] table with method = …"))
    if "method" not in data:
        raise RecipeError(Text("{file}: [boundary] has no method; add method = one of {methods}",
                               params={"file": str(ctx.file), "methods": ", ".join(sorted(BOUNDARY_METHODS))}))
    method = choice(*sorted(BOUNDARY_METHODS))(data["method"], Ctx(ctx.file, "[boundary] method"))
    schema = {**BOUNDARY_COMMON, **BOUNDARY_METHODS[method]}
    for key in data:
        if key not in schema:
            other = [m for m, s in BOUNDARY_METHODS.items() if key in s]
            used = Text("it is used by method {method}; ", params={"method": repr(other[0])}) if other else did_you_mean(key, schema)
            raise unknown_key(ctx, key, schema, where=f"[boundary] for method {method!r}", hint=used)
    return check_table(data, schema, ctx)


def check_attach(data, ctx: Ctx) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise ctx.fail(Text("is not a table"), Text("write [attach.<part>] tables"))
    out = {}
    for key, value in data.items():
        if key not in ATTACH:
            raise RecipeError(Text("{file}: unknown table [attach.{table}]; {hint}allowed: {tables}",
                                   params={"file": str(ctx.file), "table": key, "hint": did_you_mean(key, ATTACH),
                                           "tables": ", ".join(sorted(ATTACH))}))
        out[key] = ATTACH[key](value, Ctx(ctx.file, f"[attach.{key}]"))
    return MappingProxyType(out)


def check_scorecards(data, ctx: Ctx) -> tuple:
    if not isinstance(data, list):
        raise ctx.fail(Text("is not a list of tables"), Text("write each scorecard as a [[scorecards]] table"))
    return tuple(check_table(item, SCORECARD, Ctx(ctx.file, f"[[scorecards]] #{i + 1}"), required=("scores",)) for i, item in enumerate(data))


