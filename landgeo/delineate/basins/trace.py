"""Watersheds from a HydroBASINS-style basin layer: trace, dissolve, check and suggest.

A basin layer has one polygon per unit, an id field (``HYBAS_ID``) and the id
of the unit it drains to (``NEXT_DOWN``, 0 for an outlet); HydroBASINS adds
``SUB_AREA``/``UP_AREA`` (km²) and ``PFAF_ID``. Field names are configurable.

* :func:`read_basins` / :meth:`BasinLayer.from_frame` validate the table
  (:class:`~landgeo.delineate.basin_table.BasinTable`);
* :func:`unit_at` finds the unit under an outlet, or the nearest within a
  geodesic snap distance;
* :func:`dissolve` merges adjacent units without gaps, fast (the shared edges
  are noded, then ``coverage_union_all``);
* :func:`boundary_from_basins` / :func:`boundary_from_recipe` make a
  :class:`~landgeo.boundary.Boundary` with a ``basin_consistency`` check;
* :func:`suggest` proposes catchments whose geodesic area fits the scale band.
"""

from __future__ import annotations

import difflib
import logging
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from ...boundary import Boundary, Check, Source, finish_boundary
from ...checks.guidance import DEFAULT_MAX_HA, DEFAULT_MIN_HA, check_scale
from ...errors import DataWarning, DelineationError, FieldError, RecipeError, UsageError
from ...geo import geodesy
from ...geo.crs import WGS84
from ...i18n import Text, fmt_number, tr
from ...io.vector import CLI_OPTIONS, RECIPE_OPTIONS, OptionNames, check_vector_output, read_vector, report_of, write_vector_file
from .table import BasinTable

log = logging.getLogger(__name__)

DEFAULT_FIELDS: Mapping[str, str] = MappingProxyType(
    {"id": "HYBAS_ID", "next_down": "NEXT_DOWN", "sub_area": "SUB_AREA", "up_area": "UP_AREA", "pfaf": "PFAF_ID"}
)
REQUIRED_FIELDS = ("id", "next_down")
DEFAULT_SNAP_M = 1000.0
CONSISTENCY_TOLERANCE = 0.02
KM2_TO_HA = 100.0
MAX_IDS_IN_SENTENCE = 8
MAX_IDS_IN_DETAILS = 5000


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
            f"{label}: unknown basin field role(s) {', '.join(sorted(unknown))}; the roles are {', '.join(DEFAULT_FIELDS)}"
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
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise FieldError(
                f"{label}: no field {name!r} for the basin {role.replace('_', ' ')}; {hint}the fields are: "
                f"{', '.join(map(str, cols))}. Name it with fields = {{ {role} = \"…\" }}"
            )
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
            raise DelineationError(f"{label}: the basin layer has no CRS; give it in the recipe (crs = \"EPSG:4326\")")
        units = units.reset_index(drop=True)
        resolved = _resolve_fields(units, fields, label)
        table = BasinTable.from_arrays(units[resolved["id"]].to_numpy(), units[resolved["next_down"]].to_numpy(), source=label)
        if len(table.drains_out):
            n = len(table.drains_out)
            nd = resolved["next_down"]
            warnings.warn(DataWarning(
                f"{label}: {n} unit{'s' if n != 1 else ''} drain{'' if n != 1 else 's'} to units that are not in the layer "
                f"({nd} {table.drains_out_text()}): the layer is clipped; they are treated as outlets of the layer",
                fr=f"{label} : {n} unité{'s' if n != 1 else ''} se déverse{'nt' if n != 1 else ''} dans des unités absentes "
                   f"de la couche ({nd} {table.drains_out_text()}) : la couche est découpée ; elles sont traitées comme "
                   "des exutoires de la couche"), stacklevel=2)
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
                log.info("%s: outlet (%.5f, %.5f) snapped %.0f m to unit %d", basins.label, lon, lat, dist[k], basins.table.ids[near[k]])
                return int(near[k]), float(dist[k])
    nearest = basins.tree.query_nearest(pt)
    dist = _geodesic_distances(basins, nearest, lon, lat)
    k = int(np.argmin(dist))
    d = float(dist[k])
    raise DelineationError(
        f"{basins.label}: the outlet ({lon:.5f}, {lat:.5f}) is in no basin unit; the nearest, unit "
        f"{basins.table.ids[nearest[k]]}, is {fmt_number(d, 'en')} m away, beyond snap_m = {fmt_number(snap_m, 'en')} m. "
        f"Check the outlet (longitude first) or set snap_m = {int(np.ceil(d * 1.05 / 10.0) * 10)}"
    )


