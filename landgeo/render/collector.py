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
_STATE = {"holders": 0, "was_enabled": False}  # holders: threads inside an outermost pause
_LOCAL = threading.local()  # .depth: this thread's nesting


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause automatic garbage collection inside (re-entrant; also a decorator).

    With pages drawn in several threads at once, a thread that finishes its page while another still
    draws collects the young generations itself, so a busy pool of threads cannot keep the collector
    off for good.
    """
    depth = getattr(_LOCAL, "depth", 0)
    _LOCAL.depth = depth + 1
    if depth == 0:
        with _LOCK:
            if _STATE["holders"] == 0:
                _STATE["was_enabled"] = gc.isenabled()
                gc.disable()
            _STATE["holders"] += 1
    try:
        yield
    finally:
        _LOCAL.depth = depth
        if depth == 0:
            with _LOCK:
                _STATE["holders"] -= 1
                last = _STATE["holders"] == 0
                if last and _STATE["was_enabled"]:
                    gc.enable()
            if not last:
                gc.collect(1)
