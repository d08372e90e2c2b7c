"""Python's cyclic garbage collector paused while a page is built and drawn.

Building and drawing a sheet allocates a few hundred thousand objects, so the collector runs about
70 times in one sheet and, every other sheet or so, a full collection walks every object the process
holds (geopandas, pyproj, matplotlib and their data: about 300,000) for 0.17-0.23 s. Paused, one
collection after the page frees the page's cycles: about 40 ms a sheet instead of 130 ms on the
two-page demo sheet (``benchmarks/README.md``, Rendering). The collector is restored as it was found,
also when drawing fails; reference counting frees everything that is not in a cycle meanwhile.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

__all__ = ["collector_paused"]

_LOCK = threading.Lock()
_STATE = {"depth": 0, "was_enabled": False}


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause automatic garbage collection inside (re-entrant; also a decorator)."""
    with _LOCK:
        if _STATE["depth"] == 0:
            _STATE["was_enabled"] = gc.isenabled()
            gc.disable()
        _STATE["depth"] += 1
    try:
        yield
    finally:
        with _LOCK:
            _STATE["depth"] -= 1
            if _STATE["depth"] == 0 and _STATE["was_enabled"]:
                gc.enable()
