"""Numba kernels that condition a padded DEM: priority-flood fill with directions, then steepest-descent D8.

Conditioning is :func:`fill_with_directions` then :func:`d8_complete` (grid layout and codes: :mod:`.core`).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from .core import FLAT, OUT, RAISED, grow, heap4_pop, heap4_push, inv_dist, offsets, sort_key, steepest


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
    # long: one priority-flood loop compiled by numba: its queue, trace stack and heap stay local (split kernels would hand six growable arrays back and forth)
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
                    heap = heap4_push(heap, hn, sort_key(zbits[i], i))
                    hn += 1
                    break
    while hn > 0:
        top = heap4_pop(heap, hn)
        hn -= 1
        level_bits = top >> sh32
        q[0] = np.int32(top & mask32)
        qt = 1
        # every cell waiting at this level starts the breadth-first flood together
        while hn > 0 and (heap[0] >> sh32) == level_bits:
            top = heap4_pop(heap, hn)
            hn -= 1
            if qt >= q.size:
                q = grow(q)
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
                            q = grow(q)
                    q[qt] = j
                    qt += 1
                else:
                    dirs[j] = FLAT  # closed, its direction comes from d8_complete
                    if tn >= tr.size:
                        tr = grow(tr)
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
                heap = heap4_push(heap, hn, sort_key(zbits[cur], cur))
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
                        tr = grow(tr)
                tr[tn] = j
                tn += 1
        tn = 0
    return raised, flooded


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
        inv_dist(dx, dy, r, inv)
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
            bk = steepest(z, i, off, inv)
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
