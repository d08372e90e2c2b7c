"""Floor 3: watersheds from a basin layer — the layer (:mod:`.layer`) and its table (:mod:`.table`), tracing upstream
(:mod:`.trace`), suggesting catchments (:mod:`.suggest`), building a layer from a DEM (:mod:`.build`)."""

from .layer import BasinLayer, read_basins, unit_at
from .suggest import Candidate, Suggestion, suggest, suggest_file
from .table import BasinTable
from .trace import boundary_from_basins, boundary_from_recipe, consistency_check, select_pfaf

__all__ = ["BasinLayer", "BasinTable", "Candidate", "Suggestion", "boundary_from_basins", "boundary_from_recipe", "consistency_check",
           "read_basins", "select_pfaf", "suggest", "suggest_file", "unit_at"]
