"""``landgeo batch``: many landscapes on local worker processes or a Dask cluster; a failure is recorded and the rest go on."""

from __future__ import annotations

import os
from pathlib import Path

import click

from .help import LandgeoCommand
from .options import band_options, lang_option, out_option, overwrite_option
from .options import message_lookup as _t  # the name the catalogue extractor reads


@click.command(cls=LandgeoCommand)
@click.argument("recipes", nargs=-1, type=click.Path(path_type=Path))
@out_option("out_dir", required=True, help="Output folder: OUT/<slug>/ per landscape, OUT/summary.csv, OUT/atlas.pdf.")
@click.option("--units", type=click.Path(path_type=Path), default=None, help="Profile every unit of this layer as its own landscape.")
@click.option("--field", multiple=True, help="With --units: the field that names each unit; give it again for a key of several fields (--field name --field adm0_a3).")
@click.option("--key", default=None, metavar="F1,F2", help="With --units: a key of several fields, comma-separated (same as --field F1 --field F2).")
@click.option("--country-field", default=None, help="With --units: the units' country field (default: adm0_a3, iso_a3… or where the units lie).")
@click.option("--layer", default=None, help="With --units: the layer inside the file (GeoPackage).")
@click.option("--attach", type=click.Path(path_type=Path), default=None, help="With --units: a recipe giving [attach.*], [scale] and shared settings.")
@click.option("--where", "units_where", default=None, help="With --units: only the units this filter selects, e.g. \"region = 'Ashanti'\" (the README's where grammar).")
@click.option("--workers", type=click.IntRange(min=0), default=None, help="Local worker processes (default: the number of CPUs; 0 = run in this process).")
@click.option("--scheduler", default=None, metavar="ADDRESS", help="A running Dask scheduler, tcp://HOST:PORT (workers must see the same paths).")
@click.option("--resume", is_flag=True, help="Skip landscapes whose folder is complete (profile.json exists).")
@overwrite_option("Replace existing landscape folders.")
@click.option("--maps/--no-maps", default=True, show_default=True, help="Write map.html and the sheets in each landscape's folder.")
@click.option("--atlas/--no-atlas", default=True, show_default=True, help="Write OUT/atlas.pdf.")
@lang_option(help="Language (default: each recipe's).")
@click.option("--offline/--online", default=True, show_default=True, help="Offline maps or online (OpenStreetMap tiles).")
@band_options
@click.pass_context
def batch(ctx, recipes, out_dir, units, field, key, units_where, country_field, layer, attach, workers, scheduler, resume,
          overwrite, maps, atlas, lang, offline, min_ha, max_ha) -> None:
    """Profile many landscapes, on local worker processes or a running Dask cluster; a failure is recorded and the rest go on."""
    # slow start-up: the job's geopandas/matplotlib load only when the command runs
    from ..app.batch import plan_batch, run_batch
    from ..app.pipeline import failure_detail

    fields = list(field) + [f.strip() for f in (key or "").split(",") if f.strip()]
    tasks, failed = plan_batch(list(recipes), units=units, field=fields or None, layer=layer, attach=attach,
                               where=units_where, country_field=country_field)
    with click.progressbar(length=len(tasks) + len(failed), label=_t()("landscapes", context="progress bar"), file=click.get_text_stream("stderr"),
                           hidden=ctx.obj["quiet"]) as bar:
        result = run_batch(tasks, out_dir, workers=(os.cpu_count() or 1) if workers is None else workers, scheduler=scheduler, resume=resume, overwrite=overwrite,
                           lang=lang, offline=offline, maps=maps, min_ha=min_ha, max_ha=max_ha, failed=failed, atlas=atlas,
                           on_row=lambda row: bar.update(1))
    counts = {s: sum(r.status == s for r in result.rows) for s in ("ok", "skipped", "failed")}
    t = _t()
    click.echo(t("{ok} profiled, {skipped} already complete, {failed} failed -> {summary}", ok=counts["ok"],
                  skipped=counts["skipped"], failed=counts["failed"], summary=str(result.summary)))
    if result.atlas:
        click.echo(t("atlas: {path}", path=str(result.atlas)))
    for r in result.failed:
        click.echo(t("{recipe}: FAILED: {error}", recipe=str(r.source), error=failure_detail(r.source, r.error or "", t.lang)),
                   err=True)
    if result.failed:
        ctx.exit(result.exit_status)  # 2: the input of a landscape was wrong; 1: an internal error among them
