"""One geodesic area rule everywhere: profile, check and compare give the same area to 0.01 ha.

An edge is the geodesic between its vertices (pyproj.Geod); overlays densify along the geodesic,
which does not change an area. Checked on every demo boundary through the command line, on the
Tapajós outline (6,907,766 ha in compare against 6,908,088 ha in profile before), and on every unit
of the shared real unit layers through compare's per-unit table.
"""

from __future__ import annotations

import json
import shutil

import geopandas as gpd
import numpy as np
import pytest
import shapely
from click.testing import CliRunner

from landgeo.boundary import finish_boundary
from landgeo.cli.main import main
from landgeo.comparison.result import compare
from landgeo.geo import geodesy
from landgeo.i18n.names import names_of
from landgeo.io.vector import read_vector

from .conftest import REPO, shared_data
from .reference import GEOD, geod_ha


def run(*args):
    res = CliRunner().invoke(main, [str(a) for a in args])
    return res


def json_out(res) -> dict:
    text = res.stdout
    return json.loads(text[text.index("{"):])


def test_densify_keeps_the_area_and_follows_the_geodesic():
    """Independent: Geod.npts points on a long edge are the ones geodesy.densify inserts (to 1e-9°)."""
    poly = shapely.Polygon([(10, 50), (14, 50.5), (13, 53), (9.5, 52)])
    dense = geodesy.densify(poly)
    assert geodesy.area_ha(dense) == pytest.approx(geod_ha(poly), abs=1e-4)
    d = np.asarray(dense.exterior.coords)
    # every new point lies on the geodesic of its edge: its distance to both ends adds up to the edge's length
    ends = np.asarray(poly.exterior.coords)
    for (x0, y0), (x1, y1) in zip(ends[:-1], ends[1:]):
        length = GEOD.inv(x0, y0, x1, y1)[2]
        on = [p for p in d if abs(GEOD.inv(x0, y0, *p)[2] + GEOD.inv(*p, x1, y1)[2] - length) < 1e-3]
        assert len(on) >= length // geodesy.DENSIFY_STEP_M
    # shared edges get the same points from either side: two neighbours dissolve without a sliver
    a, b = shapely.box(0, 40, 3, 43), shapely.box(3, 40, 6, 43)
    u = shapely.union(geodesy.densify(a), geodesy.densify(b))
    assert u.geom_type == "Polygon" and not u.interiors
    assert geodesy.area_ha(u) == pytest.approx(geod_ha(a) + geod_ha(b), abs=1e-3)
    assert shapely.get_coordinates(u).shape[0] < shapely.get_coordinates(geodesy.densify(a)).shape[0] * 2


def test_every_demo_boundary_has_one_area_in_profile_check_and_compare(tmp_path):
    work = tmp_path / "kit"
    shutil.copytree(REPO / "boundaries", work / "boundaries")
    shutil.copytree(REPO / "layers", work / "layers")
    recipes = sorted((work / "boundaries").glob("demo-*.toml"))
    assert len(recipes) >= 3
    out = tmp_path / "out"
    res = run("profile", *recipes, "-o", out)
    assert res.exit_code == 0, res.output
    for folder in sorted(p for p in out.iterdir() if p.is_dir()):
        prof = json.loads((folder / "profile.json").read_text(encoding="utf-8"))
        gpkg = folder / "boundary.gpkg"  # several layers: check and compare open it on its boundary layer
        chk = run("check", gpkg, "--json")
        assert chk.exit_code == 0, chk.output
        cmp_ = run("compare", gpkg, gpkg, "--json")
        assert cmp_.exit_code == 0, cmp_.output
        c = json_out(cmp_)
        areas = {"profile": prof["area_ha"], "check": json.loads(chk.stdout)["area_ha"], "compare": c["a"]["area_ha"],
                 "compare_b": c["metrics"]["area_b_ha"], "intersection": c["metrics"]["intersection_ha"]}
        assert max(areas.values()) - min(areas.values()) <= 0.01 + 1e-9, (folder.name, areas)
        # and the area is Geod's of the oriented rings (independent)
        geom = gpd.read_file(gpkg, layer="boundary").geometry.iloc[0]
        assert prof["area_ha"] == pytest.approx(geod_ha(geom), abs=0.01)


@pytest.mark.realdata
def test_tapajos_outline_has_one_area():
    path = shared_data("asgm_earthrise_mining_detector", "asgm_mining_polygons.gpkg")
    res = run("check", f"{path}", "--layer", "tapajos_basin_boundary", "--json")
    assert res.exit_code == 0, res.output
    checked = json.loads(res.stdout)["area_ha"]
    cmp_ = run("compare", f"{path}:tapajos_basin_boundary", f"{path}:tapajos_basin_boundary", "--json")
    assert cmp_.exit_code == 0, cmp_.output
    compared = json_out(cmp_)["a"]["area_ha"]
    geom = gpd.read_file(path, layer="tapajos_basin_boundary").geometry.iloc[0]
    assert checked == pytest.approx(geod_ha(geom), abs=0.01)
    assert compared == pytest.approx(checked, abs=0.01)
    assert checked == pytest.approx(6_908_088, abs=1)


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("folder", "file", "layer", "field"),
    [
        ("admin_naturalearth_10m", "ne10m_admin1_admin0.gpkg", "admin1", "adm1_code"),
        ("madagascar", "mdg_admin.gpkg", "adm2_geoboundaries_districts", "shapeID"),
        ("admin_chile_bcn", "chile_regions_comunas_bcn.gpkg", "comunas_adm3", "cod_comuna"),
    ],
)
def test_every_real_unit_has_one_area_in_compare_and_profile(folder, file, layer, field):
    """compare's per-unit area (densified for the overlay) is the area a profile of that unit reports."""
    path = shared_data(folder, file)
    units = read_vector(path, layer=layer)
    outline = shapely.box(*units.total_bounds).buffer(1.0)
    c = compare(outline, units=units, field=field)
    table = c.units.table.set_index("unit")
    assert len(table) == len(units)
    keys = names_of(units[field].to_numpy())[0]  # the unit names as compare writes them (1101.0 → "1101")
    worst = 0.0
    for name, geom in zip(keys, units.geometry.values):
        profile_ha = finish_boundary([geom], 4326, method="admin", definition=name).area_ha
        worst = max(worst, abs(round(profile_ha, 2) - round(float(table.loc[name, "area_ha"]), 2)))
    assert worst <= 0.01 + 1e-9
    # a handful end to end: check --json on one unit written to a file against Geod (independent)
    for i in range(0, len(units), max(1, len(units) // 3))[:3]:
        one = units.iloc[[i]]
        ref = geod_ha(shapely.make_valid(one.geometry.iloc[0]))
        assert float(table.loc[keys[i], "area_ha"]) == pytest.approx(ref, abs=0.01)
