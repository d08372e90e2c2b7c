"""landgeo: delineate, check and profile landscapes for landscape programmes."""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING

from ._version import __version__

logging.getLogger(__name__).addHandler(logging.NullHandler())

if TYPE_CHECKING:
    from .comparison import Comparison, compare
    from .delineate.admin import boundary_from_units
    from .delineate.basins.trace import boundary_from_basins
    from .delineate.dem import boundary_from_dem
    from .delineate.drawn import boundary_from_file, boundary_from_layer

#: What ``from landgeo import …`` gives, and the module it comes from (one function per delineation method
#: returning a Boundary, and the comparison).
_LAZY = {
    "compare": "comparison",
    "Comparison": "comparison",
    "boundary_from_units": "delineate.admin",
    "boundary_from_file": "delineate.drawn",
    "boundary_from_layer": "delineate.drawn",
    "boundary_from_basins": "delineate.basins.trace",
    "boundary_from_dem": "delineate.dem",
}

__all__ = ["Comparison", "__version__", "boundary_from_basins", "boundary_from_dem", "boundary_from_file", "boundary_from_layer",
           "boundary_from_units", "compare"]


def __getattr__(name: str):
    # ``from landgeo import compare, boundary_from_dem`` without importing geopandas at ``import landgeo``
    # (slow start-up): the module is loaded on first use.
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'landgeo' has no attribute {name!r}")
