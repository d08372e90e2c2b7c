"""Landscape recipes: one TOML file per landscape, read into a frozen :class:`Recipe`.

A recipe has the tables ``[landscape]``, ``[boundary]``, ``[scale]``,
``[attach.*]``, ``[monitor]`` with ``[[monitor.*]]`` (dated layers, see
:data:`MONITOR`), ``[profile]`` and ``[[scorecards]]``. Allowed keys and their
types are declared in :data:`SCHEMA` (and :data:`BOUNDARY_METHODS` for the keys
of each boundary method). Paths are relative to the recipe file. Every error
names the file, the key and the fix; an unknown key gets a "did you mean".
"""

from __future__ import annotations

import datetime as _dt
import difflib
import math
import re
import tomllib
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..errors import RecipeError, stated_in
from ..i18n import LANGUAGES, Text
from ..io.text import read_text

DEFAULT_MIN_HA = 10_000.0
DEFAULT_MAX_HA = 1_000_000.0
#: Ranges of recipe numbers: wider than any landscape needs, narrow enough to catch a slip.
MAX_DISTANCE_M = 1_000_000.0     # buffers, distances (1,000 km)
MAX_SIMPLIFY_M = 10_000.0
MAX_SNAP_M = 100_000.0
MAX_AREA_HA = 51_000_000_000.0   # the Earth's surface, ha
#: Longest slug (a folder name; file systems allow 255 bytes, temporaries need room).
MAX_SLUG = 100


# --- value checkers: each takes (value, ctx) and returns the cleaned value --------------------

@dataclass(frozen=True)
class _Ctx:
    file: Path
    key: str  # e.g. "[boundary] path"

    def fail(self, problem: Text, fix: Text) -> RecipeError:
        """The error for this key: what is wrong and how to fix it (both as data: stated in any language)."""
        return RecipeError(Text("{file}: {key} {problem}; {fix}", params={"file": str(self.file), "key": self.key,
                                                                        "problem": problem, "fix": fix}))


Checker = Callable[[Any, _Ctx], Any]


def string(value, ctx: _Ctx) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ctx.fail(Text("= {value} is not a text", params={"value": repr(value)}), Text('write it in quotes, e.g. key = "text"'))
    return value.strip()


