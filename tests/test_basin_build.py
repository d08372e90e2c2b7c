"""`landgeo basins build`: a HydroBASINS-like layer from synthetic DEMs whose river network is known."""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
import shapely
from click.testing import CliRunner
from pyproj import Geod, Transformer
from rasterio.transform import from_origin
from scipy import ndimage

from landgeo.cli.main import main
from landgeo.delineate.basins.build import build_basins
from landgeo.errors import UsageError
from landgeo.io.raster import open_raster
from landgeo.io.vector import read_vector

UTM28 = "EPSG:32628"
TF = from_origin(300_000.0, 650_000.0, 30.0, 30.0)
GEOD = Geod(ellps="WGS84")
CELL_HA = 0.09


def write_tif(path, z, *, crs=UTM28, transform=TF):
    with rasterio.open(path, "w", driver="GTiff", height=z.shape[0], width=z.shape[1], count=1, dtype="float32",
                       crs=crs, transform=transform) as dst:
        dst.write(z.astype("float32"), 1)
    return path


def grid_area_ha(nr, nc):
    """Geodesic area of the whole grid (densified outline), by pyproj.Geod."""
    t = np.linspace(0, 1, 60)
    xs = np.concatenate([t * nc, np.full(60, nc), (1 - t) * nc, np.zeros(60)])
    ys = np.concatenate([np.zeros(60), t * nr, np.full(60, nr), (1 - t) * nr])
    X, Y = TF @ (xs, ys)
    lon, lat = Transformer.from_crs(UTM28, "EPSG:4326", always_xy=True).transform(X, Y)
    return abs(GEOD.polygon_area_perimeter(lon, lat)[0]) / 1e4


def y_network(nr=60, nc=41):
    """A main river down column 20 (outlet at the bottom) and a tributary along row 30 from the east.

    River cells fall 0.1 m per cell towards the outlet; hillslopes rise 1 m per cell away from the
    nearest river cell, so every cell drains to the river next to it.
    """
    river = np.zeros((nr, nc), bool)
    elev = np.zeros((nr, nc))
    river[:, 20] = True
    elev[:, 20] = (nr - 1 - np.arange(nr)) * 0.1
    river[30, 21:] = True
    elev[30, 21:] = elev[30, 20] + (np.arange(21, nc) - 20) * 0.1
    dist, (ir, ic) = ndimage.distance_transform_edt(~river, return_indices=True)
    return elev[ir, ic] + dist * 1.0


def test_y_network_units_topology_and_areas(tmp_path):
    z = y_network()
    path = write_tif(tmp_path / "y.tif", z)
    with open_raster(path) as src:
        layer = build_basins(src, min_unit_ha=100 * CELL_HA)
    rivers = layer[layer.COAST == 0]
    assert len(rivers) == 3
    root = rivers[rivers.NEXT_DOWN == 0]
    assert len(root) == 1
    root_id = int(root.HYBAS_ID.iloc[0])
    upstream = rivers[rivers.NEXT_DOWN == root_id]
    assert len(upstream) == 2
    # UP_AREA adds up SUB_AREA, and the root drains everything
    assert root.UP_AREA.iloc[0] == pytest.approx(root.SUB_AREA.iloc[0] + upstream.SUB_AREA.sum(), abs=1e-3)
    total_ha = grid_area_ha(*z.shape)
    assert layer.SUB_AREA.sum() * 100 == pytest.approx(total_ha, rel=1e-4)
    assert root.UP_AREA.iloc[0] * 100 == pytest.approx(total_ha, rel=1e-4)  # no coastal lump: every cell reaches the river
    # units tile the grid: no overlap, no gap
    union = shapely.union_all(layer.geometry.values)
    assert sum(g.area for g in layer.geometry) == pytest.approx(union.area, rel=1e-9)
    # the upper main stem (larger) keeps ORDER 1 and PFAF 3; the tributary is ORDER 2, PFAF 2; the root PFAF 1
    main_up = upstream.loc[upstream.UP_AREA.idxmax()]
    trib = upstream.loc[upstream.UP_AREA.idxmin()]
    assert (int(root.PFAF_ID.iloc[0]), int(trib.PFAF_ID), int(main_up.PFAF_ID)) == (1, 2, 3)
    assert (int(root.ORDER.iloc[0]), int(trib.ORDER), int(main_up.ORDER)) == (1, 2, 1)
    assert set(layer.MAIN_BAS) == {root_id} and set(layer.NEXT_SINK) == {root_id}
    assert list(layer.SORT) == list(range(1, len(layer) + 1)) and layer.HYBAS_ID.is_unique
    # the tributary joins at row 30: its outlet is the cell just east of the main river
    col, row = ~TF @ Transformer.from_crs("EPSG:4326", UTM28, always_xy=True).transform(trib.OUTLET_LON, trib.OUTLET_LAT)
    assert (int(row), int(col)) == (30, 21)
    # and the tributary unit holds the cells east of the main river around row 30
    assert trib.SUB_AREA * 100 / CELL_HA == pytest.approx(20 * 19, rel=0.25)


