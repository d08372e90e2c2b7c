"""Numba kernels of the exact scanline rasteriser: coverage fractions row by row, class sums and weighted sums.

How the coverage is computed: :mod:`landgeo.zonal.stats`.
"""

from __future__ import annotations

import logging
import math

import numpy as np
from numba import njit

log = logging.getLogger(__name__)

log = logging.getLogger(__name__)



@njit(cache=True, nogil=True)
def deposit(buf, w, xa, xb, d):
    """Add the signed area of a segment piece within one row (font-rs style)."""
    if xa < 0.0:
        xa = 0.0
    elif xa > w:
        xa = float(w)
    if xb < 0.0:
        xb = 0.0
    elif xb > w:
        xb = float(w)
    if xa < xb:
        x0, x1 = xa, xb
    else:
        x0, x1 = xb, xa
    x0floor = math.floor(x0)
    x0i = int(x0floor)
    x1ceil = math.ceil(x1)
    x1i = int(x1ceil)
    if x1i <= x0i + 1:
        xmf = 0.5 * (xa + xb) - x0floor
        buf[x0i] += d - d * xmf
        buf[x0i + 1] += d * xmf
    else:
        s = 1.0 / (x1 - x0)
        x0f = x0 - x0floor
        a0 = 0.5 * s * (1.0 - x0f) * (1.0 - x0f)
        x1f = x1 - x1ceil + 1.0
        am = 0.5 * s * x1f * x1f
        buf[x0i] += d * a0
        if x1i == x0i + 2:
            buf[x0i + 1] += d * (1.0 - a0 - am)
        else:
            a1 = s * (1.5 - x0f)
            buf[x0i + 1] += d * (a1 - a0)
            for xi in range(x0i + 2, x1i - 1):
                buf[xi] += d * s
            a2 = a1 + (x1i - x0i - 3) * s
            buf[x1i - 1] += d * (1.0 - a2 - am)
        buf[x1i] += d * am


@njit(cache=True, nogil=True)
def row_coverage(buf, w, yr, ex0, ey0, ex1, ey1, active, nact, iv0, iv1):
    """Deposit the active edges' pieces in row ``yr``; drop finished edges.

    Returns the new number of active edges and the number of column intervals
    ``iv0[i]..iv1[i]`` (sorted, merged) that received deposits. Between those
    intervals the coverage is constant (0 outside, 1 inside, a fraction in a
    row that a horizontal edge cuts).
    """
    k = 0
    m = 0
    for a in range(nact):
        e = active[a]
        x0 = ex0[e]
        y0 = ey0[e]
        x1 = ex1[e]
        y1 = ey1[e]
        if y0 < y1:
            sign = 1.0
        else:
            sign = -1.0
            x0, y0, x1, y1 = x1, y1, x0, y0
        if y1 <= yr:
            continue
        active[k] = e
        k += 1
        if y0 >= yr + 1:
            continue
        ya = max(y0, float(yr))
        yb = min(y1, float(yr + 1))
        if yb <= ya:
            continue
        dxdy = (x1 - x0) / (y1 - y0)
        xa = x0 + (ya - y0) * dxdy
        xb = x0 + (yb - y0) * dxdy
        deposit(buf, w, xa, xb, (yb - ya) * sign)
        iv0[m] = max(int(math.floor(min(xa, xb))), 0)
        iv1[m] = min(int(math.ceil(max(xa, xb))) + 2, w + 2)
        m += 1
    for i in range(1, m):  # insertion sort by start: a row has few crossings
        s0 = iv0[i]
        s1 = iv1[i]
        q = i - 1
        while q >= 0 and iv0[q] > s0:
            iv0[q + 1] = iv0[q]
            iv1[q + 1] = iv1[q]
            q -= 1
        iv0[q + 1] = s0
        iv1[q + 1] = s1
    n = 0
    for i in range(m):
        if n > 0 and iv0[i] <= iv1[n - 1]:
            if iv1[i] > iv1[n - 1]:
                iv1[n - 1] = iv1[i]
        else:
            iv0[n] = iv0[i]
            iv1[n] = iv1[i]
            n += 1
    return k, n


@njit(cache=True, nogil=True)
def activate(ptr, n, eymin, yr, active, nact):
    while ptr < n and eymin[ptr] < yr + 1:
        active[nact] = ptr
        nact += 1
        ptr += 1
    return ptr, nact