def number(value, ctx: _Ctx) -> float:
    """A finite number (TOML's nan and inf are refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ctx.fail(Text("= {value} is not a number", params={"value": repr(value)}), Text("write a number without quotes, e.g. 10000"))
    v = float(value)
    if not math.isfinite(v):
        raise ctx.fail(Text("= {value} is not a finite number", params={"value": repr(value)}), Text("write a real number, e.g. 10000"))
    return v


def positive(value, ctx: _Ctx) -> float:
    v = number(value, ctx)
    if v < 0:
        raise ctx.fail(Text("= {value} is negative", params={"value": repr(value)}), Text("give a value ≥ 0"))
    return v


def bounded(low: float, high: float, unit: str, *, why: str = "") -> Checker:
    """A finite number in [low, high] (``unit`` and ``why`` go in the message)."""
    def check(value, ctx: _Ctx) -> float:
        v = number(value, ctx)
        if not low <= v <= high:
            reason = f" ({why})" if why else ""
            raise ctx.fail(Text("= {value} is out of range{reason}", params={"value": repr(value), "reason": reason}),
                           Text("give a value from {low} to {high} {unit}", params={"low": f"{low:,g}", "high": f"{high:,g}", "unit": unit}))
        return v
    return check


def whole(low: int, high: int) -> Checker:
    """A whole number in [low, high]."""
    def check(value, ctx: _Ctx) -> int:
        v = integer(value, ctx)
        if not low <= v <= high:
            raise ctx.fail(Text("= {value} is out of range", params={"value": repr(value)}),
                           Text("give a whole number from {low} to {high}", params={"low": f"{low:,}", "high": f"{high:,}"}))
        return v
    return check


def iso_date(value, ctx: _Ctx) -> str:
    """A real calendar date: YYYY-MM-DD, YYYY-MM or YYYY (TOML dates too)."""
    import datetime as _dt

    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return value.isoformat()
    text = string(value, ctx)
    try:
        if re.fullmatch(r"\d{4}", text):
            _dt.date(int(text), 1, 1)
        elif re.fullmatch(r"\d{4}-\d{2}", text):
            _dt.date(int(text[:4]), int(text[5:7]), 1)
        else:
            _dt.date.fromisoformat(text)
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError(text)
    except ValueError:
        raise ctx.fail(Text("= {value} is not a real date", params={"value": repr(text)}),
                       Text("write YYYY-MM-DD (e.g. 2024-03-31), YYYY-MM or YYYY")) from None
    return text


def integer(value, ctx: _Ctx) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ctx.fail(Text("= {value} is not a whole number", params={"value": repr(value)}), Text("write a whole number, e.g. 2020"))
    return int(value)


def boolean(value, ctx: _Ctx) -> bool:
    if not isinstance(value, bool):
        raise ctx.fail(Text("= {value} is not true or false", params={"value": repr(value)}), Text("write true or false without quotes"))
    return value


def strings(value, ctx: _Ctx) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ctx.fail(Text("= {value} is not a list of texts", params={"value": repr(value)}), Text('write a list, e.g. ["A", "B"]'))
    return tuple(v.strip() for v in value if v.strip())


def scalars(value, ctx: _Ctx) -> tuple:
    """A non-empty list of texts or finite numbers (ids, names)."""
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
        raise ctx.fail(Text("= {value} is not a list of names or numbers", params={"value": repr(value)}), Text('write a list, e.g. ["A", "B"] or [101, 102]'))
    if not value:
        raise ctx.fail(Text("= [] selects nothing"), Text('name at least one, e.g. ["A"], or leave the key out'))
    if any(isinstance(v, float) and not math.isfinite(v) for v in value):
        raise ctx.fail(Text("= {value} holds a number that is not finite", params={"value": repr(value)}),
                       Text("give names or real numbers"))
    if any(isinstance(v, str) and not v.strip() for v in value):
        raise ctx.fail(Text("= {value} holds an empty name", params={"value": repr(value)}), Text("remove the empty text"))
    return tuple(value)


def lonlat(value, ctx: _Ctx) -> tuple[float, float]:
    ok = isinstance(value, list) and len(value) == 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
    if not ok:
        raise ctx.fail(Text("= {value} is not a [longitude, latitude] pair", params={"value": repr(value)}), Text("write e.g. [-1.95, 5.30] (longitude first)"))
    lon, lat = float(value[0]), float(value[1])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        hint = " (longitude and latitude look swapped)" if abs(lat) > 90 and abs(lon) <= 90 else ""
        raise ctx.fail(Text("= {value} is out of range{hint}", params={"value": repr(value), "hint": hint}), Text("write [longitude, latitude] in degrees, longitude first"))
    return lon, lat


def lonlats(value, ctx: _Ctx) -> tuple[tuple[float, float], ...]:
    if not isinstance(value, list) or not value:
        raise ctx.fail(Text("= {value} is not a list of [longitude, latitude] pairs", params={"value": repr(value)}), Text("write e.g. [[-1.95, 5.30], [-2.1, 5.4]]"))
    if all(isinstance(v, (int, float)) for v in value):
        return (lonlat(value, ctx),)
    return tuple(lonlat(v, ctx) for v in value)


def path(value, ctx: _Ctx) -> Path:
    text = string(value, ctx)
    p = Path(text).expanduser()
    full = (p if p.is_absolute() else ctx.file.parent / p).resolve()
    if not full.exists():
        raise ctx.fail(Text("= {value}: file not found (looked at {path})", params={"value": repr(text), "path": str(full)}),
                       Text("paths are relative to the recipe file; check the name"))
    if not (full.is_file() or (full.is_dir() and full.suffix.lower() == ".gdb")):
        what = Text("a folder") if full.is_dir() else Text("not a regular file (a pipe, device or socket)")
        raise ctx.fail(Text("= {value}: {path} is {what}", params={"value": repr(text), "path": str(full), "what": what}),
                       Text("name a layer or raster file"))
    return full


def paths(value, ctx: _Ctx) -> tuple[Path, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ctx.fail(Text("= {value} is not a list of paths", params={"value": repr(value)}), Text('write e.g. ["photos/a.jpg"]'))
    return tuple(path(v, ctx) for v in value)


def choice(*options: str) -> Checker:
    def check(value, ctx: _Ctx) -> str:
        text = string(value, ctx)
        if text not in options:
            close = difflib.get_close_matches(text, options, n=1)
            if close:
                fix = Text("did you mean {close}? use one of: {options}", params={"close": repr(close[0]), "options": ", ".join(options)})
            else:
                fix = Text("use one of: {options}", params={"options": ", ".join(options)})
            raise ctx.fail(Text("= {value} is not allowed", params={"value": repr(text)}), fix)
        return text
    return check


def mapping_of(checker: Checker) -> Checker:
    """A table whose keys are free (e.g. field renames) and whose values pass ``checker``."""
    def check(value, ctx: _Ctx) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise ctx.fail(Text("is not a table"), Text("write it as {example}", params={"example": "key = { a = ..., b = ... }"}))
        return MappingProxyType({k: checker(v, _Ctx(ctx.file, f"{ctx.key}.{k}")) for k, v in value.items()})
    return check


def table(schema: Mapping[str, Checker], required: tuple[str, ...] = ()) -> Checker:
    def check(value, ctx: _Ctx) -> Mapping[str, Any]:
        return _check_table(value, schema, ctx, required)
    return check


def _did_you_mean(key: str, allowed) -> Text | str:
    close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.5)
    return Text("did you mean {close}? ", params={"close": repr(close[0])}) if close else ""


def _sub(ctx: _Ctx, key: str, value) -> _Ctx:
    """Context for ``key`` inside ``ctx``: ``[profile.products]`` for a sub-table, ``[boundary] path`` otherwise."""
    if isinstance(value, dict) and ctx.key.startswith("[") and ctx.key.endswith("]") and " " not in ctx.key:
        return _Ctx(ctx.file, f"[{ctx.key[1:-1]}.{key}]")
    return _Ctx(ctx.file, f"{ctx.key} {key}")


def _unknown_key(ctx: _Ctx, key: str, schema, *, where: str, hint: str) -> RecipeError:
    return RecipeError(Text("{file}: unknown key {key} in {where}; {hint}allowed keys: {keys}",
                            params={"file": str(ctx.file), "key": repr(key), "where": where, "hint": hint,
                                    "keys": ", ".join(sorted(schema))}))


def _check_table(data, schema: Mapping[str, Checker], ctx: _Ctx, required=()) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise ctx.fail(Text("is not a table"), Text("write it as a [table] with key = value lines"))
    out = {}
    for key, value in data.items():
        if key not in schema:
            raise _unknown_key(ctx, key, schema, where=ctx.key, hint=_did_you_mean(key, schema))
        out[key] = schema[key](value, _sub(ctx, key, value))
    for key in required:
        if key not in out:
            raise RecipeError(Text("{file}: {where} is missing the key {key}; add {name} = … to {where}",
                                   params={"file": str(ctx.file), "where": ctx.key, "key": repr(key), "name": key}))
    return MappingProxyType(out)


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
    "photos": paths,
    "notes": string,
}

SCORE_KEYS = tuple(f"{g}{i}" for g in "CPLI" for i in range(1, 6))


def _score(value, ctx: _Ctx) -> float:
    v = number(value, ctx)
    if not (1 <= v <= 5) or (v * 2) != int(v * 2):
        raise ctx.fail(Text("= {value} is not a score", params={"value": repr(value)}), Text("scores run from 1 to 5 in half points (1, 1.5, … 5)"))
    return v


SCORECARD = {"date": iso_date, "scores": table({k: _score for k in SCORE_KEYS}), "notes": string}

# [attach.*] sections: computed by landgeo.attach (issue 4); each is a table of its own.
RASTER_REF = {"path": path, "crs": string, "source": string, "year": whole(1800, 2200)}
CLASS_TABLES = ("modis_igbp", "esa_worldcover", "esa_cci")  # built into landgeo/data/


def class_table_ref(value, ctx: _Ctx) -> str | Path:
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

def date_text(value, ctx: _Ctx) -> str:
    """A date or period label: ``"2015"``, ``2015``, ``"2017-2020"``, ``"2024-06-30"`` or a TOML date."""

    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    text = string(value, ctx) if isinstance(value, str) else None
    if text is None or not re.search(r"\d{4}", text):
        raise ctx.fail(f"= {value!r} is not a date", 'write a year or a date in quotes, e.g. date = "2020" or "2017-2020"')
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


def _check_monitor(data, ctx: _Ctx) -> Mapping[str, Any]:
    """``[monitor]`` options and its ``[[monitor.<part>]]`` lists of dated layers (one entry per date)."""
    if not isinstance(data, dict):
        raise ctx.fail("is not a table", "write [monitor] options and [[monitor.landcover]], [[monitor.sites]]… tables")
    out: dict[str, Any] = {}
    allowed = {**MONITOR_OPTIONS, **dict.fromkeys(MONITOR)}
    for key, value in data.items():
        if key not in allowed:
            raise _unknown_key(ctx, key, allowed, where="[monitor]", hint=_did_you_mean(key, allowed))
        if key in MONITOR_OPTIONS:
            out[key] = MONITOR_OPTIONS[key](value, _Ctx(ctx.file, f"[monitor] {key}"))
            continue
        where = f"[[monitor.{key}]]"
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise RecipeError(f"{ctx.file}: {where} is not a list of tables; write each dated layer as its own "
                              f"{where} table with date = \"…\" and path = \"…\"")
        keys, required = MONITOR[key]
        entries = []
        for i, item in enumerate(value):
            c = _Ctx(ctx.file, f"{where} #{i + 1}")
            entry = dict(_check_table(item, keys, c, required=required))
            if key == "sites" and ("date" in entry) == ("date_field" in entry):
                raise RecipeError(f"{ctx.file}: {c.key} needs either date = \"…\" (one dated layer) or date_field = \"…\" "
                                  "(a layer whose field holds each site's date or year), not both or neither")
            if key == "polygons" and not re.fullmatch(r"[a-z][a-z0-9_]*", entry["name"]):
                raise c.fail(f"name = {entry['name']!r} is not an indicator name",
                             'use lower-case letters, digits and _, e.g. name = "protected_areas"')
            entries.append(MappingProxyType(entry))
        seen: dict[tuple, int] = {}
        for i, e in enumerate(entries):
            k = (e.get("name"), e.get("date"), e.get("date_field"))
            if k in seen and e.get("date") is not None:
                raise RecipeError(f"{ctx.file}: {where} #{i + 1} has date = {e['date']!r}, like #{seen[k] + 1}; "
                                  "give each date once (merge the layers, or fix the date)")
            seen.setdefault(k, i)
        out[key] = tuple(entries)
    return MappingProxyType(out)


# [context]: the user's own map layers, drawn on the sheet and the web map (not attached to the profile).
CONTEXT_KINDS = ("settlements", "roads", "tracks", "protected_areas", "lines", "polygons", "points")
CONTEXT_LAYER = table({**LAYER_REF, "where": string, "kind": choice(*CONTEXT_KINDS), "name_field": string,
                       "population_field": string, "rank_field": string, "title": string, "source": string},
                      required=("path", "kind"))
CONTEXT_KEYS = {"basemap": path, "basemap_attribution": string}


def _check_context(data, ctx: _Ctx) -> Mapping[str, Any]:
    """``[context]``: ``basemap`` (a GeoTIFF or MBTiles file), ``basemap_attribution``, and ``[context.<name>]`` layers."""
    if not isinstance(data, dict):
        raise ctx.fail(Text("is not a table"), Text("write [context] with basemap = \"…\" and [context.<name>] layer tables"))
    out: dict[str, Any] = {}
    layers = {}
    for key, value in data.items():
        if key in CONTEXT_KEYS:
            out[key] = CONTEXT_KEYS[key](value, _sub(ctx, key, value))
        elif isinstance(value, dict):
            layers[key] = CONTEXT_LAYER(value, _Ctx(ctx.file, f"[context.{key}]"))
        else:
            raise _unknown_key(ctx, key, CONTEXT_KEYS, where="[context]",
                               hint=Text("a layer is a table: [context.towns] with path = …, kind = …; "))
    out["layers"] = MappingProxyType(layers)
    return MappingProxyType(out)

SCHEMA: dict[str, Checker] = {
    "landscape": table(LANDSCAPE, required=("name",)),
    "boundary": None,  # checked by method, see _check_boundary
    "scale": table(SCALE),
    "attach": None,    # checked against ATTACH, see _check_attach
    "monitor": None,   # checked against MONITOR, see _check_monitor
    "profile": table(PROFILE),
    "scorecards": None,
    "context": None,   # checked by _check_context
}


def _check_boundary(data, ctx: _Ctx) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise ctx.fail(Text("is not a table"), Text("write a [boundary] table with method = …"))
    if "method" not in data:
        raise RecipeError(Text("{file}: [boundary] has no method; add method = one of {methods}",
                               params={"file": str(ctx.file), "methods": ", ".join(sorted(BOUNDARY_METHODS))}))
    method = choice(*sorted(BOUNDARY_METHODS))(data["method"], _Ctx(ctx.file, "[boundary] method"))
    schema = {**BOUNDARY_COMMON, **BOUNDARY_METHODS[method]}
    for key in data:
        if key not in schema:
            other = [m for m, s in BOUNDARY_METHODS.items() if key in s]
            used = Text("it is used by method {method}; ", params={"method": repr(other[0])}) if other else _did_you_mean(key, schema)
            raise _unknown_key(ctx, key, schema, where=f"[boundary] for method {method!r}", hint=used)
    return _check_table(data, schema, ctx)


def _check_attach(data, ctx: _Ctx) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise ctx.fail(Text("is not a table"), Text("write [attach.<part>] tables"))
    out = {}
    for key, value in data.items():
        if key not in ATTACH:
            raise RecipeError(Text("{file}: unknown table [attach.{table}]; {hint}allowed: {tables}",
                                   params={"file": str(ctx.file), "table": key, "hint": _did_you_mean(key, ATTACH),
                                           "tables": ", ".join(sorted(ATTACH))}))
        out[key] = ATTACH[key](value, _Ctx(ctx.file, f"[attach.{key}]"))
    return MappingProxyType(out)


def _check_scorecards(data, ctx: _Ctx) -> tuple:
    if not isinstance(data, list):
        raise ctx.fail(Text("is not a list of tables"), Text("write each scorecard as a [[scorecards]] table"))
    return tuple(_check_table(item, SCORECARD, _Ctx(ctx.file, f"[[scorecards]] #{i + 1}"), required=("scores",)) for i, item in enumerate(data))


# --- the Recipe ----------------------------------------------------------------------------

def slugify(text: str) -> str:
    """``"Wassa Amenfi – Est"`` → ``"wassa-amenfi-est"`` (ASCII, lower case, hyphens)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "landscape"


