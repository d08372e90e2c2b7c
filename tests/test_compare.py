"""Tests of landgeo.compare: properties, brute force, real Natural Earth units, outputs, CLI.

Independent references: areas with ``pyproj.Geod.geometry_area_perimeter`` on
shapely overlays made here; best fits by enumerating every subset; distances
with ``pyproj.Geod.inv``.
"""

from __future__ import annotations

import itertools
import json
import logging
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import Geod

from landgeo.boundary import Boundary
from landgeo.comparison.best_fit import best_prefix, iou_of_set
from landgeo.comparison.inputs import load_boundary
from landgeo.comparison.metrics import alignment, hausdorff, pair_metrics
from landgeo.comparison.result import Comparison, compare
from landgeo.errors import FieldError, OutputExistsError, UsageError
from landgeo.geo.overlay import SLIVER_SHARE

from .conftest import SHARED_DATA
from .reference import gd

GEOD = Geod(ellps="WGS84")
DATA = SHARED_DATA
NE = DATA / "admin_naturalearth_10m" / "ne10m_admin1_admin0.gpkg"


def geod_ha(geom) -> float:
    """Independent geodesic area (ha): pyproj on oriented polygons (every edge a geodesic, landgeo's one rule)."""
    if geom is None or geom.is_empty:
        return 0.0
    geom = shapely.orient_polygons(geom, exterior_cw=False)
    total = 0.0
    for part in shapely.get_parts(geom):
        if part.geom_type in ("Polygon", "MultiPolygon"):
            total += abs(GEOD.geometry_area_perimeter(part)[0])
    return total / 10_000.0


# Reference overlays: the inputs are densified along their geodesic edges first (Geod.npts, tests/reference.py),
# so that the straight lon/lat overlay follows the edges the areas are measured on.
STEP_M = 500.0


def g_inter(a, b):
    return shapely.intersection(gd(a, STEP_M), gd(b, STEP_M))


def g_union(a, b):
    return shapely.union(gd(a, STEP_M), gd(b, STEP_M))


def g_diff(a, b):
    return shapely.difference(gd(a, STEP_M), gd(b, STEP_M))


# --------------------------------------------------------------------------- strategies

# Coordinates rounded to 1e-6° (~0.1 m) like real layers: subnormal floats such as 2.2e-308 make
# GEOS overlays of the raw reference geometries misbehave, which says nothing about landgeo.
coord = st.floats(min_value=-20, max_value=20, allow_nan=False).map(lambda v: round(v, 6))
size = st.floats(min_value=0.01, max_value=1.5, allow_nan=False).map(lambda v: round(v, 6))


@st.composite
def polygons(draw):
    """A box or the convex hull of 3..8 random points (lon/lat, tropics)."""
    x0, y0 = draw(coord), draw(coord)
    if draw(st.booleans()):
        return shapely.box(x0, y0, x0 + draw(size), y0 + draw(size))
    n = draw(st.integers(3, 8))
    pts = [(x0 + draw(size), y0 + draw(size)) for _ in range(n)]
    hull = shapely.MultiPoint(pts).convex_hull
    if hull.geom_type != "Polygon" or hull.area < 1e-4:
        return shapely.box(x0, y0, x0 + 0.5, y0 + 0.5)
    return hull


FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- properties


@FAST
@given(polygons(), polygons())
def test_iou_symmetric_and_bounded(a, b):
    ab, ba = pair_metrics(a, b), pair_metrics(b, a)
    assert 0.0 <= ab.iou <= 1.0
    assert ab.iou == pytest.approx(ba.iou, rel=1e-9, abs=1e-12)
    assert ab.share_a_in_b == pytest.approx(ba.share_b_in_a, rel=1e-9, abs=1e-12)
    assert ab.hausdorff.km == pytest.approx(ba.hausdorff.km, rel=0.02, abs=ab.hausdorff.step_m / 1000)


@FAST
@given(polygons())
def test_identical_gives_one_and_aligned(a):
    m = pair_metrics(a, shapely.Polygon(a.exterior.coords))
    assert m.iou == pytest.approx(1.0, abs=1e-12)
    assert m.alignment.aligned and m.alignment.direction == "none"
    assert m.hausdorff.km == pytest.approx(0.0, abs=1e-6)


