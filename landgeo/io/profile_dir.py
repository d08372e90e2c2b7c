"""The names of the files in a profile folder (``DIR/<slug>/``) that writers and readers share."""

from __future__ import annotations

#: The input rasters (land cover, DEM) a profile folder's sheet is drawn with (absolute paths).
RASTERS_JSON = "rasters.json"

#: Layers written to boundary.gpkg, in this order, when present.
GPKG_LAYERS = ("boundary", "admin_units", "ecosystems", "sites", "rivers", "water", "protected_areas", "streams",
               "basin_units", "admin_neighbours", "context_points", "context_lines", "context_polygons")
