"""Batch benchmark: N landscapes (every unit of a generated layer), serial vs a local Dask cluster.

The units layer is a grid of small rectangles inside the demo kit's extent; each
unit is profiled with the demo recipe's ``[attach.*]`` tables (ecosystems, land
cover, population, ASGM sites, admin units, rivers). Each engine runs as the
``landgeo batch`` command in its own subprocess; we record the wall time and the
peak of the summed RSS of that process and all its children (sampled every
50 ms with psutil: for Dask, the client with its scheduler, the nannies and the
workers). The two runs' profile.json files are compared byte for byte.

Usage::

    /work/venv/bin/python benchmarks/bench_batch.py                 # 200 landscapes, serial vs 2 workers
    /work/venv/bin/python benchmarks/bench_batch.py --n 50 --maps   # with map.html and sheets per landscape

Data and outputs go to a temporary folder that is removed at the end.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
ATTACH = REPO / "boundaries" / "demo-districts.toml"
LANDGEO = [str(Path(sys.executable).with_name("landgeo"))]  # the console script of this environment


def make_units(path: Path, n: int) -> Path:
    """``n`` rectangles in a grid over the demo kit's 1° × 1° extent (-20..-19 E, 5..6 N)."""
    import math

    import geopandas as gpd
    import shapely

    nx = math.ceil(math.sqrt(2 * n))
    ny = math.ceil(n / nx)
    w, h = 1.0 / nx, 1.0 / ny
    geoms = [shapely.box(-20 + i * w, 5 + j * h, -20 + (i + 1) * w, 5 + (j + 1) * h) for j in range(ny) for i in range(nx)][:n]
    gpd.GeoDataFrame({"unit": [f"U{k + 1:04d}" for k in range(n)]}, geometry=geoms, crs=4326).to_file(path, layer="units")
    return path


def run(cmd: list[str]) -> dict:
    """Run ``cmd``; wall time and the peak of the summed RSS of the process tree (MB)."""
    start = time.perf_counter()
    proc = psutil.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0.0
    per_pid: dict[int, float] = {}  # each process's own peak RSS, MB
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                procs = [proc, *proc.children(recursive=True)]
                total = 0
                for p in procs:
                    try:
                        rss = p.memory_info().rss
                    except psutil.Error:
                        continue
                    total += rss
                    per_pid[p.pid] = max(per_pid.get(p.pid, 0.0), rss / 2**20)
                peak = max(peak, total / 2**20)
            except psutil.Error:
                pass
            time.sleep(0.05)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out, err = proc.communicate()
    done.set()
    t.join()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.decode()[-3000:]}")
    others = sorted((mb for pid, mb in per_pid.items() if pid != proc.pid), reverse=True)
    return {"wall_s": wall, "peak_tree_mb": peak, "main_mb": per_pid.get(proc.pid, 0.0), "children_mb": others,
            "stdout": out.decode().strip()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200, help="landscapes (units)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--maps", action="store_true", help="also write map.html and sheets per landscape (slow)")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        units = make_units(tmp / "units.gpkg", args.n)
        common = ["-q", "batch", "--units", str(units), "--field", "unit", "--layer", "units", "--attach", str(ATTACH),
                  "--no-atlas", *([] if args.maps else ["--no-maps"])]
        results = {}
        for label, extra in (("serial", ["--workers", "0"]), (f"dask {args.workers} workers", ["--workers", str(args.workers)])):
            out = tmp / label.replace(" ", "-")
            results[label] = run([*LANDGEO, *common, "-o", str(out), *extra])
            results[label]["out"] = out
            print(f"{label:>18}: {results[label]['wall_s']:7.1f} s, peak RSS (process tree) {results[label]['peak_tree_mb']:7.0f} MB"
                  f"   [{results[label]['stdout']}]", flush=True)
            kids = ", ".join(f"{mb:.0f}" for mb in results[label]["children_mb"]) or "none"
            print(f"{'':>18}  own peaks (MB): main process {results[label]['main_mb']:.0f}; children {kids}", flush=True)
        (s_label, s), (d_label, d) = results.items()
        names = sorted(p.name for p in s["out"].iterdir() if p.is_dir())
        same = all(filecmp.cmp(s["out"] / n / "profile.json", d["out"] / n / "profile.json", shallow=False) for n in names)
        print(f"landscapes: {len(names)}; profile.json identical: {same}")
        print(f"time ratio serial / {d_label}: {s['wall_s'] / d['wall_s']:.2f}; "
              f"per landscape: serial {s['wall_s'] / args.n * 1000:.0f} ms, {d_label} {d['wall_s'] / args.n * 1000:.0f} ms")
        print(f"peak memory ratio {d_label} / serial: {d['peak_tree_mb'] / s['peak_tree_mb']:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
