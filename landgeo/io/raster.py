"""Opening rasters for reading, with their CRS checked (read them by windows, never whole)."""

from __future__ import annotations

import contextlib
import html
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import rasterio
from pyproj import CRS

from ..errors import CRSError, LandgeoError, LayerError
from ..i18n import Text
from .inputs import check_exists, parse_crs

#: What reading a broken or unreadable raster (GeoTIFF, VRT, MBTiles) raises; a programming error is none of these.
READ_ERRORS = (LandgeoError, rasterio.errors.RasterioError, OSError, ValueError, MemoryError, sqlite3.Error)


def _vrt_with_crs(src: rasterio.io.DatasetReader, path: Path, crs: CRS) -> str:
    """A VRT (XML text) that gives a CRS to a raster that lacks one."""
    gt = src.transform.to_gdal()
    bands = []
    for i, dtype in enumerate(src.dtypes, start=1):
        nodata = src.nodatavals[i - 1]
        nd = f"<NoDataValue>{nodata!r}</NoDataValue>" if nodata is not None else ""
        gdal_type = rasterio.dtypes._gdal_typename(dtype)
        bands.append(
            f'<VRTRasterBand dataType="{gdal_type}" band="{i}">{nd}<SimpleSource>'
            f'<SourceFilename relativeToVRT="0">{html.escape(str(path.resolve()))}</SourceFilename>'
            f"<SourceBand>{i}</SourceBand></SimpleSource></VRTRasterBand>"
        )
    return (
        f'<VRTDataset rasterXSize="{src.width}" rasterYSize="{src.height}">'
        f"<SRS>{html.escape(crs.to_wkt())}</SRS><GeoTransform>{', '.join(repr(v) for v in gt)}</GeoTransform>"
        + "".join(bands)
        + "</VRTDataset>"
    )


@contextlib.contextmanager
def open_raster(path: str | Path, *, crs=None) -> Iterator[rasterio.io.DatasetReader]:
    """Open a raster for reading with its CRS checked.

    A raster with no CRS is an error unless ``crs`` is given, in which case it
    is opened through a VRT that states it. Read by windows; never load it whole.
    """
    path = Path(path)
    check_exists(path)
    user_crs = parse_crs(crs, path)
    try:
        src = rasterio.open(path)
    except rasterio.errors.RasterioIOError as exc:
        raise LayerError(Text("{file}: not a raster GDAL can read ({reason}); give a GeoTIFF",
                              params={"file": str(path), "reason": str(exc)})) from exc
    try:
        if src.crs is None:
            if user_crs is None:
                raise CRSError(Text('{file}: the raster has no CRS; state it in the recipe (crs = "EPSG:4326" or the raster\'s EPSG code)',
                                    params={"file": str(path)}))
            vrt = _vrt_with_crs(src, path, user_crs)
            src.close()
            src = rasterio.open(vrt)
        yield src
    finally:
        src.close()