def test_threshold_above_everything_gives_coastal_lumps(tmp_path):
    path = write_tif(tmp_path / "y.tif", y_network())
    with open_raster(path) as src:
        layer = build_basins(src, min_unit_ha=1e9)
    assert (layer.COAST == 1).all() and (layer.NEXT_DOWN == 0).all() and (layer.ORDER == 0).all()
    assert layer.PFAF_ID.is_unique
    with open_raster(path) as src, pytest.raises(UsageError, match="min-unit-ha"):
        build_basins(src, min_unit_ha=0)


def test_cli_build_writes_a_layer_the_tracer_reads(tmp_path):
    path = write_tif(tmp_path / "y.tif", y_network())
    out = tmp_path / "basins.gpkg"
    runner = CliRunner()
    res = runner.invoke(main, ["basins", "build", str(path), "-o", str(out), "--min-unit-ha", "9"])
    assert res.exit_code == 0, res.output
    assert "3 units (0 coastal), 1 outlets" in res.output
    gdf = read_vector(out)
    for name in ("HYBAS_ID", "NEXT_DOWN", "NEXT_SINK", "MAIN_BAS", "SUB_AREA", "UP_AREA", "PFAF_ID", "ENDO", "COAST", "ORDER", "SORT"):
        assert name in gdf.columns
    assert gdf.crs.to_epsg() == 4326
    again = runner.invoke(main, ["basins", "build", str(path), "-o", str(out), "--min-unit-ha", "9"])
    assert again.exit_code == 2 and "overwrite" in again.output
    # the tracer (landgeo basins suggest) finds the whole network from a point near the outlet
    lon, lat = Transformer.from_crs(UTM28, "EPSG:4326", always_xy=True).transform(*(TF @ (20.5, 58.5)))
    sug = runner.invoke(main, ["basins", "suggest", str(out), "--point", f"{lon},{lat}", "--min-ha", "1", "--max-ha", "1000", "--json"])
    assert sug.exit_code == 0, sug.output
    import json

    cand = json.loads(sug.output)["candidates"][0]
    assert cand["n_units"] == 3
    assert cand["area_ha"] == pytest.approx(grid_area_ha(60, 41), rel=1e-3)


def _smooth_dem(seed: int, n: int = 48) -> np.ndarray:
    rng = np.random.default_rng(seed)
    z = ndimage.gaussian_filter(rng.normal(size=(n, n)), 3) * 50
    r, c = np.mgrid[0:n, 0:n]
    return z + 0.3 * r + 0.1 * c  # a regional slope so that rivers form


@pytest.mark.parametrize("seed", range(6))
def test_basin_table_invariants_on_random_dems(tmp_path, seed):
    z = _smooth_dem(seed)
    path = write_tif(tmp_path / "r.tif", z)
    with open_raster(path) as src:
        layer = build_basins(src, min_unit_ha=40 * CELL_HA)
    ids = set(layer.HYBAS_ID)
    down = dict(zip(layer.HYBAS_ID, layer.NEXT_DOWN))
    sub = dict(zip(layer.HYBAS_ID, layer.SUB_AREA))
    # every NEXT_DOWN chain ends at an outlet (0) without a cycle
    for u in ids:
        seen = set()
        while u:
            assert u in ids and u not in seen
            seen.add(u)
            u = down[u]
    # UP_AREA = Σ SUB_AREA of the unit and everything draining to it (brute force)
    for u, up in zip(layer.HYBAS_ID, layer.UP_AREA):
        members = [v for v in ids if _drains_to(v, u, down)]
        assert up == pytest.approx(sum(sub[v] for v in members), abs=1e-3)
    # the units tile the DEM (SUB_AREA is rounded to 1e-4 km², i.e. 0.01 ha, per unit)
    assert layer.SUB_AREA.sum() * 100 == pytest.approx(grid_area_ha(*z.shape), abs=0.005 * len(layer) + 1e-6)
    # Pfafstetter-like codes: unique and no code is a prefix of another (so a prefix selects a sub-basin)
    codes = sorted(str(p) for p in layer.PFAF_ID)
    assert len(set(codes)) == len(codes)
    assert not any(b.startswith(a) for a, b in zip(codes, codes[1:]))


def _drains_to(v, u, down):
    while v:
        if v == u:
            return True
        v = down[v]
    return False
