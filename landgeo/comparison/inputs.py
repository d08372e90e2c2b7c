"""The inputs of a comparison: boundaries from objects, recipes or layers (in EPSG:4326), and unit layers."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
import shapely.ops
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from ..boundary import WGS84, Boundary, finish_boundary
from ..delineate import delineate
from ..delineate.drawn import boundary_from_layer, read_drawn
from ..errors import DelineationError, LayerError, UsageError
from ..i18n import Text
from ..io import vector as layers
from ..recipe.parse import read_recipe

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------- inputs


def _geometry_of(obj: Any, role: str) -> tuple[BaseGeometry, str | None]:
    """(geometry in EPSG:4326, CRS it came from or None) for a shapely geometry or a frame."""
    if isinstance(obj, BaseGeometry):
        return obj, None  # documented: plain geometries are EPSG:4326
    if isinstance(obj, (gpd.GeoDataFrame, gpd.GeoSeries)):
        series = obj.geometry if isinstance(obj, gpd.GeoDataFrame) else obj
        if series.crs is None:
            raise UsageError(Text("{role}: the GeoDataFrame has no CRS; set it with .set_crs(...) before comparing",
                                  params={"role": role}))
        src = None
        if not CRS(series.crs).equals(WGS84):
            src = series.crs.to_string()
            series = series.to_crs(WGS84)
        geoms = [g for g in series.values if g is not None and not g.is_empty]
        return shapely.union_all(geoms) if geoms else shapely.Polygon(), src
    raise UsageError(Text("{role}: cannot compare a {type}; give a Boundary, a shapely geometry (EPSG:4326), a GeoDataFrame or a path",
                          params={"role": role, "type": type(obj).__name__}))


def as_boundary(obj: Any, role: str, notes: list[str]) -> tuple[Boundary, str]:
    """Turn any accepted input into a Boundary in EPSG:4326 and a label."""
    if isinstance(obj, (str, Path)):
        return load_boundary(obj, notes=notes)
    if isinstance(obj, Boundary):
        return obj, obj.details.get("label", role) if obj.details else role
    geom, src = _geometry_of(obj, role)
    if src is not None:
        note = Text("{layer} was in {crs}; transformed to EPSG:4326 for the overlay", params={"layer": role, "crs": str(src)}).sentence("en")
        log.info(note)
        notes.append(note)
    label = role
    if isinstance(obj, gpd.GeoDataFrame):
        label = _name_of(obj) or report_label(obj) or role
    try:
        text = Text("{layer} as given", params={"layer": label})
        boundary = finish_boundary(geom, WGS84, method="input", definition=text.render("en"), definition_text=text)
    except DelineationError as exc:
        raise UsageError(Text("{role}: has no polygon with an area; give a polygon boundary", params={"role": role})) from exc
    return boundary, label


def _name_of(gdf: gpd.GeoDataFrame) -> str | None:
    """The ``name``/``nom`` of a one-row frame, if it has one."""
    if len(gdf) != 1:
        return None
    for col in ("name", "nom", "label"):
        if col in gdf.columns and isinstance(gdf[col].iloc[0], str) and gdf[col].iloc[0].strip():
            return gdf[col].iloc[0].strip()
    return None


def report_label(gdf: gpd.GeoDataFrame) -> str | None:
    """``file:layer`` of a frame read with :func:`landgeo.layers.read_vector`, if any."""
    rep = gdf.attrs.get("landgeo_report")
    return getattr(rep, "label", None)


def _split_layer(path: str | Path) -> tuple[Path, str | None]:
    """``file.gpkg:layer`` → (file.gpkg, layer); a plain existing path → (path, None)."""
    text = str(path)
    p = Path(text)
    if p.exists() or ":" not in text:
        return p, None
    head, _, layer = text.rpartition(":")
    if Path(head).exists() and layer:
        return Path(head), layer
    return p, None


def load_boundary(path: str | Path, *, notes: list[str] | None = None) -> tuple[Boundary, str]:
    """A boundary from a recipe (``.toml``) or a polygon layer (``file`` or ``file:layer``).

    A layer is dissolved into one boundary; its CRS is transformed to EPSG:4326
    (logged, and noted in ``notes``).
    """
    notes = notes if notes is not None else []
    file, layer = _split_layer(path)
    if file.suffix.lower() == ".toml":
        recipe = read_recipe(file)
        return delineate(recipe), recipe.name
    # read as profile and check read a boundary file: closed lines become polygons, a landgeo boundary.gpkg
    # opens on its boundary layer, and messages name the FILE:LAYER form of the command line
    gdf = read_drawn(file, layer=layer, options=layers.OptionNames(layer=f"{file}:NAME", crs=Text("a CRS stated in the file"),
                                                                   where=Text("in the file")))
    label = _name_of(gdf) or report_label(gdf) or file.name
    if gdf.crs is not None and not CRS(gdf.crs).equals(WGS84):
        note = Text("{layer} was in {crs}; transformed to EPSG:4326 for the overlay",
                    params={"layer": label, "crs": gdf.crs.to_string()}).sentence("en")
        log.info(note)
        notes.append(note)
    definition = _first_text(gdf, "definition")
    text = None if definition else Text("Boundary read from {layer}", params={"layer": label})
    method = _first_text(gdf, "method") or "file"
    boundary = boundary_from_layer(gdf, label=label, definition=definition or text.render("en"))
    boundary = dataclasses.replace(boundary, method=method, definition_text=text)
    return boundary, label


def _first_text(gdf: gpd.GeoDataFrame, column: str) -> str | None:
    if column in gdf.columns and len(gdf) and isinstance(gdf[column].iloc[0], str):
        return gdf[column].iloc[0]
    return None


def load_units(path: str | Path, *, layer: str | None = None, where: str | None = None) -> gpd.GeoDataFrame:
    """Read a unit layer (``file`` or ``file:layer``, optionally filtered by ``where``) for :func:`compare`."""

    file, inline_layer = _split_layer(path)
    try:
        gdf = layers.read_vector(file, layer=layer or inline_layer, where=where, expect="polygon")
    except LayerError as exc:
        if "layer = " in str(exc):  # say how to name the layer on the command line too
            raise LayerError(Text("{error} (command line: --units-layer NAME or --units {file}:NAME)",
                                  params={"error": exc.text or str(exc), "file": str(file)})) from exc
        raise
    if len(gdf) == 0:
        raise LayerError(Text("{file}: no unit is left after where = {where}; check the filter",
                              params={"file": str(file), "where": repr(where)}))
    return gdf