# --- dissolving ------------------------------------------------------------------------------

def _hash_rows(values: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each row of a float array (exact coordinates → equal hashes).

    A collision could only hide a T-junction; :func:`dissolve` then notices the
    bad union and falls back to ``union_all``.
    """
    bits = np.ascontiguousarray(values, dtype=np.float64).view(np.uint64).reshape(len(values), -1)
    h = np.full(len(values), 0x9E3779B97F4A7C15, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(bits.shape[1]):
            h = (h ^ bits[:, j]) * np.uint64(0xBF58476D1CE4E5B9)
            h ^= h >> np.uint64(31)
    return h


def node_coverage(geoms, *, tolerance: float | None = None) -> tuple[np.ndarray, int]:
    """Insert into each polygon the vertices of its neighbours that lie on its edges.

    Polygons cut from a raster (HydroBASINS, DEM basins) meet at T-junctions: a
    vertex of one unit lies inside a straight edge of its neighbour, so their
    shared edges are not identical and ``coverage_union_all`` refuses them.
    Only edges that occur once are searched (shared, already matching edges
    occur twice), so this costs a fraction of a full union.

    Parameters
    ----------
    geoms
        (Multi)Polygons forming a coverage, any planar CRS.
    tolerance
        How close (layer units) a vertex must be to an edge to be inserted;
        by default 1e-10 of the coordinate extent.

    Returns
    -------
    (noded, inserted)
        The polygons (MultiPolygons where a unit has parts) and the number of
        vertices inserted.
    """
    geoms = np.asarray(geoms, dtype=object)
    parts, part_unit = shapely.get_parts(geoms, return_index=True)
    polygonal = shapely.get_type_id(parts) == 3  # lines or points left by a repair have no rings
    parts, part_unit = parts[polygonal], part_unit[polygonal]
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    if len(coords) == 0:
        return geoms, 0
    if tolerance is None:
        tolerance = max(float(np.ptp(coords, axis=0).max()), 1e-6) * 1e-10
    seg = np.nonzero(ring_of[:-1] == ring_of[1:])[0]  # segment seg[k]: coords[seg[k]] → coords[seg[k] + 1]
    a, b = coords[seg], coords[seg + 1]
    swap = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
    key = _hash_rows(np.hstack([np.where(swap[:, None], b, a), np.where(swap[:, None], a, b)]))
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    single = seg[counts[inverse.ravel()] == 1]
    if len(single) == 0:
        return geoms, 0
    sa, sb = coords[single], coords[single + 1]
    ends = np.vstack([sa, sb])
    _, first = np.unique(_hash_rows(ends), return_index=True)
    cand = ends[first]
    tree = shapely.STRtree(shapely.linestrings(np.stack([sa, sb], axis=1)))
    pi, si = tree.query(shapely.points(cand), predicate="dwithin", distance=tolerance)
    p, s0, s1 = cand[pi], sa[si], sb[si]
    d = s1 - s0
    length2 = np.maximum((d * d).sum(axis=1), 1e-300)
    t = ((p - s0) * d).sum(axis=1) / length2
    end = tolerance / np.sqrt(length2)
    inner = (t > end) & (t < 1.0 - end)
    if not inner.any():
        return geoms, 0
    p, t, at = p[inner], t[inner], single[si[inner]]
    order = np.lexsort((t, at))  # along each segment, in order
    p, at = p[order], at[order]
    xy = np.insert(coords, at + 1, p, axis=0)  # same-index insertions keep their order
    new_ring_of = np.insert(ring_of, at + 1, ring_of[at])
    new_rings = shapely.linearrings(xy, indices=new_ring_of)
    new_parts = shapely.polygons(new_rings, indices=ring_part)
    out = geoms.copy()
    units_with_parts = np.unique(part_unit)
    out[units_with_parts] = shapely.multipolygons(new_parts, indices=np.searchsorted(units_with_parts, part_unit))
    return out, int(len(at))


def dissolve(geoms, *, rel_tolerance: float = 1e-9) -> BaseGeometry:
    """Gap-free union of adjacent (Multi)Polygons in a planar CRS.

    Nodes the shared edges (:func:`node_coverage`), then merges with
    ``shapely.coverage_union_all``; if the result's planar area differs from
    the sum of the inputs by more than ``rel_tolerance`` (overlapping or
    broken units), falls back to ``shapely.union_all`` and logs it.
    """
    geoms = np.asarray([g for g in np.atleast_1d(np.asarray(geoms, dtype=object)) if g is not None and not g.is_empty], dtype=object)
    if len(geoms) == 0:
        return shapely.Polygon()
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        geoms[invalid] = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
    if len(geoms) == 1:
        return geoms[0]
    total = float(shapely.area(geoms).sum())
    try:
        noded, inserted = node_coverage(geoms)
        merged = shapely.coverage_union_all(noded)
        ok = merged.is_valid and abs(merged.area - total) <= rel_tolerance * max(total, 1e-300)
    except shapely.errors.GEOSException as exc:
        log.info("coverage union failed (%s)", exc)
        ok = False
    if ok:
        log.debug("dissolved %d units (%d T-junction vertices inserted)", len(geoms), inserted)
        return merged
    log.info("units are not a clean coverage (overlaps or gaps); dissolving with union_all")
    return shapely.union_all(geoms)


# --- selections ------------------------------------------------------------------------------

def select_pfaf(basins: BasinLayer, prefixes) -> np.ndarray:
    """Rows whose PFAF_ID starts with any of ``prefixes`` (a Pfafstetter sub-basin)."""
    name = basins.fields.get("pfaf")
    if name is None:
        raise FieldError(
            f"{basins.label}: no PFAF_ID field for pfaf_prefix; name the Pfafstetter code field with fields = {{ pfaf = \"…\" }}"
        )
    if isinstance(prefixes, (str, int)):
        prefixes = [prefixes]
    codes = basins.units[name].astype("Int64").astype(str).to_numpy() if basins.units[name].dtype.kind in "iuf" \
        else basins.units[name].astype(str).to_numpy()
    hit = np.zeros(len(basins), dtype=bool)
    for prefix in prefixes:
        text = str(prefix).strip()
        if not text.isdigit():
            raise UsageError(f"{basins.label}: pfaf_prefix = {prefix!r} is not a Pfafstetter code; give digits, e.g. \"1234\"")
        hit |= np.char.startswith(codes.astype(str), text)
    rows = np.nonzero(hit)[0]
    if len(rows) == 0:
        raise DelineationError(
            f"{basins.label}: no unit has a {name} starting with {', '.join(map(str, prefixes))}; "
            f"the codes run from {codes.min()} to {codes.max()}"
        )
    return rows


# --- consistency -----------------------------------------------------------------------------

def _clipped_upstream(basins: BasinLayer, rows: np.ndarray, tolerance: float) -> tuple[np.ndarray, float]:
    """Units of ``rows`` whose UP_AREA holds more than their own SUB_AREA and their children's UP_AREA
    in the layer (the units upstream of them were clipped away), and that missing area (km²)."""
    up = basins.column("up_area", np.arange(len(basins)))
    sub = basins.column("sub_area", np.arange(len(basins)))
    if up is None or sub is None:
        return np.zeros(0, dtype=np.int64), 0.0
    table = basins.table
    child_up = np.zeros(len(basins))
    has_parent = table.parent >= 0
    np.add.at(child_up, table.parent[has_parent], np.nan_to_num(up[has_parent]))
    gap = up[rows] - sub[rows] - child_up[rows]
    lost = np.isfinite(gap) & (gap > tolerance * np.maximum(up[rows], 1e-9)) & (gap > 0.01)
    return rows[lost], float(np.nansum(gap[lost]))


def consistency_check(
    basins: BasinLayer,
    rows,
    area_ha: float,
    *,
    outlet_row: int | None = None,
    tolerance: float = CONSISTENCY_TOLERANCE,
    lang: str = "en",
) -> Check | None:
    """Compare the traced boundary's geodesic area with Σ SUB_AREA and the outlet's UP_AREA.

    Returns a ``basin_consistency`` :class:`Check` (``warn`` when a
    difference exceeds ``tolerance``, 2 % by default), or None when the layer
    has neither field. ``value`` holds the areas (ha) and relative differences.

    An outlet ``UP_AREA`` larger than the Σ ``SUB_AREA`` of the units traced
    (while the polygons match Σ ``SUB_AREA``) means units upstream were clipped
    away from the layer: the message says so, with the missing area and the
    units that lost their upstream part (``value["clipped_units"]``).
    """
    rows = np.asarray(rows, dtype=np.int64)
    sub = basins.column("sub_area", rows)
    up = basins.column("up_area", [outlet_row]) if outlet_row is not None else None
    if sub is None and up is None:
        return None
    value: dict[str, Any] = {"area_ha": round(float(area_ha), 1)}
    parts_en, parts_fr, diffs = [], [], []
    a = fmt_number(area_ha, lang)
    sub_total = None
    if sub is not None and np.isfinite(sub).all():
        sub_total = total = float(sub.sum()) * KM2_TO_HA
        rel = (area_ha - total) / total if total > 0 else float("inf")
        value.update(sum_sub_area_ha=round(total, 1), diff_sub_area=round(rel, 5))
        diffs.append(rel)
        parts_en.append(f"Σ {basins.fields['sub_area']} of the {len(rows)} units {fmt_number(total, 'en')} ha ({_pct(rel, 'en')})")
        parts_fr.append(f"Σ {basins.fields['sub_area']} des {len(rows)} unités {fmt_number(total, 'fr')} ha ({_pct(rel, 'fr')})")
    clipped_en = clipped_fr = ""
    polygons_ok = all(abs(d) <= tolerance for d in diffs)
    if up is not None and np.isfinite(up).all():
        total = float(up[0]) * KM2_TO_HA
        rel = (area_ha - total) / total if total > 0 else float("inf")
        value.update(up_area_ha=round(total, 1), diff_up_area=round(rel, 5))
        uid = int(basins.table.ids[outlet_row])
        parts_en.append(f"{basins.fields['up_area']} of outlet unit {uid} {fmt_number(total, 'en')} ha ({_pct(rel, 'en')})")
        parts_fr.append(f"{basins.fields['up_area']} de l'unité exutoire {uid} {fmt_number(total, 'fr')} ha ({_pct(rel, 'fr')})")
        if sub_total is not None and polygons_ok and total > sub_total * (1 + tolerance):
            lost_rows, _ = _clipped_upstream(basins, rows, tolerance / 10)
            missing = total - sub_total
            ids = [int(i) for i in basins.table.ids[lost_rows]]
            value.update(missing_upstream_ha=round(missing, 1), clipped_units=ids[:MAX_IDS_IN_DETAILS])
            listed = _ids_text(ids) if ids else ""
            clipped_en = (f" The outlet's {basins.fields['up_area']} is larger than the units in the layer hold: about "
                          f"{fmt_number(missing, 'en')} ha of its catchment lies outside the layer (upstream units were clipped "
                          f"away{'; units that lost their upstream part: ' + listed if listed else ''}). The boundary is the "
                          "part of the catchment inside the layer.")
            clipped_fr = (f" Le {basins.fields['up_area']} de l'exutoire dépasse ce que les unités de la couche contiennent : "
                          f"environ {fmt_number(missing, 'fr')} ha de son bassin sont hors de la couche (unités amont découpées"
                          f"{' ; unités ayant perdu leur amont : ' + listed if listed else ''}). La limite est la partie du "
                          "bassin comprise dans la couche.")
            diffs.append(rel)
        else:
            diffs.append(rel)
    if not diffs:
        return None
    worst = max(abs(d) for d in diffs)
    status = "ok" if worst <= tolerance else "warn"
    lim = f"{tolerance:.0%}"
    if clipped_en:
        tail_en, tail_fr = "." + clipped_en, "." + clipped_fr
    elif status == "ok":
        tail_en = tail_fr = "."
    else:
        tail_en = f": more than {lim} apart — the basin table's areas do not match its polygons (clipped or edited layer?)."
        tail_fr = f" : écart de plus de {lim} — les surfaces de la table ne correspondent pas aux polygones (couche découpée ou modifiée ?)."
    msg = tr(lang, f"Traced area {a} ha vs " + "; ".join(parts_en) + tail_en,
             f"Surface tracée {a} ha contre " + " ; ".join(parts_fr) + tail_fr)
    return Check("basin_consistency", status, msg, value)


def _pct(rel: float, lang: str) -> str:
    text = f"{rel:+.1%}"
    return text.replace(".", ",").replace("%", "\u202f%") if lang == "fr" else text


# --- boundary --------------------------------------------------------------------------------

def _ids_text(ids) -> str:
    ids = [str(int(i)) for i in ids]
    shown = ", ".join(ids[:MAX_IDS_IN_SENTENCE])
    return shown + (f", … ({len(ids)})" if len(ids) > MAX_IDS_IN_SENTENCE else "")


def _units_phrase(n: int, src: str, *, traced_by: str | None = None) -> Text:
    """``14 basin units of basins.gpkg (HydroBASINS-style)[, traced through NEXT_DOWN]``, as data."""
    if traced_by:
        return Text("{n} basin unit of {layer} (HydroBASINS-style), traced through {field}",
                    "{n} basin units of {layer} (HydroBASINS-style), traced through {field}",
                    {"n": n, "layer": src, "field": traced_by})
    return Text("{n} basin unit of {layer} (HydroBASINS-style)", "{n} basin units of {layer} (HydroBASINS-style)",
                {"n": n, "layer": src})


def boundary_from_basins(
    basins: BasinLayer,
    *,
    outlet: Sequence[float] | None = None,
    snap_m: float = DEFAULT_SNAP_M,
    candidate: int | None = None,
    pfaf_prefix=None,
    hybas_ids=None,
    lang: str = "en",
    definition: str | None = None,
    method: str = "basins",
) -> Boundary:
    """A watershed boundary from a basin layer, by exactly one of four selections.

    Parameters
    ----------
    outlet
        (lon, lat): the unit there (or the nearest within ``snap_m`` metres)
        and every unit upstream of it through NEXT_DOWN.
    candidate
        A unit id: that unit and everything upstream (as proposed by :func:`suggest`).
    pfaf_prefix
        A Pfafstetter code prefix (or several): the units whose PFAF_ID starts with it.
    hybas_ids
        A list of unit ids, taken as they are (not traced).
    lang, definition
        Language of the generated definition sentence, or the user's own sentence.

    Returns
    -------
    Boundary
        With ``details`` (selection, outlet unit, ids) and a ``basin_consistency`` check.
    """
    given = [k for k, v in {"outlet": outlet, "candidate": candidate, "pfaf_prefix": pfaf_prefix, "hybas_ids": hybas_ids}.items()
             if v is not None and not (isinstance(v, (list, tuple)) and len(v) == 0)]
    if len(given) != 1:
        raise UsageError(
            f"{basins.label}: a basins boundary needs exactly one of outlet, candidate, pfaf_prefix or hybas_ids "
            f"({'got ' + ', '.join(given) if given else 'none given'})"
        )
    table = basins.table
    src = basins.label
    nd = basins.fields["next_down"]
    details: dict[str, Any] = {"selection": given[0], "layer": src}
    outlet_row: int | None = None
    if outlet is not None:
        lon, lat = float(outlet[0]), float(outlet[1])
        outlet_row, dist = unit_at(basins, lon, lat, snap_m=snap_m)
        rows = table.upstream(outlet_row)
        details.update(outlet=[lon, lat], snap_m=snap_m, snapped_m=round(dist, 1))
        uid = int(table.ids[outlet_row])
        units = _units_phrase(len(rows), src, traced_by=nd)
        if dist > 0:
            text = Text("Watershed upstream of the outlet at {outlet:lonlat}, snapped {distance_m:,.0f} m to unit {unit:d}: {units}",
                        params={"outlet": [lon, lat], "distance_m": round(dist, 1), "unit": uid, "units": units})
        else:
            text = Text("Watershed upstream of the outlet at {outlet:lonlat}: {units}", params={"outlet": [lon, lat], "units": units})
    elif candidate is not None:
        outlet_row = int(table.positions([candidate])[0])
        rows = table.upstream(outlet_row)
        text = Text("Watershed upstream of basin unit {unit:d} (included): {units}",
                    params={"unit": int(candidate), "units": _units_phrase(len(rows), src, traced_by=nd)})
    elif pfaf_prefix is not None:
        prefixes = [pfaf_prefix] if isinstance(pfaf_prefix, (str, int)) else list(pfaf_prefix)
        rows = select_pfaf(basins, prefixes)
        codes = ", ".join(str(p) for p in prefixes)
        name = basins.fields["pfaf"]
        text = Text("Pfafstetter basin {codes} ({field} starting with {codes}): {units}",
                    params={"codes": codes, "field": name, "units": _units_phrase(len(rows), src)})
        details["pfaf_prefix"] = [str(p) for p in prefixes]
    else:
        wanted = [hybas_ids] if isinstance(hybas_ids, (int, np.integer)) else list(hybas_ids)
        rows = np.unique(table.positions(wanted))
        listed = _ids_text(table.ids[rows])
        text = Text("Union of {units} chosen by id: {ids}", params={"units": _units_phrase(len(rows), src), "ids": listed})
    rows = np.sort(np.asarray(rows, dtype=np.int64))
    geom = dissolve(basins.geoms[rows])
    geom84 = basins.to_wgs84(geom)
    area = geodesy.area_ha(geom84)
    if outlet_row is not None:
        details["outlet_unit"] = int(table.ids[outlet_row])
    sel_outlets = table.selection_outlets(rows)
    details["n_units"] = int(len(rows))
    details["outlet_units"] = [int(i) for i in table.ids[sel_outlets][:MAX_IDS_IN_DETAILS]]
    out_of_layer = np.intersect1d(sel_outlets, table.drains_out)
    if len(out_of_layer):  # the layer is clipped: these drain to units it does not hold
        details["drains_out_of_layer"] = [int(i) for i in table.ids[out_of_layer][:MAX_IDS_IN_DETAILS]]
    if len(rows) <= MAX_IDS_IN_DETAILS:  # larger selections are recorded by how they were made
        details["unit_ids"] = [int(i) for i in table.ids[rows]]
    if outlet_row is None and len(sel_outlets) == 1 and table.size[sel_outlets[0]] == len(rows):
        outlet_row = int(sel_outlets[0])  # the selection is a whole catchment: its UP_AREA applies
    check = consistency_check(basins, rows, area, outlet_row=outlet_row, lang=lang)
    checks = (check,) if check is not None else ()
    return finish_boundary(
        geom84,
        WGS84,
        method=method,
        definition=definition or text.render(lang),
        sources=(Source(src, int(len(rows))),),
        details=details,
        checks=checks,
        definition_text=None if definition else text,
    )


def boundary_from_recipe(recipe) -> Boundary:
    """``method = "basins"``: a watershed from a HydroBASINS-style layer.

    Recipe keys (``[boundary]``): ``path`` (the basin layer), ``layer``,
    ``crs``, ``fields = { id = …, next_down = …, sub_area = …, up_area = …,
    pfaf = … }``, and one of ``outlet = [lon, lat]`` (with ``snap_m``),
    ``candidate = ID``, ``pfaf_prefix``, ``hybas_ids = [...]``.
    """
    b = recipe.boundary
    if "path" not in b:
        raise RecipeError(f"{recipe.path}: [boundary] method \"basins\" needs path = \"…\", the basin layer (e.g. a HydroBASINS level-12 shapefile)")
    fields = dict(b.get("fields", {}))
    basins = read_basins(b["path"], layer=b.get("layer"), crs=b.get("crs"), fields=fields)
    try:
        return boundary_from_basins(
            basins,
            outlet=b.get("outlet"),
            snap_m=float(b.get("snap_m", DEFAULT_SNAP_M)),
            candidate=b.get("candidate"),
            pfaf_prefix=b.get("pfaf_prefix"),
            hybas_ids=b.get("hybas_ids"),
            lang=recipe.language,
            definition=b.get("definition"),
        )
    except UsageError as exc:
        raise RecipeError(f"{recipe.path}: [boundary] {exc}") from exc


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
    if min_ha >= max_ha:
        raise UsageError(f"--min-ha ({min_ha:g}) must be below --max-ha ({max_ha:g})")
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
        log.info("wrote %d candidates to %s", len(result.candidates), out)
    return result
