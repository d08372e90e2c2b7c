"""The web map's layers, one function each, bottom up: country outlines, fills, admin units, rivers, boundary, sites.

Each adds a folium ``FeatureGroup`` (one entry in the layer control) to the map ``m`` and appends its
legend rows (kind, colour, text) to ``legend``. Country outlines are the bundled Natural Earth ones
chosen by the map's scale as on the sheet (1:10m at 1:20,000,000 or larger) and simplified to the zoom.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import shapely
from folium.plugins import MarkerCluster

from ..i18n import translator
from ..io.raster import READ_ERRORS
from . import skipped, style
from .context import country_context
from .labels import label
from .raster import landcover_rgba
from .web_encode import png_data_uri, to_mercator_rows
from .webmap_assets import CONTEXT_PANE, RASTER_PANE
from .webmap_elements import CLASS_FIELDS, NAME_FIELDS, VectorLayer, features, find_field

#: Width of the map's first view on a screen (m): ≈ 1,000 px at 96 dpi; sets the scale that picks the outlines.
SCREEN_WIDTH_M = 0.26


def ecosystem_colours(profile: Mapping[str, Any], names) -> dict[str, str]:
    return style.class_colours(names, style.profile_colours(profile))


def webmap_outlines(geom, bounds):
    """Country outlines for a web map first showing ``bounds``: 1:10m or 1:110m by that view's scale (as the
    sheet chooses them), within a few degrees of the view."""
    minx, miny, maxx, maxy = bounds
    width_m = (maxx - minx) * 111_320.0 * math.cos(math.radians((miny + maxy) / 2))
    context = country_context(geom, scale_denominator=width_m / SCREEN_WIDTH_M)
    if context is None:
        return None
    # cut to what a reader zooming out a few levels can see (a whole Chile would weigh 0.4 MB in the page)
    margin = max(4.0, 2 * max(maxx - minx, maxy - miny))
    clipped = shapely.clip_by_rect(context.geometry.values, minx - margin, miny - margin, maxx + margin, maxy + margin)
    out = context.set_geometry(gpd.GeoSeries(clipped, index=context.index, crs=context.crs))
    out = out[~shapely.is_empty(out.geometry.values)]
    out.attrs = dict(context.attrs)
    return out


def add_context(m, context, credit: str, *, tol: float, filled: bool, lang: str) -> None:
    """Country outlines (or the pipeline's context layer) in the pane below every other layer."""
    fg = folium.FeatureGroup(name=label("context", lang), overlay=True, control=True, show=True)
    data = features(context, lang=lang, title_field=None, layer_title="", tolerance=tol * 4)
    VectorLayer(data, style_={"color": style.CONTEXT_EDGE, "weight": 1, "fillColor": style.CONTEXT_FILL,
                              "fillOpacity": 1.0 if filled else 0.0, "className": "landgeo-context"},
                interactive=False, pane=CONTEXT_PANE, attribution=credit).add_to(fg)
    fg.add_to(m)


def add_ecosystems(m, eco, profile, *, tol: float, lang: str, legend: list) -> None:
    """Ecosystem polygons, one colour per class (as on the sheet)."""
    field = find_field(eco, CLASS_FIELDS)
    names = [str(v) for v in eco[field]] if field else [label("ecosystems", lang)] * len(eco)
    colours = ecosystem_colours(profile, dict.fromkeys(names))
    fg = folium.FeatureGroup(name=label("ecosystems", lang), show=True)
    data = features(eco, lang=lang, title_field=field, layer_title=label("ecosystems", lang), tolerance=tol,
                     style_of=lambda row: {"color": "#ffffff", "weight": 0.5, "fillOpacity": 0.65,
                                           "fillColor": colours[str(row[field]) if field else names[0]],
                                           "className": "landgeo-ecosystem"})
    VectorLayer(data, style_={"color": "#ffffff", "weight": 0.5, "fillOpacity": 0.65}).add_to(fg)
    fg.add_to(m)
    legend += [("fill", c, n) for n, c in colours.items()]


def add_landcover(m, profile, path, bounds, lang, legend) -> None:
    """A land-cover raster as an image overlay (a PNG data URI: no network), with its classes in the legend."""
    minx, miny, maxx, maxy = bounds
    pad = 0.25 * max(maxx - minx, maxy - miny)
    try:
        rgba, (left, right, bottom, top), colours = landcover_rgba(
            profile, path, (minx - pad, miny - pad, maxx + pad, maxy + pad), lang=lang)
    except READ_ERRORS as exc:  # a broken raster must not lose the whole map; noted in the profile
        skipped.record(translator(lang)("The land-cover raster {path} was not drawn on the web map: {reason}",
                                        path=Path(str(path)).name, reason=exc))
        return
    if rgba is None:
        return
    fg = folium.FeatureGroup(name=label("landcover", lang), show=True)
    folium.raster_layers.ImageOverlay(png_data_uri(to_mercator_rows(rgba, bottom, top)),
                                      bounds=[[bottom, left], [top, right]], opacity=0.7, interactive=False,
                                      class_name="landgeo-landcover", pane=RASTER_PANE).add_to(fg)
    fg.add_to(m)
    legend += [("fill", c, n) for n, c in colours.items()]


def add_admin(m, admin, *, tol: float, lang: str, legend: list) -> None:
    """Admin units: clickable fills without strokes, then each shared edge once (dashed)."""
    field = find_field(admin, NAME_FIELDS)
    fg = folium.FeatureGroup(name=label("admin_units", lang), show=True)
    data = features(admin, lang=lang, title_field=field, layer_title=label("admin_units", lang), tolerance=tol)
    # clickable fills without strokes, then each shared edge once: two dashed strokes over the same
    # edge would look like one solid line
    VectorLayer(data, style_={"stroke": False, "fill": True, "fillOpacity": 0.0,
                              "className": "landgeo-admin"}).add_to(fg)
    edges = shapely.line_merge(shapely.union_all(shapely.boundary(admin.geometry.values)))
    edge_data = features(gpd.GeoDataFrame(geometry=[edges], crs=4326), lang=lang, title_field=None,
                          layer_title="", tolerance=tol)
    VectorLayer(edge_data, style_={"color": style.ADMIN, "weight": 1.2, "dashArray": "5 4"},
                interactive=False).add_to(fg)
    fg.add_to(m)
    legend.append(("dash", style.ADMIN, label("admin_units", lang)))


def add_rivers(m, rivers, *, tol: float, lang: str, legend: list) -> None:
    """Rivers as blue lines, named in their popups."""
    field = find_field(rivers, NAME_FIELDS)
    fg = folium.FeatureGroup(name=label("rivers", lang), show=True)
    data = features(rivers, lang=lang, title_field=field, layer_title=label("rivers", lang), tolerance=tol)
    VectorLayer(data, style_={"color": style.RIVER, "weight": 2, "opacity": 0.9,
                              "className": "landgeo-river"}).add_to(fg)
    fg.add_to(m)
    legend.append(("line", style.RIVER, label("rivers", lang)))


def add_boundary(m, boundary, name: str, area_ha, *, tol: float, lang: str, legend: list) -> None:
    """The landscape's outline, with its name and area in the popup."""
    fg = folium.FeatureGroup(name=label("boundary", lang), show=True)
    props = gpd.GeoDataFrame(
        {"name": [str(name)] * len(boundary),
         "area_ha": [area_ha] * len(boundary)},
        geometry=boundary.geometry.values, crs=4326)
    data = features(props, lang=lang, title_field="name", layer_title=label("boundary", lang), tolerance=tol)
    VectorLayer(data, style_={"color": style.BOUNDARY, "weight": 3, "fill": True, "fillOpacity": 0.0,
                              "className": "landgeo-boundary"}).add_to(fg)
    fg.add_to(m)
    legend.append(("outline", style.BOUNDARY, label("boundary", lang)))


def add_sites(m, sites, *, cluster_over: int, lang: str, legend: list) -> None:
    """Footprints (polygons), then a marker per site, clustered above ``cluster_over`` sites."""
    field = find_field(sites, NAME_FIELDS)
    polys = sites[sites.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    if len(polys):
        fg = folium.FeatureGroup(name=label("site_footprints", lang), show=True)
        data = features(polys, lang=lang, title_field=field, layer_title=label("sites", lang), tolerance=None)
        VectorLayer(data, style_={"color": style.FOOTPRINT, "weight": 1, "fillColor": style.FOOTPRINT,
                                  "fillOpacity": 0.55, "className": "landgeo-footprint"}).add_to(fg)
        fg.add_to(m)
        legend.append(("fill", style.FOOTPRINT, label("site_footprints", lang)))
    data = features(sites, lang=lang, title_field=field, layer_title=label("sites", lang), tolerance=None,
                     points=True)
    point_style = {"radius": 5, "color": style.SITE_EDGE, "weight": 1.2, "fillColor": style.SITE,
                   "fillOpacity": 0.95, "className": "landgeo-site"}
    if len(sites) > cluster_over:
        group = MarkerCluster(name=label("sites", lang), show=True,
                              options={"showCoverageOnHover": False, "maxClusterRadius": 45})
        group.default_js = []
        group.default_css = []
    else:
        group = folium.FeatureGroup(name=label("sites", lang), show=True)
    VectorLayer(data, style_=point_style, point_style=point_style).add_to(group)
    group.add_to(m)
    legend.append(("point", style.SITE, f"{label('sites', lang)} ({len(sites)})"))

