"""The profile sheet's main map: fills (basemap, land cover or ecosystems, relief), lines, sites, labels."""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.colors import same_color
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch

from ..i18n import translator
from ..io.raster import READ_ERRORS
from . import context_layers, draw, hydro_marks, skipped, style
from .basemap import draw_basemap
from .frame import HALO, draw_geoms, field_named, finish_map_axes, geometry_path, km_per_degree_lon, map_axes, reserve_frame_marks
from .labels import (
    label,
)
from .labels_placement import Labeller
from .raster import hillshade, landcover_rgba, read_window

log = logging.getLogger(__name__)

def _landcover_image(ax, path, extent, clip, profile, legend_classes: dict, lang: str) -> None:
    minx, maxx, miny, maxy = extent
    rgba, img_extent, colours = landcover_rgba(profile, path, (minx, miny, maxx, maxy), lang=lang)
    if rgba is None:
        return
    ax.imshow(rgba, extent=img_extent, interpolation="nearest", alpha=0.22, zorder=1, aspect="auto")
    if clip is not None:  # full colour inside the boundary, cut along the boundary line (not the pixels)
        im = ax.imshow(rgba, extent=img_extent, interpolation="nearest", alpha=0.9, zorder=2, aspect="auto")
        im.set_clip_path(clip)
    for name, colour in colours.items():
        legend_classes.setdefault(name, colour)

def relief_exaggeration(z: np.ndarray, dx_m: float, dy_m: float) -> float:
    """Vertical exaggeration that gives the median slope of ``z`` (metres) about 12° on the sheet (1× to 40×).

    Landscape-scale relief seen from a page is subtle; a fixed factor leaves plains blank and
    mountains black, so the factor follows the terrain.
    """
    gy, gx = np.gradient(np.asarray(z, dtype="float64"), dy_m, dx_m)
    median = float(np.nanmedian(np.hypot(gx, gy)))
    if not np.isfinite(median) or median <= 0:
        return 3.0
    return float(np.clip(math.tan(math.radians(12.0)) / median, 1.0, 40.0))

def _hillshade_image(ax, path, extent) -> bool:
    minx, maxx, miny, maxy = extent
    data, img_extent, _ = read_window(path, (minx, miny, maxx, maxy), max_px=700)  # ≈ 110 dpi of relief on the page
    if data.count() < 4:
        return False
    z = data.astype("float64").filled(np.nan)
    z[~np.isfinite(z) | (np.abs(z) > 1e5)] = np.nan  # infinite or absurd cells are nodata (as hydro.flowgrid.read_dem)
    z = np.where(np.isnan(z), np.nanmean(z), z)
    l, r, b, t = img_extent
    lat = (b + t) / 2
    dx = (r - l) / z.shape[1] * km_per_degree_lon(lat) * 1000
    dy = (t - b) / z.shape[0] * 111_320.0
    hs = hillshade(z * relief_exaggeration(z, dx, dy), dx_m=dx, dy_m=dy)
    flat = math.sin(math.radians(45.0))
    # shadows darken and lit slopes lighten; flat ground stays transparent, so fills keep their colours
    shadow = np.clip((flat - hs) / flat, 0, 1)
    light = np.clip((hs - flat) / (1 - flat), 0, 1)
    rgba = np.zeros(hs.shape + (4,), dtype=np.uint8)  # 8-bit: resampled to the page ≈ 4× faster than floats
    rgba[..., :3] = np.where(shadow[..., None] > 0, 0, 255)
    rgba[..., 3] = np.round(255 * np.where(shadow > 0, 0.55 * shadow ** 0.8, 0.4 * light))
    ax.imshow(rgba, extent=img_extent, zorder=3, interpolation="bilinear", aspect="auto")
    return True

def _main_bounds(profile, lay):
    """The bounds the main map shows: the boundary's, else the profile's bbox, else the first layer's."""
    boundary = lay.get("boundary")
    if boundary is not None:
        return boundary.total_bounds
    if profile.get("bbox"):
        return np.asarray(profile["bbox"], dtype=float)
    present = [g for g in lay.values() if g is not None]
    return present[0].total_bounds if present else np.array([-1.0, -1.0, 1.0, 1.0])


def _boundary_clip(ax, extent, geom):
    """A clip patch of the boundary simplified to half an output pixel, or None.

    Not added to the axes: it only clips (its data limits, walked vertex by vertex by add_patch, cost
    ~0.8 s on a detailed district).
    """
    if geom is None or geom.is_empty:
        return None
    path = geometry_path(shapely.simplify(geom, draw.pixel_deg(ax, extent) / 2, preserve_topology=True))
    return PathPatch(path, transform=ax.transData, facecolor="none", edgecolor="none") if path is not None else None


