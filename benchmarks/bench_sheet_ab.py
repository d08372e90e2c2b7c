"""One demo sheet (PDF + 200-dpi PNG) drawn by two checkouts of landgeo, taking turns, in two processes.

On a machine whose speed drifts by a third from minute to minute, two runs one after the other
compare phases of the machine as much as code. Here each checkout profiles the landscape once in a
process of its own, then the two draw the sheet in turn (A B, B A, …), so both see the same phases;
the figure to read is the median of the paired ratios (this checkout over the other).

    python benchmarks/bench_sheet_ab.py OTHER_CHECKOUT [--recipe boundaries/demo-districts.toml] [--rounds 12]

``OTHER_CHECKOUT`` is a folder with landgeo's sources (``git worktree add`` or ``git archive | tar -x``),
for example the main before a change.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

WORKER = """
import sys, tempfile, time
from pathlib import Path
from landgeo.app.pipeline import build_profile
from landgeo.recipe import read_recipe
from landgeo.render.sheet import write_sheet
res = build_profile(read_recipe(Path(sys.argv[1])))
out = Path(tempfile.mkdtemp())
def sheet():
    write_sheet(res.profile, res.layers, pdf=out / "s.pdf", png=out / "s.png", rasters=res.rasters)
sheet()  # once untimed: imports and caches
print("ready", flush=True)
for _ in sys.stdin:
    t = time.perf_counter()
    sheet()
    print(time.perf_counter() - t, flush=True)
"""


def _start(checkout: Path, recipe: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(checkout))
    proc = subprocess.Popen([sys.executable, "-c", WORKER, str(checkout / recipe)], cwd=checkout, env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    if proc.stdout.readline().strip() != "ready":
        raise SystemExit(f"{checkout}: the sheet could not be drawn")
    return proc


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("other", type=Path, help="the other checkout of landgeo (its folder)")
    parser.add_argument("--recipe", default="boundaries/demo-districts.toml")
    parser.add_argument("--rounds", type=int, default=12)
    args = parser.parse_args()
    procs = {"this": _start(REPO, args.recipe), "other": _start(args.other.resolve(), args.recipe)}
    times: dict[str, list[float]] = {name: [] for name in procs}
    for i in range(args.rounds):
        for name in ("this", "other") if i % 2 == 0 else ("other", "this"):
            procs[name].stdin.write("go\n")
            procs[name].stdin.flush()
            times[name].append(float(procs[name].stdout.readline()))
    for proc in procs.values():
        proc.stdin.close()
        proc.wait()
    ratios = [a / b for a, b in zip(times["this"], times["other"])]
    print(f"{args.recipe}, {args.rounds} rounds (wall seconds)")
    print("| checkout | best | median |")
    print("|---|---:|---:|")
    for name, label in (("this", REPO), ("other", args.other)):
        print(f"| {label} | {min(times[name]):.2f} s | {statistics.median(times[name]):.2f} s |")
    print(f"this / other, median of the paired ratios: {statistics.median(ratios):.2f} "
          f"(best over best {min(times['this']) / min(times['other']):.2f})")


if __name__ == "__main__":
    main()
