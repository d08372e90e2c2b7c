"""Coverage dissolve: a gap-free union of adjacent polygons (basin units, raster-cut units).

Polygons cut from a raster meet at T-junctions; :func:`node_coverage` inserts the missing
vertices so that ``shapely.coverage_union_all`` accepts them, and :func:`dissolve` falls back to
``union_all`` when the units are not a clean coverage.
"""

from __future__ import annotations

import logging

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

log = logging.getLogger(__name__)


def _hash_rows(values: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each row of a float array (exact coordinates → equal hashes).

    A collision could only hide a T-junction; :func:`dissolve` then notices the
    bad union and falls back to ``union_all``.
    """
    bits = np.ascontiguousarray(values, dtype=np.float64).view(np.uint64).reshape(len(values), -1)
    h = np.full(len(values), 0x9E3779B97F4A7C15, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(bits.shape[1]):
            h = (h ^ bits[:, j]) * np.uint64(0xBF58476D1CE4E5B9)
            h ^= h >> np.uint64(31)
    return h


def node_coverage(geoms, *, tolerance: float | None = None) -> tuple[np.ndarray, int]:
    """Insert into each polygon the vertices of its neighbours that lie on its edges.

    Polygons cut from a raster (HydroBASINS, DEM basins) meet at T-junctions: a
    vertex of one unit lies inside a straight edge of its neighbour, so their
    shared edges are not identical and ``coverage_union_all`` refuses them.
    Only edges that occur once are searched (shared, already matching edges
    occur twice), so this costs a fraction of a full union.

    Parameters
    ----------
    geoms
        (Multi)Polygons forming a coverage, any planar CRS.
    tolerance
        How close (layer units) a vertex must be to an edge to be inserted;
        by default 1e-10 of the coordinate extent.

    Returns
    -------
    (noded, inserted)
        The polygons (MultiPolygons where a unit has parts) and the number of
        vertices inserted.
    """
    geoms = np.asarray(geoms, dtype=object)
    parts, part_unit = shapely.get_parts(geoms, return_index=True)
    polygonal = shapely.get_type_id(parts) == 3  # lines or points left by a repair have no rings
    parts, part_unit = parts[polygonal], part_unit[polygonal]
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    if len(coords) == 0:
        return geoms, 0
    if tolerance is None:
        tolerance = max(float(np.ptp(coords, axis=0).max()), 1e-6) * 1e-10
    seg = np.nonzero(ring_of[:-1] == ring_of[1:])[0]  # segment seg[k]: coords[seg[k]] → coords[seg[k] + 1]
    a, b = coords[seg], coords[seg + 1]
    swap = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
    key = _hash_rows(np.hstack([np.where(swap[:, None], b, a), np.where(swap[:, None], a, b)]))
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    single = seg[counts[inverse.ravel()] == 1]
    if len(single) == 0:
        return geoms, 0
    sa, sb = coords[single], coords[single + 1]
    ends = np.vstack([sa, sb])
    _, first = np.unique(_hash_rows(ends), return_index=True)
    cand = ends[first]
    tree = shapely.STRtree(shapely.linestrings(np.stack([sa, sb], axis=1)))
    pi, si = tree.query(shapely.points(cand), predicate="dwithin", distance=tolerance)
    p, s0, s1 = cand[pi], sa[si], sb[si]
    d = s1 - s0
    length2 = np.maximum((d * d).sum(axis=1), 1e-300)
    t = ((p - s0) * d).sum(axis=1) / length2
    end = tolerance / np.sqrt(length2)
    inner = (t > end) & (t < 1.0 - end)
    if not inner.any():
        return geoms, 0
    p, t, at = p[inner], t[inner], single[si[inner]]
    order = np.lexsort((t, at))  # along each segment, in order
    p, at = p[order], at[order]
    xy = np.insert(coords, at + 1, p, axis=0)  # same-index insertions keep their order
    new_ring_of = np.insert(ring_of, at + 1, ring_of[at])
    new_rings = shapely.linearrings(xy, indices=new_ring_of)
    new_parts = shapely.polygons(new_rings, indices=ring_part)
    out = geoms.copy()
    units_with_parts = np.unique(part_unit)
    out[units_with_parts] = shapely.multipolygons(new_parts, indices=np.searchsorted(units_with_parts, part_unit))
    return out, int(len(at))


def dissolve(geoms, *, rel_tolerance: float = 1e-9) -> BaseGeometry:
    """Gap-free union of adjacent (Multi)Polygons in a planar CRS.

    Nodes the shared edges (:func:`node_coverage`), then merges with
    ``shapely.coverage_union_all``; if the result's planar area differs from
    the sum of the inputs by more than ``rel_tolerance`` (overlapping or
    broken units), falls back to ``shapely.union_all`` and logs it.
    """
    geoms = np.asarray([g for g in np.atleast_1d(np.asarray(geoms, dtype=object)) if g is not None and not g.is_empty], dtype=object)
    if len(geoms) == 0:
        return shapely.Polygon()
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        geoms[invalid] = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
    if len(geoms) == 1:
        return geoms[0]
    total = float(shapely.area(geoms).sum())
    try:
        noded, inserted = node_coverage(geoms)
        merged = shapely.coverage_union_all(noded)
        ok = merged.is_valid and abs(merged.area - total) <= rel_tolerance * max(total, 1e-300)
    except shapely.errors.GEOSException as exc:
        log.debug("coverage union failed (%s)", exc)  # the engine's words; the union below gives the same area
        ok = False
    if ok:
        log.debug("dissolved %d units (%d T-junction vertices inserted)", len(geoms), inserted)
        return merged
    log.debug("units are not a clean coverage (overlaps or gaps); dissolving with union_all")
    return shapely.union_all(geoms)


