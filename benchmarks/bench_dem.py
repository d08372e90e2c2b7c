"""DEM → largest catchment polygon: landgeo against pysheds 0.5, time and peak memory, one run.

Generated fractal DEMs (spectral synthesis, power spectrum ∝ k^-3, i.e. fractal
dimension 2.5; float32, 30 m cells, UTM 28N, fixed seed) of 1000², 4000² and
8000² cells are written to ``--data-dir`` once. Each chain runs in its own
subprocess, which reports its wall time and its peak RSS (``ru_maxrss``):

* landgeo: what ``catchment_from_dem`` does at the outlet of the largest catchment (found once per DEM by a
  full accumulation, untimed; snap 500 m): read → priority-flood fill giving flats their directions → D8 →
  labels to the snapping window → snap → upstream mask → cleaned polygon (EPSG:4326, geodesic area),
  timed stage by stage (wall and CPU); interior pits/flats and trapped cells counted after (untimed);
* pysheds 0.5 (with the ``np.in1d`` shim numpy 2.4 needs), its documented chain with defaults:
  fill_pits → fill_depressions → resolve_flats → flowdir → accumulation → catchment → polygonize;
* on the 4000² DEM, pysheds again in float64 with tight flat resolution (eps = 1e-12, max_iter = 60000;
  1e-7 is tight enough for integer DEMs, not for float32 ones whose neighbours can differ by less than eps × the gradient)
  as the reference: the largest catchment (at landgeo's outlet cell) is compared cell for cell with
  landgeo's and with pysheds' defaults at the same cell.

landgeo's first call in a fresh numba cache (compilation) is timed separately.
RichDEM 0.3.4 does not build on Python 3.11 (its bundled pybind11 fails), so it is not measured.

Run: ``python benchmarks/bench_dem.py [--sizes 1000 4000 8000] [--data-dir /tmp/landgeo-bench-dem] [--reuse-pysheds DIR/results.json]``
(``--reuse-pysheds`` takes pysheds' numbers and masks from an earlier run on the same DEMs, to spare its minutes.)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parents[1]))  # tests/hydro_reference.py: the diagnostics kernels that left the package


def fractal_dem(n: int, *, seed: int = 7, beta: float = 3.0) -> np.ndarray:
    """A float32 fractal surface (100…1100 m) by spectral synthesis: amplitude ∝ k^(-beta/2)."""
    import scipy.fft

    rng = np.random.default_rng(seed)
    ky = scipy.fft.fftfreq(n).astype(np.float32)[:, None]
    kx = scipy.fft.rfftfreq(n).astype(np.float32)[None, :]
    k2 = ky * ky + kx * kx
    k2[0, 0] = 1.0
    amp = k2 ** np.float32(-beta / 4)
    amp[0, 0] = 0.0
    del k2
    phase = rng.random(amp.shape, dtype=np.float32) * np.float32(2 * np.pi)
    spec = (amp * np.exp(1j * phase)).astype(np.complex64)
    del amp, phase
    z = scipy.fft.irfft2(spec, s=(n, n), workers=2).astype(np.float32)
    del spec
    z -= z.min()
    z *= np.float32(1000.0 / z.max())
    z += np.float32(100.0)  # 100…1100 m: no cell at 0, which pysheds would take for nodata
    return z


def dem_path(data_dir: Path, n: int) -> Path:
    import rasterio
    from rasterio.transform import from_origin

    path = data_dir / f"fractal_{n}_v2.tif"
    if not path.exists():
        z = fractal_dem(n)
        tmp = path.with_suffix(".tmp.tif")
        with rasterio.open(tmp, "w", driver="GTiff", width=n, height=n, count=1, dtype="float32", crs="EPSG:32628", nodata=-9999.0,
                           transform=from_origin(300_000.0, 800_000.0, 30.0, 30.0), tiled=True, blockxsize=512, blockysize=512) as dst:
            dst.write(z, 1)
        tmp.replace(path)
    return path


# --- the chains, each run in a child process ------------------------------------------------------

def child_outlet(path: str) -> dict:
    """The DEM cell of highest accumulation (the largest catchment's outlet), found once per DEM, untimed."""
    from landgeo.hydro.accumulate import accumulate_cells
    from landgeo.hydro.flowgrid import FlowGrid
    from landgeo.io.raster import open_raster

    with open_raster(path) as src:
        cond = FlowGrid.from_dem(src)
    t0 = time.perf_counter()
    acc = accumulate_cells(cond.flat, cond.width)
    t_acc = time.perf_counter() - t0
    i = int(np.argmax(acc))
    w = cond.width
    row, col = i // w - 1, i % w - 1
    lon, lat = cond.cell_lonlat(row, col)
    return {"outlet": [row, col], "lonlat": [lon, lat], "full_accumulation_s": t_acc}


def child_landgeo(path: str, out: str, lonlat: str) -> dict:
    """What ``catchment_from_dem`` does (same calls, default snap 500 m), timed stage by stage."""
    from pyproj import CRS

    from landgeo.delineate import dem
    from landgeo.geo import geodesy
    from landgeo.hydro.condition import d8_complete, fill_with_directions
    from landgeo.hydro.flowgrid import FlowGrid, WindowFlow, read_dem, row_spacing_m
    from landgeo.io.raster import open_raster
    from tests import hydro_reference as hydro_ref

    outlet = tuple(float(v) for v in lonlat.split(","))
    stages = {}
    t0 = time.perf_counter()
    c0 = time.process_time()

    def lap(name, t, c):
        stages[name] = [time.perf_counter() - t, time.process_time() - c]
        return time.perf_counter(), time.process_time()

    t, c = t0, c0
    with open_raster(path) as src:
        z = read_dem(src)
        t, c = lap("read", t, c)
        h, w = z.shape
        flat = z.reshape(-1)
        ux, uy = np.full(h - 2, abs(src.transform.a)), np.full(h - 2, abs(src.transform.e))
        dirs = np.empty(flat.size, dtype=np.uint8)
        dirs.fill(0)
        filled, _ = fill_with_directions(flat, flat.view(np.uint32), w, dirs)
        t, c = lap("fill", t, c)
        unresolved, flat_cells = d8_complete(flat, w, ux, uy, dirs)
        t, c = lap("d8", t, c)
        dx, dy = row_spacing_m(src.transform, src.crs, h - 2)
        cond = FlowGrid(dirs.reshape(h, w), src.transform, CRS(src.crs), dx, dy, int(filled), int(flat_cells), int(unresolved))
        pits_flats = hydro_ref.count_unresolved(flat, dirs, w)  # not timed below: excluded from the laps
        trapped = hydro_ref.trapped_cells(dirs, w)
        del z, flat
    t, c = time.perf_counter(), time.process_time()
    _, _, window = dem.snap_window(cond, outlet, snap_m=500.0)
    flow = WindowFlow(cond, window)
    row, col, dist = dem.snap_outlet(flow.accumulation(), cond, outlet, snap_m=500.0, stream_threshold_cells=100, window=window)
    t, c = lap("labels_snap", t, c)
    geom, cells, counts = dem.catchment_geometry(cond, row, col, flow=flow)
    area = geodesy.area_ha(geom)
    t, c = lap("catchment_polygon", t, c)
    total = sum(v[0] for v in stages.values())
    cpu = sum(v[1] for v in stages.values())
    mask, *_ = flow.upstream_mask(row, col)  # for the cell-for-cell comparison (not timed)
    np.save(out, np.packbits(mask.reshape(cond.dirs.shape)[1:-1, 1:-1]))
    return {"seconds": total, "cpu_s": cpu, "stages": stages, "outlet": [row, col], "cells": cells, "area_ha": area,
            "cells_filled": cond.cells_filled, "flat_cells": cond.flat_cells, "unresolved": cond.unresolved,
            "interior_pits_flats": list(pits_flats), "trapped": trapped, **counts}


def child_pysheds(path: str, out: str, outlet: str | None, tight: bool) -> dict:
    if not hasattr(np, "in1d"):
        np.in1d = np.isin  # pysheds 0.5 on numpy >= 2.4
    t0 = time.perf_counter()
    from pysheds.grid import Grid
    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    c0 = time.process_time()
    grid = Grid.from_raster(path)
    dem = grid.read_raster(path)
    pit = grid.fill_pits(dem)
    flooded = grid.fill_depressions(pit)
    del pit
    t_fill = time.perf_counter() - t0
    inflated = grid.resolve_flats(flooded, eps=1e-12, max_iter=60_000) if tight else grid.resolve_flats(flooded)
    del flooded
    fdir = grid.flowdir(inflated)
    del inflated
    acc = grid.accumulation(fdir)
    if outlet:
        row, col = (int(v) for v in outlet.split(","))
    else:
        row, col = np.unravel_index(int(np.argmax(acc)), acc.shape)
    del acc
    catch = grid.catchment(x=int(col), y=int(row), fdir=fdir, xytype="index")
    mask = np.asarray(catch).astype(bool)
    grid.clip_to(catch)
    shapes = list(grid.polygonize(grid.view(catch, dtype=np.uint8)))
    t_total = time.perf_counter() - t0
    cpu = time.process_time() - c0
    inner = np.asarray(fdir)[1:-1, 1:-1]
    np.save(out, np.packbits(mask))
    return {"seconds": t_total, "cpu_s": cpu, "import_s": t_import, "fill_s": t_fill, "outlet": [int(row), int(col)], "cells": int(mask.sum()),
            "polygons": len(shapes), "interior_flats_left": int((inner == -1).sum()), "interior_pits_left": int((inner == -2).sum())}


def run_child(args: list[str], env: dict | None = None) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, str(HERE), "_child", *args], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"child {args} failed:\n{proc.stderr[-3000:]}")
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res["process_s"] = wall
    return res


