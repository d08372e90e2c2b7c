"""Catchments around a point whose geodesic area fits the scale band (``landgeo basins suggest``).

Tributaries when the point's catchment is too big, downstream catchments when it is too
small (:func:`suggest`); :func:`suggest_file` reads the layer and writes the candidates.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
from shapely.geometry.base import BaseGeometry

from ...checks.guidance import DEFAULT_MAX_HA, DEFAULT_MIN_HA, check_scale
from ...errors import UsageError
from ...geo import geodesy
from ...geo.coverage import dissolve
from ...geo.crs import WGS84
from ...i18n import Text
from ...io.vector import CLI_OPTIONS, check_vector_output, write_vector_file
from .layer import DEFAULT_SNAP_M, BasinLayer, read_basins, unit_at

log = logging.getLogger(__name__)


# --- suggestions -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    """A catchment proposed by :func:`suggest`: unit ``id`` and everything upstream of it."""

    id: int
    area_ha: float
    n_units: int
    verdict: str
    relation: str  # "start", "tributary" or "downstream"
    geometry: BaseGeometry = field(repr=False, compare=False)

    def to_dict(self) -> dict:
        return {"id": self.id, "area_ha": round(self.area_ha, 1), "n_units": self.n_units,
                "verdict": self.verdict, "relation": self.relation}


@dataclass(frozen=True)
class Suggestion:
    """The catchments that fit the band around a point, and how the point's own catchment fares."""

    point: tuple[float, float]
    unit_id: int
    snapped_m: float
    area_ha: float
    verdict: str
    min_ha: float
    max_ha: float
    candidates: tuple[Candidate, ...]
    note: str  # in English; note_text states it in any language
    note_text: Text | None = None

    def to_dict(self) -> dict:
        return {
            "point": list(self.point),
            "unit_id": self.unit_id,
            "snapped_m": round(self.snapped_m, 1),
            "area_ha": round(self.area_ha, 1),
            "verdict": self.verdict,
            "min_ha": self.min_ha,
            "max_ha": self.max_ha,
            "candidates": [c.to_dict() for c in self.candidates],
            "note": self.note,
            **({"note_text": self.note_text.to_dict()} if self.note_text else {}),
        }

    def to_frame(self) -> gpd.GeoDataFrame:
        """The candidates as a layer (EPSG:4326), one row each."""
        rows = [c.to_dict() for c in self.candidates]
        cols = ["id", "area_ha", "n_units", "verdict", "relation"]
        return gpd.GeoDataFrame(rows or None, columns=cols, geometry=[c.geometry for c in self.candidates], crs=WGS84)


