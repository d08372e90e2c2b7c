"""Attach: ecosystems, land cover, population, ASGM sites, admin units and rivers.

Numbers are checked against independent computations: pyproj.Geod on shapely
intersections, exactextract coverage, brute-force geodesic distances, and
geopandas in an equal-area CRS for the real data."""

from __future__ import annotations

import json
import logging

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod
from rasterio.transform import from_origin

from landgeo import attach, zonal
from landgeo.attach.classes import builtin_table, load_class_table, parse_class_table
from landgeo.attach.sites import attach_sites
from landgeo.attach.water_distance import WaterLayer, distances_to_water
from landgeo.errors import FieldError, RecipeError
from landgeo.geo import geodesy
from landgeo.geo.geodesy import nearest_distance_m
from landgeo.io.vector import read_vector

from .conftest import shared_data
from .reference import brute_distance_m, gd, gd_line, geod_ha, inter
from .test_languages import norm

GEOD = Geod(ellps="WGS84")
LANDSCAPE = shapely.Polygon([(-19.6, 5.3), (-19.2, 5.32), (-19.15, 5.7), (-19.45, 5.75), (-19.62, 5.55)])


def write_tif(path, data, transform, *, crs="EPSG:4326", nodata=None):
    with rasterio.open(path, "w", driver="GTiff", height=data.shape[0], width=data.shape[1], count=1,
                       dtype=data.dtype, crs=crs, transform=transform, nodata=nodata, compress="deflate") as dst:
        dst.write(data, 1)
    return path


# --------------------------------------------------------------------------- ecosystems (vector)


def eco_layer():
    frame = shapely.box(-20, 5, -19, 6)
    a = shapely.intersection(frame, shapely.box(-20, 5, -19.4, 6))
    b = shapely.intersection(frame, shapely.box(-19.4, 5, -19, 5.5))
    c = shapely.intersection(frame, shapely.box(-19.4, 5.5, -19, 6))
    return gpd.GeoDataFrame({"eco": ["Forest", "Savanna", "Forest"]}, geometry=[a, b, c], crs=4326)


def test_ecosystems_shares_sum_to_one_and_areas_are_geodesic():
    part, layer, notes = attach.ecosystems_from_vector(LANDSCAPE, eco_layer(), field="eco", source="eco")
    shares = [c["share"] for c in part["classes"]]
    assert sum(shares) == pytest.approx(1.0, abs=1e-9)
    assert part["not_covered_share"] == 0.0
    forest = inter(LANDSCAPE, shapely.union(eco_layer().geometry[0], eco_layer().geometry[2]))
    got = {c["class"]: c["area_ha"] for c in part["classes"]}
    assert got["Forest"] == pytest.approx(geod_ha(forest), rel=1e-7)
    assert got["Savanna"] == pytest.approx(geod_ha(inter(LANDSCAPE, eco_layer().geometry[1])), rel=1e-7)
    assert list(layer["class"]) == [c["class"] for c in part["classes"]]
    assert layer.crs.to_epsg() == 4326


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 12))
def test_ecosystem_shares_of_a_covering_partition_sum_to_one(seed, n):
    """Any partition of the region into classes: shares sum to 1, areas add up to the landscape."""
    rng = np.random.default_rng(seed)
    frame = shapely.box(-20, 5, -19, 6)
    pts = shapely.multipoints(np.column_stack([rng.uniform(-20, -19, n), rng.uniform(5, 6, n)]))
    cells = shapely.intersection(shapely.get_parts(shapely.voronoi_polygons(pts, extend_to=frame)), frame)
    layer = gpd.GeoDataFrame({"eco": [f"c{i % 3}" for i in range(len(cells))]}, geometry=cells, crs=4326)
    part, _, _ = attach.ecosystems_from_vector(LANDSCAPE, layer, field="eco")
    assert sum(c["share"] for c in part["classes"]) == pytest.approx(1.0, abs=1e-9)
    assert part["not_covered_share"] == 0.0
    assert sum(c["area_ha"] for c in part["classes"]) == pytest.approx(geodesy.area_ha(LANDSCAPE), rel=1e-7)


def test_ecosystems_layer_in_another_crs_is_transformed_and_noted(caplog):
    utm = eco_layer().to_crs("EPSG:32628")
    with caplog.at_level(logging.INFO, logger="landgeo.attach.sites"):
        part, _, notes = attach.ecosystems_from_vector(LANDSCAPE, utm, field="eco", source="eco.gpkg")
    assert any("transformed from EPSG:32628" in n for n in notes)
    assert "transformed" in caplog.text
    assert sum(c["share"] for c in part["classes"]) == pytest.approx(1.0, abs=1e-6)


def test_ecosystems_partial_cover_and_missing_field():
    half = eco_layer().iloc[:1]  # only the western Forest part
    part, _, _ = attach.ecosystems_from_vector(LANDSCAPE, half, field="eco")
    east = shapely.difference(gd(LANDSCAPE), gd(half.geometry[0]))
    total = sum(c["share"] for c in part["classes"]) + part["not_covered_share"]
    assert total == pytest.approx(1.0, abs=1e-12)
    assert part["not_covered_share"] == pytest.approx(geod_ha(east) / geod_ha(LANDSCAPE), rel=1e-6)
    with pytest.raises(FieldError, match="no field 'biome'"):
        attach.ecosystems_from_vector(LANDSCAPE, half, field="biome")


