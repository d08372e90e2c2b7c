"""``method = "file"``: a boundary someone drew (GPKG, SHP, GeoJSON, KML/KMZ, GPX…).

Polygons are dissolved. A drawing made of closed lines (a path traced in
Google Earth, a GPS track walked around the area) is turned into polygons; an
open line is refused with the fix.
"""

from __future__ import annotations

import warnings

import shapely

from ..boundary import Boundary, Source, finish_boundary
from ..errors import DataWarning, LayerError, RecipeError
from ..i18n import Text
from ..io.vector import POLYGONAL, RECIPE_OPTIONS, OptionNames, read_vector, report_of

CLOSE_TOLERANCE_DEG = 1e-6


def _is_closed(line) -> tuple[bool, float]:
    """Whether a line closes on itself (ends within :data:`CLOSE_TOLERANCE_DEG`), and the gap (degrees)."""
    coords = list(line.coords)
    gap = shapely.Point(coords[0]).distance(shapely.Point(coords[-1])) if coords else 0.0
    return len(coords) >= 4 and gap <= CLOSE_TOLERANCE_DEG, gap


def _drawn_parts(gdf, label: str) -> tuple[list, int, int]:
    """The areas a drawing encloses, as ``(polygons, n_polygons, n_closed_lines)``.

    Polygons are kept and closed lines become polygons, whichever of the two a
    file mixes. Points and open lines enclose nothing: they are skipped and
    counted in a note (a :class:`DataWarning`), never dropped silently; a drawing
    with no area at all is an error that says why.
    """
    parts = [p for g in gdf.geometry.values if g is not None for p in shapely.get_parts(g)]
    parts = [q for p in parts for q in (shapely.get_parts(p) if p.geom_type == "GeometryCollection" else [p])]
    polygons = [p for p in parts if p.geom_type in POLYGONAL]
    lines = [p for p in parts if p.geom_type in ("LineString", "LinearRing")]
    points = [p for p in parts if p.geom_type == "Point"]
    closed, open_gaps = [], []
    for line in lines:
        ok, gap = _is_closed(line)
        (closed.append(line) if ok else open_gaps.append(gap))
    if not polygons and not closed:
        report = report_of(gdf)
        if report is not None and report.repaired:  # make_valid turns a polygon with no area into a line
            raise LayerError(Text("{label}: a polygon has no area (its points lie on one line, so repairing it leaves a "
                                  "line); draw the boundary with at least three points that are not on one line",
                                  params={"label": str(label)}))
        if open_gaps:
            raise LayerError(Text("{label}: a line is not closed (its ends are {value:.5f}° apart); close the path where it started, or draw a polygon", params={"label": str(label), "value": max(open_gaps)}))
        kinds = ", ".join(sorted(set(gdf.geom_type.dropna()))) or "no"
        raise LayerError(Text("{label}: has {kinds} geometries; a drawn boundary needs polygons or closed lines", params={"label": str(label), "kinds": str(kinds)}))
    if points:
        warnings.warn(DataWarning(Text("{layer}: {n} point skipped (a drawn boundary is made of polygons or closed lines)",
                                       "{layer}: {n} points skipped (a drawn boundary is made of polygons or closed lines)",
                                       {"layer": label, "n": len(points)})), stacklevel=3)
    if open_gaps:
        warnings.warn(DataWarning(Text("{layer}: {n} open line skipped (its ends do not meet, so it encloses no area)",
                                       "{layer}: {n} open lines skipped (their ends do not meet, so they enclose no area)",
                                       {"layer": label, "n": len(open_gaps)})), stacklevel=3)
    from_lines = [q for line in closed for q in shapely.get_parts(shapely.make_valid(shapely.Polygon(line.coords)))]
    return polygons + [q for q in from_lines if q.geom_type in POLYGONAL], len(polygons), len(closed)


def boundary_from_layer(gdf, *, label: str, lang: str = "en", definition: str | None = None) -> Boundary:
    """Dissolve every polygon and closed line of a drawn layer into one boundary (points and open lines are noted)."""
    geoms, n_polygons, n_lines = _drawn_parts(gdf, label)
    if n_polygons and n_lines:
        text = Text("Boundary drawn in {layer} ({polygons} polygons and closed lines)",
                    params={"layer": label, "polygons": n_polygons + n_lines})
        n = n_polygons + n_lines
    elif n_polygons:
        n = int(gdf.geom_type.isin(POLYGONAL).sum())
        text = Text("Boundary drawn in {layer} ({n} polygon)", "Boundary drawn in {layer} ({n} polygons)", {"layer": label, "n": n})
    else:
        n = n_lines
        text = Text("Boundary drawn in {layer} ({n} closed line)", "Boundary drawn in {layer} ({n} closed lines)",
                    {"layer": label, "n": n})
    sentence = definition or text.render(lang)
    return finish_boundary(geoms, gdf.crs, method="file", definition=sentence, sources=(Source(label, n),),
                           definition_text=None if definition else text)


def read_drawn(path, *, layer: str | None = None, crs=None, x: str | None = None, y: str | None = None,
               options: OptionNames = RECIPE_OPTIONS):
    """Read a boundary file the way every command does (``profile``, ``check``, ``compare``, a previous boundary).

    Any geometry type is read (closed lines become polygons in
    :func:`boundary_from_layer`); a file with several layers opens on its
    ``boundary`` layer when it has one (landgeo's own boundary.gpkg). Messages
    name the options as the user of the command writes them (``options``).
    """
    return read_vector(path, layer=layer, crs=crs, x=x, y=y, options=options, prefer_layer="boundary")


def boundary_from_file(path, *, layer: str | None = None, crs=None, x: str | None = None, y: str | None = None,
                       lang: str = "en", definition: str | None = None, options: OptionNames = RECIPE_OPTIONS) -> Boundary:
    """:func:`read_drawn` then :func:`boundary_from_layer`: the boundary a drawn file holds.

    Notes of the reading (e.g. "1 invalid geometry repaired") are given only when a boundary is
    made: a drawing refused with an error gets that one message.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gdf = read_drawn(path, layer=layer, crs=crs, x=x, y=y, options=options)
        boundary = boundary_from_layer(gdf, label=report_of(gdf).label, lang=lang, definition=definition)
    for w in caught:
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return boundary


def boundary_from_recipe(recipe) -> Boundary:
    b = recipe.boundary
    if "path" not in b:
        raise RecipeError(Text('{path}: [boundary] method "file" needs path = "…", the drawn boundary file', params={"path": str(recipe.path)}))
    return boundary_from_file(b["path"], layer=b.get("layer"), crs=b.get("crs"), x=b.get("x"), y=b.get("y"),
                              lang=recipe.language, definition=b.get("definition"))