@njit(cache=True, nogil=True)
def classes_kernel(data, dcol, w, row0, ex0, ey0, ex1, ey1, eymin, row_area, offset, nd_idx, sums, extra):
    """Coverage-weighted class areas for one zone over one strip.

    ``data`` is the strip (rows × union columns); the zone's columns start at
    ``dcol`` and span ``w``. Edges are in pixel coordinates relative to the
    zone's first column, sorted by their lower y. ``sums[k, value + offset]``
    (k = column mod 4: four interleaved histograms, so that neighbouring cells
    of one class do not wait on each other; add them up afterwards)
    accumulates area; ``nd_idx`` is the nodata bin (-1: none), moved to
    ``extra[0]``; ``extra[1]`` gets the valid area.
    Interior runs (between the cells an edge touches) take a fast path.
    """
    nrows = data.shape[0]
    n = ex0.shape[0]
    buf = np.zeros(w + 2)
    active = np.empty(n, np.int64)
    iv0 = np.empty(n, np.int64)
    iv1 = np.empty(n, np.int64)
    nact = 0
    ptr = 0
    total = 0.0
    for r in range(nrows):
        yr = row0 + r
        ptr, nact = activate(ptr, n, eymin, yr, active, nact)
        if nact == 0:
            continue
        nact, nint = row_coverage(buf, w, yr, ex0, ey0, ex1, ey1, active, nact, iv0, iv1)
        ra = row_area[r]
        c = 0.0
        pos = 0
        cells = 0.0
        for t in range(nint):
            s0 = iv0[t]
            s1 = min(iv1[t], w)
            if pos < s0 and (c > 1e-12 or c < -1e-12):  # a run no edge touches: constant coverage
                cov = abs(c)
                if cov > 1.0:
                    cov = 1.0
                wt = cov * ra
                for j in range(pos, s0):
                    sums[j & 3, np.int64(data[r, dcol + j]) + offset] += wt
                cells += (s0 - pos) * cov
            for j in range(s0, s1):
                c += buf[j]
                buf[j] = 0.0
                if c > 1e-12 or c < -1e-12:
                    cov = abs(c)
                    if cov > 1.0:
                        cov = 1.0
                    sums[j & 3, np.int64(data[r, dcol + j]) + offset] += cov * ra
                    cells += cov
            for j in range(max(s1, s0), iv1[t]):
                c += buf[j]
                buf[j] = 0.0
            if s1 > pos:
                pos = s1
        total += cells * ra
    nod = 0.0
    if nd_idx >= 0:
        for k in range(4):
            nod += sums[k, nd_idx]
            sums[k, nd_idx] = 0.0
    extra[0] += nod
    extra[1] += total - nod


@njit(cache=True, nogil=True)
def sum_kernel(data, dcol, w, row0, ex0, ey0, ex1, ey1, eymin, row_area, row_factor, nodata, has_nodata, out):
    """Coverage-weighted Σ value × factor for one zone over one strip.

    ``out[0]`` the sum, ``out[1]`` nodata area, ``out[2]`` valid area,
    ``out[3]`` coverage-weighted valid cell count.
    """
    nrows = data.shape[0]
    n = ex0.shape[0]
    buf = np.zeros(w + 2)
    active = np.empty(n, np.int64)
    iv0 = np.empty(n, np.int64)
    iv1 = np.empty(n, np.int64)
    nact = 0
    ptr = 0
    for r in range(nrows):
        yr = row0 + r
        ptr, nact = activate(ptr, n, eymin, yr, active, nact)
        if nact == 0:
            continue
        nact, nint = row_coverage(buf, w, yr, ex0, ey0, ex1, ey1, active, nact, iv0, iv1)
        c = 0.0
        tot = 0.0
        nod = 0.0
        val = 0.0
        pos = 0
        for t in range(nint):
            s0 = iv0[t]
            s1 = min(iv1[t], w)
            if pos < s0 and (c > 1e-12 or c < -1e-12):  # a run no edge touches: constant coverage
                cov = abs(c)
                if cov > 1.0:
                    cov = 1.0
                rt = 0.0
                rn = 0.0
                for j in range(pos, s0):
                    v = np.float64(data[r, dcol + j])
                    if (has_nodata and v == nodata) or not math.isfinite(v):
                        rn += 1.0
                    else:
                        rt += v
                nod += rn * cov
                val += (s0 - pos - rn) * cov
                tot += rt * cov
            for j in range(s0, s1):
                c += buf[j]
                buf[j] = 0.0
                if c > 1e-12 or c < -1e-12:
                    cov = abs(c)
                    if cov > 1.0:
                        cov = 1.0
                    v = np.float64(data[r, dcol + j])
                    if (has_nodata and v == nodata) or not math.isfinite(v):
                        nod += cov
                    else:
                        tot += cov * v
                        val += cov
            for j in range(max(s1, s0), iv1[t]):
                c += buf[j]
                buf[j] = 0.0
            if s1 > pos:
                pos = s1
        out[0] += tot * row_factor[r]
        out[1] += nod * row_area[r]
        out[2] += val * row_area[r]
        out[3] += val


