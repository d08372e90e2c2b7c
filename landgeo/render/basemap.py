"""The user's own basemap, offline: a local GeoTIFF (a Sentinel-2 or drone mosaic) or an MBTiles file.

* Sheet: :func:`draw_basemap` puts the image under everything on the main map, resampled onto the
  map's lon/lat grid at the output resolution.
* Web map: :func:`web_tiles` gives the MBTiles tiles covering the landscape at the zooms a reader
  uses (the fitting zoom − 1 to + 3, within the file's zooms and :data:`MAX_WEB_TILES`) as data URIs,
  so ``map.html`` shows them from ``file://`` with no network and no server; a GeoTIFF becomes one
  image overlay (:func:`sheet_image` reprojected to Web Mercator rows).

GeoTIFFs: three or more bands are read as RGB (a fourth as alpha); one band as grey. Bytes are
shown as they are; other types (e.g. Sentinel-2 reflectance) are stretched from the 2nd to the 98th
percentile. Nodata is transparent.
"""

from __future__ import annotations

import base64
import html
import io
import logging
import math
from pathlib import Path

import folium
import numpy as np
import rasterio
from branca.element import MacroElement
from jinja2 import Template
from PIL import Image
from rasterio.enums import Resampling
from rasterio.transform import from_bounds
from rasterio.warp import reproject

from ..i18n import Text
from ..io import mbtiles
from ..io.raster import open_raster
from .web_encode import json_for_script, png_data_uri, to_mercator_rows

log = logging.getLogger(__name__)

TILE_PX = 256
#: At most this many tiles are inlined in map.html (≈ 10–20 kB each).
MAX_WEB_TILES = 400


def is_mbtiles(path) -> bool:
    return Path(path).suffix.lower() == ".mbtiles"


def _stretch(band: np.ndarray, valid: np.ndarray) -> np.ndarray:
    if band.dtype == np.uint8:
        return band
    vals = band[valid]
    if not vals.size:
        return np.zeros(band.shape, np.uint8)
    lo, hi = np.percentile(vals, [2, 98])
    scaled = (band.astype("float64") - lo) / max(hi - lo, 1e-9)
    return (np.clip(scaled, 0, 1) * 255).astype(np.uint8)


def _geotiff_image(path, extent, width: int, height: int) -> np.ndarray | None:
    minx, maxx, miny, maxy = extent
    transform = from_bounds(minx, miny, maxx, maxy, width, height)
    with open_raster(path) as src:
        bands = [1, 2, 3] if src.count >= 3 else [1]
        alpha_band = 4 if src.count >= 4 else None
        out = np.zeros((len(bands), height, width), dtype=src.dtypes[0])
        valid = np.zeros((height, width), dtype=np.uint8)
        for k, b in enumerate(bands):
            reproject(rasterio.band(src, b), out[k], dst_transform=transform, dst_crs="EPSG:4326",
                      resampling=Resampling.bilinear, dst_nodata=src.nodata if src.nodata is not None else 0)
        mask = src.dataset_mask() if src.width * src.height <= 4e6 else None
        if mask is not None:
            reproject(mask, valid, src_transform=src.transform, src_crs=src.crs, dst_transform=transform,
                      dst_crs="EPSG:4326", resampling=Resampling.nearest, dst_nodata=0)
        else:
            valid[:] = 255
        if alpha_band:
            alpha = np.zeros((height, width), dtype=src.dtypes[0])
            reproject(rasterio.band(src, alpha_band), alpha, dst_transform=transform, dst_crs="EPSG:4326",
                      resampling=Resampling.nearest, dst_nodata=0)
            valid = np.minimum(valid, (alpha > 0).astype(np.uint8) * 255)
    ok = valid > 0
    if not ok.any():
        return None
    rgb = [_stretch(b, ok) for b in out]
    if len(rgb) == 1:
        rgb = rgb * 3
    return np.dstack(rgb + [np.where(ok, 255, 0).astype(np.uint8)])


def _merc_y(lat):
    lat = np.clip(lat, -85.0511, 85.0511)
    return (1 - np.arcsinh(np.tan(np.radians(lat))) / np.pi) / 2


