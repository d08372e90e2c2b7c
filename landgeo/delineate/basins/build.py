"""A HydroBASINS-like basin layer derived from a DEM (``landgeo basins build``).

Like HydroBASINS, a basin is split into two sub-basins wherever two river
branches meet that each drain at least ``min_unit_ha``: the units are the
local catchments of the stream links between such confluences. Cells that
leave the DEM without reaching a stream are lumped into coastal units, one per
8-connected patch (``COAST = 1``). Every unit drains off the DEM through its
NEXT_DOWN chain (depressions are filled, so ``ENDO = 0``).

Fields (HydroBASINS names): ``HYBAS_ID`` (1…n), ``NEXT_DOWN`` (0 at an outlet),
``NEXT_SINK`` and ``MAIN_BAS`` (the basin's outlet unit), ``SUB_AREA`` and
``UP_AREA`` in km² (geodesic; UP_AREA = Σ SUB_AREA upstream, the unit
included), ``PFAF_ID`` (Pfafstetter-like code: at each level the four largest
tributaries of the main stem are 2, 4, 6, 8 from downstream up and the
inter-basins 1, 3, 5, 7, 9; the DEM's outlets are the first level, ordered
along the edge; codes are as long as the nesting needs), ``ENDO``, ``COAST``,
``ORDER`` (1 main stem, 2 its tributaries…, 0 coastal lumps) and ``SORT``
(downstream to upstream). ``OUTLET_LON``/``OUTLET_LAT`` give each unit's
outlet cell.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio.features
import rasterio.transform
import shapely
from numba import njit
from pyproj import CRS, Transformer
from scipy import ndimage
from shapely.geometry import shape as shape_of

from ...errors import UsageError
from ...geo import geodesy
from ...geo.crs import WGS84
from ...hydro.core import offsets
from ...hydro.flowgrid import FlowGrid
from ...i18n import Text
from ...io.raster import open_raster
from ...io.vector import check_vector_output, write_vector_file

log = logging.getLogger(__name__)
MAX_PFAF_DIGITS = 14  # leaves room in an int64 for the fallback numbering


@njit(cache=True)
def _unit_outlets(dirs, w, stream):
    """Ids (1…n) at unit-outlet cells: stream cells that drain off the grid or into a confluence."""
    off = offsets(w)
    n = dirs.size
    sdeg = np.zeros(n, dtype=np.uint8)
    for i in range(n):
        d = dirs[i]
        if stream[i] and d >= 1 and d <= 8:
            sdeg[i + off[d - 1]] += 1
    ids = np.zeros(n, dtype=np.int32)
    k = 0
    for i in range(n):
        if not stream[i]:
            continue
        d = dirs[i]
        if d < 1 or d > 8 or sdeg[i + off[d - 1]] >= 2:
            k += 1
            ids[i] = k
    return ids


def _edge_position(row: float, col: float, h: int, w: int) -> float:
    """Position of a cell along the DEM edge, clockwise from the top-left corner (0…2h+2w)."""
    d = {"top": row, "right": w - 1 - col, "bottom": h - 1 - row, "left": col}
    side = min(d, key=d.get)
    if side == "top":
        return col
    if side == "right":
        return w + row
    if side == "bottom":
        return w + h + (w - 1 - col)
    return 2 * w + h + (h - 1 - row)


class _Pfaf:
    """Pfafstetter-like codes on a unit tree (children lists, UP_AREA)."""

    def __init__(self, children: dict[int, list[int]], up: dict[int, float]):
        self.children = children
        self.up = up
        self.codes: dict[int, int] = {}

    def basin(self, root: int) -> list[tuple[int | None, list[int]]]:
        """The main stem from ``root`` (largest UP_AREA upstream) with each stem unit's other tributaries."""
        entries = []
        unit = root
        while True:
            kids = sorted(self.children.get(unit, []), key=lambda u: (-self.up[u], u))
            nxt = kids[0] if kids else None
            entries.append((unit, kids[1:]))
            if nxt is None:
                return entries
            unit = nxt

    def units(self, entries) -> list[int]:
        out = []
        for stem, tribs in entries:
            if stem is not None:
                out.append(stem)
            for t in tribs:
                out.extend(self.subtree(t))
        return out

    def subtree(self, root: int) -> list[int]:
        out, stack = [], [root]
        while stack:
            u = stack.pop()
            out.append(u)
            stack.extend(self.children.get(u, []))
        return out

    def assign(self, entries, prefix: int, digits: int) -> None:
        work = [(entries, prefix, digits)]
        while work:
            entries, prefix, digits = work.pop()
            stems = [s for s, _ in entries if s is not None]
            tribs = [(i, t) for i, (_, ts) in enumerate(entries) for t in ts]
            if len(stems) == 1 and not tribs:
                self.codes[stems[0]] = prefix or 1
                continue
            if not stems and len(tribs) == 1:
                work.append((self.basin(tribs[0][1]), prefix, digits))
                continue
            if digits >= MAX_PFAF_DIGITS:
                members = self.units(entries)  # too deep for an int64 code: number them
                width = len(str(len(members)))
                for j, u in enumerate(members, start=1):
                    self.codes[u] = prefix * 10**width + j
                continue
            big = sorted(tribs, key=lambda it: (-self.up[it[1]], it[0], it[1]))[:4]
            big_set = {t for _, t in big}
            big.sort(key=lambda it: (it[0], -self.up[it[1]]))
            spans, start = [], 0
            for pos, _t in big:
                part = [(s, [x for x in ts if x not in big_set]) for s, ts in entries[start : pos + 1]]
                spans.append(part)
                start = pos + 1
            spans.append([(s, list(ts)) for s, ts in entries[start:]])
            for n, part in enumerate(spans):
                part = [(s, ts) for s, ts in part if s is not None or ts]
                if part:
                    work.append((part, prefix * 10 + 2 * n + 1, digits + 1))
            for n, (_, t) in enumerate(big):
                work.append((self.basin(t), prefix * 10 + 2 * n + 2, digits + 1))


