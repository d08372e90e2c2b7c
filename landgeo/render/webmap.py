"""The landscape's interactive web map (``map.html``), built with folium.

The file works with no network at all: Leaflet and Leaflet.markercluster are
inlined from the ``xstatic-leaflet`` and ``xstatic-leaflet-markercluster``
packages (never fetched at run time), and country outlines stand in for a tile
layer. With ``offline=False`` OpenStreetMap tiles are added as a base layer
(they need a connection; the vector layers still render without one).

Every attribute shown in a popup or tooltip is HTML-escaped in Python before it
reaches the page, and the data is embedded with ``<``, ``>`` and ``&`` escaped,
so a feature named ``<img src=x onerror=alert(1)>`` is shown as text.
"""

from __future__ import annotations

import base64
import html
import importlib
import json
import logging
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import Element, MacroElement
from folium.plugins import MarkerCluster
from jinja2 import Template

from ..i18n import check_lang, fmt_number, translator
from ..io.raster import READ_ERRORS
from . import skipped, style
from .basemap import add_to_webmap
from .context import COUNTRIES_CREDIT, country_context, to_4326
from .labels import fmt_ha, label, verdict_text
from .localize import localize_profile
from .raster import landcover_rgba
from .reach import WEBMAP_MAX_LAT, check_drawable, layers_at_boundary_longitudes
from .web_encode import json_for_script, png_data_uri, to_mercator_rows

log = logging.getLogger(__name__)

#: Point sites are clustered when there are more than this many.
CLUSTER_OVER = 50
# Map panes below Leaflet's overlay pane (z-index 400): country outlines, then rasters, then vector layers.
CONTEXT_PANE, RASTER_PANE = "landgeoContext", "landgeoRaster"
#: Attributes shown per popup, at most.
MAX_FIELDS = 14
NAME_FIELDS = ("name", "nom", "site", "site_name", "unit", "admin_name", "label", "title", "id")
CLASS_FIELDS = ("class", "classe", "ecosystem", "ecosystem_class", "landcover", "name", "label", "type")


# --------------------------------------------------------------------------- assets

def _read_asset(package: str, name: str) -> str:
    try:
        mod = importlib.import_module(f"xstatic.pkg.{package}")
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ImportError(
            f"the offline web map needs the xstatic-{package.replace('_', '-')} package; "
            f"pip install xstatic-{package.replace('_', '-')}"
        ) from exc
    return (Path(mod.BASE_DIR) / name).read_text(encoding="utf-8")


