"""Vector layers onto matplotlib axes, clipped to the view and simplified to the output resolution.

``GeoDataFrame.plot`` redraws the whole figure on every call (``canvas.draw_idle``
with an Agg canvas) and draws every vertex; a sheet draws eight to twelve layers, so
that cost ≈ 1.5 s per sheet (measured, benchmarks/README.md "Render"). Here each
layer becomes one matplotlib collection of paths, after clipping to the view
(``shapely.clip_by_rect``) and simplifying to half an output pixel
(``shapely.simplify``, topology preserved): what is drawn is what can be seen.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.path import Path as MplPath

#: Pixels per inch of the finest output (the PNG); tolerances are half a pixel at this density.
OUTPUT_DPI = 200


def pixel_deg(ax, extent) -> float:
    """Size of one output pixel in degrees of longitude for axes ``ax`` showing ``extent`` (minx, maxx, …)."""
    fig = ax.figure
    width_in = ax.get_position().width * fig.get_size_inches()[0]
    return max((extent[1] - extent[0]) / max(width_in * OUTPUT_DPI, 1.0), 1e-9)


def prepare(geoms, extent, tolerance: float | None) -> tuple[np.ndarray, np.ndarray]:
    """(indices, geometries): those of ``geoms`` that reach ``extent`` (grown by 2 %), clipped to it and
    simplified by ``tolerance`` (degrees; 0 or ``None``: not simplified); empties dropped."""
    minx, maxx, miny, maxy = extent
    padx, pady = 0.02 * (maxx - minx), 0.02 * (maxy - miny)
    rect = (minx - padx, miny - pady, maxx + padx, maxy + pady)
    geoms = np.asarray(geoms, dtype=object)
    if not len(geoms):
        return np.zeros(0, dtype=int), geoms
    idx = np.flatnonzero(~(shapely.is_missing(geoms) | shapely.is_empty(geoms)))
    idx = idx[shapely.intersects(geoms[idx], shapely.box(*rect))]
    shown = geoms[idx]
    inside = shapely.contains_properly(shapely.box(*rect), shown)
    shown = np.where(inside, shown, shapely.clip_by_rect(shown, *rect))
    if tolerance:
        shown = shapely.simplify(shown, tolerance, preserve_topology=True)
    keep = ~shapely.is_empty(shown)
    return idx[keep], shown[keep]


def _rings(geom) -> list[np.ndarray]:
    out = []
    for part in shapely.get_parts(geom):
        if part.geom_type == "Polygon":
            out.append(shapely.get_coordinates(part.exterior))
            out.extend(shapely.get_coordinates(r) for r in part.interiors)
        elif part.geom_type in ("MultiPolygon", "GeometryCollection"):
            out.extend(_rings(part))
    return out


def polygon_path(geom) -> MplPath | None:
    """One compound path for a (multi)polygon, holes included (even-odd filling)."""
    rings = [r for r in _rings(geom) if len(r) >= 3]
    if not rings:
        return None
    codes = []
    for ring in rings:
        c = np.full(len(ring), MplPath.LINETO, dtype=np.uint8)
        c[0] = MplPath.MOVETO
        c[-1] = MplPath.CLOSEPOLY
        codes.append(c)
    return MplPath(np.concatenate(rings), np.concatenate(codes))


def _as_list(value, n: int) -> list:
    if value is None or isinstance(value, str) or np.ndim(value) == 0:
        return [value] * n
    return list(value)


def polygons(ax, geoms, extent, *, facecolor="none", edgecolor="none", linewidth: float = 0.5,
             alpha: float | None = None, zorder: float = 1, tolerance: float | None = None, linestyle="solid"):
    """Draw (multi)polygons as one :class:`~matplotlib.collections.PathCollection`; colours may be per geometry.

    ``tolerance`` (degrees) defaults to half an output pixel; returns the collection (or ``None`` if nothing shows).
    """
    geoms = np.asarray(geoms, dtype=object)
    n = len(geoms)
    faces, edges = _as_list(facecolor, n), _as_list(edgecolor, n)
    tol = pixel_deg(ax, extent) / 2 if tolerance is None else tolerance
    paths, fc, ec = [], [], []
    sel, shown = prepare(geoms, extent, tol)
    for i, g in zip(sel, shown):
        p = polygon_path(g)
        if p is None:
            continue
        paths.append(p)
        fc.append(faces[i])
        ec.append(edges[i])
    if not paths:
        return None
    coll = PathCollection(paths, facecolors=fc, edgecolors=ec, linewidths=linewidth, alpha=alpha, zorder=zorder,
                          linestyles=linestyle)
    ax.add_collection(coll, autolim=False)
    return coll


def _line_parts(geom) -> list[np.ndarray]:
    out = []
    for part in shapely.get_parts(geom):
        if part.geom_type in ("LineString", "LinearRing"):
            out.append(shapely.get_coordinates(part))
        elif part.geom_type == "Polygon":
            out.extend(_rings(part))
        elif part.geom_type in ("MultiLineString", "MultiPolygon", "GeometryCollection"):
            out.extend(_line_parts(part))
    return [c for c in out if len(c) >= 2]


def lines(ax, geoms, extent, *, color="black", linewidth: float | Sequence[float] = 1.0, alpha: float | None = None,
          zorder: float = 1, linestyle="solid", tolerance: float | None = None, capstyle: str = "round",
          path_effects=None):
    """Draw lines (or polygon outlines) as one :class:`~matplotlib.collections.LineCollection`.

    ``linewidth`` may be one value or one per geometry; returns the collection (or ``None``).
    """
    geoms = np.asarray(geoms, dtype=object)
    widths = _as_list(linewidth, len(geoms))
    tol = pixel_deg(ax, extent) / 2 if tolerance is None else tolerance
    segs, lw = [], []
    sel, shown = prepare(geoms, extent, tol)
    for i, s in zip(sel, shown):
        parts = _line_parts(s)
        segs.extend(parts)
        lw.extend([widths[i]] * len(parts))
    if not segs:
        return None
    coll = LineCollection(segs, colors=color, linewidths=lw, alpha=alpha, zorder=zorder, linestyles=linestyle,
                          capstyle=capstyle, joinstyle="round")
    if path_effects:
        coll.set_path_effects(path_effects)
    ax.add_collection(coll, autolim=False)
    return coll