@dataclass
class _Units:
    """The units of a DEM: labels (flat, padded; river units 1…n_river, coastal units above), outlet cells, next unit down."""
    labels: np.ndarray
    n_river: int
    n_units: int
    outlet_cell: np.ndarray
    next_down: np.ndarray


def _label_units(cond: FlowGrid, acc: np.ndarray, min_unit_ha: float, name: str) -> _Units:
    """River units (split at confluences of branches draining ``min_unit_ha``) and coastal units (the rest, by 8-connected part)."""
    h, w = cond.dirs.shape
    ids = _unit_outlets(cond.flat, w, acc >= min_unit_ha)
    n_river = int(ids.max())
    labels = cond.label(ids)
    lab2 = labels.reshape(h, w)
    coast, n_coast = ndimage.label(lab2 == -1, structure=np.ones((3, 3), bool))
    lab2[coast > 0] = coast[coast > 0] + n_river
    del coast
    n_units = n_river + n_coast
    if n_units == 0:
        raise UsageError(Text("{name}: the DEM has no valid cell to build basins from", params={"name": str(name)}))
    log.info(Text("basins: river units {river}, coastal units {coastal} (min_unit_ha = {min_unit_ha})",
                  params={"river": int(n_river), "coastal": int(n_coast), "min_unit_ha": f"{min_unit_ha:g}"}))

    # the outlet cell of each unit: river units from ids, coastal units at their highest accumulation
    outlet_cell = np.zeros(n_units + 1, dtype=np.int64)
    river_cells = np.flatnonzero(ids)
    outlet_cell[ids[river_cells]] = river_cells
    if n_coast:
        cells = np.flatnonzero(labels > n_river)
        order = np.lexsort((acc[cells], labels[cells]))
        cells = cells[order]
        last = np.r_[np.flatnonzero(np.diff(labels[cells])), cells.size - 1]
        outlet_cell[labels[cells[last]]] = cells[last]
    next_down = np.zeros(n_units + 1, dtype=np.int64)
    off = offsets(w)
    dirs = cond.flat
    for u in range(1, n_river + 1):
        i = outlet_cell[u]
        d = dirs[i]
        if 1 <= d <= 8:
            next_down[u] = labels[i + off[d - 1]]
    return _Units(labels, n_river, n_units, outlet_cell, next_down)


def _unit_polygons(units: _Units, shape: tuple[int, int], transform, crs) -> gpd.GeoSeries:
    """The polygons of units 1…n (4-connected parts of each label) in EPSG:4326."""
    inner = np.ascontiguousarray(units.labels.reshape(shape)[1:-1, 1:-1])
    parts: dict[int, list] = defaultdict(list)
    for geom, value in rasterio.features.shapes(inner, mask=inner > 0, connectivity=4, transform=transform):
        parts[int(value)].append(shape_of(geom))
    geoms = [None] * (units.n_units + 1)
    for u, ps in parts.items():
        geoms[u] = ps[0] if len(ps) == 1 else shapely.MultiPolygon(ps)
    series = gpd.GeoSeries(geoms[1:], crs=crs)
    return series if CRS(crs).equals(WGS84) else series.to_crs(WGS84)


@dataclass
class _Topology:
    """The unit tree: children, roots (outlets), units downstream to upstream, main basin, upstream area, stream order, depth."""
    children: dict[int, list[int]]
    roots: list[int]
    topo: list[int]
    main: np.ndarray
    up_km2: np.ndarray
    order: np.ndarray
    depth: np.ndarray


