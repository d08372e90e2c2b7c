"""The map frame every map page draws in: map axes, vector layers, scale bar, north arrow, graticule, labels.

The profile sheet, the comparison sheet, the atlas's index map and the change page's small multiples
all use these (public) functions. Maps are drawn in geographic coordinates (EPSG:4326) with the
aspect ratio set to 1/cos(latitude), so ticks read in degrees; the scale bar's length is geodesic.
Labels go through one :class:`Labeller` per map (greedy, by priority; a colliding label is dropped).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.collections import LineCollection
from matplotlib.lines import TICKDOWN, TICKLEFT, TICKRIGHT, TICKUP, Line2D
from matplotlib.patches import Polygon as MplPolygon
from matplotlib.patches import Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Bbox

from ..geo import geodesy
from ..i18n import fmt_number
from . import draw, layout, style
from .labels import (
    label,
)
from .labels_placement import Labeller

__all__ = ["HALO", "Labeller", "draw_geoms", "field_named", "finish_map_axes", "geometry_path",
           "km_per_degree_lon", "map_axes", "map_extent", "reserve_frame_marks"]

HALO = [patheffects.withStroke(linewidth=2.2, foreground="white")]


def field_named(gdf: gpd.GeoDataFrame, candidates: Sequence[str]) -> str | None:
    lower = {str(c).lower(): c for c in gdf.columns if c != gdf.geometry.name}
    for cand in candidates:
        if cand in lower:
            return lower[cand]
    return None

def _poly_paths(geom) -> list[np.ndarray]:
    """Exterior and interior rings of polygonal geometries as coordinate arrays."""
    rings = []
    for part in getattr(geom, "geoms", [geom]):
        if part.geom_type == "Polygon":
            rings.append(np.asarray(part.exterior.coords))
            rings.extend(np.asarray(r.coords) for r in part.interiors)
        elif part.geom_type == "MultiPolygon" or part.geom_type == "GeometryCollection":
            rings.extend(_poly_paths(part))
    return rings

def geometry_path(geom) -> MplPath | None:
    """A matplotlib compound path of a (multi)polygon (holes included), for clipping."""
    rings = _poly_paths(geom)
    if not rings:
        return None
    verts, codes = [], []
    for ring in rings:
        verts.append(ring[:, :2])
        c = np.full(len(ring), MplPath.LINETO, dtype=np.uint8)
        c[0] = MplPath.MOVETO
        c[-1] = MplPath.CLOSEPOLY
        codes.append(c)
    return MplPath(np.concatenate(verts), np.concatenate(codes))

def nice_length_km(max_km: float) -> float:
    """The largest 1-2-5 × 10^n length not above ``max_km``."""
    if max_km <= 0:
        return 1.0
    exp = math.floor(math.log10(max_km))
    for m in (5, 2, 1):
        if m * 10 ** exp <= max_km:
            return m * 10 ** exp
    return 10 ** exp

def km_per_degree_lon(lat: float) -> float:
    """Geodesic length of 1° of longitude along the parallel ``lat`` (km), from a short step."""
    step = 0.01
    _, _, d = geodesy.GEOD.inv(0.0, lat, step, lat)
    return d / 1000.0 / step

def draw_geoms(ax, gdf, **kw) -> None:
    """Draw the polygons or lines of ``gdf`` (GeoDataFrame or GeoSeries) on ``ax``, whose limits must be set.

    Clipped to the view and simplified to half an output pixel (:mod:`landgeo.render.draw`); polygons take
    ``facecolor``/``color`` (one or one per row), ``edgecolor``, ``linewidth``; lines take ``color``.
    """
    geoms = np.asarray(getattr(gdf, "geometry", gdf).values, dtype=object)
    extent = (*ax.get_xlim(), *ax.get_ylim())
    kinds = shapely.get_type_id(geoms)
    common = {k: kw[k] for k in ("alpha", "zorder", "linestyle") if k in kw}
    if len(geoms) and np.isin(kinds, (3, 6)).any():  # polygons
        draw.polygons(ax, geoms, extent, facecolor=kw.get("facecolor", kw.get("color", "none")),
                      edgecolor=kw.get("edgecolor", "none"), linewidth=kw.get("linewidth", 0.5), **common)
    else:
        draw.lines(ax, geoms, extent, color=kw.get("color", kw.get("edgecolor", "black")),
                   linewidth=kw.get("linewidth", 1.0), **common)

def map_extent(bounds, ax_aspect_hw: float, pad: float = 0.08):
    """Padded (minx, maxx, miny, maxy) that fills an axes of height/width ratio ``ax_aspect_hw``."""
    minx, miny, maxx, maxy = bounds
    lat0 = (miny + maxy) / 2.0
    k = 1.0 / max(math.cos(math.radians(lat0)), 0.05)  # y scale relative to x
    w = max(maxx - minx, 1e-4)
    h = max(maxy - miny, 1e-4)
    w, h = w * (1 + 2 * pad), h * (1 + 2 * pad)
    cx, cy = (minx + maxx) / 2.0, (miny + maxy) / 2.0
    # displayed height = h*k; want (h*k)/w == ax_aspect_hw
    if h * k / w < ax_aspect_hw:
        h = ax_aspect_hw * w / k
    else:
        w = h * k / ax_aspect_hw
    return cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2, k

def draw_scalebar(ax, extent, lang) -> None:
    minx, maxx, miny, maxy = extent
    lat = miny + 0.06 * (maxy - miny)
    kpd = km_per_degree_lon(lat)
    width_km = (maxx - minx) * kpd
    length = nice_length_km(width_km * 0.25)
    deg = length / kpd
    x0 = minx + 0.04 * (maxx - minx)
    y0 = miny + 0.045 * (maxy - miny)
    hgt = 0.012 * (maxy - miny)
    ax.add_patch(Rectangle((x0 - 0.015 * (maxx - minx), y0 - 0.035 * (maxy - miny)), deg + 0.06 * (maxx - minx),
                           0.085 * (maxy - miny), facecolor="white", edgecolor="none", alpha=0.85, zorder=20))
    n = 4 if length / 4 == int(length / 4) or length >= 4 else 2
    for i in range(n):
        ax.add_patch(Rectangle((x0 + i * deg / n, y0), deg / n, hgt, facecolor="black" if i % 2 == 0 else "white",
                               edgecolor="black", linewidth=0.5, zorder=21))
    for frac in (0.0, 0.5, 1.0):
        val = length * frac
        txt = fmt_number(val, lang, 0 if val == int(val) else 1)
        if frac == 1.0:
            txt += f" {label('scale_km', lang)}"
        ax.text(x0 + frac * deg, y0 + hgt * 1.6, txt, ha="center", va="bottom", fontsize=6.5, zorder=22)

def draw_north(ax, extent, lang) -> None:
    minx, maxx, miny, maxy = extent
    x = maxx - 0.05 * (maxx - minx)
    y1 = maxy - 0.055 * (maxy - miny)
    y0 = y1 - 0.07 * (maxy - miny)
    w = 0.018 * (maxx - minx)
    ax.add_patch(Rectangle((x - 2.1 * w, y0 - 0.015 * (maxy - miny)), 4.2 * w, (y1 - y0) + 0.075 * (maxy - miny),
                           facecolor="white", edgecolor="none", alpha=0.85, zorder=20))
    ax.add_patch(MplPolygon([(x - w, y0), (x, y1), (x, y0 + 0.25 * (y1 - y0))], closed=True, facecolor="black",
                            edgecolor="black", linewidth=0.6, zorder=21))
    ax.add_patch(MplPolygon([(x + w, y0), (x, y1), (x, y0 + 0.25 * (y1 - y0))], closed=True, facecolor="white",
                            edgecolor="black", linewidth=0.6, zorder=21))
    ax.text(x, y1 + 0.01 * (maxy - miny), label("north", lang), ha="center", va="bottom", fontsize=9,
            fontweight="bold", zorder=22)

def reserve_frame_marks(labeller, ax, extent) -> None:
    """Keep map labels off the corners where :func:`finish_map_axes` puts the scale bar and the north arrow."""

    minx, maxx, miny, maxy = extent
    w, h = maxx - minx, maxy - miny
    for x0, y0, x1, y1 in ((minx, miny, minx + 0.34 * w, miny + 0.13 * h), (maxx - 0.11 * w, maxy - 0.2 * h, maxx, maxy)):
        labeller.reserve(Bbox(ax.transData.transform([(x0, y0), (x1, y1)])))

def map_axes(fig, rect, bounds, *, context: gpd.GeoDataFrame | None = None, pad: float = 0.08, coast: bool = True):
    """Axes at ``rect`` (figure fraction) showing ``bounds`` (minx, miny, maxx, maxy in degrees) padded to fill it.

    The aspect is 1/cos(latitude), so distances look right; ``context`` (country outlines with an
    optional ``home`` column) is drawn as land over a sea-coloured background. Returns
    ``(ax, (minx, maxx, miny, maxy))``; finish the frame with :func:`finish_map_axes`.
    """
    ax = fig.add_axes(rect)
    fig_w, fig_h = fig.get_size_inches()
    minx, maxx, miny, maxy, k = map_extent(bounds, (rect[3] * fig_h) / (rect[2] * fig_w), pad=pad)
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect(k, adjustable="box")
    ax.set_autoscale_on(False)
    if context is not None and "home" in context.columns and not context["home"].any():
        context = None  # the landscape is on none of the countries: no land/sea to show
    if context is not None:
        ax.set_facecolor(style.SEA)
        draw_geoms(ax, context, facecolor=style.CONTEXT_FILL, edgecolor=style.CONTEXT_EDGE if coast else "none",
                    linewidth=0.6, zorder=0)
    else:
        ax.set_facecolor("#fbfaf7")
    return ax, (minx, maxx, miny, maxy)

def draw_graticule(ax, ticks, lang: str, *, labelsize: float | None = None, ylabels: bool = True) -> None:
    """Graticule lines, outward tick marks on the four sides and degree labels (bottom, and left unless not
    ``ylabels``), for ``ticks`` = {"x": (longitudes, step), "y": (latitudes, step)} in degrees.

    Drawn as a few plain artists where matplotlib's ticks made five per tick (two marks, a line, two
    labels), each measured, laid out and drawn on its own, and they look the same: the marks, lines
    and labels sit where matplotlib puts its ticks, in the sheet's tick style, below the map's layers.
    """
    axis_z = 1.5  # where matplotlib draws an axis (and so its grid) under the map's layers ("axes.axisbelow")
    ax.set_xticks([])
    ax.set_yticks([])
    for name, (values, step) in ticks.items():
        if not values:  # no line fits between the margins: the frame alone
            continue
        x = name == "x"
        size, width = mpl.rcParams[f"{name}tick.major.size"], mpl.rcParams[f"{name}tick.major.width"]
        colour = mpl.rcParams[f"{name}tick.color"]
        pad = 1.5 + size  # the tick labels' distance from the frame (points), as tick_params(pad=1.5) outward
        along = ax.get_xaxis_transform if x else ax.get_yaxis_transform  # (data, axes) or (axes, data)

        def at(v, edge, x=x):  # the point of the value v on the frame's edge 0 or 1, in ``along``'s coordinates
            return (v, edge) if x else (edge, v)

        grid = LineCollection([[at(v, 0), at(v, 1)] for v in values], colors="#888888", linewidths=0.35,
                              linestyles=[(0, (2, 3))], alpha=0.7, zorder=axis_z, transform=along())
        grid.set_clip_path(ax.patch)
        ax.add_collection(grid, autolim=False)
        for edge, where, marker in ((0, "tick1", TICKDOWN if x else TICKLEFT), (1, "tick2", TICKUP if x else TICKRIGHT)):
            ax.add_artist(Line2D(*zip(*(at(v, edge) for v in values)), linestyle="none", marker=marker,
                                 markersize=size, markeredgewidth=width, color=colour, zorder=axis_z, clip_on=False,
                                 transform=along(where)))
        if not x and not ylabels:
            continue
        trans, va, ha = ax.get_xaxis_text1_transform(pad) if x else ax.get_yaxis_text1_transform(pad)
        for v in values:
            ax.text(*at(v, 0), layout.dms(v, name, step, lang), transform=trans, ha=ha, va=va if x else "center",
                    rotation=0 if x else 90, zorder=axis_z, color=colour,
                    fontsize=labelsize or mpl.rcParams[f"{name}tick.labelsize"])


def finish_map_axes(ax, extent, lang: str, *, marks: bool = True, labelsize: float | None = None,
                    ylabels: bool = True) -> None:
    """Degree ticks (E/W, N/S; O for west in French), a dotted graticule, a north arrow and a km scale bar.

    ``extent`` is (minx, maxx, miny, maxy) of ``ax`` in degrees; the axes' aspect must already be set.
    ``marks=False`` leaves out the arrow and the bar (small multiples at one scale show them once);
    ``labelsize`` (points) overrides the tick labels' size; ``ylabels=False`` leaves out the latitudes.
    """
    # graticule step from the extent (seconds, minutes or degrees), at most one line per ~1.2 inch of axes
    fig_w, fig_h = ax.figure.get_size_inches()
    pos = ax.get_position()
    ticks = {}
    for name, lo, hi, inches in (("x", extent[0], extent[1], pos.width * fig_w),
                                 ("y", extent[2], extent[3], pos.height * fig_h)):
        n = max(2, min(6, int(inches / 1.2)))
        margin = 0.42 / inches * (hi - lo)  # half a label's length: no label sticks out past the frame
        for n_try in (n, n + 2):  # the margin can leave one line of n: then a finer step (lines ≥ 0.9 in apart)
            step = layout.graticule_step(hi - lo, n_try)
            values = [v for v in layout.graticule_ticks(lo, hi, max_ticks=n_try) if lo + margin <= v <= hi - margin]
            if len(values) >= min(3, n):
                break
        ticks[name] = (values, step)
    draw_graticule(ax, ticks, lang, labelsize=labelsize, ylabels=ylabels)
    if marks:
        draw_north(ax, extent, lang)
        draw_scalebar(ax, extent, lang)
