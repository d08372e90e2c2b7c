"""The ``landgeo`` command line: thin commands that parse, call one library function and print.

Exit status: 0 done; 2 the user's input is wrong (one message on stderr, no
traceback); 1 an internal error. ``-v`` shows more logging and never changes the
exit status; ``-vv`` adds debug logs and tracebacks.
"""

from __future__ import annotations

import json
import logging
import sys
import warnings
from pathlib import Path

import click

from .._version import __version__
from ..errors import LandgeoError, UsageError
from ..i18n import LANGUAGES, translator

log = logging.getLogger("landgeo")


def _remember_lang(ctx: click.Context, param: click.Parameter, value):
    """--lang also sets the language of this command's messages (summaries, errors)."""
    if value and not ctx.resilient_parsing:
        ctx.find_root().ensure_object(dict)["lang"] = value
    return value


def _lang_option(default: str | None = None, help: str = "Language of what this command writes and prints."):
    """The shared ``--lang`` option: one of :data:`landgeo.i18n.LANGUAGES`."""
    return click.option("--lang", type=click.Choice(list(LANGUAGES)), default=default, show_default=default is not None,
                        callback=_remember_lang, is_eager=True, help=help)


def _t(lang: str | None = None):
    """The lookup for this command's messages: ``lang``, else the command's --lang, else English."""
    ctx = click.get_current_context(silent=True)
    if lang is None and ctx is not None:
        lang = (ctx.find_root().obj or {}).get("lang")
    return translator(lang or "en")


def _verbosity(ctx: click.Context, param: click.Parameter, value) -> None:
    """-v/-q given after a command name: add to the group's settings and set the logging again."""
    if not value or ctx.resilient_parsing:
        return
    obj = ctx.find_root().ensure_object(dict)
    if param.name == "verbose":
        obj["verbose"] = obj.get("verbose", 0) + value
    else:
        obj["quiet"] = True
    _setup_logging(obj.get("verbose", 0), obj.get("quiet", False))


def _add_verbosity(cmd: click.Command) -> None:
    names = {p.name for p in cmd.params}
    if "verbose" not in names:
        cmd.params.append(click.Option(["-v", "--verbose"], count=True, expose_value=False, callback=_verbosity,
                                       help="More logging (-vv: debug and tracebacks); never changes the exit status."))
    if "quiet" not in names:
        cmd.params.append(click.Option(["-q", "--quiet"], is_flag=True, expose_value=False, callback=_verbosity,
                                       help="Only errors."))


class LandgeoGroup(click.Group):
    """A click group that turns LandgeoError into exit 2 and other errors into exit 1, whatever -v says.

    Every command (and sub-group) gets -v/-q; -vv prints tracebacks as well.
    """
    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        _add_verbosity(cmd)
        super().add_command(cmd, name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except LandgeoError as exc:
            _traceback_if_very_verbose(ctx)
            click.echo(f"landgeo: error: {_one_line(exc, (ctx.obj or {}).get('lang'))}", err=True)
            ctx.exit(2)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except RecursionError:  # only a user's input nests this deep (recipes, geometries)
            _traceback_if_very_verbose(ctx)
            click.echo("landgeo: error: an input is nested too deeply to read (a recipe or a geometry); "
                       "flatten it or check that the file is what you meant", err=True)
            ctx.exit(2)
        except Exception as exc:  # an internal error: say so, exit 1
            _traceback_if_very_verbose(ctx)
            click.echo(f"landgeo: internal error: {type(exc).__name__}: {_one_line(exc)} (run with -vv for the traceback)",
                       err=True)
            ctx.exit(1)


LandgeoGroup.group_class = LandgeoGroup


def _one_line(exc: BaseException, lang: str | None = None) -> str:
    """The message on one line (a layer's text may carry line breaks), in ``lang`` when it keeps its text as data."""
    text = exc.in_language(lang or "en") if hasattr(exc, "in_language") else str(exc)
    return " ".join(text.split())


def _traceback_if_very_verbose(ctx: click.Context) -> None:
    if (ctx.find_root().obj or {}).get("verbose", 0) >= 2:
        import traceback

        click.echo(traceback.format_exc().rstrip(), err=True)


def _show_warning(message, category, filename, lineno, file=None, line=None):
    ctx = click.get_current_context(silent=True)
    lang = ((ctx.find_root().obj or {}).get("lang") if ctx is not None else None) or "en"
    text = message.text(lang) if hasattr(message, "text") and callable(message.text) else str(message)
    click.echo(f"landgeo: warning: {text}", err=True)


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("landgeo: %(levelname)s: %(message)s"))
    log.handlers[:] = [h for h in log.handlers if isinstance(h, logging.NullHandler)] + [handler]
    log.setLevel(level)
    warnings.showwarning = _show_warning
    if quiet:
        warnings.simplefilter("ignore")