def _draw_fills(ax, extent, clip, profile, lay, rasters, lang, legend) -> None:
    """Basemap, then one fill theme (ecosystem polygons win over land cover), then the relief."""
    t = translator(lang)
    if rasters.get("basemap"):
        try:
            if draw_basemap(ax, rasters["basemap"], extent):
                legend["items"].append(("handle", Patch(facecolor="#9aa58f", edgecolor="none", label=label("basemap", lang))))
        except READ_ERRORS as exc:  # a broken basemap must not lose the whole sheet; noted in the profile
            skipped.record(t("The basemap {path} was not drawn on the sheet: {reason}",
                             path=Path(str(rasters["basemap"])).name, reason=exc))
    eco = lay.get("ecosystems")
    if rasters.get("landcover") and eco is None:
        try:
            _landcover_image(ax, rasters["landcover"], extent, clip, profile, legend["classes"], lang)
        except READ_ERRORS as exc:  # a broken raster must not lose the whole sheet; noted in the profile
            skipped.record(t("The land-cover raster {path} was not drawn on the sheet: {reason}",
                             path=Path(str(rasters["landcover"])).name, reason=exc))
    if eco is not None:
        field = field_named(eco, ("class", "classe", "ecosystem", "ecosystem_class", "landcover", "name", "label", "type"))
        names = [str(v) for v in eco[field]] if field else [label("ecosystems", lang)] * len(eco)
        order = sorted(dict.fromkeys(names), key=lambda n: -sum(1 for x in names if x == n))
        colours = style.class_colours(order, style.profile_colours(profile))
        eco = eco.assign(_colour=[colours[n] for n in names])
        draw_geoms(ax, eco, color=eco["_colour"].tolist(), edgecolor="white", linewidth=0.25, alpha=0.85, zorder=2)
        for n in order:
            legend["classes"].setdefault(n, colours[n])
    if rasters.get("dem"):
        try:
            if _hillshade_image(ax, rasters["dem"], extent):
                legend["items"].append(("hillshade", None))
        except READ_ERRORS as exc:  # a broken DEM must not lose the whole sheet; noted in the profile
            skipped.record(t("The DEM {path} was not drawn as relief on the sheet: {reason}",
                             path=Path(str(rasters["dem"])).name, reason=exc))


def _draw_lines(ax, extent, geom, profile, lay, labeller, lang, legend) -> None:
    """The user's context, neighbours, borders, admin edges, rivers, streams, basin units, the outlet, the boundary."""
    items = legend["items"]
    items += [("handle", h) for h in context_layers.draw_user_context(ax, extent, lay, labeller, lang)]
    context_layers.draw_neighbours(ax, extent, lay.get("admin_neighbours"), labeller)
    if lay.get("context") is not None and context_layers.draw_borders(ax, extent):
        items.append(("handle", Line2D([], [], color=context_layers.BORDER, linewidth=1.3,
                                       linestyle=(0, (6, 2, 1.2, 2)), label=label("border", lang))))
    context_layers.label_countries(labeller, lay.get("context_main"), extent, lang, landscape=geom)
    admin = lay.get("admin_units")
    if admin is not None:
        # shared edges once, so neighbouring units do not draw the same dashed line twice (it would look solid)
        edges = shapely.line_merge(shapely.union_all(shapely.boundary(admin.geometry.values)))
        draw_geoms(ax, gpd.GeoSeries([edges], crs=4326), color=style.ADMIN, linewidth=0.7, linestyle=(0, (4, 2.5)),
                   zorder=5)
        items.append(("admin", None))
    if lay.get("rivers") is not None:
        draw_geoms(ax, lay["rivers"], color=style.RIVER, linewidth=1.0, zorder=6)
        items.append(("rivers", None))
    threshold = ((profile.get("boundary") or {}).get("details") or {}).get("stream_threshold_cells")
    items += [("handle", h) for h in hydro_marks.draw_streams(ax, extent, lay.get("streams"), lang, threshold)]
    items += [("handle", h) for h in hydro_marks.draw_basin_units(ax, extent, lay.get("basin_units"), lang)]
    items += [("handle", h) for h in hydro_marks.draw_outlet(ax, profile, lang)]
    if geom is not None and not geom.is_empty:
        outline = gpd.GeoSeries([geom.boundary], crs=4326)
        draw_geoms(ax, outline, color="white", linewidth=3.6, zorder=8, alpha=0.9)
        draw_geoms(ax, outline, color=style.BOUNDARY, linewidth=1.8, zorder=9)
        items.insert(0, ("boundary", None))


