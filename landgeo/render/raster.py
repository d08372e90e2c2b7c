"""Rasters for maps: a lon/lat window of a class or elevation raster, land-cover colours, hillshade.

Files are opened through :func:`landgeo.layers.open_raster` (CRS checked) and
read by window, never whole.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import rasterio
import rasterio.windows
from rasterio.enums import Resampling
from rasterio.transform import from_bounds as tf_bounds
from rasterio.warp import reproject, transform_bounds
from rasterio.windows import from_bounds

from ..attach.classes import BUILTIN, builtin_table
from ..io.raster import open_raster
from . import style


def classes_of(part: Any) -> list[dict]:
    """The ``classes`` list of an ecosystems/land-cover part (or the part itself if it is a list)."""
    if isinstance(part, Mapping):
        part = part.get("classes")
    return [c for c in (part or []) if isinstance(c, Mapping) and c.get("class") is not None]


def parse_classes(tag: str | None) -> dict[int, str]:
    out: dict[int, str] = {}
    for item in (tag or "").split(";"):
        if "=" in item:
            k, v = item.split("=", 1)
            try:
                out[int(k.strip())] = v.strip()
            except ValueError:
                continue
    return out


def read_window(path, bounds, *, max_px: int = 1200):
    """Read band 1 over ``bounds`` (EPSG:4326), reprojected to a lon/lat grid when needed.

    Returns (array (masked), extent (l, r, b, t), class table from the CLASSES tag).
    """
    minx, miny, maxx, maxy = bounds
    with open_raster(path) as src:
        classes = parse_classes(src.tags(1).get("CLASSES") or src.tags().get("CLASSES"))
        nodata = src.nodata
        if src.crs is not None and src.crs.to_epsg() == 4326:
            # whole pixels covering the view, one more on each side (no blank strip at the edges)
            win = from_bounds(minx, miny, maxx, maxy, transform=src.transform)
            col0, row0 = math.floor(win.col_off) - 1, math.floor(win.row_off) - 1
            col1 = math.ceil(win.col_off + win.width) + 1
            row1 = math.ceil(win.row_off + win.height) + 1
            win = rasterio.windows.Window(col0, row0, col1 - col0, row1 - row0)
            win = win.intersection(rasterio.windows.Window(0, 0, src.width, src.height))
            step = max(1, int(max(win.width, win.height) // max_px))
            out_shape = (max(1, int(win.height // step)), max(1, int(win.width // step)))
            data = src.read(1, window=win, out_shape=out_shape, resampling=Resampling.nearest, masked=True)
            l, b, r, t = rasterio.windows.bounds(win, src.transform)
            return data, (l, r, b, t), classes
        # another CRS: warp the view onto a lon/lat grid
        width = height = min(max_px, 800)
        dst = np.full((height, width), nodata if nodata is not None else 0, dtype=src.dtypes[0])
        transform = tf_bounds(minx, miny, maxx, maxy, width, height)
        reproject(rasterio.band(src, 1), dst, dst_transform=transform, dst_crs="EPSG:4326",
                  resampling=Resampling.nearest, dst_nodata=nodata)
        _ = transform_bounds  # documented: view bounds are already lon/lat
        data = np.ma.masked_equal(dst, nodata) if nodata is not None else np.ma.asarray(dst)
        return data, (minx, maxx, miny, maxy), classes


def hillshade(dem: np.ndarray, *, dx_m: float, dy_m: float, azimuth: float = 315.0, altitude: float = 45.0) -> np.ndarray:
    """Hillshade in 0..1: the cosine between the surface normal and the sun direction.

    ``dem`` in metres with rows from north to south; ``dx_m``/``dy_m`` cell sizes in metres;
    ``azimuth`` in degrees clockwise from north, ``altitude`` in degrees above the horizon.
    A flat surface gives ``sin(altitude)``.
    """
    z = np.asarray(dem, dtype="float64")
    gy, gx = np.gradient(z, dy_m, dx_m)
    dz_de, dz_dn = gx, -gy  # rows run southwards
    norm = np.sqrt(1.0 + dz_de ** 2 + dz_dn ** 2)
    az, alt = np.radians(azimuth), np.radians(altitude)
    sun = (np.sin(az) * np.cos(alt), np.cos(az) * np.cos(alt), np.sin(alt))
    shade = (-dz_de * sun[0] - dz_dn * sun[1] + sun[2]) / norm
    return np.clip(shade, 0.0, 1.0)


def landcover_rgba(profile: Mapping[str, Any], path, bounds, *, lang: str | None = None
                   ) -> tuple[np.ndarray | None, tuple, dict[str, str]]:
    """A class raster over ``bounds`` (minx, miny, maxx, maxy in EPSG:4326) as an RGBA image.

    Class names come from the profile (``land_cover``/``ecosystems`` classes with a ``value``), else
    from the profile's built-in class table in ``lang`` (classes seen around the landscape but not in
    it), else from the raster's ``CLASSES`` tag (``0=Water;1=...``), else the value itself. Colours
    come from the names (:func:`landgeo.render.style.class_colours`), larger classes first, so
    map, legend and chart agree; nodata is transparent.

    Returns
    -------
    (rgba uint8 array (rows, cols, 4) or None when the window holds no data,
     extent (left, right, bottom, top), {class name: colour} in legend order)
    """
    data, extent, tag_classes = read_window(path, bounds)
    values = sorted(int(v) for v in np.unique(data.compressed())) if data.count() else []
    if not values:
        return None, extent, {}
    given: dict[int, Mapping] = {}
    for part in (profile.get("land_cover"), profile.get("ecosystems")):
        for c in classes_of(part):
            if c.get("value") is not None:
                given.setdefault(int(c["value"]), c)
    table = (profile.get("land_cover") or {}).get("class_table") if isinstance(profile.get("land_cover"), Mapping) else None
    builtin = builtin_table(table) if table in BUILTIN else None
    lang = lang or str(profile.get("language") or "en")
    names = {v: str((given.get(v) or {}).get("class") or (builtin.name(v, lang=lang) if builtin else None)
                    or tag_classes.get(v) or v) for v in values}
    share = {v: float((given.get(v) or {}).get("share") or 0) for v in values}
    order = sorted(values, key=lambda v: (-share[v], v))
    # Colours from class names, not the class table's own (IGBP's red croplands would clash with the red
    # boundary, and its neon yellows print badly); from the English name where one is known, so a class
    # has the same colour on the en, fr, es and pt sheets.
    key = {v: ((given.get(v) or {}).get("names") or {}).get("en") or (builtin.name(v, lang="en") if builtin else None)
           or names[v] for v in values}
    by_key = style.class_colours([key[v] for v in order])
    colours = {names[v]: by_key[key[v]] for v in order}
    lut = np.zeros((len(values), 4), dtype=np.uint8)
    for i, v in enumerate(values):
        hexc = colours[names[v]]
        lut[i] = [int(hexc[1:3], 16), int(hexc[3:5], 16), int(hexc[5:7], 16), 255]
    mask = np.ma.getmaskarray(data)
    idx = np.searchsorted(np.array(values), np.where(mask, values[0], data.filled(values[0])))
    rgba = lut[idx]
    rgba[mask] = 0
    return rgba, extent, {names[v]: colours[names[v]] for v in order}
