"""Real data: ASGM footprints in Ashanti (Ghana), 2017 and 2020 (one layer with a year field) and 2024
(a second layer), monitored on one landscape; counts and mined areas against geopandas in an equal-area CRS."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from landgeo.app.pipeline import build_profile
from landgeo.recipe import read_recipe

from .conftest import shared_data

pytestmark = pytest.mark.realdata
# a drawn landscape over the Ashanti mining belt around Obuasi–Dunkwa (≈ 196,000 ha)
BOX = (-1.95, 5.95, -1.55, 6.35)


def test_ashanti_footprints_2017_2020_2024(tmp_path):
    gpkg = shared_data("asgm_earthrise_mining_detector", "asgm_mining_polygons.gpkg")
    landscape = shapely.box(*BOX)
    gpd.GeoDataFrame({"name": ["Ashanti mining belt"]}, geometry=[landscape], crs=4326).to_file(tmp_path / "b.gpkg")
    recipe = tmp_path / "ashanti.toml"
    recipe.write_text(f'''
[landscape]
name = "Ashanti mining belt (test)"
country = ["GHA"]

[boundary]
method = "file"
path = "b.gpkg"

[[monitor.sites]]
path = "{gpkg}"
layer = "ghana_ashanti_2017_2020"
date_field = "year"
name_field = "site_id"
source = "Earth Genome mining detector, Ashanti 2017-2020"

[[monitor.sites]]
path = "{gpkg}"
layer = "ghana_2024"
date = "2024"
name_field = "site_id"
source = "Earth Genome mining detector, Ghana 2024"
''', encoding="utf-8")
    mon = build_profile(read_recipe(recipe)).profile["monitoring"]
    got = {s["date"]: s for s in mon["sites"]}
    assert list(got) == ["2017", "2020", "2024"]
    a = gpd.read_file(gpkg, layer="ghana_ashanti_2017_2020")
    b = gpd.read_file(gpkg, layer="ghana_2024")
    for date, frame in (("2017", a[a["year"] == 2017]), ("2020", a[a["year"] == 2020]), ("2024", b)):
        frame = frame[frame.make_valid().intersects(landscape)]
        assert len(frame) > 5  # the layers overlap the landscape: this checks something
        area = frame.make_valid().clip(landscape).to_crs("EPSG:6933").area.sum() / 1e4
        assert got[date]["count"] == len(frame)
        assert got[date]["area_ha"] == pytest.approx(area, rel=1e-3)
    v = {(i["indicator"], i["date_or_period"]): i["value"] for i in mon["indicators"]}
    growth = 100 * (got["2024"]["area_ha"] - got["2017"]["area_ha"]) / got["2017"]["area_ha"]
    assert v[("mined_area_growth", "2017/2024")] == pytest.approx(growth, rel=1e-3)
    assert 0 <= v[("new_sites", "2020/2024")] <= got["2024"]["count"]