@FAST
@given(polygons(), st.floats(min_value=0.01, max_value=5))
def test_disjoint_gives_zero(a, gap):
    minx, _, maxx, _ = a.bounds
    b = shapely.affinity.translate(a, xoff=(maxx - minx) + gap)
    m = pair_metrics(a, b)
    assert m.iou == 0.0 and m.intersection_ha == 0.0
    assert not m.alignment.aligned
    assert m.alignment.share_of_a == pytest.approx(1 + m.area_b_ha / m.area_a_ha, rel=1e-9)


@FAST
@given(polygons(), polygons())
def test_pieces_add_up(a, b):
    m = pair_metrics(a, b)
    assert m.only_a_ha + m.intersection_ha == pytest.approx(m.area_a_ha, rel=1e-7, abs=1e-6)
    assert m.only_b_ha + m.intersection_ha == pytest.approx(m.area_b_ha, rel=1e-7, abs=1e-6)
    # independent overlay (geod_ha densifies like the documented convention) ...
    assert m.union_ha == pytest.approx(geod_ha(g_union(a, b)), rel=1e-7, abs=1e-6)
    assert m.intersection_ha == pytest.approx(geod_ha(g_inter(a, b)), rel=1e-7, abs=1e-6)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0.0, 1.0), st.floats(0.1, 100.0)), min_size=1, max_size=9),
    st.floats(1.0, 300.0),
)
def test_best_prefix_equals_brute_force_numbers(units, a):
    u = np.array([uu for _, uu in units])
    x = np.array([f * uu for f, uu in units])
    x = np.minimum(x, a * x / max(x.sum(), 1e-12))  # the units' overlaps with A cannot exceed A together
    idx, iou = best_prefix(x, u, a)
    brute = max(iou_of_set(x[list(s)], u[list(s)], a) for k in range(len(u) + 1) for s in itertools.combinations(range(len(u)), k))
    assert iou == pytest.approx(brute, rel=1e-12, abs=1e-15)
    assert iou_of_set(x[idx], u[idx], a) == pytest.approx(iou, rel=1e-12)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(2, 3), st.just(2), polygons(), st.data())
def test_best_fit_equals_geometric_brute_force(nx, ny, a, data):
    """Units: a random grid of cells around A; brute force: every subset, shapely unions, pyproj areas."""
    minx, miny, maxx, maxy = a.bounds
    xs = sorted({minx - 0.2, maxx + 0.2, *[round(data.draw(st.floats(minx, maxx)), 6) for _ in range(nx - 1)]})
    ys = sorted({miny - 0.2, maxy + 0.2, *[round(data.draw(st.floats(miny, maxy)), 6) for _ in range(ny - 1)]})
    cells = [shapely.box(x0, y0, x1, y1) for x0, x1 in zip(xs, xs[1:]) for y0, y1 in zip(ys, ys[1:]) if x1 - x0 > 1e-3 and y1 - y0 > 1e-3]
    units = gpd.GeoDataFrame({"name": [f"u{i}" for i in range(len(cells))]}, geometry=cells, crs=4326)
    c = compare(a, units=units, field="name")
    assert c.units.exact and not c.units.overlaps.found
    a_ha = geod_ha(a)

    def iou(subset):
        if not subset:
            return 0.0
        un = shapely.union_all([gd(cells[i], STEP_M) for i in subset])
        inter = geod_ha(g_inter(a, un))
        return inter / (a_ha + geod_ha(un) - inter)

    brute = max(iou(s) for k in range(len(cells) + 1) for s in itertools.combinations(range(len(cells)), k))
    chosen = [int(n[1:]) for n in c.units.best_fit]
    assert iou(chosen) == pytest.approx(brute, rel=1e-6)
    # compare densifies edges to 0.01° before overlaying (documented); on a thin A with long
    # undensified edges that moves IoU by a few 1e-6
    assert c.units.metrics.iou == pytest.approx(brute, rel=1e-5)


# --------------------------------------------------------------------------- hand-checked numbers


