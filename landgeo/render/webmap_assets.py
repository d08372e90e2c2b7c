"""The web map's assets and its empty page: Leaflet and markercluster inlined (no network), landgeo's CSS, panes.

Leaflet and Leaflet.markercluster come from the ``xstatic-leaflet`` and ``xstatic-leaflet-markercluster``
packages (never fetched at run time); their CSS images are inlined as data URIs.
"""

from __future__ import annotations

import base64
import html
import importlib
import re
from pathlib import Path

import folium
from branca.element import Element

from . import style

# Map panes below Leaflet's overlay pane (z-index 400): country outlines, then rasters, then vector layers.
CONTEXT_PANE, RASTER_PANE = "landgeoContext", "landgeoRaster"

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
