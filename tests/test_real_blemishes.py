"""Real-data blemishes: blank names and classes, many small units, several landscapes where one crashes,
and `check` reading a boundary file the way `profile` does (closed lines, landgeo's own boundary.gpkg),
with errors that address the user of the command at hand."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely
from click.testing import CliRunner

from landgeo import attach
from landgeo.app import pipeline
from landgeo.attach.sites import attach_sites
from landgeo.cli.main import main
from landgeo.io.vector import read_vector
from landgeo.render.sheet import profile_rows

from .cli_helpers import crash_attaching
from .conftest import shared_data
from .reference import geod_ha, inter

LANDSCAPE = shapely.box(30.0, 1.0, 30.5, 1.5)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# --------------------------------------------------------------------------- 3. blank names and classes


def test_blank_classes_are_one_unnamed_class_counted_in_notes():
    geoms = [shapely.box(30.0, 1.0, 30.2, 1.5), shapely.box(30.2, 1.0, 30.3, 1.5), shapely.box(30.3, 1.0, 30.4, 1.5),
             shapely.box(30.4, 1.0, 30.5, 1.5)]
    layer = gpd.GeoDataFrame({"cls": ["Lake A", None, "", np.nan]}, geometry=geoms, crs=4326)
    part, clipped, notes = attach.ecosystems_from_vector(LANDSCAPE, layer, field="cls", source="lakes", lang="fr")
    got = {c["class"]: c["area_ha"] for c in part["classes"]}
    assert set(got) == {"Lake A", "sans nom"}
    blank = shapely.union_all(geoms[1:])
    assert got["sans nom"] == pytest.approx(geod_ha(inter(LANDSCAPE, blank)), rel=1e-7)
    assert any("3" in n and "sans nom" in n and "cls" in n for n in notes)
    assert "nan" not in set(clipped["class"]) and "None" not in set(clipped["class"])


def test_blank_unit_and_site_names(tmp_path):
    units = gpd.GeoDataFrame({"name": ["West", None], "iso": ["UGA", ""]},
                             geometry=[shapely.box(29.9, 0.9, 30.25, 1.6), shapely.box(30.25, 0.9, 30.6, 1.6)], crs=4326)
    part, layer, notes = attach.admin_units_spanned(LANDSCAPE, units, name_field="name", country_field="iso")
    assert sorted(u["name"] for u in part["admin_units"]) == ["West", "unnamed"]
    assert part["countries"] == ["UGA"]
    sites = gpd.GeoDataFrame({"sid": ["s1", None, "  "]}, geometry=[shapely.Point(30.1, 1.1), shapely.Point(30.3, 1.2),
                                                                     shapely.Point(30.4, 1.3)], crs=4326)
    res = attach_sites(LANDSCAPE, sites, name_field="sid", admin_units=units, admin_name_field="name")
    assert list(res.layer["site_id"]) == ["s1", "unnamed", "unnamed"]
    assert {u["name"]: u["count"] for u in res.part["per_admin_unit"]} == {"West": 1, "unnamed": 2}
    assert any("2 features have no sid value" in n for n in res.notes)


@pytest.mark.realdata
def test_hydrolakes_lake_name_as_ecosystem_class(tmp_path):
    """HydroLAKES Lake_name: 106 of 109 empty. Formerly an internal TypeError; now an "unnamed" class."""
    lakes = shared_data("hydrolakes_kyoga_uganda", "hydrolakes_lake_kyoga_system.gpkg")
    frame = gpd.read_file(lakes)
    blank = frame["Lake_name"].isna() | (frame["Lake_name"].astype("string").str.strip() == "")
    assert blank.sum() == 106
    box = shapely.box(*frame.total_bounds)
    part, _, notes = attach.ecosystems_from_vector(box, frame, field="Lake_name", source="kyoga")
    named = set(frame.loc[~blank, "Lake_name"])
    assert {c["class"] for c in part["classes"]} == named | {"unnamed"}
    assert any("106 features have no Lake_name value" in n for n in notes)
    # independent: geopandas in an equal-area CRS for the lakes with no name
    ref = frame.loc[blank].to_crs(6933).dissolve().area.iloc[0] / 1e4
    got = {c["class"]: c["area_ha"] for c in part["classes"]}["unnamed"]
    assert got == pytest.approx(ref, rel=2e-3)


def test_profile_many_records_an_internal_failure_and_goes_on(tmp_path, units_gpkg, monkeypatch):
    """One landscape crashing inside landgeo is recorded; the others and the atlas are written; exit 1."""
    real = pipeline.attach_all
    crash_attaching(monkeypatch, "B")
    recipes = []
    for name, unit in (("A", "Bélavo"), ("B", "Kora Nord"), ("C", "Mandé")):
        p = tmp_path / f"{name}.toml"
        p.write_text(f'[landscape]\nname = "{name}"\n\n[boundary]\nmethod = "admin"\npath = "{units_gpkg.as_posix()}"\n'
                     f'layer = "districts"\nfield = "name"\nvalues = ["{unit}"]\n', encoding="utf-8")
        recipes.append(p)
    out = tmp_path / "out"
    res = run("profile", *recipes, "-o", out)
    assert res.exit_code == 1, res.output
    assert (out / "a" / "profile.json").exists() and (out / "c" / "profile.json").exists()
    assert not (out / "b").exists() and (out / "atlas.pdf").exists()
    assert "B.toml" in res.stderr and "internal error: TypeError" in res.stderr
    # a user error only (a recipe naming a unit that does not exist): exit 2
    recipes[1].write_text(recipes[1].read_text(encoding="utf-8").replace("Kora Nord", "Nowhere"), encoding="utf-8")
    monkeypatch.setattr(pipeline, "attach_all", real)
    res = run("profile", *recipes, "-o", tmp_path / "out2")
    assert res.exit_code == 2 and "Nowhere" in res.stderr


# --------------------------------------------------------------------------- 5. units spanned


def test_many_small_units_wholly_inside_are_all_listed_and_slivers_of_a_unit_are_not():
    """400 small units inside (each 0.06 % of the landscape) are kept; a big neighbour touched by a sliver is not."""
    w = 0.499 / 20  # the cells stop where the neighbour begins
    cells = [shapely.box(30 + i * w, 1 + j * 0.025, 30 + (i + 1) * w, 1 + (j + 1) * 0.025) for i in range(20) for j in range(20)]
    neighbour = shapely.box(30.499, 0.0, 32.0, 2.0)  # overlaps the landscape by a 0.001° strip
    units = gpd.GeoDataFrame({"name": [f"u{k}" for k in range(400)] + ["Big"]}, geometry=cells + [neighbour], crs=4326)
    part, layer, notes = attach.admin_units_spanned(LANDSCAPE, units, name_field="name", level="parish")
    names = [u["name"] for u in part["admin_units"]]
    assert len(names) == 400 and "Big" not in names
    strip = inter(LANDSCAPE, neighbour)
    assert geod_ha(strip) / geod_ha(neighbour) < attach.SLIVER_SHARE_OF_UNIT  # a sliver of that unit
    assert part["sliver_rule"] == {"share_of_unit_below": attach.SLIVER_SHARE_OF_UNIT, "left_out": 1}
    assert any("1 unit touches the landscape by less than 1%" in n for n in notes)
    # the shares of the listed units and of the sliver left out make up the landscape (to 1e-4: the landscape's
    # 0.5° top and bottom edges are geodesics, the cells' edges a chain of 0.025° geodesics, a 6 ha lens apart)
    assert sum(u["share_of_landscape"] for u in part["admin_units"]) == pytest.approx(1 - geod_ha(strip) / geod_ha(LANDSCAPE), abs=1e-4)
    # the sheet summarises the long list
    rows = dict(profile_rows({"location": part, "area_ha": 1.0}, "en"))
    assert "… and 395 more" in rows["Location"]


# --------------------------------------------------------------------------- 9. check reads what profile reads


def test_check_reads_closed_lines_like_profile(tmp_path):
    ring = [(30.0, 1.0), (30.4, 1.02), (30.45, 1.4), (30.05, 1.38), (30.0, 1.0)]
    path = tmp_path / "walked.geojson"
    gpd.GeoDataFrame(geometry=[shapely.LineString(ring)], crs=4326).to_file(path)
    res = run("check", path, "--json")
    assert res.exit_code == 0, res.output
    recipe = tmp_path / "walked.toml"
    recipe.write_text('[landscape]\nname = "Walked"\n\n[boundary]\nmethod = "file"\npath = "walked.geojson"\n', encoding="utf-8")
    out = tmp_path / "out"
    prof = run("profile", recipe, "-o", out)
    assert prof.exit_code == 0, prof.output
    area = json.loads((out / "walked" / "profile.json").read_text(encoding="utf-8"))["area_ha"]
    assert json.loads(res.stdout)["area_ha"] == pytest.approx(area, abs=0.01)
    assert area == pytest.approx(geod_ha(shapely.Polygon(ring)), abs=0.01)
    # landgeo's own boundary.gpkg (several layers) opens on its boundary layer, for check and compare
    gpkg = out / "walked" / "boundary.gpkg"
    gpd.GeoDataFrame({"x": [1]}, geometry=[shapely.Point(30.2, 1.2)], crs=4326).to_file(gpkg, layer="sites")
    res = run("check", gpkg, "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["area_ha"] == pytest.approx(area, abs=0.01)


def test_layer_errors_address_the_user_of_the_command(tmp_path):
    path = tmp_path / "two.gpkg"
    for name, x in (("north", 30.0), ("south", 31.0)):
        gpd.GeoDataFrame(geometry=[shapely.box(x, 1, x + 0.4, 1.4)], crs=4326).to_file(path, layer=name)
    res = run("check", path)
    assert res.exit_code == 2
    assert "--layer NAME" in res.stderr and "layer = " not in res.stderr
    recipe = tmp_path / "r.toml"
    recipe.write_text('[landscape]\nname = "R"\n\n[boundary]\nmethod = "file"\npath = "two.gpkg"\n', encoding="utf-8")
    res = run("delineate", recipe, "-o", tmp_path / "r.geojson")
    assert res.exit_code == 2
    assert 'layer = "…"' in res.stderr and "--layer" not in res.stderr
    res = run("check", path, "--layer", "south", "--json")
    assert res.exit_code == 0 and json.loads(res.stdout)["area_ha"] == pytest.approx(geod_ha(shapely.box(31, 1, 31.4, 1.4)), abs=0.01)


def test_previous_layer_reads_a_layer_of_a_previous_boundary_file(tmp_path, units_gpkg):
    prev = tmp_path / "old.gpkg"
    gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 0.1, 0.1)], crs=4326).to_file(prev, layer="y2020")
    gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 0.1, 0.2)], crs=4326).to_file(prev, layer="y2022")
    recipe = tmp_path / "p.toml"
    recipe.write_text(f'[landscape]\nname = "P"\n\n[boundary]\nmethod = "admin"\npath = "{units_gpkg.as_posix()}"\n'
                      'layer = "districts"\nfield = "name"\nvalues = ["Bélavo"]\n\n'
                      '[scale]\nprevious = "old.gpkg"\nprevious_layer = "y2022"\n', encoding="utf-8")
    out = tmp_path / "out"
    res = run("profile", recipe, "-o", out)
    assert res.exit_code == 0, res.output
    checks = {c["id"]: c for c in json.loads((out / "p" / "profile.json").read_text(encoding="utf-8"))["checks"]}
    # Bélavo is the 0.1° square at the origin: against the 0.1 × 0.2 previous one, it changed by half
    assert checks["change"]["value"] == pytest.approx(0.5, abs=1e-3) and checks["change"]["status"] == "warn"


# --------------------------------------------------------------------------- 6. coarse rasters


def write_density(path, value=100.0, cell=1 / 6, origin=(29.0, 2.0), shape=(12, 12)):
    import rasterio
    from rasterio.transform import from_origin

    data = np.full(shape, value, dtype="float32")
    with rasterio.open(path, "w", driver="GTiff", height=shape[0], width=shape[1], count=1, dtype="float32",
                       crs="EPSG:4326", transform=from_origin(*origin, cell, cell), nodata=-9999.0) as dst:
        dst.write(data, 1)
    return path


def test_coarse_raster_is_flagged_and_rounded_and_not_covered_is_null(tmp_path):
    import rasterio

    path = write_density(tmp_path / "pop.tif")  # 1/6° cells (~34,000 ha), 100 people/km²
    small = shapely.box(30.0, 1.0, 30.03, 1.03)  # ~1,100 ha: a fraction of one cell
    with rasterio.open(path) as src:
        part, notes = attach.population_from_raster(small, src, kind="density", source="pop.tif")
    exact = 100.0 * geod_ha(small) / 100.0  # uniform density × area (km²), independent
    res = part["resolution"]
    assert res["coarse"] and res["significant_figures"] == 2
    assert res["cell_ha"] == pytest.approx(geod_ha(shapely.box(30.0, 1.0, 30 + 1 / 6, 1 + 1 / 6)), rel=2e-3)
    assert res["cells_inside"] == pytest.approx(geod_ha(small) / res["cell_ha"], rel=1e-3) and res["cells_inside"] < 1
    assert part["total"] == float(f"{exact:.2g}")  # 2 significant figures of the exact figure
    assert any("rounded to 2 significant figures" in n for n in notes)
    rows = dict(profile_rows({"population": attach.rounded(part), "area_ha": 1.0}, "en"))
    assert rows["Population"].startswith("≈") and "coarse for this landscape" in rows["Population"]
    # a large landscape on the same raster: not coarse, kept to the unit
    big = shapely.box(29.1, 0.1, 30.9, 1.9)
    with rasterio.open(path) as src:
        part, _ = attach.population_from_raster(big, src, kind="density")
    assert not part["resolution"]["coarse"] and part["resolution"]["significant_figures"] is None
    assert part["total"] == pytest.approx(100.0 * geod_ha(big) / 100.0, rel=1e-5)  # cells follow parallels, edges are geodesics
    # off the raster: not covered (null), never 0
    off = shapely.box(40.0, 1.0, 40.5, 1.5)
    with rasterio.open(path) as src:
        part, _ = attach.population_from_raster(off, src, kind="density")
    assert part["total"] is None and part["covered"] is False and part["not_covered_share"] == 1.0
    rows = dict(profile_rows({"population": attach.rounded(part), "area_ha": 1.0}, "fr"))
    assert rows["Population"].startswith("non couvert par le raster de population")


@pytest.mark.realdata
def test_antananarivo_arrondissement_on_the_20_km_raster():
    """A 700-ha arrondissement on 1/6° WorldPop: flagged with its cell size and rounded (the trial printed 39,729)."""
    import rasterio

    districts = read_vector(shared_data("madagascar", "mdg_admin.gpkg"), layer="adm2_geoboundaries_districts")
    small = districts.loc[districts["area_ha"].idxmin()]
    assert small["area_ha"] < 2_000
    with rasterio.open(shared_data("madagascar", "mdg_afripop2020_20km.tif")) as src:
        part, _ = attach.population_from_raster(small.geometry, src, kind="density")
    assert part["resolution"]["coarse"] and part["resolution"]["cell_ha"] > 30_000
    total = part["total"]
    assert total == float(f"{total:.2g}")  # two significant figures



def test_basins_suggest_names_the_command_line_option(tmp_path):
    path = tmp_path / "two.gpkg"
    for name, x in (("a", 30.0), ("b", 31.0)):
        gpd.GeoDataFrame({"HYBAS_ID": [1], "NEXT_DOWN": [0]}, geometry=[shapely.box(x, 1, x + 0.4, 1.4)], crs=4326).to_file(path, layer=name)
    res = run("basins", "suggest", path, "--point", "30.2,1.2")
    assert res.exit_code == 2 and "--layer NAME" in res.stderr and "layer = " not in res.stderr
