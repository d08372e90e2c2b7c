"""``landgeo basins suggest`` and ``landgeo basins build``: watershed basin layers."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import UsageError
from ..i18n import Text, fmt_number
from ..render.labels import label
from .group import LandgeoGroup
from .options import FiniteNumber, band_options, json_option, lang_option, out_option, overwrite_option, to_json
from .options import message_lookup as _t  # the name the catalogue extractor reads


@click.group(cls=LandgeoGroup)
def basins() -> None:
    """Watershed basin layers (HydroBASINS-style): suggest catchments that fit the band, build a layer from a DEM."""


def parse_point(text: str):
    """``"LON,LAT"`` as two floats in range (UsageError naming --point otherwise)."""
    try:
        lon, lat = (float(v) for v in text.split(","))
    except ValueError:
        raise UsageError(Text("--point {text} is not LON,LAT; write e.g. --point -1.95,5.30 (longitude first)", params={"text": repr(text)})) from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise UsageError(Text("--point {text} is out of range; write LON,LAT in degrees, longitude first", params={"text": repr(text)}))
    return lon, lat


def parse_fields(items) -> dict:
    """``ROLE=NAME`` items as a dict (UsageError naming --field otherwise)."""
    out = {}
    for item in items:
        role, sep, name = item.partition("=")
        if not sep or not role.strip() or not name.strip():
            raise UsageError(Text("--field {item} is not ROLE=NAME; write e.g. --field id=BASIN_ID", params={"item": repr(item)}))
        out[role.strip()] = name.strip()
    return out


def _print_suggestion(s, layer_file: Path, lang: str) -> None:
    """The suggestion as a person reads it: the start unit, a table of candidates, a recipe line."""
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


@basins.command("suggest")
@click.argument("layer_file", metavar="LAYER", type=click.Path(path_type=Path))
@click.option("--point", required=True, help="LON,LAT of the outlet or of a place in the watershed.")
@band_options
@click.option("--layer", "layer_name", default=None, help="Layer name inside the file (GeoPackage).")
@click.option("--snap-m", type=FiniteNumber(), default=1000.0, show_default=True, help="Snap the point to the nearest unit within this distance (m).")
@click.option("--field", "fields", multiple=True, metavar="ROLE=NAME", help="Field names when not HydroBASINS' (roles: id, next_down, sub_area, up_area, pfaf).")
@json_option("Print JSON.")
@out_option("out_file", help="Write the candidates as a layer (.gpkg, .geojson, .kml, .shp).")
@overwrite_option("Replace an existing output file.")
@lang_option(default="en")
def basins_suggest(layer_file: Path, point, min_ha, max_ha, layer_name, snap_m, fields, as_json, out_file, overwrite, lang) -> None:
    """Catchments around a point whose area fits the scale band (tributaries if too big, downstream if too small)."""
    # slow start-up: geopandas (suggest_file) and render.qml (0.15 s) load only when the command runs
    from ..delineate.basins.suggest import suggest_file
    from ..render.qml import basin_styles  # the candidates' QGIS style

    s = suggest_file(layer_file, point=parse_point(point), layer=layer_name, fields=parse_fields(fields),
                     min_ha=min_ha, max_ha=max_ha, snap_m=snap_m, out=out_file, overwrite=overwrite,
                     styles=basin_styles("candidates", lang=lang))
    if as_json:
        click.echo(to_json({"layer": str(layer_file), **s.to_dict()}))
    else:
        _print_suggestion(s, layer_file, lang)
    if out_file is not None:
        click.echo(_t(lang)("wrote {n} candidate to {path}", "wrote {n} candidates to {path}", n=len(s.candidates), path=str(out_file)), err=as_json)


@basins.command("build")
@click.argument("dem_file", metavar="DEM", type=click.Path(path_type=Path))
@out_option("out_file", required=True, help="Output layer (.gpkg, .geojson, .shp).")
@click.option("--min-unit-ha", type=FiniteNumber(strictly=True), required=True, help="Split units where two branches that each drain this many ha meet.")
@click.option("--crs", default=None, help="CRS to assume when the DEM has none.")
@overwrite_option("Replace an existing output file.")
@lang_option(default="en")
def basins_build(dem_file: Path, out_file: Path, min_unit_ha: float, crs, overwrite: bool, lang) -> None:
    """Derive a HydroBASINS-like basin layer (HYBAS_ID, NEXT_DOWN, SUB_AREA, UP_AREA, PFAF_ID…) from a DEM."""
    # slow start-up: geopandas/rasterio (build_basins_file) and render.qml (0.15 s) load only when the command runs
    from ..delineate.basins.build import build_basins_file
    from ..render.qml import basin_styles  # the layer's QGIS style

    frame = build_basins_file(dem_file, out_file, min_unit_ha=min_unit_ha, crs=crs, overwrite=overwrite,
                              styles=basin_styles("basins", lang=lang))
    outlets = int((frame["NEXT_DOWN"] == 0).sum())
    click.echo(_t(lang)("{file}: {n} units ({coastal} coastal), {outlets} outlets, {km2:,.1f} km²; largest basin {largest_km2:,.1f} km²",
                        file=str(out_file), n=len(frame), coastal=int(frame["COAST"].sum()), outlets=outlets,
                        km2=float(frame["SUB_AREA"].sum()), largest_km2=float(frame["UP_AREA"].max())))
