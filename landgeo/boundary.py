"""The Boundary every delineation method returns, and the one step they all end in.

``finish_boundary`` takes whatever geometry a method produced (any CRS),
transforms it to EPSG:4326, repairs it, dissolves it into one (Multi)Polygon,
orients its rings and records how it was made.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import geopandas as gpd
import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from .errors import DelineationError
from .geo import geodesy
from .geo.crs import WGS84
from .i18n import Text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Source:
    """A layer a boundary was made from and how many of its features were used."""

    layer: str
    features: int

    def to_dict(self) -> dict:
        return {"layer": self.layer, "features": int(self.features)}


@dataclass(frozen=True)
class Check:
    """One check result: ``status`` is ``ok``, ``warn`` or ``fail``.

    ``message`` is the sentence in the language it was made in; ``text`` the same
    sentence as data (catalogue id and values, ``message_text`` in ``profile.json``), from
    which :meth:`message_in` renders it in any language. Make one with :meth:`from_text`.
    """

    id: str
    status: str
    message: str
    value: Any = None
    text: Text | None = None

    @classmethod
    def from_text(cls, id: str, status: str, text: Text, lang: str, value: Any = None) -> Check:
        """A check whose message is ``text`` rendered in ``lang``."""
        return cls(id, status, text.render(lang), value, text)

    def message_in(self, lang: str) -> str:
        """The message in ``lang`` (the recorded sentence when the check has no ``text``)."""
        return self.text.render(lang) if self.text is not None else self.message

    def to_dict(self) -> dict:
        out = {"id": self.id, "status": self.status, "message": self.message}
        if self.value is not None:
            out["value"] = self.value
        if self.text is not None:
            out["message_text"] = self.text.to_dict()
        return out


@dataclass(frozen=True)
class Boundary:
    """A landscape boundary in EPSG:4326 with the record of how it was defined.

    ``details`` holds method-specific facts (admin level, unit names, outlet,
    basin ids…); ``checks`` the checks a method made while delineating (e.g.
    basin-table consistency), added to the profile's checks.
    """

    geometry: BaseGeometry
    method: str
    definition: str
    sources: tuple[Source, ...] = ()
    details: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    checks: tuple[Check, ...] = ()
    definition_text: Text | None = None  # the generated definition as data (None for a user's own sentence)

    @property
    def area_ha(self) -> float:
        """Geodesic area in hectares."""
        return geodesy.area_ha(self.geometry)

    @property
    def perimeter_km(self) -> float:
        """Geodesic perimeter (all rings) in km."""
        return geodesy.perimeter_km(self.geometry)

    def to_frame(self, **attributes: Any) -> gpd.GeoDataFrame:
        """A one-row GeoDataFrame (EPSG:4326) with the method and definition."""
        row = {"method": self.method, "definition": self.definition, **attributes}
        return gpd.GeoDataFrame([row], geometry=[self.geometry], crs=WGS84)




def for_overlay(boundary: Boundary) -> Boundary:
    """``boundary`` as layers and rasters (−180…180° of longitude) meet it: cut at the antimeridian if it crosses it.

    A boundary is kept whole (longitudes past 180° where it crosses the antimeridian) for
    measuring and drawing; every overlay with input data uses this form, so that sites,
    classes and cells east of 180° are counted.
    """
    cut = geodesy.cut_at_antimeridian(boundary.geometry)
    return boundary if cut is boundary.geometry else dataclasses.replace(boundary, geometry=cut)


def finish_boundary(
    geometries,
    crs,
    *,
    method: str,
    definition: str,
    sources=(),
    details: Mapping[str, Any] | None = None,
    checks=(),
    definition_text: Text | None = None,
) -> Boundary:
    """Validate, repair, transform to EPSG:4326 and dissolve ``geometries``.

    Parameters
    ----------
    geometries
        A geometry, a sequence of geometries or a GeoSeries, in ``crs``.
    crs
        Anything :class:`pyproj.CRS` accepts; must not be None.
    method, definition, sources, details, checks
        The record stored in the returned :class:`Boundary`.
    definition_text
        The generated ``definition`` as data (a :class:`landgeo.i18n.Text`), so that
        outputs can state it in any language; ``None`` for a sentence the user wrote.

    Raises
    ------
    DelineationError
        When nothing polygonal with an area is left.
    """
    if isinstance(geometries, BaseGeometry):
        geometries = [geometries]
    series = gpd.GeoSeries(list(geometries), crs=crs)
    if series.crs is None:
        raise DelineationError(Text("boundary geometry has no CRS; give the layer's CRS in the recipe (crs = \"EPSG:…\")"))
    if not CRS(series.crs).equals(WGS84):
        log.info(Text("boundary: transforming from {crs} to EPSG:4326", params={"crs": series.crs.to_string()}))
        series = series.to_crs(WGS84)
    geoms = [g for g in series.values if g is not None and not g.is_empty]
    geoms = [g if g.is_valid else shapely.make_valid(g) for g in geoms]
    merged = geodesy.polygonal(shapely.union_all(geoms)) if geoms else shapely.Polygon()
    merged = geodesy.polygonal(geodesy.unwrap_antimeridian(merged))  # cut at ±180°: one shape again
    minx, miny, maxx, maxy = merged.bounds if not merged.is_empty else (0.0, 0.0, 0.0, 0.0)
    drawn_ha = geodesy.latlon_interior_ha(merged) if (maxx - minx > 180 or maxy - miny > 90) else 0.0
    if drawn_ha > 0.55 * geodesy.EARTH_HA:
        raise DelineationError(Text(
            "{layers}: the {method} boundary covers more than half of the Earth ({area_ha:,.0f} ha as drawn in "
            "latitude–longitude), which cannot be a landscape, and its geodesic area is ambiguous; check the file, its CRS "
            "and its coordinates (a ring drawn round the whole world?)",
            params={"layers": ", ".join(s.layer for s in sources) or method, "method": method,
                    "area_ha": drawn_ha}))
    if merged.is_empty or geodesy.area_ha(merged) <= 0:
        raise DelineationError(Text("{method} boundary is empty: the selection has no polygon with an area", params={"method": str(method)}))
    merged = geodesy.orient(merged)
    return Boundary(
        geometry=merged,
        method=method,
        definition=definition,
        sources=tuple(sources),
        details=MappingProxyType(dict(details or {})),
        checks=tuple(checks),
        definition_text=definition_text,
    )
