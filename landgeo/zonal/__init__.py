"""Floor 4: coverage-weighted raster statistics over polygons (class areas, weighted sums).

:mod:`.stats` (results and the public functions), :mod:`.zones` (zones prepared for a raster, cell
areas), :mod:`.scan` (strip reading), :mod:`.kernels` (the numba scanline rasteriser).
"""

from .stats import ClassAreas, WeightedSum, ZoneCoverage, class_areas, weighted_sums
from .zones import DENSIFY_DEG, check_transform, raster_crs, row_cell_areas_m2

__all__ = ["DENSIFY_DEG", "ClassAreas", "WeightedSum", "ZoneCoverage", "check_transform", "class_areas", "raster_crs", "row_cell_areas_m2",
           "weighted_sums"]
