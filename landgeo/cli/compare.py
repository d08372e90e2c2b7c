"""``landgeo compare``: boundary A against boundary B and/or a layer of units."""

from __future__ import annotations

from pathlib import Path

import click

from .help import LandgeoCommand
from .options import json_option, lang_option, out_option, overwrite_option, to_json
from .options import message_lookup as _t  # the name the catalogue extractor reads


@click.command(cls=LandgeoCommand)
@click.argument("a", type=click.Path(path_type=Path))
@click.argument("b", required=False, type=click.Path(path_type=Path))
@click.option("--units", type=click.Path(path_type=Path), default=None, help="A layer of units (districts…) to compare A with; FILE or FILE:LAYER.")
@click.option("--field", default=None, help="With --units: the field that names each unit.")
@click.option("--units-layer", default=None, help="With --units: the layer inside the file (GeoPackage).")
@click.option("--where", "units_where", default=None, help="With --units: an SQL filter, e.g. \"adm0_a3 = 'UGA'\".")
@out_option("out_dir", help="Write compare.json, units.csv, compare.gpkg, compare.html and the sheet here.")
@lang_option(default="en")
@json_option("Print the metrics as JSON.")
@overwrite_option("Replace an existing output folder.")
def compare(a: Path, b, units, field, units_layer, units_where, out_dir, lang, as_json, overwrite) -> None:
    """Compare boundary A (file or recipe) with boundary B and/or a layer of units: IoU, alignment, best-fit units."""
    # slow start-up: the job's geopandas/matplotlib load only when the command runs
    from ..app.compare import compare_files

    result = compare_files(a, b, units=units, field=field, units_layer=units_layer, units_where=units_where,
                           out_dir=out_dir, lang=lang, overwrite=overwrite)
    if as_json:
        click.echo(to_json(result.to_dict()))
    else:
        click.echo(result.summary(lang=lang))
    if out_dir is not None:
        click.echo(_t(lang)("wrote {path}", path=str(out_dir)), err=as_json)
