"""Watershed marks on the sheet: the stream network from flow accumulation and the outlet, given and snapped.

The outlet comes from ``profile["boundary"]["details"]``: ``outlet_given`` / ``outlet_snapped`` and
``snap_distance_m`` (older profiles: ``outlet_requested`` / ``outlet``, and ``snapped_m`` for basins).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import shapely
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..i18n import fmt_number
from . import draw, style
from .labels import label

STREAM_WIDTHS = {1: 0.45, 2: 0.8, 3: 1.3}


def outlet_points(profile: Mapping[str, Any]) -> tuple[list | None, list | None, float | None]:
    """(given [lon, lat], snapped [lon, lat], snapping distance in m) from a profile; ``None`` where unknown."""
    details = ((profile or {}).get("boundary") or {}).get("details") or {}
    given = details.get("outlet_given") or details.get("outlet_requested")
    snapped = details.get("outlet_snapped")
    if snapped is None and details.get("outlet_requested") is not None:
        snapped = details.get("outlet")
    if given is None and snapped is None and details.get("outlet") is not None:
        given = details.get("outlet")  # basins: the point given; the unit it fell in is the snapped place
    dist = details.get("snap_distance_m", details.get("snapped_m"))

    def ok(p):
        return [float(p[0]), float(p[1])] if isinstance(p, (list, tuple)) and len(p) == 2 else None

    return ok(given), ok(snapped), (float(dist) if dist is not None else None)


#: The finest stream classes are left out while the network in view is longer than this many map widths.
MAX_STREAM_WIDTHS = 30.0


def readable_classes(streams, extent) -> list[int]:
    """The size classes to draw: all of them unless the network would be longer than :data:`MAX_STREAM_WIDTHS`
    map widths, in which case the finest classes are dropped (the sheet says from which accumulation it draws)."""

    minx, maxx, miny, maxy = extent
    sizes = streams["size"].astype(int).to_numpy() if "size" in streams.columns else np.ones(len(streams), int)
    clipped = shapely.clip_by_rect(streams.geometry.values, minx, miny, maxx, maxy)
    length = {int(s): float(shapely.length(clipped[sizes == s]).sum()) for s in np.unique(sizes)}
    keep = sorted(length)
    while len(keep) > 1 and sum(length[s] for s in keep) > MAX_STREAM_WIDTHS * (maxx - minx):
        keep = keep[1:]
    return keep


def draw_streams(ax, extent, streams, lang: str, threshold: int | None) -> list:
    """The stream lines (width by size class, the finest dropped when too dense); returns legend handles."""
    if streams is None or not len(streams):
        return []
    keep = readable_classes(streams, extent)
    sizes = streams["size"].astype(int).to_numpy() if "size" in streams.columns else np.ones(len(streams), int)
    shown = streams[np.isin(sizes, keep)]
    draw.lines(ax, shown.geometry.values, extent, color="#4a90c2",
               linewidth=[STREAM_WIDTHS.get(int(s), 0.6) for s in sizes[np.isin(sizes, keep)]], zorder=5.8, alpha=0.95)
    drawn_from = None
    if "min_cells" in shown.columns and len(shown):
        drawn_from = int(shown["min_cells"].min())
    elif threshold:
        drawn_from = int(threshold) * 10 ** (min(keep) - 1)
    text = label("streams", lang).format(n=fmt_number(drawn_from, lang)) if drawn_from else label("rivers", lang)
    return [Line2D([], [], color="#4a90c2", linewidth=0.8, label=text)]


def draw_outlet(ax, profile: Mapping[str, Any], lang: str) -> list:
    """The outlet given (open circle) and snapped (filled), joined by a line; returns legend handles."""
    given, snapped, dist = outlet_points(profile)
    handles = []
    if given is not None and snapped is not None and given != snapped:
        ax.plot([given[0], snapped[0]], [given[1], snapped[1]], color="black", linewidth=0.8, zorder=17,
                linestyle=(0, (2, 1.5)))
    if given is not None:
        ax.scatter([given[0]], [given[1]], s=46, facecolors="white", edgecolors="black", linewidths=1.2, zorder=18,
                   marker="o")
        handles.append(Line2D([], [], marker="o", linestyle="none", markersize=6, markerfacecolor="white",
                              markeredgecolor="black", label=label("outlet_given", lang)))
    if snapped is not None:
        ax.scatter([snapped[0]], [snapped[1]], s=40, c=style.BOUNDARY, edgecolors="white", linewidths=0.9, zorder=19,
                   marker="D")
        text = label("outlet_snapped", lang).format(d=fmt_number(round(dist), lang) if dist is not None else "?")
        handles.append(Line2D([], [], marker="D", linestyle="none", markersize=5.5, markerfacecolor=style.BOUNDARY,
                              markeredgecolor="white", label=text))
    return handles


def draw_basin_units(ax, extent, units, lang: str) -> list:
    """Basin units around a basins watershed: traced ones outlined in blue, the outlet unit tinted, others dotted."""
    if units is None or not len(units):
        return []

    inside = units["inside"].astype(bool).to_numpy() if "inside" in units.columns else np.zeros(len(units), bool)
    outlet = units["outlet"].astype(bool).to_numpy() if "outlet" in units.columns else np.zeros(len(units), bool)
    edges = shapely.boundary(units.geometry.values)
    draw.lines(ax, edges[~inside], extent, color="#8aa9c4", linewidth=0.4, linestyle=(0, (1, 1.5)), zorder=4.7)
    draw.lines(ax, edges[inside], extent, color="#4a90c2", linewidth=0.6, zorder=4.9)
    handles = [Line2D([], [], color="#4a90c2", linewidth=0.6, label=label("basin_units", lang))]
    if outlet.any():
        draw.polygons(ax, units.geometry.values[outlet], extent, facecolor=style.BOUNDARY, edgecolor="none",
                      alpha=0.18, zorder=4.9)
        handles.append(Patch(facecolor=style.BOUNDARY, alpha=0.18, edgecolor="none", label=label("outlet_unit", lang)))
    return handles
