"""Context on the sheet's main map: country outlines at the map's scale, international borders, country
and neighbouring-unit names, the user's ``[context]`` layers (settlements, roads, tracks, protected areas,
any line or polygon layer), protected areas and water bodies.

Layers come in EPSG:4326 with the columns :mod:`landgeo.attach` gives them: ``context_points``,
``context_lines``, ``context_polygons`` (``name``, ``priority``, ``kind``, ``layer``), ``admin_neighbours``
(``name``), ``protected_areas`` (``name``, ``desig``, ``iucn_cat``), ``water`` (``name``). Every label goes
through one :class:`~landgeo.render.labels_placement.Labeller`, highest priority first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from . import draw, style
from .context import country_borders, country_context, country_name
from .labels import label

HALO = [patheffects.withStroke(linewidth=2.2, foreground="white")]
BORDER, ROAD, TRACK, PROTECTED, WATER_FILL, LINE = (style.BORDER, style.ROAD, style.TRACK, style.PROTECTED,
                                                    style.WATER_FILL, style.LINE)
#: Label priority tiers (higher wins): countries, the landscape's admin units, settlements (by their own
#: priority within the tier), neighbouring units, rivers, other features.
COUNTRY_PRIORITY = 5e12
ADMIN_PRIORITY = 4e12
SETTLEMENT_PRIORITY = 3e12
NEIGHBOUR_PRIORITY = 2e12
RIVER_PRIORITY = 1.5e12
FEATURE_PRIORITY = 1e12


def map_scale(ax, extent) -> float:
    """The scale denominator (1 : N) of a map axes showing ``extent`` (minx, maxx, miny, maxy), at mid-latitude."""
    minx, maxx, miny, maxy = extent
    lat = (miny + maxy) / 2
    width_m = (maxx - minx) * 111_320.0 * math.cos(math.radians(lat))
    width_in = ax.get_position().width * ax.figure.get_size_inches()[0]
    return width_m / max(width_in * 0.0254, 1e-6)


def outlines_at_scale(geom, bounds, rect, fig, pad: float = 0.08):
    """Country outlines for a main map at ``rect`` (figure fraction) showing ``bounds``: 1:10m at 1:20 M or larger."""
    fig_w, _ = fig.get_size_inches()
    minx, miny, maxx, maxy = bounds
    lat = (miny + maxy) / 2
    width_m = (maxx - minx) * (1 + 2 * pad) * 111_320.0 * math.cos(math.radians(lat))
    denominator = width_m / max(rect[2] * fig_w * 0.0254, 1e-6)
    span = max(maxx - minx, maxy - miny)
    return country_context(geom, margin_deg=max(1.0, 1.5 * span), scale_denominator=denominator)


def draw_borders(ax, extent) -> bool:
    """International land borders in view, drawn as a border (dark dash-dot over a white casing)."""
    minx, maxx, miny, maxy = extent
    borders = country_borders((minx, miny, maxx, maxy))
    if borders is None:
        return False
    geoms = borders.geometry.values
    a = draw.lines(ax, geoms, extent, color="white", linewidth=3.0, zorder=5.4, alpha=0.9)
    b = draw.lines(ax, geoms, extent, color=BORDER, linewidth=1.3, zorder=5.5, linestyle=(0, (6, 2, 1.2, 2)),
                   capstyle="butt")
    return a is not None or b is not None


def label_countries(labeller, context, extent, lang: str, landscape=None) -> None:
    """Queue the names of the countries that fill a visible part of the map (upper case, spaced), off the landscape."""
    if context is None or not len(context):
        return
    minx, maxx, miny, maxy = extent
    view = shapely.box(minx, miny, maxx, maxy)
    code_field = "iso_a3" if "iso_a3" in context.columns else None
    parts = shapely.intersection(context.geometry.values, view)
    if landscape is not None and not landscape.is_empty:  # a country's name goes beside the landscape, not on it
        keep_off = shapely.simplify(landscape, 0.002 * (maxx - minx)).buffer(0.02 * (maxx - minx))
        parts = shapely.difference(parts, keep_off)
    for i, part in enumerate(parts):
        if part.is_empty or part.area < 0.04 * view.area:
            continue
        code = context[code_field].iloc[i] if code_field else None
        if code and str(code) not in ("-99", "None"):
            name = country_name(code, lang)
        elif "name" in context.columns and context["name"].iloc[i]:
            name = str(context["name"].iloc[i])  # Natural Earth gives some countries no ISO code (-99)
        else:
            continue
        pt = shapely.point_on_surface(max(shapely.get_parts(part), key=lambda g: g.area))
        labeller.add(pt.x, pt.y, " ".join(name.upper()) if len(name) < 14 else name.upper(),
                     priority=COUNTRY_PRIORITY + part.area, fontsize=8.5, color="#7a7a7a", fontweight="bold",
                     zorder=14, path_effects=HALO)


def draw_land(ax, extent, context, land_geoms) -> None:
    """Coastlines of the country outlines, but not across the user's own land (landscape, admin units).

    The bundled outlines are generalised (1:10m: ≈ 1 km); where the user's layers reach further into
    the sea, their land is filled as land and the outline's coast is not drawn over it.
    """
    geoms = [g for g in land_geoms if g is not None and not g.is_empty]
    land = shapely.union_all(geoms) if geoms else None
    if land is not None:
        draw.polygons(ax, [land], extent, facecolor=style.CONTEXT_FILL, edgecolor="none", zorder=0.2)
    if context is None or not len(context):
        return
    tol = draw.pixel_deg(ax, extent) / 2
    _, outlines = draw.prepare(shapely.boundary(context.geometry.values), extent, tol)
    coast = shapely.union_all(outlines) if len(outlines) else None
    if coast is None:
        return
    if land is not None:
        coast = shapely.difference(coast, shapely.simplify(land, tol).buffer(tol))
    draw.lines(ax, [coast], extent, color=style.CONTEXT_EDGE, linewidth=0.6, zorder=0.3, tolerance=0)


def draw_neighbours(ax, extent, neighbours, labeller) -> None:
    """Neighbouring administrative units: thin dotted outlines, their names in grey italics."""
    if neighbours is None or not len(neighbours):
        return
    draw.lines(ax, shapely.boundary(neighbours.geometry.values), extent, color=style.ADMIN, linewidth=0.5,
               linestyle=(0, (1, 2)), zorder=4.8, alpha=0.8)
    _label_areas(labeller, neighbours, extent, color="#808080", priority=NEIGHBOUR_PRIORITY, min_share=0.005,
                 fontsize=6.5)


def _kinds(gdf) -> np.ndarray:
    return gdf["kind"].astype(str).to_numpy() if "kind" in gdf.columns else np.full(len(gdf), "")


def draw_user_context(ax, extent, layers: Mapping[str, Any], labeller, lang: str) -> list:
    """The ``[context]`` layers, protected areas and water; returns legend handles."""
    handles: list = []
    polys = layers.get("context_polygons")
    protected = layers.get("protected_areas")
    water = layers.get("water")
    lines_ = layers.get("context_lines")
    points = layers.get("context_points")

    if water is not None and len(water):
        draw.polygons(ax, water.geometry.values, extent, facecolor=WATER_FILL, edgecolor=style.RIVER, linewidth=0.4,
                      zorder=2.6)
        handles.append(Patch(facecolor=WATER_FILL, edgecolor=style.RIVER, linewidth=0.4, label=label("water", lang)))
        _label_areas(labeller, water, extent, color=style.RIVER, priority=FEATURE_PRIORITY)

    pa_sets = []
    if protected is not None and len(protected):
        pa_sets.append((protected, label("protected_areas", lang)))
    if polys is not None and len(polys):
        kinds = _kinds(polys)
        if (kinds == "protected_areas").any():
            pa_sets.append((polys[kinds == "protected_areas"], None))
        other = polys[kinds != "protected_areas"]
        for title, group in other.groupby("layer", sort=False) if "layer" in other.columns and len(other) else []:
            draw.polygons(ax, group.geometry.values, extent, facecolor="none", edgecolor=LINE, linewidth=0.6,
                          zorder=4.5)
            handles.append(Patch(facecolor="none", edgecolor=LINE, linewidth=0.6, label=str(title)))
            _label_areas(labeller, group, extent, color=LINE, priority=FEATURE_PRIORITY)
    for gdf, title in pa_sets:
        draw.polygons(ax, gdf.geometry.values, extent, facecolor=PROTECTED, edgecolor="none", alpha=0.14, zorder=2.7)
        draw.lines(ax, shapely.boundary(gdf.geometry.values), extent, color=PROTECTED, linewidth=0.9, zorder=4.6)
        if title:
            handles.append(Patch(facecolor=(0.106, 0.471, 0.216, 0.14), edgecolor=PROTECTED, linewidth=0.9, label=title))
        _label_areas(labeller, gdf, extent, color=PROTECTED, priority=FEATURE_PRIORITY + 0.5)
    if len(pa_sets) and not any(t for _, t in pa_sets):
        handles.append(Patch(facecolor=(0.106, 0.471, 0.216, 0.14), edgecolor=PROTECTED, linewidth=0.9,
                             label=label("protected_areas", lang)))

    if lines_ is not None and len(lines_):
        kinds = _kinds(lines_)
        for kind, colour, width, dash, casing in (("roads", ROAD, 1.1, "solid", True), ("tracks", TRACK, 0.7,
                                                  (0, (3, 1.6)), False)):
            group = lines_[kinds == kind]
            if not len(group):
                continue
            if casing:
                draw.lines(ax, group.geometry.values, extent, color="white", linewidth=width + 1.2, zorder=6.4)
            draw.lines(ax, group.geometry.values, extent, color=colour, linewidth=width, linestyle=dash, zorder=6.5)
            handles.append(Line2D([], [], color=colour, linewidth=width, linestyle=dash, label=_layer_title(group, kind, lang)))
        other = lines_[~np.isin(kinds, ("roads", "tracks"))]
        for title, group in other.groupby("layer", sort=False) if "layer" in other.columns and len(other) else []:
            draw.lines(ax, group.geometry.values, extent, color=LINE, linewidth=0.7, zorder=6.3)
            handles.append(Line2D([], [], color=LINE, linewidth=0.7, label=str(title)))

    if points is not None and len(points):
        handles += _draw_settlements(ax, extent, points, labeller, lang)
    return handles


def _layer_title(group, kind: str, lang: str) -> str:
    if "layer" in group.columns and len(group) and group["layer"].iloc[0]:
        return str(group["layer"].iloc[0])
    return label(kind, lang)


def _label_areas(labeller, gdf, extent, *, color, priority, min_share: float = 0.003, fontsize: float = 6.2) -> None:
    """Queue italic names of the areas showing at least ``min_share`` of the view, larger parts first."""
    if "name" not in gdf.columns:
        return
    minx, maxx, miny, maxy = extent
    view = shapely.box(minx, miny, maxx, maxy)
    visible = shapely.intersection(gdf.geometry.values, view)
    for name, part in zip(gdf["name"], visible):
        if name is None or part.is_empty or part.area < min_share * view.area or not str(name).strip():
            continue
        pt = shapely.point_on_surface(part)
        labeller.add(pt.x, pt.y, str(name), priority=priority + part.area / view.area, fontsize=fontsize, color=color,
                     style="italic", zorder=14, path_effects=HALO)


def _draw_settlements(ax, extent, points, labeller, lang: str) -> list:
    """Settlement dots in three sizes by priority (population or rank), labels by priority."""
    minx, maxx, miny, maxy = extent
    xy = shapely.get_coordinates(shapely.point_on_surface(points.geometry.values))
    inside = (xy[:, 0] >= minx) & (xy[:, 0] <= maxx) & (xy[:, 1] >= miny) & (xy[:, 1] <= maxy)
    pts = points[inside]
    xy = xy[inside]
    if not len(pts):
        return []
    prio = pts["priority"].astype(float).fillna(0.0).to_numpy() if "priority" in pts.columns else np.zeros(len(pts))
    if len(np.unique(prio)) > 1:
        cuts = np.quantile(prio, [0.6, 0.9])
        tier = (prio >= cuts[0]).astype(int) + (prio >= cuts[1]).astype(int)
    else:
        tier = np.ones(len(pts), dtype=int)
    sizes = np.array([6.0, 12.0, 22.0])[tier]
    ax.scatter(xy[:, 0], xy[:, 1], s=sizes, c="#1a1a1a", edgecolors="white", linewidths=0.6, zorder=12.5)
    names = pts["name"].to_numpy() if "name" in pts.columns else [None] * len(pts)
    fonts = (6.0, 6.8, 8.0)
    for (x, y), name, p, t in zip(xy, names, prio, tier):
        if name is None or (isinstance(name, float) and math.isnan(name)):
            continue
        labeller.add(x, y, str(name), priority=SETTLEMENT_PRIORITY + float(np.clip(p, -1e11, 1e11)), point=True, fontsize=fonts[t], color="#1a1a1a",
                     fontweight="bold" if t == 2 else "normal", zorder=16, path_effects=HALO)
    return [Line2D([], [], marker="o", linestyle="none", markersize=4, markerfacecolor="#1a1a1a",
                   markeredgecolor="white", label=_layer_title(pts, "settlements", lang))]
