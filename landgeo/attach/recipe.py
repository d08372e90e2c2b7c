"""A recipe's ``[attach.*]`` parts: read the layers it names and run each part, in one table of steps.

:func:`attach_all` runs :data:`STEPS` in order: each names its ``[attach.KEY]`` and the function that
reads the layer and measures it. The vector parts of one shape (read a layer, measure it, keep its
part and its layer for boundary.gpkg) are rows of :data:`VECTOR_PARTS`.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
from shapely.geometry.base import BaseGeometry

from ..boundary import Check
from ..errors import DataWarning
from ..geo import geodesy
from ..i18n import N_, Text
from ..io.raster import open_raster
from ..io.vector import read_vector, report_of, vector_extent_wgs84
from .admin_units import admin_units_spanned
from .classes import load_class_table
from .parts import ecosystems_from_vector, landcover_from_raster, population_from_raster
from .protected_areas import DEFAULT_BUFFER_M, fields_from_spec, protected_areas_inside
from .rivers import rivers_inside
from .rounding import rounded
from .sites import attach_sites, layer_to_wgs84
from .water import water_inside
from .water_distance import FIRST_WINDOW_M, WaterLayer, window_around

log = logging.getLogger(__name__)



@dataclass
class Attached:
    """What attach computed: profile parts, boundary.gpkg layers, checks, notes."""

    parts: dict = field(default_factory=dict)
    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _label(spec: Mapping) -> str:
    p = Path(spec["path"]).name
    return f"{p}:{spec['layer']}" if spec.get("layer") else p


def _read(spec: Mapping, expect: str, **kw) -> gpd.GeoDataFrame:
    if kw.get("bbox") is not None:
        kw["bbox_crs"] = "EPSG:4326"
    return read_vector(spec["path"], layer=spec.get("layer"), crs=spec.get("crs"), x=spec.get("x"), y=spec.get("y"),
                       where=spec.get("where"), expect=expect, **kw)


def _bbox(boundary: BaseGeometry, margin_deg: float = 0.0):
    minx, miny, maxx, maxy = boundary.bounds
    return (minx - margin_deg, miny - margin_deg, maxx + margin_deg, maxy + margin_deg)


def water_layer(spec: Mapping, boundary: BaseGeometry, *, kind: str, expect: str) -> tuple[WaterLayer, gpd.GeoDataFrame]:
    """A water layer of a recipe (``[attach.rivers]``, ``[attach.water]``…) for site distances.

    Reads the features within :data:`~landgeo.water_distance.FIRST_WINDOW_M`
    of the landscape (returned as a frame in EPSG:4326 for the part that
    measures the water inside), and gives the :class:`WaterLayer` the layer's
    whole extent and a reader for wider windows, so that every site's distance
    is exact however far the water is.
    """
    label = spec.get("source") or _label(spec)

    def read(bbox):
        gdf = _read(spec, expect, bbox=bbox)
        return layer_to_wgs84(gdf, label).geometry.values if len(gdf) else np.zeros(0, dtype=object)

    window = window_around([boundary], FIRST_WINDOW_M)
    first = _read(spec, expect, bbox=window)
    first84 = layer_to_wgs84(first, label) if len(first) else first.set_crs(4326, allow_override=True)
    extent = vector_extent_wgs84(spec["path"], layer=spec.get("layer"), crs=spec.get("crs"))
    layer = WaterLayer(label=label, kind=kind, geoms=np.asarray(first84.geometry.values, dtype=object), extent=extent,
                       window=window, read=read)
    return layer, first


@dataclass
class _Run:
    """One attach run: the landscape, the recipe's language, what was computed so far, and what later steps reuse."""
    geom: BaseGeometry
    recipe: Any
    lang: str
    out: Attached = field(default_factory=Attached)
    admin_gdf: gpd.GeoDataFrame | None = None  # sites are named after the admin unit they lie in
    water_layers: list[WaterLayer] = field(default_factory=list)  # sites' distances count rivers and lakes

    def note_all(self, notes) -> None:
        for n in notes:
            log.info("%s", n)
            self.out.notes.append(n)

    def keep(self, key: str, part: Mapping, layer: gpd.GeoDataFrame, notes) -> None:
        """Keep a part (rounded for profile.json), its layer for boundary.gpkg, and its notes."""
        self.out.parts[key] = rounded(part)
        self.out.layers[key] = layer
        self.note_all(notes)


