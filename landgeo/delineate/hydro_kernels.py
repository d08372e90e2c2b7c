"""Numba kernels for DEM hydrology: fill, D8, flats, accumulation, upstream walks.

Every kernel works on a 2-D ``float32`` elevation array in which NaN marks
nodata, and on a ``uint8`` direction array with these codes:

``0`` nodata, ``1..8`` flow to the neighbour N, NE, E, SE, S, SW, W, NW,
``OUT`` (9) the cell drains off the grid (it is on the grid edge or next to
nodata and has no lower neighbour), ``FLAT`` (10) no lower neighbour yet
(only between :func:`d8_directions` and :func:`resolve_flats`).

No recursion: queues and stacks are growable arrays. Compiled functions are
cached on disk (``cache=True``), so a new process pays no compilation.
"""

from __future__ import annotations

import numpy as np
from numba import njit

DR = np.array([-1, -1, 0, 1, 1, 1, 0, -1], dtype=np.int64)
DC = np.array([0, 1, 1, 1, 0, -1, -1, -1], dtype=np.int64)
OUT = 9
FLAT = 10


@njit(cache=True)
def _grow_i32(a):
    b = np.empty(a.size * 2, dtype=np.int32)
    b[: a.size] = a
    return b


@njit(cache=True)
def _grow_f32(a):
    b = np.empty(a.size * 2, dtype=np.float32)
    b[: a.size] = a
    return b


@njit(cache=True)
def _heap_push(keys, vals, n, key, val):
    """Push onto a binary min-heap held in ``keys``/``vals`` of size ``n``; return the arrays."""
    if n >= keys.size:
        keys = _grow_f32(keys)
        vals = _grow_i32(vals)
    i = n
    while i > 0:
        p = (i - 1) >> 1
        if keys[p] <= key:
            break
        keys[i] = keys[p]
        vals[i] = vals[p]
        i = p
    keys[i] = key
    vals[i] = val
    return keys, vals


@njit(cache=True)
def _heap_pop(keys, vals, n):
    """Pop the minimum of a heap of size ``n`` (caller decrements n); return (key, val)."""
    top_k = keys[0]
    top_v = vals[0]
    last = n - 1
    k = keys[last]
    v = vals[last]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= last:
            break
        if child + 1 < last and keys[child + 1] < keys[child]:
            child += 1
        if keys[child] >= k:
            break
        keys[i] = keys[child]
        vals[i] = vals[child]
        i = child
    keys[i] = k
    vals[i] = v
    return top_k, top_v


