"""Geodesic area against an independent pyproj.Geod computation on oriented rings."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from landgeo.boundary import finish_boundary
from landgeo.checks.guidance import check_scale
from landgeo.geo import geodesy

GEOD = Geod(ellps="WGS84")


def geod_area_ha(geom) -> float:
    """Independent: pyproj's own geometry_area_perimeter on counter-clockwise oriented rings."""
    area, _ = GEOD.geometry_area_perimeter(shapely.orient_polygons(geom, exterior_cw=False))
    return area / 10_000


@pytest.mark.parametrize("lat", [0.0, 45.0, 70.0, -70.0])
def test_area_matches_geod_at_latitudes(lat):
    poly = shapely.Polygon([(10, lat), (10.7, lat + 0.05), (10.9, lat + 0.6), (10.2, lat + 0.5)])
    assert geodesy.area_ha(poly) == pytest.approx(geod_area_ha(poly), rel=1e-6)
    # clockwise input gives the same area
    assert geodesy.area_ha(shapely.reverse(poly)) == pytest.approx(geod_area_ha(poly), rel=1e-6)


def test_area_with_holes():
    shell = shapely.box(0, 0, 1, 1)
    hole = shapely.box(0.2, 0.2, 0.4, 0.4)
    poly = shell.difference(hole)
    expected = geod_area_ha(shell) - geod_area_ha(hole)
    assert geodesy.area_ha(poly) == pytest.approx(expected, rel=1e-6)
    assert geodesy.area_ha(poly) == pytest.approx(geod_area_ha(poly), rel=1e-6)


def test_multipolygon_with_opposite_orientations():
    a = shapely.box(0, 0, 1, 1)  # counter-clockwise
    b = shapely.reverse(shapely.box(2, 0, 3, 1))  # clockwise
    multi = shapely.MultiPolygon([a, b])
    naive, _ = GEOD.geometry_area_perimeter(multi)  # what an unoriented sum gives
    assert abs(naive) / 10_000 < 0.1 * geod_area_ha(multi)  # the two parts cancel out
    assert geodesy.area_ha(multi) == pytest.approx(geod_area_ha(a) + geod_area_ha(b), rel=1e-6)


def test_polygon_crossing_antimeridian_split_or_continuous():
    # the same vertices either way (a geodesic edge changes when a vertex is added on a parallel)
    continuous = shapely.Polygon([(179.5, -17), (180, -17), (180.5, -17), (180.5, -16), (180, -16), (179.5, -16)])
    split = shapely.MultiPolygon([shapely.box(179.5, -17.0, 180.0, -16.0), shapely.box(-180.0, -17.0, -179.5, -16.0)])
    expected = geod_area_ha(continuous)
    assert geodesy.area_ha(continuous) == pytest.approx(expected, rel=1e-6)
    assert geodesy.area_ha(split) == pytest.approx(expected, rel=1e-6)
    # a one-degree cell at 16.5° S is about 1.23e6 ha × cos(16.5°)
    assert expected == pytest.approx(1_230_878 * math.cos(math.radians(16.5)), rel=0.01)


def test_boundary_in_projected_crs_is_handled():
    # 10 km × 10 km square in UTM 30N near its central meridian: ~10,000 ha (UTM scale 0.9996)
    square = shapely.box(500_000, 600_000, 510_000, 610_000)
    b = finish_boundary(square, "EPSG:32630", method="file", definition="test")
    assert b.geometry.bounds[0] == pytest.approx(-3.0, abs=0.01)
    assert b.area_ha == pytest.approx(10_000 / 0.9996**2, rel=2e-3)


def test_ten_thousand_hectares_is_within():
    assert check_scale(10_000.0).verdict == "within"
    assert check_scale(1_000_000.0).verdict == "within"
    laea = "+proj=laea +lat_0=6 +lon_0=-1.5 +datum=WGS84 +units=m"
    square = gpd.GeoSeries([shapely.box(0, 0, 10_001, 10_001)], crs=laea).to_crs(4326).iloc[0]
    area = geodesy.area_ha(square)
    assert area == pytest.approx(10_002, rel=1e-3)
    assert check_scale(area).verdict == "within"