# --------------------------------------------------------------------------- land cover


def test_landcover_names_unknown_classes_and_nodata(tmp_path):
    data = np.full((100, 100), 9, dtype="uint8")
    data[:, 50:] = 12
    data[40:45, 10:20] = 42  # not in the IGBP table
    data[70:80, :] = 255  # unclassified → nodata in the table (the raster declares none)
    path = write_tif(tmp_path / "lc.tif", data, from_origin(-19.7, 5.8, 0.006, 0.006))
    with rasterio.open(path) as src:
        part, notes = attach.landcover_from_raster(LANDSCAPE, src, builtin_table("modis_igbp"), source="lc", lang="fr")
        raw = zonal.class_areas(src, [LANDSCAPE])[0]
    names = {c["value"]: c["class"] for c in part["classes"]}
    assert names[9] == "Savanes" and names[42] == "classe inconnue 42"
    assert 255 not in names and part["nodata_share"] > 0
    assert part["unknown_values"] == [42]
    assert any("42" in n for n in notes)
    assert sum(c["share"] for c in part["classes"]) == pytest.approx(1.0, abs=1e-9)
    assert {c["value"]: c["area_ha"] for c in part["classes"]}[12] == pytest.approx(raw.areas_m2[12] / 1e4)
    assert part["outside_share"] == pytest.approx(0.0, abs=1e-12)


def test_landcover_partly_outside_reports_the_uncovered_share(tmp_path):
    data = np.full((50, 50), 2, dtype="uint8")
    path = write_tif(tmp_path / "lc.tif", data, from_origin(-19.4, 5.8, 0.01, 0.01))  # lon -19.4…-18.9
    with rasterio.open(path) as src:
        part, notes = attach.landcover_from_raster(LANDSCAPE, src, builtin_table("modis_igbp"))
    # the raster's edges are parallels and meridians: its outline follows lon/lat lines
    east = shapely.intersection(gd(LANDSCAPE), shapely.segmentize(shapely.box(-19.4, 5.3, -18.9, 5.8), 0.001))
    expected = 1 - geod_ha(east) / geod_ha(LANDSCAPE)
    assert part["outside_share"] == pytest.approx(expected, abs=1e-6)
    assert part["not_covered_share"] == pytest.approx(expected, abs=1e-6)
    assert any("outside the raster" in n for n in notes)


@pytest.mark.parametrize("lang, sliver, three", [
    ("en", "lc: less than 0.1% of the landscape lies outside the raster", "lc: 3.0% of the landscape lies outside the raster"),
    ("fr", "lc : moins de 0,1 % du paysage est hors du raster", "lc : 3,0 % du paysage est hors du raster"),
])
def test_a_sliver_outside_the_raster_is_less_than_a_tenth_of_a_percent_not_zero(tmp_path, lang, sliver, three):
    path = write_tif(tmp_path / "lc.tif", np.full((200, 200), 2, dtype="uint8"), from_origin(-1.0, 7.0, 0.01, 0.01))
    notes = {}
    with rasterio.open(path) as src:
        for over in (0.0005, 0.046392):  # the boundary reaches this far east of the raster (lon 1.0): 0.03 %, 3.0 %
            part, found = attach.landcover_from_raster(shapely.box(-0.5, 5.5, 1.0 + over, 6.5), src,
                                                       builtin_table("modis_igbp"), source="lc", lang=lang)
            assert part["outside_share"] == pytest.approx(over / (1.5 + over), rel=1e-3)
            notes[over] = [norm(n) for n in found if "raster" in n]
    assert notes == {0.0005: [norm(sliver)], 0.046392: [norm(three)]}


def test_rasters_that_miss_the_landscape_warn_and_give_empty_parts(tmp_path):
    lc = write_tif(tmp_path / "far.tif", np.full((10, 10), 9, dtype="uint8"), from_origin(30.0, 1.0, 0.01, 0.01))
    pop = write_tif(tmp_path / "farpop.tif", np.full((10, 10), 5.0, dtype="float32"), from_origin(30.0, 1.0, 0.01, 0.01))
    with rasterio.open(lc) as src, pytest.warns(Warning, match="does not overlap"):
        part, notes = attach.landcover_from_raster(LANDSCAPE, src, builtin_table("modis_igbp"))
    assert part["classes"] == [] and part["not_covered_share"] == 1.0
    assert any("does not overlap" in n for n in notes)
    with rasterio.open(pop) as src, pytest.warns(Warning, match="does not overlap"):
        part, notes = attach.population_from_raster(LANDSCAPE, src, kind="count")
    # not covered: null (with the share), never a population of 0
    assert part["total"] is None and part["covered"] is False and part["not_covered_share"] == 1.0 and notes


