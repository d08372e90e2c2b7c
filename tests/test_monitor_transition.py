"""Transition matrices checked against a brute-force overlay of every pair of cells (as polygons),
with geodesic areas (pyproj.Geod), and against exactextract's class areas per date."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from pyproj import Geod, Transformer
from rasterio.transform import from_origin

from landgeo.monitor import transition_matrix

GEOD = Geod(ellps="WGS84")
EQUAL_AREA = "EPSG:6933"  # planar cell areas of a projected raster are true areas in an equal-area CRS
# an irregular landscape (lon/lat) with a hole, cutting through cells at fractional positions
LANDSCAPE = shapely.Polygon(
    [(10.0013, 0.0021), (10.0712, 0.0057), (10.0768, 0.0433), (10.0391, 0.0781), (10.0049, 0.0614)],
    holes=[[(10.030, 0.030), (10.041, 0.031), (10.036, 0.042)]],
)


def write(path, data, *, transform, crs="EPSG:4326", nodata=None):
    prof = dict(driver="GTiff", height=data.shape[0], width=data.shape[1], count=1, dtype=data.dtype, crs=crs,
                transform=transform, nodata=nodata)
    with rasterio.open(path, "w", **prof) as dst:
        dst.write(data, 1)
    return path


def geodesic_m2(g) -> float:
    g = shapely.segmentize(g, 0.0005)
    total = 0.0
    for p in shapely.get_parts(g):
        if p.geom_type != "Polygon" or p.is_empty:
            continue
        a, _ = GEOD.geometry_area_perimeter(shapely.orient_polygons(p))
        total += abs(a)
    return total


def cells(path):
    """Every valid cell of a raster as (value, polygon in EPSG:4326)."""
    with rasterio.open(path) as src:
        arr = src.read(1)
        t = src.transform
        crs = src.crs
        nd = src.nodata
    tr = None if crs.to_epsg() == 4326 else Transformer.from_crs(crs, 4326, always_xy=True)
    out = []
    for r in range(arr.shape[0]):
        for c in range(arr.shape[1]):
            if nd is not None and arr[r, c] == nd:
                continue
            x0, y0 = t @ (c, r)
            x1, y1 = t @ (c + 1, r + 1)
            box = shapely.box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
            if tr is not None:
                box = shapely.segmentize(box, abs(t.a) / 20)
                box = shapely.transform(box, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))
            out.append((int(arr[r, c]), box))
    return out


def brute_force(path_a, path_b, zone) -> dict[tuple[int, int], float]:
    """Area (m², geodesic) of zone ∩ cell_a ∩ cell_b for every pair of cells, summed by class pair."""
    ca = [(v, shapely.intersection(g, zone)) for v, g in cells(path_a)]
    ca = [(v, g) for v, g in ca if not g.is_empty]
    cb = cells(path_b)
    tree = shapely.STRtree([g for _, g in cb])
    out: dict[tuple[int, int], float] = {}
    for va, ga in ca:
        for j in tree.query(ga, predicate="intersects"):
            vb, gb = cb[j]
            piece = shapely.intersection(ga, gb)
            m2 = geodesic_m2(piece)
            if m2 > 0:
                out[(va, vb)] = out.get((va, vb), 0.0) + m2
    return out


def assert_close(ours: dict, ref: dict, rel: float = 1e-3) -> None:
    total = sum(ref.values())
    assert total > 0
    for key in set(ours) | set(ref):
        a, b = ours.get(key, 0.0), ref.get(key, 0.0)
        assert abs(a - b) <= rel * b + 1e-6 * total, (key, a, b)
    assert sum(ours.values()) == pytest.approx(total, rel=rel)


@pytest.fixture
def grids(tmp_path):
    rng = np.random.default_rng(7)
    a = rng.integers(1, 5, (9, 9)).astype("uint8")  # 0.01° cells
    a[0, :3] = 255  # nodata on the first date
    b_same = a.copy()
    flip = rng.random(a.shape) < 0.4
    b_same[flip] = rng.integers(1, 5, int(flip.sum()))
    b_same[b_same == 255] = 3
    b_fine = rng.integers(1, 6, (23, 23)).astype("uint8")  # 0.0037° cells, origin off the first grid
    b_proj = rng.integers(1, 4, (32, 34)).astype("uint8")  # 300 m cells in an equal-area CRS
    x0, y0 = Transformer.from_crs(4326, EQUAL_AREA, always_xy=True).transform(9.999, 0.0805)
    return {
        "a": write(tmp_path / "a.tif", a, transform=from_origin(10.0, 0.09, 0.01, 0.01), nodata=255),
        "same": write(tmp_path / "same.tif", b_same, transform=from_origin(9.98, 0.10, 0.01, 0.01), nodata=255),
        "fine": write(tmp_path / "fine.tif", b_fine, transform=from_origin(9.9993, 0.0827, 0.0037, 0.0037)),
        "proj": write(tmp_path / "proj.tif", b_proj, transform=from_origin(x0, y0, 300.0, 300.0), crs=EQUAL_AREA),
    }


@pytest.mark.parametrize("other,method", [("same", "paired cells"), ("fine", "vectorised coarser grid"),
                                          ("proj", "vectorised coarser grid")])
def test_transition_matches_brute_force_overlay(grids, other, method):
    with rasterio.open(grids["a"]) as a, rasterio.open(grids[other]) as b:
        assert shapely.box(*a.bounds).contains(LANDSCAPE)  # the inputs overlap: this checks something
        m = transition_matrix(a, b, LANDSCAPE)
    assert m.method == method
    ref = brute_force(grids["a"], grids[other], LANDSCAPE)
    assert len(ref) >= 8  # many class pairs, off-diagonal ones among them
    assert any(k[0] != k[1] for k in ref)
    assert_close(m.areas_m2, ref)
    # the nodata cells of the first date are left out, and counted as unpaired
    assert m.unpaired_m2 > 0


def test_reversed_order_transposes(grids):
    with rasterio.open(grids["a"]) as a, rasterio.open(grids["fine"]) as b:
        ab = transition_matrix(a, b, LANDSCAPE)
        ba = transition_matrix(b, a, LANDSCAPE)
    assert_close({(j, i): v for (i, j), v in ba.areas_m2.items()}, ab.areas_m2, rel=1e-9)


def valid_region(path):
    return shapely.union_all([g for _, g in cells(path)])


def ee_class_areas(path, zone) -> dict[int, float]:
    """exactextract's class fractions (coverage-weighted, nodata left out) × the geodesic area they cover.

    At the equator over 0.1° the cells' areas differ by < 1e-5, so fractions of cells are fractions of area.
    """
    exactextract = pytest.importorskip("exactextract")
    gdf = gpd.GeoDataFrame(geometry=[zone], crs=4326)
    df = exactextract.exact_extract(str(path), gdf, ["unique", "frac"], output="pandas")
    covered = geodesic_m2(shapely.intersection(zone, valid_region(path)))
    return {int(u): float(f) * covered for u, f in zip(df["unique"][0], df["frac"][0])}


def test_rows_and_columns_sum_to_each_dates_class_areas(grids):
    """Row sums = first date's class areas, column sums = second date's (exactextract on each date's raster).

    The second date covers all the landscape, so the rows are the first date's class areas in the
    whole landscape; the columns are the second date's where the first date has values.
    """
    with rasterio.open(grids["a"]) as a, rasterio.open(grids["fine"]) as b:
        m = transition_matrix(a, b, LANDSCAPE)
    ea = ee_class_areas(grids["a"], LANDSCAPE)
    rows = m.from_totals_m2()
    assert set(rows) == set(ea) and len(ea) == 4
    for v in ea:
        assert rows[v] == pytest.approx(ea[v], rel=1e-3)
    eb = ee_class_areas(grids["fine"], shapely.intersection(LANDSCAPE, valid_region(grids["a"])))
    cols = m.to_totals_m2()
    assert set(cols) == set(eb) and len(eb) == 5
    for v in eb:
        assert cols[v] == pytest.approx(eb[v], rel=1e-3)


def test_hand_summable_two_by_two():
    """Two 2×2 grids of 0.1° cells at the equator, one shifted by half a cell: each transition is a
    known number of quarter cells (areas from the ellipsoid's quadrangles, added by hand)."""
    from rasterio.io import MemoryFile

    def mem(data, origin):
        f = MemoryFile()
        with f.open(driver="GTiff", width=2, height=2, count=1, dtype="uint8", crs="EPSG:4326",
                    transform=from_origin(*origin, 0.1, 0.1)) as d:
            d.write(np.array(data, "uint8"), 1)
        return f

    a = mem([[1, 2], [3, 4]], (0.0, 0.2))
    b = mem([[5, 5], [6, 6]], (0.05, 0.25))  # shifted half a cell east and north
    zone = shapely.box(0.05, 0.0, 0.2, 0.2)  # the right 3/4 of the first grid's columns
    with a.open() as sa, b.open() as sb:
        m = transition_matrix(sa, sb, zone)
    assert m.method == "vectorised coarser grid"  # same cell size, different origin: not paired
    # the second grid's row boundary is at lat 0.15; its south row covers lat 0.05–0.15; lat 0–0.05 is outside it
    q = lambda lat0, lat1, dlon: geodesic_m2(shapely.box(0, lat0, dlon, lat1))
    expected = {
        (1, 5): q(0.15, 0.2, 0.05), (1, 6): q(0.1, 0.15, 0.05),
        (2, 5): q(0.15, 0.2, 0.1), (2, 6): q(0.1, 0.15, 0.1),
        (3, 6): q(0.05, 0.1, 0.05), (4, 6): q(0.05, 0.1, 0.1),
    }
    assert_close(m.areas_m2, expected, rel=1e-6)
    assert m.unpaired_m2 == pytest.approx(q(0.0, 0.05, 0.15), rel=1e-3)


def test_resample_on_request(grids):
    with rasterio.open(grids["a"]) as a, rasterio.open(grids["fine"]) as b:
        exact = transition_matrix(a, b, LANDSCAPE)
        warped = transition_matrix(a, b, LANDSCAPE, resample=True)
    assert warped.method.startswith("resampled")
    assert warped.total_m2() == pytest.approx(exact.total_m2(), rel=0.02)
    assert warped.from_totals_m2().keys() == exact.from_totals_m2().keys()


def test_notes_name_the_rasters_without_their_folders(grids):
    """The notes go into profile.json's method: the same rasters in another folder give the same bytes."""
    with rasterio.open(grids["a"]) as a, rasterio.open(grids["fine"]) as b:
        notes = [*transition_matrix(a, b, LANDSCAPE).notes, *transition_matrix(a, b, LANDSCAPE, resample=True).notes]
    texts = [n.render("en") if hasattr(n, "render") else str(n) for n in notes]
    assert len(texts) == 2 and all(Path(grids["a"]).name in t for t in texts)
    assert not any(str(Path(grids["a"]).parent) in t for t in texts)
