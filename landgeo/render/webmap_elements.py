"""The web map's elements: GeoJSON layers with pre-escaped popups, HTML controls (title, legend), the scale bar.

Every attribute shown in a popup or tooltip is HTML-escaped in Python before it reaches the page, and
the data is embedded with ``<``, ``>`` and ``&`` escaped, so a feature named ``<img src=x onerror=alert(1)>``
is shown as text. Element ids are renumbered (:func:`stable_ids`) so the same inputs give the same bytes.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from branca.element import MacroElement
from jinja2 import Template

from ..i18n import fmt_number
from .labels import fmt_ha, fmt_share, label, verdict_text
from .tables import SHARE_KEYS
from .web_encode import json_for_script

#: Attributes shown per popup, at most.
MAX_FIELDS = 14

NAME_FIELDS = ("name", "nom", "site", "site_name", "unit", "admin_name", "label", "title", "id")

CLASS_FIELDS = ("class", "classe", "ecosystem", "ecosystem_class", "landcover", "name", "label", "type")


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


def find_field(gdf: gpd.GeoDataFrame, candidates) -> str | None:
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
        share = str(key).lower() in SHARE_KEYS and isinstance(value, (float, np.floating)) and math.isfinite(value)
        text = fmt_share(float(value), lang) if share else _fmt_value(value, lang)  # a share: never 0.00 for a part there
        if text == "":
            continue
        rows.append(f"<tr><th>{html.escape(_field_label(key, lang))}</th><td>{html.escape(text)}</td></tr>")
    head = f"<div class=\"landgeo-popup-title\">{html.escape(title)}</div>" if title else ""
    return f"{head}<table class=\"landgeo-popup\">{''.join(rows)}</table>"

def simplify_tolerance(bounds) -> float:
    """A display tolerance in degrees: 1/4000 of the extent's diagonal."""
    minx, miny, maxx, maxy = bounds
    return max(math.hypot(maxx - minx, maxy - miny) / 4000.0, 1e-6)

def features(gdf: gpd.GeoDataFrame, *, lang: str, title_field: str | None, layer_title: str,
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

def legend_html(entries: list[tuple[str, str, str]], lang: str) -> str:
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

def title_html(profile: Mapping[str, Any], lang: str) -> str:
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

def stable_ids(page: str) -> str:
    """Replace folium's random 32-hex element ids by sequence numbers (first appearance order)."""
    ids: dict[str, str] = {}

    def repl(match: re.Match) -> str:
        key = match.group(0)
        if key not in ids:
            ids[key] = f"{len(ids):032x}"
        return ids[key]

    return re.sub(r"(?<=_)[0-9a-f]{32}(?![0-9a-f])", repl, page)