def test_user_class_table_csv(tmp_path):
    csv = tmp_path / "habitats.csv"
    csv.write_text("value,name,name_fr,colour\n1,Forest,Forêt,#00aa00\n2,Farm,Champ,\n", encoding="utf-8")
    t = load_class_table(csv)
    assert t.name(1, lang="fr") == "Forêt" and t.name(2) == "Farm" and t.colour(1) == "#00aa00"
    assert t.name(7) == "unknown class 7"
    with pytest.raises(RecipeError, match="value and name"):
        parse_class_table("code,label\n1,x\n", source="bad.csv")
    with pytest.raises(RecipeError, match="not #rrggbb"):
        parse_class_table("value,name,colour\n1,x,green\n", source="bad.csv")
    with pytest.raises(RecipeError, match="built-in"):
        load_class_table("corine")


def test_builtin_tables_are_complete():
    assert sorted(builtin_table("esa_worldcover").classes) == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 100]
    cci = builtin_table("esa_cci")
    assert min(cci.classes) == 0 and max(cci.classes) == 220 and len(cci.classes) == 38
    modis = builtin_table("modis_igbp")
    assert set(range(0, 18)) <= set(modis.classes) and modis.is_nodata(255)
    for t in (cci, modis):
        assert all(c.name_fr and c.colour.startswith("#") for c in t.classes.values())


# --------------------------------------------------------------------------- population


def test_population_count_raster_total(tmp_path):
    data = np.full((60, 60), 10.0, dtype="float32")  # 10 people per cell
    path = write_tif(tmp_path / "pop.tif", data, from_origin(-19.7, 5.8, 0.01, 0.01), nodata=-9999.0)
    with rasterio.open(path) as src:
        part, _ = attach.population_from_raster(LANDSCAPE, src, kind="count", source="WorldPop", year=2020)
    # independent: covered cells = polygon area in degrees² / cell area in degrees² (edges are geodesics)
    expected = gd(LANDSCAPE, 20.0).area / 0.0001 * 10
    assert part["total"] == pytest.approx(expected, rel=1e-7)  # landgeo's 1 km chords leave the geodesic by < 1e-8
    assert part["year"] == 2020 and part["source"] == "WorldPop" and "per cell" in part["method"]


def test_population_density_total_within_half_a_percent(tmp_path):
    data = np.full((60, 60), 100.0, dtype="float32")  # 100 people per km²
    path = write_tif(tmp_path / "pop.tif", data, from_origin(-19.7, 5.8, 0.01, 0.01), nodata=-9999.0)
    with rasterio.open(path) as src:
        part, _ = attach.population_from_raster(LANDSCAPE, src, kind="density")
    expected = 100.0 * geod_ha(LANDSCAPE) / 100.0
    assert part["total"] == pytest.approx(expected, rel=5e-3)
    assert part["density_per_km2"] == pytest.approx(100.0, rel=5e-3)
    with pytest.raises(RecipeError, match="density"):
        with rasterio.open(path) as src:
            attach.population_from_raster(LANDSCAPE, src, kind="people")


# --------------------------------------------------------------------------- sites


@pytest.fixture
def river():
    return gpd.GeoDataFrame({"name": ["Kora"]}, geometry=[shapely.LineString([(-19.4, 5.0), (-19.38, 5.5), (-19.41, 6.0)])],
                            crs=4326)


def test_sites_points_and_footprints(river):
    pts = [shapely.Point(-19.395, 5.45), shapely.Point(-19.3, 5.6), shapely.Point(-18.0, 5.5)]  # last one outside
    foot = shapely.Point(-19.5, 5.5).buffer(0.003)
    edge = shapely.box(-19.63, 5.5, -19.58, 5.52)  # straddles the boundary
    gdf = gpd.GeoDataFrame({"id": ["a", "b", "c", "d", "e"]}, geometry=pts + [foot, edge], crs=4326)
    units = gpd.GeoDataFrame({"unit": ["West", "East"]}, geometry=[shapely.box(-20, 5, -19.4, 6), shapely.box(-19.4, 5, -19, 6)],
                             crs=4326)
    res = attach_sites(LANDSCAPE, gdf, rivers=river, admin_units=units, admin_name_field="unit",
                       water_distance_m=1500, name_field="id", source="sites")
    p = res.part
    assert p["count"] == 4 and p["outside"] == 1 and p["points"] == 2 and p["footprints"] == 2
    mined = geod_ha(foot) + geod_ha(inter(edge, LANDSCAPE))
    assert p["area_ha"] == pytest.approx(mined, rel=1e-7)
    assert p["density_per_1000_ha"] == pytest.approx(4 / geod_ha(LANDSCAPE) * 1000, rel=1e-7)
    layer = res.layer.set_index("site_id")
    d_a = brute_distance_m(-19.395, 5.45, river.geometry)
    assert layer.loc["a", "dist_river_m"] == pytest.approx(d_a, abs=1.0)
    near = int((layer["dist_river_m"] <= 1500).sum())
    assert p["near_water"] == {"distance_m": 1500.0, "count": near, "unknown": 0}
    assert {u["name"]: u["count"] for u in p["per_admin_unit"]} == {"East": 2, "West": 2}
    assert layer.crs.to_epsg() == 4326 and set(layer["kind"]) == {"point", "footprint"}


