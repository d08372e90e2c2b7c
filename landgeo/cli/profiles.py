"""``landgeo demo``, ``landgeo profile`` and ``landgeo sheet``: whole profiles and their sheets."""

from __future__ import annotations

from pathlib import Path

import click

from ..render.labels import label
from .help import LandgeoCommand
from .options import band_options, lang_option, out_option, overwrite_option
from .options import message_lookup as _t  # the name the catalogue extractor reads


def print_outcomes(outcomes) -> None:
    """One line per landscape (area, verdict, folder) and its notes; failures on stderr."""
    from ..app.pipeline import failure_detail  # slow start-up: geopandas; loaded already when there are outcomes

    for o in outcomes:
        if o.status == "ok":
            p = o.result.profile
            t = _t(p.get("language"))
            click.echo(t("{slug}: {area_ha:,.0f} ha ({verdict}) -> {folder}", slug=o.slug, area_ha=p["area_ha"],
                         verdict=label(f"verdict_{p['scale']['verdict']}", t.lang), folder=str(o.folder)))
            for note in o.result.notes:
                click.echo(t("  note: {note}", note=note), err=True)
        else:
            t = _t()
            click.echo(t("{recipe}: FAILED: {error}", recipe=str(o.recipe), error=failure_detail(o.recipe, o.error, t.lang)),
                       err=True)


def finish(ctx: click.Context, outcomes) -> None:
    """Print the outcomes; exit 2 if a landscape failed on its input, 1 if one failed internally."""
    print_outcomes(outcomes)
    failed = [o for o in outcomes if o.status != "ok"]
    if failed:
        click.echo("landgeo: " + _t()("{n} of {total} landscapes failed: {recipes}", n=len(failed), total=len(outcomes), recipes=", ".join(str(o.recipe) for o in failed)), err=True)
        ctx.exit(1 if any(getattr(o, "internal", False) for o in failed) else 2)  # 1: an internal error among them


@click.command(cls=LandgeoCommand)
@out_option("out_dir", default=Path("landgeo-demo"), show_default=True, help="Output folder.")
@lang_option(help="Language of the outputs (default: each recipe's).")
@overwrite_option()
@click.pass_context
def demo(ctx: click.Context, out_dir: Path, lang: str | None, overwrite: bool) -> None:
    """Build the demo landscapes' full profiles from layers/ and boundaries/."""
    # slow start-up: the job's geopandas/matplotlib load only when the command runs
    from ..app.demo import run_demo, run_demo_comparison

    outcomes = run_demo(out_dir, lang=lang, overwrite=overwrite)
    compared = run_demo_comparison(out_dir, lang=lang, overwrite=overwrite)
    try:
        finish(ctx, outcomes)
    finally:  # after the profiles' lines
        if compared is not None:
            click.echo(compared[1], err=not compared[0])
    if compared is not None and not compared[0]:
        ctx.exit(2)


@click.command(cls=LandgeoCommand)
@click.argument("recipes", nargs=-1, required=True, type=click.Path(path_type=Path))
@out_option("out_dir", default=Path("."), show_default=True, help="Output folder; each landscape goes to OUT/<slug>/.")
@lang_option(help="Language (default: the recipe's).")
@click.option("--offline/--online", default=True, show_default=True, help="Offline maps (assets inlined, no tiles) or online (OpenStreetMap tiles).")
@overwrite_option()
@band_options
@click.pass_context
def profile(ctx, recipes, out_dir, lang, offline, overwrite, min_ha, max_ha) -> None:
    """Profile one or more landscapes: boundary, checks, attached layers, profile.json, maps."""
    # slow start-up: the job's geopandas/matplotlib load only when the command runs
    from ..app.pipeline import profile_many

    outcomes = profile_many(list(recipes), out_dir, lang=lang, overwrite=overwrite, offline=offline, min_ha=min_ha, max_ha=max_ha)
    if outcomes.atlas is not None:  # several landscapes, at least one profiled and drawn
        click.echo(_t()("atlas: {path}", path=str(outcomes.atlas)))
    finish(ctx, outcomes)


@click.command(cls=LandgeoCommand)
@click.argument("source", metavar="RECIPE|PROFILE_DIR", type=click.Path(path_type=Path))
@out_option("out_file", help="FILE.pdf or FILE.png (default: sheet.pdf + sheet.png in the profile folder; "
                             "<slug>-sheet.pdf + .png here for a recipe).")
@lang_option(help="Language (default: the profile's).")
@overwrite_option("Replace existing files.")
def sheet(source: Path, out_file: Path | None, lang: str | None, overwrite: bool) -> None:
    """Render the printable A4 map sheet (PDF or PNG) of a recipe or of a profile folder."""
    # slow start-up: the job's geopandas/matplotlib load only when the command runs
    from ..app.sheet import render_sheet

    for path in render_sheet(source, out=out_file, lang=lang, overwrite=overwrite):
        click.echo(_t()("wrote {path}", path=str(path)))
