"""Benchmark: the per-unit table of ``landgeo.compare`` against ``geopandas.overlay``, and the
exact best fit (prefix scan) against brute force over subsets.

1. Per-unit table (intersection area of A with each unit, geodesic): landgeo's path — STRtree
   query, vectorised ``shapely.intersection`` of the hit units only, ``geodesy.area_ha`` — against
   ``geopandas.overlay(units, A, how="intersection")`` followed by the same geodesic areas. Both
   give the same numbers (checked). Units: the Natural Earth admin-1 layer (222 units, 7 countries);
   A: discs of 60, 200 and 600 km around Kampala.
2. Best fit: ``best_prefix`` (O(n log n)) against enumerating all 2^n subsets with the same IoU
   formula, n = 8 … 18 random units.

Run::

    /work/venv/bin/python benchmarks/bench_compare.py
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from landgeo.comparison.best_fit import best_prefix, iou_of_set
from landgeo.comparison.metrics import densify
from landgeo.geo import geodesy
from landgeo.io.vector import read_vector

NE = Path(__file__).resolve().parents[2] / "shared" / "data" / "admin_naturalearth_10m" / "ne10m_admin1_admin0.gpkg"


def best_of(fn, repeat: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def disc(km: float) -> shapely.Polygon:
    aeqd = "+proj=aeqd +lat_0=0.32 +lon_0=32.58 +datum=WGS84 +units=m"
    return gpd.GeoSeries([shapely.Point(0, 0).buffer(km * 1000, 64)], crs=aeqd).to_crs(4326).iloc[0]


def table_landgeo(units: gpd.GeoDataFrame, a) -> dict:
    a = densify(a)
    hits = np.unique(units.sindex.query(a, predicate="intersects"))
    geoms = densify(units.geometry.values[hits])
    inter = shapely.intersection(geoms, a)
    areas = geodesy.areas_ha(inter)
    return {units["name"].iloc[i]: v for i, v in zip(hits, areas) if v > 0}


def table_overlay(dens: gpd.GeoDataFrame, a) -> dict:
    """``dens``: the units already densified (outside the timing, which favours the peer)."""
    a = densify(a)
    out = gpd.overlay(dens, gpd.GeoDataFrame(geometry=[a], crs=4326), how="intersection", keep_geom_type=True)
    areas = geodesy.areas_ha(out.geometry.values)
    return {n: v for n, v in zip(out["name"], areas) if v > 0}


def main() -> None:
    units = read_vector(NE, layer="admin1")
    dens = units[["name", "geometry"]].set_geometry(densify(units.geometry.values))
    print(f"units: {len(units)} admin-1 polygons, {shapely.get_num_coordinates(units.geometry.values).sum():,} vertices")
    print("| A | units hit | landgeo | geopandas.overlay | overlay / landgeo | max rel. diff |")
    print("|---|---:|---:|---:|---:|---:|")
    for km in (60, 200, 600):
        a = disc(km)
        t1, r1 = best_of(lambda: table_landgeo(units, a))
        t2, r2 = best_of(lambda: table_overlay(dens, a))
        assert set(r1) == set(r2), (set(r1) ^ set(r2))
        diff = max(abs(r1[k] - r2[k]) / r2[k] for k in r1)
        print(f"| disc {km} km | {len(r1)} | {1000 * t1:.0f} ms | {1000 * t2:.0f} ms | {t2 / t1:.1f} | {diff:.1e} |")

    rng = np.random.default_rng(0)
    print("\n| n units | best_prefix | brute force (2^n subsets) | brute / prefix | same IoU |")
    print("|---:|---:|---:|---:|---|")
    for n in (8, 12, 16, 18):
        u = rng.uniform(1, 100, n)
        x = u * rng.uniform(0, 1, n)
        a = float(x.sum() * 1.2)
        t1, (idx, iou) = best_of(lambda: best_prefix(x, u, a))

        def brute():
            return max(iou_of_set(x[list(s)], u[list(s)], a) for k in range(n + 1) for s in itertools.combinations(range(n), k))

        t2, b = best_of(brute, repeat=1)
        print(f"| {n} | {1e6 * t1:.0f} µs | {t2:.2f} s | {t2 / t1:,.0f} | {abs(b - iou) < 1e-12} |")


if __name__ == "__main__":
    main()
