"""One landscape per feature of a units layer: recipes built in code, as data.

``landgeo batch --units LAYER --field NAME --attach RECIPE`` profiles every
unit (district, basin…) of a layer as its own landscape. Each unit becomes a
recipe with ``method = "admin"`` selecting that one unit by its ``NAME``
value, plus the shared settings of the ``--attach`` recipe: its ``[attach.*]``
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..delineate.admin import normalize_name
from ..errors import FieldError, RecipeError
from ..io.text import read_text
from ..io.vector import read_vector
from ..recipe.parse import BOUNDARY_COMMON, MAX_SLUG, Recipe, parse_recipe, slugify

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
        raise RecipeError(f"{file}: is not valid TOML ({exc}); check quotes, brackets and = signs on that line") from exc
    except RecursionError:
        raise RecipeError(f"{file}: nests arrays or tables too deeply to read; a recipe needs two or three levels") from None
    shared: dict[str, Any] = {}
    for key, value in data.items():
        if key in IGNORED_TABLES:
            log.warning("%s: [%s] is left out: it belongs to one landscape, not to every unit", file, key)
        elif key == "landscape":
            shared[key] = {k: v for k, v in value.items() if k in SHARED_LANDSCAPE_KEYS} if isinstance(value, dict) else value
        elif key == "boundary":
            if not isinstance(value, dict):
                raise RecipeError(f"{file}: [boundary] is not a table; give only buffer_m, simplify_m or fill_holes_below_ha in it")
            kept = {k: v for k, v in value.items() if k in SHARED_BOUNDARY_KEYS}
            if len(kept) < len(value):
                log.warning("%s: [boundary] %s left out: each unit of the layer is its own boundary",
                            file, ", ".join(sorted(set(value) - set(kept))))
            shared[key] = kept
        elif key == "monitor" and isinstance(value, dict):  # dated layers are shared; dated boundaries are not
            if "boundary" in value:
                log.warning("%s: [[monitor.boundary]] is left out: each unit of the layer is its own boundary", file)
            shared[key] = {k: v for k, v in value.items() if k != "boundary"}
        elif key == "scale" and isinstance(value, dict):
            shared[key] = {k: v for k, v in value.items() if k not in PER_LANDSCAPE_SCALE_KEYS}
        else:
            shared[key] = value  # [attach] and anything unknown: parse_recipe checks it
    return shared, file


def unit_recipe_data(value, *, name: str, slug: str, units: Path, layer: str | None, field: str,
                     shared: dict[str, Any], where: str | None = None) -> dict[str, Any]:
    """Recipe data selecting one unit (``field == value``) of ``units``, with the shared settings."""
    landscape = {"name": name, "slug": slug, **shared.get("landscape", {})}
    boundary = {"method": "admin", "path": str(units), "field": field, "values": [value], **shared.get("boundary", {})}
    if layer:
        boundary["layer"] = layer
    if where:  # the same filter selects the unit: a name repeated in filtered-out units is not taken in
        boundary["where"] = where
    data = {"landscape": landscape, "boundary": boundary}
    data.update({k: v for k, v in shared.items() if k not in ("landscape", "boundary")})
    return data


def units_recipes(units: str | Path, *, field: str, layer: str | None = None,
                  attach: str | Path | None = None, where: str | None = None) -> list[UnitRecipe]:
    """One recipe per distinct value of ``field`` in the units layer, in the layer's order.

    Units that share a value form one landscape (the admin method selects all
    of them); units with no value are skipped. Both are logged. The first
    recipe is validated here so a wrong attach recipe fails before any work.

    Raises
    ------
    FieldError
        ``field`` is not a field of the layer.
    RecipeError
        The attach recipe breaks the recipe schema.
    """
    units = Path(units).resolve()
    shared, attach_file = read_shared_settings(attach)
    gdf = read_vector(units, layer=layer, where=where, expect="polygon")
    if where and not len(gdf):
        raise FieldError(f"{units}: --where {where!r} selects no unit; check the filter")
    if field not in gdf.columns:
        cols = [str(c) for c in gdf.columns if c != gdf.geometry.name]
        close = difflib.get_close_matches(field, cols, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise FieldError(f"{units}: no field {field!r} (--field); {hint}the fields are: {', '.join(cols)}")
    out: list[UnitRecipe] = []
    seen_names: dict[str, int] = {}
    seen_slugs: set[str] = set()
    missing = 0
    for raw in gdf[field]:
        value = _plain(raw)
        if value is None or (isinstance(value, float) and math.isnan(value)) or not str(value).strip():
            missing += 1
            continue
        key = normalize_name(value)
        if key in seen_names:
            seen_names[key] += 1
            continue
        seen_names[key] = 1
        name = str(value).strip()
        slug = base = slugify(name)[:MAX_SLUG - 4].rstrip("-") or "unit"  # room for a -N suffix
        i = 2
        while slug in seen_slugs:
            slug, i = f"{base}-{i}", i + 1
        seen_slugs.add(slug)
        data = unit_recipe_data(value, name=name, slug=slug, units=units, layer=layer, field=field, shared=shared,
                                where=where)
        out.append(UnitRecipe(name, slug, f"{units.name}#{field}={name}", attach_file or units, data))
    if missing:
        log.warning("%s: %d units have no %s value and are skipped", units, missing, field)
    shared_names = sorted(k for k, n in seen_names.items() if n > 1)
    if shared_names:
        log.warning("%s: %d names are shared by several units, each profiled as one landscape of all its units: %s",
                    units, len(shared_names), ", ".join(shared_names[:10]))
    if not out:
        raise FieldError(f"{units}: field {field!r} holds no values; choose the field that names the units")
    out[0].recipe()  # a wrong attach recipe fails here, once, with the file and key
    return out
