"""The whole job for one landscape: recipe → boundary → checks → attach → profile → outputs.

``build_profile`` computes (no files written); ``write_profile_dir`` writes
``DIR/<slug>/`` atomically; ``profile_many`` runs several recipes, recording
failures and going on.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd

from ..attach.map_context import context_layers, neighbouring_units, view_bbox
from ..attach.recipe import attach_all
from ..boundary import Boundary, for_overlay
from ..checks.guidance import (
    BoundaryReport,
    check_alignment_by_construction,
    check_boundary,
)
from ..comparison.best_fit import check_alignment_with_units
from ..delineate import delineate
from ..delineate.dem import DEFAULT_STREAM_THRESHOLD_CELLS
from ..delineate.drawn import boundary_from_file
from ..delineate.streams import stream_network
from ..errors import (
    DataWarning,
    LandgeoError,
    LandgeoWarning,
    NothingToWriteError,
    OutputError,
    RecipeError,
    UsageError,
    stated_in,
)
from ..i18n import Sentence, Text, check_lang
from ..io.atomic import atomic_dir, atomic_file, check_outputs, remove_file, set_aside, write_json
from ..io.gpkg_styles import write_layer_styles
from ..io.profile_dir import GPKG_LAYERS, INDICATORS_CSV, RASTERS_JSON
from ..io.raster import open_raster
from ..io.tables import write_csv, write_xlsx
from ..io.vector import read_vector, report_of, write_vector
from ..io.vector_write import temporary_gpkg_writes
from ..monitor import has_monitoring, merged_indicators, monitor_landscape, table_rows, write_indicators_csv
from ..profile import make_profile, scorecards_of
from ..recipe.parse import Recipe, input_paths, read_recipe
from ..render import skipped
from ..render.atlas import write_atlas
from ..render.change_page import narrative
from ..render.outputs import write_maps
from ..render.qml import profile_styles
from ..render.tables import SHARE_KEYS, profile_tables, sheet_name

log = logging.getLogger(__name__)

# The atlas PDF that a run over several recipes writes into the output folder.
ATLAS = "atlas.pdf"
# The shared measurement table: beside each profile.json, and one for all landscapes of a multi-recipe run.
INDICATORS = INDICATORS_CSV


def _names_source(message: str, source) -> bool:
    """Whether ``message`` starts with ``source``'s file (a recipe's errors name its resolved path)."""
    head = message.split(": ", 1)[0]
    if head == str(source):
        return True
    try:
        return Path(head).resolve() == Path(source).resolve()
    except (OSError, ValueError):  # not a path
        return False


def failure_detail(source, error, lang: str | None = None) -> str:
    """A failed row's or outcome's ``error`` (a :class:`~landgeo.i18n.Sentence`, an exception or a string) in
    ``lang``, without the ``source:`` it starts with when it names that file: a ``{recipe}: FAILED: {error}``
    line then states the path once, in every language (the path is the message's parameter, the same in all).

    >>> failure_detail("a.toml", "a.toml: [boundary] path: file not found")
    '[boundary] path: file not found'
    >>> failure_detail("a.toml", "layers/x.gpkg: not a vector file")
    'layers/x.gpkg: not a vector file'
    """
    english = str(error)
    if isinstance(error, LandgeoError):
        stated = error.in_language(lang or error.lang or "en")
    elif isinstance(error, Sentence):
        stated = error.text.render(lang) if lang else english
    else:
        stated = english
    head = english.split(": ", 1)[0]
    if not _names_source(english, source) or not stated.startswith(head):
        return stated
    rest = re.sub(r"^\s*:\s*", "", stated[len(head):])
    return rest or stated


def log_failure(logger: logging.Logger, source, exc: LandgeoError) -> None:
    """``source: error`` at ERROR level, naming ``source`` once: an error whose text starts with that file is
    logged alone. The error stays the record's argument (the command line states it in ``--lang``)."""
    if _names_source(str(exc), source):
        logger.error("%s", exc)
    else:
        logger.error("%s: %s", source, exc)


def internal_failure(logger: logging.Logger, source, exc: Exception) -> str:
    """Log an internal error on ``source``, its traceback only at DEBUG (``-vv``, as the command line's own
    internal errors); returns the text its failed row or outcome keeps."""
    error = f"{type(exc).__name__}: {exc}"
    if logger.isEnabledFor(logging.DEBUG):
        logger.error(Text("{source}: internal error", params={"source": str(source)}), exc_info=exc)
    else:
        logger.error(Text("{source}: internal error: {error} (run with -vv for the traceback)",
                          params={"source": str(source), "error": error}))
    return f"internal error: {error}"


@dataclass
class ProfileResult:
    """Everything computed for one landscape."""

    recipe: Recipe
    boundary: Boundary
    report: BoundaryReport
    profile: dict
    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    rasters: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _previous_boundary(recipe: Recipe):
    prev = recipe.scale.get("previous")
    if prev is None:
        return None
    # read like every boundary file (closed lines, a landgeo boundary.gpkg on its boundary layer)
    return boundary_from_file(prev, layer=recipe.scale.get("previous_layer"), definition="previous").geometry


def _warning_text(message, lang: str):
    """A caught warning as a note: its :class:`landgeo.i18n.Text` when it keeps one, else its text in ``lang``."""
    if isinstance(message, DataWarning):
        return message.note if message.note is not None else message.text(lang)
    return str(message)


def _alignment(recipe: Recipe, boundary: Boundary, lang: str) -> list:
    """The LandScale alignment check: against ``[scale] align_with`` units, or by construction."""
    scale = recipe.scale
    if scale.get("align_with") is not None:
        if not scale.get("align_field"):
            raise RecipeError(Text('{path}: [scale] align_with needs align_field = "…", the unit-name field of that layer', params={"path": str(recipe.path)}))
        units = read_vector(scale["align_with"], layer=scale.get("align_layer"), expect="polygon")
        return [check_alignment_with_units(boundary.geometry, units, field=scale["align_field"], label=report_of(units).label, lang=lang)]
    check = check_alignment_by_construction(boundary.method, len(boundary.details.get("units", ())) or None, lang=lang)
    return [check] if check else []


def _map_context(recipe: Recipe, boundary: Boundary, attached) -> tuple[dict, dict]:
    """Layers drawn around the landscape (``[context]``, neighbouring units, the DEM's streams) and their record."""

    layers, records, notes = context_layers(recipe, boundary.geometry)
    attached.notes.extend(notes)
    admin_cfg = recipe.attach.get("admin_units")
    if admin_cfg and "admin_units" in attached.layers:
        near = neighbouring_units(boundary.geometry, admin_cfg, attached.layers["admin_units"]["name"])
        if near is not None:
            layers["admin_neighbours"] = near
    if recipe.method == "dem":
        threshold = int(recipe.boundary.get("stream_threshold_cells", DEFAULT_STREAM_THRESHOLD_CELLS))
        with open_raster(recipe.boundary["dem"], crs=recipe.boundary.get("crs")) as src:
            layers["streams"] = stream_network(src, threshold, bounds=view_bbox(boundary.geometry))
    if recipe.method == "basins" and recipe.boundary.get("path"):
        layers["basin_units"] = _basin_units(recipe, boundary, view_bbox(boundary.geometry))
    part = {}
    if records:
        part["layers"] = records
    if recipe.context.get("basemap"):
        part["basemap"] = {"file": Path(recipe.context["basemap"]).name,
                           "attribution": recipe.context.get("basemap_attribution")}
    return layers, part


def _basin_units(recipe: Recipe, boundary: Boundary, bbox) -> gpd.GeoDataFrame:
    """The basin layer's units in the map's view: ``unit_id``, ``inside`` (traced), ``outlet`` (the outlet unit)."""
    b = recipe.boundary
    units = read_vector(b["path"], layer=b.get("layer"), crs=b.get("crs"), bbox=bbox, bbox_crs="EPSG:4326",
                        expect="polygon")
    id_field = (b.get("fields") or {}).get("id", "HYBAS_ID")
    lower = {str(c).lower(): c for c in units.columns}
    ids = units[lower.get(id_field.lower(), id_field)].to_numpy() if id_field.lower() in lower else range(len(units))
    details = boundary.details
    traced = {int(i) for i in details.get("unit_ids", ())}
    outlets = {int(i) for i in details.get("outlet_units", ()) or [details.get("outlet_unit")] if i is not None}
    units = units.to_crs(4326) if units.crs is not None and units.crs.to_epsg() != 4326 else units
    return gpd.GeoDataFrame({"unit_id": [int(i) for i in ids], "inside": [int(i) in traced for i in ids],
                             "outlet": [int(i) in outlets for i in ids]}, geometry=units.geometry.values, crs=4326)


def build_profile(recipe: Recipe, *, lang: str | None = None, min_ha: float | None = None, max_ha: float | None = None,
                  delineator=None) -> ProfileResult:
    """Delineate, check and attach for one recipe; return the profile and its layers.

    ``delineator`` (recipe → Boundary) replaces :func:`landgeo.delineate.delineate`
    and must give the same boundary; batch uses it to reuse layers read once per worker.
    """
    lang = check_lang(lang, recipe.language)
    if lang != recipe.language:
        recipe = dataclasses.replace(recipe, language=lang)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", LandgeoWarning)
        boundary = (delineator or delineate)(recipe)
        report = check_boundary(
            boundary.geometry,
            min_ha=min_ha if min_ha is not None else recipe.min_ha,
            max_ha=max_ha if max_ha is not None else recipe.max_ha,
            sliver_ha=recipe.scale.get("sliver_ha", 100.0),
            previous=_previous_boundary(recipe),
            extra=(*boundary.checks, *_alignment(recipe, for_overlay(boundary), lang)),
            lang=lang,
            warn=False,
        )
        layers = {"boundary": boundary.to_frame(name=recipe.name, slug=recipe.slug, area_ha=round(report.area_ha, 2))}
        parts: dict = {}
        rasters: dict[str, Path] = {}
        attached = attach_all(recipe, for_overlay(boundary))  # ecosystems, land cover, population, sites, admin units, rivers
        parts.update(attached.parts)
        layers.update(attached.layers)
        landcover = recipe.attach.get("landcover") or {}
        if landcover.get("path"):  # rasters drawn on the sheet: land-cover fill, DEM hillshade
            rasters["landcover"] = Path(landcover["path"])
        if recipe.boundary.get("dem"):
            rasters["dem"] = Path(recipe.boundary["dem"])
        map_layers, map_part = _map_context(recipe, boundary, attached)
        layers.update(map_layers)
        if map_part:
            parts["map_context"] = map_part
        if recipe.context.get("basemap"):
            rasters["basemap"] = Path(recipe.context["basemap"])
        if attached.checks:
            report = dataclasses.replace(report, checks=tuple(report.checks) + tuple(attached.checks))
        monitored = _monitor(recipe, for_overlay(boundary), lang)  # [[monitor.*]] dated layers (issue 14)
        if monitored is not None:
            parts["monitoring"] = monitored.section
            layers.update(monitored.layers)
            rasters.update(monitored.rasters)
            report = dataclasses.replace(report, checks=tuple(report.checks) + tuple(monitored.checks))
    notes = [*recipe.notes, *(_warning_text(w.message, lang) for w in caught if issubclass(w.category, LandgeoWarning)),
             *attached.notes]
    if monitored is not None:
        notes += monitored.notes
    profile = make_profile(recipe, boundary, report, lang=lang, parts=parts, notes=notes)
    _finish_indicators(profile)
    return ProfileResult(recipe, boundary, report, profile, layers, rasters, list(profile["notes"]))


def _monitor(recipe: Recipe, boundary: Boundary, lang: str):
    if not has_monitoring(recipe):
        return None
    return monitor_landscape(recipe, boundary, lang=lang, scorecards=scorecards_of(recipe))


def _finish_indicators(profile: dict) -> None:
    """``profile["monitoring"]["indicators"]``: the rows of indicators.csv (over time, then the current state)."""

    section = profile.get("monitoring") or {}
    rows = merged_indicators(profile, section.get("indicators") or ())
    if "monitoring" not in profile:  # no dated layers: the current state only, placed before the template
        items = list(profile.items())
        at = next((i for i, (k, _) in enumerate(items) if k == "template"), len(items))
        items.insert(at, ("monitoring", {"dates": [], "indicators": []}))
        profile.clear()
        profile.update(items)
    profile["monitoring"]["indicators"] = rows


def indicator_rows(profile: dict) -> list[dict]:
    """The rows of a profile's indicators.csv (``landscape`` = its slug)."""

    return table_rows(profile["slug"], (profile.get("monitoring") or {}).get("indicators") or ())


def write_outputs(result: ProfileResult, folder: Path, *, offline: bool = True, maps: bool = True) -> None:
    """Write boundary.gpkg, boundary.geojson and profile.json (and maps unless ``maps`` is false) into ``folder``."""
    gpkg = folder / "boundary.gpkg"
    with temporary_gpkg_writes():  # folder is write_profile_dir's temporary folder
        for name in GPKG_LAYERS:
            if name in result.layers and len(result.layers[name]):
                write_vector(result.layers[name], gpkg, layer=name)
        if gpkg.exists():  # QML styles in layer_styles, so the layers open in QGIS looking like the sheet
            write_layer_styles(gpkg, profile_styles(result.layers, lang=result.profile["language"], profile=result.profile))
    write_vector(result.layers["boundary"], folder / "boundary.geojson")
    write_tables(result.profile, result.layers, folder)
    if result.rasters:  # where the land cover and DEM are, so `landgeo sheet PROFILE_DIR` can draw them again
        write_json({k: str(Path(v).resolve()) for k, v in sorted(result.rasters.items())}, folder / RASTERS_JSON)
    if maps:  # drawn first, so that what a map or sheet had to leave out is in profile.json's notes
        with skipped.collect() as left_out:
            write_maps(result.profile, result.layers, folder, offline=offline, rasters=result.rasters)
        if left_out:
            result.profile["notes"] = list(dict.fromkeys([*(result.profile.get("notes") or []), *left_out]))
    write_json(result.profile, folder / "profile.json")

    write_indicators_csv(indicator_rows(result.profile), folder / INDICATORS)  # the shared measurement table


def write_tables(profile: dict, layers: dict, folder: Path) -> list[Path]:
    """tables.xlsx (one sheet per table) and one CSV per table, headers in the profile's language."""
    tables = profile_tables(profile, layers)
    if not tables:
        return []
    lang = profile.get("language") or "en"
    written = [write_csv(frame, folder / f"{key}.csv") for key, frame in tables.items()]
    sheets = {sheet_name(key, lang): frame for key, frame in tables.items()}
    percent = {sheet_name(key, lang): [col for k, col in zip(frame.attrs.get("keys", ()), frame.columns) if k in SHARE_KEYS]
               for key, frame in tables.items()}
    written.append(write_xlsx(sheets, folder / "tables.xlsx", percent_columns=percent))
    return written


def write_profile_dir(result: ProfileResult, out_root: str | Path, *, overwrite: bool = False, offline: bool = True,
                      maps: bool = True) -> Path:
    """Write ``out_root/<slug>/`` atomically and return it (``maps=False``: no map.html or sheets)."""
    target = Path(out_root) / result.recipe.slug
    with atomic_dir(target, overwrite=overwrite) as tmp:
        write_outputs(result, tmp, offline=offline, maps=maps)
    log.info(Text("wrote {path}", params={"path": str(target)}))
    return target


@dataclass
class Outcome:
    """How one recipe of a multi-landscape run ended."""

    recipe: Path
    slug: str | None
    status: str  # "ok" or "failed"
    folder: Path | None = None
    result: ProfileResult | None = None
    error: str | None = None
    internal: bool = False  # the failure is an internal error (exit 1), not the user's input (exit 2)


class Outcomes(list):
    """The outcomes of :func:`profile_many`, in recipe order, and the shared outputs it wrote (None: not written)."""

    atlas: Path | None = None
    indicators: Path | None = None


def withhold(paths, *, replace: bool) -> None:
    """Shared outputs this run does not write (the caller says why): with ``replace`` (``--overwrite``/``--resume``,
    the run replaces an earlier one in that folder), an earlier run's copy is removed, so it is not left looking like
    this run's result; without it nothing is touched."""
    removed = [str(p) for p in paths if replace and remove_file(p)]
    if removed:
        log.warning(Text("{files}: removed (an earlier run's output, which this run did not write again)",
                         params={"files": ", ".join(removed)}))


def set_aside_failed(folder: str | Path, error=None, *, inputs=()):
    """A landscape this run (``--overwrite``/``--resume``) failed on: its earlier folder, left in place, would read as
    this run's result (and ``--resume`` would skip it as complete), so it is moved to ``<slug>.previous``
    (:func:`landgeo.io.atomic.set_aside`; never a folder holding one of ``inputs``, the files the landscape's
    recipe reads), with a warning naming both folders.

    Returns ``error`` (the failed row's or outcome's) with a sentence saying where the earlier results went, as
    a :class:`~landgeo.i18n.Sentence`; ``error`` itself when nothing was moved.
    """
    folder = Path(folder)
    try:
        aside = set_aside(folder, inputs=inputs)
    except LandgeoError as exc:
        log.warning(Text("{folder}: holds an earlier run's results, which could not be moved aside ({reason}); remove "
                         "the folder, or --resume takes it as complete", params={"folder": str(folder), "reason": str(exc)}))
        return error
    if aside is None:
        return error
    log.warning(Text("{folder}: an earlier run's results, moved to {previous} as this run failed on the landscape "
                     "(--resume profiles it again)", params={"folder": str(folder), "previous": str(aside)}))
    if error is None:
        return None
    moved = Text("the earlier run's results were moved to {previous}", params={"previous": str(aside)})
    first = error.text if isinstance(error, Sentence) else str(error)
    return Text("{parts:join}", params={"parts": [first, moved]}).sentence("en")

def not_profiled(paths) -> Text:
    """Why ``paths`` (a run's shared outputs) are not written: no landscape was profiled."""
    return Text("{files}: not written, as no landscape was profiled", params={"files": ", ".join(map(str, paths))})


def plan_outputs(recipes: list[tuple[Path, Recipe]], out_root: str | Path, *, overwrite: bool = False,
                 atlas: bool = False) -> None:
    """Refuse before any work: a landscape folder that exists (without ``overwrite``), two recipes with one slug,
    an output that is or contains an input, an output folder that cannot be written."""

    out_root = Path(out_root)
    if out_root.exists() and not out_root.is_dir():
        raise OutputError(Text("-o {out_root}: is a file, not a folder; give a folder for the landscapes", params={"out_root": str(out_root)}))
    targets = [(f"{path} (slug {recipe.slug!r})", out_root / recipe.slug, "dir") for path, recipe in recipes]
    if atlas:  # several landscapes: the atlas and the shared indicators.csv
        targets.append(("the atlas", out_root / ATLAS, "file"))
        targets.append(("the indicators table", out_root / INDICATORS, "file"))
    check_outputs(targets, overwrite=overwrite, inputs=[p for _, r in recipes for p in input_paths(r)])


def profile_many(recipes, out_root, *, lang=None, overwrite=False, offline=True, min_ha=None, max_ha=None) -> Outcomes:
    """Profile each recipe into ``out_root/<slug>/``; a failing recipe is recorded and the rest go on.

    Every output is checked before any work (see :func:`plan_outputs`): an
    existing folder (unless ``overwrite``), a slug shared by two recipes, or an
    output on top of an input stops the whole call with nothing written.
    Several recipes also give ``indicators.csv`` and ``atlas.pdf``, written only when a landscape was
    profiled (and the atlas only when a sheet could be drawn): see :attr:`Outcomes.atlas`.
    """
    parsed: list[tuple[Path, Recipe | None, str | None]] = []
    for path in recipes:
        try:
            parsed.append((Path(path), read_recipe(path), None))
        except LandgeoError as exc:
            if len(recipes) == 1:
                raise
            parsed.append((Path(path), None, exc.as_sentence()))
    plan_outputs([(p, r) for p, r, _ in parsed if r is not None], out_root, overwrite=overwrite, atlas=len(recipes) > 1)
    outcomes = Outcomes()
    for path, recipe, error in parsed:
        if recipe is None:
            outcomes.append(Outcome(path, None, "failed", error=error))
            continue
        earlier = Path(out_root) / recipe.slug  # with --overwrite, an earlier run's folder: set aside if this run fails
        try:
            result = build_profile(recipe, lang=lang, min_ha=min_ha, max_ha=max_ha)
            folder = write_profile_dir(result, out_root, overwrite=overwrite, offline=offline)
            outcomes.append(Outcome(path, recipe.slug, "ok", folder, result))
        except LandgeoError as exc:
            if len(recipes) == 1:
                exc.lang = exc.lang or check_lang(lang, recipe.language)  # stated in the recipe's language
                if overwrite:
                    set_aside_failed(earlier, inputs=input_paths(recipe))
                raise
            log_failure(log, path, exc)
            error = exc.as_sentence()
            if overwrite:
                error = set_aside_failed(earlier, error, inputs=input_paths(recipe))
            outcomes.append(Outcome(path, recipe.slug, "failed", error=error))
        except Exception as exc:  # an internal error on one landscape must not stop the others, as in batch
            if len(recipes) == 1:
                if overwrite:
                    set_aside_failed(earlier, inputs=input_paths(recipe))
                raise
            error = internal_failure(log, path, exc)
            if overwrite:
                error = set_aside_failed(earlier, error, inputs=input_paths(recipe))
            outcomes.append(Outcome(path, recipe.slug, "failed", error=error, internal=True))
    if len(recipes) > 1:  # several landscapes: one indicators.csv and one atlas PDF (failures on its contents page)
        _write_shared(outcomes, Path(out_root), lang=lang, overwrite=overwrite)
    return outcomes


def _write_shared(outcomes: Outcomes, out_root: Path, *, lang: str | None, overwrite: bool) -> None:
    """indicators.csv and atlas.pdf of several landscapes; none when no landscape was profiled."""
    profiles = [o.result.profile for o in outcomes if o.status == "ok"]
    if not profiles:  # an atlas of failures and an empty table are not results: the failure lines say it all
        shared = [out_root / INDICATORS, out_root / ATLAS]
        log.info(not_profiled(shared))
        withhold(shared, replace=overwrite)
        return
    outcomes.indicators = write_all_indicators(profiles, out_root / INDICATORS, overwrite=overwrite)
    try:
        with atomic_file(out_root / ATLAS, overwrite=overwrite, create_parents=True) as tmp:
            write_atlas(outcomes, tmp, lang=lang or profiles[0].get("language") or "en")
    except NothingToWriteError as exc:  # no sheet could be drawn
        log.warning(exc.text)
        withhold([out_root / ATLAS], replace=overwrite)
        return
    outcomes.atlas = out_root / ATLAS


def write_all_indicators(profiles, target: str | Path, *, overwrite: bool = False) -> Path:
    """One indicators.csv for many landscapes: each profile's rows, in the order given (atomic, cells neutralised)."""

    return write_indicators_csv([row for p in profiles for row in indicator_rows(p)], target, overwrite=overwrite)


def monitor_recipe(path: str | Path, *, out: str | Path | None = None, lang: str | None = None,
                   overwrite: bool = False) -> tuple[Recipe, object, list[str]]:
    """``landgeo monitor RECIPE``: the dated layers only (no attached parts, no maps).

    Returns (recipe, :class:`landgeo.monitor.Monitoring`, sentences in ``lang``); with ``out``, writes
    the indicator rows to that CSV (atomic, cells neutralised; refused when it exists unless ``overwrite``).
    """
    recipe = read_recipe(path)
    lang = check_lang(lang, recipe.language)
    with stated_in(lang):  # errors in the recipe's language
        if not has_monitoring(recipe):
            raise RecipeError(Text('{file}: no dated layers; add [[monitor.landcover]], [[monitor.sites]], '
                                   '[[monitor.population]], [[monitor.polygons]] or [[monitor.boundary]] tables (README, '
                                   '"Monitoring over time")', params={"file": str(recipe.path)}))
        if out is not None:
            if Path(out).suffix.lower() != ".csv":
                raise UsageError(Text("-o {file}: the indicators are written as CSV; give a .csv file, e.g. -o {example}",
                                      params={"file": str(out), "example": f"{recipe.slug}-indicators.csv"}))
            check_outputs([("-o", out, "file")], overwrite=overwrite, inputs=input_paths(recipe))
        mon = monitor_landscape(recipe, delineate(recipe), lang=lang, scorecards=scorecards_of(recipe))
        if out is not None:
            write_indicators_csv(table_rows(recipe.slug, mon.indicators), out, overwrite=overwrite)
    return recipe, mon, narrative(mon.section, lang)