def choose_zoom(available, deg_per_px: float) -> int:
    """The zoom whose tiles' pixels are closest to ``deg_per_px`` (at the equator), among ``available``."""
    want = math.log2(360.0 / (TILE_PX * max(deg_per_px, 1e-12)))
    return min(available, key=lambda z: (abs(z - want), -z))


def _mbtiles_image(path, extent, width: int, height: int) -> np.ndarray | None:
    minx, maxx, miny, maxy = extent
    zooms = mbtiles.zoom_levels(path)
    if not zooms:
        return None
    z = choose_zoom(zooms, (maxx - minx) / width)
    tiles = mbtiles.read_tiles(path, (minx, miny, maxx, maxy), z)
    if not tiles:
        return None
    x0, x1, y0, y1 = mbtiles.tile_range((minx, miny, maxx, maxy), z)
    mosaic = np.zeros(((y1 - y0 + 1) * TILE_PX, (x1 - x0 + 1) * TILE_PX, 4), dtype=np.uint8)
    for (_, x, y), data in tiles.items():
        try:
            img = Image.open(io.BytesIO(data)).convert("RGBA").resize((TILE_PX, TILE_PX))
        except (OSError, ValueError, Image.DecompressionBombError) as exc:  # one broken tile must not lose the map
            log.warning(Text("{file}: tile {tile} not decoded: {reason}", params={"file": str(path), "tile": f"{z}/{x}/{y}", "reason": str(exc)}))
            continue
        r, c = (y - y0) * TILE_PX, (x - x0) * TILE_PX
        mosaic[r:r + TILE_PX, c:c + TILE_PX] = np.asarray(img)
    n = 2 ** z
    # output pixel centres → mosaic pixels (x linear in lon; y through Mercator)
    lon = minx + (np.arange(width) + 0.5) / width * (maxx - minx)
    lat = maxy - (np.arange(height) + 0.5) / height * (maxy - miny)
    cols = np.clip(((lon + 180.0) / 360.0 * n - x0) * TILE_PX, 0, mosaic.shape[1] - 1).astype(int)
    rows = np.clip((_merc_y(lat) * n - y0) * TILE_PX, 0, mosaic.shape[0] - 1).astype(int)
    return mosaic[rows][:, cols]


def sheet_image(path, extent, width: int, height: int) -> np.ndarray | None:
    """The basemap over ``extent`` (minx, maxx, miny, maxy) as an RGBA lon/lat image of ``width`` × ``height``."""
    if is_mbtiles(path):
        return _mbtiles_image(path, extent, width, height)
    return _geotiff_image(path, extent, width, height)


def draw_basemap(ax, path, extent, *, dpi: int = 200) -> bool:
    """Draw the basemap under the main map's layers (zorder 0.5); ``False`` if it has nothing over the view."""
    fig = ax.figure
    pos = ax.get_position()
    fw, fh = fig.get_size_inches()
    width = max(64, min(2400, int(pos.width * fw * dpi)))
    height = max(64, min(2400, int(pos.height * fh * dpi)))
    img = sheet_image(path, extent, width, height)
    if img is None:
        return False
    minx, maxx, miny, maxy = extent
    ax.imshow(img, extent=(minx, maxx, miny, maxy), zorder=0.5, interpolation="bilinear", aspect="auto")
    return True


def _data_uri(data: bytes) -> str:
    kind = "png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "jpeg" if data[:2] == b"\xff\xd8" else (
        "webp" if data[8:12] == b"WEBP" else "png")
    return f"data:image/{kind};base64," + base64.b64encode(data).decode("ascii")


def fit_zoom(bounds, width_px: int = 1000) -> int:
    """The Web Mercator zoom at which ``bounds`` fill about ``width_px`` screen pixels."""
    minx, miny, maxx, maxy = bounds
    span = max(maxx - minx, (maxy - miny) * 1.2, 1e-6)
    return max(0, int(math.floor(math.log2(360.0 * width_px / (TILE_PX * span)))))