def test_distance_from_footprint_is_to_its_nearest_edge(river):
    foot = shapely.Point(-19.36, 5.5).buffer(0.004)
    d = nearest_distance_m([foot], river.geometry.values, around=LANDSCAPE)[0][0]
    edge = shapely.get_coordinates(shapely.segmentize(foot.exterior, 0.0001))
    ref = min(brute_distance_m(x, y, river.geometry) for x, y in edge[::4])
    assert d == pytest.approx(ref, abs=2.0)
    touching = shapely.Point(-19.38, 5.5).buffer(0.002)
    assert nearest_distance_m([touching], river.geometry.values, around=LANDSCAPE)[0][0] == 0.0


def test_sites_with_invalid_coordinates_are_counted_and_reported(tmp_path):
    csv = tmp_path / "sites.csv"
    csv.write_text("site,lon,lat\nA,-19.4,5.5\nB,,\nC,250,5.5\nD,-19.3,5.6\n", encoding="utf-8")
    with pytest.warns(Warning):
        gdf = read_vector(csv)
    rep = gdf.attrs["landgeo_report"]
    res = attach_sites(LANDSCAPE, gdf, invalid_rows=rep.dropped_invalid_coords, name_field="site")
    assert res.part["count"] == 2
    assert res.part["invalid_coordinates"] == 2
    assert res.part["near_water"] is None and res.part["area_ha"] is None


def test_distances_beyond_the_first_window_are_exact_not_capped():
    """A river 60 km away is found by widening the window read; no cap, brute-force geodesic check."""
    far_river = shapely.LineString([(-18.95, 4.0), (-18.97, 7.0)])  # 22 km east of the landscape, 27-50 km from the sites
    frame = gpd.GeoDataFrame({"name": ["Far"]}, geometry=[far_river], crs=4326)
    reads = []

    def read(bbox):
        reads.append(bbox)
        return frame.geometry.values[frame.intersects(shapely.box(*bbox)).to_numpy()]

    window = (-19.7, 5.2, -19.1, 5.8)  # the river is not in the first window
    layer = WaterLayer(label="far", kind="river", geoms=np.zeros(0, dtype=object), extent=(-20.0, 4.0, -18.0, 7.0),
                       window=window, read=read)
    pts = [shapely.Point(-19.395, 5.45), shapely.Point(-19.2, 5.6)]
    res = distances_to_water(pts, [layer], around=LANDSCAPE)
    for p, got in zip(pts, res.distance_m):
        ref = brute_distance_m(p.x, p.y, [far_river])
        assert ref > 25_000 and got == pytest.approx(ref, abs=1.0)
    assert reads  # the window was widened


def test_water_far_from_the_landscape_says_nothing(river):
    """No river within 25 km of the landscape (Ashanti on 1:10m rivers): distances unknown, not "0 near water"."""
    far = gpd.GeoDataFrame(geometry=[shapely.LineString([(-17.5, 4.0), (-17.5, 7.0)])], crs=4326)  # ~180 km east
    pts = gpd.GeoDataFrame({"id": [1, 2]}, geometry=[shapely.Point(-19.395, 5.45), shapely.Point(-19.3, 5.6)], crs=4326)
    res = attach_sites(LANDSCAPE, pts, rivers=far)
    assert res.part["near_water"] == {"distance_m": 500.0, "count": None, "unknown": 2}
    assert res.layer["near_water"].tolist() == [None, None]
    assert any("no water feature within 25 km" in n for n in res.notes)
    from landgeo.render.sheet import profile_rows

    rows = dict(profile_rows({"sites": attach.rounded(res.part)}, "en"))
    assert "distance to water unknown" in rows["ASGM sites"] and "0 within" not in rows["ASGM sites"]


def test_sites_outside_every_water_layer_have_unknown_distance(river):
    """A site the water layer does not cover: distance null, near_water null, count not a false 0."""
    line = gpd.GeoSeries([shapely.LineString([(-19.4, 5.62), (-19.38, 5.7)])], crs=4326)
    short = WaterLayer.from_frame(line, label="north", kind="river", extent=(-19.7, 5.6, -19.0, 5.9))  # covers the north (site 1 is 28 km south of it)
    pts = gpd.GeoDataFrame({"id": [1, 2]}, geometry=[shapely.Point(-19.3, 5.35), shapely.Point(-19.39, 5.65)], crs=4326)
    res = attach_sites(LANDSCAPE, pts, water=[short], water_distance_m=2000)
    layer = res.layer
    assert np.isnan(layer["dist_water_m"].iloc[0]) and layer["near_water"].iloc[0] is None
    assert layer["near_water"].iloc[1] is True
    assert res.part["near_water"] == {"distance_m": 2000.0, "count": 1, "unknown": 1}
    assert any("unknown" in n for n in res.notes)
    # only sites no layer covers: the count itself is unknown
    res = attach_sites(LANDSCAPE, pts.iloc[:1], water=[short])
    assert res.part["near_water"]["count"] is None and res.part["distance_to_water_m"]["median"] is None


