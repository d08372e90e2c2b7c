"""The QGIS Processing provider, run headless with Debian's ``qgis_process`` (tests marked ``qgis``).

The plugin is installed by :func:`landgeo.app.qgis_install.install_plugin` into a QGIS profile
under tmp_path, with a ``landgeo`` command that runs this checkout (QGIS's Python never
imports landgeo). Areas are checked with ``pyproj.Geod`` on the input layers.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely
from pyproj import Geod

from landgeo.i18n import translator

from .qgis_helpers import SCRIPTS, qgis_env, qgis_process, qgis_python

pytestmark = pytest.mark.qgis

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "layers" / "demo"
GEOD = Geod(ellps="WGS84")


def geod_ha(geom) -> float:
    return sum(abs(GEOD.geometry_area_perimeter(shapely.orient_polygons(p))[0]) for p in shapely.get_parts(geom)) / 1e4


@pytest.fixture(scope="module")
def qgis(tmp_path_factory):
    """(qgis_process, environment) with the landgeo plugin installed and enabled in a fresh profile."""
    from landgeo.app.qgis_install import install_plugin

    exe = qgis_process()
    root = tmp_path_factory.mktemp("qgis")
    cli = root / "landgeo-here"
    cli.write_text(f"#!/bin/sh\nPYTHONPATH={REPO} exec {sys.executable} -c 'from landgeo.cli import main; main()' \"$@\"\n",
                   encoding="utf-8")
    cli.chmod(0o755)
    env = qgis_env(root)
    done = install_plugin(profiles=Path(env["QGIS_CUSTOM_CONFIG_PATH"]) / "profiles", cli=str(cli))
    assert (done.folder / "metadata.txt").is_file() and "landgeo_processing=true" in done.settings.read_text()
    return exe, env, root


def run(qgis, alg: str, **params) -> tuple[int, dict | None, str]:
    exe, env, _ = qgis
    args = [exe, "--json", "run", f"landgeo:{alg}", "--"] + [f"{k}={v}" for k, v in params.items()]
    done = subprocess.run(args, check=False, capture_output=True, text=True, timeout=600, env=env)
    try:
        data = json.loads(done.stdout[done.stdout.index("{"):])
    except ValueError:
        data = None
    return done.returncode, data, done.stdout + done.stderr


def test_provider_lists_its_algorithms(qgis):
    exe, env, _ = qgis
    done = subprocess.run([exe, "list"], check=False, capture_output=True, text=True, timeout=300, env=env)
    algs = {line.split()[0] for line in done.stdout.splitlines() if line.strip().startswith("landgeo:")}
    assert algs == {f"landgeo:{a}" for a in ("delineate_admin", "delineate_drawn", "delineate_basins", "delineate_dem",
                                             "check_boundary", "suggest_watersheds", "profile_recipe", "compare_units")}


def test_delineate_admin_streams_the_log_and_writes_a_styled_boundary(qgis, tmp_path):
    out = tmp_path / "b.gpkg"
    code, data, text = run(qgis, "delineate_admin", INPUT=f"{DEMO / 'admin.gpkg'}|layername=districts", FIELD="district",
                           VALUES="Bélavo, Kora Nord", NAME="Test hills", LANG=1, OUTPUT=out)
    assert code == 0, text
    log = "\n".join(data["log"]["info"])
    assert " delineate " in log and "landgeo: INFO: read admin.gpkg" in log  # the command, then its log, in the feedback
    districts = gpd.read_file(DEMO / "admin.gpkg", layer="districts")
    chosen = shapely.union_all(districts[districts["district"].isin(["Bélavo", "Kora Nord"])].geometry.values)
    got = gpd.read_file(out, layer="boundary")
    assert geod_ha(got.geometry.iloc[0]) == pytest.approx(geod_ha(chosen), rel=1e-6)
    assert got["definition"].iloc[0].startswith("Union de 2")  # LANG=1: French
    styles = pyogrio.read_dataframe(out, layer="layer_styles", read_geometry=False)
    assert list(styles["f_table_name"]) == ["boundary"] and bool(styles["useAsDefault"].iloc[0])


def test_a_wrong_input_is_the_algorithm_error(qgis, tmp_path):
    out = tmp_path / "c.gpkg"
    code, _, text = run(qgis, "delineate_admin", INPUT=f"{DEMO / 'admin.gpkg'}|layername=districts", FIELD="district",
                        VALUES="Nowhere", OUTPUT=out)
    assert code != 0 and "no unit named 'Nowhere'" in text and "Traceback" not in text
    assert not out.exists()


def test_delineate_drawn_and_check(qgis, tmp_path):
    out = tmp_path / "d.gpkg"
    code, data, text = run(qgis, "delineate_drawn", INPUT=DEMO / "drawn_boundary.kml", OUTPUT=out)
    assert code == 0, text
    drawn = shapely.union_all(gpd.read_file(DEMO / "drawn_boundary.kml").geometry.values)
    area = geod_ha(gpd.read_file(out, layer="boundary").geometry.iloc[0])
    assert area == pytest.approx(geod_ha(drawn), rel=1e-6)
    code, data, text = run(qgis, "check_boundary", INPUT=f"{out}|layername=boundary", MIN_HA=10000, MAX_HA=50000,
                           OUTPUT=tmp_path / "check.json")
    assert code == 0, text
    assert data["results"]["AREA_HA"] == pytest.approx(geod_ha(drawn), rel=1e-6)
    assert data["results"]["VERDICT"] == "above"  # the band given: at most 50,000 ha
    report = json.loads((tmp_path / "check.json").read_text(encoding="utf-8"))
    assert {c["id"] for c in report["checks"]} >= {"scale", "contiguity", "holes", "slivers"}


def _upstream(basins: gpd.GeoDataFrame, start: int) -> set[int]:
    """Units draining to ``start`` (itself included), by hand from NEXT_DOWN."""
    children: dict[int, list[int]] = {}
    for hid, down in zip(basins["HYBAS_ID"], basins["NEXT_DOWN"]):
        children.setdefault(int(down), []).append(int(hid))
    todo, seen = [start], set()
    while todo:
        u = todo.pop()
        if u not in seen:
            seen.add(u)
            todo += children.get(u, [])
    return seen


def test_delineate_basins_and_suggest(qgis, tmp_path):
    basins = gpd.read_file(DEMO / "basins.gpkg")
    outlet = basins.geometry.representative_point().iloc[int(basins["UP_AREA"].to_numpy().argmax())]
    start = int(basins.loc[basins.geometry.contains(outlet), "HYBAS_ID"].iloc[0])
    expected = shapely.union_all(basins[basins["HYBAS_ID"].isin(_upstream(basins, start))].geometry.values)
    out = tmp_path / "basin.gpkg"
    code, data, text = run(qgis, "delineate_basins", INPUT=DEMO / "basins.gpkg", OUTLET=f"{outlet.x},{outlet.y} [EPSG:4326]",
                           SNAP_M=0, OUTPUT=out)
    assert code == 0, text
    assert geod_ha(gpd.read_file(out, layer="boundary").geometry.iloc[0]) == pytest.approx(geod_ha(expected), rel=1e-5)
    cand = tmp_path / "cand.gpkg"
    code, data, text = run(qgis, "suggest_watersheds", INPUT=DEMO / "basins.gpkg", POINT=f"{outlet.x},{outlet.y} [EPSG:4326]",
                           MIN_HA=10000, MAX_HA=100000, OUTPUT=cand)
    assert code == 0, text
    frame = gpd.read_file(cand, layer="candidates")
    assert data["results"]["CANDIDATES"] == len(frame) >= 1
    for _, row in frame.iterrows():
        assert row["area_ha"] == pytest.approx(geod_ha(row.geometry), rel=1e-4)
        assert (10_000 <= row["area_ha"] <= 100_000) == (row["verdict"] == "within")


def test_delineate_dem_matches_the_recipe(qgis, tmp_path):
    import shutil

    dem = shutil.copy(DEMO / "dem.tif", tmp_path / "dem.tif")  # QGIS writes statistics (.aux.xml) beside a raster it opens
    code, data, text = run(qgis, "delineate_dem", DEM=dem, OUTLET="-19.297,5.197 [EPSG:4326]", SNAP_M=500,
                           STREAM_CELLS=100, OUTPUT=tmp_path / "dem.gpkg")
    assert code == 0, text
    from landgeo.app.files import delineate_recipe

    recipe = delineate_recipe(REPO / "boundaries" / "demo-watershed.toml")  # the same outlet and settings
    got = gpd.read_file(tmp_path / "dem.gpkg", layer="boundary").geometry.iloc[0]
    assert got.symmetric_difference(recipe.geometry).area < 1e-9 and geod_ha(got) > 100_000


def test_profile_recipe_and_compare(qgis, tmp_path):
    code, data, text = run(qgis, "profile_recipe", RECIPE=REPO / "boundaries" / "demo-districts.toml", OUTPUT=tmp_path / "p")
    assert code == 0, text
    folder = Path(data["results"]["PROFILE"])
    assert folder.parent == tmp_path / "p" and {"boundary.gpkg", "profile.json", "tables.xlsx"} <= {p.name for p in folder.iterdir()}
    code, data, text = run(qgis, "compare_units", INPUT=f"{folder / 'boundary.gpkg'}|layername=boundary",
                           UNITS=f"{DEMO / 'admin.gpkg'}|layername=districts", FIELD="district", LANG=3, OUTPUT=tmp_path / "c")
    assert code == 0, text
    page = (Path(data["results"]["COMPARISON"]) / "compare.html").read_text(encoding="utf-8")
    assert translator("pt")("share of the unit inside A", context="popup field") in page  # LANG=3: Portuguese
    result = json.loads((Path(data["results"]["COMPARISON"]) / "compare.json").read_text(encoding="utf-8"))
    best = result["units"]["best_fit"]
    assert sorted(best["units"]) == ["Bélavo", "Kora Nord", "Kora Sud"]  # the landscape is these three whole districts
    assert best["metrics"]["iou"] == pytest.approx(1.0, abs=1e-6)
    assert {"a", "best_fit", "units"} <= {str(n) for n, _ in pyogrio.list_layers(Path(data["results"]["COMPARISON"]) / "compare.gpkg")}


def test_outputs_load_with_their_embedded_styles(qgis, tmp_path, demo_profiles):
    """Through PyQGIS: the algorithm asks QGIS to load the GeoPackage's layers, and its post-processor gives
    each layer the style stored in layer_styles (legend labels in the profile's language)."""
    _, env, root = qgis
    python = qgis_python()
    plugins = Path(env["QGIS_CUSTOM_CONFIG_PATH"]) / "profiles" / "default" / "python" / "plugins"
    done = subprocess.run([python, str(SCRIPTS / "load_outputs.py"), str(plugins), str(REPO / "boundaries" / "demo-drawn.toml"),
                           str(tmp_path / "out")], check=False, capture_output=True, text=True, timeout=600,
                          env={**env, "LANDGEO_CLI": str(root / "landgeo-here")})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert {"boundary", "admin_units", "sites", "rivers"} <= set(loaded)
    assert loaded["boundary"] == {"renderer": "RuleRenderer", "legend": ["Limite du paysage"]}
    assert loaded["admin_units"]["legend"] == ["Unités administratives"]
