"""Issue 10, hostile tester's findings 7-13: bad input is one exit-2 message naming the file, key and fix;
nothing is silently dropped or rewritten (what is repaired or skipped is counted in a note)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio

from landgeo.errors import RecipeError
from landgeo.recipe import read_recipe

from .test_bad_input import assert_one_line_exit_2, run, write_recipe

# --- 8. slugs ------------------------------------------------------------------------------------

@pytest.mark.parametrize("slug, suggestion", [
    ("..", "landscape"), (".", "landscape"), ("😀", "landscape"), ("a/b", "a-b"), ("a\\u0000b", "a-b"),
    ("-rf", "rf"), (".landgeo-tmp-x-1-a", "landgeo-tmp-x-1-a"), ("Demo", "demo"), ("a--b", "a-b"),
])
def test_explicit_slug_is_never_rewritten(tmp_path, units_gpkg, slug, suggestion):
    r = write_recipe(tmp_path, landscape=f'slug = "{slug}"')
    with pytest.raises(RecipeError, match="slug") as err:
        read_recipe(r)
    assert str(r) in str(err.value) and f'slug = "{suggestion}"' in str(err.value)
    assert_one_line_exit_2(run("profile", r, "-o", tmp_path / "out"), "r.toml", "[landscape] slug", f'"{suggestion}"')
    assert not (tmp_path / "out").exists()


def test_valid_slug_and_derived_slug_accepted(tmp_path, units_gpkg):
    assert read_recipe(write_recipe(tmp_path, landscape='slug = "kora-2"')).slug == "kora-2"
    recipe = read_recipe(write_recipe(tmp_path, name="Wassa Amenfi – Est"))
    assert recipe.slug == "wassa-amenfi-est" and recipe.notes == ()


def test_name_without_latin_letters_says_the_slug_is_landscape(tmp_path, units_gpkg):
    r = write_recipe(tmp_path, name="Горы Кора")
    recipe = read_recipe(r)
    assert recipe.slug == "landscape" and len(recipe.notes) == 1
    res = run("profile", r, "-o", tmp_path / "out")
    assert res.exit_code == 0, res.output
    notes = json.loads((tmp_path / "out" / "landscape" / "profile.json").read_text(encoding="utf-8"))["notes"]
    assert any('slug = "' in n and "landscape" in n for n in notes), notes


# --- 10. misleading messages ----------------------------------------------------------------------

def test_recipe_with_byte_order_mark_is_read(tmp_path, units_gpkg):
    r = write_recipe(tmp_path)
    r.write_bytes(b"\xef\xbb\xbf" + r.read_bytes())
    assert read_recipe(r).name == "Test Hills"


@pytest.mark.parametrize("where, key", [("landscape", "name"), ("boundary", "definition")])
def test_empty_text_is_called_empty(tmp_path, units_gpkg, where, key):
    if where == "landscape":
        r = write_recipe(tmp_path, name="")
    else:
        r = write_recipe(tmp_path, boundary=f'{key} = ""')
    assert_one_line_exit_2(run("profile", r, "-o", tmp_path / "out"), "r.toml", f"[{where}] {key} is empty")


def test_folder_given_as_recipe(tmp_path):
    folder = tmp_path / "dir.toml"
    folder.mkdir()
    res = run("profile", folder, "-o", tmp_path / "out")
    assert_one_line_exit_2(res, "dir.toml", "not a recipe")
    assert "layer file" not in res.stderr


def test_buffer_leaving_nothing_names_the_recipe(tmp_path, units_gpkg):
    r = write_recipe(tmp_path, boundary="buffer_m = -999999")
    assert_one_line_exit_2(run("delineate", r, "-o", tmp_path / "b.gpkg"), str(r), "buffer_m")
    assert not (tmp_path / "b.gpkg").exists()


def test_check_crs_option_named_as_typed(tmp_path, units_gpkg, caplog):
    with caplog.at_level(logging.WARNING, logger="landgeo"):
        res = run("check", units_gpkg, "--layer", "districts", "--crs", "EPSG:32630")
    assert res.exit_code == 0, res.output
    text = caplog.text + res.stderr
    assert "--crs EPSG:32630 is ignored" in text and "recipe" not in text


# --- 9. photos ------------------------------------------------------------------------------------

def test_photos_must_be_image_files(tmp_path, units_gpkg):
    from PIL import Image

    fake = tmp_path / "fake.jpg"
    fake.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    for bad in ("/etc/passwd", "fake.jpg"):
        r = write_recipe(tmp_path, rest=f'[profile]\nphotos = ["{bad}"]\n')
        assert_one_line_exit_2(run("profile", r, "-o", tmp_path / "out"), "r.toml", "[profile] photos", "not an image")
        assert not (tmp_path / "out").exists()
    Image.new("RGB", (4, 4)).save(tmp_path / "a.png")
    Image.new("RGB", (4, 4)).save(tmp_path / "b.jpeg")
    Image.new("RGB", (4, 4)).save(tmp_path / "c.webp")
    r = write_recipe(tmp_path, rest='[profile]\nphotos = ["a.png", "b.jpeg", "c.webp"]\n')
    assert [p.name for p in read_recipe(r).profile["photos"]] == ["a.png", "b.jpeg", "c.webp"]


# --- 7. DEM cells that are no elevation -----------------------------------------------------------

REPO = Path(__file__).resolve().parents[1]
DEM_RECIPE = '[landscape]\nname = "Hills"\n[boundary]\nmethod = "dem"\noutlet = [-19.297, 5.197]\ndem = "{dem}"\n'


def _demo_dem_with(tmp_path, name, value, step=(7, 5)):
    with rasterio.open(REPO / "layers" / "demo" / "dem.tif") as src:
        profile = {**src.profile, "dtype": "float32"}
        z = src.read(1).astype("float32")
    z[:: step[0], :: step[1]] = value
    with rasterio.open(tmp_path / name, "w", **profile) as dst:
        dst.write(z, 1)
    (tmp_path / f"{name}.toml").write_text(DEM_RECIPE.format(dem=name), encoding="utf-8")
    return tmp_path / f"{name}.toml", profile["nodata"]


def _area(path):
    return float(gpd.read_file(path).to_crs(6933).area.sum() / 1e4)


@pytest.mark.parametrize("value", [np.inf, -np.inf, 1e30])
def test_dem_cells_that_are_no_elevation_are_nodata_and_counted(tmp_path, value):
    bad, nodata = _demo_dem_with(tmp_path, "bad.tif", value)
    same, _ = _demo_dem_with(tmp_path, "nodata.tif", nodata)  # the same cells as declared nodata
    res = run("delineate", bad, "-o", tmp_path / "bad.gpkg")
    assert res.exit_code == 0, res.output
    assert "bad.tif: 7,200 cells are infinite" in res.stderr and "invalid value" not in res.stderr
    assert run("delineate", same, "-o", tmp_path / "same.gpkg").exit_code == 0
    assert _area(tmp_path / "bad.gpkg") == pytest.approx(_area(tmp_path / "same.gpkg"), rel=1e-9)


def test_dem_mostly_infinite_is_refused(tmp_path):
    bad, _ = _demo_dem_with(tmp_path, "bad.tif", np.inf, step=(1, 1))
    assert_one_line_exit_2(run("delineate", bad, "-o", tmp_path / "b.gpkg"), "bad.tif", "no valid cell")
    bad, _ = _demo_dem_with(tmp_path, "half.tif", np.inf, step=(1, 2))
    assert_one_line_exit_2(run("delineate", bad, "-o", tmp_path / "b.gpkg"), "half.tif", "infinite", "nodata")
    assert not (tmp_path / "b.gpkg").exists()


def test_dem_with_infinite_cells_profiles_with_a_note_and_no_numpy_warning(tmp_path):
    bad, _ = _demo_dem_with(tmp_path, "bad.tif", np.inf)
    res = run("profile", bad, "-o", tmp_path / "out")
    assert res.exit_code == 0, res.output
    assert "invalid value" not in res.stderr, res.stderr
    profile = json.loads((tmp_path / "out" / "hills" / "profile.json").read_text(encoding="utf-8"))
    assert any(n.startswith("bad.tif: 7,200 cells are infinite") for n in profile["notes"]), profile["notes"]


# --- 10. misleading layer messages ----------------------------------------------------------------

def _collection(geometry) -> str:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": i}, "geometry": geometry} for i in range(2)]})


@pytest.mark.parametrize("geometry", [
    None, {"type": "Polygon", "coordinates": []},
    {"type": "Polygon", "coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 0]]]]},  # one level too deep
])
def test_layer_of_empty_or_null_geometries_says_so(tmp_path, geometry):
    f = tmp_path / "b.geojson"
    f.write_text(_collection(geometry), encoding="utf-8")
    res = run("check", f)
    assert_one_line_exit_2(res, "b.geojson", "has no geometry: 2 features with empty or null geometry")
    assert "NaN" not in res.stderr and "projected" not in res.stderr


def test_drawn_polygon_with_no_area_says_so(tmp_path):
    f = tmp_path / "flat.geojson"
    f.write_text(json.dumps({"type": "Feature", "properties": {},
                             "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [2, 0], [0, 0]]]}}),
                 encoding="utf-8")
    res = run("check", f)
    assert_one_line_exit_2(res, "flat.geojson: a polygon has no area")
    assert "not closed" not in res.stderr


def test_sites_csv_with_a_long_first_row_loses_nothing(tmp_path):
    f = tmp_path / "sites.csv"
    f.write_text("site_id,name,lon,lat\nX1,a,-19.5,5.5,extra,cols\nX2,b,-19.4,5.4\n", encoding="utf-8")
    res = run("check", f)
    assert_one_line_exit_2(res, "sites.csv", "1 row has more values than the header's 4 columns (line 2)")
    assert "no features" not in res.stderr
    f.write_text("site_id,name,lon,lat\nX1,a,-19.5,5.5\nX2,b,-19.4\n", encoding="utf-8")  # short rows: empty cells
    from landgeo.io.vector import read_vector
    gdf = read_vector(f)
    assert list(gdf["site_id"]) == ["X1"]


def test_class_table_note_names_the_csv_file(tmp_path):
    import shapely
    from rasterio.transform import from_origin

    from landgeo import attach
    from landgeo.attach.classes import load_class_table

    table = tmp_path / "my_classes.csv"
    table.write_text("value,name_en\n1,Forest\n2,Crops\n", encoding="utf-8")
    tif = tmp_path / "lc.tif"
    with rasterio.open(tif, "w", driver="GTiff", width=10, height=10, count=1, dtype="uint8", crs="EPSG:4326",
                       transform=from_origin(0, 1, 0.1, 0.1)) as dst:
        dst.write(np.ones((10, 10), dtype="uint8"), 1)
    with rasterio.open(tif) as src:
        _, notes = attach.landcover_from_raster(shapely.box(0, 0, 1, 1), src, load_class_table(table), source="src")
    note = next(n for n in notes if "class names" in n)
    assert note.startswith("my_classes.csv: the class table has no class names in"), note


# --- 13. leading tab or CR in attribute names ----------------------------------------------------

def test_leading_tab_or_cr_in_names_is_kept_and_neutralised_in_csv_and_xlsx(tmp_path, units_gpkg):
    import csv

    import openpyxl
    import shapely

    gpd.GeoDataFrame({"eco": ["\tTabbed forest", "\rCR savanna"]},
                     geometry=[shapely.box(0, 0, 0.1, 0.2), shapely.box(0.1, 0, 0.2, 0.2)], crs=4326).to_file(tmp_path / "eco.gpkg")
    (tmp_path / "sites.csv").write_text('site_id,lon,lat\n"\tX1",0.05,0.05\n"\rX2",0.15,0.05\n=X3,0.05,0.15\n',
                                        encoding="utf-8")
    rest = ('[attach.sites]\npath = "sites.csv"\nname_field = "site_id"\n'
            '[attach.ecosystems]\npath = "eco.gpkg"\nfield = "eco"\n')
    r = write_recipe(tmp_path, rest=rest)
    r.write_text(r.read_text(encoding="utf-8").replace('values = ["Bélavo", "Kora Nord"]',
                                                       'values = ["Bélavo", "Kora Nord", "Kora Sud", "Mandé"]'),
                 encoding="utf-8")
    res = run("profile", r, "-o", tmp_path / "out")
    assert res.exit_code == 0, res.output
    folder = tmp_path / "out" / "test-hills"
    wb = openpyxl.load_workbook(folder / "tables.xlsx")
    for table, expected in (("sites", ["'\tX1", "'\nX2", "'=X3"]), ("ecosystems", ["'\nCR savanna", "'\tTabbed forest"])):
        with open(folder / f"{table}.csv", encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))[1:]
        assert sorted(row[0] for row in rows) == sorted(expected), rows
        sheet = next(ws for ws in wb if ws.title.lower() == table)
        assert sorted(c.value for c in sheet["A"][1:]) == sorted(expected)


def test_sites_csv_with_trailing_separators_loses_nothing_and_is_read(tmp_path):
    from landgeo.io.vector import read_vector

    f = tmp_path / "sites.csv"
    f.write_text("site_id,name,lon,lat\nX1,a,-19.5,5.5,,\nX2,b,-19.4,5.4,\n", encoding="utf-8")
    gdf = read_vector(f)
    assert list(gdf["site_id"]) == ["X1", "X2"] and list(gdf["lat"]) == [5.5, 5.4]