def suggest(
    basins: BasinLayer,
    point: Sequence[float],
    *,
    min_ha: float = DEFAULT_MIN_HA,
    max_ha: float = DEFAULT_MAX_HA,
    snap_m: float = DEFAULT_SNAP_M,
    max_candidates: int = 20,
) -> Suggestion:
    """Catchments near ``point`` whose geodesic area is within [min_ha, max_ha].

    The catchment upstream of the unit at ``point`` is

    * within the band: it is the candidate;
    * above: the tributaries upstream are proposed — every unit whose
      catchment is within the band while the catchment of the unit it drains
      to is above (descending until each candidate fits);
    * below: the units downstream of it whose catchment is within the band.

    When none fits (the catchments jump across the band), the nearest ones on
    either side are given with their verdict and a note says so.

    Returns
    -------
    Suggestion
        Candidates sorted by area (largest first for tributaries, nearest first
        downstream), each with a geodesic area of its dissolved boundary.
    """
    # long: its numpydoc is 19 lines; the body walks up (tributaries) or down (downstream) in one place so both directions read alike
    if min_ha >= max_ha:
        raise UsageError(Text("--min-ha ({min_ha:g}) must be below --max-ha ({max_ha:g})", params={"min_ha": min_ha, "max_ha": max_ha}))
    lon, lat = float(point[0]), float(point[1])
    table = basins.table
    start, dist = unit_at(basins, lon, lat, snap_m=snap_m)
    root = table.root(start)
    tree_rows = table.upstream(root)
    values = np.zeros(len(basins))
    values[tree_rows] = basins.unit_areas_ha(tree_rows)
    catch = np.full(len(basins), np.nan)
    catch[tree_rows] = table.upstream_totals(values, tree_rows)
    start_area = float(catch[start])
    verdict = check_scale(start_area, min_ha=min_ha, max_ha=max_ha).verdict
    def within(area):
        return (area >= min_ha) & (area <= max_ha)

    note = ""
    picked: list[tuple[int, str]] = []
    if verdict == "within":
        picked = [(start, "start")]
    elif verdict == "above":
        sub = table.upstream(start)[1:]
        par_area = catch[table.parent[sub]]
        fits = sub[within(catch[sub]) & (par_area > max_ha)]
        if len(fits):
            fits = fits[np.argsort(-catch[fits], kind="stable")]
            if len(fits) > max_candidates:
                note = Text("{n} tributaries fit; the {shown} largest are listed", params={"n": int(len(fits)), "shown": int(max_candidates)})
            picked = [(int(u), "tributary") for u in fits[:max_candidates]]
        else:
            small = sub[(catch[sub] < min_ha) & (par_area > max_ha)]
            small = small[np.argsort(-catch[small], kind="stable")][:3]
            picked = [(start, "start")] + [(int(u), "tributary") for u in small]
            note = Text("no tributary catchment fits the band: upstream of a catchment above it, the tributaries are all below it")
    else:
        path = table.downstream(start)
        fits = path[within(catch[path])]
        if len(fits):
            picked = [(int(u), "downstream") for u in fits[:max_candidates]]
        else:
            above = path[catch[path] > max_ha]
            picked = [(start, "start")] + ([(int(above[0]), "downstream")] if len(above) else [])
            note = (Text("no downstream catchment fits the band: the next one downstream is above it") if len(above)
                    else Text("no downstream catchment fits the band: even the outlet's catchment is below it"))
    candidates = []
    for u, relation in picked:
        rows = table.upstream(u)
        geom = basins.to_wgs84(dissolve(basins.geoms[rows]))
        area = geodesy.area_ha(geom)
        candidates.append(Candidate(
            id=int(table.ids[u]), area_ha=area, n_units=int(len(rows)),
            verdict=check_scale(area, min_ha=min_ha, max_ha=max_ha).verdict, relation=relation,
            geometry=geodesy.orient(geom),
        ))
    if not note and not candidates:
        note = Text("no candidate")
    return Suggestion(
        point=(lon, lat), unit_id=int(table.ids[start]), snapped_m=dist, area_ha=start_area, verdict=verdict,
        min_ha=float(min_ha), max_ha=float(max_ha), candidates=tuple(candidates), note=note.render("en") if note else "",
        note_text=note or None,
    )


def suggest_file(
    path,
    *,
    point: Sequence[float],
    layer: str | None = None,
    crs=None,
    fields: Mapping[str, str] | None = None,
    min_ha: float | None = None,
    max_ha: float | None = None,
    snap_m: float = DEFAULT_SNAP_M,
    out=None,
    overwrite: bool = False,
    styles=None,
) -> Suggestion:
    """:func:`suggest` on a basin layer file; writes the candidates to ``out`` when given.

    Raises
    ------
    OutputExistsError
        ``out`` exists and ``overwrite`` is false (checked before any work).
    """
    if out is not None:
        check_vector_output(out, overwrite=overwrite, inputs=[path])
    basins = read_basins(path, layer=layer, crs=crs, fields=fields, options=CLI_OPTIONS)  # messages say --layer
    result = suggest(
        basins, point,
        min_ha=DEFAULT_MIN_HA if min_ha is None else min_ha,
        max_ha=DEFAULT_MAX_HA if max_ha is None else max_ha,
        snap_m=snap_m,
    )
    if out is not None:
        write_vector_file(result.to_frame(), out, layer="candidates", overwrite=overwrite, styles=styles)
        log.info(Text("wrote {n} candidate to {path}", "wrote {n} candidates to {path}", params={"n": len(result.candidates), "path": str(out)}))
    return result
