"""landgeo: delineate, check and profile landscapes for landscape programmes."""

from __future__ import annotations

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())


def __getattr__(name: str):
    # ``landgeo.compare(a, b, ...)`` without importing geopandas at ``import landgeo``:
    # the submodule is callable (see landgeo/compare.py) and loaded on first use.
    if name == "compare":
        import importlib

        return importlib.import_module(f"{__name__}.compare")
    raise AttributeError(f"module 'landgeo' has no attribute {name!r}")
