"""Small library entry points used by the command line and by scripts."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..boundary import Boundary
from ..checks.guidance import (
    DEFAULT_MAX_HA,
    DEFAULT_MIN_HA,
    BoundaryReport,
    check_boundary,
)
from ..delineate import delineate
from ..delineate.drawn import boundary_from_file
from ..errors import stated_in
from ..i18n import check_lang
from ..io.vector import CLI_OPTIONS, check_vector_output, write_vector_file
from ..recipe.parse import input_paths, read_recipe
from ..render.qml import profile_styles


def delineate_recipe(recipe_path: str | Path) -> Boundary:
    """The boundary a recipe defines."""
    return delineate(read_recipe(recipe_path))


def delineate_to_file(recipe_path: str | Path, out_file: str | Path, *, overwrite: bool = False, lang: str | None = None) -> Boundary:
    """Write a recipe's boundary to GPKG/GeoJSON/KML/SHP (by extension), atomically.

    ``lang`` (default: the recipe's ``language``) is the language of the ``definition`` attribute.
    """
    recipe = read_recipe(recipe_path)
    if lang is not None:
        recipe = dataclasses.replace(recipe, language=check_lang(lang))
    with stated_in(recipe.language):  # errors in the recipe's language
        out_file = check_vector_output(out_file, overwrite=overwrite, inputs=input_paths(recipe))
        boundary = delineate(recipe)
        frame = boundary.to_frame(name=recipe.name, slug=recipe.slug, area_ha=round(boundary.area_ha, 2))
        write_vector_file(frame, out_file, layer="boundary", overwrite=overwrite,  # the sheet's boundary style, for QGIS
                          styles=profile_styles({"boundary": frame}, lang=recipe.language))
    return boundary


def check_file(
    path: str | Path,
    *,
    layer: str | None = None,
    crs=None,
    min_ha: float | None = None,
    max_ha: float | None = None,
    sliver_ha: float = 100.0,
    lang: str = "en",
) -> BoundaryReport:
    """Dissolve a boundary file and run every check on it.

    The file is read as ``profile`` reads a drawn boundary
    (:func:`landgeo.delineate.drawn.boundary_from_file`): closed lines become
    polygons, landgeo's own boundary.gpkg opens on its ``boundary`` layer, and
    messages name the command-line options (``--layer``, ``--crs``).
    """
    boundary = boundary_from_file(path, layer=layer, crs=crs, lang=lang, options=CLI_OPTIONS)
    return check_boundary(
        boundary.geometry,
        min_ha=DEFAULT_MIN_HA if min_ha is None else min_ha,
        max_ha=DEFAULT_MAX_HA if max_ha is None else max_ha,
        sliver_ha=sliver_ha,
        lang=lang,
    )
