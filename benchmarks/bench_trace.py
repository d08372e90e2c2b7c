"""Benchmark: tracing a 10^6-row basin table, and dissolving thousands of basin units.

Run from the repository root (networkx is a benchmark-only peer, not a dependency):

    /work/venv/bin/pip install networkx
    /work/venv/bin/python benchmarks/bench_trace.py            # 10^6 rows, 4,500 units
    /work/venv/bin/python benchmarks/bench_trace.py --rows 100000 --units 1000   # quick

Part 1 (trace). A HydroBASINS-like table (random HYBAS_IDs, NEXT_DOWN, SUB_AREA)
is generated in two shapes: ``bushy`` (each unit drains to a random earlier
unit: shallow, many branches) and ``stems`` (90 % of units drain to the previous
one: long main stems, depth in the tens of thousands). Each contender runs in its
own subprocess so that its peak resident memory is its own; build and dissolve
times are the best of ``--repeat`` runs (the machine is shared):

* landgeo: ``BasinTable.from_arrays`` (validation + pre-order interval index),
  then ``upstream(u)`` and the upstream area of ``u``;
* networkx: ``DiGraph`` of the NEXT_DOWN edges, then ``nx.ancestors(G, u)`` and
  the sum of SUB_AREA over it.

The same 200 random units (and the largest outlet) are queried by both, and the
upstream sets are compared for equality.

Part 2 (dissolve). Raster-derived units (a labelled raster polygonized, so that
units meet at T-junctions as HydroBASINS units do) are dissolved with
``shapely.union_all``, ``coverage_clean`` + ``coverage_union_all`` (GEOS 3.14)
and landgeo's ``dissolve`` (node the single edges, then ``coverage_union_all``);
the areas are compared with the sum of the units'.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def make_table(n: int, shape: str, seed: int = 0):
    """ids, next_down, sub_area (km²) of a random drainage forest of ``n`` units."""
    rng = np.random.default_rng(seed)
    parent = np.empty(n, dtype=np.int64)
    parent[0] = -1
    idx = np.arange(1, n)
    parent[1:] = (rng.random(n - 1) * idx).astype(np.int64)
    if shape == "stems":
        chain = rng.random(n - 1) < 0.9
        parent[1:][chain] = idx[chain] - 1
    roots = rng.random(n) < 0.001  # coastal units and sinks: their own outlets
    parent[roots] = -1
    ids = (rng.permutation(n) + 1).astype(np.int64) * 10 + 1_000_000_000
    perm = rng.permutation(n)  # rows in random order, as in a real file
    inv = np.argsort(perm)
    p = parent[perm]
    p = np.where(p >= 0, inv[np.maximum(p, 0)], -1)
    ids = ids[perm]
    next_down = np.where(p >= 0, ids[np.maximum(p, 0)], 0)
    sub_area = rng.uniform(10, 300, n)
    # the outlet with the largest catchment (pointer jumping), queried by both tools
    anc = np.where(p >= 0, p, np.arange(n))
    while True:
        nxt = anc[anc]
        if np.array_equal(nxt, anc):
            break
        anc = nxt
    big_id = int(ids[np.argmax(np.bincount(anc, minlength=n))])
    return ids, next_down, sub_area, big_id


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_one(tool: str, n: int, shape: str, queries: int, repeat: int) -> dict:
    ids, nd, sub, big_id = make_table(n, shape)
    rng = np.random.default_rng(1)
    q_ids = rng.choice(ids, size=queries, replace=False)
    base = peak_mb()
    out: dict = {"tool": tool, "rows": n, "shape": shape}
    if tool == "landgeo":
        from landgeo.delineate.basins.table import BasinTable

        BasinTable.from_arrays(ids[:1000], np.where(np.isin(nd[:1000], ids[:1000]), nd[:1000], 0))  # load the compiled kernel
        base = peak_mb()
        builds, cpu = [], []
        for _ in range(repeat):
            t, c = time.perf_counter(), time.process_time()
            table = BasinTable.from_arrays(ids, nd)
            builds.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        out["build_s"], out["build_cpu_s"] = min(builds), min(cpu)
        rows = table.positions(q_ids)
        times, sets = [], []
        for u in rows:
            t = time.perf_counter()
            up = table.upstream(int(u))
            area = float(sub[up].sum())
            times.append(time.perf_counter() - t)
            sets.append(np.sort(ids[up]))
        big = int(table.positions([big_id])[0])
        t = time.perf_counter()
        up = table.upstream(big)
        area = float(sub[up].sum())
        out["largest_query_ms"] = (time.perf_counter() - t) * 1000
        out["largest_units"] = int(len(up))
        t = time.perf_counter()
        table.upstream_totals(sub)
        out["all_upstream_areas_s"] = time.perf_counter() - t
    else:
        import networkx as nx

        builds, cpu = [], []
        for _ in range(repeat):
            g = None
            t, c = time.perf_counter(), time.process_time()
            g = nx.DiGraph()
            g.add_nodes_from(ids.tolist())
            has = nd != 0
            g.add_edges_from(zip(ids[has].tolist(), nd[has].tolist()))
            builds.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        out["build_s"], out["build_cpu_s"] = min(builds), min(cpu)
        sub_of = dict(zip(ids.tolist(), sub.tolist()))
        times, sets = [], []
        for u in q_ids.tolist():
            t = time.perf_counter()
            up = nx.ancestors(g, u) | {u}
            area = sum(sub_of[v] for v in up)
            times.append(time.perf_counter() - t)
            sets.append(np.sort(np.fromiter(up, dtype=np.int64)))
        t = time.perf_counter()
        up = nx.ancestors(g, big_id) | {big_id}
        area = sum(sub_of[v] for v in up)
        out["largest_query_ms"] = (time.perf_counter() - t) * 1000
        out["largest_units"] = len(up)
    out["query_median_ms"] = float(np.median(times) * 1000)
    out["query_max_ms"] = float(np.max(times) * 1000)
    out["peak_mb"] = peak_mb() - base
    out["checksum"] = int(sum(int(s.sum() % 1_000_003) * (i + 1) for i, s in enumerate(sets)) % 1_000_000_007)
    out["area_last"] = area
    return out


def bench_trace(n: int, queries: int, repeat: int) -> list[dict]:
    results = []
    for shape in ("bushy", "stems"):
        for tool in ("landgeo", "networkx"):
            cmd = [sys.executable, __file__, "--one", tool, "--rows", str(n), "--shape", shape, "--queries", str(queries), "--repeat", str(repeat)]
            res = subprocess.run(cmd, capture_output=True, text=True, check=True)
            results.append(json.loads(res.stdout.strip().splitlines()[-1]))
            r = results[-1]
            print(f"  {shape:6} {tool:9} build {r['build_s']:7.2f} s (cpu {r['build_cpu_s']:6.2f} s)  query median {r['query_median_ms']:8.3f} ms  "
                  f"max {r['query_max_ms']:8.2f} ms  largest ({r['largest_units']} units) {r['largest_query_ms']:8.2f} ms  "
                  f"peak +{r['peak_mb']:6.0f} MB", flush=True)
    return results


def raster_units(n_units: int, size: int, seed: int = 0):
    """Units of a polygonized label raster (noisy Voronoi cells): T-junctions as in HydroBASINS."""
    import rasterio.features
    import shapely
    from rasterio.transform import from_origin
    from scipy.ndimage import gaussian_filter
    from scipy.spatial import cKDTree

    rng = np.random.default_rng(seed)
    seeds = rng.uniform(0, size, (n_units, 2))
    yy, xx = np.mgrid[0:size, 0:size].astype("float32")
    scale = size / np.sqrt(n_units)
    ny = gaussian_filter(rng.normal(size=(size, size)), 4) * scale * 2
    nx_ = gaussian_filter(rng.normal(size=(size, size)), 4) * scale * 2
    _, lab = cKDTree(seeds).query(np.c_[(yy + ny).ravel(), (xx + nx_).ravel()])
    lab = lab.reshape(size, size).astype("int32")
    transform = from_origin(10.0, 6.0, 1 / 1200, 1 / 1200)  # 3 arc-seconds (~90 m)
    geoms = [shapely.geometry.shape(g) for g, _ in rasterio.features.shapes(lab, transform=transform)]
    return np.array(geoms, dtype=object)


def bench_dissolve(n_units: int, repeat: int) -> list[dict]:
    import shapely

    from landgeo.geo.coverage import dissolve

    size = int(np.sqrt(n_units) * 30)
    geoms = raster_units(n_units, size)
    total = float(shapely.area(geoms).sum())
    nverts = int(shapely.get_num_coordinates(geoms).sum())
    print(f"  {len(geoms)} units, {nverts} vertices, raster {size}² (T-junctions: coverage valid = {shapely.coverage_is_valid(geoms)})")
    out = []

    def timed(name, fn):
        t = time.perf_counter()
        try:
            times, cpu = [], []
            for _ in range(repeat):
                t, c = time.perf_counter(), time.process_time()
                g = fn()
                times.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
            dt = min(times)
            err = abs(g.area - total) / total
            holes = sum(len(p.interiors) for p in shapely.get_parts(g))
            rec = {"method": name, "s": round(dt, 3), "cpu_s": round(min(cpu), 3), "rel_area_error": err, "parts": int(shapely.get_num_geometries(g)), "holes": holes,
                   "valid": bool(g.is_valid)}
        except Exception as exc:  # a peer that fails is a result too
            rec = {"method": name, "s": time.perf_counter() - t, "error": f"{type(exc).__name__}: {exc}"[:120]}
        out.append(rec)
        print("  " + json.dumps(rec), flush=True)

    timed("shapely.union_all", lambda: shapely.union_all(geoms))
    timed("shapely.coverage_union_all (raw)", lambda: shapely.coverage_union_all(geoms))
    timed("coverage_clean + coverage_union_all", lambda: shapely.coverage_union_all(shapely.coverage_clean(geoms, snapping_distance=0.0)))
    timed("landgeo dissolve (node + coverage_union_all)", lambda: dissolve(geoms))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--units", type=int, default=4_500)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3, help="time each build/dissolve this many times; the best is reported")
    ap.add_argument("--one", choices=["landgeo", "networkx"], help=argparse.SUPPRESS)
    ap.add_argument("--shape", default="bushy", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.rows, args.shape, args.queries, args.repeat)))
        return
    import networkx
    import shapely

    print(f"load average at start: {' '.join(f'{x:.1f}' for x in __import__('os').getloadavg())} (2 cores, shared)")
    print(f"python {platform.python_version()}, numpy {np.__version__}, shapely {shapely.__version__} (GEOS {shapely.geos_version_string}), "
          f"networkx {networkx.__version__}")
    print(f"trace: {args.rows} rows")
    res = bench_trace(args.rows, args.queries, args.repeat)
    for shape in ("bushy", "stems"):
        lg, nx_ = (r for r in res if r["shape"] == shape)
        same = lg["checksum"] == nx_["checksum"] and np.isclose(lg["area_last"], nx_["area_last"])
        print(f"  {shape}: networkx/landgeo build {nx_['build_s'] / lg['build_s']:.0f}× (cpu {nx_['build_cpu_s'] / lg['build_cpu_s']:.0f}×), median query "
              f"{nx_['query_median_ms'] / max(lg['query_median_ms'], 1e-9):.0f}×, largest query "
              f"{nx_['largest_query_ms'] / max(lg['largest_query_ms'], 1e-9):.0f}×, memory "
              f"{nx_['peak_mb'] / max(lg['peak_mb'], 1):.0f}×; same upstream sets: {same}")
    print(f"dissolve: {args.units} units")
    bench_dissolve(args.units, args.repeat)


if __name__ == "__main__":
    main()
