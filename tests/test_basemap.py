"""User basemaps offline: an MBTiles or GeoTIFF under the sheet and inlined in map.html (file://, no network)."""

from __future__ import annotations

import io
import shutil
import sqlite3
import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PIL import Image

from landgeo.io import mbtiles
from landgeo.render import basemap

CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium") or "") if p and Path(p).exists()), None)
MAGENTA = (255, 0, 255)
BOX = (0.02, 0.02, 0.10, 0.10)


def _png(rgb) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (256, 256), rgb).save(buf, format="PNG")
    return buf.getvalue()


def write_mbtiles(path: Path, bounds, zooms, rgb=MAGENTA) -> int:
    """An MBTiles file (TMS rows) with solid tiles over ``bounds`` at ``zooms``; returns the tile count."""
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE metadata (name text, value text)")
    con.execute("CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob)")
    con.executemany("INSERT INTO metadata VALUES (?, ?)", [("name", "test"), ("format", "png")])
    data = _png(rgb)
    n_tiles = 0
    for z in zooms:
        x0, x1, y0, y1 = mbtiles.tile_range(bounds, z)
        for x in range(x0 - 1, x1 + 2):
            for y in range(y0 - 1, y1 + 2):
                con.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, 2 ** z - 1 - y, data))
                n_tiles += 1
    con.commit()
    con.close()
    return n_tiles


def test_tile_range_matches_the_slippy_map_formula():
    # Null Island at zoom 1 is the corner of tiles (1, 1); a box just north-east of it stays in tile (1, 0)
    assert mbtiles.tile_range((0.1, 0.1, 0.2, 0.2), 1) == (1, 1, 0, 0)
    # Kumasi (-1.62, 6.69) at zoom 12: x = floor((lon + 180) / 360 · 2^12) = 2029,
    # y = floor((1 - ln(tan φ + sec φ) / π) / 2 · 2^12) = floor(1971.71) = 1971 (the OSM wiki formula)
    x0, x1, y0, y1 = mbtiles.tile_range((-1.62, 6.69, -1.62, 6.69), 12)
    assert (x0, y0) == (2029, 1971)


def test_mbtiles_tiles_read_in_xyz_order(tmp_path):
    path = tmp_path / "b.mbtiles"
    write_mbtiles(path, BOX, [10])
    tiles = mbtiles.read_tiles(path, BOX, 10)
    x0, x1, y0, y1 = mbtiles.tile_range(BOX, 10)
    assert set(tiles) == {(10, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)}
    assert mbtiles.zoom_levels(path) == [10]


def test_not_an_mbtiles_file_is_one_clear_error(tmp_path):
    from landgeo.errors import LayerError

    bad = tmp_path / "x.mbtiles"
    bad.write_bytes(b"not sqlite at all")
    with pytest.raises(LayerError, match="is not an MBTiles file"):
        mbtiles.zoom_levels(bad)


def test_sheet_background_from_mbtiles_and_geotiff(tmp_path):
    import rasterio
    from rasterio.transform import from_bounds

    from landgeo.render.sheet import build_sheet

    mb = tmp_path / "b.mbtiles"
    write_mbtiles(mb, (-0.2, -0.2, 0.35, 0.35), range(8, 14))
    tif = tmp_path / "mosaic.tif"
    with rasterio.open(tif, "w", driver="GTiff", width=200, height=200, count=3, dtype="uint8", crs="EPSG:4326",
                       transform=from_bounds(-0.2, -0.2, 0.35, 0.35, 200, 200)) as dst:
        dst.write(np.stack([np.zeros((200, 200)), np.full((200, 200), 200), np.zeros((200, 200))]).astype("uint8"))
    layers = {"boundary": gpd.GeoDataFrame(geometry=[shapely.box(*BOX)], crs=4326)}
    for path, colour in ((mb, MAGENTA), (tif, (0, 200, 0))):
        fig = build_sheet({"name": "Basemap"}, layers, rasters={"basemap": path})
        fig.canvas.draw()
        img = np.asarray(fig.canvas.buffer_rgba())[..., :3]
        bbox = fig.axes[0].get_window_extent()
        h = img.shape[0]
        inside = img[int(h - bbox.y1) + 5:int(h - bbox.y0) - 5, int(bbox.x0) + 5:int(bbox.x1) - 5].reshape(-1, 3)
        share = np.mean(np.all(np.abs(inside.astype(int) - colour) < 40, axis=1))
        assert share > 0.3, f"{path.name}: the basemap colour covers {share:.0%} of the map"


def test_web_tiles_cover_the_landscape_at_the_zooms_needed(tmp_path):
    path = tmp_path / "b.mbtiles"
    write_mbtiles(path, BOX, range(5, 17))
    tiles, zooms = basemap.web_tiles(path, BOX)
    assert zooms and zooms[0] <= basemap.fit_zoom(BOX) <= zooms[-1]
    assert len(tiles) <= basemap.MAX_WEB_TILES
    for z in zooms:  # every tile over the landscape is there at every zoom inlined
        x0, x1, y0, y1 = mbtiles.tile_range(BOX, z)
        assert all(f"{z}/{x}/{y}" in tiles for x in range(x0, x1 + 1) for y in range(y0, y1 + 1))
    assert all(v.startswith("data:image/png;base64,") for v in tiles.values())


def test_map_html_with_mbtiles_shows_the_tiles_offline_in_chromium(tmp_path):
    if CHROMIUM is None:
        pytest.skip("headless Chromium not installed (/usr/bin/chromium; apt-get install chromium)")
    from landgeo.render.webmap import write_webmap

    path = tmp_path / "b.mbtiles"
    write_mbtiles(path, BOX, range(6, 16))
    layers = {"boundary": gpd.GeoDataFrame(geometry=[shapely.box(*BOX)], crs=4326)}
    html = write_webmap({"name": "Basemap test"}, layers, tmp_path / "map.html", rasters={"basemap": path})
    page = html.read_text(encoding="utf-8")
    assert "landgeo-basemap" in page and "L.tileLayer" not in page
    # a loaded machine can take the screenshot before every tile is decoded: up to three tries, longer each time
    for attempt, budget in enumerate((8000, 20000, 40000)):
        shot = tmp_path / f"shot{attempt}.png"
        cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
               f"--user-data-dir={tmp_path / f'profile{attempt}'}", "--host-resolver-rules=MAP * ~NOTFOUND",
               "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--window-size=1000,800",
               f"--virtual-time-budget={budget}", f"--screenshot={shot}", html.as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        assert shot.is_file(), proc.stderr[-800:]
        img = np.asarray(Image.open(shot).convert("RGB")).astype(int)
        magenta = np.all(np.abs(img - MAGENTA) < 30, axis=2)
        if magenta.mean() > 0.25:
            break
    assert magenta.mean() > 0.25, f"basemap tiles cover {magenta.mean():.0%} of the screenshot"
