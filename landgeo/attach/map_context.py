"""Layers around a landscape for its maps: the recipe's ``[context]`` layers and the neighbouring admin units.

Nothing here enters the profile's numbers: these layers are read over the map's view (the
landscape's box grown by :data:`VIEW_GROWTH` of its size on each side), normalised to the
columns the renderers draw, and stored in boundary.gpkg so ``landgeo sheet PROFILE_DIR`` draws
them again:

* ``context_points`` (settlements, points), ``context_lines`` (roads, tracks, lines),
  ``context_polygons`` (protected areas, polygons): ``name``, ``priority`` (population, or minus
  the rank: larger is more important), ``kind``, ``layer`` (the legend title; empty: the kind's name);
* ``admin_neighbours``: units of ``[attach.admin_units]`` in view that the landscape does not touch (``name``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from ..errors import FieldError
from ..i18n import Text, translator
from ..io.vector import read_vector
from .sites import layer_to_wgs84

log = logging.getLogger(__name__)

#: The view is the landscape's bounding box grown by this share of its larger side on each side.
VIEW_GROWTH = 0.6
GROUP_OF = {"settlements": "context_points", "points": "context_points", "roads": "context_lines",
            "tracks": "context_lines", "lines": "context_lines", "protected_areas": "context_polygons",
            "polygons": "context_polygons"}
TYPE_IDS = {"context_points": (0, 4), "context_lines": (1, 5), "context_polygons": (3, 6)}
NAME_FIELDS = ("name", "nom", "nombre", "nome", "town", "village", "localite", "label")


def view_bbox(geom: BaseGeometry, growth: float = VIEW_GROWTH) -> tuple[float, float, float, float]:
    """(minx, miny, maxx, maxy) around ``geom`` that covers a map of it (EPSG:4326)."""
    minx, miny, maxx, maxy = geom.bounds
    pad = growth * max(maxx - minx, maxy - miny, 0.01)
    return (max(minx - pad, -180.0), max(miny - pad, -90.0), min(maxx + pad, 180.0), min(maxy + pad, 90.0))


def _read(spec: Mapping[str, Any], bbox, expect=None) -> gpd.GeoDataFrame:
    return read_vector(spec["path"], layer=spec.get("layer"), crs=spec.get("crs"), x=spec.get("x"), y=spec.get("y"),
                       where=spec.get("where"), bbox=bbox, bbox_crs="EPSG:4326", expect=expect)


def _column(gdf, name: str | None, key: str, section: str) -> str | None:
    if name is None:
        return None
    if name not in gdf.columns:
        fields = ", ".join(str(c) for c in gdf.columns if c != gdf.geometry.name)
        raise FieldError(Text("[context.{section}]: no field {name}; the fields are: {fields}; fix {key}", params={"section": str(section), "name": repr(name), "fields": str(fields), "key": str(key)}))
    return name


def normalise(gdf: gpd.GeoDataFrame, spec: Mapping[str, Any], section: str, *, lang: str = "en") -> tuple[str, gpd.GeoDataFrame, list[str]]:
    """One ``[context.<section>]`` layer as (group, frame with ``name, priority, kind, layer``, notes)."""
    notes: list[str] = []
    kind = spec["kind"]
    group = GROUP_OF[kind]
    gdf = layer_to_wgs84(gdf, section, notes, lang=lang) if len(gdf) else gdf.set_crs(4326, allow_override=True)
    name_col = _column(gdf, spec.get("name_field"), "name_field", section)
    if name_col is None:
        lower = {str(c).lower(): c for c in gdf.columns if c != gdf.geometry.name}
        name_col = next((lower[c] for c in NAME_FIELDS if c in lower), None)
    pop_col = _column(gdf, spec.get("population_field"), "population_field", section)
    rank_col = _column(gdf, spec.get("rank_field"), "rank_field", section)
    geoms = gdf.geometry.values
    if group == "context_points":
        geoms = np.where(np.isin(shapely.get_type_id(geoms), (0, 4)), geoms, shapely.point_on_surface(geoms))
    keep = np.isin(shapely.get_type_id(geoms), TYPE_IDS[group]) & ~shapely.is_empty(geoms)
    skipped = int((~keep).sum())
    if skipped:
        notes.append(translator(lang)("[context.{section}]: {n} feature of another geometry type than {kind} was not drawn",
                                      "[context.{section}]: {n} features of another geometry type than {kind} were not drawn",
                                      n=skipped, section=section, kind=kind))
    priority = np.zeros(len(gdf))
    if pop_col is not None:
        priority = pd.to_numeric(gdf[pop_col], errors="coerce").fillna(0.0).to_numpy(dtype=float)
    elif rank_col is not None:
        priority = -pd.to_numeric(gdf[rank_col], errors="coerce").fillna(1e9).to_numpy(dtype=float)
    names = gdf[name_col].astype("string").fillna("").to_numpy(dtype=object) if name_col else np.full(len(gdf), "", object)
    out = gpd.GeoDataFrame({"name": [str(n) if str(n).strip() else None for n in names[keep]],
                            "priority": priority[keep], "kind": kind,
                            "layer": spec.get("title") or (section if kind in ("lines", "polygons", "points") else "")},
                           geometry=list(geoms[keep]), crs=4326)
    return group, out, notes


def context_layers(recipe, geom: BaseGeometry) -> tuple[dict[str, gpd.GeoDataFrame], list[dict], list[str]]:
    """The recipe's ``[context]`` layers over the map's view.

    Returns (layers keyed ``context_points``/``context_lines``/``context_polygons``, a record per
    layer {name, kind, features, source} for the profile, notes).
    """
    lang = getattr(recipe, "language", "en")
    specs = (getattr(recipe, "context", None) or {}).get("layers") or {}
    bbox = view_bbox(geom)
    groups: dict[str, list[gpd.GeoDataFrame]] = {}
    records, notes = [], []
    for section, spec in specs.items():
        gdf = _read(spec, bbox)
        group, frame, ns = normalise(gdf, spec, section, lang=lang)
        notes += ns
        groups.setdefault(group, []).append(frame)
        records.append({"name": section, "kind": spec["kind"], "features": len(frame),
                        "source": spec.get("source") or spec.get("title") or section})
        log.info(Text("[context.{section}]: {n} feature in view (kind = {kind})", "[context.{section}]: {n} features in view (kind = {kind})",
                      params={"section": str(section), "n": len(frame), "kind": str(spec["kind"])}))
    layers = {g: gpd.GeoDataFrame(pd.concat(fs, ignore_index=True), crs=4326) for g, fs in groups.items()}
    return layers, records, notes


def neighbouring_units(geom: BaseGeometry, spec: Mapping[str, Any], touched_names) -> gpd.GeoDataFrame | None:
    """Units of the ``[attach.admin_units]`` layer in the map's view that are not among ``touched_names`` (``name``)."""
    gdf = _read(spec, view_bbox(geom), expect="polygon")
    if not len(gdf):
        return None
    gdf = layer_to_wgs84(gdf, "admin units")
    names = gdf[spec["name_field"]].astype(str)
    out = gpd.GeoDataFrame({"name": names.to_numpy()}, geometry=gdf.geometry.values, crs=4326)
    out = out[~out["name"].isin(set(map(str, touched_names)))]
    return out.reset_index(drop=True) if len(out) else None
