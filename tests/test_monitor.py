"""Monitoring over time: [[monitor.*]] recipes, indicators per date and period (hand-summable), indicators.csv,
profile.json ``monitoring``, the change page, and one indicators.csv for a batch of landscapes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from pyproj import Geod
from rasterio.transform import from_origin

from landgeo.app.pipeline import build_profile, profile_many, write_profile_dir
from landgeo.errors import RecipeError
from landgeo.io.atomic import neutralise_cell
from landgeo.monitor import monitor_landscape, read_indicators_csv, write_indicators_csv
from landgeo.recipe import parse_recipe, read_recipe

GEOD = Geod(ellps="WGS84")
REPO = Path(__file__).resolve().parents[1]
CELL = 0.01
# the landscape of 2020: 0.3° × 0.3° at the equator, on whole cells; 2017's was its western 0.24°
B2020 = shapely.box(0.0, 0.0, 0.3, 0.3)
B2017 = shapely.box(0.0, 0.0, 0.24, 0.3)


def geod_ha(g) -> float:
    g = shapely.segmentize(g, 0.001)
    return sum(abs(GEOD.geometry_area_perimeter(shapely.orient_polygons(p))[0]) for p in shapely.get_parts(g)) / 1e4


def write_raster(path, data, *, nodata=None, dtype=None):
    data = np.asarray(data, dtype=dtype or data.dtype)
    with rasterio.open(path, "w", driver="GTiff", height=data.shape[0], width=data.shape[1], count=1, dtype=data.dtype,
                       crs="EPSG:4326", transform=from_origin(-0.05, 0.35, CELL, CELL), nodata=nodata) as dst:
        dst.write(data, 1)
    return path


def footprint(x, y, r=0.004):
    return shapely.Point(x, y).buffer(r, 16)


@pytest.fixture
def kit(tmp_path):
    """Dated layers over the 40 × 40 cell grid (lon −0.05…0.35, lat −0.05…0.35).

    Land cover (MODIS IGBP): 2017 all evergreen forest (2, natural); 2020 the cells west of lon 0.1 are
    croplands (12). Sites by year: 2017 two footprints, 2020 the same two and a new one (at lon 0.27,
    outside the 2017 boundary). Population counts per cell: 2017 10, 2020 12.
    """
    lc17 = np.full((40, 40), 2, "uint8")
    lc20 = lc17.copy()
    lc20[:, :15] = 12  # columns 0..14: lon −0.05…0.10
    write_raster(tmp_path / "lc2017.tif", lc17, nodata=255)
    write_raster(tmp_path / "lc2020.tif", lc20, nodata=255)
    write_raster(tmp_path / "pop2017.tif", np.full((40, 40), 10.0, "float32"), nodata=-1)
    write_raster(tmp_path / "pop2020.tif", np.full((40, 40), 12.0, "float32"), nodata=-1)
    sites = gpd.GeoDataFrame(
        {"site_id": ["A", "B", "A", "B", "C"], "year": [2017, 2017, 2020, 2020, 2020]},
        geometry=[footprint(0.05, 0.1), footprint(0.2, 0.2), footprint(0.05, 0.1, 0.006), footprint(0.2, 0.2),
                  footprint(0.27, 0.15)], crs=4326)
    sites.to_file(tmp_path / "sites.gpkg", layer="footprints")
    gpd.GeoDataFrame({"name": ["now"]}, geometry=[B2020], crs=4326).to_file(tmp_path / "b2020.gpkg")
    gpd.GeoDataFrame({"name": ["then"]}, geometry=[B2017], crs=4326).to_file(tmp_path / "b2017.gpkg")
    # protected areas: 2017 one reserve, 2020 a second one (partly outside the 2017 boundary), field "status"
    gpd.GeoDataFrame({"status": ["reserve"]}, geometry=[shapely.box(0.0, 0.0, 0.1, 0.1)], crs=4326).to_file(
        tmp_path / "pa2017.gpkg")
    gpd.GeoDataFrame({"status": ["reserve", "community forest"]},
                     geometry=[shapely.box(0.0, 0.0, 0.1, 0.1), shapely.box(0.2, 0.2, 0.28, 0.32)],
                     crs=4326).to_file(tmp_path / "pa2020.gpkg")
    recipe = tmp_path / "land.toml"
    recipe.write_text('''
[landscape]
name = "Test landscape"
slug = "test-landscape"

[boundary]
method = "file"
path = "b2020.gpkg"

[[monitor.boundary]]
date = "2017"
path = "b2017.gpkg"

[[monitor.boundary]]
date = "2020"

[[monitor.landcover]]
date = "2017"
path = "lc2017.tif"
classes = "modis_igbp"
source = "LC 2017"

[[monitor.landcover]]
date = 2020
path = "lc2020.tif"
classes = "modis_igbp"
source = "=LC 2020"

[[monitor.sites]]
path = "sites.gpkg"
date_field = "year"
name_field = "site_id"
source = "Footprints"

[[monitor.population]]
date = "2017"
path = "pop2017.tif"
kind = "count"

[[monitor.population]]
date = "2020"
path = "pop2020.tif"
kind = "count"

[[monitor.polygons]]
name = "protected_areas"
date = "2017"
path = "pa2017.gpkg"
field = "status"

[[monitor.polygons]]
name = "protected_areas"
date = "2020"
path = "pa2020.gpkg"
field = "status"

[[scorecards]]
date = "2017"
scores = { C1 = 1, C2 = 1, C3 = 1, C4 = 1, C5 = 1, P1 = 2, P2 = 2, P3 = 2, P4 = 2, P5 = 2, L1 = 3, L2 = 3, L3 = 3, L4 = 3, L5 = 3, I1 = 4, I2 = 4, I3 = 4, I4 = 4, I5 = 4 }

[[scorecards]]
date = "2020"
scores = { C1 = 2, C2 = 2, C3 = 2, C4 = 2, C5 = 3, P1 = 2, P2 = 2, P3 = 2, P4 = 2, P5 = 2, L1 = 3, L2 = 3, L3 = 3, L4 = 3, L5 = 3, I1 = 4, I2 = 4, I3 = 4, I4 = 4, I5 = 4.5 }
''', encoding="utf-8")
    return recipe


def values(indicators) -> dict[tuple[str, str], float]:
    return {(i["indicator"], i["date_or_period"]): i["value"] for i in indicators}


def test_indicators_per_date_and_period_add_up_by_hand(kit):
    result = build_profile(read_recipe(kit))
    mon = result.profile["monitoring"]
    v = values(mon["indicators"])
    # each date on its own boundary; the boundary grew by 25 % of its 2017 area: a new LandScale baseline
    # (geodesic edges there, parallels here: the two differ by ~1e-6)
    assert v[("landscape_area", "2017")] == pytest.approx(geod_ha(B2017), rel=1e-5)
    assert v[("landscape_area", "2020")] == pytest.approx(geod_ha(B2020), rel=1e-5)
    assert v[("boundary_change", "2017/2020")] == pytest.approx(0.25, rel=1e-3)
    assert v[("new_baseline", "2017/2020")] == 1
    assert mon["boundary_change"][0]["new_baseline"] is True
    assert any(c["id"] == "boundary_change" and c["status"] == "warn" for c in result.profile["checks"])
    # land cover: 2017 all forest on the 2017 boundary; 2020 croplands west of lon 0.1
    forest17 = geod_ha(B2017)
    crop20 = geod_ha(shapely.box(0, 0, 0.1, 0.3))
    assert v[("land_cover_area[Evergreen broadleaf forests]", "2017")] == pytest.approx(forest17, rel=1e-4)
    assert v[("land_cover_area[Croplands]", "2020")] == pytest.approx(crop20, rel=1e-4)
    assert v[("land_cover_area[Evergreen broadleaf forests]", "2020")] == pytest.approx(geod_ha(B2020) - crop20, rel=1e-4)
    # the transition is measured where both boundaries overlap (the 2017 one): forest → croplands west of 0.1
    assert v[("transition[Evergreen broadleaf forests -> Croplands]", "2017/2020")] == pytest.approx(crop20, rel=1e-4)
    kept = geod_ha(shapely.box(0.1, 0, 0.24, 0.3))
    assert v[("transition[Evergreen broadleaf forests -> Evergreen broadleaf forests]", "2017/2020")] == \
        pytest.approx(kept, rel=1e-4)
    assert v[("natural_habitat_loss", "2017/2020")] == pytest.approx(crop20, rel=1e-4)
    assert v[("natural_habitat_gain", "2017/2020")] == 0
    trans = mon["transitions"][0]
    rows = {}
    for m in trans["matrix"]:
        rows[m["from_value"]] = rows.get(m["from_value"], 0) + m["area_ha"]
    assert rows[2] == pytest.approx(v[("land_cover_area[Evergreen broadleaf forests]", "2017")], rel=1e-4)
    # sites: counts and mined areas against geopandas in an equal-area CRS
    sites = gpd.read_file(kit.parent / "sites.gpkg")
    for year, bnd in (("2017", B2017), ("2020", B2020)):
        sub = sites[sites["year"] == int(year)]
        inside = sub[sub.intersects(bnd)]
        area = inside.clip(bnd).to_crs("EPSG:6933").area.sum() / 1e4
        assert v[("site_count", year)] == len(inside)
        assert v[("mined_area", year)] == pytest.approx(area, rel=2e-3)
    assert v[("site_count", "2017")] == 2 and v[("site_count", "2020")] == 3
    assert v[("new_sites", "2017/2020")] == 1  # C, the one that touches no 2017 footprint
    assert v[("mined_area_growth", "2017/2020")] == pytest.approx(
        100 * (v[("mined_area", "2020")] - v[("mined_area", "2017")]) / v[("mined_area", "2017")], rel=1e-3)
    # mining inside natural habitat: 2020's footprint A lies on croplands, B and C on forest
    on_forest = sites[(sites["year"] == 2020) & sites["site_id"].isin(["B", "C"])].to_crs("EPSG:6933").area.sum() / 1e4
    assert v[("mined_area_in_natural_habitat", "2020")] == pytest.approx(on_forest, rel=3e-3)
    # population counts: 24 × 30 cells × 10 in 2017, 30 × 30 × 12 in 2020
    assert v[("population", "2017")] == 7200 and v[("population", "2020")] == 10800
    assert v[("population_change", "2017/2020")] == 3600
    # any attached polygon layer over time: areas inside each date's boundary, per class and in all
    reserve = geod_ha(shapely.box(0, 0, 0.1, 0.1))
    community = geod_ha(shapely.box(0.2, 0.2, 0.28, 0.3))  # clipped to the 2020 boundary (lat ≤ 0.3)
    assert v[("protected_areas_area", "2017")] == pytest.approx(reserve, rel=1e-4)
    assert v[("protected_areas_area", "2020")] == pytest.approx(reserve + community, rel=1e-4)
    assert v[("protected_areas_area[community forest]", "2020")] == pytest.approx(community, rel=1e-4)
    assert v[("protected_areas_area_change", "2017/2020")] == pytest.approx(community, rel=1e-3)
    # scorecard goal means per date
    assert v[("scorecard_mean[conservation]", "2017")] == 1.0
    assert v[("scorecard_mean[conservation]", "2020")] == pytest.approx(2.2)
    assert v[("scorecard_mean[institutions]", "2020")] == pytest.approx(4.1)


def test_indicators_csv_matches_profile_json_and_is_neutralised(kit, tmp_path):
    result = build_profile(read_recipe(kit))
    folder = write_profile_dir(result, tmp_path / "out", maps=False)
    rows = read_indicators_csv((folder / "indicators.csv").read_text(encoding="utf-8"))
    profile = json.loads((folder / "profile.json").read_text(encoding="utf-8"))
    own = profile["monitoring"]["indicators"]
    assert len(rows) == len(own) > 30
    assert [r["indicator"] for r in rows] == [neutralise_cell(i["indicator"]) for i in own]
    assert all(r["landscape"] == "test-landscape" for r in rows)
    for r, i in zip(rows, own):
        assert r["value"] == pytest.approx(i["value"]) if i["value"] is not None else r["value"] is None
    # a source that looks like a formula is neutralised in the CSV, kept as written in JSON
    assert any(r["source"] == "'=LC 2020" for r in rows)
    assert any(i["source"] == "=LC 2020" for i in own)
    with open(folder / "indicators.csv", encoding="utf-8") as f:
        assert next(csv.reader(f)) == ["landscape", "indicator", "date_or_period", "value", "unit", "source", "method"]
    # dated layers in the GeoPackage for the change page
    assert set(gpd.list_layers(folder / "boundary.gpkg")["name"]) >= {"sites_over_time", "boundaries_over_time"}


def test_neutralise_csv_cells(tmp_path):
    path = write_indicators_csv([{"landscape": "=1+1", "indicator": "@x", "date_or_period": "2020", "value": -3.5,
                                  "unit": "ha", "source": "+cmd", "method": "-m"}], tmp_path / "i.csv")
    row = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))[1]
    assert row == ["'=1+1", "'@x", "2020", "-3.5", "ha", "'+cmd", "'-m"]  # the number stays a number


def test_change_page_and_sentences(kit, tmp_path):
    from landgeo.render.change_page import build_change_page, narrative

    result = build_profile(read_recipe(kit))
    mon = result.profile["monitoring"]
    en = " ".join(narrative(mon, "en"))
    a17 = mon["sites"][0]["area_ha"]
    a20 = mon["sites"][1]["area_ha"]
    assert "From 2017 to 2020 the mined area inside the landscape grew from" in en
    assert f"{a17:,.0f}\u00a0ha to {a20:,.0f}\u00a0ha" in en
    assert "; 1 new site, 2 sites in 2017 and 3 in 2020." in en and "new baseline" in en  # singular: one new site
    fr = " ".join(narrative(mon, "fr"))
    assert "De 2017 à 2020, la surface minée dans le paysage a augmenté" in fr and "nouvelle référence" in fr
    assert build_change_page(result.profile, result.layers, lang="fr", rasters=result.rasters) is not None
    folder = write_profile_dir(result, tmp_path / "out")
    assert (folder / "change.png").stat().st_size > 50_000
    pypdf = pytest.importorskip("pypdf")
    assert len(pypdf.PdfReader(folder / "sheet.pdf").pages) == 2  # the sheet, then the change page


def test_profile_without_monitor_still_has_indicators(tmp_path):
    result = build_profile(read_recipe(REPO / "boundaries" / "demo-watershed.toml"))
    mon = result.profile["monitoring"]
    assert mon["dates"] == []
    v = values(mon["indicators"])
    assert v[("landscape_area", "2025")] == result.profile["area_ha"]
    assert v[("site_count", "2025")] == result.profile["sites"]["count"]
    assert v[("population", "2025")] == result.profile["population"]["total"]


def test_many_landscapes_write_one_indicators_csv(kit, tmp_path):
    """profile_many and batch: one indicators.csv in the output folder whose rows are each landscape's own."""
    from landgeo.app.batch import recipe_tasks, run_batch

    recipes = [kit, REPO / "boundaries" / "demo-watershed.toml"]
    tasks, failed = recipe_tasks(recipes)
    assert not failed
    res = run_batch(tasks, tmp_path / "batch", workers=0, maps=False, atlas=False)
    assert not res.failed
    outcomes = profile_many(recipes, tmp_path / "many")
    assert [o.status for o in outcomes] == ["ok", "ok"]
    for out in (tmp_path / "batch", tmp_path / "many"):
        shared_text = (out / "indicators.csv").read_text(encoding="utf-8")
        shared = read_indicators_csv(shared_text)
        own, own_lines = [], []
        for slug in ("test-landscape", "demo-upper-sanwi-watershed"):
            text = (out / slug / "indicators.csv").read_text(encoding="utf-8")
            rows = read_indicators_csv(text)
            assert rows and all(r["landscape"] == slug for r in rows)
            own += rows
            own_lines += text.splitlines()[1:]
        assert shared == own
        assert shared_text.splitlines()[1:] == own_lines  # byte for byte, neutralised cells included
        assert {r["landscape"] for r in shared} == {"test-landscape", "demo-upper-sanwi-watershed"}
    # the two engines agree
    assert (tmp_path / "batch" / "indicators.csv").read_bytes() == (tmp_path / "many" / "indicators.csv").read_bytes()


