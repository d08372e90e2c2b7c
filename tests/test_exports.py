"""``landgeo export landscale`` and ``landgeo export terraso``.

The LandScale verdicts are checked against the profile's own checks (the demo landscapes,
and one hand-made landscape for each rule that can fail), and the numbers against
``pyproj.Geod`` on the written files.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from click.testing import CliRunner
from pyproj import Geod

from landgeo.app.export_landscale import export_landscale
from landgeo.app.export_terraso import export_terraso
from landgeo.cli import main

GEOD = Geod(ellps="WGS84")


def geod_ha(geom) -> float:
    return sum(abs(GEOD.geometry_area_perimeter(shapely.orient_polygons(p))[0]) for p in shapely.get_parts(geom)) / 1e4


def rules(check: dict) -> dict[str, dict]:
    return {r["id"]: r for r in check["rules"]}


def profile_check(folder: Path, cid: str) -> dict | None:
    prof = json.loads((folder / "profile.json").read_text(encoding="utf-8"))
    return next((c for c in prof["checks"] if c["id"] == cid), None)


# --------------------------------------------------------------------------- the demo landscapes


@pytest.mark.parametrize("slug", ["demo-kora-hills", "demo-foret-de-sanwi", "demo-upper-sanwi-watershed"])
def test_landscale_check_agrees_with_the_demo_profiles(demo_profiles, tmp_path, slug):
    folder = demo_profiles[slug]
    prof = json.loads((folder / "profile.json").read_text(encoding="utf-8"))
    done = export_landscale(folder, tmp_path / "ls")
    r = rules(done.check)
    assert list(r) == ["boundary_type", "alignment", "contiguity", "min_size", "adjacency", "change", "justification"]
    assert (r["contiguity"]["status"] == "pass") == (profile_check(folder, "contiguity")["status"] == "ok")
    assert (r["min_size"]["status"] == "pass") == (prof["scale"]["verdict"] != "below")  # the demo band starts at 10,000 ha
    own = profile_check(folder, "alignment")
    if own is not None:
        assert (r["alignment"]["status"] == "pass") == (own["status"] == "ok")
    assert r["boundary_type"]["value"] == {"admin": "jurisdiction", "file": "stakeholder-defined", "dem": "catchment"}[prof["boundary"]["method"]]
    # a drawn boundary needs its justification; the demo gives none
    assert (r["justification"]["status"] == "fail") == (prof["boundary"]["method"] == "file")
    # the change rule agrees with the profile's dated boundaries (landgeo monitor): > 10 % is a new baseline
    dated = (prof.get("monitoring") or {}).get("boundary_change") or []
    new_baseline = bool(dated) and dated[-1]["new_baseline"]
    assert (r["change"]["status"] == "warn") == new_baseline
    if dated:
        assert r["change"]["value"] == pytest.approx(dated[-1]["change_share"])
    expected = "fail" if prof["boundary"]["method"] == "file" else "warn" if new_baseline else "pass"
    assert done.check["overall"] == expected
    # the files LandScale takes: a zipped Shapefile and a KML, with the profile's area
    names = sorted(p.name for p in (tmp_path / "ls").iterdir() if not p.name.startswith("."))  # .landgeo: the marker of a folder landgeo wrote
    assert names == ["adjacency_10km.kml", "adjacency_10km_shp.zip", "boundary.kml", "boundary_shp.zip", "landscale.gpkg",
                     "landscale_check.json", "landscale_check.pdf"]
    with zipfile.ZipFile(tmp_path / "ls" / "boundary_shp.zip") as zf:
        assert {Path(n).suffix for n in zf.namelist()} >= {".shp", ".shx", ".dbf", ".prj"}
    shp = gpd.read_file(f"/vsizip/{tmp_path / 'ls' / 'boundary_shp.zip'}/boundary.shp")
    kml = gpd.read_file(tmp_path / "ls" / "boundary.kml")
    for frame in (shp, kml):
        assert geod_ha(shapely.union_all(frame.geometry.values)) == pytest.approx(prof["area_ha"], rel=1e-5)
    assert json.loads((tmp_path / "ls" / "landscale_check.json").read_text(encoding="utf-8")) == done.check
    from pypdf import PdfReader

    pdf = PdfReader(tmp_path / "ls" / "landscale_check.pdf")
    text = pdf.pages[0].extract_text()
    assert len(pdf.pages) == 1 and "LandScale" in text


def test_adjacency_ring_reaches_10_km_beyond_the_boundary(demo_profiles, tmp_path):
    folder = demo_profiles["demo-kora-hills"]
    export_landscale(folder, tmp_path / "ls")
    ring = gpd.read_file(f"/vsizip/{tmp_path / 'ls' / 'adjacency_10km_shp.zip'}/adjacency_10km.shp").geometry.iloc[0]
    boundary = gpd.read_file(folder / "boundary.gpkg", layer="boundary").geometry.iloc[0]
    assert ring.intersection(boundary).area < 1e-7 * boundary.area  # the ring starts at the boundary (projection round trip)
    # every outer vertex of the ring lies 10 km (geodesic) from the nearest point of the boundary
    edge = shapely.segmentize(boundary.exterior, 0.0005)
    bx, by = np.asarray(edge.coords).T
    outer = max(shapely.get_parts(ring), key=lambda p: p.area).exterior
    dists = []
    for x, y in list(outer.coords)[::25]:
        _, _, d = GEOD.inv(np.full(bx.size, x), np.full(by.size, y), bx, by)
        dists.append(d.min())
    assert min(dists) == pytest.approx(10_000, rel=0.01) and max(dists) == pytest.approx(10_000, rel=0.01)


# --------------------------------------------------------------------------- hand-made landscapes, one per failing rule


def _recipe(tmp_path: Path, name: str, boundary: str, extra: str = "") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(f'[landscape]\nname = "{name}"\nslug = "{name}"\ncountry = ["GHA"]\n\n[boundary]\n{boundary}\n{extra}',
                    encoding="utf-8")
    return path


def _write(geoms, path: Path, **cols) -> Path:
    gpd.GeoDataFrame(cols or {"id": list(range(len(geoms)))}, geometry=geoms, crs=4326).to_file(path)
    return path


def _profile(recipe: Path, out: Path) -> Path:
    """A profile folder without maps (faster): profile.json, boundary.gpkg, tables."""
    from landgeo.app.pipeline import build_profile, write_profile_dir
    from landgeo.recipe import read_recipe

    return write_profile_dir(build_profile(read_recipe(recipe)), out, maps=False)


def test_two_parts_fail_contiguity_and_need_a_justification(tmp_path):
    two = _write([shapely.box(0, 0, 0.1, 0.1), shapely.box(0.3, 0, 0.4, 0.1)], tmp_path / "two.geojson")
    folder = _profile(_recipe(tmp_path, "two-parts", f'method = "file"\npath = "{two}"'), tmp_path / "out")
    assert profile_check(folder, "contiguity")["status"] == "warn"
    r = rules(export_landscale(folder, tmp_path / "ls").check)
    assert r["contiguity"]["status"] == "fail" and r["contiguity"]["value"] == 2
    assert r["justification"]["status"] == "fail"
    justified = rules(export_landscale(folder, tmp_path / "ls2", justification="Two forest reserves managed as one").check)
    assert justified["contiguity"]["status"] == "warn" and justified["justification"]["status"] == "pass"


def test_below_10000_ha_fails_min_size(tmp_path):
    small = shapely.box(0, 0, 0.05, 0.05)
    path = _write([small], tmp_path / "small.geojson")
    folder = _profile(_recipe(tmp_path, "small", f'method = "file"\npath = "{path}"'), tmp_path / "out")
    assert json.loads((folder / "profile.json").read_text())["scale"]["verdict"] == "below"
    r = rules(export_landscale(folder, tmp_path / "ls").check)
    assert r["min_size"]["status"] == "fail"
    assert r["min_size"]["value"] == pytest.approx(geod_ha(small), rel=1e-6) and r["min_size"]["value"] < 10_000


def test_jurisdiction_not_within_10_percent_of_the_official_unit_fails_alignment(tmp_path):
    # one district chosen, checked against the regions layer: the district is half of its region
    districts = [shapely.box(0, 0, 0.2, 0.2), shapely.box(0.2, 0, 0.4, 0.2)]
    gpkg = tmp_path / "admin.gpkg"
    gpd.GeoDataFrame({"district": ["A", "B"], "region": ["R", "R"]}, geometry=districts, crs=4326).to_file(gpkg, layer="districts")
    gpd.GeoDataFrame({"region": ["R"]}, geometry=[shapely.box(0, 0, 0.4, 0.2)], crs=4326).to_file(gpkg, layer="regions")
    recipe = _recipe(tmp_path, "one-district", f'method = "admin"\npath = "{gpkg}"\nlayer = "districts"\nfield = "district"\nvalues = ["A"]',
                     f'\n[scale]\nalign_with = "{gpkg}"\nalign_layer = "regions"\nalign_field = "region"\n')
    folder = _profile(recipe, tmp_path / "out")
    own = profile_check(folder, "alignment")
    assert own["status"] == "warn"
    r = rules(export_landscale(folder, tmp_path / "ls").check)
    assert r["alignment"]["status"] == "fail" and r["boundary_type"]["value"] == "jurisdiction"
    # only-A + only-B over A: the other half of the region over the district
    assert r["alignment"]["value"] == pytest.approx(geod_ha(districts[1]) / geod_ha(districts[0]), rel=1e-3)


def test_drawn_boundary_close_to_units_passes_alignment_from_the_profile_shares(tmp_path):
    units = [shapely.box(0, 0, 0.2, 0.2), shapely.box(0.2, 0, 0.4, 0.2), shapely.box(0, 0.2, 0.4, 0.4)]
    gpkg = _write(units, tmp_path / "units.gpkg", name=["A", "B", "C"])
    drawn = shapely.box(0, 0, 0.405, 0.2)  # units A + B and a 1.25 % strip of C's neighbour to the east
    path = _write([drawn], tmp_path / "drawn.geojson")
    recipe = _recipe(tmp_path, "drawn", f'method = "file"\npath = "{path}"',
                     f'\n[attach.admin_units]\npath = "{gpkg}"\nname_field = "name"\nlevel = "district"\n')
    folder = _profile(recipe, tmp_path / "out")
    assert profile_check(folder, "alignment") is None  # no alignment in the profile: computed from its admin shares
    r = rules(export_landscale(folder, tmp_path / "ls").check)
    expected = (geod_ha(drawn) - geod_ha(units[0]) - geod_ha(units[1])) / geod_ha(drawn)
    assert r["alignment"]["status"] == "pass" and r["alignment"]["value"] == pytest.approx(expected, rel=1e-3)


def test_change_of_more_than_10_percent_is_a_new_baseline(tmp_path):
    now, before = shapely.box(0, 0, 0.3, 0.3), shapely.box(0, 0, 0.3, 0.24)
    now_path, before_path = _write([now], tmp_path / "now.geojson"), _write([before], tmp_path / "before.geojson")
    recipe = _recipe(tmp_path, "moved", f'method = "file"\npath = "{now_path}"', f'\n[scale]\nprevious = "{before_path}"\n')
    folder = _profile(recipe, tmp_path / "out")
    own = profile_check(folder, "change")
    assert own["status"] == "warn"
    r = rules(export_landscale(folder, tmp_path / "ls").check)
    expected = geod_ha(now.difference(before)) / geod_ha(before)
    assert r["change"]["status"] == "warn" and r["change"]["value"] == pytest.approx(expected, rel=1e-4)
    again = rules(export_landscale(folder, tmp_path / "ls2", previous=before_path).check)
    assert again["change"]["value"] == pytest.approx(expected, rel=1e-4)


def test_landscale_page_draws_the_boundary_and_the_ring(demo_profiles, tmp_path):
    from matplotlib.image import imread

    from landgeo.app.export_landscale import landscale_check
    from landgeo.app.export_source import load_export_source
    from landgeo.render.landscale_sheet import write_landscale_sheet

    src = load_export_source(demo_profiles["demo-kora-hills"])
    check, ring = landscale_check(src, lang="fr")
    write_landscale_sheet(check, png=tmp_path / "p.png", lang="fr", dpi=80, boundary=src.geometry, ring=ring)
    rgb = (imread(tmp_path / "p.png")[..., :3] * 255).round()
    red = (np.abs(rgb - [178, 24, 43]) <= 8).all(axis=-1)  # the boundary red (also the status badges' FAIL colour)
    lower = red[rgb.shape[0] // 2:]  # the map sits in the lower half of the page
    assert lower.sum() > 300 and check["overall"] != "fail"  # no red FAIL badge: the red is the map's


def test_change_read_from_the_monitoring_section(tmp_path):
    from landgeo.app.landscale_rules import evaluate

    box = shapely.box(0, 0, 0.3, 0.3)
    base = {"area_ha": geod_ha(box), "boundary": {"method": "admin"}, "checks": []}
    monitored = {**base, "monitoring": {"boundary_change": [{"period": "2020/2023", "change_share": 0.04},
                                                            {"period": "2023/2026", "change_share": 0.17}]}}
    r = {x.id: x for x in evaluate(monitored, box)}
    assert r["change"].status == "warn" and r["change"].value == 0.17  # the latest period
    assert {x.id: x for x in evaluate({**base, "monitoring": None}, box)}["change"].status == "pass"  # absent: tolerated


def test_export_cli_errors_and_outputs(tmp_path, demo_profiles):
    runner = CliRunner()
    res = runner.invoke(main, ["export", "landscale", str(tmp_path / "missing"), "-o", str(tmp_path / "o")])
    assert res.exit_code == 2 and "not found" in res.output and not (tmp_path / "o").exists()
    folder = demo_profiles["demo-kora-hills"]
    res = runner.invoke(main, ["export", "landscale", str(folder), "-o", str(folder / "ls")])
    assert res.exit_code == 2 and "must not" in res.output and not (folder / "ls").exists()
    res = runner.invoke(main, ["export", "landscale", str(folder), "-o", str(tmp_path / "ls")])
    assert res.exit_code == 0 and "LandScale check: " in res.output and "[pass] contiguity" in res.output
    res = runner.invoke(main, ["export", "landscale", str(folder), "-o", str(tmp_path / "ls")])
    assert res.exit_code == 2 and "--overwrite" in res.output


# --------------------------------------------------------------------------- Terraso


def test_terraso_export_uses_terraso_field_names(demo_profiles, tmp_path):
    folder = demo_profiles["demo-kora-hills"]
    prof = json.loads((folder / "profile.json").read_text(encoding="utf-8"))
    done = export_terraso(folder, tmp_path / "t")
    land = json.loads((tmp_path / "t" / "landscape.json").read_text(encoding="utf-8"))
    assert land == done.landscape
    # the keys of terraso-backend's LandscapeExportView.to_json
    assert {"id", "name", "description", "region", "publicContactEmail", "website", "areaPolygon", "areaTypes", "areaScalarHa",
            "population", "profileImage", "profileImageDescription", "taxonomyTerms", "organizationsInvolved",
            "developmentStrategy", "lastUpdated"} <= set(land)
    assert land["region"] == "" and "region" in land["landgeo"]["missing"]  # XDL is synthetic: no ISO code
    poly = land["areaPolygon"]
    assert poly["type"] == "FeatureCollection" and poly["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    geom = shapely.geometry.shape(poly["features"][0]["geometry"])
    assert geod_ha(geom) == pytest.approx(prof["area_ha"], rel=1e-5) == land["areaScalarHa"]
    assert land["population"] == round(prof["population"]["total"])
    eco = [t["value"]["original"] for t in land["taxonomyTerms"] if t["type"] == "ECOSYSTEM_TYPE"]
    assert eco == [c["class"] for c in prof["ecosystems"]["classes"]]
    commodities = [t["value"]["original"] for t in land["taxonomyTerms"] if t["type"] == "COMMODITY"]
    assert commodities == prof["template"]["products"]["agricultural"] + prof["template"]["products"]["non_agricultural"]
    add = json.loads((tmp_path / "t" / "landscape_add_input.json").read_text(encoding="utf-8"))
    assert json.loads(add["areaPolygon"]) == poly and set(json.loads(add["taxonomyTypeTerms"])) >= {"ECOSYSTEM_TYPE", "COMMODITY"}
    assert json.loads((tmp_path / "t" / "area_polygon.geojson").read_text(encoding="utf-8")) == poly


def test_terraso_region_is_iso_alpha2_and_missing_fields_are_tolerated(tmp_path):
    box = _write([shapely.box(-1.9, 5.2, -1.6, 5.5)], tmp_path / "b.geojson")
    recipe = _recipe(tmp_path, "bare", f'method = "file"\npath = "{box}"')
    folder = _profile(recipe, tmp_path / "out")
    prof = json.loads((folder / "profile.json").read_text(encoding="utf-8"))
    for key in ("template", "population", "ecosystems", "description"):
        prof.pop(key, None)  # an incomplete (hand-edited or older) profile
    (folder / "profile.json").write_text(json.dumps(prof), encoding="utf-8")
    land = export_terraso(folder, tmp_path / "t").landscape
    assert land["region"] == "GH"  # the recipe says GHA (alpha-3)
    assert land["population"] is None and land["developmentStrategy"] is None and land["taxonomyTerms"][-1]["type"] == "LANGUAGE"
    assert {"population", "taxonomyTerms.ECOSYSTEM_TYPE", "organizationsInvolved.stakeholders"} <= set(land["landgeo"]["missing"])
    assert pyogrio.read_info(tmp_path / "t" / "area_polygon.geojson")["features"] == 1