def test_hausdorff_against_geod():
    a, b = shapely.box(0, 0, 1, 1), shapely.box(0, 0, 1.1, 1)
    h = hausdorff(a, b)
    # the farthest point of B's outline from A is a corner on x = 1.1 at the equator; its nearest point of A is (1, 0)
    _, _, d = GEOD.inv(1.0, 0.0, 1.1, 0.0)
    assert h.km == pytest.approx(d / 1000, rel=1e-6)
    assert h.direction == "b_to_a"


def test_alignment_rule_and_direction():
    al = alignment(1000.0, 80.0, 19.0)
    assert al.aligned and al.direction == "a_beyond_b"
    al = alignment(1000.0, 60.0, 41.0)
    assert not al.aligned
    assert alignment(1000.0, 10.0, 90.0).direction == "b_beyond_a"
    assert alignment(1000.0, 50.0, 50.0).direction == "both"
    assert "10 %" in al.rule and "symmetric difference" in al.rule


def test_best_prefix_degenerate():
    idx, iou = best_prefix([0.0, 0.0], [10.0, 20.0], 5.0)
    assert idx.size == 0 and iou == 0.0
    # a unit equal to A: IoU 1
    idx, iou = best_prefix([5.0, 0.1], [5.0, 30.0], 5.0)
    assert idx.tolist() == [0] and iou == pytest.approx(1.0)


# --------------------------------------------------------------------------- bad inputs


def test_different_crs_transformed_and_logged(caplog):
    a = gpd.GeoDataFrame(geometry=[shapely.box(32.0, 0.5, 32.5, 1.0)], crs=4326)
    b = a.to_crs(32636)  # UTM 36N
    with caplog.at_level(logging.INFO, logger="landgeo.comparison"):
        c = compare(a, b)
    assert any("EPSG:32636" in r.getMessage() and "transformed" in r.getMessage() for r in caplog.records)
    assert any("EPSG:32636" in n for n in c.notes)
    assert c.pair.iou > 0.9999
    assert c.pair.alignment.aligned


def test_units_not_touched():
    a = shapely.box(30, 0, 30.5, 0.5)
    units = gpd.GeoDataFrame({"name": ["x", "y"]}, geometry=[shapely.box(10, 10, 11, 11), shapely.box(11, 10, 12, 11)], crs=4326)
    c = compare(a, units=units, field="name")
    assert c.units.touched == 0 and c.units.best_fit == ()
    assert c.units.metrics is None
    assert c.best_fit_boundary() is None and c.hybrid_boundary() is None
    assert any("does not overlap any" in n and "IoU is 0" in n for n in c.notes)
    d = c.to_dict()
    assert d["units"]["table"] == [] and d["units"]["best_fit"]["units"] == []
    json.dumps(d)


def test_overlapping_units_detected():
    a = shapely.box(0, 0, 1, 1)
    units = gpd.GeoDataFrame(
        {"name": ["west", "east", "middle"]},
        geometry=[shapely.box(-0.1, -0.1, 0.6, 1.1), shapely.box(0.5, -0.1, 1.1, 1.1), shapely.box(0.3, 0.2, 0.8, 0.8)],
        crs=4326,
    )
    c = compare(a, units=units, field="name")
    ov = c.units.overlaps
    assert ov.found and not c.units.exact
    assert {frozenset(p[:2]) for p in ov.pairs} == {frozenset(p) for p in [("west", "east"), ("west", "middle"), ("east", "middle")]}
    assert any("overlap each other" in n and "heuristic" in n for n in c.notes)
    assert "heuristic" in c.best_fit_boundary().definition
    # the heuristic still reports the true IoU of what it chose
    un = shapely.union_all([gd(units.geometry[units.name == n].iloc[0], STEP_M) for n in c.units.best_fit])
    inter = geod_ha(g_inter(a, un))
    assert c.units.metrics.iou == pytest.approx(inter / (geod_ha(a) + geod_ha(un) - inter), rel=1e-7)


def test_missing_field_and_missing_second_input():
    a = shapely.box(0, 0, 1, 1)
    units = gpd.GeoDataFrame({"nom": ["x"]}, geometry=[a], crs=4326)
    with pytest.raises(FieldError, match="no field 'name'.*nom"):
        compare(a, units=units, field="name")
    with pytest.raises(UsageError, match="needs B or --units"):
        compare(a)
    with pytest.raises(UsageError, match="--field"):
        compare(a, units=units)