def _inline_images(css: str, package: str) -> str:
    """Replace ``url(images/x.png)`` in Leaflet's CSS by data URIs."""

    base = Path(importlib.import_module(f"xstatic.pkg.{package}").BASE_DIR)

    def repl(match: re.Match) -> str:
        rel = match.group(1).strip("'\"")
        file = base / rel
        if not file.is_file():
            return match.group(0)
        data = base64.b64encode(file.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    return re.sub(r"url\(([^)]+\.png)\)", repl, css)


def _script_safe(text: str) -> str:
    """Text that cannot close the ``<script>``/``<style>`` element it is inlined in."""
    return text.replace("</", "<\\/")


def leaflet_assets() -> tuple[str, str]:
    """Leaflet + markercluster CSS and JS as strings, for inlining (no network)."""
    css = _inline_images(_read_asset("leaflet", "leaflet.css"), "leaflet")
    css += "\n" + _read_asset("leaflet_markercluster", "MarkerCluster.css")
    css += "\n" + _read_asset("leaflet_markercluster", "MarkerCluster.Default.css")
    js = _read_asset("leaflet", "leaflet.js")
    js += "\n" + _read_asset("leaflet_markercluster", "leaflet.markercluster.js")
    js = re.sub(r"//# sourceMappingURL=\S+", "", js)
    css = re.sub(r"/\*# sourceMappingURL=\S+ \*/", "", css)
    return _script_safe(css), _script_safe(js)


# --------------------------------------------------------------------------- data

def _find_field(gdf: gpd.GeoDataFrame, candidates) -> str | None:
    lower = {str(c).lower(): c for c in gdf.columns if c != gdf.geometry.name}
    for cand in candidates:
        if cand in lower:
            return lower[cand]
    for c in gdf.columns:
        if c != gdf.geometry.name and gdf[c].dtype == object:
            return c
    return None


def _fmt_value(value: Any, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (float, np.floating)):
        return fmt_number(float(value), lang, 2 if abs(value) < 1000 else 0)
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return fmt_number(int(value), lang, 0)
    return str(value)


def _field_label(field: str, lang: str) -> str:
    known = {
        "name": label("name", lang),
        "nom": label("name", lang),
        "class": label("class", lang),
        "area_ha": f"{label('area', lang)} (ha)",
        "level": label("level", lang),
        "share": label("share", lang),
        "length_km": f"{label('length', lang)} (km)",
    }
    return known.get(str(field).lower(), str(field))


def popup_html(props: Mapping[str, Any], *, title: str | None, lang: str) -> str:
    """An HTML table of attributes, every label and value HTML-escaped.

    >>> popup_html({"name": "<b>x</b>"}, title=None, lang="en")
    '<table class="landgeo-popup"><tr><th>Name</th><td>&lt;b&gt;x&lt;/b&gt;</td></tr></table>'
    """
    rows = []
    for i, (key, value) in enumerate(props.items()):
        if i >= MAX_FIELDS or str(key).startswith("_"):
            continue
        text = _fmt_value(value, lang)
        if text == "":
            continue
        rows.append(f"<tr><th>{html.escape(_field_label(key, lang))}</th><td>{html.escape(text)}</td></tr>")
    head = f"<div class=\"landgeo-popup-title\">{html.escape(title)}</div>" if title else ""
    return f"{head}<table class=\"landgeo-popup\">{''.join(rows)}</table>"


def _simplify_tolerance(bounds) -> float:
    """A display tolerance in degrees: 1/4000 of the extent's diagonal."""
    minx, miny, maxx, maxy = bounds
    return max(math.hypot(maxx - minx, maxy - miny) / 4000.0, 1e-6)


def _features(gdf: gpd.GeoDataFrame, *, lang: str, title_field: str | None, layer_title: str,
              tolerance: float | None, style_of=None, points: bool = False) -> dict:
    """A GeoJSON FeatureCollection carrying only pre-escaped popup/tooltip HTML and a style."""
    geoms = gdf.geometry.values
    if points:
        geoms = shapely.points(shapely.get_coordinates(gdf.geometry.representative_point().values))
    elif tolerance:
        geoms = shapely.simplify(geoms, tolerance, preserve_topology=True)
    geoms = shapely.set_precision(geoms, 1e-6)
    feats = []
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    for _i, (geom, (_, row)) in enumerate(zip(geoms, gdf[cols].iterrows())):
        if geom is None or shapely.is_empty(geom):
            continue
        props = row.to_dict()
        title = _fmt_value(props.get(title_field), lang) if title_field else ""
        fprops = {
            "popup": popup_html(props, title=title or layer_title, lang=lang),
            "tooltip": html.escape(title) if title else "",
        }
        if style_of is not None:
            fprops["style"] = style_of(row)
        feats.append({"type": "Feature", "properties": fprops, "geometry": json.loads(shapely.to_geojson(geom))})
    return {"type": "FeatureCollection", "features": feats}


# --------------------------------------------------------------------------- map elements

def _elements():
    """folium/branca element classes (imported lazily: folium is only needed for maps)."""

    class VectorLayer(MacroElement):
        """A GeoJSON layer whose features carry pre-escaped popup/tooltip HTML."""

        _template = Template(
            """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.geoJSON({{ this.data }}, {
    style: function (f) { return f.properties.style || {{ this.style }}; },
    pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, {{ this.point_style }});
    },
    interactive: {{ this.interactive }},
    pane: {{ this.pane }},
    attribution: {{ this.attribution }},
    onEachFeature: function (f, layer) {
        if ({{ this.interactive }} && f.properties.popup) { layer.bindPopup(f.properties.popup, {maxWidth: 360}); }
        if ({{ this.interactive }} && f.properties.tooltip) { layer.bindTooltip(f.properties.tooltip, {sticky: true}); }
    }
});
{{ this._parent.get_name() }}.addLayer({{ this.get_name() }});
{% endmacro %}
"""
        )

        def __init__(self, data: dict, *, style_: dict, point_style: dict | None = None, interactive: bool = True,
                     pane: str = "overlayPane", attribution: str = ""):
            super().__init__()
            self._name = "VectorLayer"
            self.data = json_for_script(data)
            self.style = json_for_script(style_)
            self.point_style = json_for_script(point_style or style_)
            self.interactive = "true" if interactive else "false"
            self.pane = json_for_script(pane)
            self.attribution = json_for_script(html.escape(attribution))

    class HtmlControl(MacroElement):
        """A Leaflet control holding fixed, already-escaped HTML (legend, title)."""

        _template = Template(
            """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.control({position: {{ this.position }}});
{{ this.get_name() }}.onAdd = function () {
    var div = L.DomUtil.create('div', {{ this.css_class }});
    div.innerHTML = {{ this.html }};
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
};
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
        )

        def __init__(self, html_: str, *, position: str, css_class: str):
            super().__init__()
            self._name = "HtmlControl"
            self.html = json_for_script(html_)
            self.position = json_for_script(position)
            self.css_class = json_for_script(css_class)

    class ScaleControl(MacroElement):
        """A metric scale bar."""

        _template = Template(
            """
{% macro script(this, kwargs) %}
L.control.scale({imperial: false, metric: true, position: 'bottomleft', maxWidth: 160}).addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
        )

    return folium, VectorLayer, HtmlControl, ScaleControl


_CSS = """
html, body {margin: 0; padding: 0; height: 100%; font-family: "DejaVu Sans", Verdana, Arial, sans-serif;}
.leaflet-container {background: {sea}; font-family: inherit;}
.landgeo-title {background: rgba(255,255,255,0.92); padding: 6px 10px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.3); max-width: 420px; color: {text};}
.landgeo-title h1 {font-size: 16px; margin: 0 0 2px 0;}
.landgeo-title p {font-size: 12px; margin: 0; color: {muted};}
.landgeo-legend {background: rgba(255,255,255,0.92); padding: 6px 10px; border-radius: 4px; font-size: 12px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.3); max-height: 45vh; overflow-y: auto; color: {text}; line-height: 18px;}
.landgeo-legend h2 {font-size: 13px; margin: 0 0 4px 0;}
.landgeo-legend .sw {display: inline-block; width: 14px; height: 12px; margin-right: 6px; vertical-align: middle;
  border: 1px solid rgba(0,0,0,0.35);}
.landgeo-legend .ln {display: inline-block; width: 16px; height: 0; margin-right: 6px; vertical-align: middle;}
.landgeo-legend .pt {display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin: 0 8px 0 2px;
  vertical-align: middle;}
table.landgeo-popup {border-collapse: collapse; font-size: 12px;}
table.landgeo-popup th {text-align: left; padding: 1px 8px 1px 0; color: {muted}; font-weight: normal; vertical-align: top;}
table.landgeo-popup td {padding: 1px 0; word-break: break-word;}
.landgeo-popup-title {font-weight: bold; margin-bottom: 4px;}
.leaflet-control-layers {font-size: 12px;}
"""


def _legend_html(entries: list[tuple[str, str, str]], lang: str) -> str:
    """Legend rows (kind, colour, text) as HTML, text escaped."""
    rows = [f"<h2>{html.escape(label('legend', lang))}</h2>"]
    for kind, colour, text in entries:
        colour = html.escape(colour)
        if kind == "line":
            sym = f'<span class="ln" style="border-top: 3px solid {colour}"></span>'
        elif kind == "dash":
            sym = f'<span class="ln" style="border-top: 2px dashed {colour}"></span>'
        elif kind == "outline":
            sym = f'<span class="sw" style="background: transparent; border: 2px solid {colour}"></span>'
        elif kind == "point":
            sym = f'<span class="pt" style="background: {colour}; border: 1px solid #fff; box-shadow: 0 0 0 1px {colour}"></span>'
        else:
            sym = f'<span class="sw" style="background: {colour}"></span>'
        rows.append(f"<div>{sym}{html.escape(text)}</div>")
    return "".join(rows)


def _title_html(profile: Mapping[str, Any], lang: str) -> str:
    name = profile.get("name") or profile.get("slug") or label("profile", lang)
    parts = []
    if profile.get("area_ha") is not None:
        parts.append(fmt_ha(profile.get("area_ha"), lang))
    verdict = (profile.get("scale") or {}).get("verdict")
    if verdict:
        parts.append(verdict_text(verdict, lang))
    sub = " · ".join(parts)
    return (
        f"<h1>{html.escape(str(name))}</h1>"
        f"<p>{html.escape(label('profile', lang))}{html.escape(' — ' + sub if sub else '')}</p>"
    )


def _ecosystem_colours(profile: Mapping[str, Any], names) -> dict[str, str]:
    return style.class_colours(names, style.profile_colours(profile))


def new_map(bounds, *, title: str, offline: bool = True, tiles_name: str = "OpenStreetMap"):
    """An empty folium map for ``bounds`` (minx, miny, maxx, maxy) that needs no network.

    Leaflet and markercluster are inlined, with landgeo's CSS and the page ``title`` (escaped);
    two panes below the overlays hold country outlines (``CONTEXT_PANE``) and rasters
    (``RASTER_PANE``). ``offline=False`` adds OpenStreetMap tiles as the base layer.
    """
    minx, miny, maxx, maxy = bounds
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=9, tiles=None,
                   control_scale=False, prefer_canvas=False, maxZoom=19)
    m.default_js = []  # folium's CDN links: replaced by the inlined assets below
    m.default_css = []
    root = m.get_root()
    css, js = leaflet_assets()
    root.header.add_child(Element(f"<style>{css}</style>"), name="landgeo_leaflet_css")
    root.header.add_child(Element(f"<script>{js}</script>"), name="landgeo_leaflet_js")
    extra_css = _CSS.replace("{sea}", style.SEA).replace("{text}", style.TEXT).replace("{muted}", style.MUTED)
    root.header.add_child(Element(f"<style>{extra_css}</style>"), name="landgeo_css")
    root.title = html.escape(title)  # branca writes root.title into <title> as it is: escape it here, once
    if not offline:
        folium.TileLayer("OpenStreetMap", name=tiles_name, control=True, overlay=False).add_to(m)
    folium.map.CustomPane(CONTEXT_PANE, z_index=300, pointer_events=False).add_to(m)
    folium.map.CustomPane(RASTER_PANE, z_index=350, pointer_events=False).add_to(m)
    return m


