"""The command line end to end: outputs, exit status 2 with one clear message, nothing half written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner
from pyproj import Geod

from landgeo.cli.main import main

RECIPE = """
[landscape]
name = "Test Hills"
language = "{lang}"

[boundary]
method = "admin"
path = "{path}"
layer = "districts"
field = "name"
values = {values}
level = "district"
"""


def run(*args, cwd=None):
    runner = CliRunner()
    if cwd:
        old = os.getcwd()
        os.chdir(cwd)
    try:
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
    finally:
        if cwd:
            os.chdir(old)


def recipe(tmp_path, path="units.gpkg", values='["Bélavo", "Kora Nord"]', lang="en", name="r.toml", extra=""):
    p = tmp_path / name
    p.write_text(RECIPE.format(path=path, values=values, lang=lang) + extra, encoding="utf-8")
    return p


def assert_user_error(result, *needles):
    assert result.exit_code == 2, result.output
    err = result.stderr.strip()
    assert err.startswith("landgeo: error:"), err
    assert "Traceback" not in result.output + result.stderr
    assert len(err.splitlines()) == 1, err
    for n in needles:
        assert n in err, err


def test_profile_writes_complete_directory(tmp_path, units_gpkg):
    out = tmp_path / "out"
    result = run("profile", recipe(tmp_path), "-o", out)
    assert result.exit_code == 0, result.stderr
    folder = out / "test-hills"
    assert {p.name for p in folder.iterdir()} >= {"boundary.gpkg", "boundary.geojson", "profile.json"}
    prof = json.loads((folder / "profile.json").read_text())
    assert prof["schema"] == "landgeo.profile/1"
    geod = Geod(ellps="WGS84")
    expected = abs(geod.geometry_area_perimeter(shapely.box(0, 0, 0.2, 0.1))[0]) / 1e4
    assert prof["area_ha"] == pytest.approx(expected, rel=1e-6)
    assert prof["scale"]["verdict"] == "within"
    assert prof["boundary"]["definition"] == "Union of 2 districts: Bélavo and Kora Nord"
    geo = json.loads((folder / "boundary.geojson").read_text())
    assert "crs" not in geo  # RFC 7946
    assert gpd.list_layers(folder / "boundary.gpkg")["name"].tolist()[0] == "boundary"
    # no temporary folders left behind
    assert [p.name for p in out.iterdir()] == ["test-hills"]


def test_profile_is_deterministic(tmp_path, units_gpkg):
    r = recipe(tmp_path)
    run("profile", r, "-o", tmp_path / "a")
    run("profile", r, "-o", tmp_path / "b")
    a = (tmp_path / "a" / "test-hills" / "profile.json").read_bytes()
    b = (tmp_path / "b" / "test-hills" / "profile.json").read_bytes()
    assert a == b


def test_band_on_command_line(tmp_path, units_gpkg):
    result = run("profile", recipe(tmp_path), "-o", tmp_path / "o", "--max-ha", "20000")
    assert result.exit_code == 0
    prof = json.loads((tmp_path / "o" / "test-hills" / "profile.json").read_text())
    assert prof["scale"]["verdict"] == "above"
    assert prof["scale"]["max_ha"] == 20000
    assert next(c for c in prof["checks"] if c["id"] == "scale")["status"] == "warn"


def test_french(tmp_path, units_gpkg):
    result = run("profile", recipe(tmp_path, lang="fr"), "-o", tmp_path / "o")
    assert result.exit_code == 0
    prof = json.loads((tmp_path / "o" / "test-hills" / "profile.json").read_text())
    assert prof["boundary"]["definition"] == "Union de 2 districts : Bélavo et Kora Nord"
    assert "dans la fourchette" in prof["scale"]["message"]


def test_delineate_formats_and_check_json(tmp_path, units_gpkg):
    r = recipe(tmp_path)
    for suffix in (".gpkg", ".geojson", ".kml", ".shp"):
        out = tmp_path / f"b{suffix}"
        result = run("delineate", r, "-o", out)
        assert result.exit_code == 0, result.stderr
        assert len(gpd.read_file(out)) == 1
    result = run("check", tmp_path / "b.geojson", "--json")
    data = json.loads(result.stdout)
    assert data["verdict"] == "within" and data["area_ha"] > 0
    assert {c["id"] for c in data["checks"]} >= {"scale", "contiguity", "holes", "slivers"}
    assert_user_error(run("delineate", r, "-o", tmp_path / "b.gpkg"), "already exists", "--overwrite")
    assert_user_error(run("delineate", r, "-o", tmp_path / "b.txt"), "unknown output format")


def test_check_reports_parts_and_holes(tmp_path):
    shapes = [shapely.box(0, 0, 1, 1).difference(shapely.box(0.4, 0.4, 0.5, 0.5)), shapely.box(2, 0, 2.001, 0.001)]
    path = tmp_path / "two.gpkg"
    gpd.GeoDataFrame(geometry=shapes, crs=4326).to_file(path)
    data = json.loads(run("check", path, "--json", "--max-ha", "2000000").stdout)
    by_id = {c["id"]: c for c in data["checks"]}
    assert by_id["contiguity"]["value"] == 2 and by_id["contiguity"]["status"] == "warn"
    assert by_id["holes"]["value"] == 1
    assert by_id["slivers"]["value"] == 1


# --- bad inputs: exit 2, one message naming the file and the fix, no output -----------------------

def _no_output(tmp_path):
    return not (tmp_path / "out").exists()


def test_recipe_not_toml(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[landscape\nname=")
    assert_user_error(run("profile", bad, "-o", tmp_path / "out"), "bad.toml", "not valid TOML")
    assert _no_output(tmp_path)


def test_unknown_key(tmp_path, units_gpkg):
    r = recipe(tmp_path, extra='\n[scale]\nmax_hectares = 5\n')
    assert_user_error(run("profile", r, "-o", tmp_path / "out"), "r.toml", "max_hectares", "did you mean 'max_ha'")
    assert _no_output(tmp_path)


def test_missing_layer_file(tmp_path):
    assert_user_error(run("profile", recipe(tmp_path, path="nowhere.gpkg"), "-o", tmp_path / "out"), "nowhere.gpkg", "file not found")
    assert _no_output(tmp_path)


def test_layer_without_crs(tmp_path):
    gpd.GeoDataFrame({"name": ["Bélavo"]}, geometry=[shapely.box(0, 0, 0.1, 0.1)]).to_file(tmp_path / "units.shp")
    text = RECIPE.format(path="units.shp", values='["Bélavo"]', lang="en").replace('layer = "districts"\n', "")
    (tmp_path / "r.toml").write_text(text)
    assert_user_error(run("profile", tmp_path / "r.toml", "-o", tmp_path / "out"), "units.shp", "no CRS", "crs =")
    assert _no_output(tmp_path)


def test_csv_swapped(tmp_path):
    pd.DataFrame({"lon": [5.3], "lat": [120.0]}).to_csv(tmp_path / "sites.csv", index=False)
    assert_user_error(run("check", tmp_path / "sites.csv"), "sites.csv", "swapped")


def test_unit_name_not_found(tmp_path, units_gpkg):
    r = recipe(tmp_path, values='["Kora Nordd"]')
    assert_user_error(run("profile", r, "-o", tmp_path / "out"), "units.gpkg", "Kora Nordd", "closest: 'Kora Nord'")
    assert _no_output(tmp_path)


def test_empty_selection(tmp_path, units_gpkg):
    text = RECIPE.format(path="units.gpkg", values="[]", lang="en").replace("values = []", "where = \"region = 'North'\"")
    (tmp_path / "r.toml").write_text(text)
    assert_user_error(run("profile", tmp_path / "r.toml", "-o", tmp_path / "out"), "units.gpkg", "selected no unit")
    assert _no_output(tmp_path)


def test_points_where_polygons_needed(tmp_path):
    gpd.GeoDataFrame({"name": ["x"]}, geometry=gpd.points_from_xy([0], [0]), crs=4326).to_file(tmp_path / "pts.gpkg", layer="districts")
    assert_user_error(run("profile", recipe(tmp_path, path="pts.gpkg", values='["x"]'), "-o", tmp_path / "out"), "pts.gpkg", "polygon")
    assert _no_output(tmp_path)


def test_existing_output_without_overwrite(tmp_path, units_gpkg):
    r = recipe(tmp_path)
    assert run("profile", r, "-o", tmp_path / "out").exit_code == 0
    before = (tmp_path / "out" / "test-hills" / "profile.json").stat().st_mtime_ns
    assert_user_error(run("profile", r, "-o", tmp_path / "out"), "test-hills", "--overwrite")
    assert (tmp_path / "out" / "test-hills" / "profile.json").stat().st_mtime_ns == before
    assert run("profile", r, "-o", tmp_path / "out", "--overwrite").exit_code == 0


def test_not_geodata(tmp_path):
    (tmp_path / "units.gpkg").write_bytes(b"\x00\x01 not a geopackage")
    assert_user_error(run("profile", recipe(tmp_path), "-o", tmp_path / "out"), "units.gpkg")
    assert _no_output(tmp_path)
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    assert_user_error(run("check", tmp_path / "photo.jpg"), "photo.jpg")


def test_several_recipes_one_broken(tmp_path, units_gpkg):
    good = recipe(tmp_path, name="good.toml")
    broken = recipe(tmp_path, path="missing.gpkg", name="broken.toml")
    result = run("profile", good, broken, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "broken.toml" in result.stderr
    assert (tmp_path / "out" / "test-hills" / "profile.json").exists()


def test_demo_runs_on_the_kit(tmp_path):
    repo = Path(__file__).resolve().parents[1]
    result = run("demo", "-o", tmp_path / "demo", cwd=repo)
    assert result.exit_code == 0, result.stderr
    folders = sorted(p.name for p in (tmp_path / "demo").iterdir() if p.is_dir())
    assert "demo-kora-hills" in folders and "demo-foret-de-sanwi" in folders
    for f in folders:
        prof = json.loads((tmp_path / "demo" / f / "profile.json").read_text())
        assert prof["area_ha"] > 0 and prof["scale"]["verdict"] in {"below", "within", "above"}


def test_output_folder_has_usual_permissions(tmp_path, units_gpkg):
    run("profile", recipe(tmp_path), "-o", tmp_path / "out")
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "out" / "test-hills").stat().st_mode & 0o777 == 0o777 & ~umask
