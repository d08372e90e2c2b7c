"""Numba kernels that cut a D8 grid into units: labels from outlets, label counts, flow in a window, masks."""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from .core import grow, offsets


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
                    path = grow(path)
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
def _replace(m, old, new):
    """Every cell of ``m`` marked ``old`` set to ``new`` (the marks of one pass of :func:`clean_mask_cells`)."""
    h, w = m.shape
    for r in range(h):
        for c in range(w):
            if m[r, c] == old:
                m[r, c] = new


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
    _replace(m, 2, 1)
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
    _replace(m, 3, 0)
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
