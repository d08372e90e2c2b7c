"""Numba kernels for DEM hydrology: fill, D8, flats, accumulation, upstream walks.

Conditioning is :func:`fill_with_directions` then :func:`d8_complete`; the
older :func:`fill_depressions` → :func:`d8_directions` → :func:`resolve_flats`
chain (Barnes et al. 2014 flat gradients) is kept as a cross-check.

Every kernel works on *padded, flattened* grids: a DEM of ``H × W`` cells is
held as a C-ordered ``(H + 2) × (W + 2)`` array with a one-cell border of NaN,
passed flat (``a.ravel()``) together with the padded width ``w``. Neighbour
``k`` of flat index ``i`` is ``i + off[k]`` (see :func:`offsets`), never out of
bounds for a valid cell, so the loops need no bounds checks. Elevations are
``float32`` with NaN for nodata; directions ``uint8`` with these codes:

``0`` nodata (and the border), ``1..8`` flow to the neighbour N, NE, E, SE, S,
SW, W, NW, ``OUT`` (9) the cell drains off the grid (it touches the border or
nodata and has no lower neighbour), ``FLAT`` (10) no lower neighbour yet (only
between :func:`d8_directions` and :func:`resolve_flats`, or a cell reached but
not yet given a direction between :func:`fill_with_directions` and
:func:`d8_complete`).

No recursion: queues and stacks are growable arrays. Compiled functions are
cached on disk (``cache=True``), so a new process pays no compilation.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

DR = np.array([-1, -1, 0, 1, 1, 1, 0, -1], dtype=np.int64)
DC = np.array([0, 1, 1, 1, 0, -1, -1, -1], dtype=np.int64)
OUT = 9
FLAT = 10
RAISED = 16  # flag added to the direction of a raised cell between fill_with_directions and d8_complete


@njit(cache=True)
def offsets(w):
    """Flat-index offsets of the 8 neighbours N, NE, E, SE, S, SW, W, NW."""
    off = np.empty(8, dtype=np.int64)
    for k in range(8):
        off[k] = DR[k] * w + DC[k]
    return off


@njit(cache=True)
def _grow_i32(a):
    b = np.empty(a.size * 2, dtype=np.int32)
    b[: a.size] = a
    return b


@njit(cache=True)
def _grow_u64(a):
    b = np.empty(a.size * 2, dtype=np.uint64)
    b[: a.size] = a
    return b


@njit(cache=True)
def _sort_key(bits, i):
    """A uint64 that orders cells by float32 elevation (given as its uint32 bits), then index."""
    u = np.uint64(bits)
    if u >= np.uint64(0x80000000):
        s = np.uint64(0xFFFFFFFF) - u
    else:
        s = u + np.uint64(0x80000000)
    return (s << np.uint64(32)) | np.uint64(i)


@njit(cache=True)
def _heap4_push(h, n, key):
    """Push onto a 4-ary min-heap (children of i at 4i+1..4i+4: fewer levels, siblings in one cache line)."""
    if n >= h.size:
        h = _grow_u64(h)
    i = n
    while i > 0:
        p = (i - 1) >> 2
        if h[p] <= key:
            break
        h[i] = h[p]
        i = p
    h[i] = key
    return h


@njit(cache=True)
def _heap4_pop(h, n):
    top = h[0]
    last = n - 1
    key = h[last]
    i = 0
    while True:
        c = 4 * i + 1
        if c >= last:
            break
        best = c
        bv = h[c]
        for x in range(c + 1, min(c + 4, last)):
            if h[x] < bv:
                bv = h[x]
                best = x
        if bv >= key:
            break
        h[i] = bv
        i = best
    h[i] = key
    return top


@njit(cache=True)
def fill_with_directions(z, zbits, w, dirs):
    """Fill the padded DEM ``z`` in place and give every cell without a way down its direction.

    A priority-flood after Zhou, Sun & Fu (2016) — cells outside depressions are
    reached by an upward trace without the heap — in which
    all the cells waiting in the heap at one level start a breadth-first
    flood together, and a cell waits there when it has a lower *or equal*
    open neighbour: each cell the flood raises or crosses at that level gets, in
    ``dirs`` (uint8, zeros on entry), the direction to the cell that reached
    it, so every filled depression and flat drains to its nearest spill cell
    (Barnes et al. 2014, Priority-Flood + flow directions). Cells that touch
    the border or nodata get ``OUT``. Cells with a lower neighbour in the
    filled DEM get no direction here (``FLAT`` marks them as reached):
    :func:`d8_complete` gives them the steepest descent. Raised cells (which
    have no lower neighbour) carry the ``RAISED`` flag, which
    :func:`d8_complete` clears without looking at their neighbours. Returns ``(cells_raised, cells_flooded)``.
    """
    n = z.size
    off = offsets(w)
    heap = np.empty(4096, dtype=np.uint64)  # 4-ary min-heap of (elevation key << 32) | cell
    hn = 0
    sh32 = np.uint64(32)
    mask32 = np.uint64(0xFFFFFFFF)
    q = np.empty(4096, dtype=np.int32)
    tr = np.empty(4096, dtype=np.int32)
    tn = 0
    raised = 0
    flooded = 0
    h = n // w
    row_nan = np.ones(h, dtype=np.uint8)  # rows with nodata inside (the padding rows count)
    for r in range(1, h - 1):
        row_nan[r] = 0
        for i in range(r * w + 1, r * w + w - 1):
            if z[i] != z[i]:
                row_nan[r] = 1
                break
    for r in range(1, h - 1):
        near = row_nan[r - 1] or row_nan[r] or row_nan[r + 1]
        for c in range(1, w - 1):
            if not near and c != 1 and c != w - 2:
                continue  # no nodata within reach: only the first and last columns touch the padding
            i = r * w + c
            v = z[i]
            if v != v:
                continue
            for k in range(8):
                u = z[i + off[k]]
                if u != u:
                    dirs[i] = OUT
                    heap = _heap4_push(heap, hn, _sort_key(zbits[i], i))
                    hn += 1
                    break
    while hn > 0:
        top = _heap4_pop(heap, hn)
        hn -= 1
        level_bits = top >> sh32
        q[0] = np.int32(top & mask32)
        qt = 1
        # every cell waiting at this level starts the breadth-first flood together
        while hn > 0 and (heap[0] >> sh32) == level_bits:
            top = _heap4_pop(heap, hn)
            hn -= 1
            if qt >= q.size:
                q = _grow_i32(q)
            q[qt] = np.int32(top & mask32)
            qt += 1
        lev = z[q[0]]
        qh = 0
        while qh < qt:
            cur = q[qh]
            qh += 1
            for k in range(8):
                j = cur + off[k]
                if dirs[j]:
                    continue
                u = z[j]
                if u != u:
                    continue
                if u <= lev:
                    if u < lev:
                        z[j] = lev
                        raised += 1
                        dirs[j] = RAISED | (((k + 4) & 7) + 1)  # towards cur; a raised cell has no lower neighbour
                    else:
                        dirs[j] = ((k + 4) & 7) + 1
                    flooded += 1
                    if qt >= q.size:  # full: slide the queue to the front or grow it (inline: a helper costs ≈ 8 %)
                        if qh > q.size // 2:
                            q[: qt - qh] = q[qh:qt]
                            qt -= qh
                            qh = 0
                        else:
                            q = _grow_i32(q)
                    q[qt] = j
                    qt += 1
                else:
                    dirs[j] = FLAT  # closed, its direction comes from d8_complete
                    if tn >= tr.size:
                        tr = _grow_i32(tr)
                    tr[tn] = j
                    tn += 1
        th = 0
        while th < tn:
            cur = tr[th]
            th += 1
            zt = z[cur]
            wait = False
            for k in range(8):
                j = cur + off[k]
                if dirs[j]:
                    continue
                if z[j] <= zt:  # False for NaN
                    wait = True
                    break
            if wait:
                # a lower or equal open neighbour: cur waits until the flood reaches its level
                heap = _heap4_push(heap, hn, _sort_key(zbits[cur], cur))
                hn += 1
                continue
            # every open neighbour is higher than cur, whose level is final: theirs are too
            for k in range(8):
                j = cur + off[k]
                if dirs[j]:
                    continue
                u = z[j]
                if u != u:
                    continue
                dirs[j] = FLAT
                if tn >= tr.size:
                    if th > tr.size // 2:
                        tr[: tn - th] = tr[th:tn]
                        tn -= th
                        th = 0
                    else:
                        tr = _grow_i32(tr)
                tr[tn] = j
                tn += 1
        tn = 0
    return raised, flooded


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


@njit(cache=True)
def _inv_dist(dx, dy, r, out):
    """1 / distance to each neighbour for padded row ``r`` (dx, dy are per unpadded row)."""
    ax = dx[r - 1]
    ay = dy[r - 1]
    dd = np.sqrt(ax * ax + ay * ay)
    out[0] = 1.0 / ay
    out[1] = 1.0 / dd
    out[2] = 1.0 / ax
    out[3] = 1.0 / dd
    out[4] = 1.0 / ay
    out[5] = 1.0 / dd
    out[6] = 1.0 / ax
    out[7] = 1.0 / dd


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
        _inv_dist(dx, dy, r, inv)
        count = 0
        for i in range(r * w + 1, r * w + w - 1):
            v = z[i]
            if v != v:
                continue
            edge = False
            best = 0.0
            bk = -1
            for k in range(8):
                u = z[i + off[k]]
                if u != u:
                    edge = True
                    continue
                s = (np.float64(v) - np.float64(u)) * inv[k]
                if s > best:
                    best = s
                    bk = k
            if bk >= 0:
                dirs[i] = bk + 1
            elif edge:
                dirs[i] = OUT
            else:
                dirs[i] = FLAT
                count += 1
        flats_in_row[r] = count
    return dirs, flats_in_row.sum()


@njit(cache=True, parallel=True)
def d8_complete(z, w, dx, dy, dirs):
    """Steepest-descent D8 for every cell of a filled, padded DEM that has a lower neighbour (rows in parallel).

    Completes the ``dirs`` of :func:`fill_with_directions` in place: cells with
    a lower neighbour get the steepest descent (``dx``/``dy`` per unpadded
    row), the others keep the direction the flood gave them. Returns the
    numbers of valid cells ``(left, kept)``: still without a direction (0
    after :func:`fill_with_directions`), and keeping the flood's direction
    (cells of filled depressions and flats, without a lower neighbour).
    """
    n = z.size
    h = n // w
    off = offsets(w)
    left_in_row = np.zeros(h, dtype=np.int64)
    kept_in_row = np.zeros(h, dtype=np.int64)
    for r in prange(1, h - 1):
        inv = np.empty(8, dtype=np.float64)
        _inv_dist(dx, dy, r, inv)
        count = 0
        kept = 0
        for i in range(r * w + 1, r * w + w - 1):
            d = dirs[i]
            if d & RAISED:
                dirs[i] = d & (RAISED - 1)
                kept += 1
                continue
            v = z[i]
            if v != v:
                continue
            best = 0.0
            bk = -1
            for k in range(8):
                u = z[i + off[k]]
                if u < v:  # False for NaN
                    s = (np.float64(v) - np.float64(u)) * inv[k]
                    if s > best:
                        best = s
                        bk = k
            if bk >= 0:
                dirs[i] = bk + 1
            elif dirs[i] == 0 or dirs[i] == FLAT:
                dirs[i] = FLAT
                count += 1
            elif dirs[i] != OUT:
                kept += 1
        left_in_row[r] = count
        kept_in_row[r] = kept
    return left_in_row.sum(), kept_in_row.sum()


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
                            comp = _grow_i32(comp)
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
                    away = _grow_i32(away)
                    tow = _grow_i32(tow)
                    q = _grow_i32(q)
                    newd = _grow_i32(newd)
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
                _inv_dist(dx, dy, cur // w, inv)
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
def indegree(dirs, w):
    """Number of cells draining into each cell (uint8)."""
    off = offsets(w)
    deg = np.zeros(dirs.size, dtype=np.uint8)
    for i in range(dirs.size):
        d = dirs[i]
        if d >= 1 and d <= 8:
            deg[i + off[d - 1]] += 1
    return deg


@njit(cache=True)
def _accumulate(dirs, w, acc):
    """Add each cell's ``acc`` into its downstream cells, in topological order, in place.

    No queue: from every source, walk downstream while the next cell has
    received all its inflows.
    """
    off = offsets(w)
    deg = indegree(dirs, w)
    for i0 in range(dirs.size):
        if dirs[i0] == 0 or deg[i0] != 0:
            continue
        i = i0
        while True:
            d = dirs[i]
            if d < 1 or d > 8:
                break
            j = i + off[d - 1]
            acc[j] += acc[i]
            deg[j] -= 1
            if deg[j] != 0:
                break
            deg[j] = 255  # reached here: the scan must not start from it again
            i = j
    return acc


@njit(cache=True)
def accumulate_cells(dirs, w):
    """Flow accumulation in cells (each valid cell counts itself), as uint32."""
    acc = np.zeros(dirs.size, dtype=np.uint32)
    for i in range(dirs.size):
        if dirs[i] != 0:
            acc[i] = 1
    return _accumulate(dirs, w, acc)


@njit(cache=True)
def accumulate_weighted(dirs, w, row_weight):
    """Flow accumulation of a per-row weight (e.g. cell area in ha; one value per unpadded row), float64."""
    acc = np.zeros(dirs.size, dtype=np.float64)
    for i in range(dirs.size):
        if dirs[i] != 0:
            acc[i] = row_weight[i // w - 1]
    return _accumulate(dirs, w, acc)


@njit(cache=True)
def upstream_mask(dirs, w, i0):
    """Cells draining through flat index ``i0``, walking upstream with a stack.

    Returns ``(mask, count, rmin, rmax, cmin, cmax)`` with ``mask`` uint8 and
    the bounds in padded rows/columns.
    """
    off = offsets(w)
    mask = np.zeros(dirs.size, dtype=np.uint8)
    st = np.empty(4096, dtype=np.int32)
    sn = 1
    st[0] = i0
    mask[i0] = 1
    count = 1
    rmin = i0 // w
    rmax = rmin
    cmin = i0 % w
    cmax = cmin
    while sn > 0:
        sn -= 1
        cur = st[sn]
        for k in range(8):
            j = cur + off[k]
            # the neighbour drains here when its direction is the opposite of k
            if dirs[j] == ((k + 4) % 8) + 1 and mask[j] == 0:
                mask[j] = 1
                count += 1
                r = j // w
                c = j - r * w
                if r < rmin:
                    rmin = r
                if r > rmax:
                    rmax = r
                if c < cmin:
                    cmin = c
                if c > cmax:
                    cmax = c
                if sn >= st.size:
                    st = _grow_i32(st)
                st[sn] = j
                sn += 1
    return mask, count, rmin, rmax, cmin, cmax


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
                path = _grow_i32(path)
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


@njit(cache=True, parallel=True)
def label_units(dirs, w, outlet_ids):
    """Label each cell with the unit id of the first unit outlet downstream of it.

    ``outlet_ids`` (int32, flat) holds a positive id at unit-outlet cells and 0
    elsewhere. Cells that drain off the grid without meeting an outlet get -1.
    Walks down with path compression, rows in parallel (a walk that meets a
    path another thread is labelling just walks on: every write is the
    cell's final label); returns the int32 labels (0 on nodata).
    """
    off = offsets(w)
    n = dirs.size
    h = n // w
    lab = outlet_ids.copy()
    for r in prange(h):
        path = np.empty(1024, dtype=np.int32)
        for i0 in range(r * w, r * w + w):
            if dirs[i0] == 0 or lab[i0] != 0:
                continue
            pn = 0
            i = i0
            res = -1
            while True:
                if lab[i] != 0:
                    res = lab[i]
                    break
                if pn >= path.size:
                    path = _grow_i32(path)
                path[pn] = i
                pn += 1
                d = dirs[i]
                if d < 1 or d > 8:
                    res = -1
                    break
                i = i + off[d - 1]
            for a in range(pn):
                lab[path[a]] = res
    return lab


@njit(cache=True, parallel=True)
def count_labels(lab, m):
    """How many cells carry each label ``1..m`` (index 0 unused), in parallel chunks."""
    n = lab.size
    nch = 16
    step = (n + nch - 1) // nch
    hist = np.zeros((nch, m + 1), dtype=np.int64)
    for c in prange(nch):
        for i in range(c * step, min(n, (c + 1) * step)):
            v = lab[i]
            if v > 0:
                hist[c, v] += 1
    out = np.zeros(m + 1, dtype=np.int64)
    for c in range(nch):
        for v in range(m + 1):
            out[v] += hist[c, v]
    return out


@njit(cache=True)
def window_flow(dirs, w, ra, rb, ca, cb, counts, target):
    """Accumulation over a window of padded rows ``ra:rb`` and columns ``ca:cb``, from label counts.

    ``counts[k + 1]`` is the number of cells whose first window cell
    downstream is window cell ``k`` (row-major; see :func:`label_units`).
    Each window cell is linked to the next window cell on its downstream path
    (the path may leave the window and come back). Returns ``(acc, inup)``:
    the accumulation (cells) of every window cell, and whether the window
    cell ``target`` (local index; -1 for none) lies on its downstream path.
    """
    off = offsets(w)
    ww = cb - ca
    m = (rb - ra) * ww
    nxt = np.full(m, -1, dtype=np.int64)
    for k in range(m):
        i = (ra + k // ww) * w + ca + k % ww
        d = dirs[i]
        while d >= 1 and d <= 8:
            i = i + off[d - 1]
            r = i // w
            c = i - r * w
            if r >= ra and r < rb and c >= ca and c < cb:
                nxt[k] = (r - ra) * ww + (c - ca)
                break
            d = dirs[i]
    acc = np.zeros(m, dtype=np.int64)
    inup = np.zeros(m, dtype=np.uint8)
    for k in range(m):
        v = counts[k + 1]
        hit = k == target
        j = k
        while j >= 0:
            acc[j] += v
            if j == target:
                hit = True
            j = nxt[j]
        if hit:
            inup[k] = 1
    return acc, inup


@njit(cache=True, parallel=True)
def mask_from_labels(lab, w, inup):
    """Cells whose label ``k + 1`` has ``inup[k]``: ``(mask, count, rmin, rmax, cmin, cmax)`` (padded bounds)."""
    n = lab.size
    h = n // w
    mask = np.zeros(n, dtype=np.uint8)
    cnt = np.zeros(h, dtype=np.int64)
    lo = np.full(h, w, dtype=np.int64)
    hi = np.full(h, -1, dtype=np.int64)
    for r in prange(h):
        for i in range(r * w, r * w + w):
            v = lab[i]
            if v > 0 and inup[v - 1]:
                mask[i] = 1
                cnt[r] += 1
                c = i - r * w
                if c < lo[r]:
                    lo[r] = c
                if c > hi[r]:
                    hi[r] = c
    rmin = h
    rmax = -1
    cmin = w
    cmax = -1
    for r in range(h):
        if cnt[r]:
            if r < rmin:
                rmin = r
            rmax = r
            if lo[r] < cmin:
                cmin = lo[r]
            if hi[r] > cmax:
                cmax = hi[r]
    return mask, cnt.sum(), rmin, rmax, cmin, cmax


@njit(cache=True)
def clean_mask_cells(m, kr, kc):
    """Fill pinholes, drop single-cell spurs, bridge corner-only contacts of a 0/1 uint8 mask, in place.

    The kernel of :func:`landgeo.delineate.dem.clean_mask` (see there), each
    step decided on the mask as it was before the step: marks 2 (to add) and
    3 (to remove) are resolved after each pass. Cell (kr, kc) is never
    removed. Returns ``(pinholes, spurs, corners)``.
    """
    h, w = m.shape
    pins = 0
    for r in range(1, h - 1):
        for c in range(1, w - 1):
            if m[r, c] == 0 and m[r - 1, c] == 1 and m[r + 1, c] == 1 and m[r, c - 1] == 1 and m[r, c + 1] == 1:
                m[r, c] = 2
                pins += 1
    for r in range(h):
        for c in range(w):
            if m[r, c] == 2:
                m[r, c] = 1
    spurs = 0
    for r in range(h):
        for c in range(w):
            if m[r, c] == 0 or (r == kr and c == kc):
                continue
            four = 0
            diag = 0
            for dr in range(-1, 2):
                for dc in range(-1, 2):
                    if dr == 0 and dc == 0:
                        continue
                    rr = r + dr
                    cc = c + dc
                    if rr < 0 or rr >= h or cc < 0 or cc >= w or m[rr, cc] == 0:
                        continue
                    if dr == 0 or dc == 0:
                        four += 1
                    else:
                        diag += 1
            if four == 0 and diag <= 1:
                m[r, c] = 3
                spurs += 1
    for r in range(h):
        for c in range(w):
            if m[r, c] == 3:
                m[r, c] = 0
    corners = 0
    for _ in range(20):
        n = 0
        for r in range(h - 1):
            for c in range(w - 1):
                a = m[r, c] == 1
                b = m[r, c + 1] == 1
                e = m[r + 1, c] == 1
                d = m[r + 1, c + 1] == 1
                if a and d and not b and not e:
                    m[r, c + 1] = 2  # ⟍ contact: add the top-right cell
                    n += 1
                elif b and e and not a and not d:
                    m[r, c] = 2  # ⟋ contact: add the top-left cell
                    n += 1
        if n == 0:
            break
        corners += n
        for r in range(h):
            for c in range(w):
                if m[r, c] == 2:
                    m[r, c] = 1
    return pins, spurs, corners
