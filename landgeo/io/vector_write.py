"""Writing vector layers: GPKG, GeoJSON (RFC 7946), KML or Shapefile by extension, atomically."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pyogrio

from ..errors import UsageError
from ..i18n import Text
from .atomic import atomic_file, check_target, refuse_inputs
from .gpkg_styles import write_layer_styles

WRITE_DRIVERS = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".json": "GeoJSON", ".kml": "KML", ".shp": "ESRI Shapefile"}


def write_vector(gdf: gpd.GeoDataFrame, path: str | Path, *, layer: str | None = None) -> Path:
    """Write ``gdf`` to GPKG, GeoJSON (RFC 7946), KML or SHP, chosen by extension."""
    path = Path(path)
    driver = WRITE_DRIVERS.get(path.suffix.lower())
    if driver is None:
        raise UsageError(_unknown_format(path))
    kwargs: dict = {}
    if driver == "GeoJSON":
        gdf = gdf.to_crs(4326)
        kwargs["layer_options"] = {"RFC7946": "YES", "WRITE_NAME": "NO"}
    elif driver == "KML":
        gdf = gdf.to_crs(4326)
    if driver == "GPKG" and layer:
        kwargs["layer"] = layer
    pyogrio.write_dataframe(gdf, str(path), driver=driver, **kwargs)
    return path


#: GDAL's SQLite settings for GeoPackages written into a temporary folder of the atomic writers: no fsync, the
#: rollback journal in memory. Such a file becomes the output by a rename, as every output does (none is
#: fsynced), so SQLite's own durability adds nothing there; it cost a batch ≈ 25 ms of waiting a landscape.
TEMPORARY_GPKG_OPTIONS = {"OGR_SQLITE_SYNCHRONOUS": "OFF", "OGR_SQLITE_JOURNAL": "MEMORY"}


@contextlib.contextmanager
def temporary_gpkg_writes() -> Iterator[None]:
    """GeoPackages written inside the block skip SQLite's fsyncs and journal file (same content); a value the
    user set for either option is left as it is. Only for files in a temporary folder that a rename publishes,
    and only where one thread writes GeoPackages: GDAL's options are process-wide (a batch worker, the CLI)."""
    mine = [k for k in TEMPORARY_GPKG_OPTIONS if pyogrio.get_gdal_config_option(k) is None]
    pyogrio.set_gdal_config_options({k: TEMPORARY_GPKG_OPTIONS[k] for k in mine})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({k: None for k in mine})


def _unknown_format(path: Path) -> Text:
    return Text("{file}: unknown output format; use one of {formats}", params={"file": str(path), "formats": ", ".join(sorted(WRITE_DRIVERS))})


def check_vector_output(path: str | Path, *, overwrite: bool = False, inputs=()) -> Path:
    """Refuse a vector output before any work: unknown format, exists (without ``overwrite``),
    folder missing or read-only, or the output is one of ``inputs``."""
    path = Path(path)
    if path.suffix.lower() not in WRITE_DRIVERS:
        raise UsageError(_unknown_format(path))
    refuse_inputs([path], inputs)
    return check_target(path, overwrite=overwrite, kind="file")


def write_vector_file(gdf: gpd.GeoDataFrame, path: str | Path, *, layer: str | None = None, overwrite: bool = False,
                      styles=None) -> Path:
    """:func:`write_vector` atomically (complete or absent; Shapefile sidecars moved together).

    ``styles`` (layer name → style with ``qml`` and ``title``) go into a GeoPackage's
    ``layer_styles`` table (:mod:`landgeo.io.gpkg_styles`); other formats have none.
    """
    with atomic_file(path, overwrite=overwrite) as tmp:
        write_vector(gdf, tmp, layer=layer)
        if styles and Path(path).suffix.lower() == ".gpkg":
            write_layer_styles(tmp, styles)
    return Path(path)