@dataclass(frozen=True)
class Recipe:
    """A validated landscape recipe. Mappings are read-only; paths are absolute."""

    path: Path
    name: str
    slug: str
    countries: tuple[str, ...]
    language: str
    boundary: Mapping[str, Any]
    scale: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    attach: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    profile: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    scorecards: tuple = ()
    description: str | None = None
    monitor: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    context: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({"layers": MappingProxyType({})}))

    @property
    def base(self) -> Path:
        """The folder of the recipe file (paths in it are relative to it)."""
        return self.path.parent

    @property
    def method(self) -> str:
        return self.boundary["method"]

    @property
    def min_ha(self) -> float:
        return float(self.scale.get("min_ha", DEFAULT_MIN_HA))

    @property
    def max_ha(self) -> float:
        return float(self.scale.get("max_ha", DEFAULT_MAX_HA))


def parse_recipe(data: Mapping[str, Any], file: Path) -> Recipe:
    """Validate a recipe already parsed from TOML (``file`` is used for messages and paths)."""
    file = Path(file)
    for key in data:
        if key not in SCHEMA:
            raise RecipeError(Text("{file}: unknown table [{table}]; {hint}allowed: {tables}",
                                   params={"file": str(file), "table": key, "hint": _did_you_mean(key, SCHEMA), "tables": ", ".join(SCHEMA)}))
    if "landscape" not in data:
        raise RecipeError(Text("{file}: no [landscape] table; add [landscape] with name = \"…\"", params={"file": str(file)}))
    if "boundary" not in data:
        raise RecipeError(Text("{file}: no [boundary] table; add [boundary] with method = \"admin\", \"file\", …", params={"file": str(file)}))
    landscape = SCHEMA["landscape"](data["landscape"], _Ctx(file, "[landscape]"))
    boundary = _check_boundary(data["boundary"], _Ctx(file, "[boundary]"))
    scale = SCHEMA["scale"](data.get("scale", {}), _Ctx(file, "[scale]"))
    if scale.get("min_ha", DEFAULT_MIN_HA) >= scale.get("max_ha", DEFAULT_MAX_HA):
        raise RecipeError(Text("{file}: [scale] min_ha must be below max_ha; fix the band (default 10000 to 1000000)", params={"file": str(file)}))
    attach = _check_attach(data.get("attach", {}), _Ctx(file, "[attach]"))
    monitor = _check_monitor(data.get("monitor", {}), _Ctx(file, "[monitor]"))
    profile = SCHEMA["profile"](data.get("profile", {}), _Ctx(file, "[profile]"))
    scorecards = _check_scorecards(data.get("scorecards", []), _Ctx(file, "[[scorecards]]"))
    context = _check_context(data.get("context", {}), _Ctx(file, "[context]"))
    name = landscape["name"]
    slug = slugify(landscape.get("slug", name))
    if len(slug) > MAX_SLUG:
        key = "slug" if "slug" in landscape else "name"
        raise RecipeError(Text("{file}: [landscape] {key} gives a slug of {n} characters (at most {max}: it names the "
                               "output folder); set [landscape] slug = \"…\" to a short name",
                               params={"file": str(file), "key": key, "n": len(slug), "max": MAX_SLUG}))
    return Recipe(
        path=file.resolve(),
        name=name,
        slug=slug,
        countries=tuple(landscape.get("country", ())),
        language=landscape.get("language", "en"),
        boundary=boundary,
        scale=scale,
        attach=attach,
        profile=profile,
        scorecards=scorecards,
        description=landscape.get("description"),
        monitor=monitor,
        context=context,
    )


