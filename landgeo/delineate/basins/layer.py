"""A HydroBASINS-style basin layer: its fields, its table, and the unit under an outlet.

A basin layer has one polygon per unit, an id field (``HYBAS_ID``) and the id
of the unit it drains to (``NEXT_DOWN``, 0 for an outlet); HydroBASINS adds
``SUB_AREA``/``UP_AREA`` (km²) and ``PFAF_ID``. Field names are configurable.

* :func:`read_basins` / :meth:`BasinLayer.from_frame` validate the table
  (:class:`~landgeo.delineate.basins.table.BasinTable`);
* :func:`unit_at` finds the unit under an outlet, or the nearest within a
  geodesic snap distance.

Tracing upstream is :mod:`.trace`, suggesting catchments :mod:`.suggest`, building a layer
from a DEM :mod:`.build`; units are merged by :func:`landgeo.geo.coverage.dissolve`.
"""

from __future__ import annotations

import difflib
import logging
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from ...errors import DataWarning, DelineationError, FieldError, UsageError
from ...geo import geodesy
from ...geo.crs import WGS84
from ...i18n import Text
from ...io.vector import RECIPE_OPTIONS, OptionNames, read_vector, report_of
from .table import BasinTable

log = logging.getLogger(__name__)

DEFAULT_FIELDS: Mapping[str, str] = MappingProxyType(
    {"id": "HYBAS_ID", "next_down": "NEXT_DOWN", "sub_area": "SUB_AREA", "up_area": "UP_AREA", "pfaf": "PFAF_ID"}
)
REQUIRED_FIELDS = ("id", "next_down")
DEFAULT_SNAP_M = 1000.0


# --- the layer -------------------------------------------------------------------------------

def _resolve_fields(units: gpd.GeoDataFrame, fields: Mapping[str, str] | None, label: str) -> dict[str, str | None]:
    """Map roles (id, next_down, sub_area, up_area, pfaf) to the layer's columns.

    A field named in ``fields`` must exist; a default name is also found
    case-insensitively (shapefiles often have ``hybas_id``); optional roles
    whose field is absent map to None.
    """
    unknown = set(fields or {}) - set(DEFAULT_FIELDS)
    if unknown:
        raise UsageError(
            Text("{label}: unknown basin field role(s) {names}; the roles are {names2}", params={"label": str(label), "names": str(', '.join(sorted(unknown))), "names2": str(', '.join(DEFAULT_FIELDS))})
        )
    cols = [c for c in units.columns if c != units.geometry.name]
    by_lower = {str(c).lower(): c for c in cols}
    out: dict[str, str | None] = {}
    for role, default in DEFAULT_FIELDS.items():
        given = (fields or {}).get(role)
        name = given or default
        if name in units.columns:
            out[role] = name
        elif name.lower() in by_lower:
            out[role] = by_lower[name.lower()]
        elif given or role in REQUIRED_FIELDS:
            close = difflib.get_close_matches(name, [str(c) for c in cols], n=1, cutoff=0.5)
            hint = Text("did you mean {close}? ", params={"close": repr(close[0])}) if close else ""
            raise FieldError(Text('{label}: no field {name} for the basin role {role}; {hint}the fields are: {names}. Name it with '
                                  'fields = {{ {role} = "…" }}',
                                  params={"label": str(label), "name": repr(name), "hint": hint, "names": ", ".join(map(str, cols)),
                                          "role": str(role)}))
        else:
            out[role] = None
    return out


