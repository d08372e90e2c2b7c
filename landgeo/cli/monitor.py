"""``landgeo monitor``: a recipe's dated layers measured, and what changed."""

from __future__ import annotations

from pathlib import Path

import click

from .help import LandgeoCommand
from .options import lang_option, out_option, overwrite_option


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
    click.echo(f"{r.slug}: {len(mon.indicators)} indicators over {', '.join(mon.section['dates'])}"
               + (f" -> {out_file}" if out_file else ""))
    for line in sentences:
        click.echo(f"  {line}")
