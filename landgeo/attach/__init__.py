"""Floor 4: the parts attached to a landscape's profile (ecosystems, land cover, population, sites, admin units, rivers)."""

from .parts import (
    Attached,
    admin_units_spanned,
    attach_all,
    ecosystems_from_vector,
    landcover_from_raster,
    population_from_raster,
    rivers_inside,
)
from .sites import attach_sites

__all__ = [
    "Attached",
    "admin_units_spanned",
    "attach_all",
    "attach_sites",
    "ecosystems_from_vector",
    "landcover_from_raster",
    "population_from_raster",
    "rivers_inside",
]
