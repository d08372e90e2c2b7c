#!/usr/bin/env python3
"""Transition matrices: landgeo.monitor.transition_matrix against exactextract on a code raster, in one run.

Two cases over one landscape polygon (≈ 80 % of an N × N grid of 0.0005° cells at the equator):

* same grid — landgeo pairs the cells (one code per pair, coverage-weighted class areas); the peer
  writes the code raster (from × 256 + to) to a GeoTIFF and runs exactextract ``unique``/``frac`` on it;
* different grids (the first date on cells twice as large, offset by a third of a cell) — landgeo
  vectorises the coarser grid and reads the finer one inside each class polygon (nothing resampled);
  the peer resamples the coarse raster onto the fine grid (nearest) and does as above, which is what a
  GIS officer does by hand, and moves boundaries by up to half a coarse cell.

Prints wall times, their ratio, and how far the two matrices are apart (total absolute difference over
the landscape area). Never run by the tests.

    python benchmarks/bench_transition.py --n 2000
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
import shapely
from rasterio.transform import from_origin
from rasterio.warp import Resampling, reproject

from landgeo.monitor import transition_matrix

CELL = 0.0005


def write(path, data, transform):
    with rasterio.open(path, "w", driver="GTiff", height=data.shape[0], width=data.shape[1], count=1, dtype="uint8",
                       crs="EPSG:4326", transform=transform, tiled=True, blockxsize=256, blockysize=256,
                       compress="deflate") as dst:
        dst.write(data, 1)
    return path


def patches(rng, n, k, cell_block):
    coarse = rng.integers(1, k + 1, (n // cell_block + 1, n // cell_block + 1)).astype("uint8")
    return np.repeat(np.repeat(coarse, cell_block, 0), cell_block, 1)[:n, :n]


def peer(path_a, path_b_on_a_grid, zone, tmp) -> tuple[dict, float]:
    import exactextract

    t0 = time.perf_counter()
    with rasterio.open(path_a) as a, rasterio.open(path_b_on_a_grid) as b:
        code = a.read(1).astype("uint16") * 256 + b.read(1)
        prof = a.profile | {"dtype": "uint16", "nodata": None}
    with rasterio.open(tmp / "code.tif", "w", **prof) as dst:
        dst.write(code, 1)
    df = exactextract.exact_extract(str(tmp / "code.tif"), gpd.GeoDataFrame(geometry=[zone], crs=4326),
                                    ["unique", "frac"], output="pandas")
    dt = time.perf_counter() - t0
    return {(int(u) // 256, int(u) % 256): float(f) for u, f in zip(df["unique"][0], df["frac"][0])}, dt


def shares(m) -> dict:
    total = sum(m.areas_m2.values())
    return {k: v / total for k, v in m.areas_m2.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000)
    args = ap.parse_args()
    n = args.n
    rng = np.random.default_rng(1)
    tmp = Path(tempfile.mkdtemp())
    a = patches(rng, n, 6, 40)
    b = a.copy()
    flip = patches(rng, n, 2, 25) == 1
    b[flip] = patches(rng, n, 6, 15)[flip]
    t = from_origin(0.0, n * CELL, CELL, CELL)
    pa, pb = write(tmp / "a.tif", a, t), write(tmp / "b.tif", b, t)
    span = n * CELL
    zone = shapely.Point(span / 2, span / 2).buffer(span * 0.5, 64).intersection(shapely.box(0, 0, span, span)).buffer(-span * 0.02)
    print(f"grid {n} x {n} cells of {CELL}°, landscape ≈ {zone.area / span**2:.0%} of it")
    t0 = time.perf_counter()  # numba loads its compiled kernels on the first call in a process: timed apart
    small = shapely.box(0, 0, 20 * CELL, 20 * CELL)
    for other in (pb, write(tmp / "warm.tif", a[:50, :50], from_origin(CELL / 3, n * CELL, 2 * CELL, 2 * CELL))):
        with rasterio.open(pa) as sa, rasterio.open(other) as sb:
            transition_matrix(sa, sb, small)
    print(f"first calls in this process (numba loading its cached kernels): {time.perf_counter() - t0:.2f} s")

    t0 = time.perf_counter()
    with rasterio.open(pa) as sa, rasterio.open(pb) as sb:
        m = transition_matrix(sa, sb, zone)
    ours = time.perf_counter() - t0
    ref, theirs = peer(pa, pb, zone, tmp)
    diff = sum(abs(shares(m).get(k, 0) - ref.get(k, 0)) for k in set(ref) | set(m.areas_m2))
    print(f"same grid ({m.method}): landgeo {ours:.2f} s, exactextract on a code raster {theirs:.2f} s, "
          f"ratio landgeo/peer = {ours / theirs:.2f}; matrices differ by {diff:.2e} of the area")

    # different grids: the first date on cells twice as large, offset by a third of a cell
    nc = n // 2
    ac = patches(rng, nc, 6, 20)
    tc = from_origin(CELL * 2 / 3, n * CELL + CELL * 2 / 3, 2 * CELL, 2 * CELL)
    pc = write(tmp / "coarse.tif", ac, tc)
    t0 = time.perf_counter()
    with rasterio.open(pc) as sc, rasterio.open(pb) as sb:
        m2 = transition_matrix(sc, sb, zone)
    ours2 = time.perf_counter() - t0
    t0 = time.perf_counter()
    with rasterio.open(pc) as sc:
        warped = np.zeros((n, n), "uint8")
        reproject(rasterio.band(sc, 1), warped, dst_transform=t, dst_crs="EPSG:4326", resampling=Resampling.nearest)
    pw = write(tmp / "warped.tif", warped, t)
    warp_s = time.perf_counter() - t0
    ref2, theirs2 = peer(pw, pb, zone, tmp)
    diff2 = sum(abs(shares(m2).get(k, 0) - ref2.get(k, 0)) for k in set(ref2) | set(m2.areas_m2))
    print(f"different grids ({m2.method}): landgeo {ours2:.2f} s, resample + exactextract {warp_s + theirs2:.2f} s, "
          f"ratio landgeo/peer = {ours2 / (warp_s + theirs2):.2f}; the resampled matrix differs by {diff2:.2e} of the area")


if __name__ == "__main__":
    main()