@dataclass(frozen=True)
class VectorPart:
    """An ``[attach.KEY]`` part of one shape: read a vector layer, measure it inside the landscape, keep part and layer.

    ``measure(geom, gdf, spec, source, lang)`` returns ``(part, layer, notes)``; ``water_kind`` reads the layer as a
    :class:`WaterLayer` of that kind as well, for the sites' distances to water.
    """
    key: str
    expect: str
    measure: Callable[..., tuple[dict, gpd.GeoDataFrame, list[str]]]
    water_kind: str | None = None

    def __call__(self, run: _Run, spec: Mapping) -> None:
        if self.water_kind is not None:
            water, gdf = water_layer(spec, run.geom, kind=self.water_kind, expect=self.expect)
            run.water_layers.append(water)
        else:
            gdf = _read(spec, self.expect, bbox=_bbox(run.geom))
        part, layer, notes = self.measure(run.geom, gdf, spec, spec.get("source") or _label(spec), run.lang)
        run.keep(self.key, part, layer, notes)


#: The vector parts of one shape (key in profile.json and boundary.gpkg = the recipe's ``[attach.KEY]``).
VECTOR_PARTS = {
    "rivers": VectorPart("rivers", "line", water_kind="river", measure=lambda geom, gdf, spec, source, lang: rivers_inside(
        geom, gdf, name_field=spec.get("name_field"), source=source, lang=lang)),
    "ecosystems": VectorPart("ecosystems", "polygon", measure=lambda geom, gdf, spec, source, lang: ecosystems_from_vector(
        geom, gdf, field=spec["field"], source=source, lang=lang)),
    "water": VectorPart("water", "polygon", water_kind="lake", measure=lambda geom, gdf, spec, source, lang: water_inside(
        geom, gdf, name_field=spec.get("name_field"), source=source, lang=lang)),
}


def _admin_units(run: _Run, spec: Mapping) -> None:
    run.admin_gdf = _read(spec, "polygon", bbox=_bbox(run.geom))
    part, layer, notes = admin_units_spanned(
        run.geom, run.admin_gdf, name_field=spec["name_field"], level=spec.get("level"),
        country_field=spec.get("country_field"), source=spec.get("source") or _label(spec), lang=run.lang)
    if not part["countries"]:
        part["countries"] = list(run.recipe.countries)
    run.out.parts["location"] = rounded(part)
    run.out.layers["admin_units"] = layer
    run.note_all(notes)