def _draw_sites(ax, sites, legend) -> None:
    """ASGM footprints (polygons) and markers (points, and footprints too when there are few)."""
    if sites is None:
        return
    is_poly = sites.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    polys = sites[is_poly]
    if len(polys):  # footprints; the edge keeps even a 1-ha footprint visible at sheet scale
        draw_geoms(ax, polys, facecolor=style.FOOTPRINT, edgecolor=style.FOOTPRINT, linewidth=0.6, zorder=10)
        legend["items"].append(("footprints", len(polys)))
    marked = sites if len(sites) <= 50 else sites[~is_poly]  # few footprints would be hard to find unmarked
    if len(marked):
        pts = shapely.get_coordinates(marked.geometry.representative_point().values)
        size = 30 if len(pts) <= 50 else 14 if len(pts) <= 200 else 7 if len(pts) <= 2000 else 3
        ax.scatter(pts[:, 0], pts[:, 1], s=size, c=style.SITE, edgecolors="white", linewidths=0.4, zorder=11)
        legend["items"].append(("sites", len(sites)))


def _queue_labels(labeller, view, admin, rivers) -> None:
    """The admin units' names (largest first) and the rivers' (one per river, on its longest stretch in view)."""
    if admin is not None:
        field = field_named(admin, ("name", "nom", "unit", "admin_name", "label"))
        if field:
            vis = admin.assign(geometry=admin.geometry.intersection(view))
            vis = vis[~vis.geometry.is_empty]
            vis = vis.assign(_a=shapely.area(vis.geometry.values)).sort_values("_a", ascending=False)
            for _, row in vis.head(40).iterrows():
                pt = row.geometry.representative_point()
                labeller.add(pt.x, pt.y, str(row[field]), priority=context_layers.ADMIN_PRIORITY + row["_a"],
                             fontsize=6.5, color=style.ADMIN, style="italic", zorder=15, path_effects=HALO)
    if rivers is not None:
        field = field_named(rivers, ("name", "nom", "river", "label"))
        if field:
            vis = rivers.assign(geometry=rivers.geometry.intersection(view))
            vis = vis[~vis.geometry.is_empty & vis[field].notna()]
            vis = vis.assign(_l=shapely.length(vis.geometry.values)).sort_values("_l", ascending=False)
            vis = vis.drop_duplicates(subset=[field])
            for _, row in vis.head(12).iterrows():
                pt = row.geometry.interpolate(0.5, normalized=True)
                labeller.add(pt.x, pt.y, str(row[field]), priority=context_layers.RIVER_PRIORITY + row["_l"],
                             fontsize=6.5, color=style.RIVER, va="bottom", style="italic", zorder=15, path_effects=HALO)


def draw_main_map(fig, rect, profile, lay, rasters, lang) -> dict:
    """Draw the main map into ``rect`` (figure fraction); returns what the legend needs.

    Layers are drawn bottom up: land and sea, fills, lines and the boundary, sites; labels last, highest
    priority first (countries, admin units, settlements, neighbours, rivers), a colliding one dropped.
    """
    ax, extent = map_axes(fig, rect, _main_bounds(profile, lay), context=lay.get("context_main", lay.get("context")),
                          coast=False)
    minx, maxx, miny, maxy = extent
    boundary = lay.get("boundary")
    if same_color(ax.get_facecolor(), style.SEA):  # land over sea: the user's land wins over generalised coasts
        context_layers.draw_land(ax, extent, lay.get("context_main", lay.get("context")),
                                 [g for k in ("boundary", "admin_units", "admin_neighbours") if lay.get(k) is not None
                                  for g in lay[k].geometry.values])
    legend: dict[str, Any] = {"classes": {}, "items": []}
    geom = shapely.union_all(boundary.geometry.values) if boundary is not None else None
    _draw_fills(ax, extent, _boundary_clip(ax, extent, geom), profile, lay, dict(rasters or {}), lang, legend)
    labeller = Labeller(ax)
    reserve_frame_marks(labeller, ax, extent)
    _draw_lines(ax, extent, geom, profile, lay, labeller, lang, legend)
    _draw_sites(ax, lay.get("sites"), legend)
    _queue_labels(labeller, shapely.box(minx, miny, maxx, maxy), lay.get("admin_units"), lay.get("rivers"))
    labeller.place_all()
    finish_map_axes(ax, extent, lang)
    legend["ax"] = ax
    legend["extent"] = extent
    return legend