def test_boundaries_from_best_fit_and_hybrid():
    a = shapely.box(0, 0, 1, 1)
    cells = [shapely.box(x, y, x + 0.5, y + 0.5) for x in (-0.5, 0, 0.5, 1.0) for y in (-0.5, 0, 0.5, 1.0)]
    units = gpd.GeoDataFrame({"name": [f"c{i}" for i in range(len(cells))]}, geometry=cells, crs=4326)
    c = compare(shapely.affinity.translate(a, 0.05, 0.05), units=units, field="name")
    bf, hy = c.best_fit_boundary(lang="fr"), c.hybrid_boundary()
    assert isinstance(bf, Boundary) and isinstance(hy, Boundary)
    assert sorted(c.units.best_fit) == ["c10", "c5", "c6", "c9"]
    assert bf.method == "best_fit" and bf.definition.startswith("Union de 4 unités entières")
    assert bf.definition_text.render("en").startswith("Union of 4 whole units")  # the definition kept as data
    assert bf.definition_text.render("es").startswith("Unión de 4 unidades completas")
    four = shapely.union_all([gd(cells[i], STEP_M) for i in (5, 6, 9, 10)])  # each cell's edges are geodesics
    assert hy.area_ha == pytest.approx(geod_ha(shapely.intersection(gd(shapely.affinity.translate(a, 0.05, 0.05), STEP_M), four)), rel=1e-7)
    assert bf.checks[0].id == "alignment"
    frame = c.to_frame().set_index("role")
    assert list(frame.index) == ["a", "best_fit", "hybrid", "only_a", "only_best_fit"]
    assert frame.crs.to_epsg() == 4326
    assert frame.loc["only_a", "area_ha"] + frame.loc["hybrid", "area_ha"] == pytest.approx(frame.loc["a", "area_ha"], rel=1e-9)
    assert frame.loc["only_best_fit", "area_ha"] + frame.loc["hybrid", "area_ha"] == pytest.approx(frame.loc["best_fit", "area_ha"], rel=1e-9)


# --------------------------------------------------------------------------- real data


realdata = pytest.mark.realdata
need_ne = pytest.mark.skipif(not NE.exists(), reason=f"Natural Earth admin layer not found at {NE}")


def _uganda():
    from landgeo.io.vector import read_vector

    return read_vector(NE, layer="admin1", where="adm0_a3 = 'UGA'")


def _disc(lon, lat, km):
    """A geodesic-ish disc: a buffer in a local azimuthal equidistant CRS, back in EPSG:4326."""
    aeqd = f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m"
    return gpd.GeoSeries([shapely.Point(0, 0).buffer(km * 1000, 64)], crs=aeqd).to_crs(4326).iloc[0]


@realdata
@need_ne
def test_uganda_districts_against_region_buffer():
    units = _uganda()
    a = _disc(32.58, 0.32, 60)  # a ~1.1 Mha region around Kampala
    c = compare(a, units=units, field="name")
    u = c.units
    assert u.count == 112 and not u.overlaps.found and u.exact
    a_ha = geod_ha(a)
    assert c.units.metrics.area_a_ha == pytest.approx(a_ha, rel=1e-7)
    # per-unit table against shapely + pyproj, unit by unit
    expected = {}
    for name, geom in zip(units["name"], units.geometry):
        inter = geod_ha(g_inter(geom, a))
        if inter > 0:
            expected[name] = (geod_ha(geom), inter)
    assert set(u.table["unit"]) == set(expected)
    assert {"Kampala", "Wakiso", "Mukono"} <= set(expected)
    for row in u.table.itertuples():
        area, inter = expected[row.unit]
        assert row.area_ha == pytest.approx(area, rel=1e-7)
        assert row.share_of_a == pytest.approx(inter / a_ha, rel=1e-6, abs=1e-9)
        assert row.share_of_unit == pytest.approx(inter / area, rel=1e-6, abs=1e-9)
    assert u.table["share_of_a"].sum() == pytest.approx(sum(i for _, i in expected.values()) / a_ha, rel=1e-7)
    assert u.spanned == sum(1 for _, i in expected.values() if i / a_ha >= SLIVER_SHARE)  # the spanned rule (share of A)
    # Kampala district lies entirely inside the disc
    assert u.table.set_index("unit").loc["Kampala", "share_of_unit"] == pytest.approx(1.0, abs=1e-9)

    # the best fit: its IoU (recomputed independently) beats every one-unit change of the set
    geoms = dict(zip(units["name"], units.geometry))

    def iou(names):
        un = shapely.union_all([gd(geoms[n], STEP_M) for n in names])
        inter = geod_ha(g_inter(a, un))
        return inter / (a_ha + geod_ha(un) - inter)

    best = set(u.best_fit)
    best_iou = iou(best)
    assert u.metrics.iou == pytest.approx(best_iou, rel=1e-6)
    for name in expected:
        flipped = best ^ {name}
        if flipped:
            assert iou(flipped) <= best_iou + 1e-9
    # hybrid = A ∩ best fit
    assert geod_ha(c.units.hybrid_geometry) == pytest.approx(geod_ha(g_inter(a, shapely.union_all([gd(geoms[n], STEP_M) for n in best]))), rel=1e-6)