def web_tiles(path, bounds, *, max_tiles: int = MAX_WEB_TILES) -> tuple[dict[str, str], list[int]]:
    """MBTiles tiles over ``bounds`` (minx, miny, maxx, maxy, grown by a quarter) for the zooms a reader uses.

    Returns ({"z/x/y": data URI}, zooms inlined). Zooms run from the fitting zoom − 1 upwards while
    the tile count stays within ``max_tiles`` (the finest level always fits the landscape).
    """
    minx, miny, maxx, maxy = bounds
    gx, gy = 0.25 * (maxx - minx), 0.25 * (maxy - miny)
    box = (minx - gx, miny - gy, maxx + gx, maxy + gy)
    available = mbtiles.zoom_levels(path)
    if not available:
        return {}, []
    start = fit_zoom(bounds) - 1
    order = [z for z in available if z >= start] or [max(available)]
    out: dict[str, str] = {}
    used = []
    for z in order[:5]:
        x0, x1, y0, y1 = mbtiles.tile_range(box, z)
        if used and len(out) + (x1 - x0 + 1) * (y1 - y0 + 1) > max_tiles:
            break
        for (zz, x, y), data in mbtiles.read_tiles(path, box, z, max_tiles=max_tiles).items():
            out[f"{zz}/{x}/{y}"] = _data_uri(data)
        used.append(z)
    return out, used


BASEMAP_PANE = "landgeoBasemap"


def add_to_webmap(m, path, bounds, *, name: str, attribution: str = "") -> bool:
    """Add the basemap to a folium map (below the country outlines): inlined tiles, or one image for a GeoTIFF.

    Returns ``False`` when the file has nothing over ``bounds``.
    """
    folium.map.CustomPane(BASEMAP_PANE, z_index=250, pointer_events=False).add_to(m)
    fg = folium.FeatureGroup(name=name, overlay=False, control=True, show=True)
    if is_mbtiles(path):
        tiles, zooms = web_tiles(path, bounds)
        if not tiles:
            return False

        class InlineTiles(MacroElement):
            """A GridLayer whose tiles are data URIs in the page (works from file://, no server)."""

            _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }}_tiles = {{ this.tiles }};
var {{ this.get_name() }} = new (L.GridLayer.extend({
    createTile: function (c) {
        var img = document.createElement('img');
        var src = {{ this.get_name() }}_tiles[c.z + '/' + c.x + '/' + c.y];
        if (src) { img.src = src; }
        img.alt = '';
        return img;
    }
}))({minNativeZoom: {{ this.min_zoom }}, maxNativeZoom: {{ this.max_zoom }}, maxZoom: 19, tileSize: 256,
     pane: {{ this.pane }}, attribution: {{ this.attribution }}, className: 'landgeo-basemap'});
{{ this._parent.get_name() }}.addLayer({{ this.get_name() }});
{% endmacro %}
""")

            def __init__(self):
                super().__init__()
                self._name = "InlineTiles"
                self.tiles = json_for_script(tiles)
                self.min_zoom, self.max_zoom = min(zooms), max(zooms)
                self.pane = json_for_script(BASEMAP_PANE)
                self.attribution = json_for_script(html.escape(attribution))

        InlineTiles().add_to(fg)
        log.info(Text("basemap {file}: {n} tile embedded in the map (zoom levels {zooms:list})",
                      "basemap {file}: {n} tiles embedded in the map (zoom levels {zooms:list})",
                      params={"file": Path(path).name, "n": len(tiles), "zooms": [str(z) for z in zooms]}))
    else:
        minx, miny, maxx, maxy = bounds
        gx, gy = 0.25 * (maxx - minx), 0.25 * (maxy - miny)
        extent = (minx - gx, maxx + gx, miny - gy, maxy + gy)
        img = sheet_image(path, extent, 1600, int(1600 * (extent[3] - extent[2]) / max(extent[1] - extent[0], 1e-9)
                                                   / max(math.cos(math.radians((miny + maxy) / 2)), 0.1)))
        if img is None:
            return False
        folium.raster_layers.ImageOverlay(png_data_uri(to_mercator_rows(img, extent[2], extent[3])),
                                          bounds=[[extent[2], extent[0]], [extent[3], extent[1]]], interactive=False,
                                          class_name="landgeo-basemap", pane=BASEMAP_PANE,
                                          attr=attribution).add_to(fg)
    fg.add_to(m)
    return True
