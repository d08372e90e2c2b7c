"""Batch benchmark: N landscapes (every unit of a generated layer), serial vs local worker processes vs Dask.

The units layer is a grid of small rectangles inside the demo kit's extent; each
unit is profiled with the demo recipe's ``[attach.*]`` tables (ecosystems, land
cover, population, ASGM sites, admin units, rivers). Each engine runs as the
``landgeo batch`` command in its own subprocess; we record the wall time and the
peak of the summed RSS of that process and all its children (sampled every
50 ms with psutil). Engines: ``--workers 0`` (serial), ``--workers N`` (the standard
library's process pool, landgeo's local engine) and ``--scheduler`` on a Dask cluster of
N one-thread workers that this script starts on 127.0.0.1 first (its start is not timed;
its scheduler and worker processes count in the memory). The runs' profile.json files are
compared byte for byte.

Usage::

    python benchmarks/bench_batch.py                 # 200 landscapes: serial, 2 local workers, Dask with 2 workers
    python benchmarks/bench_batch.py --n 50 --maps   # with map.html and sheets per landscape

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


def run(cmd: list[str], also: list[psutil.Process] = ()) -> dict:
    """Run ``cmd``; wall time and the peak of the summed RSS of its process tree and of ``also``'s (MB)."""
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
                for extra in also:
                    procs += [extra, *extra.children(recursive=True)]
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


def start_dask(workers: int) -> tuple[str, list[psutil.Popen]]:
    """A ``dask scheduler`` and ``workers`` one-thread workers on 127.0.0.1; (address, processes)."""
    import socket

    from dask.distributed import Client

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "dask"]
    procs = [psutil.Popen([*cmd, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    time.sleep(2)
    procs.append(psutil.Popen([*cmd, "worker", address, "--nworkers", str(workers), "--nthreads", "1", "--no-dashboard"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    with Client(address, timeout=60) as client:
        client.wait_for_workers(workers, timeout=120)
    return address, procs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200, help="landscapes (units)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--maps", action="store_true", help="also write map.html and sheets per landscape (slow)")
    ap.add_argument("--engines", default="serial,local,dask", help="which of serial,local,dask to run (serial first)")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        units = make_units(tmp / "units.gpkg", args.n)
        common = ["-q", "batch", "--units", str(units), "--field", "unit", "--layer", "units", "--attach", str(ATTACH),
                  "--no-atlas", *([] if args.maps else ["--no-maps"])]
        results = {}
        address, dask_procs = start_dask(args.workers)
        engines = (("serial", ["--workers", "0"], []), (f"local {args.workers} workers", ["--workers", str(args.workers)], []),
                   (f"dask {args.workers} workers", ["--scheduler", address], dask_procs))
        wanted = args.engines.split(",")
        engines = [e for e in engines if e[0].split()[0] in wanted]
        try:
            for label, extra, also in engines:
                out = tmp / label.replace(" ", "-")
                results[label] = run([*LANDGEO, *common, "-o", str(out), *extra], also)
                results[label]["out"] = out
                print(f"{label:>18}: {results[label]['wall_s']:7.1f} s, peak RSS (process tree) "
                      f"{results[label]['peak_tree_mb']:7.0f} MB   [{results[label]['stdout']}]", flush=True)
                kids = ", ".join(f"{mb:.0f}" for mb in results[label]["children_mb"]) or "none"
                print(f"{'':>18}  own peaks (MB): main process {results[label]['main_mb']:.0f}; others {kids}", flush=True)
        finally:
            for proc in dask_procs:
                proc.terminate()
        (s_label, s), *others = results.items()
        names = sorted(p.name for p in s["out"].iterdir() if p.is_dir())
        for d_label, d in others:
            same = all(filecmp.cmp(s["out"] / n / "profile.json", d["out"] / n / "profile.json", shallow=False) for n in names)
            print(f"{d_label}: {len(names)} landscapes, profile.json identical to {s_label}: {same}; time ratio {s_label} / "
                  f"{d_label}: {s['wall_s'] / d['wall_s']:.2f} ({d['wall_s'] / args.n * 1000:.0f} ms a landscape, serial "
                  f"{s['wall_s'] / args.n * 1000:.0f} ms); peak memory ratio / serial: {d['peak_tree_mb'] / s['peak_tree_mb']:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
