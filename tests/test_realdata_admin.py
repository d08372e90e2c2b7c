"""Real data: Natural Earth districts of Uganda dissolved, area checked independently."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely
from click.testing import CliRunner
from pyproj import Geod

from landgeo.cli.main import main

from .conftest import shared_data

pytestmark = pytest.mark.realdata
DISTRICTS = ["Kampala", "Wakiso", "Mukono"]


def test_three_uganda_districts(tmp_path):
    gpkg = shared_data("admin_naturalearth_10m", "ne10m_admin1_admin0.gpkg")
    recipe = tmp_path / "kampala.toml"
    recipe.write_text(
        f"""
[landscape]
name = "Greater Kampala"
country = ["UGA"]

[boundary]
method = "jurisdiction"
path = "{gpkg.as_posix()}"
layer = "admin1"
where = "adm0_a3 = 'UGA'"
field = "name"
values = ["kampala", "WAKISO", "Mukono"]
level = "district"
parent_field = "region"
""",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["profile", str(recipe), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.stderr
    prof = json.loads((tmp_path / "out" / "greater-kampala" / "profile.json").read_text())

    units = gpd.read_file(gpkg, layer="admin1", where="adm0_a3 = 'UGA'")
    sel = units[units["name"].isin(DISTRICTS)]
    dissolved = shapely.orient_polygons(shapely.union_all(sel.geometry.values), exterior_cw=False)
    geod_ha = abs(Geod(ellps="WGS84").geometry_area_perimeter(dissolved)[0]) / 1e4
    assert prof["area_ha"] == pytest.approx(geod_ha, rel=1e-6)
    # the file's own area_ha (EPSG:6933 equal-area) agrees within 0.5 %
    assert prof["area_ha"] == pytest.approx(sel["area_ha"].sum(), rel=5e-3)
    assert prof["boundary"]["definition"] == "Union of 3 districts of Central: Kampala, Wakiso and Mukono"
    assert prof["scale"]["verdict"] == "within"
