"""Reading a raster strip by strip under the zones (whole block rows, the next strip read in a thread) and handing each zone its rows."""

from __future__ import annotations

import logging
import math
import os
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import rasterio
from rasterio.windows import Window

from ..errors import DataWarning
from ..i18n import Text
from .zones import Zone, raster_crs, row_cell_areas_m2

log = logging.getLogger(__name__)

log = logging.getLogger(__name__)

STRIP_BYTES = 8 * 2**20  # data read per strip (per buffer; two buffers in flight)
CACHE_BYTES = 8 * 2**20  # GDAL block cache while reading: strips cover whole block rows, so blocks are not re-read




def _strip_plan(src, zones: list[Zone], itemsize: int):
    """Union window of the zones and strip height (a multiple of the block height)."""
    live = [z for z in zones if not z.empty]
    if not live:
        return None
    c0 = min(z.col0 for z in live)
    c1 = max(z.col1 for z in live)
    r0 = min(z.row0 for z in live)
    r1 = max(z.row1 for z in live)
    bh = src.block_shapes[0][0] if src.block_shapes else 256
    bh = max(1, min(bh, src.height))
    per_block = bh * (c1 - c0) * itemsize
    k = max(1, STRIP_BYTES // max(per_block, 1))
    strip = int(bh * k)
    if per_block > 4 * STRIP_BYTES:  # huge blocks (e.g. one-strip TIFFs): bound the strip, not the block
        strip = max(1, STRIP_BYTES // max((c1 - c0) * itemsize, 1))
    # align strips to block rows so each block is decoded once
    first = (r0 // bh) * bh
    return c0, c1, r0, r1, strip, first


def _iter_strips(src, band, c0, c1, r0, r1, strip, first, dtype, *, threads: int = 1):
    """Yield (row_start, array) strips, reading the next one in a thread.

    GDAL decodes the blocks of a strip with ``threads`` threads (DEFLATE float
    rasters decode slowly: this is where their time goes).
    """
    starts = []
    s = first
    while s < r1:
        a, b = max(s, r0), min(s + strip, r1)
        if b > a:
            starts.append((a, b))
        s += strip
    if not starts:
        return
    bufs = [np.empty((min(strip, r1 - r0), c1 - c0), dtype=dtype) for _ in range(2)]

    def read(i):
        a, b = starts[i]
        out = bufs[i % 2][: b - a]
        src.read(band, window=Window(c0, a, c1 - c0, b - a), out=out)
        return a, out

    env = rasterio.Env(GDAL_CACHEMAX=CACHE_BYTES, GDAL_NUM_THREADS=str(max(1, threads)))
    with env, ThreadPoolExecutor(max_workers=1) as pool:
        fut = pool.submit(read, 0)
        for i in range(len(starts)):
            a, arr = fut.result()
            if i + 1 < len(starts):
                fut = pool.submit(read, i + 1)
            yield a, arr


def _zones_in_strip(zones, a, b):
    return [z for z in zones if not z.empty and z.row0 < b and z.row1 > a]


def _edges_for_rows(z: Zone, a: int, b: int):
    """The zone's edges that cross rows a..b (sorted by lower y, as stored)."""
    lo = np.minimum(z.ey0, z.ey1)
    hi = np.maximum(z.ey0, z.ey1)
    m = (lo < b) & (hi > a)
    if m.all():
        return z.ex0, z.ey0, z.ex1, z.ey1, lo
    return z.ex0[m], z.ey0[m], z.ex1[m], z.ey1[m], lo[m]


def band_nodata(src, band):
    nd = src.nodatavals[band - 1]
    return (nd is not None and not (isinstance(nd, float) and math.isnan(nd))), (0.0 if nd is None else nd)


def warn_outside(src, zones):
    for z in zones:
        if z.zone_ha > 0 and z.empty:
            msg = Text("{file}: zone {zone} does not overlap the raster; no values were read for it",
                       params={"file": str(src.name), "zone": str(z.index)})
            log.warning(msg)
            warnings.warn(DataWarning(msg), stacklevel=3)




def scan(src, zones: list[Zone], band: int, dtype, accs: list[tuple], run, *, threads: int) -> None:
    """Read the zones' union window strip by strip and call ``run`` per zone.

    ``run(z, data, dcol, row0, row_area, edges, acc)`` adds into the tuple of
    arrays ``acc``. With ``threads`` > 1 zones of a strip are shared among
    threads (kernels release the GIL); a strip holding a single zone is split
    by rows, each part into its own accumulators, added up afterwards.
    """
    plan = _strip_plan(src, zones, np.dtype(dtype).itemsize)
    if plan is None:
        return
    c0, c1, r0, r1, strip, first = plan
    pool = ThreadPoolExecutor(max_workers=threads) if threads > 1 else None
    all_rows = row_cell_areas_m2(src, r0, r1, crs=raster_crs(src))

    def work(jobs):
        for z, data, row0, ra, acc in jobs:
            edges = _edges_for_rows(z, row0, row0 + data.shape[0])
            if edges[0].size:
                run(z, data, z.col0 - c0, row0, ra, edges, acc)

    try:
        for a, arr in _iter_strips(src, band, c0, c1, r0, r1, strip, first, dtype, threads=threads):
            b = a + arr.shape[0]
            ra = all_rows[a - r0: b - r0]
            live = _zones_in_strip(zones, a, b)
            merges = []
            if pool is not None and len(live) == 1 and arr.shape[0] >= 32 * threads:
                z = live[0]
                cuts = np.linspace(0, arr.shape[0], threads + 1).astype(int)
                jobs = []
                for p, q in zip(cuts[:-1], cuts[1:]):
                    tmp = tuple(np.zeros_like(x) for x in accs[z.index])
                    jobs.append((z, arr[p:q], a + p, ra[p:q], tmp))
                    merges.append((accs[z.index], tmp))
            else:
                jobs = [(z, arr, a, ra, accs[z.index]) for z in live]
            if pool is None or len(jobs) < 2:
                work(jobs)
            else:
                list(pool.map(work, [jobs[i::threads] for i in range(threads)]))
            for dst, tmp in merges:
                for x, y in zip(dst, tmp):
                    x += y
    finally:
        if pool is not None:
            pool.shutdown()


def thread_count(threads: int | None) -> int:
    return max(1, min(2, os.cpu_count() or 1)) if threads is None else max(1, int(threads))
