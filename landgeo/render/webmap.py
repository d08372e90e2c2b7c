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

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import shapely

from ..i18n import Text, check_lang
from .basemap import add_to_webmap
from .context import COUNTRIES_CREDIT, to_4326
from .labels import label
from .localize import localize_profile
from .reach import WEBMAP_MAX_LAT, check_drawable, layers_at_boundary_longitudes
from .webmap_assets import CONTEXT_PANE, leaflet_assets, new_map
from .webmap_elements import (
    HtmlControl,
    ScaleControl,
    legend_html,
    popup_html,
    simplify_tolerance,
    stable_ids,
    title_html,
)
from .webmap_layers import (
    add_admin,
    add_boundary,
    add_context,
    add_ecosystems,
    add_landcover,
    add_rivers,
    add_sites,
    webmap_outlines,
)

__all__ = ["CLUSTER_OVER", "CONTEXT_PANE", "build_webmap", "leaflet_assets", "new_map", "popup_html", "write_webmap"]

log = logging.getLogger(__name__)

#: Point sites are clustered when there are more than this many.
CLUSTER_OVER = 50


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
    tol = simplify_tolerance((minx, miny, maxx, maxy))

    name = profile.get("name") or profile.get("slug") or label("profile", lang)
    m = new_map((minx, miny, maxx, maxy), title=str(name), offline=offline, tiles_name=label("osm", lang))

    legend: list[tuple[str, str, str]] = []
    has_basemap = False
    if (rasters or {}).get("basemap"):  # the user's GeoTIFF or MBTiles, inlined (no network)
        credit = ((profile.get("map_context") or {}).get("basemap") or {}).get("attribution") or ""
        has_basemap = add_to_webmap(m, rasters["basemap"], (minx, miny, maxx, maxy), name=label("basemap", lang),
                                    attribution=str(credit))
    context, credit = lay.get("context"), ""
    if context is None and lay.get("boundary") is not None:
        context = webmap_outlines(shapely.union_all(lay["boundary"].geometry.values), (minx, miny, maxx, maxy))
        credit = context.attrs.get("credit", COUNTRIES_CREDIT) if context is not None else ""
    if context is not None:
        add_context(m, context, credit, tol=tol, filled=offline and not has_basemap, lang=lang)
    eco = lay.get("ecosystems")
    if eco is not None:
        add_ecosystems(m, eco, profile, tol=tol, lang=lang, legend=legend)
    landcover = (rasters or {}).get("landcover")
    if eco is None and landcover:  # one fill theme: ecosystem polygons win over land cover
        add_landcover(m, profile, landcover, (minx, miny, maxx, maxy), lang, legend)
    if lay.get("admin_units") is not None:
        add_admin(m, lay["admin_units"], tol=tol, lang=lang, legend=legend)
    if lay.get("rivers") is not None:
        add_rivers(m, lay["rivers"], tol=tol, lang=lang, legend=legend)
    if lay.get("boundary") is not None:
        add_boundary(m, lay["boundary"], str(name), profile.get("area_ha"), tol=tol, lang=lang, legend=legend)
    if lay.get("sites") is not None:
        add_sites(m, lay["sites"], cluster_over=cluster_over, lang=lang, legend=legend)
    HtmlControl(title_html(profile, lang), position="topright", css_class="landgeo-title").add_to(m)
    folium.LayerControl(position="topright", collapsed=False).add_to(m)
    if legend:
        HtmlControl(legend_html(legend, lang), position="bottomright", css_class="landgeo-legend").add_to(m)
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
    page = stable_ids(page)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    size = {"path": str(path), "kb": len(page) // 1024}
    log.info(Text("wrote {path} ({kb} kB, offline)", params=size) if offline else
             Text("wrote {path} ({kb} kB, with OSM tiles)", params=size))
    return path