@realdata
@need_ne
def test_uganda_pair_against_three_districts_in_utm():
    units = _uganda()
    b = units[units["name"].isin(["Kampala", "Wakiso", "Mukono"])].to_crs(32636)
    a = _disc(32.58, 0.32, 60)
    c = compare(a, b)
    b_ll = shapely.union_all(units[units["name"].isin(["Kampala", "Wakiso", "Mukono"])].geometry.values)
    # UTM round trip moves vertices by micrometres: compare with the EPSG:4326 originals
    inter = geod_ha(g_inter(a, b_ll))
    assert c.pair.area_b_ha == pytest.approx(geod_ha(b_ll), rel=1e-6)
    assert c.pair.intersection_ha == pytest.approx(inter, rel=1e-6)
    assert c.pair.iou == pytest.approx(inter / geod_ha(g_union(a, b_ll)), rel=1e-6)
    assert c.pair.alignment.direction == "a_beyond_b" and not c.pair.alignment.aligned
    # Hausdorff: the outline of B farthest from A's outline, checked by brute force over B's vertices (geodesic)
    ring = np.asarray(shapely.get_coordinates(a.boundary))
    far = 0.0
    for lon, lat in shapely.get_coordinates(shapely.segmentize(b_ll.boundary, 0.005))[::7]:
        _, _, d = GEOD.inv(np.full(len(ring), lon), np.full(len(ring), lat), ring[:, 0], ring[:, 1])
        far = max(far, d.min())
    assert c.pair.hausdorff.km >= far / 1000 * 0.99
    assert c.pair.hausdorff.km == pytest.approx(far / 1000, rel=0.03)


# --------------------------------------------------------------------------- recipes can use the outputs


def test_load_boundary_file_layer(tmp_path):
    gdf = gpd.GeoDataFrame({"method": ["best_fit"], "definition": ["Union of two districts."]}, geometry=[shapely.box(0, 0, 1, 1)], crs=4326)
    path = tmp_path / "c.gpkg"
    gdf.to_file(path, layer="best_fit")
    gdf.to_file(path, layer="other")
    b, label = load_boundary(f"{path}:best_fit")
    assert b.method == "best_fit" and b.definition == "Union of two districts." and label == "c.gpkg:best_fit"


# --------------------------------------------------------------------------- outputs and command line


def _grid_units(tmp_path, crs=4326):
    """Four 0.5° districts around the equator, written to a GeoPackage (layer 'districts')."""
    cells = {f"D{i}{j}": shapely.box(30 + 0.5 * i, 0.5 * j, 30.5 + 0.5 * i, 0.5 + 0.5 * j) for i in range(2) for j in range(2)}
    gdf = gpd.GeoDataFrame({"district": list(cells), "code": range(4)}, geometry=list(cells.values()), crs=4326).to_crs(crs)
    path = tmp_path / "admin.gpkg"
    gdf.to_file(path, layer="districts")
    gdf.iloc[:1].to_file(path, layer="country")
    return path, cells


