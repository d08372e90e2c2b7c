"""Real data: the clipped HydroBASINS level-12 subset of northern British Columbia (rabpro's test data).

11 units drain to units outside the file and the larger systems lose upstream units: the layer must
work as it is (suggest, method = "basins" by outlet, candidate and PFAF prefix, compare), with traced
areas checked against the table's own Σ SUB_AREA and against geopandas in an equal-area CRS.
"""

from __future__ import annotations

import json
import warnings

import geopandas as gpd
import numpy as np
import pytest
import shapely
from click.testing import CliRunner

from landgeo.cli.main import main
from landgeo.delineate import basins as B
from landgeo.errors import DataWarning

from .conftest import shared_data
from .reference import geod_ha

pytestmark = pytest.mark.realdata

# outlets of several sizes: a coastal outlet that lost upstream units (7120019190), two that drain out
# of the clipped layer (7120893220, 7120124340) and two inner units
OUTLETS = [7120019190, 7120893220, 7120124340, 7120132070, 7120123580]


@pytest.fixture(scope="module")
def shp():
    return shared_data("hydrobasins_lev12_bc_canada", "hybas_na_lev12_v1c.shp")


@pytest.fixture(scope="module")
def layer(shp):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataWarning)
        lay = B.read_basins(shp)
    notes = [str(w.message) for w in caught if issubclass(w.category, DataWarning)]
    assert any("11 units drain to units that are not in the layer" in n for n in notes), notes
    return lay


def upstream_ids(frame: gpd.GeoDataFrame, outlet: int) -> set[int]:
    """Brute force: walk NEXT_DOWN from every unit (independent of landgeo's interval index)."""
    down = dict(zip(frame["HYBAS_ID"].astype(int), frame["NEXT_DOWN"].astype(int)))
    out = set()
    for uid in down:
        u = uid
        while u in down:
            if u == outlet:
                out.add(uid)
                break
            u = down[u]
    return out


def test_eleven_units_drain_out_and_are_outlets(layer):
    t = layer.table
    assert len(t.drains_out) == 11
    ids = set(layer.units["HYBAS_ID"].astype(int))
    assert all(int(nd) not in ids for nd in t.next_down[t.drains_out])


@pytest.mark.parametrize("outlet", OUTLETS)
def test_traced_area_against_sum_sub_area_and_geopandas(layer, outlet):
    frame = layer.units
    ups = upstream_ids(frame, outlet)
    b = B.boundary_from_basins(layer, candidate=outlet)
    assert b.details["n_units"] == len(ups) and set(b.details["unit_ids"]) == ups
    sub_ha = frame.loc[frame["HYBAS_ID"].isin(ups), "SUB_AREA"].sum() * 100
    assert b.area_ha == pytest.approx(sub_ha, rel=0.01)  # the table's own areas, within 1 %
    # independent: geopandas dissolve in an equal-area CRS (EPSG:6933) of the repaired units
    sel = frame[frame["HYBAS_ID"].isin(ups)].copy()
    sel["geometry"] = shapely.make_valid(sel.geometry.values)
    ref_ha = sel.dissolve().to_crs(6933).area.iloc[0] / 1e4
    assert b.area_ha == pytest.approx(ref_ha, rel=2e-3)
    assert b.area_ha == pytest.approx(geod_ha(b.geometry), rel=1e-9)


def test_consistency_explains_upstream_units_clipped_away(layer):
    b = B.boundary_from_basins(layer, candidate=7120019190)
    check = b.checks[0]
    assert check.id == "basin_consistency" and check.status == "warn"
    assert check.value["up_area_ha"] == pytest.approx(19829.5 * 100, rel=1e-6)
    assert check.value["sum_sub_area_ha"] == pytest.approx(18769.2 * 100, rel=1e-4)
    assert check.value["missing_upstream_ha"] == pytest.approx((19829.5 - 18769.2) * 100, rel=1e-3)
    assert "clipped away" in check.message and "outside the layer" in check.message
    assert check.value["clipped_units"]  # the units that lost their upstream part are named


