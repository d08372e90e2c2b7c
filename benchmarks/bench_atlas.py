"""The atlas of Madagascar's 119 districts: ``landgeo batch --units`` with maps and atlas, on N workers.

Each district is profiled with land cover, population, rivers, lakes and regions (the shared
Madagascar bundle, ``../shared/data/madagascar``), its map.html, sheet.pdf and sheet.png written,
and OUT/atlas.pdf assembled. The baseline in the same run is the same batch without maps or atlas
(``--no-maps --no-atlas``): the ratio is what the maps and the atlas cost on top of the profiles.
Each run is its own process; the load average is printed before and after (the machine is shared).

    python benchmarks/bench_atlas.py [--workers 2] [--limit N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATA = Path(os.environ.get("LANDGEO_SHARED_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data") / "madagascar"
ATTACH = """
[landscape]
name = "Madagascar districts"
country = ["MDG"]
language = "fr"
[boundary]
method = "file"
path = "{d}/mdg_admin.gpkg"
layer = "adm0_ne10m"
[attach.admin_units]
path = "{d}/mdg_admin.gpkg"
layer = "adm1_ne10m_regions"
name_field = "name"
level = "region"
[attach.landcover]
path = "{d}/mdg_landcover_modis2019_20km.tif"
classes = "modis_igbp"
[attach.population]
path = "{d}/mdg_afripop2020_20km.tif"
kind = "density"
source = "WorldPop 2020 (20 km)"
[attach.rivers]
path = "{d}/mdg_admin.gpkg"
layer = "rivers_ne10m"
name_field = "name"
[attach.water]
path = "{d}/mdg_admin.gpkg"
layer = "lakes_ne10m"
"""


def run(args: list[str]) -> float:
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", "from landgeo.cli import main; main()", *args], capture_output=True,
                          text=True)
    took = time.perf_counter() - t
    if proc.returncode not in (0,):
        print(proc.stderr[-2000:], file=sys.stderr)
    return took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-baseline", action="store_true", help="only the run with maps and atlas")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    attach = tmp / "attach.toml"
    attach.write_text(ATTACH.format(d=DATA), encoding="utf-8")
    common = ["batch", "--units", str(DATA / "mdg_admin.gpkg"), "--layer", "adm2_geoboundaries_districts",
              "--field", "shapeName", "--attach", str(attach), "--workers", str(args.workers), "-q"]
    print(f"load average before: {os.getloadavg()}")
    base = float("nan") if args.skip_baseline else run(common + ["-o", str(tmp / "profiles"), "--no-maps", "--no-atlas"])
    print(f"load average between: {os.getloadavg()}")
    full = run(common + ["-o", str(tmp / "atlas")])
    print(f"load average after: {os.getloadavg()}")
    atlas = tmp / "atlas" / "atlas.pdf"
    pages = "?"
    try:
        from pypdf import PdfReader

        pages = len(PdfReader(atlas).pages)
    except Exception as exc:  # the timing still stands
        print(f"atlas not read: {exc}", file=sys.stderr)
    print("| run | wall time | per district |")
    print("|---|---:|---:|")
    print(f"| profiles only (`--no-maps --no-atlas`) | {base:.1f} s | {base / 119:.2f} s |")
    print(f"| profiles + map.html + sheet.pdf/png + atlas.pdf ({pages} pages) | {full:.1f} s | {full / 119:.2f} s |")
    print(f"| **ratio** | **{full / base:.2f}** | |")


if __name__ == "__main__":
    main()
