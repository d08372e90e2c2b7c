"""``landgeo monitor``: a recipe's dated layers measured, and what changed."""

from __future__ import annotations

from pathlib import Path

import click

from .help import LandgeoCommand
from .options import lang_option, out_option, overwrite_option
from .options import message_lookup as _t  # the name the catalogue extractor reads


@click.command(cls=LandgeoCommand)
@click.argument("recipe", type=click.Path(path_type=Path))
@out_option("out_file", help="Write the indicators (long form) to this CSV.")
@lang_option(help="Language (default: the recipe's).")
@overwrite_option("Replace an existing file.")
def monitor(recipe: Path, out_file: Path | None, lang: str | None, overwrite: bool) -> None:
    """Measure a recipe's dated layers ([[monitor.*]]) and say what changed."""
    # slow start-up: the job's geopandas/matplotlib load only when the command runs
    from ..app.pipeline import monitor_recipe

    r, mon, sentences = monitor_recipe(recipe, out=out_file, lang=lang, overwrite=overwrite)
    t = _t(lang or r.language)
    fields = {"slug": r.slug, "n": len(mon.indicators), "dates": ", ".join(mon.section["dates"]), "file": str(out_file)}
    if out_file:
        click.echo(t("{slug}: {n} indicator over {dates} -> {file}", "{slug}: {n} indicators over {dates} -> {file}", **fields))
    else:
        click.echo(t("{slug}: {n} indicator over {dates}", "{slug}: {n} indicators over {dates}", **fields))
    for line in sentences:
        click.echo(f"  {line}")