def _paths_in(value) -> list[Path]:
    if isinstance(value, Path):
        return [value]
    if isinstance(value, Mapping):
        return [p for v in value.values() for p in _paths_in(v)]
    if isinstance(value, (tuple, list)):
        return [p for v in value for p in _paths_in(v)]
    return []


def input_paths(recipe: Recipe, *, _depth: int = 0) -> tuple[Path, ...]:
    """Every file a run of ``recipe`` reads: the recipe itself, layers, rasters, photos, parts (recursively).

    An output may never be, or contain, one of these (see :func:`landgeo.io.atomic.refuse_inputs`).
    """
    found = [recipe.path]
    for section in (recipe.boundary, recipe.scale, recipe.attach, recipe.profile):
        found += _paths_in(section)
    if recipe.method == "combine" and _depth < 20:
        for part in recipe.boundary.get("parts", ()):
            try:
                found += input_paths(read_recipe(part), _depth=_depth + 1)
            except RecipeError:
                continue  # reported when the boundary is made
    return tuple(dict.fromkeys(found))


def read_recipe(file: str | Path) -> Recipe:
    """Read and validate a recipe file.

    Raises
    ------
    RecipeError
        The file is not TOML or breaks the schema; the message names the key and the fix.
    """
    file = Path(file)
    if file.suffix.lower() != ".toml" and file.is_file():
        raise RecipeError(Text("{file}: a recipe is a .toml file; see boundaries/*.toml for examples", params={"file": str(file)}))
    text = read_text(file)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RecipeError(Text("{file}: is not valid TOML ({error}); check quotes, brackets and = signs on that line",
                               params={"file": str(file), "error": str(exc)})) from exc
    except RecursionError:
        raise RecipeError(Text("{file}: nests arrays or tables too deeply to read; a recipe needs two or three levels",
                               params={"file": str(file)})) from None
    landscape = data.get("landscape")
    language = landscape.get("language") if isinstance(landscape, dict) else None
    with stated_in(language if language in LANGUAGES else None):  # its errors in the recipe's language
        return parse_recipe(data, file.resolve())