@njit(cache=True)
def fill_depressions(z):
    """Fill every depression of ``z`` in place (priority-flood, Zhou et al. 2016 variant).

    Cells on the grid edge and next to nodata are the outlets. Cells that are
    not in a depression are reached by an upward trace without the heap; only
    cells that still have a lower unvisited neighbour wait in the heap.

    Returns the number of cells raised.
    """
    nr, nc = z.shape
    closed = np.zeros((nr, nc), dtype=np.uint8)
    hk = np.empty(4096, dtype=np.float32)
    hv = np.empty(4096, dtype=np.int32)
    hn = 0
    dep = np.empty(4096, dtype=np.int32)
    dn = 0
    tr = np.empty(4096, dtype=np.int32)
    tn = 0
    raised = 0
    for r in range(nr):
        for c in range(nc):
            v = z[r, c]
            if v != v:
                continue
            edge = r == 0 or c == 0 or r == nr - 1 or c == nc - 1
            if not edge:
                for k in range(8):
                    w = z[r + DR[k], c + DC[k]]
                    if w != w:
                        edge = True
                        break
            if edge:
                closed[r, c] = 1
                hk, hv = _heap_push(hk, hv, hn, v, r * nc + c)
                hn += 1
    while hn > 0:
        lev, i = _heap_pop(hk, hv, hn)
        hn -= 1
        # expand the popped cell, then the depression it spills into, then the slopes above
        if dn + 8 >= dep.size:
            dep = _grow_i32(dep)
        dep[dn] = i
        dn += 1
        first = True
        while dn > 0:
            dn -= 1
            cur = dep[dn]
            r = cur // nc
            c = cur % nc
            for k in range(8):
                rr = r + DR[k]
                cc = c + DC[k]
                if rr < 0 or rr >= nr or cc < 0 or cc >= nc:
                    continue
                if closed[rr, cc]:
                    continue
                w = z[rr, cc]
                if w != w:
                    continue
                closed[rr, cc] = 1
                if w <= lev:
                    if w < lev:
                        z[rr, cc] = lev
                        raised += 1
                    if dn >= dep.size:
                        dep = _grow_i32(dep)
                    dep[dn] = rr * nc + cc
                    dn += 1
                else:
                    if tn >= tr.size:
                        tr = _grow_i32(tr)
                    tr[tn] = rr * nc + cc
                    tn += 1
            first = False
        while tn > 0:
            tn -= 1
            cur = tr[tn]
            r = cur // nc
            c = cur % nc
            zt = z[r, c]
            lower = False
            for k in range(8):
                rr = r + DR[k]
                cc = c + DC[k]
                if rr < 0 or rr >= nr or cc < 0 or cc >= nc:
                    continue
                if closed[rr, cc]:
                    continue
                w = z[rr, cc]
                if w == w and w < zt:
                    lower = True
                    break
            if lower:
                hk, hv = _heap_push(hk, hv, hn, zt, cur)
                hn += 1
                continue
            for k in range(8):
                rr = r + DR[k]
                cc = c + DC[k]
                if rr < 0 or rr >= nr or cc < 0 or cc >= nc:
                    continue
                if closed[rr, cc]:
                    continue
                w = z[rr, cc]
                if w != w:
                    continue
                closed[rr, cc] = 1
                if tn >= tr.size:
                    tr = _grow_i32(tr)
                tr[tn] = rr * nc + cc
                tn += 1
        _ = first
    return raised


@njit(cache=True)
def d8_directions(z, dx, dy):
    """Steepest-descent D8 directions of a filled DEM.

    ``dx``/``dy`` are the cell width and height in metres for each row (length
    ``nrows``). Returns ``(dirs, n_flat)``: ``dirs`` coded as in the module
    docstring, ``n_flat`` the number of interior cells without a lower neighbour.
    """
    nr, nc = z.shape
    dirs = np.zeros((nr, nc), dtype=np.uint8)
    n_flat = 0
    dist = np.empty(8, dtype=np.float64)
    for r in range(nr):
        dd = np.sqrt(dx[r] * dx[r] + dy[r] * dy[r])
        dist[0] = dy[r]
        dist[1] = dd
        dist[2] = dx[r]
        dist[3] = dd
        dist[4] = dy[r]
        dist[5] = dd
        dist[6] = dx[r]
        dist[7] = dd
        for c in range(nc):
            v = z[r, c]
            if v != v:
                continue
            edge = False
            best = 0.0
            bk = -1
            for k in range(8):
                rr = r + DR[k]
                cc = c + DC[k]
                if rr < 0 or rr >= nr or cc < 0 or cc >= nc:
                    edge = True
                    continue
                w = z[rr, cc]
                if w != w:
                    edge = True
                    continue
                s = (np.float64(v) - np.float64(w)) / dist[k]
                if s > best:
                    best = s
                    bk = k
            if bk >= 0:
                dirs[r, c] = bk + 1
            elif edge:
                dirs[r, c] = OUT
            else:
                dirs[r, c] = FLAT
                n_flat += 1
    return dirs, n_flat