class FiniteNumber(click.ParamType):
    """A finite number ≥ ``minimum`` (nan, inf and negatives refused with the option's name)."""

    name = "number"

    def __init__(self, minimum: float = 0.0, *, strictly: bool = False):
        self.minimum, self.strictly = minimum, strictly

    def convert(self, value, param, ctx):
        import math

        try:
            v = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number; write e.g. 10000", param, ctx)
        if not math.isfinite(v):
            self.fail(f"{value!r} is not a finite number; write e.g. 10000", param, ctx)
        if v < self.minimum or (self.strictly and v == self.minimum):
            self.fail(f"{value!r} must be {'above' if self.strictly else 'at least'} {self.minimum:g}", param, ctx)
        return v


def _json(data) -> str:
    """JSON for --json: always valid (NaN is refused, never printed)."""
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)


def _band_options(f):
    f = click.option("--max-ha", type=FiniteNumber(strictly=True), default=None, help="Upper end of the scale band in ha (default 1,000,000).")(f)
    f = click.option("--min-ha", type=FiniteNumber(), default=None, help="Lower end of the scale band in ha (default 10,000).")(f)
    return f


@click.group(cls=LandgeoGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="landgeo")
@click.option("-v", "--verbose", count=True, help="More logging (-vv: debug and tracebacks); never changes the exit status.")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
@click.pass_context
def main(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """landgeo: delineate, check and profile landscapes (10,000–1,000,000 ha)."""
    ctx.obj = {"verbose": verbose, "quiet": quiet}
    _setup_logging(verbose, quiet)


def _print_outcomes(outcomes) -> None:
    from ..render.labels import label

    for o in outcomes:
        if o.status == "ok":
            p = o.result.profile
            t = _t(p.get("language"))
            click.echo(t("{slug}: {area_ha:,.0f} ha ({verdict}) -> {folder}", slug=o.slug, area_ha=p["area_ha"],
                         verdict=label(f"verdict_{p['scale']['verdict']}", t.lang), folder=str(o.folder)))
            for note in o.result.notes:
                click.echo(t("  note: {note}", note=note), err=True)
        else:
            click.echo(_t()("{recipe}: FAILED: {error}", recipe=str(o.recipe), error=o.error), err=True)


def _finish(ctx: click.Context, outcomes) -> None:
    _print_outcomes(outcomes)
    failed = [o for o in outcomes if o.status != "ok"]
    if failed:
        click.echo(_t()("landgeo: {failed} of {n} landscape failed: {recipes}", "landgeo: {failed} of {n} landscapes failed: {recipes}",
                        failed=len(failed), n=len(outcomes), recipes=", ".join(str(o.recipe) for o in failed)), err=True)
        ctx.exit(2)


@main.command()
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=Path("landgeo-demo"), show_default=True, help="Output folder.")
@_lang_option(help="Language of the outputs (default: each recipe's).")
@click.option("--overwrite", is_flag=True, help="Replace existing outputs.")
@click.pass_context
def demo(ctx: click.Context, out_dir: Path, lang: str | None, overwrite: bool) -> None:
    """Build the demo landscapes' full profiles from layers/ and boundaries/."""
    # slow start-up: the job's geopandas/matplotlib load only when the command runs
    from ..app.demo import run_demo, run_demo_comparison

    outcomes = run_demo(out_dir, lang=lang, overwrite=overwrite)
    compared = run_demo_comparison(out_dir, lang=lang, overwrite=overwrite)
    try:
        _finish(ctx, outcomes)
    finally:  # after the profiles' lines
        if compared is not None:
            click.echo(compared[1], err=not compared[0])
    if compared is not None and not compared[0]:
        ctx.exit(2)


