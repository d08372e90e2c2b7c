"""Floor 4: coverage-weighted raster statistics over polygons (class areas, weighted sums)."""

from .stats import ClassAreas, WeightedSum, ZoneCoverage, class_areas, weighted_sums

__all__ = ["ClassAreas", "WeightedSum", "ZoneCoverage", "class_areas", "weighted_sums"]
