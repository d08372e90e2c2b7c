"""``landgeo delineate`` and ``landgeo check``: a recipe's boundary written, a boundary file checked."""

from __future__ import annotations

from pathlib import Path

import click

from ..render.labels import label
from .help import LandgeoCommand
from .options import FiniteNumber, band_options, json_option, lang_option, out_option, overwrite_option, to_json
from .options import message_lookup as _t  # the name the catalogue extractor reads


@click.command(cls=LandgeoCommand)
@click.argument("recipe", type=click.Path(path_type=Path))
@out_option("out_file", required=True, help="Output file: .gpkg, .geojson, .kml or .shp.")
@overwrite_option("Replace an existing file.")
@lang_option(help="Language of the definition sentence (default: the recipe's).")
def delineate(recipe: Path, out_file: Path, overwrite: bool, lang: str | None) -> None:
    """Write a recipe's boundary only."""
    # slow start-up: the job's geopandas/matplotlib load only when the command runs
    from ..app.files import delineate_to_file

    boundary = delineate_to_file(recipe, out_file, overwrite=overwrite, lang=lang)
    click.echo(_t(lang)("{file}: {area_ha:,.0f} ha — {definition}", file=str(out_file), area_ha=boundary.area_ha,
                        definition=boundary.definition))


@click.command(cls=LandgeoCommand)
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--layer", default=None, help="Layer name (GeoPackage, KML folder).")
@click.option("--crs", default=None, help="CRS of the file's coordinates when it states none (or one its coordinates do not fit).")
@band_options
@click.option("--sliver-ha", type=FiniteNumber(), default=100.0, show_default=True, help="Parts under this area are slivers.")
@lang_option(default="en")
@json_option("Print JSON (area_ha, verdict, checks).")
def check(file: Path, layer, crs, min_ha, max_ha, sliver_ha, lang, as_json) -> None:
    """Check a boundary file: geodesic area, scale verdict, contiguity, holes, slivers."""
    # slow start-up: the job's geopandas/matplotlib load only when the command runs
    from ..app.files import check_file

    report = check_file(file, layer=layer, crs=crs, min_ha=min_ha, max_ha=max_ha, sliver_ha=sliver_ha, lang=lang)
    if as_json:
        click.echo(to_json({"file": str(file), **report.to_dict()}))
        return
    t = _t(lang)
    click.echo(t("{file}: {area_ha:,.1f} ha, perimeter {perimeter_km:,.1f} km — {verdict}", file=str(file), area_ha=report.area_ha,
                 perimeter_km=report.perimeter_km, verdict=label(f"verdict_{report.scale.verdict}", lang)))
    for c in report.checks:
        click.echo(f"  [{c.status}] {c.id}: {c.message_in(lang)}")