def test_outlet_and_pfaf_prefix_select_the_same_catchment(layer):
    frame = layer.units
    row = frame.loc[frame["HYBAS_ID"] == 7120132070].iloc[0]
    pt = row.geometry.representative_point()
    by_outlet = B.boundary_from_basins(layer, outlet=(pt.x, pt.y))
    assert by_outlet.details["outlet_unit"] == 7120132070
    by_candidate = B.boundary_from_basins(layer, candidate=7120132070)
    assert by_outlet.area_ha == pytest.approx(by_candidate.area_ha, rel=1e-12)
    # a Pfafstetter prefix: its units, checked against the table and against geopandas
    prefix = str(int(row["PFAF_ID"]))[:9]
    codes = frame["PFAF_ID"].astype(int).astype(str)
    sel = frame[codes.str.startswith(prefix)]
    assert 2 <= len(sel) < len(frame)
    by_pfaf = B.boundary_from_basins(layer, pfaf_prefix=prefix)
    assert by_pfaf.details["n_units"] == len(sel)
    assert by_pfaf.area_ha == pytest.approx(sel["SUB_AREA"].sum() * 100, rel=0.01)


def test_suggest_candidates_are_in_the_band(shp, layer):
    frame = layer.units
    pt = frame.loc[frame["HYBAS_ID"] == 7120019190].geometry.iloc[0].representative_point()
    s = B.suggest(layer, (pt.x, pt.y), min_ha=10_000, max_ha=1_000_000)
    assert s.verdict == "above" and s.candidates
    for c in s.candidates:
        assert c.verdict == "within" and 10_000 <= c.area_ha <= 1_000_000
        ups = upstream_ids(frame, c.id)
        assert c.area_ha == pytest.approx(frame.loc[frame["HYBAS_ID"].isin(ups), "SUB_AREA"].sum() * 100, rel=0.01)
    res = CliRunner().invoke(main, ["basins", "suggest", str(shp), "--point", f"{pt.x},{pt.y}", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [c["id"] for c in data["candidates"]] == [c.id for c in s.candidates]


def test_recipe_profile_and_compare_on_the_clipped_layer(tmp_path, shp, layer):
    recipe = tmp_path / "stikine.toml"
    recipe.write_text(f'[landscape]\nname = "Upper catchment"\ncountry = ["CAN"]\n\n[boundary]\nmethod = "basins"\n'
                      f'path = "{shp.as_posix()}"\ncandidate = 7120893220\n', encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["profile", str(recipe), "-o", str(out)])
    assert res.exit_code == 0, res.output
    prof = json.loads((out / "upper-catchment" / "profile.json").read_text(encoding="utf-8"))
    assert prof["boundary"]["details"]["drains_out_of_layer"] == [7120893220]
    assert any("not in the layer" in n and "7120893220" in n for n in prof["notes"])
    ups = upstream_ids(layer.units, 7120893220)
    assert prof["area_ha"] == pytest.approx(layer.units.loc[layer.units["HYBAS_ID"].isin(ups), "SUB_AREA"].sum() * 100, rel=0.01)
    # compare the landscape with the basin layer itself: the best fit is the traced units, and the area agrees
    res = CliRunner().invoke(main, ["compare", str(out / "upper-catchment" / "boundary.gpkg"), "--units", str(shp),
                                    "--field", "HYBAS_ID", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout[res.stdout.index("{"):])
    assert data["a"]["area_ha"] == pytest.approx(prof["area_ha"], abs=0.01)
    assert sorted(int(u) for u in data["units"]["best_fit"]["units"]) == sorted(ups)
    assert data["units"]["best_fit"]["metrics"]["iou"] == pytest.approx(1.0, abs=1e-6)
    check = CliRunner().invoke(main, ["check", str(out / "upper-catchment" / "boundary.gpkg"), "--json"])
    assert check.exit_code == 0, check.output
    assert json.loads(check.stdout)["area_ha"] == pytest.approx(prof["area_ha"], abs=0.01)
    assert np.isfinite(prof["area_ha"])
