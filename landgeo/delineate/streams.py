"""The stream network of a DEM: cells draining at least a threshold of cells, as lines.

The DEM is conditioned as for a catchment (:class:`landgeo.hydro.flowgrid.FlowGrid`: one
priority-flood, D8), its flow accumulated (cells), and every cell draining at least
``threshold_cells`` joined to the cell it drains to, centre to centre. Lines come in three
size classes (``size`` 1, 2, 3: at least 1×, 10×, 100× the threshold) for drawing, in EPSG:4326.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import shapely

from ..hydro.core import offsets
from ..hydro.flowgrid import FlowGrid
from ..i18n import Text
from .dem import valid_in_wgs84

log = logging.getLogger(__name__)

#: At most this many stream cells are turned into lines (the largest first); a finer network is not readable.
MAX_SEGMENTS = 400_000


def stream_network(src, threshold_cells: int, *, bounds=None) -> gpd.GeoDataFrame:
    """Stream lines of an open DEM (rasterio dataset) for cells draining ≥ ``threshold_cells`` cells.

    ``bounds`` (minx, miny, maxx, maxy, EPSG:4326) keeps only the lines that reach that box.
    Returns a GeoDataFrame (``size``, ``min_cells``) in EPSG:4326, empty when no cell reaches the threshold.
    """
    threshold = max(int(threshold_cells), 2)
    cond = FlowGrid.from_dem(src)
    w = cond.width
    flat = cond.flat
    acc = cond.accumulation()
    idx = np.flatnonzero((acc >= threshold) & (flat >= 1) & (flat <= 8))
    if len(idx) > MAX_SEGMENTS:
        log.info(Text("stream network: {kept} of {n} cells kept, those of the largest streams", params={"kept": MAX_SEGMENTS, "n": len(idx)}))
        idx = idx[np.argsort(acc[idx])[::-1][:MAX_SEGMENTS]]
    out = gpd.GeoDataFrame({"size": [], "min_cells": []}, geometry=[], crs=4326)
    if not len(idx):
        return out
    off = offsets(w)
    down = idx + off[flat[idx].astype(np.int64) - 1]
    t = cond.transform

    def centre(i):
        r, c = i // w - 1, i % w - 1
        return t.c + (c + 0.5) * t.a, t.f + (r + 0.5) * t.e

    x0, y0 = centre(idx)
    x1, y1 = centre(down)
    size = 1 + (acc[idx] >= 10 * threshold).astype(int) + (acc[idx] >= 100 * threshold).astype(int)
    rows = []
    for s in (1, 2, 3):
        sel = size == s
        if not sel.any():
            continue
        coords = np.stack([np.column_stack([x0[sel], y0[sel]]), np.column_stack([x1[sel], y1[sel]])], axis=1)
        merged = shapely.line_merge(shapely.multilinestrings(shapely.linestrings(coords)))
        rows.append((s, threshold * 10 ** (s - 1), valid_in_wgs84(merged, cond.crs)))
    out = gpd.GeoDataFrame({"size": [r[0] for r in rows], "min_cells": [r[1] for r in rows]},
                           geometry=[r[2] for r in rows], crs=4326)
    if bounds is not None:
        out = out.assign(geometry=shapely.clip_by_rect(out.geometry.values, *bounds))
        out = out[~out.geometry.is_empty].reset_index(drop=True)
    log.info(Text("stream network: {n} cell at ≥ {threshold} cells of accumulation", "stream network: {n} cells at ≥ {threshold} cells of accumulation",
                  params={"n": len(idx), "threshold": int(threshold)}))
    return out