@main.command()
@click.argument("recipes", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=Path("."), show_default=True, help="Output folder; each landscape goes to OUT/<slug>/.")
@_lang_option(help="Language (default: the recipe's).")
@click.option("--offline/--online", default=True, show_default=True, help="Offline maps (assets inlined, no tiles) or online (OpenStreetMap tiles).")
@click.option("--overwrite", is_flag=True, help="Replace existing outputs.")
@_band_options
@click.pass_context
def profile(ctx, recipes, out_dir, lang, offline, overwrite, min_ha, max_ha) -> None:
    """Profile one or more landscapes: boundary, checks, attached layers, profile.json, maps."""
    # slow start-up: the job's geopandas/matplotlib load only when the command runs
    from ..app.pipeline import ATLAS, profile_many

    outcomes = profile_many(list(recipes), out_dir, lang=lang, overwrite=overwrite, offline=offline, min_ha=min_ha, max_ha=max_ha)
    if len(recipes) > 1:
        click.echo(_t()("atlas: {path}", path=str(out_dir / ATLAS)))
    _finish(ctx, outcomes)


@main.command()
@click.argument("source", metavar="RECIPE|PROFILE_DIR", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_file", type=click.Path(path_type=Path), default=None,
              help="FILE.pdf or FILE.png (default: sheet.pdf + sheet.png in the profile folder; <slug>-sheet.pdf + .png here for a recipe).")
@_lang_option(help="Language (default: the profile's).")
@click.option("--overwrite", is_flag=True, help="Replace existing files.")
def sheet(source: Path, out_file: Path | None, lang: str | None, overwrite: bool) -> None:
    """Render the printable A4 map sheet (PDF or PNG) of a recipe or of a profile folder."""
    # slow start-up: the job's geopandas/matplotlib load only when the command runs
    from ..app.sheet import render_sheet

    for path in render_sheet(source, out=out_file, lang=lang, overwrite=overwrite):
        click.echo(_t()("wrote {path}", path=str(path)))


