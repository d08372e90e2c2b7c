"""Floor 4: comparing a boundary with another boundary or a layer of units (metrics, best fit, alignment).

The entry point is :func:`landgeo.compare`; writing a comparison folder is :mod:`landgeo.app.compare`.
"""

from .best_fit import UnitsResult, check_alignment_with_units, units_metrics
from .metrics import Alignment, PairMetrics, pair_metrics
from .result import Comparison, compare

__all__ = [
    "Alignment",
    "Comparison",
    "PairMetrics",
    "UnitsResult",
    "check_alignment_with_units",
    "compare",
    "pair_metrics",
    "units_metrics",
]