def test_lakes_count_as_water_and_a_site_inside_a_lake_is_at_zero(river):
    lake = shapely.Point(-19.25, 5.5).buffer(0.03)
    lakes = WaterLayer.from_frame(gpd.GeoSeries([lake], crs=4326), label="lakes", kind="lake")
    pts = gpd.GeoDataFrame({"id": [1, 2]}, geometry=[shapely.Point(-19.25, 5.5), shapely.Point(-19.2, 5.5)], crs=4326)
    res = attach_sites(LANDSCAPE, pts, rivers=river, water=[lakes], water_distance_m=500)
    d = res.layer["dist_water_m"].to_numpy()
    assert d[0] == 0.0
    ref = min(brute_distance_m(-19.2, 5.5, [lake.exterior]), brute_distance_m(-19.2, 5.5, river.geometry))
    assert d[1] == pytest.approx(ref, abs=2.0)
    assert res.layer["dist_river_m"].iloc[0] > 10_000  # the river alone is far


def test_no_sites_is_count_zero(river):
    empty = gpd.GeoDataFrame({"id": []}, geometry=gpd.GeoSeries([], crs=4326), crs=4326)
    res = attach_sites(LANDSCAPE, empty, rivers=river)
    assert res.part["count"] == 0 and res.part["near_water"]["count"] == 0
    assert len(res.layer) == 0
    far = gpd.GeoDataFrame({"id": [1]}, geometry=[shapely.Point(10, 10)], crs=4326)
    assert attach_sites(LANDSCAPE, far).part["count"] == 0


def test_sites_in_projected_crs_are_transformed(river):
    pts = gpd.GeoDataFrame({"id": [1, 2]}, geometry=[shapely.Point(-19.395, 5.45), shapely.Point(-19.3, 5.6)], crs=4326)
    res = attach_sites(LANDSCAPE, pts.to_crs("EPSG:32628"), rivers=river.to_crs("EPSG:3857"))
    assert res.part["count"] == 2
    assert any("EPSG:32628" in n for n in res.notes) and any("EPSG:3857" in n for n in res.notes)
    assert res.layer["dist_river_m"].iloc[0] == pytest.approx(brute_distance_m(-19.395, 5.45, river.geometry), abs=1.0)


# --------------------------------------------------------------------------- admin units, rivers


def test_admin_units_shares():
    units = gpd.GeoDataFrame({"name": ["West", "East", "Far"], "iso": ["XDL", "XDL", "XDM"]},
                             geometry=[shapely.box(-20, 5, -19.4, 6), shapely.box(-19.4, 5, -19, 6), shapely.box(-18, 5, -17, 6)],
                             crs=4326)
    part, layer, _ = attach.admin_units_spanned(LANDSCAPE, units, name_field="name", level="district", country_field="iso")
    got = {u["name"]: u for u in part["admin_units"]}
    assert set(got) == {"West", "East"} and part["countries"] == ["XDL"]
    assert sum(u["share_of_landscape"] for u in got.values()) == pytest.approx(1.0, abs=1e-9)
    west = inter(LANDSCAPE, units.geometry[0])
    assert got["West"]["share_of_landscape"] == pytest.approx(geod_ha(west) / geod_ha(LANDSCAPE), rel=1e-7)
    assert got["West"]["share_of_unit"] == pytest.approx(geod_ha(west) / geod_ha(units.geometry[0]), rel=1e-7)
    assert got["East"]["level"] == "district" and list(layer["name"]) == [u["name"] for u in part["admin_units"]]


def test_rivers_length_inside(river):
    part, layer, _ = attach.rivers_inside(LANDSCAPE, river, name_field="name")
    # both with geodesic edges, densified independently (Geod.npts every 100 m), then cut
    piece = shapely.intersection(shapely.LineString(gd_line(np.asarray(river.geometry[0].coords), 100.0)), gd(LANDSCAPE))
    c = shapely.get_coordinates(piece)
    ref = GEOD.line_length(c[:, 0], c[:, 1]) / 1000
    assert part["length_km"] == pytest.approx(ref, rel=1e-7)
    assert part["named"] == [{"name": "Kora", "length_km": pytest.approx(ref, rel=1e-7)}]


def test_rounding_is_stable():
    r = attach.rounded({"area_ha": 1.23456, "share": 0.1234567891, "length_km": 2.00049, "total": 1234.6,
                        "nested": [{"share_of_unit": np.float64(0.5)}], "distance_m": 12.345,
                        "density_per_1000_ha": 0.0123456})
    assert r == {"area_ha": 1.23, "share": 0.123457, "length_km": 2.0, "total": 1235,
                 "nested": [{"share_of_unit": 0.5}], "distance_m": 12.3, "density_per_1000_ha": 0.0123}


# --------------------------------------------------------------------------- recipe → profile