def test_api_is_callable_module():
    import landgeo

    c = landgeo.compare(shapely.box(0, 0, 1, 1), shapely.box(0, 0, 1, 1.05))
    assert isinstance(c, Comparison)
    assert c.pair.iou == pytest.approx(geod_ha(shapely.box(0, 0, 1, 1)) / geod_ha(shapely.box(0, 0, 1, 1.05)), rel=1e-9)
    assert c.pair.alignment.aligned and c.pair.alignment.direction == "b_beyond_a"


def test_write_comparison_files_and_recipe_reuse(tmp_path):
    from landgeo.app.compare import write_comparison
    from landgeo.delineate import delineate
    from landgeo.recipe.parse import read_recipe

    _, cells = _grid_units(tmp_path)
    units = gpd.GeoDataFrame({"district": list(cells)}, geometry=list(cells.values()), crs=4326)
    a = shapely.box(30.05, 0.05, 30.95, 0.7)
    b = shapely.box(30.0, 0.0, 31.0, 0.6)
    c = compare(a, b, units=units, field="district")
    out = tmp_path / "cmp"
    write_comparison(c, out, lang="fr", date="2026-01-01")
    assert sorted(p.name for p in out.iterdir()) == sorted([".landgeo", "compare.json", "units.csv", "compare.gpkg", "compare.html", "compare_sheet.pdf", "compare_sheet.png"])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left behind
    data = json.loads((out / "compare.json").read_text(encoding="utf-8"))
    assert data["schema"] == "landgeo.compare/1"
    assert data["metrics"]["iou"] == pytest.approx(geod_ha(g_inter(a, b)) / geod_ha(g_union(a, b)), abs=1e-6)
    assert "symmetric difference" in data["conventions"]["alignment_rule"]
    layers = {name for name, _ in pyogrio.list_layers(out / "compare.gpkg")}
    assert {"a", "b", "only_a", "only_b", "intersection", "best_fit", "hybrid", "units"} <= layers
    only_a = gpd.read_file(out / "compare.gpkg", layer="only_a")
    assert geod_ha(only_a.geometry.iloc[0]) == pytest.approx(geod_ha(g_diff(a, b)), rel=1e-7)
    csv = (out / "units.csv").read_text(encoding="utf-8").splitlines()
    assert csv[0] == "unit,area_ha,intersection_ha,share_of_a,share_of_unit,in_best_fit" and len(csv) == 5
    page = (out / "compare.html").read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=[\"']https?:", page)  # nothing loaded from the network
    assert (out / "compare_sheet.pdf").read_bytes()[:5] == b"%PDF-"
    assert (out / "compare_sheet.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # no overwrite without overwrite=True
    with pytest.raises(OutputExistsError):
        write_comparison(c, out)
    # a recipe can use the best-fit layer
    bf = gpd.read_file(out / "compare.gpkg", layer="best_fit")
    assert bf["method"].iloc[0] == "best_fit" and bf["definition_en"].iloc[0].startswith("Union of")
    recipe = tmp_path / "best.toml"
    recipe.write_text(
        '[landscape]\nname = "Best fit"\ncountry = ["UGA"]\n\n[boundary]\nmethod = "file"\n'
        f'path = "cmp/compare.gpkg"\nlayer = "best_fit"\ndefinition = """{bf["definition_en"].iloc[0]}"""\n',
        encoding="utf-8",
    )
    boundary = delineate(read_recipe(recipe))
    assert boundary.area_ha == pytest.approx(geod_ha(c.units.best_fit_geometry), rel=1e-6)
    assert boundary.definition.startswith("Union of")


def test_cli_compare_two_files_different_crs(tmp_path):
    from click.testing import CliRunner

    from landgeo.cli.main import main

    a = gpd.GeoDataFrame({"name": ["Watershed"]}, geometry=[shapely.box(30.1, 0.1, 30.9, 0.9)], crs=4326)
    b = gpd.GeoDataFrame({"name": ["District"]}, geometry=[shapely.box(30.0, 0.0, 30.8, 0.8)], crs=4326).to_crs(32636)
    a.to_file(tmp_path / "a.geojson")
    b.to_file(tmp_path / "b.gpkg")
    res = CliRunner().invoke(main, ["compare", str(tmp_path / "a.geojson"), str(tmp_path / "b.gpkg"), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    inter = geod_ha(shapely.box(30.1, 0.1, 30.8, 0.8))
    assert data["metrics"]["intersection_ha"] == pytest.approx(inter, rel=1e-5)
    assert data["metrics"]["iou"] == pytest.approx(inter / geod_ha(g_union(shapely.box(30.1, 0.1, 30.9, 0.9), shapely.box(30.0, 0.0, 30.8, 0.8))), rel=1e-5)
    assert any("EPSG:32636" in n and "transformed" in n for n in data["notes"])
    assert data["a"]["label"] == "Watershed" and data["b"]["label"] == "District"


def test_cli_compare_units_outputs_and_errors(tmp_path):
    from click.testing import CliRunner

    from landgeo.cli.main import main

    units, _ = _grid_units(tmp_path, crs=32636)
    gpd.GeoDataFrame(geometry=[shapely.box(30.05, 0.05, 30.95, 0.7)], crs=4326).to_file(tmp_path / "ws.geojson")
    runner = CliRunner()
    out = tmp_path / "out"
    args = ["compare", str(tmp_path / "ws.geojson"), "--units", f"{units}:districts", "--field", "district", "-o", str(out)]
    res = runner.invoke(main, args)
    assert res.exit_code == 0, res.output
    # by hand (planar, near the equator): the two lower cells give IoU 0.405/0.68 = 0.596, all four 0.585/1.0
    assert "best fit (2): D00 and D10" in res.stdout or "best fit (2): D10 and D00" in res.stdout
    assert (out / "units.csv").exists() and (out / "compare_sheet.png").exists()
    res = runner.invoke(main, args)  # exists: refused, one line, exit 2
    assert res.exit_code == 2 and "--overwrite" in res.stderr
    assert runner.invoke(main, args + ["--overwrite", "--lang", "fr"]).exit_code == 0
    # wrong field: names the layer, the fields and the option
    res = runner.invoke(main, ["compare", str(tmp_path / "ws.geojson"), "--units", str(units), "--units-layer", "districts", "--field", "name"])
    assert res.exit_code == 2 and "no field 'name'" in res.stderr and "district" in res.stderr and "Traceback" not in res.output
    # several layers and none named
    res = runner.invoke(main, ["compare", str(tmp_path / "ws.geojson"), "--units", str(units), "--field", "district"])
    assert res.exit_code == 2 and "--units-layer" in res.stderr
    # nothing to compare with
    res = runner.invoke(main, ["compare", str(tmp_path / "ws.geojson")])
    assert res.exit_code == 2 and "needs B or --units" in res.stderr


REPO = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(not (REPO / "layers" / "demo" / "admin.gpkg").exists(), reason="demo kit not built (scripts/make_demo_layers.py)")
def test_demo_comparison_against_districts(tmp_path):
    """The demo's comparison step, run on the drawn demo landscape (the watershed recipe works the same way)."""
    from landgeo.app.demo import run_demo_comparison

    recipe = REPO / "boundaries" / "demo-drawn.toml"
    ok, line = run_demo_comparison(tmp_path, recipe=recipe, lang="en")
    assert not ok and "skipped" in line  # no profile folder: nothing is written
    assert not any(tmp_path.iterdir())
    (tmp_path / "demo-foret-de-sanwi").mkdir()  # as if the profile had been written
    ok, line = run_demo_comparison(tmp_path, recipe=recipe, lang="en")
    assert ok, line
    folder = tmp_path / "demo-foret-de-sanwi" / "compare-districts"
    data = json.loads((folder / "compare.json").read_text(encoding="utf-8"))
    districts = gpd.read_file(REPO / "layers" / "demo" / "admin.gpkg", layer="districts")
    a = gpd.read_file(REPO / "layers" / "demo" / "drawn_boundary.kml").geometry.union_all()
    touched = {d: geod_ha(g_inter(g, a)) for d, g in zip(districts["district"], districts.geometry) if geod_ha(g_inter(g, a)) > 0}
    assert {r["unit"] for r in data["units"]["table"]} == set(touched)
    for r in data["units"]["table"]:
        assert r["intersection_ha"] == pytest.approx(touched[r["unit"]], rel=1e-6)
    assert f"best fit {len(data['units']['best_fit']['units'])} of {len(touched)}" in line
