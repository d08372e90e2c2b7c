"""One landscape per feature of a units layer: recipes built in code, as data.

``landgeo batch --units LAYER --field NAME --attach RECIPE`` profiles every
unit (district, basin…) of a layer as its own landscape (``--field`` more
than once, or ``--key A,B``: a key of several fields; ``--where``: a filter).
Units that share a key and touch form one landscape; a name shared across
parents, or by units that do not touch, gives distinct landscapes whose title
says the parent. Each landscape becomes a recipe with ``method = "admin"``
selecting its units by the ``NAME`` value (and by points inside them when the
name is shared), its countries from the units, plus the shared settings of the ``--attach`` recipe: its ``[attach.*]``
tables, ``[scale]`` band, ``[landscape]`` country and language, and the
boundary shape options (``buffer_m``, ``simplify_m``, ``fill_holes_below_ha``).
Recipes are plain dicts validated by :func:`landgeo.recipe.parse_recipe`; paths
in the attach recipe stay relative to its file.
"""

from __future__ import annotations

import difflib
import logging
import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely

from ..delineate.admin import normalize_name
from ..errors import FieldError, LandgeoError, RecipeError
from ..i18n import Text
from ..io.text import read_text
from ..io.vector import read_vector
from ..recipe.parse import Recipe, parse_recipe, slugify
from ..recipe.schema import BOUNDARY_COMMON
from ..render.context import COUNTRIES, COUNTRIES_10M

log = logging.getLogger(__name__)

SHARED_LANDSCAPE_KEYS = ("country", "language")
SHARED_BOUNDARY_KEYS = tuple(k for k in BOUNDARY_COMMON if k not in ("method", "definition"))
PER_LANDSCAPE_SCALE_KEYS = ("previous", "previous_layer")  # a previous boundary belongs to one landscape
IGNORED_TABLES = ("profile", "scorecards")  # template answers and scores belong to one landscape


@dataclass(frozen=True)
class UnitRecipe:
    """One unit's recipe as plain data (small enough to send to a worker)."""

    name: str
    slug: str
    source: str  # e.g. "districts.gpkg#district=Bélavo", for messages and the summary
    file: Path   # the file that relative paths in ``data`` are resolved against
    data: dict[str, Any]

    def recipe(self) -> Recipe:
        """Validate the data into a :class:`Recipe`."""
        return parse_recipe(self.data, self.file)


def _plain(value):
    """A unit value as a plain Python scalar (numpy → int/float)."""
    return value.item() if hasattr(value, "item") else value


def read_shared_settings(attach: str | Path | None) -> tuple[dict[str, Any], Path | None]:
    """The shared settings of an ``--attach`` recipe, as recipe data (no boundary method).

    The attach recipe may be a full recipe: its own boundary method and layer,
    name, ``[profile]`` and ``[[scorecards]]`` are left out (logged), since each
    unit is its own landscape.
    """
    if attach is None:
        return {}, None
    file = Path(attach).resolve()
    try:
        data = tomllib.loads(read_text(file))
    except tomllib.TOMLDecodeError as exc:
        raise RecipeError(Text("{file}: is not valid TOML ({exc}); check quotes, brackets and = signs on that line", params={"file": str(file), "exc": str(exc)})) from exc
    except RecursionError:
        raise RecipeError(Text("{file}: nests arrays or tables too deeply to read; a recipe needs two or three levels", params={"file": str(file)})) from None
    shared: dict[str, Any] = {}
    for key, value in data.items():
        if key in IGNORED_TABLES:
            log.warning(Text("{file}: [{table}] is left out: it belongs to one landscape, not to every unit",
                             params={"file": str(file), "table": key}))
        elif key == "landscape":
            shared[key] = {k: v for k, v in value.items() if k in SHARED_LANDSCAPE_KEYS} if isinstance(value, dict) else value
        elif key == "boundary":
            if not isinstance(value, dict):
                raise RecipeError(Text("{file}: [boundary] is not a table; give only buffer_m, simplify_m or fill_holes_below_ha in it", params={"file": str(file)}))
            kept = {k: v for k, v in value.items() if k in SHARED_BOUNDARY_KEYS}
            if len(kept) < len(value):
                log.warning(Text("{file}: left out of [boundary]: {keys}; each unit of the layer is its own boundary",
                                 params={"file": str(file), "keys": ", ".join(sorted(set(value) - set(kept)))}))
            shared[key] = kept
        elif key == "monitor" and isinstance(value, dict):  # dated layers are shared; dated boundaries are not
            if "boundary" in value:
                log.warning(Text("{file}: [[monitor.boundary]] is left out: each unit of the layer is its own boundary",
                                 params={"file": str(file)}))
            shared[key] = {k: v for k, v in value.items() if k != "boundary"}
        elif key == "scale" and isinstance(value, dict):
            shared[key] = {k: v for k, v in value.items() if k not in PER_LANDSCAPE_SCALE_KEYS}
        else:
            shared[key] = value  # [attach] and anything unknown: parse_recipe checks it
    return shared, file