@main.command()
@click.argument("recipes", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(path_type=Path), help="Output folder: OUT/<slug>/ per landscape, OUT/summary.csv, OUT/atlas.pdf.")
@click.option("--units", type=click.Path(path_type=Path), default=None, help="Profile every unit of this layer as its own landscape.")
@click.option("--field", default=None, help="With --units: the field that names each unit.")
@click.option("--layer", default=None, help="With --units: the layer inside the file (GeoPackage).")
@click.option("--attach", type=click.Path(path_type=Path), default=None, help="With --units: a recipe giving [attach.*], [scale] and shared settings.")
@click.option("--where", "units_where", default=None, help="With --units: only the units this filter selects, e.g. \"region = 'Ashanti'\" (the README's where grammar).")
@click.option("--workers", type=click.IntRange(min=0), default=None, help="Local worker processes (default: CPUs; 0 = in this process, no Dask).")
@click.option("--scheduler", default=None, metavar="ADDRESS", help="A running Dask scheduler, tcp://HOST:PORT (workers must see the same paths).")
@click.option("--resume", is_flag=True, help="Skip landscapes whose folder is complete (profile.json exists).")
@click.option("--overwrite", is_flag=True, help="Replace existing landscape folders.")
@click.option("--maps/--no-maps", default=True, show_default=True, help="Write map.html and the sheets in each landscape's folder.")
@click.option("--atlas/--no-atlas", default=True, show_default=True, help="Write OUT/atlas.pdf.")
@_lang_option(help="Language (default: each recipe's).")
@click.option("--offline/--online", default=True, show_default=True, help="Offline maps or online (OpenStreetMap tiles).")
@_band_options
@click.pass_context
def batch(ctx, recipes, out_dir, units, field, layer, attach, units_where, workers, scheduler, resume, overwrite, maps, atlas, lang, offline, min_ha, max_ha) -> None:
    """Profile many landscapes, on a local Dask cluster or the user's; a failure is recorded and the rest go on."""
    # slow start-up: the job's geopandas/matplotlib load only when the command runs
    from ..app.batch import plan_batch, run_batch

    tasks, failed = plan_batch(list(recipes), units=units, field=field, layer=layer, attach=attach, where=units_where)
    with click.progressbar(length=len(tasks) + len(failed), label="landscapes", file=click.get_text_stream("stderr"),
                           hidden=ctx.obj["quiet"]) as bar:
        result = run_batch(tasks, out_dir, workers=workers, scheduler=scheduler, resume=resume, overwrite=overwrite,
                           lang=lang, offline=offline, maps=maps, min_ha=min_ha, max_ha=max_ha, failed=failed, atlas=atlas,
                           on_row=lambda row: bar.update(1))
    counts = {s: sum(r.status == s for r in result.rows) for s in ("ok", "skipped", "failed")}
    t = _t()
    click.echo(t("{ok} profiled, {skipped} already complete, {failed} failed -> {summary}", ok=counts["ok"],
                 skipped=counts["skipped"], failed=counts["failed"], summary=str(result.summary)))
    if result.atlas:
        click.echo(t("atlas: {path}", path=str(result.atlas)))
    for r in result.failed:
        click.echo(t("{recipe}: FAILED: {error}", recipe=str(r.source), error=r.error), err=True)
    if result.failed:
        ctx.exit(2)


@main.command()
@click.argument("recipe", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_file", type=click.Path(path_type=Path), default=None,
              help="Write the indicators (long form) to this CSV.")
@click.option("--lang", type=click.Choice(["en", "fr", "es", "pt"]), default=None, help="Language (default: the recipe's).")
@click.option("--overwrite", is_flag=True, help="Replace an existing file.")
def monitor(recipe: Path, out_file: Path | None, lang: str | None, overwrite: bool) -> None:
    """Measure a recipe's dated layers ([[monitor.*]]) and say what changed."""
    from ..app.pipeline import monitor_recipe

    r, mon, sentences = monitor_recipe(recipe, out=out_file, lang=lang, overwrite=overwrite)
    click.echo(f"{r.slug}: {len(mon.indicators)} indicators over {', '.join(mon.section['dates'])}"
               + (f" -> {out_file}" if out_file else ""))
    for line in sentences:
        click.echo(f"  {line}")


