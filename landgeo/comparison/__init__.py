"""Floor 4: comparing a boundary with another boundary or a layer of units (metrics, best fit, alignment).

The entry point is :func:`landgeo.compare`; writing a comparison folder is :mod:`landgeo.app.compare`.
"""

from .result import Comparison, compare

__all__ = ["Comparison", "compare"]
