"""Zonal statistics benchmark: landgeo vs exactextract vs rasterstats, in one run.

Cases (issue 4):

* ``landscape`` – class areas of one ~1,000,000 ha polygon on a 10 m uint8
  land-cover raster (DEFLATE, 512-px tiles, UTM 30N), ~100 Mpx inside;
* ``districts`` – class areas of 1,000 Voronoi districts on the same raster;
* ``float`` – coverage-weighted sum of a float32 raster (EPSG:4326, ~14 m)
  inside the same landscape.

Each tool runs in its own subprocess; we record wall time of the statistics
call and the process's peak RSS (and the RSS after imports, so the growth
is visible). Results are compared with exactextract (coverage-weighted).

Usage::

    /work/venv/bin/python benchmarks/bench_zonal.py            # make data if absent, run all
    /work/venv/bin/python benchmarks/bench_zonal.py --cases landscape --tools landgeo
    /work/venv/bin/python benchmarks/bench_zonal.py --repeat 2     # best of 2 runs per tool (shared machines)

Data goes to ``benchmarks/data/zonal/`` (git-ignored; ~250 MB).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent / "data" / "zonal"
LC = DATA / "lc10m.tif"
FLOAT = DATA / "float_4326.tif"
LANDSCAPE = DATA / "landscape.gpkg"
DISTRICTS = DATA / "districts.gpkg"
UTM = "EPSG:32630"
TOOLS = ["landgeo", "exactextract", "rasterstats"]
CASES = ["landscape", "districts", "float"]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# --------------------------------------------------------------------------- data


def make_data() -> None:
    import geopandas as gpd
    import rasterio
    import shapely
    from rasterio.transform import from_origin
    from rasterio.windows import Window

    DATA.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(42)
    # a wobbly ~1,000,000 ha polygon around (500000, 660000) in UTM 30N
    th = np.linspace(0, 2 * np.pi, 4000, endpoint=False)
    r = 1 + 0.22 * np.sin(3 * th) + 0.08 * np.sin(7 * th + 1) + 0.03 * np.sin(41 * th + 2)
    poly = shapely.Polygon(np.column_stack((np.cos(th) * r, np.sin(th) * r)))
    poly = shapely.affinity.scale(poly, *(2 * [np.sqrt(1e10 / poly.area)]), origin=(0, 0))
    poly = shapely.affinity.translate(poly, 500000.3, 660000.7)
    minx, miny, maxx, maxy = poly.bounds
    x0, y1 = np.floor(minx / 10) * 10 - 200, np.ceil(maxy / 10) * 10 + 200
    W = int(np.ceil((maxx + 200 - x0) / 10))
    H = int(np.ceil((y1 - (miny - 200)) / 10))
    gpd.GeoDataFrame({"name": ["landscape"]}, geometry=[poly], crs=UTM).to_file(LANDSCAPE)
    # 1,000 districts: Voronoi cells of random points, clipped to the raster extent
    ext = shapely.box(x0 + 50, y1 - H * 10 + 50, x0 + W * 10 - 50, y1 - 50)
    pts = shapely.points(rng.uniform(ext.bounds[0], ext.bounds[2], 1000), rng.uniform(ext.bounds[1], ext.bounds[3], 1000))
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=ext))
    cells = shapely.intersection(cells, ext)
    gpd.GeoDataFrame({"id": np.arange(len(cells))}, geometry=cells, crs=UTM).to_file(DISTRICTS)
    # land cover: coherent 1 km patches of 11 WorldCover-like classes + 2 % noise
    classes = np.array([10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 100], dtype="uint8")
    coarse = rng.integers(0, len(classes), (H // 100 + 2, W // 100 + 2))
    profile = dict(driver="GTiff", height=H, width=W, count=1, dtype="uint8", crs=UTM,
                   transform=from_origin(x0, y1, 10, 10), nodata=255, tiled=True, blockxsize=512,
                   blockysize=512, compress="deflate", BIGTIFF="IF_SAFER")
    cols = np.arange(W) // 100
    with rasterio.open(LC, "w", **profile) as dst:
        for a in range(0, H, 512):
            b = min(H, a + 512)
            rows = np.arange(a, b) // 100
            block = classes[coarse[rows[:, None], cols[None, :]]]
            noise = rng.random(block.shape) < 0.02
            block[noise] = classes[rng.integers(0, len(classes), int(noise.sum()))]
            dst.write(block, 1, window=Window(0, a, W, b - a))
    # float raster in EPSG:4326 over the same area (~0.000125°, ~14 m)
    poly84 = gpd.GeoSeries([poly], crs=UTM).to_crs(4326).iloc[0]
    lx0, ly0, lx1, ly1 = poly84.buffer(0.005).bounds
    res = 0.000125
    FW, FH = int(np.ceil((lx1 - lx0) / res)), int(np.ceil((ly1 - ly0) / res))
    fprof = dict(driver="GTiff", height=FH, width=FW, count=1, dtype="float32", crs="EPSG:4326",
                 transform=from_origin(lx0, ly1, res, res), nodata=-9999.0, tiled=True, blockxsize=512,
                 blockysize=512, compress="deflate", predictor=3, BIGTIFF="IF_SAFER")
    fc = np.arange(FW, dtype="float32")
    with rasterio.open(FLOAT, "w", **fprof) as dst:
        for a in range(0, FH, 512):
            b = min(FH, a + 512)
            rr = np.arange(a, b, dtype="float32")[:, None]
            block = (50 + 40 * np.sin(rr / 700.0) * np.cos(fc[None, :] / 900.0)).astype("float32")
            block += rng.random(block.shape, dtype="float32")
            block[rng.random(block.shape) < 0.001] = -9999.0
            dst.write(block, 1, window=Window(0, a, FW, b - a))
    print(f"data: {LC.name} {W}x{H}, {FLOAT.name} {FW}x{FH}, polygon {poly.area / 1e4:,.0f} ha")


# --------------------------------------------------------------------------- one tool, one case (subprocess)


def run_one(tool: str, case: str) -> dict:
    import geopandas as gpd

    vec = gpd.read_file(DISTRICTS if case == "districts" else LANDSCAPE)
    raster = FLOAT if case == "float" else LC
    if case == "float":
        vec = vec.to_crs(4326)
    if tool == "landgeo":
        import rasterio

        from landgeo import zonal

        def call():
            with rasterio.open(raster) as src:
                if case == "float":
                    return [r.total for r in zonal.weighted_sums(src, vec.geometry)]
                return [{str(k): v for k, v in r.areas_m2.items()} for r in zonal.class_areas(src, vec.geometry)]
    elif tool == "exactextract":
        from exactextract import exact_extract

        def call():
            if case == "float":
                df = exact_extract(str(raster), vec, ["sum"], output="pandas")
                return df["sum"].astype(float).tolist()
            df = exact_extract(str(raster), vec, ["unique", "frac", "count"], output="pandas")
            return [{str(int(k)): float(v) * float(c) * 100.0 for k, v in zip(u, f)}
                    for u, f, c in zip(df["unique"], df["frac"], df["count"])]
    elif tool == "rasterstats":
        from rasterstats import zonal_stats

        def call():
            if case == "float":
                return [float(z["sum"] or 0.0) for z in zonal_stats(vec, str(raster), stats=["sum"], nodata=-9999.0)]
            return [{str(k): float(v) * 100.0 for k, v in z.items()}
                    for z in zonal_stats(vec, str(raster), categorical=True, nodata=255)]
    else:
        raise SystemExit(f"unknown tool {tool}")
    base = _rss_mb()
    t = time.perf_counter()
    summary = call()  # cold: first call in a fresh process (numba loads its cache, GDAL opens)
    dt = time.perf_counter() - t
    t = time.perf_counter()
    call()  # warm: the same call again
    warm = time.perf_counter() - t
    return {"tool": tool, "case": case, "seconds": dt, "warm_seconds": warm, "peak_rss_mb": _rss_mb(),
            "rss_after_import_mb": base, "summary": summary}


def _compare(ref, other, case) -> float:
    """Largest relative difference vs the reference (%): per zone total for sums; for classes, per class
    (one zone) or per class summed over zones and per zone total (many zones)."""
    if case == "float":
        return 100 * max((abs(b - a) / abs(a) for a, b in zip(ref, other) if a), default=0.0)
    worst = 0.0
    if len(ref) == 1:
        for k in set(ref[0]) | set(other[0]):
            a, b = ref[0].get(k, 0.0), other[0].get(k, 0.0)
            worst = max(worst, abs(b - a) / a if a else 1.0)
        return 100 * worst
    for k in set().union(*[set(d) for d in ref]):
        a = sum(d.get(k, 0.0) for d in ref)
        b = sum(d.get(k, 0.0) for d in other)
        worst = max(worst, abs(b - a) / a if a else 0.0)
    for dr, do in zip(ref, other):
        a, b = sum(dr.values()), sum(do.values())
        worst = max(worst, abs(b - a) / a if a else 0.0)
    return 100 * worst


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--make", action="store_true", help="(re)make the data")
    ap.add_argument("--repeat", type=int, default=1, help="runs per tool and case, alternating tools; best kept")
    ap.add_argument("--run", nargs=2, metavar=("TOOL", "CASE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run:
        print(json.dumps(run_one(*args.run)))
        return
    if args.make or not (LC.exists() and FLOAT.exists() and DISTRICTS.exists()):
        make_data()
    tools = args.tools.split(",")
    load0 = f"{os.getloadavg()[0]:.2f}"
    rows = []
    for case in args.cases.split(","):
        results: dict[str, dict] = {}
        for _ in range(max(1, args.repeat)):
            for tool in tools:
                p = subprocess.run([sys.executable, __file__, "--run", tool, case], capture_output=True, text=True)
                if p.returncode != 0:
                    print(f"{tool} {case}: failed ({p.returncode}): {p.stderr.strip()[-300:]}")
                    continue
                r = json.loads(p.stdout.strip().splitlines()[-1])
                if tool in results:  # keep the best times (the machine is shared), the largest memory
                    best = results[tool]
                    r["seconds"] = min(r["seconds"], best["seconds"])
                    r["warm_seconds"] = min(r["warm_seconds"], best["warm_seconds"])
                    r["peak_rss_mb"] = max(r["peak_rss_mb"], best["peak_rss_mb"])
                results[tool] = r
        ref = results.get("exactextract")
        lg = results.get("landgeo")
        for tool, r in results.items():
            diff = _compare(ref["summary"], r["summary"], case) if ref else float("nan")
            rows.append((case, tool, r["seconds"], r["warm_seconds"], r["peak_rss_mb"], r["peak_rss_mb"] - r["rss_after_import_mb"],
                         (r["seconds"] / lg["seconds"]) if lg else float("nan"),
                         (r["warm_seconds"] / lg["warm_seconds"]) if lg else float("nan"),
                         (r["peak_rss_mb"] / lg["peak_rss_mb"]) if lg else float("nan"), diff))
    print(f"load average before/after: {load0} / {os.getloadavg()[0]:.2f} (2 cores, shared machine)")
    print("| case | tool | cold s | warm s | peak RSS MB | RSS growth MB | cold / landgeo | warm / landgeo | peak / landgeo "
          "| max diff vs exactextract % |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for case, tool, s, w, peak, growth, tr, wr, mr, diff in rows:
        print(f"| {case} | {tool} | {s:.2f} | {w:.2f} | {peak:.0f} | {growth:.0f} | {tr:.2f} | {wr:.2f} | {mr:.2f} | {diff:.4f} |")


if __name__ == "__main__":
    main()