def _topology(units: _Units, sub_km2: np.ndarray) -> _Topology:
    """Upstream areas, main basins, stream order and depth from NEXT_DOWN."""
    n_units, n_river, next_down = units.n_units, units.n_river, units.next_down
    children: dict[int, list[int]] = defaultdict(list)
    for u in range(1, n_units + 1):
        if next_down[u]:
            children[int(next_down[u])].append(u)
    roots = [u for u in range(1, n_units + 1) if next_down[u] == 0]
    topo: list[int] = []  # downstream to upstream
    main = np.zeros(n_units + 1, dtype=np.int64)
    for r in roots:
        stack = [r]
        while stack:
            u = stack.pop()
            topo.append(u)
            main[u] = r
            stack.extend(children.get(u, []))
    up_km2 = sub_km2.copy()
    for u in reversed(topo):
        if next_down[u]:
            up_km2[next_down[u]] += up_km2[u]
    order = np.zeros(n_units + 1, dtype=np.int64)
    depth = np.zeros(n_units + 1, dtype=np.int64)
    for u in topo:
        d = next_down[u]
        if d:
            depth[u] = depth[d] + 1
        if u > n_river:
            continue
        if d == 0:
            order[u] = 1
        else:
            kids = children[int(d)]
            biggest = max(kids, key=lambda k: (up_km2[k], -k))
            order[u] = order[d] if u == biggest else order[d] + 1
    return _Topology(children, roots, topo, main, up_km2, order, depth)


def _pfaf_codes(units: _Units, tree: _Topology, shape: tuple[int, int]) -> dict[int, int]:
    """Pfafstetter-like codes: the DEM's outlets along its edge are the first level."""
    h, w = shape
    pf = _Pfaf(tree.children, {u: float(tree.up_km2[u]) for u in range(1, units.n_units + 1)})
    pos = []
    for r in tree.roots:
        i = units.outlet_cell[r]
        pos.append((_edge_position(i // w - 1, i % w - 1, h - 2, w - 2), r))
    pf.assign([(None, [r]) for _, r in sorted(pos)], 0, 0)
    return pf.codes


def build_basins(src, *, min_unit_ha: float) -> gpd.GeoDataFrame:
    """A HydroBASINS-like layer (EPSG:4326) from a DEM.

    Parameters
    ----------
    src
        An open rasterio dataset (from :func:`landgeo.layers.open_raster`).
    min_unit_ha
        A river branch starts where the drained area reaches this many
        hectares; units split at confluences of two such branches.
    """
    if not min_unit_ha or min_unit_ha <= 0:
        raise UsageError(Text("--min-unit-ha = {min_unit_ha}: give a positive area in hectares, e.g. 5000", params={"min_unit_ha": repr(min_unit_ha)}))
    cond = FlowGrid.from_dem(src)
    shape = cond.dirs.shape
    w = shape[1]
    acc = cond.accumulation(cond.cell_area_ha())
    units = _label_units(cond, acc, min_unit_ha, src.name)
    series = _unit_polygons(units, shape, src.transform, src.crs)
    sub_km2 = np.r_[0.0, geodesy.areas_ha(series.values) / 100.0]
    tree = _topology(units, sub_km2)
    codes = _pfaf_codes(units, tree, shape)

    # sort downstream to upstream, by basin (largest first) then depth; ids follow SORT
    main, up_km2, next_down, outlet_cell = tree.main, tree.up_km2, units.next_down, units.outlet_cell
    order = list(range(1, units.n_units + 1))
    order.sort(key=lambda u: (-up_km2[main[u]], main[u], tree.depth[u], str(codes[u])))
    new_id = np.zeros(units.n_units + 1, dtype=np.int64)
    for k, u in enumerate(order, start=1):
        new_id[u] = k
    x, y = rasterio.transform.xy(src.transform, [outlet_cell[u] // w - 1 for u in order], [outlet_cell[u] % w - 1 for u in order])
    lon, lat = Transformer.from_crs(src.crs, WGS84, always_xy=True).transform(np.asarray(x), np.asarray(y))
    return gpd.GeoDataFrame(
        {
            "HYBAS_ID": new_id[order],
            "NEXT_DOWN": [int(new_id[next_down[u]]) if next_down[u] else 0 for u in order],
            "NEXT_SINK": new_id[main[order]],
            "MAIN_BAS": new_id[main[order]],
            "SUB_AREA": np.round(sub_km2[order], 4),
            "UP_AREA": np.round(up_km2[order], 4),
            "PFAF_ID": np.array([codes[u] for u in order], dtype=np.int64),
            "ENDO": np.zeros(len(order), dtype=np.int64),
            "COAST": np.array([1 if u > units.n_river else 0 for u in order], dtype=np.int64),
            "ORDER": tree.order[order],
            "SORT": np.arange(1, len(order) + 1, dtype=np.int64),
            "OUTLET_LON": np.round(lon, 6),
            "OUTLET_LAT": np.round(lat, 6),
        },
        geometry=[series.values[u - 1] for u in order],
        crs=WGS84,
    )


def build_basins_file(dem_path: str | Path, out: str | Path, *, min_unit_ha: float, crs=None, overwrite: bool = False,
                      styles=None) -> gpd.GeoDataFrame:
    """Build the basin layer of a DEM file and write it (GPKG, GeoJSON, SHP… by extension).

    ``styles``: QGIS styles for a GeoPackage's ``layer_styles`` (see :func:`landgeo.render.qml.basin_styles`).
    """

    out = check_vector_output(out, overwrite=overwrite, inputs=[dem_path])
    with open_raster(dem_path, crs=crs) as src:
        frame = build_basins(src, min_unit_ha=min_unit_ha)
    write_vector_file(frame, out, layer="basins", overwrite=overwrite, styles=styles)
    return frame