def test_degenerate_inputs():
    assert geodesy.area_ha(None) == 0.0
    assert geodesy.area_ha(shapely.Polygon()) == 0.0
    assert geodesy.area_ha(shapely.LineString([(0, 0), (1, 1)])) == 0.0
    assert geodesy.perimeter_km(shapely.box(0, 0, 1, 1)) == pytest.approx(
        GEOD.geometry_area_perimeter(shapely.box(0, 0, 1, 1))[1] / 1000, rel=1e-9
    )


@settings(max_examples=40, deadline=None)
@given(
    x0=st.floats(-170, 160),
    y0=st.floats(-75, 70),
    w=st.floats(0.01, 5),
    h=st.floats(0.01, 5),
    cut=st.floats(0.05, 0.95),
)
def test_area_additive_under_splitting(x0, y0, w, h, cut):
    xc = x0 + cut * w
    # the whole has the cut's vertices too, so its edges are the parts' edges
    box = shapely.Polygon([(x0, y0), (xc, y0), (x0 + w, y0), (x0 + w, y0 + h), (xc, y0 + h), (x0, y0 + h)])
    left, right = shapely.box(x0, y0, xc, y0 + h), shapely.box(xc, y0, x0 + w, y0 + h)
    assert geodesy.area_ha(left) + geodesy.area_ha(right) == pytest.approx(geodesy.area_ha(box), rel=1e-9)


def test_kept_results_are_those_of_the_very_shape():
    from landgeo.geo import kept

    kept.clear()
    ring = shapely.Point(47, -19).buffer(0.3, quad_segs=400)  # 1,601 coordinates: kept
    assert shapely.get_num_coordinates(ring) >= kept.MIN_COORDS
    first = geodesy.area_ha(ring)
    again = geodesy.area_ha(shapely.from_wkb(shapely.to_wkb(ring)))  # another object, the same shape
    assert again == first == geodesy._area_ha(ring)
    assert geodesy.densify(ring) is geodesy.densify(shapely.from_wkb(shapely.to_wkb(ring)))
    moved = shapely.affinity.translate(ring, xoff=1e-9)  # another shape: its own result
    assert geodesy.area_ha(moved) == geodesy._area_ha(moved)
    assert geodesy.densify(ring, 500.0) is not geodesy.densify(ring)
    line = shapely.LineString(ring.exterior.coords)  # the ring's very coordinates, another type (same WKB)
    assert geodesy.densify(line).geom_type == "LineString"
    assert geodesy.densify(ring.exterior).geom_type == "LinearRing"
    for i in range(kept.KEEP + 2):  # only the last KEEP shapes stay
        geodesy.area_ha(shapely.affinity.translate(ring, xoff=0.01 * (i + 1)))
    assert len(kept._kept) == kept.KEEP
    kept.clear()


@pytest.mark.parametrize("centre", [(47.5, -18.9), (-1.5, 6.0), (179.9, -16.5), (-120.0, 79.9), (0.0, 0.0)])
def test_equal_area_transformers_are_the_pipelines_from_crs_picks(centre):
    from pyproj import CRS, Transformer

    def steps(t):  # PROJ prints lat_0=-13.0345 where we wrote -13.034500
        return [tuple(float(v) if v.lstrip("-").replace(".", "").isdigit() else v for v in w.split("=")) for w in t.definition.split()]

    g = shapely.Point(*centre).buffer(0.3)
    fwd, back = geodesy.equal_area_transformers(g)
    laea = geodesy.equal_area_crs(g)
    assert steps(fwd) == steps(Transformer.from_crs(CRS.from_epsg(4326), laea, always_xy=True))
    assert steps(back) == steps(Transformer.from_crs(laea, CRS.from_epsg(4326), always_xy=True))
    lon, lat = np.linspace(centre[0] - 1, centre[0] + 1, 50), np.linspace(centre[1] - 1, centre[1] + 1, 50)
    assert np.array_equal(fwd.transform(lon, lat), Transformer.from_crs(CRS.from_epsg(4326), laea, always_xy=True).transform(lon, lat))