@pytest.mark.parametrize("toml,expect", [
    ('[[monitor.landcover]]\ndate = "2015"\n', "[[monitor.landcover]] #1 is missing the key 'path'"),
    ('[[monitor.landcover]]\ndat = "2015"\npath = "x.tif"\n', "unknown key 'dat' in [[monitor.landcover]] #1; did you mean 'date'?"),
    ('[[monitor.population]]\ndate = "soon"\npath = "x.tif"\nkind = "count"\n', "[[monitor.population]] #1 date = 'soon' is not a date"),
    ('[[monitor.sites]]\npath = "x.tif"\ndate = "2020"\ndate_field = "year"\n', "needs either date"),
    ('[[monitor.landcover]]\ndate = "2015"\npath = "x.tif"\n[[monitor.landcover]]\ndate = "2015"\npath = "x.tif"\n',
     "[[monitor.landcover]] #2 has date = '2015', like #1"),
    ('[monitor]\nresampel = true\n', "unknown key 'resampel' in [monitor]; did you mean 'resample'?"),
    ('[[monitor.rasters]]\ndate = "2015"\n', "unknown key 'rasters' in [monitor]"),
    ('[[monitor.polygons]]\nname = "Protected Areas"\ndate = "2015"\npath = "x.tif"\n', "is not an indicator name"),
    ('[[monitor.landcover]]\ndate = "2015"\npath = "missing.tif"\n', "file not found"),
    ('[monitor]\nlandcover = 3\n', "[[monitor.landcover]] is not a list of tables"),
])
def test_bad_monitor_recipes_name_file_and_key(tmp_path, toml, expect):
    (tmp_path / "x.tif").write_bytes(b"")
    recipe = tmp_path / "bad.toml"
    recipe.write_text('[landscape]\nname = "X"\n[boundary]\nmethod = "file"\npath = "x.tif"\n' + toml, encoding="utf-8")
    with pytest.raises(RecipeError) as err:
        read_recipe(recipe)
    assert str(recipe) in str(err.value)
    assert expect in str(err.value)