def _raster_part(spec: Mapping, measure):
    """``measure(src)`` on the part's raster, its DataWarnings silenced (they are returned as notes)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        with open_raster(spec["path"], crs=spec.get("crs")) as src:
            return measure(src)


def _land_cover(run: _Run, spec: Mapping) -> None:
    classes = spec.get("classes")  # a built-in name or an absolute CSV path (checked by the recipe)
    table = load_class_table(classes) if classes is not None else None
    part, notes = _raster_part(spec, lambda src: landcover_from_raster(
        run.geom, src, table, source=spec.get("source") or Path(spec["path"]).name, lang=run.lang))
    if spec.get("year") is not None:
        part["year"] = spec["year"]
    out = run.out
    out.parts["land_cover"] = rounded(part)
    if "ecosystems" not in out.parts:
        out.parts["ecosystems"] = out.parts["land_cover"]
    _coverage_check(out, "land_cover_coverage", part, "land cover", run.lang)
    run.note_all(notes)


def _population(run: _Run, spec: Mapping) -> None:
    part, notes = _raster_part(spec, lambda src: population_from_raster(
        run.geom, src, kind=spec.get("kind", "density"), source=spec.get("source") or Path(spec["path"]).name,
        year=spec.get("year"), lang=run.lang))
    run.out.parts["population"] = rounded(part)
    _coverage_check(run.out, "population_coverage", part, "population", run.lang)
    run.note_all(notes)


def _sites(run: _Run, spec: Mapping) -> None:
    gdf = _read(spec, None)
    rep = report_of(gdf)
    res = attach_sites(
        run.geom, gdf, water=run.water_layers, admin_units=run.admin_gdf,
        admin_name_field=(run.recipe.attach.get("admin_units") or {}).get("name_field"),
        water_distance_m=float(spec.get("water_distance_m", 500.0)), name_field=spec.get("name_field"),
        source=spec.get("source") or _label(spec),
        invalid_rows=(rep.dropped_invalid_coords if rep else 0), lang=run.lang,
    )
    run.keep("sites", res.part, res.layer, res.notes)


def _protected_areas(run: _Run, spec: Mapping) -> None:
    geom = run.geom
    buffer_m = float(spec.get("buffer_m", DEFAULT_BUFFER_M))
    margin = geodesy.metres_to_degrees(buffer_m * 1.5, max(abs(geom.bounds[1]), abs(geom.bounds[3])))
    gdf = _read(spec, "polygon", bbox=_bbox(geom, margin))
    part, layer, notes = protected_areas_inside(geom, gdf, sites=run.out.layers.get("sites"), buffer_m=buffer_m,
                                                fields=fields_from_spec(spec), source=spec.get("source") or _label(spec),
                                                lang=run.lang)
    run.keep("protected_areas", part, layer, notes)


#: Every ``[attach.KEY]`` and its step, in the order they run (and appear in profile.json): the admin units and
#: the water layers come before the sites, which are named after their unit and measured to the water.
STEPS: tuple[tuple[str, Callable[[_Run, Mapping], None]], ...] = (
    ("admin_units", _admin_units),
    ("rivers", VECTOR_PARTS["rivers"]),
    ("ecosystems", VECTOR_PARTS["ecosystems"]),
    ("landcover", _land_cover),
    ("population", _population),
    ("water", VECTOR_PARTS["water"]),
    ("sites", _sites),
    ("protected_areas", _protected_areas),
)


def attach_all(recipe, boundary) -> Attached:
    """Compute every ``[attach.*]`` part a recipe asks for.

    Parameters
    ----------
    recipe
        A :class:`landgeo.recipe.Recipe` (``recipe.attach`` maps part → settings).
    boundary
        The :class:`landgeo.boundary.Boundary` (or a geometry in EPSG:4326).

    Returns
    -------
    Attached: ``parts`` keyed ``location``, ``population``, ``ecosystems``,
    ``land_cover``, ``sites``, ``rivers`` (rounded), ``layers`` for
    boundary.gpkg (``admin_units``, ``ecosystems``, ``sites``, ``rivers``),
    ``checks`` and ``notes``.
    """
    run = _Run(getattr(boundary, "geometry", boundary), recipe, getattr(recipe, "language", "en"))
    for key, step in STEPS:
        spec = recipe.attach.get(key)
        if spec:
            step(run, spec)
    return run.out


def _coverage_check(out: Attached, cid: str, part: Mapping, what: str, lang: str = "en") -> None:
    share = float(part.get("not_covered_share") or 0.0)
    land = what == "land cover"
    if share >= 1.0:
        text = Text("The land-cover raster does not overlap the landscape") if land else \
            Text("The population raster does not overlap the landscape")
        out.checks.append(Check.from_text(cid, "warn", text, lang, round(share, 6)))
    elif share > 0.01:
        msgid = (N_("{share:.1%} of the landscape has no land-cover value (outside the raster or nodata)") if land else
                 N_("{share:.1%} of the landscape has no population value (outside the raster or nodata)"))
        out.checks.append(Check.from_text(cid, "warn", Text(msgid, params={"share": round(share, 6)}), lang, round(share, 6)))