def _add_landcover(m, profile, path, bounds, lang, legend) -> None:
    """A land-cover raster as an image overlay (a PNG data URI: no network), with its classes in the legend."""
    minx, miny, maxx, maxy = bounds
    pad = 0.25 * max(maxx - minx, maxy - miny)
    try:
        rgba, (left, right, bottom, top), colours = landcover_rgba(
            profile, path, (minx - pad, miny - pad, maxx + pad, maxy + pad))
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


def build_webmap(profile: Mapping[str, Any], layers: Mapping[str, gpd.GeoDataFrame], *, lang: str = "en",
                 offline: bool = True, cluster_over: int = CLUSTER_OVER, rasters: Mapping[str, Any] | None = None):
    """Build the landscape's folium map.

    Parameters
    ----------
    profile
        The profile dict (schema ``landgeo.profile/1``); any part may be missing.
    layers
        GeoDataFrames keyed ``boundary``, ``admin_units``, ``ecosystems``, ``sites``,
        ``rivers``, ``context`` (any may be missing), preferably in EPSG:4326.
    lang
        ``en`` or ``fr`` for titles, layer names, legend and popup labels.
    offline
        ``True``: no tile layer (the page needs no network); ``False``: add OpenStreetMap tiles.
    cluster_over
        Cluster the site markers when there are more than this many sites.
    rasters
        Optional ``landcover`` class raster path, drawn when there is no ``ecosystems`` layer.

    Returns
    -------
    folium.Map
    """
    lang = check_lang(lang)
    profile = localize_profile(profile, lang)
    folium, VectorLayer, HtmlControl, ScaleControl = _elements()
    lay = layers_at_boundary_longitudes({k: to_4326(v, k) for k, v in layers.items()})
    check_drawable(profile, lay, output="map.html", max_lat=WEBMAP_MAX_LAT)

    bounds = None
    for key in ("boundary", "sites", "ecosystems", "admin_units", "rivers"):
        if lay.get(key) is not None:
            bounds = lay[key].total_bounds
            break
    if bounds is None and profile.get("bbox"):
        bounds = np.asarray(profile["bbox"], dtype=float)
    if bounds is None:
        bounds = np.array([-180.0, -60.0, 180.0, 75.0])
    minx, miny, maxx, maxy = (float(b) for b in bounds)
    tol = _simplify_tolerance((minx, miny, maxx, maxy))

    name = profile.get("name") or profile.get("slug") or label("profile", lang)
    m = new_map((minx, miny, maxx, maxy), title=str(name), offline=offline, tiles_name=label("osm", lang))

    legend: list[tuple[str, str, str]] = []
    has_basemap = False
    if (rasters or {}).get("basemap"):  # the user's GeoTIFF or MBTiles, inlined (no network)
        credit = ((profile.get("map_context") or {}).get("basemap") or {}).get("attribution") or ""
        has_basemap = add_to_webmap(m, rasters["basemap"], (minx, miny, maxx, maxy), name=label("basemap", lang),
                                    attribution=str(credit))

    context = lay.get("context")
    context_credit = ""
    if context is None and lay.get("boundary") is not None:
        context = country_context(shapely.union_all(lay["boundary"].geometry.values))
        context_credit = COUNTRIES_CREDIT
    if context is not None:
        fg = folium.FeatureGroup(name=label("context", lang), overlay=True, control=True, show=True)
        data = _features(context, lang=lang, title_field=None, layer_title="", tolerance=tol * 4)
        fill = 0.0 if not offline or has_basemap else 1.0
        VectorLayer(data, style_={"color": style.CONTEXT_EDGE, "weight": 1, "fillColor": style.CONTEXT_FILL,
                                  "fillOpacity": fill, "className": "landgeo-context"},
                    interactive=False, pane=CONTEXT_PANE, attribution=context_credit).add_to(fg)
        fg.add_to(m)

    eco = lay.get("ecosystems")
    if eco is not None:
        field = _find_field(eco, CLASS_FIELDS)
        names = [str(v) for v in eco[field]] if field else [label("ecosystems", lang)] * len(eco)
        colours = _ecosystem_colours(profile, dict.fromkeys(names))
        fg = folium.FeatureGroup(name=label("ecosystems", lang), show=True)
        data = _features(eco, lang=lang, title_field=field, layer_title=label("ecosystems", lang), tolerance=tol,
                         style_of=lambda row: {"color": "#ffffff", "weight": 0.5, "fillOpacity": 0.65,
                                               "fillColor": colours[str(row[field]) if field else names[0]],
                                               "className": "landgeo-ecosystem"})
        VectorLayer(data, style_={"color": "#ffffff", "weight": 0.5, "fillOpacity": 0.65}).add_to(fg)
        fg.add_to(m)
        legend += [("fill", c, n) for n, c in colours.items()]

    landcover = (rasters or {}).get("landcover")
    if eco is None and landcover:  # one fill theme: ecosystem polygons win over land cover
        _add_landcover(m, profile, landcover, (minx, miny, maxx, maxy), lang, legend)

    admin = lay.get("admin_units")
    if admin is not None:
        field = _find_field(admin, NAME_FIELDS)
        fg = folium.FeatureGroup(name=label("admin_units", lang), show=True)
        data = _features(admin, lang=lang, title_field=field, layer_title=label("admin_units", lang), tolerance=tol)
        # clickable fills without strokes, then each shared edge once: two dashed strokes over the same
        # edge would look like one solid line
        VectorLayer(data, style_={"stroke": False, "fill": True, "fillOpacity": 0.0,
                                  "className": "landgeo-admin"}).add_to(fg)
        edges = shapely.line_merge(shapely.union_all(shapely.boundary(admin.geometry.values)))
        edge_data = _features(gpd.GeoDataFrame(geometry=[edges], crs=4326), lang=lang, title_field=None,
                              layer_title="", tolerance=tol)
        VectorLayer(edge_data, style_={"color": style.ADMIN, "weight": 1.2, "dashArray": "5 4"},
                    interactive=False).add_to(fg)
        fg.add_to(m)
        legend.append(("dash", style.ADMIN, label("admin_units", lang)))

    rivers = lay.get("rivers")
    if rivers is not None:
        field = _find_field(rivers, NAME_FIELDS)
        fg = folium.FeatureGroup(name=label("rivers", lang), show=True)
        data = _features(rivers, lang=lang, title_field=field, layer_title=label("rivers", lang), tolerance=tol)
        VectorLayer(data, style_={"color": style.RIVER, "weight": 2, "opacity": 0.9,
                                  "className": "landgeo-river"}).add_to(fg)
        fg.add_to(m)
        legend.append(("line", style.RIVER, label("rivers", lang)))

    boundary = lay.get("boundary")
    if boundary is not None:
        fg = folium.FeatureGroup(name=label("boundary", lang), show=True)
        props = gpd.GeoDataFrame(
            {"name": [str(name)] * len(boundary),
             "area_ha": [profile.get("area_ha")] * len(boundary)},
            geometry=boundary.geometry.values, crs=4326)
        data = _features(props, lang=lang, title_field="name", layer_title=label("boundary", lang), tolerance=tol)
        VectorLayer(data, style_={"color": style.BOUNDARY, "weight": 3, "fill": True, "fillOpacity": 0.0,
                                  "className": "landgeo-boundary"}).add_to(fg)
        fg.add_to(m)
        legend.append(("outline", style.BOUNDARY, label("boundary", lang)))

    sites = lay.get("sites")
    if sites is not None:
        field = _find_field(sites, NAME_FIELDS)
        polys = sites[sites.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
        if len(polys):
            fg = folium.FeatureGroup(name=label("site_footprints", lang), show=True)
            data = _features(polys, lang=lang, title_field=field, layer_title=label("sites", lang), tolerance=None)
            VectorLayer(data, style_={"color": style.FOOTPRINT, "weight": 1, "fillColor": style.FOOTPRINT,
                                      "fillOpacity": 0.55, "className": "landgeo-footprint"}).add_to(fg)
            fg.add_to(m)
            legend.append(("fill", style.FOOTPRINT, label("site_footprints", lang)))
        data = _features(sites, lang=lang, title_field=field, layer_title=label("sites", lang), tolerance=None,
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

    HtmlControl(_title_html(profile, lang), position="topright", css_class="landgeo-title").add_to(m)
    folium.LayerControl(position="topright", collapsed=False).add_to(m)
    if legend:
        HtmlControl(_legend_html(legend, lang), position="bottomright", css_class="landgeo-legend").add_to(m)
    ScaleControl().add_to(m)
    m.fit_bounds([[miny, minx], [maxy, maxx]], padding=(20, 20))
    return m


def write_webmap(profile: Mapping[str, Any], layers: Mapping[str, gpd.GeoDataFrame], path: str | Path, *,
                 lang: str = "en", offline: bool = True, cluster_over: int = CLUSTER_OVER,
                 rasters: Mapping[str, Any] | None = None) -> Path:
    """Write ``map.html`` for a landscape; see :func:`build_webmap` for the parameters.

    Returns
    -------
    Path
        The written file.
    """
    path = Path(path)
    m = build_webmap(profile, layers, lang=lang, offline=offline, cluster_over=cluster_over, rasters=rasters)
    page = m.get_root().render()
    # folium names elements with random ids; renumber them so the same inputs give the same bytes.
    page = _stable_ids(page)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    log.info("wrote %s (%d kB, %s)", path, len(page) // 1024, "offline" if offline else "with OSM tiles")
    return path


def _stable_ids(page: str) -> str:
    """Replace folium's random 32-hex element ids by sequence numbers (first appearance order)."""
    ids: dict[str, str] = {}

    def repl(match: re.Match) -> str:
        key = match.group(0)
        if key not in ids:
            ids[key] = f"{len(ids):032x}"
        return ids[key]

    return re.sub(r"(?<=_)[0-9a-f]{32}(?![0-9a-f])", repl, page)
