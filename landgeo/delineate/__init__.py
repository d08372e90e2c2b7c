"""Boundary delineation methods. Each takes a Recipe and returns a Boundary.

``METHODS`` maps a recipe's ``[boundary] method`` to its function; every one ends
in :func:`landgeo.boundary.finish_boundary`, and :func:`delineate` applies the
common post-processing (buffer, simplify, fill small holes).
"""

from __future__ import annotations

from collections.abc import Callable

from ..boundary import Boundary
from . import admin, combine, dem, drawn
from .basins import trace as basins_trace
from .combine import postprocess

METHODS: dict[str, Callable] = {
    "admin": admin.boundary_from_recipe,
    "jurisdiction": admin.boundary_from_recipe,
    "file": drawn.boundary_from_recipe,
    "combine": lambda recipe: combine.boundary_from_recipe(recipe, delineate=delineate),
    "basins": basins_trace.boundary_from_recipe,
    "dem": dem.boundary_from_recipe,
}


def delineate(recipe) -> Boundary:
    """The recipe's boundary, made by its method and post-processed."""
    boundary = METHODS[recipe.method](recipe)
    return postprocess(boundary, recipe.boundary, lang=recipe.language, file=recipe.path)
