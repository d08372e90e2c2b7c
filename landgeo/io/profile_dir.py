"""The names of the files in a profile folder (``DIR/<slug>/``) that writers and readers share."""

from __future__ import annotations

#: The input rasters (land cover, DEM) a profile folder's sheet is drawn with (absolute paths).
RASTERS_JSON = "rasters.json"

#: Layers written to boundary.gpkg, in this order, when present.
GPKG_LAYERS = ("boundary", "admin_units", "ecosystems", "sites", "rivers", "water", "protected_areas", "streams",
               "basin_units", "admin_neighbours", "context_points", "context_lines", "context_polygons",
               "sites_over_time", "boundaries_over_time")  # dated layers of [[monitor.*]]

#: The shared measurement table: beside each profile.json, and one for all landscapes of a multi-landscape run.
INDICATORS_CSV = "indicators.csv"
