"""Floor 3: checks of a boundary against the landscape guidance (scale band, contiguity, holes, slivers, change)."""

from .guidance import (
    DEFAULT_MAX_HA,
    DEFAULT_MIN_HA,
    BoundaryReport,
    ScaleVerdict,
    check_boundary,
    check_scale,
)

__all__ = ["DEFAULT_MAX_HA", "DEFAULT_MIN_HA", "BoundaryReport", "ScaleVerdict", "check_boundary", "check_scale"]