def test_cli_bad_monitor_key_exits_2(tmp_path):
    (tmp_path / "b.gpkg").write_bytes(b"")
    recipe = tmp_path / "bad.toml"
    recipe.write_text('[landscape]\nname = "X"\n[boundary]\nmethod = "file"\npath = "b.gpkg"\n'
                      '[[monitor.landcover]]\ndate = "2015"\n', encoding="utf-8")
    from click.testing import CliRunner

    from landgeo.cli.main import main

    proc = CliRunner().invoke(main, ["profile", str(recipe), "-o", str(tmp_path / "out")])
    assert proc.exit_code == 2
    assert proc.exception is None or isinstance(proc.exception, SystemExit)
    assert str(recipe) in proc.output and "[[monitor.landcover]] #1 is missing the key 'path'" in proc.output
    assert "Traceback" not in proc.output
    assert not (tmp_path / "out").exists()


def test_monitor_api_on_a_recipe_dict(kit):
    """The Python API: parse a recipe and measure it without writing anything."""
    import tomllib

    from landgeo.delineate import delineate

    recipe = parse_recipe(tomllib.loads(kit.read_text(encoding="utf-8")), kit)
    mon = monitor_landscape(recipe, delineate(recipe))
    assert mon.section["dates"] == ["2017", "2020"]
    assert [t["period"] for t in mon.section["transitions"]] == ["2017/2020"]
    assert "landcover@2017" in mon.rasters and len(mon.layers["sites_over_time"]) == 5