@dataclass(frozen=True, eq=False)
class BasinLayer:
    """Basin units (a GeoDataFrame in its own CRS) with their validated drainage tree.

    Build it with :func:`read_basins` or :meth:`from_frame`.
    """
    units: gpd.GeoDataFrame
    table: BasinTable
    fields: Mapping[str, str | None]
    label: str
    _cache: dict = field(default_factory=dict, repr=False)

    @classmethod
    def from_frame(cls, units: gpd.GeoDataFrame, *, fields: Mapping[str, str] | None = None, label: str = "basin layer") -> BasinLayer:
        """Validate a basin GeoDataFrame.

        Raises
        ------
        FieldError
            A required field (id, next_down) or a named field is missing.
        BasinTableError
            Duplicate ids, a NEXT_DOWN to a missing id, a cycle.
        """
        if units.crs is None:
            raise DelineationError(Text('{label}: the basin layer has no CRS; give it in the recipe (crs = "EPSG:4326")', params={"label": str(label)}))
        units = units.reset_index(drop=True)
        resolved = _resolve_fields(units, fields, label)
        table = BasinTable.from_arrays(units[resolved["id"]].to_numpy(), units[resolved["next_down"]].to_numpy(), source=label)
        if len(table.drains_out):
            n = len(table.drains_out)
            nd = resolved["next_down"]
            warnings.warn(DataWarning(Text(
                "{label}: {n} unit drains to units that are not in the layer ({field} {ids}): the layer is clipped; it is "
                "treated as an outlet of the layer",
                "{label}: {n} units drain to units that are not in the layer ({field} {ids}): the layer is clipped; they are "
                "treated as outlets of the layer",
                params={"label": str(label), "n": n, "field": str(nd), "ids": table.drains_out_text()})), stacklevel=2)
        return cls(units=units, table=table, fields=MappingProxyType(resolved), label=label)

    def __len__(self) -> int:
        return len(self.units)

    @property
    def crs(self) -> CRS:
        return CRS(self.units.crs)

    @property
    def geoms(self) -> np.ndarray:
        """The unit geometries (layer CRS) as an object array."""
        if "geoms" not in self._cache:
            self._cache["geoms"] = np.asarray(self.units.geometry.values, dtype=object)
        return self._cache["geoms"]

    @property
    def tree(self) -> shapely.STRtree:
        if "tree" not in self._cache:
            self._cache["tree"] = shapely.STRtree(self.geoms)
        return self._cache["tree"]

    def to_wgs84(self, geoms):
        """``geoms`` (a geometry or an array, layer CRS) transformed to EPSG:4326."""
        if self.crs.equals(WGS84):
            return geoms
        single = isinstance(geoms, BaseGeometry)
        out = np.asarray(gpd.GeoSeries([geoms] if single else list(geoms), crs=self.crs).to_crs(WGS84).values, dtype=object)
        return out[0] if single else out

    def unit_areas_ha(self, rows) -> np.ndarray:
        """Geodesic areas (ha) of the units at ``rows`` (computed once, then cached)."""
        rows = np.asarray(rows, dtype=np.int64)
        cache = self._cache.setdefault("areas", np.full(len(self), np.nan))
        todo = rows[np.isnan(cache[rows])]
        if len(todo):
            cache[todo] = geodesy.areas_ha(self.to_wgs84(self.geoms[todo]))
        return cache[rows]

    def column(self, role: str, rows) -> np.ndarray | None:
        """Values of a role's field at ``rows`` as floats (None when the layer lacks it)."""
        name = self.fields.get(role)
        if name is None:
            return None
        values = pd.to_numeric(self.units[name], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        return values[np.asarray(rows, dtype=np.int64)]


def read_basins(path, *, layer: str | None = None, crs=None, fields: Mapping[str, str] | None = None,
                options: OptionNames = RECIPE_OPTIONS) -> BasinLayer:
    """Read and validate a basin layer (GeoPackage, Shapefile, …).

    Parameters
    ----------
    path, layer, crs, options
        As for :func:`landgeo.io.vector.read_vector` (``options``: how messages
        name the layer and CRS options, recipe or command line).
    fields
        Roles → field names, e.g. ``{"id": "BASIN", "next_down": "DOWN"}``;
        HydroBASINS names by default.
    """
    units = read_vector(path, layer=layer, crs=crs, expect="polygon", options=options)
    report = report_of(units)
    label = report.label if report else str(path)
    return BasinLayer.from_frame(units, fields=fields, label=label)


# --- finding the outlet unit -----------------------------------------------------------------

def _point_in_layer(basins: BasinLayer, lon: float, lat: float):
    if basins.crs.equals(WGS84):
        return shapely.Point(lon, lat)
    x, y = Transformer.from_crs(WGS84, basins.crs, always_xy=True).transform(lon, lat)
    return shapely.Point(x, y)


def _layer_distance(basins: BasinLayer, metres: float, lat: float) -> float:
    """``metres`` expressed in the layer's units (generously, for a search window)."""
    if basins.crs.is_geographic:
        return geodesy.metres_to_degrees(metres, lat) * 1.01
    factor = basins.crs.axis_info[0].unit_conversion_factor if basins.crs.axis_info else 1.0
    return metres / factor * 1.01


def _geodesic_distances(basins: BasinLayer, rows, lon: float, lat: float) -> np.ndarray:
    """Geodesic distance (m) from (lon, lat) to the nearest point of each unit."""
    geoms = basins.to_wgs84(basins.geoms[np.asarray(rows)])
    pt = shapely.Point(lon, lat)
    near = shapely.get_coordinates(shapely.shortest_line(geoms, pt))[0::2]
    return geodesy.distance_m(near[:, 0], near[:, 1], np.full(len(near), lon), np.full(len(near), lat))


def unit_at(basins: BasinLayer, lon: float, lat: float, *, snap_m: float = DEFAULT_SNAP_M) -> tuple[int, float]:
    """The row of the unit containing (lon, lat), or of the nearest one within ``snap_m``.

    Returns
    -------
    (row, distance_m)
        ``distance_m`` is 0 when the point is inside a unit. A point on a shared
        edge takes the unit with the largest upstream set.

    Raises
    ------
    DelineationError
        No unit within ``snap_m`` metres (geodesic); the message gives the
        distance to the nearest unit and the snap distance that would reach it.
    """
    pt = _point_in_layer(basins, lon, lat)
    hits = basins.tree.query(pt, predicate="intersects")
    if len(hits):
        return int(hits[np.argmax(basins.table.size[hits])]), 0.0
    if snap_m > 0:
        near = basins.tree.query(pt, predicate="dwithin", distance=_layer_distance(basins, snap_m, lat))
        if len(near):
            dist = _geodesic_distances(basins, near, lon, lat)
            k = int(np.argmin(dist))
            if dist[k] <= snap_m:
                log.info(Text("{layer}: the outlet at {point:lonlat} snapped {distance_m:,.0f} m to unit {unit}",
                              params={"layer": str(basins.label), "point": [float(lon), float(lat)], "distance_m": float(dist[k]),
                                      "unit": str(basins.table.ids[near[k]])}))
                return int(near[k]), float(dist[k])
    nearest = basins.tree.query_nearest(pt)
    dist = _geodesic_distances(basins, nearest, lon, lat)
    k = int(np.argmin(dist))
    d = float(dist[k])
    raise DelineationError(
        Text("{label}: the outlet ({lon:.5f}, {lat:.5f}) is in no basin unit; the nearest, unit {value}, is {value2:,.0f} m away, beyond snap_m = {value3:,.0f} m. Check the outlet (longitude first) or set snap_m = {n}", params={"label": str(basins.label), "lon": lon, "lat": lat, "value": str(basins.table.ids[nearest[k]]), "value2": float(d), "value3": float(snap_m), "n": str(int(np.ceil(d * 1.05 / 10.0) * 10))})
    )