@main.command()
@click.argument("recipe", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_file", required=True, type=click.Path(path_type=Path), help="Output file: .gpkg, .geojson, .kml or .shp.")
@click.option("--overwrite", is_flag=True, help="Replace an existing file.")
@_lang_option(help="Language of the definition sentence (default: the recipe's).")
def delineate(recipe: Path, out_file: Path, overwrite: bool, lang: str | None) -> None:
    """Write a recipe's boundary only."""
    # slow start-up: the job's geopandas/matplotlib load only when the command runs
    from ..app.files import delineate_to_file

    boundary = delineate_to_file(recipe, out_file, overwrite=overwrite, lang=lang)
    click.echo(_t(lang)("{file}: {area_ha:,.0f} ha — {definition}", file=str(out_file), area_ha=boundary.area_ha,
                        definition=boundary.definition))


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--layer", default=None, help="Layer name (GeoPackage, KML folder).")
@click.option("--crs", default=None, help="CRS of the file's coordinates when it states none (or one its coordinates do not fit).")
@_band_options
@click.option("--sliver-ha", type=FiniteNumber(), default=100.0, show_default=True, help="Parts under this area are slivers.")
@_lang_option(default="en")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (area_ha, verdict, checks).")
def check(file: Path, layer, crs, min_ha, max_ha, sliver_ha, lang, as_json) -> None:
    """Check a boundary file: geodesic area, scale verdict, contiguity, holes, slivers."""
    # slow start-up: the job's geopandas/matplotlib load only when the command runs
    from ..app.files import check_file

    report = check_file(file, layer=layer, crs=crs, min_ha=min_ha, max_ha=max_ha, sliver_ha=sliver_ha, lang=lang)
    if as_json:
        click.echo(_json({"file": str(file), **report.to_dict()}))
        return
    from ..render.labels import label

    t = _t(lang)
    click.echo(t("{file}: {area_ha:,.1f} ha, perimeter {perimeter_km:,.1f} km — {verdict}", file=str(file), area_ha=report.area_ha,
                 perimeter_km=report.perimeter_km, verdict=label(f"verdict_{report.scale.verdict}", lang)))
    for c in report.checks:
        click.echo(f"  [{c.status}] {c.id}: {c.message_in(lang)}")


@main.command()
@click.argument("a", type=click.Path(path_type=Path))
@click.argument("b", required=False, type=click.Path(path_type=Path))
@click.option("--units", type=click.Path(path_type=Path), default=None, help="A layer of units (districts…) to compare A with; FILE or FILE:LAYER.")
@click.option("--field", default=None, help="With --units: the field that names each unit.")
@click.option("--units-layer", default=None, help="With --units: the layer inside the file (GeoPackage).")
@click.option("--where", "units_where", default=None, help="With --units: an SQL filter, e.g. \"adm0_a3 = 'UGA'\".")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=None, help="Write compare.json, units.csv, compare.gpkg, compare.html and the sheet here.")
@_lang_option(default="en")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option("--overwrite", is_flag=True, help="Replace an existing output folder.")
def compare(a: Path, b, units, field, units_layer, units_where, out_dir, lang, as_json, overwrite) -> None:
    """Compare boundary A (file or recipe) with boundary B and/or a layer of units: IoU, alignment, best-fit units."""
    # slow start-up: the job's geopandas/matplotlib load only when the command runs
    from ..app.compare import compare_files

    result = compare_files(a, b, units=units, field=field, units_layer=units_layer, units_where=units_where,
                           out_dir=out_dir, lang=lang, overwrite=overwrite)
    if as_json:
        click.echo(_json(result.to_dict()))
    else:
        click.echo(result.summary(lang=lang))
    if out_dir is not None:
        click.echo(_t(lang)("wrote {path}", path=str(out_dir)), err=as_json)


@main.group()
def basins() -> None:
    """Watershed basin layers (HydroBASINS-style): suggest catchments that fit the band, build a layer from a DEM."""


def _parse_point(text: str):
    try:
        lon, lat = (float(v) for v in text.split(","))
    except ValueError:
        raise UsageError(f"--point {text!r} is not LON,LAT; write e.g. --point -1.95,5.30 (longitude first)") from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise UsageError(f"--point {text!r} is out of range; write LON,LAT in degrees, longitude first")
    return lon, lat


def _parse_fields(items) -> dict:
    out = {}
    for item in items:
        role, sep, name = item.partition("=")
        if not sep or not role.strip() or not name.strip():
            raise UsageError(f"--field {item!r} is not ROLE=NAME; write e.g. --field id=BASIN_ID")
        out[role.strip()] = name.strip()
    return out


