"""Results kept per shape, by the shape's value: a landscape's outline is measured once, however many parts ask.

Every attached part measures and densifies the same landscape (≈ 10 geodesic areas and 6
densifications a landscape); :func:`kept` computes a function of a shape once and hands the same
result back while the shape is among the last :data:`KEEP` it was asked about. The key is the
shape's WKB (every coordinate, bit for bit, and the ring structure), so a hit is the very shape
computed before and gets the very result. Shapes under :data:`MIN_COORDS` coordinates are
computed each time (their key would cost about what it saves).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

import shapely
from shapely.geometry.base import BaseGeometry

T = TypeVar("T")

#: Shapes kept (the most recently used).
KEEP = 16
#: Fewest coordinates of a shape worth keeping (a 1,000-point ring is measured in ≈ 1 ms).
MIN_COORDS = 1000
#: Most WKB bytes kept in all (≈ 4 M coordinates): large outlines are kept only while they fit.
MAX_BYTES = 64 * 2**20

_kept: OrderedDict[tuple, object] = OrderedDict()
_bytes = 0
_lock = threading.Lock()


def kept(what: Hashable, geom: BaseGeometry, compute: Callable[[], T]) -> T:
    """``compute()`` (a pure function of ``geom`` and ``what``), computed once per shape while it is kept."""
    global _bytes
    if shapely.get_num_coordinates(geom) < MIN_COORDS:
        return compute()
    key = (what, geom.geom_type, shapely.to_wkb(geom))  # WKB has no LinearRing: a ring and its line share it
    with _lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]  # type: ignore[return-value]
    value = compute()
    with _lock:
        if key not in _kept:
            _kept[key] = value
            _bytes += len(key[2])
        while _kept and (len(_kept) > KEEP or _bytes > MAX_BYTES):
            old, _ = _kept.popitem(last=False)
            _bytes -= len(old[2])
    return value


def clear() -> None:
    """Forget every kept result."""
    global _bytes
    with _lock:
        _kept.clear()
        _bytes = 0
