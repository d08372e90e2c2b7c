"""``method = "file"``: a boundary someone drew (GPKG, SHP, GeoJSON, KML/KMZ, GPX…).

Polygons are dissolved. A drawing made of closed lines (a path traced in
Google Earth, a GPS track walked around the area) is turned into polygons; an
open line is refused with the fix.
"""

from __future__ import annotations

import shapely

from ..boundary import Boundary, Source, finish_boundary
from ..errors import LayerError, RecipeError
from ..i18n import Text
from ..io.vector import POLYGONAL, read_vector, report_of

CLOSE_TOLERANCE_DEG = 1e-6


def _polygons_from_lines(gdf, label: str) -> list:
    """Polygons enclosed by the closed lines of ``gdf``; open lines are an error."""
    lines = [g for g in shapely.get_parts(gdf.geometry.values) if g.geom_type in ("LineString", "LinearRing")]
    if not lines:
        kinds = ", ".join(sorted(set(gdf.geom_type)))
        raise LayerError(f"{label}: has {kinds} geometries; a drawn boundary needs polygons or closed lines")
    polys = []
    for line in lines:
        coords = list(line.coords)
        gap = shapely.Point(coords[0]).distance(shapely.Point(coords[-1]))
        if len(coords) < 4 or gap > CLOSE_TOLERANCE_DEG:
            raise LayerError(f"{label}: a line is not closed (its ends are {gap:.5f}° apart); close the path where it started, or draw a polygon")
        polys.extend(shapely.get_parts(shapely.make_valid(shapely.Polygon(coords))))
    return [p for p in polys if p.geom_type in POLYGONAL]


def boundary_from_layer(gdf, *, label: str, lang: str = "en", definition: str | None = None) -> Boundary:
    """Dissolve every polygon (or closed line) of a drawn layer into one boundary."""
    polygonal = gdf.geom_type.isin(POLYGONAL)
    geoms = list(gdf.geometry[polygonal]) if polygonal.any() else _polygons_from_lines(gdf, label)
    n = len(geoms)
    if polygonal.any():
        text = Text("Boundary drawn in {layer} ({n} polygon)", "Boundary drawn in {layer} ({n} polygons)", {"layer": label, "n": n})
    else:
        text = Text("Boundary drawn in {layer} ({n} closed line)", "Boundary drawn in {layer} ({n} closed lines)",
                    {"layer": label, "n": n})
    sentence = definition or text.render(lang)
    return finish_boundary(geoms, gdf.crs, method="file", definition=sentence, sources=(Source(label, n),),
                           definition_text=None if definition else text)


def boundary_from_recipe(recipe) -> Boundary:
    b = recipe.boundary
    if "path" not in b:
        raise RecipeError(f"{recipe.path}: [boundary] method \"file\" needs path = \"…\", the drawn boundary file")
    gdf = read_vector(b["path"], layer=b.get("layer"), crs=b.get("crs"), x=b.get("x"), y=b.get("y"))
    return boundary_from_layer(gdf, label=report_of(gdf).label, lang=recipe.language, definition=b.get("definition"))
