"""landgeo: delineate, check and profile landscapes for landscape programmes."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ._version import __version__

logging.getLogger(__name__).addHandler(logging.NullHandler())

if TYPE_CHECKING:
    from .comparison import Comparison, compare

__all__ = ["Comparison", "__version__", "compare"]


def __getattr__(name: str):
    # ``from landgeo import compare`` without importing geopandas at ``import landgeo`` (slow start-up):
    # the comparison package is loaded on first use.
    if name in ("compare", "Comparison"):
        from . import comparison

        return getattr(comparison, name)
    raise AttributeError(f"module 'landgeo' has no attribute {name!r}")
