"""Shape operations on a boundary: buffer, simplify and fill small holes.

Distances are applied in an equal-area azimuthal CRS centred on the boundary
(:func:`landgeo.geodesy.equal_area_crs`), never in degrees.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping
from typing import Any

import geopandas as gpd
import shapely

from ..boundary import Boundary, finish_boundary
from ..errors import DelineationError
from ..geo import geodesy
from ..i18n import N_, Text
from ..recipe.parse import Recipe, read_recipe

log = logging.getLogger(__name__)


def _fill_holes(geom, max_ha: float):
    """Remove interior rings whose geodesic area is below ``max_ha`` (geom in EPSG:4326)."""
    polys = []
    for poly in shapely.get_parts(geom):
        keep = [r for r in poly.interiors if geodesy.area_ha(shapely.Polygon(r)) >= max_ha]
        polys.append(shapely.Polygon(poly.exterior, keep))
    return shapely.union_all(polys)


def postprocess(boundary: Boundary, options: Mapping[str, Any], *, lang: str = "en", file=None) -> Boundary:
    """Apply ``buffer_m``, ``simplify_m`` and ``fill_holes_below_ha`` from a recipe's [boundary] (``file``: the recipe, for messages)."""
    buffer_m = options.get("buffer_m")
    simplify_m = options.get("simplify_m")
    holes_ha = options.get("fill_holes_below_ha")
    if not (buffer_m or simplify_m or holes_ha):
        return boundary
    geom = boundary.geometry
    notes = []
    if holes_ha:  # before any buffer, which would shrink the holes
        before = sum(len(p.interiors) for p in shapely.get_parts(geom))
        geom = _fill_holes(geom, holes_ha)
        filled = before - sum(len(p.interiors) for p in shapely.get_parts(geom))
        if filled:
            notes.append(Text("{n} hole under {max_ha:,.0f} ha filled", "{n} holes under {max_ha:,.0f} ha filled",
                              {"n": filled, "max_ha": float(holes_ha)}))
    if buffer_m or simplify_m:
        crs = geodesy.equal_area_crs(geom)
        local = gpd.GeoSeries([geom], crs=4326).to_crs(crs).iloc[0]
        if buffer_m:
            local = local.buffer(buffer_m, quad_segs=16)
            notes.append(Text("buffered by {distance_m:,.0f} m", params={"distance_m": float(buffer_m)}))
        if simplify_m:
            local = shapely.simplify(local, simplify_m, preserve_topology=True)
            notes.append(Text("simplified to {distance_m:,.0f} m", params={"distance_m": float(simplify_m)}))
        log.info(Text("boundary: buffer and simplification done in {crs}", params={"crs": crs.name}))
        geom = gpd.GeoSeries([local], crs=crs).to_crs(4326).iloc[0]
    geom = shapely.make_valid(geom) if not geom.is_valid else geom
    if geom.is_empty:
        raise DelineationError(Text("{file}: [boundary] buffer_m = {buffer_m} leaves nothing of the boundary; use a smaller negative buffer",
                                    params={"file": str(file) if file is not None else "recipe", "buffer_m": str(buffer_m)}))
    text = Text("{parts:join}", params={"parts": [boundary.definition_text or boundary.definition, *notes]})
    return dataclasses.replace(boundary, geometry=geodesy.orient(geom), definition=text.render(lang), definition_text=text)


OPERATIONS = ("union", "intersection", "difference")


#: A combination that leaves nothing, by operation.
_EMPTY = {
    "union": N_("the union of the {n} boundaries is empty; check that they overlap"),
    "intersection": N_("the intersection of the {n} boundaries is empty; check that they overlap"),
    "difference": N_("the difference of the {n} boundaries is empty; check that they overlap"),
}


def _combined(operation: str, parts: list) -> Text:
    """The definition of a combination of boundaries, as data."""
    numbered = [Text("({i:d}) {definition}", params={"i": i + 1, "definition": p}) for i, p in enumerate(parts)]
    if operation == "intersection":
        return Text("Intersection of {parts:join}", params={"parts": numbered})
    if operation == "difference":
        return Text("Difference of {parts:join}", params={"parts": numbered})
    return Text("Union of {parts:join}", params={"parts": numbered})


def combine_boundaries(boundaries, *, operation: str, lang: str = "en", definition: str | None = None) -> Boundary:
    """Union, intersection or difference (the first minus the others) of boundaries.

    The pieces are combined in EPSG:4326 (all boundaries are stored there); the
    result goes through :func:`finish_boundary` like every method.
    """
    geoms = [b.geometry for b in boundaries]
    if operation == "union":
        geom = shapely.union_all(geoms)
    elif operation == "intersection":
        geom = shapely.intersection_all(geoms)
    else:
        geom = shapely.difference(geoms[0], shapely.union_all(geoms[1:]))
    if geom.is_empty or geodesy.area_ha(geom) <= 0:
        raise DelineationError(Text(_EMPTY[operation], params={"n": len(geoms)}))
    text = None if definition else _combined(operation, [b.definition_text or b.definition for b in boundaries])
    sentence = definition or text.render(lang)
    sources = tuple(s for b in boundaries for s in b.sources)
    details = {"operation": operation,
               "parts": [{"method": b.method, "definition": b.definition,
                          **({"definition_text": b.definition_text.to_dict()} if b.definition_text else {})} for b in boundaries]}
    checks = tuple(c for b in boundaries for c in b.checks)
    return finish_boundary(geom, 4326, method="combine", definition=sentence, sources=sources, details=details, checks=checks,
                           definition_text=text)


def boundary_from_recipe(recipe, _stack: tuple = (), *, delineate: Callable[[Recipe], Boundary]) -> Boundary:
    """``method = "combine"``: ``parts`` are other recipe files whose boundaries are combined.

    ``delineate`` makes each part's boundary (:func:`landgeo.delineate.delineate`, passed in so
    that this module does not import the dispatcher that imports it).
    """

    b = recipe.boundary
    stack = _stack + (recipe.path,)
    boundaries = []
    for part in b.get("parts", ()):
        if part.resolve() in stack:
            raise DelineationError(Text("{path}: [boundary] parts includes {name}, which leads back to this recipe; remove the loop", params={"path": str(recipe.path), "name": str(part.name)}))
        sub = read_recipe(part)
        sub = dataclasses.replace(sub, language=recipe.language)
        if sub.method == "combine":
            boundaries.append(postprocess(boundary_from_recipe(sub, stack, delineate=delineate), sub.boundary, lang=recipe.language, file=sub.path))
        else:
            boundaries.append(delineate(sub))
    if len(boundaries) < 2:
        raise DelineationError(Text('{path}: [boundary] method "combine" needs at least two recipe files in parts = ["a.toml", "b.toml"]', params={"path": str(recipe.path)}))
    return combine_boundaries(boundaries, operation=b.get("operation", "union"), lang=recipe.language, definition=b.get("definition"))
