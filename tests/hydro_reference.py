"""Reference hydrology kernels used only by the tests and benchmarks (moved out of the package).

The older conditioning chain :func:`fill_depressions` → :func:`d8_directions` →
:func:`resolve_flats` (Barnes, Lehman & Mulla 2014 flat gradients), kept as a cross-check
of :func:`landgeo.hydro.condition.fill_with_directions` + ``d8_complete``, and two
diagnostics (:func:`count_unresolved`, :func:`trapped_cells`). Grid layout and codes:
:mod:`landgeo.hydro.core`.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from landgeo.hydro.condition import fill_with_directions
from landgeo.hydro.core import FLAT, OUT, grow, inv_dist, offsets, steepest


@njit(cache=True)
def fill_depressions(z, zbits, w):
    """Fill every depression of the padded DEM ``z`` in place (priority-flood), without directions.

    ``zbits`` is ``z.view(np.uint32)``. Cells that touch the border or nodata
    are the outlets. The flood of :func:`fill_with_directions` (a variant of
    Zhou, Sun & Fu 2016: cells outside depressions are reached by an upward
    trace without the heap), its directions dropped. Returns
    ``(cells_raised, cells_flooded)``.
    """
    dirs = np.zeros(z.size, dtype=np.uint8)
    return fill_with_directions(z, zbits, w, dirs)


@njit(cache=True, parallel=True)
def d8_directions(z, w, dx, dy):
    """Steepest-descent D8 directions of a filled, padded DEM (rows in parallel).

    ``dx``/``dy`` are the cell width and height for each (unpadded) row, in
    the units the slopes are wanted in. Returns ``(dirs, n_flat)``: ``dirs``
    coded as in the module docstring, ``n_flat`` the number of cells without a
    lower neighbour that touch neither the border nor nodata.
    """
    n = z.size
    h = n // w
    off = offsets(w)
    dirs = np.zeros(n, dtype=np.uint8)
    flats_in_row = np.zeros(h, dtype=np.int64)
    for r in prange(1, h - 1):
        inv = np.empty(8, dtype=np.float64)
        inv_dist(dx, dy, r, inv)
        count = 0
        for i in range(r * w + 1, r * w + w - 1):
            v = z[i]
            if v != v:
                continue
            bk = steepest(z, i, off, inv)
            edge = False
            for k in range(8):
                u = z[i + off[k]]
                if u != u:
                    edge = True
            if bk >= 0:
                dirs[i] = bk + 1
            elif edge:
                dirs[i] = OUT
            else:
                dirs[i] = FLAT
                count += 1
        flats_in_row[r] = count
    return dirs, flats_in_row.sum()


@njit(cache=True)
def _flat_bfs(comp, m, off, dirs, local, steps, q):
    """Breadth-first steps through one flat from the cells whose ``steps`` is already set (> 0).

    ``comp`` holds the flat's ``m`` cells, ``local`` maps a cell to its index in
    ``comp``; ``q`` is scratch space of at least ``m``. Returns the largest step.
    """
    qn = 0
    for a in range(m):
        if steps[a]:
            q[qn] = a
            qn += 1
    head = 0
    top = 0
    while head < qn:
        a = q[head]
        head += 1
        step = steps[a]
        if step > top:
            top = step
        cur = comp[a]
        for k in range(8):
            j = cur + off[k]
            if dirs[j] == FLAT:
                b = local[j]
                if steps[b] == 0:
                    steps[b] = step + 1
                    q[qn] = b
                    qn += 1
    return top


@njit(cache=True)
def resolve_flats(z, dirs, w, dx, dy):
    """Give every FLAT cell a direction (Barnes, Lehman & Mulla 2014).

    Within each flat (8-connected FLAT cells, all of one elevation) a gradient
    ``2 * steps-towards-lower + (max - steps-away-from-higher)`` is built by two
    breadth-first passes; each cell drains to the same-elevation neighbour with
    the steepest (distance-weighted) descent of that gradient, the low edges
    (same-elevation cells that have a direction) counting 2. Modifies ``dirs``.

    Returns ``(n_flats, n_cells, n_unresolved)``.
    """
    n = z.size
    off = offsets(w)
    local = np.full(n, -1, dtype=np.int32)
    comp = np.empty(1024, dtype=np.int32)
    away = np.empty(1024, dtype=np.int32)
    tow = np.empty(1024, dtype=np.int32)
    newd = np.empty(1024, dtype=np.int32)
    q = np.empty(1024, dtype=np.int32)
    inv = np.empty(8, dtype=np.float64)
    n_flats = 0
    n_cells = 0
    n_unres = 0
    for i0 in range(n):
        if dirs[i0] != FLAT or local[i0] >= 0:
            continue
        n_flats += 1
        elev = z[i0]
        comp[0] = i0
        local[i0] = 0
        m = 1
        head = 0
        while head < m:
            a = head
            cur = comp[head]
            head += 1
            high = 0
            low = 0
            for k in range(8):
                j = cur + off[k]
                d = dirs[j]
                if d == FLAT:
                    if local[j] < 0:
                        if m >= comp.size:
                            comp = grow(comp)
                        local[j] = m
                        comp[m] = j
                        m += 1
                else:
                    u = z[j]
                    if u > elev:
                        high = 1
                    elif u == elev and d >= 1 and d <= OUT:
                        low = 1  # a low edge: same elevation, with a way down
            if m > away.size:
                while away.size < m:
                    away = grow(away)
                    tow = grow(tow)
                    q = grow(q)
                    newd = grow(newd)
            away[a] = high  # 1 on the high edge
            tow[a] = 2 * low  # 2 next to a low edge (which counts 1)
        n_cells += m
        amax = _flat_bfs(comp, m, off, dirs, local, away, q)  # steps away from higher terrain
        _flat_bfs(comp, m, off, dirs, local, tow, q)  # steps towards lower terrain (low edges count 1)
        # combined gradient (kept in away), then directions
        for a in range(m):
            g = 2 * tow[a]
            if away[a] > 0:
                g += amax - away[a]
            if tow[a] == 0:
                g = -1  # no path to lower terrain
            away[a] = g
        for a in range(m):
            cur = comp[a]
            g = away[a]
            bk = -1
            if g > 0:
                inv_dist(dx, dy, cur // w, inv)
                best = 0.0
                for k in range(8):
                    j = cur + off[k]
                    if z[j] != elev:
                        continue
                    d = dirs[j]
                    if d == FLAT:
                        gn = away[local[j]]
                        if gn < 0:
                            continue
                    elif d >= 1 and d <= OUT:
                        gn = 2
                    else:
                        continue
                    s = (g - gn) * inv[k]
                    if s > best:
                        best = s
                        bk = k
            newd[a] = bk + 1 if bk >= 0 else FLAT
        for a in range(m):
            if newd[a] == FLAT:
                n_unres += 1
            dirs[comp[a]] = newd[a]
    return n_flats, n_cells, n_unres


@njit(cache=True)
def count_unresolved(z, dirs, w):
    """Interior pits and flats left after conditioning, checked cell by cell.

    Only cells whose 8 neighbours are all valid count. ``pits``: cells lower
    than every neighbour; ``flats``: cells without a direction to a neighbour,
    or whose downstream neighbour is higher. Returns ``(pits, flats)``.
    """
    off = offsets(w)
    pits = 0
    flats = 0
    for i in range(w, z.size - w):
        v = z[i]
        if v != v:
            continue
        interior = True
        lowest = True
        for k in range(8):
            u = z[i + off[k]]
            if u != u:
                interior = False
                break
            if u <= v:
                lowest = False
        if not interior:
            continue
        if lowest:
            pits += 1
        d = dirs[i]
        if d < 1 or d > 8:
            flats += 1
        elif z[i + off[d - 1]] > v:
            flats += 1
    return pits, flats


@njit(cache=True)
def trapped_cells(dirs, w):
    """Number of valid cells whose downstream path never leaves the grid (cycles or dead ends).

    0 means every valid cell drains, through its directions, to an OUT cell.
    """
    off = offsets(w)
    n = dirs.size
    state = np.zeros(n, dtype=np.uint8)  # 0 new, 1 on the current path, 2 drains out, 3 trapped
    path = np.empty(4096, dtype=np.int32)
    bad = 0
    for i0 in range(n):
        if dirs[i0] == 0 or state[i0] != 0:
            continue
        pn = 0
        i = i0
        result = 2
        while True:
            s = state[i]
            if s >= 2:
                result = s
                break
            if s == 1:
                result = 3
                break
            state[i] = 1
            if pn >= path.size:
                path = grow(path)
            path[pn] = i
            pn += 1
            d = dirs[i]
            if d == OUT:
                result = 2
                break
            if d < 1 or d > 8 or dirs[i + off[d - 1]] == 0:
                result = 3
                break
            i = i + off[d - 1]
        for a in range(pn):
            state[path[a]] = result
        if result == 3:
            bad += pn
    return bad
