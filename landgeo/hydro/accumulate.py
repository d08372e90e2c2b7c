"""Numba kernels over D8 directions: in-degree, flow accumulation (cells or weighted), the upstream mask of a cell."""

from __future__ import annotations

import numpy as np
from numba import njit

from .core import grow, offsets


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
                    st = grow(st)
                st[sn] = j
                sn += 1
    return mask, count, rmin, rmax, cmin, cmax
