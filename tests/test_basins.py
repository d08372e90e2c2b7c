"""Basin tracing (HydroBASINS-style): hand-built trees, properties, dissolve, suggest, CLI.

Every unit is a box in EPSG:4326 built here, so upstream sets and areas can be
added up by hand; areas are checked against pyproj.Geod on the boxes, never
against numbers printed by the code under test.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import Geod

from landgeo.delineate import basins as B
from landgeo.delineate.basins.table import BasinTable
from landgeo.errors import BasinTableError, DataWarning, DelineationError, FieldError, UsageError
from landgeo.geo import coverage

GEOD = Geod(ellps="WGS84")
LON0, LAT0 = 10.0, 5.0


def geod_ha(geom) -> float:
    """Independent geodesic area (ha): pyproj.Geod on the shapely geometry."""
    return abs(GEOD.geometry_area_perimeter(shapely.orient_polygons(geom))[0]) / 1e4


def box(x0, y0, x1, y1):
    return shapely.box(LON0 + x0, LAT0 + y0, LON0 + x1, LAT0 + y1)


# Basin 1 (outlet unit 1 on the coast), with T-junctions between the rows:
#   y .2-.3 :  7 [0-.1]   8 [.1-.2]   9 [.2-.3]
#   y .1-.2 :  4 [0-.15]        5 [.15-.3]
#   y 0-.1  :  1 [0-.1]   2 [.1-.3]
# drainage 2→1, 4→1, 5→2, 7→4, 8→4, 9→5.
# Endorheic basin: 21 (sink, tall box) ← 22 ← 23.  Coastal units 31, 32 (their own outlets).
UNITS = {
    1: (box(0, 0, .1, .1), 0),
    2: (box(.1, 0, .3, .1), 1),
    4: (box(0, .1, .15, .2), 1),
    5: (box(.15, .1, .3, .2), 2),
    7: (box(0, .2, .1, .3), 4),
    8: (box(.1, .2, .2, .3), 4),
    9: (box(.2, .2, .3, .3), 5),
    21: (box(.3, 0, .4, .3), 0),
    22: (box(.4, 0, .5, .15), 21),
    23: (box(.4, .15, .5, .3), 22),
    31: (box(.5, 0, .6, .1), 0),
    32: (box(.5, .1, .6, .3), 0),
}
UPSTREAM = {1: {1, 2, 4, 5, 7, 8, 9}, 2: {2, 5, 9}, 4: {4, 7, 8}, 5: {5, 9}, 9: {9}, 21: {21, 22, 23}, 22: {22, 23}, 31: {31}}


def basin_frame(units=UNITS, *, sub_scale: float = 1.0, fields=("HYBAS_ID", "NEXT_DOWN", "SUB_AREA", "UP_AREA", "PFAF_ID")) -> gpd.GeoDataFrame:
    ids = list(units)
    geoms = [units[i][0] for i in ids]
    nd = [units[i][1] for i in ids]
    sub_km2 = np.array([geod_ha(g) / 100 for g in geoms]) * sub_scale
    # UP_AREA by brute force: walk every unit down to its outlet
    up = dict.fromkeys(ids, 0.0)
    for i, s in zip(ids, sub_km2):
        u = i
        while u != 0:
            up[u] += s
            u = units[u][1]
    pfaf = {1: 1111, 2: 1112, 4: 1121, 5: 1113, 7: 1122, 8: 1123, 9: 1114, 21: 2111, 22: 2112, 23: 2113, 31: 3111, 32: 3211}
    f_id, f_nd, f_sub, f_up, f_pf = fields
    return gpd.GeoDataFrame(
        {f_id: ids, f_nd: nd, f_sub: sub_km2, f_up: [up[i] for i in ids], f_pf: [pfaf.get(i, 9999) for i in ids]},
        geometry=geoms, crs=4326,
    )


@pytest.fixture(scope="module")
def layer() -> B.BasinLayer:
    return B.BasinLayer.from_frame(basin_frame(), label="units.gpkg")


def sum_ha(ids) -> float:
    return sum(geod_ha(UNITS[i][0]) for i in ids)


def centre(uid):
    c = UNITS[uid][0].centroid
    return (c.x, c.y)


# --- the table --------------------------------------------------------------------------------

def test_upstream_sets_by_hand(layer):
    t = layer.table
    for uid, expected in UPSTREAM.items():
        rows = t.upstream(int(t.positions([uid])[0]))
        assert set(t.ids[rows]) == expected
    assert set(t.ids[t.children(int(t.positions([1])[0]))]) == {2, 4}
    assert list(t.ids[t.downstream(int(t.positions([9])[0]))]) == [9, 5, 2, 1]
    assert list(t.ids[t.downstream(int(t.positions([31])[0]))]) == [31]


def test_upstream_totals_by_hand(layer):
    t = layer.table
    sub = layer.units["SUB_AREA"].to_numpy()
    totals = t.upstream_totals(sub)
    assert np.allclose(totals, layer.units["UP_AREA"].to_numpy())


@pytest.mark.parametrize(
    ("ids", "nd", "words"),
    [
        ([1, 2, 2, 3], [0, 1, 1, 2], ["duplicate", "2"]),
        ([1, 2, 3, 4], [0, 3, 4, 2], ["cycle", "2 → 3 → 4 → 2"]),
        ([1, 2], [2, 1], ["cycle"]),
        ([5], [5], ["cycle", "5 → 5"]),
        ([0, 1], [0, 0], ["id 0"]),
        ([1.0, 2.5], [0, 1], ["not an integer"]),
        ([1, 2], [0, None], ["not an integer", "NEXT_DOWN"]),
    ],
)
def test_bad_tables_name_the_ids(ids, nd, words):
    with pytest.raises(BasinTableError) as err:
        BasinTable.from_arrays(np.array(ids, dtype=object if None in nd or None in ids else None),
                               np.array(nd, dtype=object if None in nd else None), source="bad.gpkg")
    msg = str(err.value)
    assert msg.startswith("bad.gpkg:")
    for w in words:
        assert w in msg


def test_index_is_read_only_and_inputs_stay_writable():
    ids, nd = np.array([1, 2, 3]), np.array([0, 1, 1])
    t = BasinTable.from_arrays(ids, nd)
    with pytest.raises(ValueError):
        t.upstream(0)[0] = 5
    ids[0] = 7  # the caller's arrays are not frozen, and changing them does not change the table
    assert t.ids[0] == 1


def test_empty_table():
    t = BasinTable.from_arrays(np.zeros(0, np.int64), np.zeros(0, np.int64))
    assert len(t) == 0 and len(t.order) == 0


def random_forest(draw_parents, n, seed):
    rng = np.random.default_rng(seed)
    ids = rng.choice(np.arange(1, 10 * n + 1), size=n, replace=False)
    parent = np.array(draw_parents)
    # row i drains to a row drawn among the earlier ones (-1: outlet); then shuffle rows
    perm = rng.permutation(n)
    inv = np.argsort(perm)
    p2 = np.where(parent[perm] >= 0, inv[np.maximum(parent[perm], 0)], -1)
    ids2 = ids[perm]
    nd = np.where(p2 >= 0, ids2[np.maximum(p2, 0)], 0)
    return ids2, nd, p2


@st.composite
def forests(draw, max_n=40):
    n = draw(st.integers(1, max_n))
    parents = [-1] + [draw(st.integers(-1, i - 1)) for i in range(1, n)]
    seed = draw(st.integers(0, 2**16))
    values = draw(st.lists(st.floats(0, 1e4), min_size=n, max_size=n))
    return random_forest(parents, n, seed), np.array(values)


def brute_upstream(parent, u) -> set[int]:
    out = set()
    for v in range(len(parent)):
        w = v
        while w >= 0:
            if w == u:
                out.add(v)
                break
            w = parent[w]
    return out


@given(forests())
@settings(max_examples=60, deadline=None)
def test_trace_equals_brute_force(forest):
    (ids, nd, parent), values = forest
    t = BasinTable.from_arrays(ids, nd)
    totals = t.upstream_totals(values)
    for u in range(len(ids)):
        expected = brute_upstream(parent, u)
        got = t.upstream(u)
        assert len(got) == len(set(got.tolist())) == len(expected)  # each unit once
        assert set(got.tolist()) == expected
        assert totals[u] == pytest.approx(values[list(expected)].sum(), rel=1e-9, abs=1e-6)
        down = t.downstream(u)
        assert down[0] == u and t.parent[down[-1]] == -1
        assert all(t.parent[a] == b for a, b in zip(down[:-1], down[1:]))


@given(forests(max_n=12))
@settings(max_examples=20, deadline=None)
def test_upstream_of_many_is_the_union(forest):
    (ids, nd, parent), _ = forest
    t = BasinTable.from_arrays(ids, nd)
    picks = list(range(0, len(ids), 3))
    expected = set().union(*(brute_upstream(parent, u) for u in picks))
    assert set(t.upstream_of_many(picks).tolist()) == expected


# --- geometry: the hand-built layer ----------------------------------------------------------

def test_outlet_trace_area_by_hand(layer):
    b = B.boundary_from_basins(layer, outlet=centre(1))
    assert b.method == "basins"
    assert b.area_ha == pytest.approx(sum_ha(UPSTREAM[1]), rel=1e-4)
    assert b.geometry.geom_type == "Polygon" and len(b.geometry.interiors) == 0
    assert b.details["n_units"] == 7 and b.details["outlet_unit"] == 1
    assert set(b.details["unit_ids"]) == UPSTREAM[1]
    assert "Watershed upstream of the outlet at 5.05° N, 10.05° E: 7 basin units of units.gpkg" in b.definition
    (check,) = b.checks
    assert check.id == "basin_consistency" and check.status == "ok"
    assert check.value["sum_sub_area_ha"] == pytest.approx(sum_ha(UPSTREAM[1]), rel=1e-6)
    assert check.value["up_area_ha"] == pytest.approx(sum_ha(UPSTREAM[1]), rel=1e-6)


def test_endorheic_and_coastal(layer):
    b = B.boundary_from_basins(layer, outlet=centre(22))
    assert b.area_ha == pytest.approx(sum_ha({22, 23}), rel=1e-4)
    b = B.boundary_from_basins(layer, outlet=centre(21))
    assert b.area_ha == pytest.approx(sum_ha({21, 22, 23}), rel=1e-4)
    b = B.boundary_from_basins(layer, outlet=centre(31))
    assert b.area_ha == pytest.approx(sum_ha({31}), rel=1e-6) and b.details["n_units"] == 1


def test_french_definition(layer):
    b = B.boundary_from_basins(layer, outlet=(LON0 + 0.05, LAT0 + 0.15), lang="fr")
    assert b.definition.startswith("Bassin versant en amont de l'exutoire situé à 5,15° N, 10,05° E : 3 unités de bassin")
    assert "écart" not in b.checks[0].message


def test_snap_within_and_beyond(layer):
    # 0.002° (~221 m) west of unit 1, outside every unit
    lon, lat = LON0 - 0.002, LAT0 + 0.05
    expected_m = GEOD.inv(lon, lat, LON0, lat)[2]
    b = B.boundary_from_basins(layer, outlet=(lon, lat), snap_m=300)
    assert b.details["outlet_unit"] == 1
    assert b.details["snapped_m"] == pytest.approx(expected_m, abs=1)
    assert "snapped" in b.definition
    with pytest.raises(DelineationError) as err:
        B.boundary_from_basins(layer, outlet=(lon, lat), snap_m=100)
    msg = str(err.value)
    assert "unit 1" in msg and f"{expected_m:,.0f} m away" in msg and "snap_m = 100 m" in msg and "set snap_m =" in msg


def test_point_on_a_shared_edge_takes_the_downstream_unit(layer):
    row, dist = B.unit_at(layer, LON0 + 0.1, LAT0 + 0.05)  # the edge between 1 and 2 (2 drains to 1)
    assert layer.table.ids[row] == 1 and dist == 0.0


def test_pfaf_and_ids_selection(layer):
    b = B.boundary_from_basins(layer, pfaf_prefix="111")
    assert b.area_ha == pytest.approx(sum_ha({1, 2, 5, 9}), rel=1e-4)
    assert "PFAF_ID starting with 111" in b.definition
    assert "up_area_ha" not in b.checks[0].value  # 1, 2, 5, 9 is not a whole catchment: UP_AREA does not apply
    b = B.boundary_from_basins(layer, pfaf_prefix=112)
    assert b.checks[0].value["up_area_ha"] == pytest.approx(sum_ha(UPSTREAM[4]), rel=1e-6)
    b = B.boundary_from_basins(layer, hybas_ids=[31, 32])
    assert b.area_ha == pytest.approx(sum_ha({31, 32}), rel=1e-4)
    b = B.boundary_from_basins(layer, candidate=4)
    assert b.area_ha == pytest.approx(sum_ha(UPSTREAM[4]), rel=1e-4)
    with pytest.raises(BasinTableError, match="no unit with id 77"):
        B.boundary_from_basins(layer, hybas_ids=[1, 77])
    with pytest.raises(UsageError, match="exactly one of"):
        B.boundary_from_basins(layer, hybas_ids=[1], candidate=4)
    with pytest.raises(DelineationError, match="no unit has a PFAF_ID starting with 8"):
        B.boundary_from_basins(layer, pfaf_prefix=8)


def test_consistency_warns_beyond_two_percent():
    layer = B.BasinLayer.from_frame(basin_frame(sub_scale=1.05), label="stale.gpkg")
    b = B.boundary_from_basins(layer, outlet=centre(1))
    (check,) = b.checks
    assert check.status == "warn"
    assert check.value["diff_sub_area"] == pytest.approx(1 / 1.05 - 1, abs=1e-3)
    assert "more than 2%" in check.message


def test_custom_field_names():
    frame = basin_frame(fields=("BASIN", "DOWN", "AREA_KM2", "UPAREA", "CODE"))
    with pytest.raises(FieldError, match="no field 'HYBAS_ID'"):
        B.BasinLayer.from_frame(frame, label="x.gpkg")
    layer = B.BasinLayer.from_frame(frame, fields={"id": "BASIN", "next_down": "DOWN", "sub_area": "AREA_KM2", "up_area": "UPAREA", "pfaf": "CODE"})
    b = B.boundary_from_basins(layer, outlet=centre(2))
    assert b.area_ha == pytest.approx(sum_ha(UPSTREAM[2]), rel=1e-4)
    assert b.checks[0].status == "ok"
    lower = basin_frame(fields=("hybas_id", "next_down", "sub_area", "up_area", "pfaf_id"))
    assert B.BasinLayer.from_frame(lower).fields["id"] == "hybas_id"


def test_projected_layer(layer):
    frame = basin_frame().to_crs(32632)
    utm = B.BasinLayer.from_frame(frame, label="utm.gpkg")
    b = B.boundary_from_basins(utm, outlet=centre(1))
    assert b.area_ha == pytest.approx(sum_ha(UPSTREAM[1]), rel=1e-3)
    assert b.details["n_units"] == 7


# --- dissolve ---------------------------------------------------------------------------------

def test_dissolve_handles_t_junctions():
    geoms = np.array([UNITS[i][0] for i in UPSTREAM[1]])
    assert not shapely.coverage_is_valid(geoms)
    naive = shapely.coverage_union_all(geoms)  # the reason for noding: T-junctions leave the rows unmerged
    assert not naive.is_valid or naive.geom_type != "Polygon"
    noded, inserted = coverage.node_coverage(geoms)
    assert inserted > 0 and shapely.coverage_is_valid(noded)
    merged = coverage.dissolve(geoms)
    assert merged.geom_type == "Polygon" and len(merged.interiors) == 0
    assert merged.area == pytest.approx(shapely.area(geoms).sum(), rel=1e-12)
    assert shapely.equals(merged, box(0, 0, .3, .3))


def test_dissolve_keeps_real_holes_only():
    ring = [box(x, y, x + .1, y + .1) for x in (0, .1, .2) for y in (0, .1, .2) if (x, y) != (.1, .1)]
    ring[0] = box(0, 0, .1, .05)
    ring.append(box(0, .05, .1, .1))  # a T-junction on the way
    merged = coverage.dissolve(ring)
    assert len(merged.interiors) == 1
    assert shapely.Polygon(merged.interiors[0]).equals(box(.1, .1, .2, .2))
    assert merged.area == pytest.approx(sum(g.area for g in ring), rel=1e-12)


def test_dissolve_fills_a_hole_with_its_unit_and_handles_multiparts():
    ring = [box(x, y, x + .1, y + .1) for x in (0, .1, .2) for y in (0, .1, .2) if (x, y) != (.1, .1)]
    # the middle cell holds two units of two parts each, touching at corners only
    inner1 = shapely.MultiPolygon([box(.1, .1, .15, .15), box(.15, .15, .2, .2)])
    inner2 = shapely.MultiPolygon([box(.15, .1, .2, .15), box(.1, .15, .15, .2)])
    geoms = ring + [inner1, inner2]
    assert coverage.node_coverage(geoms)[1] == 4
    merged = coverage.dissolve(geoms)
    assert merged.geom_type == "Polygon" and len(merged.interiors) == 0
    assert merged.equals(box(0, 0, .3, .3))


def test_dissolve_overlapping_or_invalid_units_fall_back_to_union():
    merged = coverage.dissolve([shapely.box(0, 0, 2, 1), shapely.box(1, 0, 3, 1)])
    assert merged.area == pytest.approx(3.0)
    bowtie = shapely.Polygon([(3, 0), (4, 1), (4, 0), (3, 1)])  # invalid: repaired, its parts kept
    merged = coverage.dissolve([shapely.box(2, 0, 3, 1), bowtie])
    assert merged.area == pytest.approx(1.5) and merged.is_valid


def grid_coverage(n=30, k=60, seed=0):
    """Raster-like units (polygonized labels): T-junctions everywhere."""
    import rasterio.features
    from rasterio.transform import from_origin

    rng = np.random.default_rng(seed)
    seeds = rng.uniform(0, n, (k, 2))
    yy, xx = np.mgrid[0:n, 0:n] + 0.5
    lab = np.argmin((yy[..., None] - seeds[:, 0]) ** 2 + (xx[..., None] - seeds[:, 1]) ** 2, axis=-1).astype("int32")
    tr = from_origin(LON0, LAT0, 0.01, 0.01)
    return np.array([shapely.geometry.shape(g) for g, _ in rasterio.features.shapes(lab, transform=tr)])


@given(st.integers(0, 10_000), st.integers(5, 40))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_dissolve_is_gap_free_on_raster_units(seed, k):
    geoms = grid_coverage(k=k, seed=seed)
    merged = coverage.dissolve(geoms)
    assert merged.is_valid
    assert merged.area == pytest.approx(shapely.area(geoms).sum(), rel=1e-9)
    assert merged.geom_type == "Polygon" and len(merged.interiors) == 0
    assert merged.equals(shapely.box(LON0, LAT0 - 0.3, LON0 + 0.3, LAT0))


@given(forests(max_n=14))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_upstream_area_is_sum_of_sub_area(forest):
    """Boxes in a row, drainage random: boundary area = Σ SUB_AREA of the brute-force upstream set."""
    (ids, nd, parent), _ = forest
    n = len(ids)
    geoms = [box(0.05 * i, 0, 0.05 * (i + 1), 0.05) for i in range(n)]
    sub_km2 = np.array([geod_ha(g) / 100 for g in geoms])
    frame = gpd.GeoDataFrame({"HYBAS_ID": ids, "NEXT_DOWN": nd, "SUB_AREA": sub_km2}, geometry=geoms, crs=4326)
    layer = B.BasinLayer.from_frame(frame)
    for u in {0, n // 2, n - 1}:
        b = B.boundary_from_basins(layer, candidate=int(ids[u]))
        expected = brute_upstream(parent, u)
        assert b.area_ha == pytest.approx(sub_km2[list(expected)].sum() * 100, rel=1e-4)
        assert b.details["n_units"] == len(expected)


# --- suggest ----------------------------------------------------------------------------------

def test_suggest_above_descends_to_tributaries(layer):
    # catchments (by hand, in boxes of 0.1°): 1 → 9 boxes, 2 → 4 boxes, 4 → 3.5, 5 → 2.5
    box_ha = geod_ha(box(0, 0, .1, .1))
    s = B.suggest(layer, centre(1), min_ha=2.2 * box_ha, max_ha=3.8 * box_ha)
    assert s.unit_id == 1 and s.verdict == "above"
    assert [c.id for c in s.candidates] == [4, 5]
    c4, c5 = s.candidates
    assert c4.n_units == 3 and c5.n_units == 2
    assert c4.area_ha == pytest.approx(sum_ha(UPSTREAM[4]), rel=1e-4)
    assert c5.area_ha == pytest.approx(sum_ha(UPSTREAM[5]), rel=1e-4)
    assert {c.verdict for c in s.candidates} == {"within"} and {c.relation for c in s.candidates} == {"tributary"}


def test_suggest_above_with_no_fitting_tributary(layer):
    box_ha = geod_ha(box(0, 0, .1, .1))
    s = B.suggest(layer, centre(1), min_ha=4.5 * box_ha, max_ha=8 * box_ha)  # 1: 9 boxes; 2: 4; 4: 3.5
    assert [(c.id, c.relation, c.verdict) for c in s.candidates] == [(1, "start", "above"), (2, "tributary", "below"), (4, "tributary", "below")]
    assert "no tributary catchment fits" in s.note


def test_suggest_below_goes_downstream(layer):
    box_ha = geod_ha(box(0, 0, .1, .1))
    s = B.suggest(layer, centre(9), min_ha=2 * box_ha, max_ha=3 * box_ha)
    assert s.verdict == "below"
    assert [(c.id, c.relation, c.verdict) for c in s.candidates] == [(5, "downstream", "within")]
    s = B.suggest(layer, centre(9), min_ha=2 * box_ha, max_ha=10 * box_ha)
    assert [c.id for c in s.candidates] == [5, 2, 1]


def test_suggest_within_and_no_fit(layer):
    box_ha = geod_ha(box(0, 0, .1, .1))
    s = B.suggest(layer, centre(5), min_ha=2 * box_ha, max_ha=3 * box_ha)
    assert [(c.id, c.relation) for c in s.candidates] == [(5, "start")]
    # 7 (1 box) drains to 4 (3.5 boxes): nothing between 1.5 and 3 boxes downstream
    s = B.suggest(layer, centre(7), min_ha=1.5 * box_ha, max_ha=3 * box_ha)
    assert [(c.id, c.verdict) for c in s.candidates] == [(7, "below"), (4, "above")]
    assert "no downstream catchment fits" in s.note
    frame = s.to_frame()
    assert list(frame["id"]) == [7, 4] and frame.crs.to_epsg() == 4326


# --- files, recipe and CLI --------------------------------------------------------------------

def write_layer(tmp_path: Path, frame=None, name="basins.gpkg") -> Path:
    path = tmp_path / name
    (basin_frame() if frame is None else frame).to_file(path, driver="GPKG")
    return path


def test_read_basins_from_file(tmp_path):
    path = write_layer(tmp_path)
    layer = B.read_basins(path)
    assert layer.label == "basins.gpkg" and len(layer) == len(UNITS)


def test_next_down_out_of_the_layer_is_an_outlet_of_it():
    """A clipped table: NEXT_DOWN to an id not in it means the unit drains out of the layer."""
    t = BasinTable.from_arrays(np.array([1, 2, 3, 4]), np.array([0, 1, 7, 3]), source="clip.gpkg")
    assert list(t.ids[t.drains_out]) == [3]
    assert sorted(t.ids[t.upstream(int(t.positions([3])[0]))]) == [3, 4]  # traced without the missing unit 7
    assert t.root(int(t.positions([4])[0])) == int(t.positions([3])[0])
    assert t.drains_out_text() == "3 → 7"


def test_clipped_table_file_is_read_with_a_named_note(tmp_path):
    frame = basin_frame()
    frame.loc[frame["HYBAS_ID"] == 9, "NEXT_DOWN"] = 99
    path = write_layer(tmp_path, frame, "clip.gpkg")
    with pytest.warns(DataWarning, match=r"clip.gpkg: 1 unit drains to units that are not in the layer \(NEXT_DOWN 9 → 99\)"):
        layer = B.read_basins(path)
    assert list(layer.table.ids[layer.table.drains_out]) == [9]
    b = B.boundary_from_basins(layer, candidate=9)
    assert b.details["drains_out_of_layer"] == [9]


def write_recipe(tmp_path: Path, boundary: str) -> Path:
    recipe = tmp_path / "wshed.toml"
    recipe.write_text(f'[landscape]\nname = "Test watershed"\n\n[boundary]\nmethod = "basins"\npath = "basins.gpkg"\n{boundary}\n', encoding="utf-8")
    return recipe


@pytest.mark.parametrize(
    ("boundary", "expected"),
    [
        (f"outlet = [{LON0 + 0.05}, {LAT0 + 0.05}]", UPSTREAM[1]),
        ("candidate = 4", UPSTREAM[4]),
        ("hybas_ids = [31, 32]", {31, 32}),
        ('pfaf_prefix = "21"', {21, 22, 23}),
        ('candidate = 2\nfields = { id = "BASIN" }', None),
    ],
)
def test_recipe(tmp_path, boundary, expected):
    from landgeo.delineate import METHODS, delineate
    from landgeo.recipe.parse import read_recipe

    write_layer(tmp_path)
    recipe = read_recipe(write_recipe(tmp_path, boundary))
    assert METHODS["basins"] is B.boundary_from_recipe
    if expected is None:
        with pytest.raises(FieldError, match="basins.gpkg: no field 'BASIN' for the basin role id"):
            delineate(recipe)
        return
    b = delineate(recipe)
    assert b.method == "basins"
    assert b.area_ha == pytest.approx(sum_ha(expected), rel=1e-4)
    assert b.sources[0].layer == "basins.gpkg" and b.sources[0].features == len(expected)


def test_recipe_rejects_two_selections(tmp_path):
    from landgeo.delineate import delineate
    from landgeo.errors import RecipeError
    from landgeo.recipe.parse import read_recipe

    write_layer(tmp_path)
    recipe = read_recipe(write_recipe(tmp_path, "candidate = 4\nhybas_ids = [1]"))
    with pytest.raises(RecipeError, match="exactly one of outlet, candidate"):
        delineate(recipe)


def test_recipe_without_layer_path(tmp_path):
    from landgeo.delineate import delineate
    from landgeo.errors import RecipeError
    from landgeo.recipe.parse import read_recipe

    recipe = tmp_path / "nolayer.toml"
    recipe.write_text('[landscape]\nname = "x"\n[boundary]\nmethod = "basins"\ncandidate = 4\n', encoding="utf-8")
    with pytest.raises(RecipeError, match='needs path = "…", the basin layer'):
        delineate(read_recipe(recipe))


def run_cli(*args):
    from landgeo.cli.main import main

    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_cli_suggest_table_json_and_layer(tmp_path):
    path = write_layer(tmp_path)
    box_ha = geod_ha(box(0, 0, .1, .1))
    lo, hi = 2.2 * box_ha, 3.8 * box_ha
    point = f"{LON0 + 0.05},{LAT0 + 0.05}"
    res = run_cli("basins", "suggest", path, "--point", point, "--min-ha", lo, "--max-ha", hi)
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert "the point is in unit 1" in lines[0] and "above" in lines[0]
    assert [ln.split()[0] for ln in lines[2:4]] == ["4", "5"]
    assert "candidate = 4" in lines[-1]
    out = tmp_path / "cands.gpkg"
    res = run_cli("basins", "suggest", path, "--point", point, "--min-ha", lo, "--max-ha", hi, "--json", "-o", out)
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [c["id"] for c in data["candidates"]] == [4, 5]
    assert data["candidates"][0]["area_ha"] == pytest.approx(sum_ha(UPSTREAM[4]), rel=1e-4)
    written = gpd.read_file(out)
    assert list(written["id"]) == [4, 5] and written.crs.to_epsg() == 4326
    assert geod_ha(written.geometry.iloc[1]) == pytest.approx(sum_ha(UPSTREAM[5]), rel=1e-4)
    res = run_cli("basins", "suggest", path, "--point", point, "-o", out)
    assert res.exit_code == 2 and "exists" in res.stderr and "--overwrite" in res.stderr


@pytest.mark.parametrize(
    ("mutate", "words"),
    [
        (lambda f: f.assign(NEXT_DOWN=np.where(f["HYBAS_ID"] == 1, 9, f["NEXT_DOWN"])), ["cycle", "1 → 9 → 5 → 2 → 1"]),
        (lambda f: f.assign(HYBAS_ID=np.where(f["HYBAS_ID"] == 32, 31, f["HYBAS_ID"])), ["duplicate unit ids 31"]),
        (lambda f: f.drop(columns=["NEXT_DOWN"]), ["no field 'NEXT_DOWN'", "fields ="]),
    ],
)
def test_cli_bad_tables_exit_2(tmp_path, mutate, words):
    path = write_layer(tmp_path, mutate(basin_frame()), "bad.gpkg")
    res = run_cli("basins", "suggest", path, "--point", f"{LON0 + 0.05},{LAT0 + 0.05}")
    assert res.exit_code == 2
    assert res.stderr.startswith("landgeo: error: ") and "bad.gpkg" in res.stderr and "Traceback" not in res.stderr
    for w in words:
        assert w in res.stderr


def test_cli_custom_fields(tmp_path):
    frame = basin_frame(fields=("BASIN", "DOWN", "AREA_KM2", "UPAREA", "CODE"))
    path = write_layer(tmp_path, frame, "custom.gpkg")
    point = f"{LON0 + 0.25},{LAT0 + 0.25}"  # unit 9, alone below the band
    box_ha = geod_ha(box(0, 0, .1, .1))
    args = ["basins", "suggest", path, "--point", point, "--min-ha", 2 * box_ha, "--max-ha", 3 * box_ha, "--json"]
    res = run_cli(*args)
    assert res.exit_code == 2 and "no field 'HYBAS_ID'" in res.stderr
    res = run_cli(*args, "--field", "id=BASIN", "--field", "next_down=DOWN")
    assert res.exit_code == 0, res.output
    assert [c["id"] for c in json.loads(res.stdout)["candidates"]] == [5]
    res = run_cli(*args, "--field", "id")
    assert res.exit_code == 2 and "ROLE=NAME" in res.stderr


def test_cli_bad_point_and_far_point(tmp_path):
    path = write_layer(tmp_path)
    res = run_cli("basins", "suggest", path, "--point", "5.05")
    assert res.exit_code == 2 and "LON,LAT" in res.stderr
    res = run_cli("basins", "suggest", path, "--point", f"{LON0 - 1},{LAT0}")
    assert res.exit_code == 2 and "beyond snap_m = 1,000 m" in res.stderr


DEMO_BASINS = Path(__file__).resolve().parents[1] / "layers" / "demo" / "basins.gpkg"


@pytest.mark.skipif(not DEMO_BASINS.exists(), reason="layers/demo/basins.gpkg not built yet (scripts/make_demo_layers.py)")
def test_cli_suggest_on_demo_basins(tmp_path):
    frame = gpd.read_file(DEMO_BASINS)
    layer = B.BasinLayer.from_frame(frame, label="basins.gpkg")
    # the point: inside the unit whose catchment is largest (the demo watershed's outlet unit)
    unit_ha = np.array([geod_ha(g) for g in frame.to_crs(4326).geometry])
    areas = layer.table.upstream_totals(unit_ha)
    outlet = int(np.argmax(areas))
    p = layer.to_wgs84(layer.geoms[outlet]).representative_point()
    res = run_cli("basins", "suggest", DEMO_BASINS, "--point", f"{p.x},{p.y}", "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["unit_id"] == int(layer.table.ids[outlet])
    assert data["area_ha"] == pytest.approx(areas[outlet], rel=1e-6)
    assert data["candidates"], data
    b = B.boundary_from_basins(layer, candidate=int(layer.table.ids[outlet]))
    assert b.area_ha == pytest.approx(areas[outlet], rel=1e-6)
    assert b.checks[0].status == "ok", b.checks[0].message  # the built layer's SUB_AREA/UP_AREA agree with its polygons


def test_profile_carries_the_consistency_check(tmp_path):
    from landgeo.app.pipeline import build_profile
    from landgeo.recipe.parse import read_recipe

    write_layer(tmp_path)
    result = build_profile(read_recipe(write_recipe(tmp_path, f"outlet = [{LON0 + 0.05}, {LAT0 + 0.05}]")))
    profile = json.loads(json.dumps(result.profile))
    assert profile["boundary"]["method"] == "basins"
    assert profile["boundary"]["details"]["unit_ids"] == sorted(UPSTREAM[1])
    (check,) = [c for c in profile["checks"] if c["id"] == "basin_consistency"]
    assert check["status"] == "ok"
    assert check["value"]["sum_sub_area_ha"] == pytest.approx(sum_ha(UPSTREAM[1]), rel=1e-5)
