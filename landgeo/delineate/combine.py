"""Shape operations on a boundary: buffer, simplify and fill small holes.

Distances are applied in an equal-area azimuthal CRS centred on the boundary
(:func:`landgeo.geodesy.equal_area_crs`), never in degrees.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any, Mapping

import geopandas as gpd
import shapely

from .. import geodesy
from ..boundary import Boundary
from ..errors import DelineationError
from ..i18n import fmt_number, tr

log = logging.getLogger(__name__)


def _fill_holes(geom, max_ha: float):
    """Remove interior rings whose geodesic area is below ``max_ha`` (geom in EPSG:4326)."""
    polys = []
    for poly in shapely.get_parts(geom):
        keep = [r for r in poly.interiors if geodesy.area_ha(shapely.Polygon(r)) >= max_ha]
        polys.append(shapely.Polygon(poly.exterior, keep))
    return shapely.union_all(polys)


def postprocess(boundary: Boundary, options: Mapping[str, Any], *, lang: str = "en") -> Boundary:
    """Apply ``buffer_m``, ``simplify_m`` and ``fill_holes_below_ha`` from a recipe's [boundary]."""
    buffer_m = options.get("buffer_m")
    simplify_m = options.get("simplify_m")
    holes_ha = options.get("fill_holes_below_ha")
    if not (buffer_m or simplify_m or holes_ha):
        return boundary
    geom = boundary.geometry
    notes = []
    if buffer_m or simplify_m:
        crs = geodesy.equal_area_crs(geom)
        local = gpd.GeoSeries([geom], crs=4326).to_crs(crs).iloc[0]
        if buffer_m:
            local = local.buffer(buffer_m, quad_segs=16)
            notes.append(tr(lang, f"buffered by {fmt_number(buffer_m, lang)} m", f"zone tampon de {fmt_number(buffer_m, lang)} m"))
        if simplify_m:
            local = shapely.simplify(local, simplify_m, preserve_topology=True)
            notes.append(tr(lang, f"simplified to {fmt_number(simplify_m, lang)} m", f"simplifiée à {fmt_number(simplify_m, lang)} m"))
        log.info("boundary: buffer/simplify applied in %s", crs.to_proj4())
        geom = gpd.GeoSeries([local], crs=crs).to_crs(4326).iloc[0]
    if holes_ha:
        before = sum(len(p.interiors) for p in shapely.get_parts(geom))
        geom = _fill_holes(geom, holes_ha)
        filled = before - sum(len(p.interiors) for p in shapely.get_parts(geom))
        notes.append(tr(lang, f"{filled} holes under {fmt_number(holes_ha, lang)} ha filled",
                        f"{filled} trous de moins de {fmt_number(holes_ha, lang)} ha comblés"))
    geom = shapely.make_valid(geom) if not geom.is_valid else geom
    if geom.is_empty:
        raise DelineationError(f"[boundary] buffer_m = {buffer_m} leaves nothing of the boundary; use a smaller negative buffer")
    definition = boundary.definition + "; " + "; ".join(notes)
    return dataclasses.replace(boundary, geometry=geodesy.orient(geom), definition=definition)