def _blank(value) -> bool:
    """A value that names nothing: None, NaN, an empty or blank string."""
    value = _plain(value)
    return value is None or (isinstance(value, float) and math.isnan(value)) or not str(value).strip()


def _components(geoms) -> list[list[int]]:
    """Groups of positions of ``geoms`` that touch or overlap each other (connected components), in order."""
    n = len(geoms)
    parent = list(range(n))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if n > 1:
        left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
        for a, b in zip(left.tolist(), right.tolist()):
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return [groups[k] for k in sorted(groups)]


COUNTRY_FIELDS = ("adm0_a3", "iso_a3", "iso3", "country_iso3", "gid_0", "shapegroup", "adm0_iso", "country_code")


def _country_field(gdf, given: str | None) -> str | None:
    """The units' own country field: ``given``, or a common ISO3 field name found case-insensitively."""
    if given:
        return given
    by_lower = {str(c).lower(): c for c in gdf.columns if c != gdf.geometry.name}
    return next((by_lower[c] for c in COUNTRY_FIELDS if c in by_lower), None)


def _countries_by_location(geoms84) -> list[list[str]]:
    """ISO3 codes of the bundled country outlines each geometry (EPSG:4326) overlaps, one list per geometry
    (the 1:10m outlines of the programme countries first, the 1:110m world outlines elsewhere)."""
    layers = []
    for path, layer in ((COUNTRIES_10M, "countries"), (COUNTRIES, None)):
        try:
            world = read_vector(path, layer=layer, expect="polygon")
        except LandgeoError:
            continue
        if "iso_a3" in world.columns:
            layers.append((shapely.STRtree(world.geometry.values), world["iso_a3"].astype(str).to_numpy()))
    out = []
    for g in geoms84:
        found: set[str] = set()
        for tree, codes in layers:
            found = {codes[h] for h in tree.query(g, predicate="intersects") if codes[h] not in ("-99", "nan", "")}
            if found:
                break
        out.append(sorted(found))
    return out


def unit_recipe_data(value, *, name: str, slug: str, units: Path, layer: str | None, field: str,
                     shared: dict[str, Any], where: str | None = None, points=None,
                     countries: Sequence[str] | None = None, parent_field: str | None = None) -> dict[str, Any]:
    """Recipe data selecting units of ``units`` by ``field == value`` (and, when given, the ``points`` that fall
    in them: units that share the name elsewhere stay out), with the shared settings.

    ``countries``: the landscape's countries, from the units themselves (they replace the attach recipe's).
    ``parent_field``: the field naming each unit's parent (the key's second field), said in the definition
    ("Unit Itata of Región de Ñuble").
    """
    landscape = {"name": name, "slug": slug, **shared.get("landscape", {})}
    if countries:
        landscape["country"] = list(countries)
    boundary = {"method": "admin", "path": str(units), "field": field, "values": [value], **shared.get("boundary", {})}
    if layer:
        boundary["layer"] = layer
    if parent_field:
        boundary["parent_field"] = parent_field
    if where:
        boundary["where"] = where
    if points:
        boundary["points"] = [[float(x), float(y)] for x, y in points]
    data = {"landscape": landscape, "boundary": boundary}
    data.update({k: v for k, v in shared.items() if k not in ("landscape", "boundary")})
    return data