def iou(a: Path, b: Path, shape) -> tuple[float, int]:
    n = shape[0] * shape[1]
    x = np.unpackbits(np.load(a))[:n].astype(bool)
    y = np.unpackbits(np.load(b))[:n].astype(bool)
    return float((x & y).sum() / (x | y).sum()), int((x ^ y).sum())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000, 8000])
    ap.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "landgeo-bench-dem")
    ap.add_argument("--skip-pysheds-above", type=int, default=8000, help="Largest size pysheds runs on.")
    ap.add_argument("--reuse-pysheds", type=Path, default=None,
                    help="results.json of an earlier run in the same --data-dir: take pysheds' numbers and masks from it (pysheds unchanged).")
    args = ap.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    earlier = {}
    if args.reuse_pysheds:
        earlier = {r["size"]: r for r in json.loads(args.reuse_pysheds.read_text())["rows"]}
    rows = []
    # first call in a fresh numba cache: compilation included
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        small = dem_path(args.data_dir, 1000)
        small_outlet = run_child(["outlet", str(small)])
        cold = run_child(["landgeo", str(small), str(args.data_dir / "cold.npy"), ",".join(map(str, small_outlet["lonlat"]))], env=env)
    print(f"landgeo first call (fresh numba cache, 1000²): {cold['process_s']:.1f} s in the process, chain {cold['seconds']:.1f} s "
          f"wall / {cold['cpu_s']:.1f} s CPU (compilation included)", flush=True)
    run_child(["landgeo", str(small), str(args.data_dir / "warm.npy"), ",".join(map(str, small_outlet["lonlat"]))])  # fill the normal numba cache
    print(f"machine load (1, 5, 15 min): {os.getloadavg()}", flush=True)
    for n in args.sizes:
        path = dem_path(args.data_dir, n)
        outlet = run_child(["outlet", str(path)])
        lg = run_child(["landgeo", str(path), str(args.data_dir / f"lg_{n}.npy"), ",".join(map(str, outlet["lonlat"]))])
        row = {"size": n, "landgeo": lg, "outlet": outlet}
        stages = ", ".join(f"{k} {v[0]:.2f}/{v[1]:.2f}" for k, v in lg["stages"].items())
        print(f"{n}²: landgeo {lg['seconds']:.1f} s wall, {lg['cpu_s']:.1f} s CPU (process {lg['process_s']:.1f} s), peak {lg['peak_mb']:.0f} MB; "
              f"stages wall/CPU s: {stages}; largest catchment {lg['cells']:,} cells at {lg['outlet']}; interior pits/flats {lg['interior_pits_flats']}, "
              f"trapped {lg['trapped']}; (full accumulation, for basins build: {outlet['full_accumulation_s']:.2f} s)", flush=True)
        if n <= args.skip_pysheds_above:
            if n in earlier and "pysheds" in earlier[n]:
                ps = earlier[n]["pysheds"]
                ps["reused"] = str(args.reuse_pysheds)
            else:
                ps = run_child(["pysheds", str(path), str(args.data_dir / f"ps_{n}.npy"), "", "0"])
            row["pysheds"] = ps
            print(f"{n}²: pysheds {ps['seconds']:.1f} s wall, {ps['cpu_s']:.1f} s CPU (+ import {ps['import_s']:.1f} s), peak {ps['peak_mb']:.0f} MB; "
                  f"pysheds/landgeo: wall {ps['seconds'] / lg['seconds']:.1f}×, CPU {ps['cpu_s'] / lg['cpu_s']:.1f}×, memory {ps['peak_mb'] / lg['peak_mb']:.1f}×; "
                  f"interior flats/pits left {ps['interior_flats_left']}/{ps['interior_pits_left']}; "
                  f"largest catchment {ps['cells']:,} cells", flush=True)
        if n == 4000:
            outlet = ",".join(str(v) for v in lg["outlet"])
            old_ref = earlier.get(n, {}).get("reference")
            if old_ref and old_ref["outlet"] == lg["outlet"]:
                ref = {"cells": old_ref["ref_cells"], "seconds": old_ref["ref_seconds"], "interior_flats_left": old_ref["ref_flats_left"],
                       "interior_pits_left": old_ref["ref_pits_left"]}
                dflt = {"cells": old_ref["pysheds_default_cells"]}
            else:
                ref = run_child(["pysheds", str(path), str(args.data_dir / "ref_4000.npy"), outlet, "1"])
                dflt = run_child(["pysheds", str(path), str(args.data_dir / "psat_4000.npy"), outlet, "0"])
            i_lg, d_lg = iou(args.data_dir / "lg_4000.npy", args.data_dir / "ref_4000.npy", (n, n))
            i_ps, d_ps = iou(args.data_dir / "psat_4000.npy", args.data_dir / "ref_4000.npy", (n, n))
            row["reference"] = {"outlet": lg["outlet"], "ref_cells": ref["cells"], "ref_seconds": ref["seconds"],
                                "landgeo_iou": i_lg, "landgeo_cells_differing": d_lg,
                                "pysheds_default_iou": i_ps, "pysheds_default_cells": dflt["cells"], "pysheds_default_cells_differing": d_ps,
                                "ref_flats_left": ref["interior_flats_left"], "ref_pits_left": ref["interior_pits_left"]}
            print(f"4000² largest catchment at {outlet}: reference (pysheds float64, eps=1e-12) {ref['cells']:,} cells; "
                  f"landgeo {lg['cells']:,} cells, IoU {i_lg:.4f} ({d_lg:,} cells differ); "
                  f"pysheds defaults {dflt['cells']:,} cells, IoU {i_ps:.4f} ({d_ps:,} differ)", flush=True)
        rows.append(row)
        print(f"machine load (1, 5, 15 min): {os.getloadavg()}", flush=True)
    (args.data_dir / "results.json").write_text(json.dumps({"cold": cold, "rows": rows}, indent=1))
    print(f"results: {args.data_dir / 'results.json'}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        kind = sys.argv[2]
        if kind == "outlet":
            out = child_outlet(sys.argv[3])
        elif kind == "landgeo":
            out = child_landgeo(sys.argv[3], sys.argv[4], sys.argv[5])
        else:
            out = child_pysheds(sys.argv[3], sys.argv[4], sys.argv[5] or None, sys.argv[6] == "1")
        out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(out))
    else:
        main()