@basins.command("suggest")
@click.argument("layer_file", metavar="LAYER", type=click.Path(path_type=Path))
@click.option("--point", required=True, help="LON,LAT of the outlet or of a place in the watershed.")
@_band_options
@click.option("--layer", "layer_name", default=None, help="Layer name inside the file (GeoPackage).")
@click.option("--snap-m", type=FiniteNumber(), default=1000.0, show_default=True, help="Snap the point to the nearest unit within this distance (m).")
@click.option("--field", "fields", multiple=True, metavar="ROLE=NAME", help="Field names when not HydroBASINS' (roles: id, next_down, sub_area, up_area, pfaf).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("-o", "--out", "out_file", type=click.Path(path_type=Path), default=None, help="Write the candidates as a layer (.gpkg, .geojson, .kml, .shp).")
@click.option("--overwrite", is_flag=True, help="Replace an existing output file.")
@_lang_option(default="en")
def basins_suggest(layer_file: Path, point, min_ha, max_ha, layer_name, snap_m, fields, as_json, out_file, overwrite, lang) -> None:
    """Catchments around a point whose area fits the scale band (tributaries if too big, downstream if too small)."""
    # slow start-up: the job's geopandas/matplotlib load only when the command runs
    from ..delineate.basins.trace import suggest_file
    from ..i18n import fmt_number
    from ..render.labels import label
    from ..render.qml import basin_styles  # the candidates' QGIS style

    s = suggest_file(layer_file, point=_parse_point(point), layer=layer_name, fields=_parse_fields(fields),
                     min_ha=min_ha, max_ha=max_ha, snap_m=snap_m, out=out_file, overwrite=overwrite,
                     styles=basin_styles("candidates", lang=lang))
    if as_json:
        click.echo(_json({"layer": str(layer_file), **s.to_dict()}))
    else:
        t = _t(lang)
        verdict = label(f"verdict_{s.verdict}", t.lang)
        if s.snapped_m:
            click.echo(t("{layer}: the point is in unit {unit:d} (snapped {distance_m:,.0f} m); its catchment is {area_ha:,.0f} ha, "
                         "{verdict} ({min_ha:,.0f}–{max_ha:,.0f} ha)", layer=str(layer_file), unit=s.unit_id, distance_m=s.snapped_m,
                         area_ha=s.area_ha, verdict=verdict, min_ha=s.min_ha, max_ha=s.max_ha))
        else:
            click.echo(t("{layer}: the point is in unit {unit:d}; its catchment is {area_ha:,.0f} ha, {verdict} ({min_ha:,.0f}–{max_ha:,.0f} ha)",
                         layer=str(layer_file), unit=s.unit_id, area_ha=s.area_ha, verdict=verdict, min_ha=s.min_ha, max_ha=s.max_ha))
        relations = {"start": t("start", context="basin candidate"), "tributary": t("tributary", context="basin candidate"),
                     "downstream": t("downstream", context="basin candidate")}
        click.echo(f"{'id':>14} {'area_ha':>14} {'units':>7}  {'verdict':<8} relation")
        for c in s.candidates:
            click.echo(f"{c.id:>14} {fmt_number(c.area_ha, t.lang):>14} {c.n_units:>7}  {c.verdict:<8} {relations.get(c.relation, c.relation)}")
        if s.note_text is not None:
            click.echo(t("note: {note}", note=s.note_text))
        fit = [c for c in s.candidates if c.verdict == "within"]
        if fit:
            click.echo(t("take one in a recipe: {recipe}", recipe=f'[boundary] method = "basins", path = "{layer_file}", candidate = {fit[0].id}'))
    if out_file is not None:
        click.echo(_t(lang)("wrote {n} candidate to {path}", "wrote {n} candidates to {path}", n=len(s.candidates), path=str(out_file)), err=as_json)


@basins.command("build")
@click.argument("dem_file", metavar="DEM", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_file", required=True, type=click.Path(path_type=Path), help="Output layer (.gpkg, .geojson, .shp).")
@click.option("--min-unit-ha", type=FiniteNumber(strictly=True), required=True, help="Split units where two branches that each drain this many ha meet.")
@click.option("--crs", default=None, help="CRS to assume when the DEM has none.")
@click.option("--overwrite", is_flag=True, help="Replace an existing output file.")
@_lang_option(default="en")
def basins_build(dem_file: Path, out_file: Path, min_unit_ha: float, crs, overwrite: bool, lang) -> None:
    """Derive a HydroBASINS-like basin layer (HYBAS_ID, NEXT_DOWN, SUB_AREA, UP_AREA, PFAF_ID…) from a DEM."""
    # slow start-up: the job's geopandas/matplotlib load only when the command runs
    from ..delineate.basins.build import build_basins_file
    from ..render.qml import basin_styles  # the layer's QGIS style

    frame = build_basins_file(dem_file, out_file, min_unit_ha=min_unit_ha, crs=crs, overwrite=overwrite,
                              styles=basin_styles("basins", lang=lang))
    outlets = int((frame["NEXT_DOWN"] == 0).sum())
    click.echo(_t(lang)("{file}: {n} units ({coastal} coastal), {outlets} outlets, {km2:,.1f} km²; largest basin {largest_km2:,.1f} km²",
                        file=str(out_file), n=len(frame), coastal=int(frame["COAST"].sum()), outlets=outlets,
                        km2=float(frame["SUB_AREA"].sum()), largest_km2=float(frame["UP_AREA"].max())))


@main.group()
def export() -> None:
    """Submission packages: LandScale (boundary .shp/.kml, adjacency ring, rule check) and Terraso (landscape JSON)."""


@export.command("landscale")
@click.argument("source", metavar="PROFILE_DIR|RECIPE", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(path_type=Path), help="Output folder.")
@click.option("--justification", default=None, help="Why this boundary (needed for a stakeholder-defined one or an exception).")
@click.option("--previous", type=click.Path(path_type=Path), default=None, help="The previous boundary, for the > 10 % change rule.")
@click.option("--lang", type=click.Choice(["en", "fr", "es", "pt"]), default=None, help="Language (default: the profile's).")
@click.option("--overwrite", is_flag=True, help="Replace an existing output folder.")
def export_landscale_cmd(source, out_dir, justification, previous, lang, overwrite) -> None:
    """LandScale package: boundary_shp.zip, boundary.kml, adjacency_10km, landscale_check.json and .pdf."""
    from ..app.export_landscale import export_landscale

    done = export_landscale(source, out_dir, justification=justification, previous=previous, lang=lang, overwrite=overwrite)
    for r in done.check["rules"]:
        click.echo(f"  [{r['status']}] {r['id']}: {r['why']}")
    click.echo(f"LandScale check: {done.check['overall']} -> {done.folder}")


@export.command("terraso")
@click.argument("source", metavar="PROFILE_DIR|RECIPE", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(path_type=Path), help="Output folder.")
@click.option("--lang", type=click.Choice(["en", "fr", "es", "pt"]), default=None, help="Language for a recipe (default: the recipe's).")
@click.option("--overwrite", is_flag=True, help="Replace an existing output folder.")
def export_terraso_cmd(source, out_dir, lang, overwrite) -> None:
    """Terraso landscape: landscape.json (export form), landscape_add_input.json, area_polygon.geojson."""
    from ..app.export_terraso import export_terraso

    done = export_terraso(source, out_dir, lang=lang, overwrite=overwrite)
    missing = done.landscape["landgeo"]["missing"]
    if missing:
        click.echo(f"  not in the profile (left empty): {', '.join(missing)}")
    click.echo(f"Terraso landscape -> {done.folder}")


@main.group()
def qgis() -> None:
    """QGIS: the landgeo Processing provider (it calls this command line)."""


@qgis.command("install-plugin")
@click.option("--profile", default="default", show_default=True, help="The QGIS user profile.")
@click.option("--profiles-dir", type=click.Path(path_type=Path), default=None,
              help="QGIS's profiles folder (default: $QGIS_CUSTOM_CONFIG_PATH/profiles or QGIS's per-user folder).")
@click.option("--cli", "cli_path", default=None, help="The landgeo command the provider runs (default: this one).")
def qgis_install_plugin(profile: str, profiles_dir, cli_path) -> None:
    """Copy the landgeo Processing provider into a QGIS profile and enable it (restart QGIS)."""
    from ..app.qgis_install import install_plugin

    done = install_plugin(profile=profile, profiles=profiles_dir, cli=cli_path)
    click.echo(f"installed the landgeo Processing provider in {done.folder}")
    click.echo(f"it runs {done.cli}; enabled in {done.settings}. Restart QGIS: Processing Toolbox > landgeo")
