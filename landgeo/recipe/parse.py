"""Landscape recipes: one TOML file per landscape, read into a frozen :class:`Recipe`.

A recipe has the tables ``[landscape]``, ``[boundary]``, ``[scale]``,
``[attach.*]``, ``[monitor]`` with ``[[monitor.*]]`` (dated layers, see
:data:`MONITOR`), ``[profile]`` and ``[[scorecards]]``. Allowed keys and their
types are declared in :data:`SCHEMA` (and :data:`BOUNDARY_METHODS` for the keys
of each boundary method). Paths are relative to the recipe file. Every error
names the file, the key and the fix; an unknown key gets a "did you mean".
"""


from __future__ import annotations

import os
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..errors import RecipeError, stated_in
from ..i18n import LANGUAGES, Text
from ..io.reads import note_read
from ..io.text import read_text
from .checkers import Ctx, did_you_mean
from .schema import SCHEMA, check_attach, check_boundary, check_context, check_monitor, check_scorecards

DEFAULT_MIN_HA = 10_000.0
DEFAULT_MAX_HA = 1_000_000.0
#: Longest slug (a folder name; file systems allow 255 bytes, temporaries need room).
MAX_SLUG = 100

# --- the Recipe ----------------------------------------------------------------------------

def slugify(text: str) -> str:
    """``"Wassa Amenfi – Est"`` → ``"wassa-amenfi-est"`` (ASCII, lower case, hyphens)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "landscape"


#: A slug as :func:`slugify` makes it: lower-case ASCII letters and digits, single hyphens between.
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _slug(landscape: Mapping[str, Any], file: Path) -> tuple[str, tuple]:
    """The recipe's slug and the notes about it.

    An explicit ``slug`` is used as written or refused (it names a folder: it is never rewritten
    silently); one derived from the name that gives nothing usable (a name in a script with no
    ASCII transliteration here, e.g. Chinese or Cyrillic) is ``landscape``, and a note says so.
    """
    if "slug" in landscape:
        slug = landscape["slug"]
        if not SLUG_RE.fullmatch(slug):
            raise RecipeError(Text('{file}: [landscape] slug = {value} is not a slug (it names the output folder: lower-case '
                                   'letters a-z, digits and single hyphens, not starting or ending with one); write '
                                   'slug = "{suggestion}"',
                                   params={"file": str(file), "value": repr(slug), "suggestion": slugify(slug)}))
        return slug, ()
    slug = slugify(landscape["name"])
    if re.search(r"[a-z0-9]", unicodedata.normalize("NFKD", landscape["name"]).lower()):
        return slug, ()
    return slug, (Text('the name {name} has no letters a-z or digits to make a folder name from, so the slug (output folder) '
                       'is "landscape"; set [landscape] slug = "…" to name it', params={"name": repr(landscape["name"])}),)


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
    #: Notes from reading the recipe (:class:`landgeo.i18n.Text`), recorded in the profile's notes.
    notes: tuple = ()

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
                                   params={"file": str(file), "table": key, "hint": did_you_mean(key, SCHEMA), "tables": ", ".join(SCHEMA)}))
    if "landscape" not in data:
        raise RecipeError(Text("{file}: no [landscape] table; add [landscape] with name = \"…\"", params={"file": str(file)}))
    if "boundary" not in data:
        raise RecipeError(Text("{file}: no [boundary] table; add [boundary] with method = \"admin\", \"file\", …", params={"file": str(file)}))
    landscape = SCHEMA["landscape"](data["landscape"], Ctx(file, "[landscape]"))
    boundary = check_boundary(data["boundary"], Ctx(file, "[boundary]"))
    scale = SCHEMA["scale"](data.get("scale", {}), Ctx(file, "[scale]"))
    if scale.get("min_ha", DEFAULT_MIN_HA) >= scale.get("max_ha", DEFAULT_MAX_HA):
        raise RecipeError(Text("{file}: [scale] min_ha must be below max_ha; fix the band (default 10000 to 1000000)", params={"file": str(file)}))
    attach = check_attach(data.get("attach", {}), Ctx(file, "[attach]"))
    monitor = check_monitor(data.get("monitor", {}), Ctx(file, "[monitor]"))
    profile = SCHEMA["profile"](data.get("profile", {}), Ctx(file, "[profile]"))
    scorecards = check_scorecards(data.get("scorecards", []), Ctx(file, "[[scorecards]]"))
    context = check_context(data.get("context", {}), Ctx(file, "[context]"))
    name = landscape["name"]
    slug, notes = _slug(landscape, file)
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
        notes=notes,
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
    """Every file a run of ``recipe`` reads: the recipe, layers, rasters, photos, dated and map layers, parts (recursively).

    An output may never be, or contain, one of these (see :func:`landgeo.io.atomic.refuse_inputs`).
    """
    found = [recipe.path]
    for section in (recipe.boundary, recipe.scale, recipe.attach, recipe.profile, recipe.monitor, recipe.context):
        found += _paths_in(section)
    if recipe.method == "combine" and _depth < 20:
        for part in recipe.boundary.get("parts", ()):
            try:
                found += input_paths(read_recipe(part, _note=False), _depth=_depth + 1)
            except RecipeError:
                continue  # reported when the boundary is made
    return tuple(dict.fromkeys(found))


def read_recipe(file: str | Path, *, _note: bool = True) -> Recipe:
    """Read and validate a recipe file.

    Raises
    ------
    RecipeError
        The file is not TOML or breaks the schema; the message names the key and the fix.
    """
    file = Path(file)
    if file.is_dir():
        raise RecipeError(Text("{file}: is a folder, not a recipe; name the recipe's .toml file itself (e.g. {example})",
                               params={"file": str(file), "example": "boundaries/demo-drawn.toml"}))
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
        recipe = parse_recipe(data, Path(os.path.realpath(file)))
    if _note:  # no output of this run may replace a file the recipe names (parts' files too, to a depth of 20)
        note_read(input_paths(recipe))
    return recipe