def _check_fields(gdf, fields: list[str], country_field: str | None, units: Path) -> None:
    """Every key field (and the country field) is a field of the layer, else a FieldError with a "did you mean"."""
    cols = [str(c) for c in gdf.columns if c != gdf.geometry.name]
    for f in fields + ([country_field] if country_field else []):
        if f not in gdf.columns:
            close = difflib.get_close_matches(f, cols, n=1, cutoff=0.5)
            hint = Text("did you mean {close}? ", params={"close": repr(close[0])}) if close else ""
            opt = "--country-field" if f == country_field else "--field"
            raise FieldError(Text("{units}: no field {f} ({opt}); {hint}the fields are: {names}", params={"units": str(units), "f": repr(f), "opt": str(opt), "hint": hint, "names": str(', '.join(cols))}))


def _group_landscapes(gdf, fields: list[str]) -> list[tuple[tuple, list[int]]]:
    """Rows grouped by key (in layer order), each group split into units that touch: ``(key, rows)`` per landscape."""
    keys = [tuple(normalize_name(_plain(gdf[f].iloc[i])) if not _blank(gdf[f].iloc[i]) else "" for f in fields)
            for i in range(len(gdf))]
    groups: dict[tuple, list[int]] = {}
    for i, k in enumerate(keys):
        groups.setdefault(k, []).append(i)
    geoms = gdf.geometry.values
    landscapes: list[tuple[tuple, list[int]]] = []
    for key, rows in groups.items():
        for comp in _components(geoms[rows]):
            landscapes.append((key, [rows[c] for c in comp]))
    return landscapes


def _titles(gdf, landscapes, name_field: str, parent_fields: list[str], countries) -> tuple[dict[str, list[int]], list[str]]:
    """Each landscape's title (a name shared by several landscapes says its parent) and the landscapes of each name."""
    by_name: dict[str, list[int]] = {}
    for j, (key, _) in enumerate(landscapes):
        by_name.setdefault(key[0], []).append(j)
    titles = []
    for j, (key, rows) in enumerate(landscapes):
        name = str(_plain(gdf[name_field].iloc[rows[0]])).strip()
        if len(by_name[key[0]]) > 1:
            parent = ", ".join(str(_plain(gdf[f].iloc[rows[0]])).strip() for f in parent_fields
                               if not _blank(gdf[f].iloc[rows[0]]))
            parent = parent or ", ".join(countries[j])
            name = f"{name} ({parent})" if parent else name
        titles.append(name)
    return by_name, titles


