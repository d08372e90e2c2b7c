"""CRS helpers: the one ``WGS84`` (EPSG:4326, longitude first) and the one geometry transform to it."""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import CRS, Transformer

#: EPSG:4326, the CRS every boundary is stored in (longitude first).
WGS84 = CRS.from_epsg(4326)


def is_wgs84(crs) -> bool:
    """True when ``crs`` is EPSG:4326 (axis order ignored).

    >>> is_wgs84("EPSG:4326"), is_wgs84(32630)
    (True, False)
    """
    return CRS(crs).equals(WGS84, ignore_axis_order=True)


def to_wgs84(geom, crs, *, transformer: Transformer | None = None):
    """``geom`` (a shapely geometry or an array of them) transformed from ``crs`` to EPSG:4326.

    Coordinates only: no densification (segmentize first where long edges matter) and no
    repair. A geometry already in EPSG:4326 is returned unchanged; ``transformer`` reuses one.

    >>> [round(c, 9) for c in to_wgs84(shapely.Point(500000, 0), "EPSG:32631").coords[0]]
    [3.0, 0.0]
    """
    crs = CRS(crs)
    if is_wgs84(crs):
        return geom
    tf = transformer or Transformer.from_crs(crs, WGS84, always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(tf.transform(xy[:, 0], xy[:, 1])))


__all__ = ["WGS84", "is_wgs84", "to_wgs84"]
