"""One landscape of a batch: its task, its summary row, and what a worker does with it (:func:`run_task`).

A task carries only small data (a recipe path, or a unit's recipe as a plain dict) and the output
folder. A worker reads layers and rasters from their paths; administrative units layers are read once
per worker process (:func:`read_vector_once`), not once per landscape. The engines and the whole
batch are in :mod:`landgeo.app.batch`.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..delineate import delineate
from ..delineate.admin import boundary_from_units, normalize_name
from ..delineate.combine import postprocess
from ..errors import LandgeoError, UsageError
from ..i18n import Text
from ..io.vector import read_vector, report_of
from ..io.vector_info import reuse_layer_info
from ..recipe.parse import Recipe, input_paths, parse_recipe, read_recipe
from .pipeline import build_profile, internal_failure, log_failure, set_aside_failed, write_profile_dir
from .units_recipes import units_recipes

log = logging.getLogger(__name__)

SUMMARY_FIELDS = ("slug", "status", "area_ha", "verdict", "population", "sites", "main_ecosystem", "error", "source")


@dataclass(frozen=True)
class Task:
    """One landscape to profile: small, plain data that travels to a worker.

    ``data`` is the recipe as a dict (units form) resolved against ``file``;
    when ``data`` is None the recipe is read from ``file``.
    """
    slug: str
    source: str
    file: str
    data: dict | None = None

    def recipe(self) -> Recipe:
        return read_recipe(self.file) if self.data is None else parse_recipe(self.data, Path(self.file))


@dataclass(frozen=True)
class Row:
    """One line of summary.csv."""

    slug: str
    status: str  # ok | failed | skipped (--resume: already complete)
    area_ha: float | None = None
    verdict: str | None = None
    population: float | None = None
    sites: int | None = None
    main_ecosystem: str | None = None
    error: str | None = None
    source: str | None = None
    rasters: tuple[tuple[str, str], ...] = ()  # rasters drawn on the sheet (name, path); not in the CSV
    internal: bool = False  # failed inside landgeo (exit 1), not on the user's input (exit 2); not in the CSV


@dataclass
class BatchResult:
    """The rows in task order, the summary file and the atlas (when rendered)."""

    rows: list[Row]
    summary: Path
    atlas: Path | None = None

    @property
    def failed(self) -> list[Row]:
        return [r for r in self.rows if r.status == "failed"]

    @property
    def exit_status(self) -> int:
        """DESIGN.md's: 0 done, 2 a landscape failed on the user's input, 1 one failed inside landgeo."""
        return (1 if any(r.internal for r in self.failed) else 2) if self.failed else 0


# --- tasks -------------------------------------------------------------------------------

def plan_batch(recipes: Sequence[str | Path] = (), *, units: str | Path | None = None,
               field: str | Sequence[str] | None = None, layer: str | None = None, attach: str | Path | None = None,
               where: str | None = None, country_field: str | None = None) -> tuple[list[Task], list[Row]]:
    """The tasks of a batch (recipe files, then the units of a layer) and the recipes that failed to read.

    ``field`` is one field or several (a key, e.g. ``["name", "adm0_a3"]``); ``where`` filters the units.

    Raises
    ------
    UsageError
        Neither recipes nor ``units`` given, or ``units`` without ``field``.
    """
    if isinstance(field, (list, tuple)):
        field = [f for f in field if f] or None
    if units is None and (field or layer or attach or where or country_field):
        raise UsageError(Text("--field, --key, --layer, --where, --country-field and --attach go with --units LAYER; "
                              "add --units or leave them out"))
    if units is not None and not field:
        raise UsageError(Text("--units {units}: add --field NAME, the field that names each unit", params={"units": str(units)}))
    if not recipes and units is None:
        raise UsageError(Text("give recipe files (landgeo batch a.toml b.toml -o DIR) or --units LAYER --field NAME"))
    tasks, failed = recipe_tasks(recipes)
    if units is not None:
        tasks += units_tasks(units, field=field, layer=layer, attach=attach, where=where, country_field=country_field)
    return tasks, failed


def recipe_tasks(recipes: Iterable[str | Path]) -> tuple[list[Task], list[Row]]:
    """Tasks for recipe files; a recipe that cannot be read is a failed row, not an exception."""
    tasks, failed = [], []
    for path in recipes:
        path = Path(path)
        try:
            recipe = read_recipe(path)
        except LandgeoError as exc:
            log_failure(log, path, exc)
            failed.append(Row(slug=path.stem, status="failed", error=exc.as_sentence(), source=str(path)))
            continue
        tasks.append(Task(recipe.slug, str(path), str(recipe.path)))
    return tasks, failed


def units_tasks(units: str | Path, *, field: str | Sequence[str], layer: str | None = None, attach: str | Path | None = None,
                where: str | None = None, country_field: str | None = None) -> list[Task]:
    """One task per landscape of a units layer (see :mod:`landgeo.app.units_recipes`)."""

    found = units_recipes(units, field=field, layer=layer, attach=attach, where=where, country_field=country_field)
    return [Task(u.slug, u.source, str(u.file), u.data) for u in found]


# --- the worker side ------------------------------------------------------------------------

@functools.lru_cache(maxsize=8)
def _read_cached(path: str, stamp: tuple[int, int], layer, crs, where, expect):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gdf = read_vector(path, layer=layer, crs=crs, where=where, expect=expect)
    return gdf, tuple((w.category, w.message) for w in caught)  # the Warning objects: DataWarning keeps its French text


def _read_key(path: str | Path, *, layer=None, crs=None, where=None, expect="polygon") -> tuple:
    st = Path(path).stat()
    return str(Path(path).resolve()), (st.st_mtime_ns, st.st_size), layer, crs, where, expect


def _cached_frame(key: tuple):
    """The cached frame (shared: never modify it) with the reader's warnings issued again."""
    gdf, caught = _read_cached(*key)
    for category, message in caught:
        if isinstance(message, Warning):
            warnings.warn(message, stacklevel=3)
        else:
            warnings.warn(message, category, stacklevel=3)
    return gdf


