"""[attach.protected_areas] and [attach.water]: figures against geopandas in an equal-area CRS."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from landgeo.attach.protected_areas import buffer_zone, protected_areas_inside
from landgeo.attach.water import water_inside

from .conftest import shared_data

EQUAL_AREA = "EPSG:6933"  # WGS 84 / NSIDC EASE-Grid 2.0 Global (cylindrical equal-area)


def _ha(geom) -> float:
    return float(gpd.GeoSeries([geom], crs=4326).to_crs(EQUAL_AREA).area.iloc[0]) / 1e4


def _wdpa_like():
    """Two overlapping protected areas, one reaching outside the landscape, one outside it; WDPA field names."""
    return gpd.GeoDataFrame(
        {"NAME": ["Réserve forestière A", "Parc national B", "Sanctuaire C"], "DESIG": ["Forest Reserve", "National Park", "Sanctuary"],
         "IUCN_CAT": ["VI", "II", "IV"], "STATUS_YR": [1935, 1976, 2001]},
        geometry=[shapely.box(-1.30, 6.00, -1.10, 6.20), shapely.box(-1.15, 6.10, -0.90, 6.35),
                  shapely.box(-0.60, 6.00, -0.55, 6.05)], crs=4326)


def test_protected_share_per_area_and_asgm_inside_and_near_agree_with_geopandas_equal_area():
    landscape = shapely.box(-1.40, 5.90, -1.00, 6.30)
    pas = _wdpa_like()
    sites = gpd.GeoDataFrame({"site_id": ["in-pt", "in-fp", "near", "far", "straddle"]}, geometry=[
        shapely.Point(-1.20, 6.10),                                  # inside A
        shapely.box(-1.12, 6.15, -1.11, 6.16),                       # footprint inside A ∩ B
        shapely.Point(-1.35, 6.10),                                  # 5.5 km west of A: inside a 7 km buffer
        shapely.Point(-1.38, 5.92),                                  # far from both
        shapely.box(-1.305, 6.05, -1.295, 6.06),                     # footprint across A's west edge
    ], crs=4326)
    part, layer, _ = protected_areas_inside(landscape, pas, sites=sites, buffer_m=7_000)
    union_in = shapely.intersection(shapely.union_all(pas.geometry.values[:2]), landscape)
    assert part["area_ha"] == pytest.approx(_ha(union_in), rel=2e-4)
    assert part["share"] == pytest.approx(_ha(union_in) / _ha(landscape), rel=2e-4)
    # overlaps merged: the share is below the sum of the parts
    assert part["area_ha"] < sum(a["area_ha"] for a in part["areas"])
    by_name = {a["name"]: a for a in part["areas"]}
    assert set(by_name) == {"Réserve forestière A", "Parc national B"}  # C is outside the landscape and its buffer
    b_in = shapely.intersection(pas.geometry.iloc[1], landscape)
    assert by_name["Parc national B"]["area_ha"] == pytest.approx(_ha(b_in), rel=2e-4)
    assert by_name["Parc national B"]["share_of_area"] == pytest.approx(_ha(b_in) / _ha(pas.geometry.iloc[1]), rel=2e-4)
    assert by_name["Réserve forestière A"]["iucn_cat"] == "VI" and by_name["Parc national B"]["status_yr"] == 1976
    s = part["sites"]
    assert (s["inside"], s["in_buffer"]) == (3, 1)  # in-pt, in-fp, straddle inside; near in the buffer; far neither
    protected = shapely.union_all(pas.geometry.values[:2])
    fp = sites.geometry.values[[1, 4]]
    assert s["mined_area_inside_ha"] == pytest.approx(sum(_ha(shapely.intersection(g, protected)) for g in fp), rel=1e-3)
    ring = buffer_zone(protected, 7_000, landscape)
    assert s["mined_area_in_buffer_ha"] == pytest.approx(_ha(shapely.intersection(fp[1], ring)), rel=1e-3)
    assert len(layer) == 2 and layer.crs.to_epsg() == 4326


def test_buffer_zone_is_the_given_width_in_metres():
    pa = shapely.box(30.0, 0.0, 30.1, 0.1)
    ring = buffer_zone(pa, 5_000, pa)
    assert not ring.intersects(pa.buffer(-1e-6))
    # width measured on the ground: the ring's outer edge east of the area lies 5 km east of it
    from pyproj import Geod

    east = ring.bounds[2]
    _, _, d = Geod(ellps="WGS84").inv(30.1, 0.05, east, 0.05)
    assert d == pytest.approx(5_000, rel=5e-3)


def test_protected_areas_with_named_fields_and_a_missing_field():
    from landgeo.errors import FieldError

    pas = _wdpa_like().rename(columns={"NAME": "nom_aire", "IUCN_CAT": "cat"})
    landscape = shapely.box(-1.40, 5.90, -1.00, 6.30)
    part, _, _ = protected_areas_inside(landscape, pas, fields={"name": "nom_aire", "iucn_cat": "cat"})
    assert {a["name"] for a in part["areas"]} == {"Réserve forestière A", "Parc national B"}
    with pytest.raises(FieldError, match="no field 'NOM'.*name_field"):
        protected_areas_inside(landscape, pas, fields={"name": "NOM"})


def test_no_protected_area_in_the_landscape_gives_zero_not_nothing():
    part, layer, _ = protected_areas_inside(shapely.box(10, 10, 10.1, 10.1), _wdpa_like())
    assert part["area_ha"] == 0 and part["share"] == 0 and part["count"] == 0 and len(layer) == 0


@pytest.mark.realdata
def test_water_around_lake_kyoga_agrees_with_geopandas_equal_area():
    lakes = gpd.read_file(shared_data("hydrolakes_kyoga_uganda", "hydrolakes_lake_kyoga_system.gpkg"))
    admin = gpd.read_file(shared_data("admin_naturalearth_10m", "ne10m_admin1_admin0.gpkg"), layer="admin1")
    districts = admin[admin["name"].isin(["Buyende", "Amolatar", "Kaberamaido", "Serere", "Dokolo"])]
    assert len(districts) == 5
    landscape = shapely.make_valid(shapely.union_all(districts.geometry.values))
    assert lakes.intersects(landscape).sum() > 20  # the inputs overlap
    part, layer, _ = water_inside(landscape, lakes, name_field="Lake_name")
    water = shapely.intersection(shapely.union_all(lakes.geometry.values), landscape)
    assert part["area_ha"] == pytest.approx(_ha(water), rel=1e-3)
    assert part["share"] == pytest.approx(_ha(water) / _ha(landscape), rel=1e-3)
    kyoga = next(b for b in part["bodies"] if b["name"] == "Kyoga")
    k = lakes.loc[lakes["Lake_name"] == "Kyoga"].geometry.iloc[0]
    assert kyoga["area_ha"] == pytest.approx(_ha(shapely.intersection(k, landscape)), rel=1e-3)
    # HydroLAKES' own Lake_area (km²) of the whole lake bounds the part inside
    assert kyoga["area_ha"] <= float(lakes.loc[lakes["Lake_name"] == "Kyoga", "Lake_area"].iloc[0]) * 100 * 1.01
    assert part["count"] == len(layer) == int(lakes.intersects(landscape).sum())


def test_sites_distance_to_water_counts_lakes(tmp_path, units_gpkg):
    """A site on a lake shore and far from every river is near water once [attach.water] is given."""
    from landgeo.app.pipeline import build_profile
    from landgeo.recipe.parse import read_recipe

    gpd.GeoDataFrame(geometry=[shapely.box(0.02, 0.02, 0.18, 0.18)], crs=4326).to_file(tmp_path / "box.geojson")
    gpd.GeoDataFrame({"name": ["Lac Test"]}, geometry=[shapely.box(0.05, 0.05, 0.08, 0.08)], crs=4326).to_file(
        tmp_path / "lakes.gpkg")
    gpd.GeoDataFrame({"name": ["Rivière"]}, geometry=[shapely.LineString([(0.17, 0.0), (0.17, 0.2)])],
                     crs=4326).to_file(tmp_path / "rivers.gpkg")
    gpd.GeoDataFrame({"site_id": ["shore", "dry"]}, geometry=[shapely.Point(0.0815, 0.06), shapely.Point(0.12, 0.15)],
                     crs=4326).to_file(tmp_path / "sites.gpkg")
    base = f"""
[landscape]
name = "Water test"
[boundary]
method = "file"
path = "{tmp_path / 'box.geojson'}"
[attach.rivers]
path = "{tmp_path / 'rivers.gpkg'}"
[attach.sites]
path = "{tmp_path / 'sites.gpkg'}"
name_field = "site_id"
water_distance_m = 500
"""
    (tmp_path / "a.toml").write_text(base, encoding="utf-8")
    (tmp_path / "b.toml").write_text(base + f'[attach.water]\npath = "{tmp_path / "lakes.gpkg"}"\n', encoding="utf-8")
    without = build_profile(read_recipe(tmp_path / "a.toml")).profile
    with_lakes = build_profile(read_recipe(tmp_path / "b.toml")).profile
    assert without["sites"]["near_water"]["count"] == 0
    assert with_lakes["sites"]["near_water"]["count"] == 1  # 0.0015° ≈ 167 m from the lake shore
    assert with_lakes["water"]["area_ha"] == pytest.approx(_ha(shapely.box(0.05, 0.05, 0.08, 0.08)), rel=1e-3)
