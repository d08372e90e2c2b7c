"""Floor 4: the parts attached to a landscape's profile (ecosystems, land cover, population, sites, admin units, rivers…).

One module per part (:mod:`.parts` for the one-layer parts, :mod:`.admin_units`, :mod:`.rivers`, :mod:`.water`,
:mod:`.sites`, :mod:`.protected_areas`); :mod:`.recipe` runs a recipe's ``[attach.*]`` steps (:func:`attach_all`).
"""

from .admin_units import SLIVER_SHARE_OF_UNIT, admin_units_spanned
from .parts import ecosystems_from_vector, landcover_from_raster, population_from_raster
from .recipe import Attached, attach_all
from .rivers import rivers_inside
from .rounding import rounded
from .sites import attach_sites

__all__ = [
    "SLIVER_SHARE_OF_UNIT",
    "Attached",
    "admin_units_spanned",
    "attach_all",
    "attach_sites",
    "ecosystems_from_vector",
    "landcover_from_raster",
    "population_from_raster",
    "rivers_inside",
    "rounded",
]