def read_vector_once(path: str | Path, *, layer=None, crs=None, where=None, expect="polygon"):
    """:func:`landgeo.layers.read_vector`, read once per process while the file is unchanged.

    The key holds the path, its modification time and size, and the read
    options; each call gets its own copy and the reader's warnings again, so a
    cached read gives the same profile as a fresh one.
    """
    return _cached_frame(_read_key(path, layer=layer, crs=crs, where=where, expect=expect)).copy()


@functools.lru_cache(maxsize=8)
def _name_index(key: tuple, field: str) -> dict[str, tuple[int, ...]]:
    """Row positions of each unit name (as the admin method matches names) in a cached frame."""

    index: dict[str, list[int]] = {}
    for i, value in enumerate(_read_cached(*key)[0][field]):
        index.setdefault(normalize_name(value), []).append(i)
    return {k: tuple(v) for k, v in index.items()}


def _admin_units(b):
    """The units an admin recipe selects from: its layer read once per process.

    When every name in ``values`` is in the layer, only the rows they name
    (in layer order), found through a per-process index: the admin method then
    selects the same rows in the same order, without a scan of the whole layer
    per landscape. Otherwise the whole layer, so errors list the closest names.
    """
    key = _read_key(b["path"], layer=b.get("layer"), crs=b.get("crs"), where=b.get("where"))
    gdf = _cached_frame(key)
    field, values = b.get("field"), b.get("values")
    if field and values and field in gdf.columns:
        hits = [_name_index(key, field).get(normalize_name(v)) for v in values]
        if all(hits):
            return gdf.iloc[sorted({i for h in hits for i in h})]
    return gdf.copy()


def delineate_reusing_layers(recipe: Recipe):
    """The recipe's boundary, with units layers of admin recipes read once per process.

    Same steps as :func:`landgeo.delineate.admin.boundary_from_recipe` then the
    common post-processing; other methods go to :func:`landgeo.delineate.delineate`.
    """
    b = recipe.boundary
    if b["method"] not in ("admin", "jurisdiction") or "path" not in b:
        return delineate(recipe)
    units = _admin_units(b)
    boundary = boundary_from_units(
        units, label=report_of(units).label, field=b.get("field"), values=b.get("values"), points=b.get("points"),
        where=b.get("where"), level=b.get("level"), parent_field=b.get("parent_field"), method=b["method"],
        lang=recipe.language, definition=b.get("definition"),
    )
    return postprocess(boundary, b, lang=recipe.language, file=recipe.path)


def _main_ecosystem(ecosystems) -> str | None:
    """The class with the largest area in profile["ecosystems"] (a list, or a dict holding one)."""
    if isinstance(ecosystems, dict):
        ecosystems = next((v for v in ecosystems.values() if isinstance(v, list)), None)
    items = [e for e in ecosystems or () if isinstance(e, dict) and e.get("area_ha") is not None]
    if not items:
        return None
    best = max(items, key=lambda e: e["area_ha"])
    return str(best.get("class") or best.get("name") or "") or None


def row_from_profile(profile: dict, *, status: str, source: str) -> Row:
    """A summary row from a profile.json's content; sections not computed are empty."""
    return Row(
        slug=profile["slug"],
        status=status,
        area_ha=profile.get("area_ha"),
        verdict=(profile.get("scale") or {}).get("verdict"),
        population=(profile.get("population") or {}).get("total"),
        sites=(profile.get("sites") or {}).get("count"),
        main_ecosystem=_main_ecosystem(profile.get("ecosystems")) or _main_ecosystem(profile.get("land_cover")),
        source=source,
    )


def run_task(task: Task, out_root: str, *, lang: str | None = None, offline: bool = True, maps: bool = True,
             overwrite: bool = False, min_ha: float | None = None, max_ha: float | None = None) -> Row:
    """Profile one landscape into ``out_root/<slug>/`` and return its summary row; never raises.

    With ``overwrite``, a landscape that fails has its earlier folder moved to ``<slug>.previous``
    (:func:`landgeo.app.pipeline.set_aside_failed`): not left looking like this run's result.
    """

    try:
        with reuse_layer_info():  # the same layers for every landscape: their metadata asked of GDAL once per process
            result = build_profile(task.recipe(), lang=lang, min_ha=min_ha, max_ha=max_ha, delineator=delineate_reusing_layers)
        write_profile_dir(result, out_root, overwrite=overwrite, offline=offline, maps=maps)
        row = row_from_profile(result.profile, status="ok", source=task.source)
        return dataclasses.replace(row, rasters=tuple((k, str(v)) for k, v in result.rasters.items()))
    except LandgeoError as exc:
        log_failure(log, task.source, exc)
        row = Row(task.slug, "failed", error=exc.as_sentence(), source=task.source)
    except Exception as exc:  # an internal error on one landscape must not stop the batch
        row = Row(task.slug, "failed", error=internal_failure(log, task.source, exc), source=task.source, internal=True)
    return set_aside_row(row, task, out_root) if overwrite else row


def set_aside_row(row: Row, task: Task, out_root: str | Path) -> Row:
    """A failed row of a run replacing an earlier one: its earlier folder set aside, the row saying where."""
    try:
        inputs = input_paths(task.recipe())
    except LandgeoError:  # a recipe that cannot be read names no inputs (the batch's up-front check had its paths)
        inputs = (task.file,)
    return dataclasses.replace(row, error=set_aside_failed(Path(out_root) / row.slug, row.error, inputs=inputs))


