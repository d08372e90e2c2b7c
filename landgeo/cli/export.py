"""``landgeo export landscale`` and ``landgeo export terraso``: submission packages."""

from __future__ import annotations

from pathlib import Path

import click

from ..i18n import N_
from .group import LandgeoGroup
from .options import lang_option, out_option, overwrite_option
from .options import message_lookup as _t  # the name the catalogue extractor reads

#: The overall verdict of the LandScale rules, as the summary line says it.
OVERALL = {"pass": N_("pass", context="rule status"), "warn": N_("warn", context="rule status"),
           "fail": N_("fail", context="rule status")}


@click.group(cls=LandgeoGroup)
def export() -> None:
    """Submission packages: LandScale (boundary .shp/.kml, adjacency ring, rule check) and Terraso (landscape JSON)."""


@export.command("landscale")
@click.argument("source", metavar="PROFILE_DIR|RECIPE", type=click.Path(path_type=Path))
@out_option("out_dir", required=True, help="Output folder.")
@click.option("--justification", default=None, help="Why this boundary (needed for a stakeholder-defined one or an exception).")
@click.option("--previous", type=click.Path(path_type=Path), default=None, help="The previous boundary, for the > 10 % change rule.")
@lang_option(help="Language (default: the profile's).")
@overwrite_option("Replace an existing output folder.")
def export_landscale_cmd(source, out_dir, justification, previous, lang, overwrite) -> None:
    """LandScale package: boundary_shp.zip, boundary.kml, adjacency_10km, landscale_check.json and .pdf."""
    # slow start-up: the job's geopandas/matplotlib load only when the command runs
    from ..app.export_landscale import export_landscale

    done = export_landscale(source, out_dir, justification=justification, previous=previous, lang=lang, overwrite=overwrite)
    t = _t(done.check.get("language") or lang)
    for r in done.check["rules"]:
        click.echo(f"  [{r['status']}] {r['id']}: {r['why']}")
    click.echo(t("LandScale check: {overall} -> {folder}", overall=t(OVERALL[done.check["overall"]], context="rule status"),
                 folder=str(done.folder)))


@export.command("terraso")
@click.argument("source", metavar="PROFILE_DIR|RECIPE", type=click.Path(path_type=Path))
@out_option("out_dir", required=True, help="Output folder.")
@lang_option(help="Language for a recipe (default: the recipe's).")
@overwrite_option("Replace an existing output folder.")
def export_terraso_cmd(source, out_dir, lang, overwrite) -> None:
    """Terraso landscape: landscape.json (export form), landscape_add_input.json, area_polygon.geojson."""
    # slow start-up: the job's geopandas/matplotlib load only when the command runs
    from ..app.export_terraso import export_terraso

    done = export_terraso(source, out_dir, lang=lang, overwrite=overwrite)
    missing = done.landscape["landgeo"]["missing"]
    t = _t(lang)
    if missing:
        click.echo("  " + t("not in the profile (left empty): {fields}", fields=", ".join(missing)))
    click.echo(t("Terraso landscape -> {folder}", folder=str(done.folder)))
