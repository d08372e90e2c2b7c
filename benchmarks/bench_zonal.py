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

Data goes to ``benchmarks/data/zonal/`` (git-ignored; ~250 MB).
"""

from __future__ import annotations

import argparse
import json
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

        base = _rss_mb()
        t = time.perf_counter()
        with rasterio.open(raster) as src:
            if case == "float":
                res = zonal.weighted_sums(src, vec.geometry)
                summary = [r.total for r in res]
            else:
                res = zonal.class_areas(src, vec.geometry)
                summary = [{str(k): v for k, v in r.areas_m2.items()} for r in res]
        dt = time.perf_counter() - t
    elif tool == "exactextract":
        from exactextract import exact_extract

        base = _rss_mb()
        t = time.perf_counter()
        if case == "float":
            df = exact_extract(str(raster), vec, ["sum"], output="pandas")
            summary = df["sum"].astype(float).tolist()
        else:
            df = exact_extract(str(raster), vec, ["unique", "frac", "count"], output="pandas")
            summary = []
            for u, f, c in zip(df["unique"], df["frac"], df["count"]):
                summary.append({str(int(k)): float(v) * float(c) * 100.0 for k, v in zip(u, f)})
        dt = time.perf_counter() - t
    elif tool == "rasterstats":
        from rasterstats import zonal_stats

        base = _rss_mb()
        t = time.perf_counter()
        if case == "float":
            zs = zonal_stats(vec, str(raster), stats=["sum"], nodata=-9999.0)
            summary = [float(z["sum"] or 0.0) for z in zs]
        else:
            zs = zonal_stats(vec, str(raster), categorical=True, nodata=255)
            summary = [{str(k): float(v) * 100.0 for k, v in z.items()} for z in zs]
        dt = time.perf_counter() - t
    else:
        raise SystemExit(f"unknown tool {tool}")
    return {"tool": tool, "case": case, "seconds": dt, "peak_rss_mb": _rss_mb(), "rss_after_import_mb": base,
            "summary": summary}


def _compare(ref, other, case) -> float:
    """Largest relative difference of totals/class areas vs the reference (%)."""
    worst = 0.0
    if case == "float":
        for a, b in zip(ref, other):
            if a:
                worst = max(worst, abs(b - a) / abs(a))
        return 100 * worst
    tot_ref = sum(sum(d.values()) for d in ref)
    for dr, do in zip(ref, other):
        for k in set(dr) | set(do):
            a, b = dr.get(k, 0.0), do.get(k, 0.0)
            # relative to the class's area summed over zones keeps tiny slivers from dominating
            worst = max(worst, abs(b - a) / max(a, 1e-9 * tot_ref)) if len(ref) == 1 else worst
    if len(ref) > 1:
        # many zones: compare per-class totals over all zones, and the worst zone's total
        classes = set().union(*[set(d) for d in ref])
        for k in classes:
            a = sum(d.get(k, 0.0) for d in ref)
            b = sum(d.get(k, 0.0) for d in other)
            worst = max(worst, abs(b - a) / a if a else 0.0)
    return 100 * worst


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--make", action="store_true", help="(re)make the data")
    ap.add_argument("--run", nargs=2, metavar=("TOOL", "CASE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run:
        print(json.dumps(run_one(*args.run)))
        return
    if args.make or not (LC.exists() and FLOAT.exists() and DISTRICTS.exists()):
        make_data()
    tools = args.tools.split(",")
    rows = []
    for case in args.cases.split(","):
        results = {}
        for tool in tools:
            p = subprocess.run([sys.executable, __file__, "--run", tool, case], capture_output=True, text=True)
            if p.returncode != 0:
                print(f"{tool} {case}: failed ({p.returncode}): {p.stderr.strip()[-300:]}")
                continue
            results[tool] = json.loads(p.stdout.strip().splitlines()[-1])
        ref = results.get("exactextract")
        lg = results.get("landgeo")
        for tool, r in results.items():
            diff = _compare(ref["summary"], r["summary"], case) if ref else float("nan")
            rows.append((case, tool, r["seconds"], r["peak_rss_mb"], r["peak_rss_mb"] - r["rss_after_import_mb"],
                         (r["seconds"] / lg["seconds"]) if lg else float("nan"),
                         (r["peak_rss_mb"] / lg["peak_rss_mb"]) if lg else float("nan"), diff))
    print("| case | tool | time s | peak RSS MB | RSS growth MB | time / landgeo | peak / landgeo | max diff vs exactextract % |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for case, tool, s, peak, growth, tr, mr, diff in rows:
        print(f"| {case} | {tool} | {s:.2f} | {peak:.0f} | {growth:.0f} | {tr:.2f} | {mr:.2f} | {diff:.4f} |")


if __name__ == "__main__":
    main()