def _kit(tmp_path):
    boundary = gpd.GeoDataFrame({"name": ["L"]}, geometry=[LANDSCAPE], crs=4326)
    boundary.to_file(tmp_path / "boundary.gpkg")
    eco_layer().to_crs("EPSG:32628").to_file(tmp_path / "eco.gpkg")
    lc = np.full((100, 100), 9, dtype="uint8")
    lc[:, 50:] = 12
    write_tif(tmp_path / "lc.tif", lc, from_origin(-19.7, 5.8, 0.006, 0.006), nodata=255)
    write_tif(tmp_path / "pop.tif", np.full((60, 60), 50.0, dtype="float32"), from_origin(-19.7, 5.8, 0.01, 0.01), nodata=-9999.0)
    gpd.GeoDataFrame({"name": ["Kora"]}, geometry=[shapely.LineString([(-19.4, 5.0), (-19.38, 5.5), (-19.41, 6.0)])],
                     crs=4326).to_file(tmp_path / "rivers.gpkg")
    (tmp_path / "sites.csv").write_text("id,lon,lat\nS1,-19.395,5.45\nS2,-19.3,5.6\nS3,,\n", encoding="utf-8")
    gpd.GeoDataFrame({"district": ["West", "East"]}, geometry=[shapely.box(-20, 5, -19.4, 6), shapely.box(-19.4, 5, -19, 6)],
                     crs=4326).to_file(tmp_path / "units.gpkg")
    recipe = tmp_path / "recipe.toml"
    recipe.write_text(
        """
[landscape]
name = "Test"
country = ["XDL"]

[boundary]
method = "file"
path = "boundary.gpkg"

[attach.ecosystems]
path = "eco.gpkg"
field = "eco"

[attach.landcover]
path = "lc.tif"
classes = "modis_igbp"

[attach.population]
path = "pop.tif"
kind = "density"
source = "WorldPop"
year = 2020

[attach.sites]
path = "sites.csv"
name_field = "id"
water_distance_m = 2000

[attach.rivers]
path = "rivers.gpkg"
name_field = "name"

[attach.admin_units]
path = "units.gpkg"
name_field = "district"
level = "district"
""",
        encoding="utf-8",
    )
    return recipe


def test_attach_all_from_a_recipe_fills_every_part(tmp_path):
    from landgeo.app.pipeline import build_profile
    from landgeo.recipe.parse import read_recipe

    recipe = read_recipe(_kit(tmp_path))
    res = build_profile(recipe)
    p = res.profile
    assert p["population"]["total"] > 0 and p["population"]["year"] == 2020
    assert {c["class"] for c in p["ecosystems"]["classes"]} == {"Forest", "Savanna"}
    assert {c["class"] for c in p["land_cover"]["classes"]} == {"Savannas", "Croplands"}
    assert p["sites"]["count"] == 2 and p["sites"]["invalid_coordinates"] == 1
    assert p["rivers"]["named"][0]["name"] == "Kora"
    assert [u["name"] for u in p["location"]["admin_units"]] and p["location"]["countries"] == ["XDL"]
    assert set(res.layers) >= {"boundary", "sites", "ecosystems", "admin_units", "rivers"}
    assert any("EPSG:32628" in n for n in p["notes"])
    # deterministic: the same inputs give the same bytes
    again = build_profile(read_recipe(tmp_path / "recipe.toml")).profile
    assert json.dumps(again, sort_keys=False) == json.dumps(p, sort_keys=False)


def test_unknown_attach_key_is_a_recipe_error(tmp_path):
    from landgeo.recipe.parse import read_recipe

    recipe = _kit(tmp_path)
    recipe.write_text(recipe.read_text(encoding="utf-8").replace('kind = "density"', 'kind = "people"'), encoding="utf-8")
    with pytest.raises(RecipeError, match="kind"):
        read_recipe(recipe)


def test_partly_covered_landscape_gets_a_check_and_french_notes(tmp_path):
    from landgeo.app.pipeline import build_profile
    from landgeo.recipe.parse import read_recipe

    recipe = _kit(tmp_path)
    write_tif(tmp_path / "half.tif", np.full((50, 50), 9, dtype="uint8"), from_origin(-19.4, 5.8, 0.01, 0.01), nodata=255)
    text = recipe.read_text(encoding="utf-8").replace('path = "lc.tif"', 'path = "half.tif"')
    recipe.write_text(text.replace('country = ["XDL"]', 'country = ["XDL"]\nlanguage = "fr"'), encoding="utf-8")
    p = build_profile(read_recipe(recipe)).profile
    check = next(c for c in p["checks"] if c["id"] == "land_cover_coverage")
    assert check["status"] == "warn" and "du paysage" in check["message"]
    assert 0.4 < p["land_cover"]["not_covered_share"] < 0.7
    assert any("transformé de EPSG:32628" in n for n in p["notes"])
    assert any("hors du raster" in n for n in p["notes"])


def test_landcover_classes_key_takes_a_builtin_name_or_a_csv(tmp_path):
    from landgeo.app.pipeline import build_profile
    from landgeo.recipe.parse import read_recipe

    recipe = _kit(tmp_path)
    text = recipe.read_text(encoding="utf-8")
    recipe.write_text(text.replace('classes = "modis_igbp"', 'classes = "modis_igpb"'), encoding="utf-8")
    with pytest.raises(RecipeError, match="did you mean 'modis_igbp'"):
        read_recipe(recipe)
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "mine.csv").write_text("value,name\n9,Bush\n12,Fields\n", encoding="utf-8")
    recipe.write_text(text.replace('classes = "modis_igbp"', 'classes = "tables/mine.csv"'), encoding="utf-8")
    p = build_profile(read_recipe(recipe)).profile
    assert {c["class"] for c in p["land_cover"]["classes"]} == {"Bush", "Fields"}
    assert p["land_cover"]["class_table"] == "mine"