def units_recipes(units: str | Path, *, field: str | Sequence[str], layer: str | None = None,
                  attach: str | Path | None = None, where: str | None = None,
                  country_field: str | None = None) -> list[UnitRecipe]:
    """One recipe per landscape of a units layer: the units that share a key and touch, in the layer's order.

    Parameters
    ----------
    field
        The field that names each unit, or several (``["name", "country"]``):
        the key. Units with the same key that touch form one landscape; units
        that share a name but differ in another key field, or do not touch,
        are distinct landscapes — never merged silently — and their title and
        slug say the parent (the other key fields, else the country), or a
        number when nothing else tells them apart.
    where
        A filter on the layer (the SQL-like ``where`` of recipes).
    country_field
        The units' country field (default: a common ISO3 field such as
        ``adm0_a3``, else the countries the units lie in, from the bundled
        outlines). The landscape's countries come from there, not from the
        attach recipe.

    Units with no name are skipped, and logged. The first recipe is validated
    here so a wrong attach recipe fails before any work.

    Raises
    ------
    FieldError
        A key field is not a field of the layer.
    RecipeError
        The attach recipe breaks the recipe schema.
    """
    # long: its numpydoc is 29 lines; the body reads, groups, titles and writes one recipe per landscape (the steps are helpers)
    units = Path(units).resolve()
    fields = [field] if isinstance(field, str) else [f for f in field if f]
    if not fields:
        raise FieldError(Text("{units}: --field is empty; name the field that names each unit", params={"units": str(units)}))
    shared, attach_file = read_shared_settings(attach)
    gdf = read_vector(units, layer=layer, where=where, expect="polygon")
    _check_fields(gdf, fields, country_field, units)
    name_field, parent_fields = fields[0], fields[1:]
    named = ~gdf[name_field].map(_blank).to_numpy(dtype=bool)
    missing = int((~named).sum())
    gdf = gdf.loc[named].reset_index(drop=True)
    if len(gdf) == 0:
        raise FieldError(Text("{units}: field {name_field} holds no values; choose the field that names the units", params={"units": str(units), "name_field": repr(name_field)}))
    geoms = gdf.geometry.values
    landscapes = _group_landscapes(gdf, fields)
    # countries of each landscape: the units' own field, else where they lie
    cfield = _country_field(gdf, country_field)
    g84 = gdf.geometry.to_crs(4326).values if gdf.crs is not None and not gdf.crs.equals("EPSG:4326") else geoms
    if cfield:
        countries = [sorted({str(_plain(gdf[cfield].iloc[r])).strip() for r in rows if not _blank(gdf[cfield].iloc[r])})
                     for _, rows in landscapes]
    else:
        countries = _countries_by_location([shapely.union_all(g84[rows]) for _, rows in landscapes])
    by_name, titles = _titles(gdf, landscapes, name_field, parent_fields, countries)
    seen_titles: dict[str, int] = {}
    for t in titles:
        seen_titles[t] = seen_titles.get(t, 0) + 1
    numbered: dict[str, int] = {}
    out: list[UnitRecipe] = []
    seen_slugs: set[str] = set()
    split = 0
    for j, (key, rows) in enumerate(landscapes):
        title = titles[j]
        if seen_titles[title] > 1:  # nothing tells them apart but where they are: number them
            numbered[title] = numbered.get(title, 0) + 1
            title = f"{title} {numbered[title]}"
        slug = base = slugify(title)
        i = 2
        while slug in seen_slugs:
            slug, i = f"{base}-{i}", i + 1
        seen_slugs.add(slug)
        value = _plain(gdf[name_field].iloc[rows[0]])
        shared_name = len(by_name[key[0]]) > 1
        points = None
        if shared_name:  # select these units only: the points that fall in them
            split += 1
            reps = shapely.point_on_surface(g84[rows])
            points = [(p.x, p.y) for p in reps]
        data = unit_recipe_data(value, name=title, slug=slug, units=units, layer=layer, field=name_field, shared=shared,
                                where=where, points=points, countries=countries[j] or None,
                                parent_field=parent_fields[0] if parent_fields else None)
        label = "&".join(f"{f}={_plain(gdf[f].iloc[rows[0]])}" for f in fields)
        out.append(UnitRecipe(title, slug, f"{units.name}#{label}", attach_file or units, data))
    if missing:
        log.warning(Text("{layer}: {n} unit has no {field} value and is skipped",
                         "{layer}: {n} units have no {field} value and are skipped",
                         params={"layer": str(units), "n": missing, "field": name_field}))
    merged = [titles[j] for j, (_, rows) in enumerate(landscapes) if len(rows) > 1]
    if merged:
        log.warning(Text("{layer}: {n} name is shared by several units that touch, profiled as one landscape of all its units: {names}",
                         "{layer}: {n} names are shared by several units that touch, each profiled as one landscape of all "
                         "its units: {names}", params={"layer": str(units), "n": len(merged), "names": ", ".join(merged[:10])}))
    if split:
        log.warning(Text("{layer}: {n} landscape shares its name with others (other parents, or units that do not touch); "
                         "it is a landscape of its own, its title says the parent",
                         "{layer}: {n} landscapes share their name with others (other parents, or units that do not touch); "
                         "each is its own landscape, its title says the parent", params={"layer": str(units), "n": split}))
    out[0].recipe()  # a wrong attach recipe fails here, once, with the file and key
    return out
