"""DEM catchments: kernels against brute force, synthetic DEMs with known divides, the real DEM against pysheds."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import rasterio
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import CRS, Geod, Transformer
from rasterio.transform import from_origin

from landgeo.delineate import dem
from landgeo.errors import DelineationError
from landgeo.hydro.accumulate import accumulate_cells, upstream_mask
from landgeo.hydro.condition import d8_complete, fill_with_directions
from landgeo.hydro.core import DC, DR, OUT
from landgeo.hydro.flowgrid import FlowGrid, WindowFlow
from landgeo.io.raster import open_raster
from tests import hydro_reference as hydro_ref

from .conftest import SHARED_DATA as DATA

FORTWORTH = DATA / "dem_fixture_pysheds_fortworth_tx" / "dem_3arcsec_fortworth_tx.tif"
GEOD = Geod(ellps="WGS84")
UTM28 = "EPSG:32628"  # covers the demo region (lon -20…-19)
ORIGIN = (300_000.0, 650_000.0)  # UTM 28N, about 16.8° W, 5.9° N


# --- helpers --------------------------------------------------------------------------------

def pad(z):
    z = np.asarray(z, dtype=np.float32)
    out = np.full((z.shape[0] + 2, z.shape[1] + 2), np.nan, dtype=np.float32)
    out[1:-1, 1:-1] = z
    return out


def conditioned(z, chain="flood"):
    """Condition a small DEM with 1×1 cells; return padded z, dirs and (raised, flats, flat cells, unresolved).

    ``chain = "flood"``: the pipeline's fill_with_directions → d8_complete (flats not counted: -1);
    ``"barnes"``: fill_depressions → d8_directions → resolve_flats.
    """
    zp = pad(z)
    h, w = zp.shape
    flat = zp.reshape(-1)
    one = np.ones(h - 2)
    if chain == "flood":
        dirs = np.zeros(flat.size, dtype=np.uint8)
        raised, _ = fill_with_directions(flat, flat.view(np.uint32), w, dirs)
        unresolved, n_cells = d8_complete(flat, w, one, one, dirs)
        return zp, dirs.reshape(h, w), (raised, -1, n_cells, unresolved)
    raised, _ = hydro_ref.fill_depressions(flat, flat.view(np.uint32), w)
    dirs, _ = hydro_ref.d8_directions(flat, w, one, one)
    n_flats, n_cells, unresolved = hydro_ref.resolve_flats(flat, dirs, w, one, one)
    return zp, dirs.reshape(h, w), (raised, n_flats, n_cells, unresolved)


def brute_fill(z):
    """Filled elevation by fixed-point iteration: W = max(z, min of the neighbours' W); edge cells are outlets."""
    z = np.asarray(z, dtype=np.float64)
    h, w = z.shape
    valid = ~np.isnan(z)
    W = np.full(z.shape, np.inf)
    outlet = np.zeros(z.shape, bool)
    for r in range(h):
        for c in range(w):
            if not valid[r, c]:
                continue
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    rr, cc = r + dr, c + dc
                    if not (0 <= rr < h and 0 <= cc < w) or not valid[rr, cc]:
                        outlet[r, c] = True
    W[outlet] = z[outlet]
    changed = True
    while changed:
        changed = False
        for r in range(h):
            for c in range(w):
                if not valid[r, c] or outlet[r, c]:
                    continue
                low = min(W[r + dr, c + dc] for dr in (-1, 0, 1) for dc in (-1, 0, 1) if (dr or dc) and valid[r + dr, c + dc])
                new = max(z[r, c], low)
                if new < W[r, c]:
                    W[r, c] = new
                    changed = True
    W[~valid] = np.nan
    return W


def walk(dirs, r, c):
    """The D8 path from (r, c) in a padded direction grid, as a list of cells (python, independent of the kernels)."""
    path = [(r, c)]
    seen = {(r, c)}
    while 1 <= dirs[r, c] <= 8:
        k = dirs[r, c] - 1
        r, c = r + int(DR[k]), c + int(DC[k])
        assert (r, c) not in seen, "cycle in flow directions"
        seen.add((r, c))
        path.append((r, c))
    return path


def write_tif(path, z, *, crs=UTM28, transform=None, nodata=None, dtype="float32"):
    z = np.asarray(z)
    transform = transform or from_origin(ORIGIN[0], ORIGIN[1], 30.0, 30.0)
    with rasterio.open(path, "w", driver="GTiff", height=z.shape[0], width=z.shape[1], count=1, dtype=dtype,
                       crs=crs, transform=transform, nodata=nodata) as dst:
        dst.write(z.astype(dtype), 1)
    return path


def cell_lonlat(row, col, transform, crs=UTM28):
    x, y = transform @ (col + 0.5, row + 0.5)
    return Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(x, y)


def rect_area_ha(transform, r0, r1, c0, c1, crs=UTM28):
    """Geodesic area of the block of cells rows r0..r1-1, cols c0..c1-1 (densified edges), by pyproj.Geod."""
    xs = np.concatenate([np.linspace(c0, c1, 50), np.full(50, c1), np.linspace(c1, c0, 50), np.full(50, c0)])
    ys = np.concatenate([np.full(50, r0), np.linspace(r0, r1, 50), np.full(50, r1), np.linspace(r1, r0, 50)])
    X, Y = transform @ (xs, ys)
    lon, lat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform(X, Y)
    return abs(GEOD.polygon_area_perimeter(lon, lat)[0]) / 1e4


# --- kernels against brute force ---------------------------------------------------------------

small_dems = st.integers(min_value=3, max_value=9).flatmap(
    lambda h: st.integers(min_value=3, max_value=9).flatmap(
        lambda w: st.lists(st.integers(0, 4), min_size=h * w, max_size=h * w).map(lambda v: np.array(v, float).reshape(h, w))
    )
)


@pytest.mark.parametrize("chain", ["flood", "barnes"])
@settings(max_examples=150, deadline=None)
@given(z=small_dems, seed=st.integers(0, 2**31 - 1))
def test_fill_matches_brute_force_and_leaves_no_pits_or_flats(chain, z, seed):
    rng = np.random.default_rng(seed)
    if z.size > 12 and rng.random() < 0.5:  # some nodata holes
        z = z.copy()
        z[rng.integers(0, z.shape[0]), rng.integers(0, z.shape[1])] = np.nan
    zp, dirs, (raised, _, _, unresolved) = conditioned(z, chain)
    ref = brute_fill(z)
    np.testing.assert_array_equal(zp[1:-1, 1:-1], ref.astype(np.float32))
    assert raised == int(np.nansum(ref > z))
    assert unresolved == 0
    h, w = zp.shape
    assert hydro_ref.count_unresolved(zp.reshape(-1), dirs.reshape(-1), w) == (0, 0)
    assert hydro_ref.trapped_cells(dirs.reshape(-1), w) == 0
    # every valid cell reaches an OUT cell, never going up in the filled DEM
    for r, c in zip(*np.nonzero(~np.isnan(zp))):
        path = walk(dirs, r, c)
        assert dirs[path[-1]] == OUT
        elev = [zp[p] for p in path]
        assert all(a >= b for a, b in zip(elev, elev[1:]))


@settings(max_examples=60, deadline=None)
@given(small_dems)
def test_accumulation_and_upstream_match_brute_force(z):
    zp, dirs, _ = conditioned(z)
    h, w = zp.shape
    acc = accumulate_cells(dirs.reshape(-1), w).reshape(h, w)
    cells = list(zip(*np.nonzero(~np.isnan(zp))))
    through = {cell: 0 for cell in cells}
    paths = {cell: walk(dirs, *cell) for cell in cells}
    for path in paths.values():
        for p in path:
            through[p] += 1
    for cell, n in through.items():
        assert acc[cell] == n
    target = max(cells, key=lambda cell: through[cell])
    mask, count, *_ = upstream_mask(dirs.reshape(-1), w, target[0] * w + target[1])
    expected = {cell for cell, path in paths.items() if target in path}
    got = set(zip(*np.nonzero(mask.reshape(h, w))))
    assert got == expected and count == len(expected)


@settings(max_examples=80, deadline=None)
@given(small_dems, st.data())
def test_window_flow_matches_brute_force(z, data):
    """Labels → window accumulation and upstream masks, for any window, against walked paths."""
    zp, dirs, _ = conditioned(z)
    h, w = zp.shape
    cells = list(zip(*np.nonzero(~np.isnan(zp))))
    paths = {cell: walk(dirs, *cell) for cell in cells}
    ra = data.draw(st.integers(1, h - 2))
    rb = data.draw(st.integers(ra + 1, h - 1))
    ca = data.draw(st.integers(1, w - 2))
    cb = data.draw(st.integers(ca + 1, w - 1))
    cond = FlowGrid(dirs, from_origin(0, 0, 30, 30), CRS(UTM28), np.ones(h - 2), np.ones(h - 2), 0, 0, 0)
    flow = WindowFlow(cond, (ra - 1, rb - 1, ca - 1, cb - 1))
    acc = flow.accumulation().reshape(rb - ra, cb - ca)
    for r in range(ra, rb):
        for c in range(ca, cb):
            n = sum(1 for path in paths.values() if (r, c) in path)
            assert acc[r - ra, c - ca] == n
            if np.isnan(zp[r, c]):
                continue
            mask, count, rmin, rmax, cmin, cmax = flow.upstream_mask(r - 1, c - 1)
            got = set(zip(*np.nonzero(mask.reshape(h, w))))
            expected = {cell for cell, path in paths.items() if (r, c) in path}
            assert got == expected and count == len(expected)
            assert (rmin, rmax, cmin, cmax) == (min(a for a, _ in got), max(a for a, _ in got), min(b for _, b in got), max(b for _, b in got))


@pytest.mark.parametrize("chain", ["flood", "barnes"])
def test_flat_drains_towards_lower_and_away_from_higher(chain):
    # a 1-row-high flat shelf at 5 between a wall (9) to the north and a drop (1) at its east end
    z = np.full((5, 9), 9.0)
    z[2, 1:8] = 5.0
    z[2, 8] = 1.0  # the only way out, on the east edge
    zp, dirs, (_, n_flats, n_cells, unresolved) = conditioned(z, chain)
    assert unresolved == 0 and n_flats in (1, -1) and n_cells == 6  # (2, 7) has the drop beside it
    # every shelf cell drains east (code 3) along the shelf (padded row 3, columns 2..8)
    assert [int(dirs[3, c]) for c in range(2, 9)] == [3] * 7


def test_flood_splits_a_flat_between_its_two_spills():
    # a flat at 5 (rows 1..3, columns 1..9) inside a wall of 9, with one drop at each end: each half drains to its nearer end
    z = np.full((5, 11), 9.0)
    z[1:4, 1:10] = 5.0
    z[2, 0] = 1.0
    z[2, 10] = 1.0
    zp, dirs, (_, _, n_cells, unresolved) = conditioned(z)
    assert unresolved == 0
    for r in range(1, 4):
        for c in range(1, 10):
            end = walk(dirs, r + 1, c + 1)[-1]
            if c < 5:
                assert end == (3, 1), (r, c, end)
            elif c > 5:
                assert end == (3, 11), (r, c, end)


# --- synthetic DEMs with a known divide -------------------------------------------------------

def two_valleys(nr=40, nc=60, tilt=0.1):
    """Valleys at columns 15 and 44 draining south; the divide lies between columns 29 and 30."""
    c = np.arange(nc)[None, :]
    r = np.arange(nr)[:, None]
    return np.minimum(abs(c - 15), abs(c - 44)) * 1.0 + (nr - 1 - r) * tilt


def test_two_valleys_divide(tmp_path):
    z = two_valleys()
    path = write_tif(tmp_path / "valleys.tif", z)
    tf = from_origin(ORIGIN[0], ORIGIN[1], 30.0, 30.0)
    lon, lat = cell_lonlat(39, 15, tf)
    with open_raster(path) as src:
        res = dem.catchment_from_dem(src, (lon, lat), snap_m=0, stream_threshold_cells=1)
    assert res.cells == 40 * 30  # columns 0..29, every row
    expected = rect_area_ha(tf, 0, 40, 0, 30)
    assert res.area_ha == pytest.approx(expected, rel=1e-4)
    assert res.geometry.geom_type == "Polygon" and not res.geometry.interiors
    assert res.counts["unresolved_cells"] == 0


def test_snap_moves_outlet_to_the_valley(tmp_path):
    path = write_tif(tmp_path / "valleys.tif", two_valleys())
    tf = from_origin(ORIGIN[0], ORIGIN[1], 30.0, 30.0)
    lon, lat = cell_lonlat(38, 48, tf)  # 4 cells (120 m) east of the east valley
    with open_raster(path) as src:
        snapped = dem.catchment_from_dem(src, (lon, lat), snap_m=150, stream_threshold_cells=10)
        # to (39, 44), the east valley's outlet: the largest accumulation within 150 m
        assert snapped.snap_distance_m == pytest.approx(math.hypot(120, 30), abs=0.5)
        assert snapped.cells == 30 * 40
        with pytest.raises(DelineationError, match="no stream of at least"):
            dem.catchment_from_dem(src, (lon, lat), snap_m=40, stream_threshold_cells=100)
        with pytest.raises(DelineationError, match="outside the DEM"):
            dem.catchment_from_dem(src, (lon + 1, lat), snap_m=40)


def test_tilted_plane_drains_by_columns(tmp_path):
    # one plane rising to the south: every cell flows due north, so an outlet on the north edge drains its column
    nr, nc = 25, 30
    z = np.arange(nr)[:, None] * 1.0 + np.zeros((1, nc))
    path = write_tif(tmp_path / "plane.tif", z)
    tf = from_origin(ORIGIN[0], ORIGIN[1], 30.0, 30.0)
    with open_raster(path) as src:
        res = dem.catchment_from_dem(src, cell_lonlat(0, 12, tf), snap_m=0, stream_threshold_cells=1)
    assert res.cells == nr
    assert res.area_ha == pytest.approx(rect_area_ha(tf, 0, nr, 12, 13), rel=1e-4)
    # the column reaches the south edge with its last cell (one 30 m side); the outlet's own edge does not count
    assert (res.edge_cells, res.counts["edge_length_m"]) == (1, 30)
    check = dem.edge_check(res, "en")
    assert check.id == "dem_edge" and check.status == "warn" and "along 30 m;" in check.message and "larger DEM" in check.message


def test_whole_grid_catchment_reaches_the_edge_along_its_perimeter(tmp_path):
    # the V-valley drains the whole grid to (30, 20) on the south edge: the edge contact is the grid's perimeter
    # minus the outlet's 3 × 3 cells (3 south sides): (41 + 38 + 2 × 31) sides of 30 m, 2 × 41 + 2 × 29 − 3 cells
    nr, nc = 31, 41
    z = abs(np.arange(nc)[None, :] - 20) * 2.0 + (nr - 1 - np.arange(nr)[:, None]) * 0.5
    path = write_tif(tmp_path / "v.tif", z)
    tf = from_origin(ORIGIN[0], ORIGIN[1], 30.0, 30.0)
    with open_raster(path) as src:
        res = dem.catchment_from_dem(src, cell_lonlat(30, 20, tf), snap_m=0, stream_threshold_cells=1)
    assert res.cells == nr * nc
    assert res.edge_cells == 2 * nc + 2 * (nr - 2) - 3
    assert res.counts["edge_length_m"] == (nc + nc - 3 + 2 * nr) * 30
    fr = dem.edge_check(res, "fr")
    assert fr.status == "warn" and "4,2 km" in fr.message and "MNT plus grand" in fr.message
    assert fr.value == {"edge_cells": res.edge_cells, "edge_km": 4.23}


def test_crater_catchment_stays_inside_the_dem(tmp_path):
    # a crater (rim 12 cells from the centre, notched 3 m at its west point) on a cone sloping to the edges:
    # the crater spills through the notch, whose catchment holds the crater, far from the DEM's edges
    n = 41
    r, c = np.mgrid[0:n, 0:n]
    z = 10 - abs(np.hypot(r - 20, c - 20) - 12)
    z[20, 8] -= 3.0
    path = write_tif(tmp_path / "crater.tif", z)
    tf = from_origin(ORIGIN[0], ORIGIN[1], 30.0, 30.0)
    with open_raster(path) as src:
        res = dem.catchment_from_dem(src, cell_lonlat(20, 8, tf), snap_m=0, stream_threshold_cells=1)
    assert res.cells > 400  # the crater: about π × 12² cells
    assert res.edge_cells == 0 and res.counts["edge_length_m"] == 0
    check = dem.edge_check(res, "en")
    assert check.status == "ok" and check.value == {"edge_cells": 0, "edge_km": 0.0}


def test_v_valley_whole_grid(tmp_path):
    nr, nc = 31, 41
    c = np.arange(nc)[None, :]
    r = np.arange(nr)[:, None]
    z = abs(c - 20) * 2.0 + (nr - 1 - r) * 0.5
    path = write_tif(tmp_path / "v.tif", z)
    tf = from_origin(ORIGIN[0], ORIGIN[1], 30.0, 30.0)
    with open_raster(path) as src:
        res = dem.catchment_from_dem(src, cell_lonlat(30, 20, tf), snap_m=100, stream_threshold_cells=1)
    assert res.cells == nr * nc
    assert res.area_ha == pytest.approx(rect_area_ha(tf, 0, nr, 0, nc), rel=1e-4)


def test_cone_divides_flow(tmp_path):
    # a cone: flow runs away from the summit, so the west edge cell of the centre row drains only its own row
    n = 41
    r, c = np.mgrid[0:n, 0:n]
    z = 100 - np.hypot(r - 20, c - 20)
    path = write_tif(tmp_path / "cone.tif", z)
    tf = from_origin(ORIGIN[0], ORIGIN[1], 30.0, 30.0)
    with open_raster(path) as src:
        res = dem.catchment_from_dem(src, cell_lonlat(20, 0, tf), snap_m=0, stream_threshold_cells=1)
    assert res.cells == 20  # columns 0..19 of row 20; the summit drains north (first of the tied directions)
    assert res.area_ha == pytest.approx(rect_area_ha(tf, 20, 21, 0, 20), rel=1e-4)


def test_closed_depression_fills_and_spills(tmp_path):
    # a bowl whose rim is lowest at the middle of the west edge: everything spills there
    n = 41
    r, c = np.mgrid[0:n, 0:n]
    z = np.hypot(r - 20, c - 20) + 0.01 * c
    z[20, 0] -= 0.5
    path = write_tif(tmp_path / "bowl.tif", z)
    tf = from_origin(ORIGIN[0], ORIGIN[1], 30.0, 30.0)
    with open_raster(path) as src:
        res = dem.catchment_from_dem(src, cell_lonlat(20, 0, tf), snap_m=0, stream_threshold_cells=1)
        assert res.counts["cells_filled"] > 100
    assert res.cells == n * n
    assert res.area_ha == pytest.approx(rect_area_ha(tf, 0, n, 0, n), rel=1e-4)


def test_nodata_is_honoured_and_geographic_grid(tmp_path):
    # geographic grid over the demo region, int16 with nodata: a lake of nodata inside the west valley
    z = np.round(two_valleys(tilt=1.0) * 10).astype("int16")
    z[10:13, 14:17] = -32768
    tf = from_origin(-19.8, 5.8, 0.001, 0.001)
    path = write_tif(tmp_path / "geo.tif", z, crs="EPSG:4326", transform=tf, nodata=-32768, dtype="int16")
    with open_raster(path) as src:
        res = dem.catchment_from_dem(src, cell_lonlat(39, 15, tf, "EPSG:4326"), snap_m=0, stream_threshold_cells=1)
    # cells above the nodata lake drain into it (off the grid); the rest of the west half reaches the outlet
    assert res.cells < 40 * 30 - 9
    assert res.cells > 20 * 30
    assert res.counts["unresolved_cells"] == 0
    lon, lat = res.outlet
    assert lon == pytest.approx(-19.8 + 15.5 * 0.001) and lat == pytest.approx(5.8 - 39.5 * 0.001)


def numpy_clean_mask(mask, keep):
    """The cleaning rules in whole-array numpy (an independent reference for the numba kernel)."""
    def neighbours(m, steps):
        out = np.zeros(m.shape, dtype=np.uint8)
        h, w = m.shape
        for dr, dc in steps:
            out[max(0, -dr) : h - max(0, dr), max(0, -dc) : w - max(0, dc)] += m[max(0, dr) : h - max(0, -dr), max(0, dc) : w - max(0, -dc)]
        return out

    four_steps, diag_steps = ((-1, 0), (1, 0), (0, -1), (0, 1)), ((-1, -1), (-1, 1), (1, -1), (1, 1))
    m = mask.astype(bool)
    counts = {"spurs_removed": 0, "pinholes_filled": 0, "corners_bridged": 0}
    pin = ~m & (neighbours(m, four_steps) == 4)
    counts["pinholes_filled"] = int(pin.sum())
    m |= pin
    spur = m & (neighbours(m, four_steps) == 0) & (neighbours(m, diag_steps) <= 1)
    spur[keep] = False
    counts["spurs_removed"] = int(spur.sum())
    m &= ~spur
    for _ in range(20):
        a, b, c, d = m[:-1, :-1], m[:-1, 1:], m[1:, :-1], m[1:, 1:]
        diag1 = a & d & ~b & ~c
        diag2 = b & c & ~a & ~d
        n = int(diag1.sum() + diag2.sum())
        if n == 0:
            break
        counts["corners_bridged"] += n
        m[:-1, 1:] |= diag1
        m[:-1, :-1] |= diag2
    return m, counts


@settings(max_examples=200, deadline=None)
@given(st.integers(3, 12), st.integers(3, 12), st.floats(0.2, 0.8), st.integers(0, 2**31 - 1))
def test_clean_mask_matches_numpy_rules(h, w, p, seed):
    rng = np.random.default_rng(seed)
    m = np.zeros((h + 2, w + 2), bool)
    m[1:-1, 1:-1] = rng.random((h, w)) < p
    keep = (int(rng.integers(1, h + 1)), int(rng.integers(1, w + 1)))
    got, counts = dem.clean_mask(m, keep)
    ref, ref_counts = numpy_clean_mask(m, keep)
    np.testing.assert_array_equal(got, ref)
    assert counts == ref_counts


def test_clean_mask_spurs_pinholes_corners():
    m = np.zeros((8, 8), bool)
    m[2:6, 2:6] = True
    m[3, 3] = False      # pinhole
    m[1, 6] = True       # spur: one corner contact, dead end
    m[6, 6] = True       # a diagonal chain off the block: its middle cell is bridged …
    m[7, 7] = True       # … and its dead end dropped (one pass)
    out, counts = dem.clean_mask(m, (4, 4))
    assert counts == {"spurs_removed": 2, "pinholes_filled": 1, "corners_bridged": 1}
    assert out[3, 3] and not out[1, 6] and out[6, 6] and not out[7, 7]
    geom = dem.polygonize(out, from_origin(0, 8, 1, 1))
    assert geom.geom_type == "Polygon" and geom.area == out.sum()


# --- the real DEM against pysheds --------------------------------------------------------------

@pytest.mark.realdata
@pytest.mark.slow
def test_fortworth_agrees_with_pysheds():
    if not FORTWORTH.exists():
        pytest.skip(f"{FORTWORTH} absent (shared data not beside the repository)")
    if not hasattr(np, "in1d"):  # pysheds 0.5 calls np.in1d, removed in numpy 2.4
        np.in1d = np.isin
    grid_mod = pytest.importorskip("pysheds.grid", reason="pysheds (dev extra) is the independent reference")
    outlet = (-97.2942, 32.7375)
    with open_raster(FORTWORTH) as src:
        res = dem.catchment_from_dem(src, outlet, snap_m=500, stream_threshold_cells=100)
        tf = src.transform
        col, row = ~tf @ res.outlet
        row, col = int(row), int(col)
    grid = grid_mod.Grid.from_raster(str(FORTWORTH))
    raw = grid.read_raster(str(FORTWORTH))
    inflated = grid.resolve_flats(grid.fill_depressions(grid.fill_pits(raw)), eps=1e-7, max_iter=100_000)
    fdir = grid.flowdir(inflated)
    ref = np.asarray(grid.catchment(x=col, y=row, fdir=fdir, xytype="index")).astype(bool)
    # our mask, rasterized back from the polygon (so the cleaning and polygonizing are checked too)
    ours = rasterio.features.rasterize([(res.geometry, 1)], out_shape=ref.shape, transform=tf).astype(bool)
    iou = (ours & ref).sum() / (ours | ref).sum()
    assert iou >= 0.99, f"IoU {iou:.4f} (ours {ours.sum()} cells, pysheds {ref.sum()})"
    assert res.cells == pytest.approx(ref.sum(), rel=0.01)


@pytest.mark.realdata
def test_fortworth_snap_past_a_confluence_is_recorded_and_warned(tmp_path):
    """Given and snapped outlets, snap distance and the unsnapped area are recorded; a snap that more than
    doubles the catchment warns. The unsnapped area is checked against pysheds' catchment of the given cell."""
    if not FORTWORTH.exists():
        pytest.skip(f"{FORTWORTH} absent (shared data not beside the repository)")
    given = (-97.30, 32.65)
    recipe = tmp_path / "fw.toml"
    recipe.write_text(f'[landscape]\nname = "FW"\n\n[boundary]\nmethod = "dem"\ndem = "{FORTWORTH.as_posix()}"\n'
                      f'outlet = [{given[0]}, {given[1]}]\nsnap_m = 600\nstream_threshold_cells = 100\n', encoding="utf-8")
    from landgeo.delineate import METHODS
    from landgeo.recipe.parse import read_recipe

    b = METHODS["dem"](read_recipe(recipe))
    d = b.details
    assert d["outlet_given"] == [given[0], given[1]]
    assert GEOD.inv(*d["outlet_given"], *d["outlet_snapped"])[2] == pytest.approx(d["snap_distance_m"], abs=70)
    snap = {c.id: c for c in b.checks}["dem_snap"]
    assert b.area_ha > 2 * d["unsnapped_area_ha"] and snap.status == "warn" and "confluence" in snap.message
    with open_raster(FORTWORTH) as src:
        tf = src.transform
    col, row = ~tf @ given
    if not hasattr(np, "in1d"):
        np.in1d = np.isin
    grid_mod = pytest.importorskip("pysheds.grid", reason="pysheds (dev extra) is the independent reference")
    grid = grid_mod.Grid.from_raster(str(FORTWORTH))
    raw = grid.read_raster(str(FORTWORTH))
    fdir = grid.flowdir(grid.resolve_flats(grid.fill_depressions(grid.fill_pits(raw)), eps=1e-7, max_iter=100_000))
    ref = np.asarray(grid.catchment(x=int(col), y=int(row), fdir=fdir, xytype="index")).astype(bool)
    rows = np.nonzero(ref.any(axis=1))[0]
    lat = tf.f + (rows + 0.5) * tf.e
    cell_ha = np.array([abs(GEOD.polygon_area_perimeter([0, tf.a, tf.a, 0], [y - tf.e / 2, y - tf.e / 2, y + tf.e / 2, y + tf.e / 2])[0])
                        for y in lat]) / 1e4
    ref_ha = float((ref[rows].sum(axis=1) * cell_ha).sum())
    assert d["unsnapped_area_ha"] == pytest.approx(ref_ha, rel=0.05)


def test_recipe_method_dem_en_fr_and_crs_for_a_dem_without_one(tmp_path):
    from landgeo.delineate import METHODS
    from landgeo.recipe.parse import read_recipe

    tf = from_origin(ORIGIN[0], ORIGIN[1], 30.0, 30.0)
    write_tif(tmp_path / "nocrs.tif", two_valleys(), crs=None)
    lon, lat = cell_lonlat(39, 15, tf)
    for lang, words in (("en", "Catchment upstream of the outlet at"), ("fr", "Bassin versant en amont de l'exutoire à")):
        recipe = tmp_path / f"ws-{lang}.toml"
        recipe.write_text(
            f'[landscape]\nname = "Test"\nlanguage = "{lang}"\n\n[boundary]\nmethod = "dem"\ndem = "nocrs.tif"\n'
            f'crs = "{UTM28}"\noutlet = [{lon}, {lat}]\nsnap_m = 0\nstream_threshold_cells = 1\n',
            encoding="utf-8",
        )
        boundary = METHODS["dem"](read_recipe(recipe))
        assert boundary.method == "dem" and boundary.definition.startswith(words)
        assert "nocrs.tif" in boundary.definition and "(D8" in boundary.definition
        assert boundary.details["cells"] == 40 * 30
        assert boundary.area_ha == pytest.approx(rect_area_ha(tf, 0, 40, 0, 30), rel=1e-4)
        # columns 0..29 touch the north (30 sides), west (40) and south edges (30, less the outlet's 3): 97 × 30 m
        check, snap = boundary.checks
        assert snap.id == "dem_snap" and snap.status == "ok"
        assert boundary.details["outlet_given"] == [round(lon, 6), round(lat, 6)] and boundary.details["snap_distance_m"] == 0
        assert check.id == "dem_edge" and check.status == "warn"
        assert check.value == {"edge_cells": 30 + 39 + 26, "edge_km": 2.91}
        assert ("2.9 km" if lang == "en" else "2,9 km") in check.message
    bad = tmp_path / "bad.toml"
    bad.write_text('[landscape]\nname = "Test"\n\n[boundary]\nmethod = "dem"\ndem = "nocrs.tif"\noutlet = [0, 0]\n', encoding="utf-8")
    from landgeo.errors import CRSError

    with pytest.raises(CRSError, match="no CRS"):
        METHODS["dem"](read_recipe(bad))


def test_boundary_from_dem_is_the_recipe_method(tmp_path):
    """``from landgeo import boundary_from_dem`` gives the Boundary that ``method = "dem"`` gives."""
    import landgeo
    from landgeo.delineate import delineate
    from landgeo.recipe import read_recipe

    repo = Path(__file__).resolve().parents[1]
    recipe = read_recipe(repo / "boundaries" / "demo-watershed.toml")
    b = landgeo.boundary_from_dem(repo / "layers" / "demo" / "dem.tif", recipe.boundary["outlet"])
    assert b.method == "dem" and [c.id for c in b.checks] == ["dem_edge", "dem_snap"]
    assert b.area_ha == pytest.approx(delineate(recipe).area_ha, rel=1e-12)
    assert b.details["outlet_snapped"] == delineate(recipe).details["outlet_snapped"]
