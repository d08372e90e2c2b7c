"""Numba kernel basics for DEM hydrology: the padded grid, D8 codes, neighbour offsets, growable arrays, the heap.

The kernels: :mod:`.condition` (fill and D8), :mod:`.accumulate` (accumulation, upstream
walks), :mod:`.units` (labelling units, windows, masks); the object over them is
:class:`landgeo.hydro.flowgrid.FlowGrid`. The older :func:`fill_depressions` →
:func:`d8_directions` → :func:`resolve_flats` chain (Barnes et al. 2014 flat gradients),
kept as a cross-check, lives in ``tests/hydro_reference.py``.

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
from numba import njit

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
def grow(a):
    """``a`` in an array twice as long (same dtype), for the growable queues, stacks and heaps."""
    b = np.empty(a.size * 2, dtype=a.dtype)
    b[: a.size] = a
    return b


@njit(cache=True)
def sort_key(bits, i):
    """A uint64 that orders cells by float32 elevation (given as its uint32 bits), then index."""
    u = np.uint64(bits)
    if u >= np.uint64(0x80000000):
        s = np.uint64(0xFFFFFFFF) - u
    else:
        s = u + np.uint64(0x80000000)
    return (s << np.uint64(32)) | np.uint64(i)


@njit(cache=True)
def heap4_push(h, n, key):
    """Push onto a 4-ary min-heap (children of i at 4i+1..4i+4: fewer levels, siblings in one cache line)."""
    if n >= h.size:
        h = grow(h)
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
def heap4_pop(h, n):
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
def inv_dist(dx, dy, r, out):
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


@njit(cache=True)
def steepest(z, i, off, inv):
    """The neighbour ``k`` (0..7) of steepest descent from cell ``i``, or -1 when none is lower (NaN never is)."""
    v = z[i]
    best = 0.0
    bk = -1
    for k in range(8):
        u = z[i + off[k]]
        if u < v:  # False for NaN
            s = (np.float64(v) - np.float64(u)) * inv[k]
            if s > best:
                best = s
                bk = k
    return bk