def test_population_kind_is_required(tmp_path):
    from landgeo.recipe.parse import read_recipe

    recipe = _kit(tmp_path)
    recipe.write_text(recipe.read_text(encoding="utf-8").replace('kind = "density"\n', ""), encoding="utf-8")
    with pytest.raises(RecipeError, match=r"\[attach.population\] is missing the key 'kind'"):
        read_recipe(recipe)


def test_raster_without_crs_exits_2_with_the_fix(tmp_path):
    from landgeo.cli.main import main

    recipe = _kit(tmp_path)
    with rasterio.open(tmp_path / "nocrs.tif", "w", driver="GTiff", height=10, width=10, count=1, dtype="uint8",
                       transform=from_origin(-19.7, 5.8, 0.1, 0.1)) as dst:
        dst.write(np.zeros((10, 10), dtype="uint8"), 1)
    recipe.write_text(recipe.read_text(encoding="utf-8").replace('path = "lc.tif"', 'path = "nocrs.tif"'), encoding="utf-8")
    out = CliRunner().invoke(main, ["profile", str(recipe), "-o", str(tmp_path / "out")])
    assert out.exit_code == 2
    assert "no CRS" in out.output and "crs = " in out.output


def test_landcover_raster_in_utm_with_boundary_in_wgs84(tmp_path, caplog):
    """The boundary is transformed to the raster's CRS (logged); the class areas match exactextract.

    The raster is placed under the polygon (UTM 28N extent computed from it) and the test asserts the
    overlap, so both sides measure real cells: a polygon off the raster would give two empty results.
    """
    exactextract = pytest.importorskip("exactextract")
    small = shapely.Polygon([(-19.43, 5.6), (-19.1, 5.62), (-19.12, 5.38), (-19.44, 5.4)])
    # independent geodesic densification (Geod.npts every 50 m), then to UTM 28N with pyproj via geopandas
    poly_utm = gpd.GeoSeries([gd(small, 50.0)], crs=4326).to_crs("EPSG:32628")
    minx, miny, maxx, maxy = poly_utm.total_bounds
    x0, y1 = np.floor(minx / 100) * 100 - 1_000, np.ceil(maxy / 100) * 100 + 1_000
    ncol, nrow = int(np.ceil((maxx + 1_000 - x0) / 100)), int(np.ceil((y1 - (miny - 1_000)) / 100))
    rng = np.random.default_rng(9)
    data = rng.integers(1, 4, (nrow, ncol)).astype("uint8")
    path = write_tif(tmp_path / "utm.tif", data, from_origin(x0, y1, 100, 100), crs="EPSG:32628")
    with rasterio.open(path) as src:
        assert shapely.box(*src.bounds).contains(poly_utm.iloc[0])  # the inputs overlap: the polygon is on the raster
    with caplog.at_level(logging.INFO, logger="landgeo.zonal"), rasterio.open(path) as src:
        part, notes = attach.landcover_from_raster(small, src, None)
    assert "transformed" in caplog.text
    assert any("EPSG:32628" in n and "not resampled" in n for n in notes)
    assert part["outside_share"] == 0.0 and part["not_covered_share"] == 0.0
    df = exactextract.exact_extract(str(path), gpd.GeoDataFrame(geometry=poly_utm), ["unique", "frac", "count"], output="pandas")
    # exactextract: count = Σ coverage fractions (cells), frac = each class's share of it; a cell is 1 ha
    ref = {int(k): float(f) * float(df["count"][0]) for k, f in zip(df["unique"][0], df["frac"][0])}
    got = {c["value"]: c["area_ha"] for c in part["classes"]}
    assert set(ref) == set(got) == {1, 2, 3}
    assert sum(ref.values()) == pytest.approx(poly_utm.area.iloc[0] / 1e4, rel=1e-6)  # ~ 90,000 ha of real cells
    assert sum(ref.values()) > 50_000
    for k, v in ref.items():
        assert got[k] == pytest.approx(v, rel=1e-5)


# --------------------------------------------------------------------------- real data


@pytest.mark.realdata
def test_ghana_2024_footprints_in_a_natural_earth_region():
    ne = shared_data("admin_naturalearth_10m", "ne10m_admin1_admin0.gpkg")
    asgm = shared_data("asgm_earthrise_mining_detector", "asgm_mining_polygons.gpkg")
    regions = read_vector(ne, layer="admin1", where="adm0_a3 = 'GHA'")
    western = regions.loc[regions["name"] == "Western"].geometry.iloc[0]
    sites = read_vector(asgm, layer="ghana_2024", bbox=western.bounds)
    res = attach_sites(western, sites, name_field="site_id", source="ghana_2024")
    # independent: geopandas in the equal-area EPSG:6933
    full = gpd.read_file(asgm, layer="ghana_2024")
    inside = full[full.intersects(western)]
    clipped = gpd.clip(inside, gpd.GeoSeries([western], crs=4326))
    ref_ha = clipped.to_crs(6933).area.sum() / 1e4
    assert res.part["count"] == len(inside)
    assert res.part["count"] > 50
    assert res.part["area_ha"] == pytest.approx(ref_ha, rel=1e-3)


