"""``landgeo compare`` as a job on files: read two boundaries (or a unit layer), compare, write the folder.

The comparison itself (:func:`landgeo.compare`) takes objects and writes nothing.
"""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd

from ..boundary import WGS84
from ..comparison.metrics import ALIGNMENT_TOLERANCE
from ..comparison.result import Comparison, compare
from ..errors import LandgeoError
from ..i18n import LANGUAGES, Text, check_lang
from ..io import vector as layers
from ..io.atomic import (
    atomic_dir,
    check_target,
    neutralise_frame,
    refuse_inputs,
    write_json,
)
from ..io.gpkg_styles import write_layer_styles
from ..recipe.parse import input_paths, read_recipe
from ..render.compare_map import COLOURS, reference_role, write_compare_map
from ..render.compare_sheet import write_compare_sheet
from ..render.context import country_context
from ..render.qml import compare_styles

log = logging.getLogger(__name__)

OUTPUT_FILES = ("compare.json", "units.csv", "compare.gpkg", "compare.html", "compare_sheet.pdf", "compare_sheet.png")


def write_comparison(
    comparison: Comparison,
    out_dir: str | Path,
    *,
    lang: str = "en",
    overwrite: bool = False,
    offline: bool = True,
    context: gpd.GeoDataFrame | None = None,
    date: str | None = None,
) -> Path:
    """Write the comparison's files into ``out_dir`` (complete or absent).

    Files: ``compare.json``, ``units.csv`` (with units), ``compare.gpkg`` (one
    layer per role: ``a``, ``b``, ``only_a``, ``only_b``, ``intersection``,
    ``best_fit``, ``hybrid``, ``only_best_fit``, and ``units``),
    ``compare.html`` (offline web map) and ``compare_sheet.pdf`` /
    ``compare_sheet.png`` (one A4 page) in ``lang``.

    Each GeoPackage layer carries ``method`` and ``definition`` columns, so a
    recipe can use it: ``method = "file"``, ``path = "compare.gpkg"``,
    ``layer = "best_fit"``.

    Raises
    ------
    OutputExistsError
        When ``out_dir`` exists and ``overwrite`` is false.
    """
    lang = check_lang(lang)
    attribution: tuple[str, ...] = ()
    if context is None:  # the bundled country outlines, as on the profile map and sheet
        context = country_context(comparison.a.geometry)
        if context is not None and not context["home"].any():
            context = None  # A lies on no country (e.g. synthetic data): no land/sea to show
        attribution = ("Natural Earth 1:110m countries (public domain)",) if context is not None else ()
    with atomic_dir(out_dir, overwrite=overwrite) as tmp:
        write_json(comparison.to_dict(), tmp / "compare.json")
        if comparison.units is not None:
            neutralise_frame(comparison.units.table.round({"area_ha": 2, "intersection_ha": 2, "share_of_a": 6, "share_of_unit": 6})).to_csv(
                tmp / "units.csv", index=False, encoding="utf-8"
            )
        gpkg = tmp / "compare.gpkg"
        frame = comparison.to_frame()
        styled: dict[str, gpd.GeoDataFrame] = {}
        for _i, row in frame.iterrows():
            role = row["role"]
            one = gpd.GeoDataFrame(
                {
                    "role": [role],
                    "label": [comparison.role_label(role, lang)],
                    "area_ha": [round(float(row["area_ha"]), 2)],
                    "share_of_a": [round(float(row["share_of_a"]), 6)],
                    "method": [_role_method(comparison, role)],
                    "definition": [comparison.role_definition(role, lang)],
                    **{f"definition_{lg}": [comparison.role_definition(role, lg)] for lg in LANGUAGES},
                },
                geometry=[row.geometry],
                crs=WGS84,
            )
            layers.write_vector(one, gpkg, layer=role)
            styled[role] = one
        if comparison.units is not None and len(comparison.units.geometries):
            layers.write_vector(comparison.units.geometries, gpkg, layer="units")
            styled["units"] = comparison.units.geometries
        if styled:  # QML styles with the sheet's colours (layer_styles, read by QGIS)
            units_title = f"{comparison.units.label} ({comparison.units.field})" if comparison.units is not None else None
            write_layer_styles(gpkg, compare_styles(styled, lang=lang, colours=COLOURS, reference=reference_role(comparison),
                                                    units_title=units_title))
        write_compare_map(comparison, tmp / "compare.html", lang=lang, offline=offline, context=context)
        write_compare_sheet(comparison, pdf=tmp / "compare_sheet.pdf", png=tmp / "compare_sheet.png", lang=lang, context=context, date=date,
                            attribution=attribution)
    log.info(Text("wrote {path}", params={"path": str(out_dir)}))
    return Path(out_dir)


def _role_method(comparison: Comparison, role: str) -> str:
    if role == "a":
        return comparison.a.method
    if role == "b" and comparison.b is not None:
        return comparison.b.method
    return role if role in ("best_fit", "hybrid") else f"compare_{role}"


def compare_files(
    a: str | Path,
    b: str | Path | None = None,
    *,
    units: str | Path | None = None,
    field: str | None = None,
    units_layer: str | None = None,
    units_where: str | None = None,
    out_dir: str | Path | None = None,
    lang: str = "en",
    overwrite: bool = False,
    offline: bool = True,
    tolerance: float = ALIGNMENT_TOLERANCE,
) -> Comparison:
    """Compare two boundary files/recipes, or one against a unit layer; optionally write ``out_dir``.

    This is what ``landgeo compare`` runs. ``out_dir`` is checked before any
    work (no overwrite without ``overwrite=True``).
    """
    lang = check_lang(lang)
    if out_dir is not None:
        check_target(out_dir, overwrite=overwrite, kind="dir")
        refuse_inputs([out_dir], _compare_inputs(a, b, units))
    comparison = compare(a, b, units=units, field=field, units_layer=units_layer, units_where=units_where, tolerance=tolerance)
    if out_dir is not None:
        write_comparison(comparison, out_dir, lang=lang, overwrite=overwrite, offline=offline)
    return comparison


def _compare_inputs(*sources) -> list[Path]:
    """The files a comparison reads (recipes with their layers; ``FILE:LAYER`` as FILE)."""
    found: list[Path] = []
    for src in sources:
        if src is None:
            continue
        p = Path(src)
        if not p.exists() and ":" in str(src):
            p = Path(str(src).rsplit(":", 1)[0])
        found.append(p)
        if p.suffix.lower() == ".toml" and p.is_file():
            try:
                found += input_paths(read_recipe(p))
            except LandgeoError:
                pass  # reported when the comparison reads it
    return found