@njit(cache=True)
def resolve_flats(z, dirs, dx, dy):
    """Give every FLAT cell a direction (Barnes, Lehman & Mulla 2014).

    Within each flat (8-connected FLAT cells, all of one elevation) a gradient
    ``2 * steps-towards-lower + (max - steps-away-from-higher)`` is built by two
    breadth-first passes; each cell drains to the same-elevation neighbour with
    the steepest descent of that gradient (distance-weighted). Modifies ``dirs``.

    Returns ``(n_flats, n_cells, n_unresolved)``.
    """
    nr, nc = z.shape
    local = np.full((nr, nc), -1, dtype=np.int32)
    comp = np.empty(1024, dtype=np.int32)
    away = np.empty(1024, dtype=np.int32)
    tow = np.empty(1024, dtype=np.int32)
    newd = np.empty(1024, dtype=np.uint8)
    q = np.empty(1024, dtype=np.int32)
    dist = np.empty(8, dtype=np.float64)
    n_flats = 0
    n_cells = 0
    n_unres = 0
    for r0 in range(nr):
        for c0 in range(nc):
            if dirs[r0, c0] != FLAT or local[r0, c0] >= 0:
                continue
            n_flats += 1
            elev = z[r0, c0]
            # collect the flat
            m = 0
            comp[m] = r0 * nc + c0
            local[r0, c0] = 0
            m = 1
            head = 0
            while head < m:
                cur = comp[head]
                head += 1
                r = cur // nc
                c = cur % nc
                for k in range(8):
                    rr = r + DR[k]
                    cc = c + DC[k]
                    if rr < 0 or rr >= nr or cc < 0 or cc >= nc:
                        continue
                    if dirs[rr, cc] == FLAT and local[rr, cc] < 0:
                        if m >= comp.size:
                            comp = _grow_i32(comp)
                        local[rr, cc] = m
                        comp[m] = rr * nc + cc
                        m += 1
            n_cells += m
            while away.size < m:
                away = _grow_i32(away)
                tow = _grow_i32(tow)
                q = _grow_i32(q)
                nd = np.empty(newd.size * 2, dtype=np.uint8)
                newd = nd
            # away from higher terrain
            qn = 0
            for j in range(m):
                away[j] = 0
                tow[j] = 0
                cur = comp[j]
                r = cur // nc
                c = cur % nc
                for k in range(8):
                    w = z[r + DR[k], c + DC[k]]  # flats are interior: neighbours exist
                    if w > elev:
                        away[j] = 1
                        q[qn] = j
                        qn += 1
                        break
            head = 0
            amax = 0
            while head < qn:
                j = q[head]
                head += 1
                a = away[j]
                if a > amax:
                    amax = a
                cur = comp[j]
                r = cur // nc
                c = cur % nc
                for k in range(8):
                    rr = r + DR[k]
                    cc = c + DC[k]
                    if dirs[rr, cc] == FLAT:
                        jj = local[rr, cc]
                        if away[jj] == 0:
                            away[jj] = a + 1
                            q[qn] = jj
                            qn += 1
            # towards lower terrain: low edges (same elevation, with a direction) count 1
            qn = 0
            for j in range(m):
                cur = comp[j]
                r = cur // nc
                c = cur % nc
                for k in range(8):
                    rr = r + DR[k]
                    cc = c + DC[k]
                    d = dirs[rr, cc]
                    if d >= 1 and d <= OUT and z[rr, cc] == elev:
                        tow[j] = 2
                        q[qn] = j
                        qn += 1
                        break
            head = 0
            while head < qn:
                j = q[head]
                head += 1
                t = tow[j]
                cur = comp[j]
                r = cur // nc
                c = cur % nc
                for k in range(8):
                    rr = r + DR[k]
                    cc = c + DC[k]
                    if dirs[rr, cc] == FLAT:
                        jj = local[rr, cc]
                        if tow[jj] == 0:
                            tow[jj] = t + 1
                            q[qn] = jj
                            qn += 1
            # combined gradient, kept in tow
            for j in range(m):
                g = 2 * tow[j]
                if away[j] > 0:
                    g += amax - away[j]
                tow[j] = g
            for j in range(m):
                cur = comp[j]
                r = cur // nc
                c = cur % nc
                dd = np.sqrt(dx[r] * dx[r] + dy[r] * dy[r])
                dist[0] = dy[r]
                dist[1] = dd
                dist[2] = dx[r]
                dist[3] = dd
                dist[4] = dy[r]
                dist[5] = dd
                dist[6] = dx[r]
                dist[7] = dd
                g = tow[j]
                best = 0.0
                bk = -1
                for k in range(8):
                    rr = r + DR[k]
                    cc = c + DC[k]
                    if z[rr, cc] != elev:
                        continue
                    d = dirs[rr, cc]
                    if d == FLAT:
                        gn = tow[local[rr, cc]]
                    elif d >= 1 and d <= OUT:
                        gn = 2
                    else:
                        continue
                    s = (g - gn) / dist[k]
                    if s > best:
                        best = s
                        bk = k
                newd[j] = bk + 1 if (bk >= 0 and tow[j] > 0) else FLAT
            for j in range(m):
                cur = comp[j]
                if newd[j] == FLAT:
                    n_unres += 1
                dirs[cur // nc, cur % nc] = newd[j]
    return n_flats, n_cells, n_unres


@njit(cache=True)
def _downstream(dirs, r, c):
    d = dirs[r, c]
    if d >= 1 and d <= 8:
        return r + DR[d - 1], c + DC[d - 1]
    return -1, -1


@njit(cache=True)
def indegree(dirs):
    """Number of cells draining into each cell (uint8)."""
    nr, nc = dirs.shape
    deg = np.zeros((nr, nc), dtype=np.uint8)
    for r in range(nr):
        for c in range(nc):
            d = dirs[r, c]
            if d >= 1 and d <= 8:
                deg[r + DR[d - 1], c + DC[d - 1]] += 1
    return deg


@njit(cache=True)
def accumulate_cells(dirs):
    """Flow accumulation in cells (each valid cell counts itself), as uint32.

    Topological order without a queue: from every source, walk downstream
    while the next cell has received all its inflows.
    """
    nr, nc = dirs.shape
    deg = indegree(dirs)
    acc = np.zeros((nr, nc), dtype=np.uint32)
    for r in range(nr):
        for c in range(nc):
            if dirs[r, c] != 0:
                acc[r, c] = 1
    for r0 in range(nr):
        for c0 in range(nc):
            if dirs[r0, c0] == 0 or deg[r0, c0] != 0:
                continue
            r = r0
            c = c0
            while True:
                rr, cc = _downstream(dirs, r, c)
                if rr < 0:
                    break
                acc[rr, cc] += acc[r, c]
                deg[rr, cc] -= 1
                if deg[rr, cc] != 0:
                    break
                deg[rr, cc] = 255  # processed here; the scan must not start from it again
                r = rr
                c = cc
    return acc


@njit(cache=True)
def accumulate_weighted(dirs, row_weight):
    """Flow accumulation of a per-row weight (e.g. cell area in ha), as float64."""
    nr, nc = dirs.shape
    deg = indegree(dirs)
    acc = np.zeros((nr, nc), dtype=np.float64)
    for r in range(nr):
        for c in range(nc):
            if dirs[r, c] != 0:
                acc[r, c] = row_weight[r]
    for r0 in range(nr):
        for c0 in range(nc):
            if dirs[r0, c0] == 0 or deg[r0, c0] != 0:
                continue
            r = r0
            c = c0
            while True:
                rr, cc = _downstream(dirs, r, c)
                if rr < 0:
                    break
                acc[rr, cc] += acc[r, c]
                deg[rr, cc] -= 1
                if deg[rr, cc] != 0:
                    break
                deg[rr, cc] = 255
                r = rr
                c = cc
    return acc


@njit(cache=True)
def upstream_mask(dirs, r0, c0):
    """Cells draining through (r0, c0), walking upstream with a stack.

    Returns ``(mask, count, rmin, rmax, cmin, cmax)``; ``mask`` is uint8.
    """
    nr, nc = dirs.shape
    mask = np.zeros((nr, nc), dtype=np.uint8)
    st = np.empty(4096, dtype=np.int32)
    sn = 1
    st[0] = r0 * nc + c0
    mask[r0, c0] = 1
    count = 1
    rmin = r0
    rmax = r0
    cmin = c0
    cmax = c0
    while sn > 0:
        sn -= 1
        cur = st[sn]
        r = cur // nc
        c = cur % nc
        for k in range(8):
            rr = r + DR[k]
            cc = c + DC[k]
            if rr < 0 or rr >= nr or cc < 0 or cc >= nc:
                continue
            # the neighbour drains here when its direction is the opposite of k
            if dirs[rr, cc] == ((k + 4) % 8) + 1 and mask[rr, cc] == 0:
                mask[rr, cc] = 1
                count += 1
                if rr < rmin:
                    rmin = rr
                if rr > rmax:
                    rmax = rr
                if cc < cmin:
                    cmin = cc
                if cc > cmax:
                    cmax = cc
                if sn >= st.size:
                    st = _grow_i32(st)
                st[sn] = rr * nc + cc
                sn += 1
    return mask, count, rmin, rmax, cmin, cmax


@njit(cache=True)
def count_unresolved(z, dirs):
    """Interior pits and flats left after conditioning, checked independently.

    A valid cell is unresolved when it has no direction (FLAT or 0 while it has
    an elevation), when it points off the grid although it is interior, or when
    its downstream neighbour is higher than itself. Returns ``(pits, flats)``:
    ``pits`` cells whose elevation is below every neighbour's, ``flats``
    cells without a usable direction.
    """
    nr, nc = z.shape
    pits = 0
    flats = 0
    for r in range(nr):
        for c in range(nc):
            v = z[r, c]
            if v != v:
                continue
            interior = True
            lowest = True
            for k in range(8):
                rr = r + DR[k]
                cc = c + DC[k]
                if rr < 0 or rr >= nr or cc < 0 or cc >= nc:
                    interior = False
                    continue
                w = z[rr, cc]
                if w != w:
                    interior = False
                    continue
                if w <= v:
                    lowest = False
            if not interior:
                continue
            if lowest:
                pits += 1
            d = dirs[r, c]
            if d < 1 or d > 8:
                flats += 1
                continue
            if z[r + DR[d - 1], c + DC[d - 1]] > v:
                flats += 1
    return pits, flats


@njit(cache=True)
def drains_to_edge(dirs):
    """Number of valid cells whose downstream path never leaves the grid (cycles).

    Walks down from every cell with a visited marker; 0 means every cell drains
    off the grid (to an OUT cell).
    """
    nr, nc = dirs.shape
    state = np.zeros((nr, nc), dtype=np.uint8)  # 0 new, 1 on current path, 2 drains out, 3 trapped
    path = np.empty(4096, dtype=np.int32)
    bad = 0
    for r0 in range(nr):
        for c0 in range(nc):
            if dirs[r0, c0] == 0 or state[r0, c0] != 0:
                continue
            pn = 0
            r = r0
            c = c0
            result = 2
            while True:
                s = state[r, c]
                if s == 2 or s == 3:
                    result = s
                    break
                if s == 1:
                    result = 3
                    break
                d = dirs[r, c]
                if d == OUT:
                    state[r, c] = 1
                    if pn >= path.size:
                        path = _grow_i32(path)
                    path[pn] = r * nc + c
                    pn += 1
                    result = 2
                    break
                if d < 1 or d > 8:
                    state[r, c] = 1
                    if pn >= path.size:
                        path = _grow_i32(path)
                    path[pn] = r * nc + c
                    pn += 1
                    result = 3
                    break
                state[r, c] = 1
                if pn >= path.size:
                    path = _grow_i32(path)
                path[pn] = r * nc + c
                pn += 1
                r = r + DR[d - 1]
                c = c + DC[d - 1]
                if dirs[r, c] == 0:
                    result = 3
                    break
            for j in range(pn):
                cur = path[j]
                state[cur // nc, cur % nc] = result
            if result == 3:
                bad += pn
    return bad