def test_cli_monitor_writes_the_indicators_and_says_what_changed(kit, tmp_path):
    from click.testing import CliRunner

    from landgeo.cli.main import main

    out = tmp_path / "ind.csv"
    res = CliRunner().invoke(main, ["monitor", str(kit), "-o", str(out), "--lang", "fr"])
    assert res.exit_code == 0, res.output
    assert "De 2017 à 2020, la surface minée dans le paysage a augmenté" in res.output
    rows = read_indicators_csv(out.read_text(encoding="utf-8"))
    assert {r["landscape"] for r in rows} == {"test-landscape"}
    assert any(r["indicator"] == "new_sites" and r["date_or_period"] == "2017/2020" and r["value"] == 1 for r in rows)
    again = CliRunner().invoke(main, ["monitor", str(kit), "-o", str(out)])
    assert again.exit_code == 2 and "already exists" in again.output  # never silently replaced


def test_batch_atlas_copies_the_change_page_with_the_sheet(kit, tmp_path):
    """A batch draws sheets on its workers; the atlas copies each sheet.pdf whole: sheet, then change page."""
    pypdf = pytest.importorskip("pypdf")
    from landgeo.app.batch import recipe_tasks, run_batch

    tasks, _ = recipe_tasks([kit])
    res = run_batch(tasks, tmp_path / "b", workers=0, maps=True, atlas=True)
    assert not res.failed
    pages = pypdf.PdfReader(tmp_path / "b" / "atlas.pdf").pages
    assert len(pages) == 3  # contents, sheet, change page
    assert "Change over time" in pages[2].extract_text()
    assert "2" in pages[0].extract_text()  # the contents page lists the sheet on page 2


def test_missing_date_field_names_the_layer_and_the_key(kit):
    from click.testing import CliRunner

    from landgeo.cli.main import main

    text = kit.read_text(encoding="utf-8").replace('date_field = "year"', 'date_field = "yr"')
    kit.write_text(text, encoding="utf-8")
    res = CliRunner().invoke(main, ["monitor", str(kit)])
    assert res.exit_code == 2
    assert "sites.gpkg: no field 'yr'" in res.output and "date_field in [[monitor.sites]]" in res.output
    assert "year" in res.output  # the fields it has
    assert "Traceback" not in res.output