@pytest.mark.realdata
def test_ghana_sites_distance_to_natural_earth_rivers():
    asgm = shared_data("asgm_earthrise_mining_detector", "asgm_mining_polygons.gpkg")
    rivers = read_vector(shared_data("rivers_lakes_naturalearth_10m", "ne10m_rivers_lakes.gpkg"),
                         layer="rivers_lake_centerlines", bbox=(-4, 4, 2, 12))
    pts = gpd.read_file(asgm, layer="all_site_centroids", where="country_iso3 = 'GHA'").iloc[::40]
    region = shapely.box(-3.5, 4.5, 0.5, 7.5)
    d, _ = nearest_distance_m(pts.geometry.values, rivers.geometry.values, around=region)
    for (x, y), got in zip(shapely.get_coordinates(pts.geometry.values)[:6], d[:6]):
        ref = brute_distance_m(x, y, rivers.geometry.values)
        assert got == pytest.approx(ref, rel=2e-3, abs=5.0)


@pytest.mark.realdata
def test_uganda_districts_population_and_land_cover():
    exactextract = pytest.importorskip("exactextract")
    ne = shared_data("admin_naturalearth_10m", "ne10m_admin1_admin0.gpkg")
    pop_path = shared_data("population_worldpop2020_20km", "afripop2020_uganda.tif")
    lc_path = shared_data("landcover_modis_mcd12c1_2019_20km", "afrilandcover2019_uganda.tif")
    names = ["Gulu", "Kasese", "Mbale", "Wakiso", "Mubende"]
    uga = read_vector(ne, layer="admin1", where="adm0_a3 = 'UGA'")
    sel = uga[uga["name"].isin(names)].sort_values("name").reset_index(drop=True)
    assert len(sel) == len(names)
    with rasterio.open(pop_path) as src:
        ours = zonal.weighted_sums(src, sel.geometry, density_per_km2=True)
    df = exactextract.exact_extract(str(pop_path), sel[["geometry"]], ["coverage", "values", "center_y"], output="pandas")
    dy = 1 / 6
    for r, cov, vals, cy in zip(ours, df["coverage"], df["values"], df["center_y"]):
        cov, vals, cy = (np.asarray(a, dtype=float) for a in (cov, vals, cy))
        ok = np.isfinite(vals) & (vals != -9999)
        lons = np.r_[np.linspace(0, dy, 40), np.linspace(dy, 0, 40)]
        km2 = np.array([abs(GEOD.polygon_area_perimeter(lons, np.r_[np.full(40, y - dy / 2), np.full(40, y + dy / 2)])[0])
                        for y in cy]) / 1e6
        ref = float((cov * vals * km2)[ok].sum())
        assert r.total == pytest.approx(ref, rel=5e-3)
        assert r.total > 1e5  # every one of these districts holds more than 100,000 people
    with rasterio.open(lc_path) as src:
        table = builtin_table("modis_igbp")
        for geom in sel.geometry:
            part, _ = attach.landcover_from_raster(geom, src, table)
            assert sum(c["share"] for c in part["classes"]) == pytest.approx(1.0, abs=1e-9)
            assert all(not c["class"].startswith("unknown") for c in part["classes"])
    df = exactextract.exact_extract(str(lc_path), sel[["geometry"]], ["unique", "frac"], output="pandas")
    with rasterio.open(lc_path) as src:
        ours_lc = zonal.class_areas(src, sel.geometry)
    for r, u, f in zip(ours_lc, df["unique"], df["frac"]):
        shares = r.shares()
        for k, v in zip(u, f):
            if int(k) != 255:
                # frac weights cells by coverage only; ours also by geodesic cell area (varies < 0.1 % here)
                assert shares.get(int(k), 0.0) == pytest.approx(float(v), abs=2e-3)


def test_uncovered_ha_full_cover_and_a_gap():
    from landgeo.attach.common import clip_layer, uncovered_ha
    from landgeo.geo import geodesy as gd

    land = shapely.Point(47, -19).buffer(0.2, quad_segs=64)
    units = gpd.GeoDataFrame({"name": ["w", "e"]}, geometry=[shapely.box(46, -20, 47.03, -18), shapely.box(47.03, -20, 48, -18)],
                             crs=4326)
    _, pieces = clip_layer(units, land)
    whole = shapely.union_all(pieces)
    assert uncovered_ha(land, whole, gd.area_ha(land)) == 0.0  # covered: no overlay needed
    _, west = clip_layer(units.iloc[:1], land)
    gap = uncovered_ha(land, west[0], gd.area_ha(land))  # the eastern part is uncovered: measured by the overlay
    assert gap == gd.area_ha(gd.polygonal(shapely.difference(gd.densify(land), west[0])))
    assert gap == pytest.approx(gd.area_ha(pieces[1]), rel=1e-9)
