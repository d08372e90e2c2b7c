"""Compare a landscape boundary with another boundary or with a layer of units.

How the numbers are made (the same rules everywhere in this module):

* **Overlays in EPSG:4326, areas geodesic.** Every input is transformed to
  EPSG:4326 (and the transformation logged) before any overlay; intersections,
  differences and unions are computed on the stored longitude/latitude
  vertices, and every area is :func:`landgeo.geodesy.area_ha` of the resulting
  piece (WGS84 ellipsoid). Because the pieces share their edges exactly, the
  areas add up: ``only_a + intersection = A`` and
  ``union = only_a + only_b + intersection``. No area is ever taken in degrees
  or in a projected CRS.
* **Edges densified first.** A straight edge in longitude/latitude and the
  geodesic between the same two vertices are different lines, so splitting a
  long edge (as every overlay does) would change its geodesic area (about
  1.5 ha on a 0.5° square). All inputs are therefore densified to edges of at
  most ``DENSIFY_DEG`` (0.01°, about 1 km) before the overlay; at that length
  both readings of an edge agree to well under 1e-6 of the area and the pieces
  add up. The reported areas are those of the densified inputs.
* **Hausdorff distance of the outlines.** The largest distance from a point on
  one outline to the nearest point of the other outline (both directions).
  The outlines are densified (``step_m``, reported) in a Lambert azimuthal
  equal-area CRS centred on A ∪ B (:func:`landgeo.geodesy.equal_area_crs`); the
  farthest pair found there is then measured geodesically on WGS84, so the
  reported kilometres are geodesic. The densification bounds the error by
  ``step_m`` (reported; 1/2000 of the extent by default).
* **Alignment (LandScale ±10 %).** Rule implemented: *A is aligned with B when
  the area of the symmetric difference A Δ B (only-A + only-B) is at most 10 %
  of A's area.* This is stricter than comparing the two total areas (two
  equal-sized but shifted boundaries fail it). The result names the direction
  of the mismatch: A extends beyond B, B extends beyond A, or both.
* **Best-fit jurisdiction.** For units that do not overlap each other, the set
  of whole units whose union maximises IoU with A is found exactly by
  :func:`best_prefix` (proof in its docstring). When units overlap (beyond
  slivers), the same ordering is evaluated with true geometric unions and the
  result is flagged as a heuristic.

The public entry points are :func:`compare` (objects in, :class:`Comparison`
out), :func:`compare_files` (paths in, optional output directory) and
:func:`write_comparison`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.ops
from pyproj import CRS, Transformer
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from .._version import __version__
from ..boundary import WGS84, Boundary, Check, Source, finish_boundary
from ..delineate import delineate
from ..errors import DelineationError, FieldError, LayerError, UsageError
from ..geo import geodesy
from ..i18n import Text, check_lang, translator
from ..io import vector as layers
from ..recipe.parse import read_recipe

log = logging.getLogger(__name__)

SCHEMA = "landgeo.compare/1"
ALIGNMENT_TOLERANCE = 0.10
ALIGNMENT_RULE = "symmetric difference (only-A + only-B) <= {pct} % of A's area"
#: A unit counts as spanned by A when at least this share of A lies in it.
SLIVER_SHARE = 0.005
#: Longest edge (degrees) kept before overlays; see the module docstring.
DENSIFY_DEG = 0.01
#: Coordinate grid (degrees) of densified geometries; see :func:`densify`.
GRID_DEG = 1e-9
#: Two units overlap when their common area exceeds this share of the smaller one.
OVERLAP_SHARE = 0.001


# --------------------------------------------------------------------------- inputs


def _geometry_of(obj: Any, role: str) -> tuple[BaseGeometry, str | None]:
    """(geometry in EPSG:4326, CRS it came from or None) for a shapely geometry or a frame."""
    if isinstance(obj, BaseGeometry):
        return obj, None  # documented: plain geometries are EPSG:4326
    if isinstance(obj, (gpd.GeoDataFrame, gpd.GeoSeries)):
        series = obj.geometry if isinstance(obj, gpd.GeoDataFrame) else obj
        if series.crs is None:
            raise UsageError(f"{role}: the GeoDataFrame has no CRS; set it with .set_crs(...) before comparing")
        src = None
        if not CRS(series.crs).equals(WGS84):
            src = series.crs.to_string()
            series = series.to_crs(WGS84)
        geoms = [g for g in series.values if g is not None and not g.is_empty]
        return shapely.union_all(geoms) if geoms else shapely.Polygon(), src
    raise UsageError(f"{role}: cannot compare a {type(obj).__name__}; give a Boundary, a shapely geometry (EPSG:4326), a GeoDataFrame or a path")


def _as_boundary(obj: Any, role: str, notes: list[str]) -> tuple[Boundary, str]:
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
        raise UsageError(f"{role}: has no polygon with an area; give a polygon boundary") from exc
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
    gdf = layers.read_vector(file, layer=layer, expect="polygon")
    label = _name_of(gdf) or report_label(gdf) or file.name
    if gdf.crs is not None and not CRS(gdf.crs).equals(WGS84):
        note = Text("{layer} was in {crs}; transformed to EPSG:4326 for the overlay",
                    params={"layer": label, "crs": gdf.crs.to_string()}).sentence("en")
        log.info(note)
        notes.append(note)
    definition = _first_text(gdf, "definition")
    text = None if definition else Text("Boundary read from {layer}", params={"layer": label})
    method = _first_text(gdf, "method") or "file"
    boundary = finish_boundary(
        gdf.geometry.values, gdf.crs, method=method, definition=definition or text.render("en"), sources=[Source(label, len(gdf))],
        definition_text=text,
    )
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
            raise LayerError(f"{exc} (command line: --units-layer NAME or --units {file}:NAME)") from exc
        raise
    if len(gdf) == 0:
        raise LayerError(f"{file}: no unit is left after where = {where!r}; check the filter")
    return gdf


# --------------------------------------------------------------------------- pair metrics


@dataclass(frozen=True)
class Alignment:
    """The LandScale alignment verdict of A against a reference (B or the best fit)."""

    rule: str
    tolerance: float
    symmetric_difference_ha: float
    share_of_a: float
    only_a_share_of_a: float
    only_b_share_of_a: float
    aligned: bool
    direction: str  # none | a_beyond_b | b_beyond_a | both

    def text(self, *, a="A", b="B") -> Text:
        """One sentence as data: the verdict, the gap against the limit and the direction.

        ``a`` and ``b`` name the two sides (a label, or a :class:`Text` such as "the best fit").
        """
        direction = {
            "none": Text("the outlines coincide"),
            "a_beyond_b": Text("mostly {a} extends beyond {b}", params={"a": a, "b": b}),
            "b_beyond_a": Text("mostly {b} extends beyond {a}", params={"a": a, "b": b}),
            "both": Text("each extends beyond the other"),
        }[self.direction]
        params = {"a": a, "b": b, "share": round(self.share_of_a, 6), "tolerance": self.tolerance, "direction": direction,
                  "only_a": round(self.only_a_share_of_a, 6), "only_b": round(self.only_b_share_of_a, 6)}
        if self.aligned:
            return Text("{a} is aligned with {b}: they differ by {share:.1%} of {a}'s area (limit {tolerance:.1%}); "
                        "{direction} (only in {a}: {only_a:.1%}, only in {b}: {only_b:.1%})", params=params)
        return Text("{a} is not aligned with {b}: they differ by {share:.1%} of {a}'s area (limit {tolerance:.1%}); "
                    "{direction} (only in {a}: {only_a:.1%}, only in {b}: {only_b:.1%})", params=params)

    def message(self, lang: str = "en", *, a="A", b="B") -> str:
        """:meth:`text` in ``lang``."""
        return self.text(a=a, b=b).render(lang)

    def check(self, lang: str = "en", *, a="A", b="B") -> Check:
        """As a :class:`landgeo.boundary.Check` (``ok`` or ``warn``)."""
        return Check.from_text("alignment", "ok" if self.aligned else "warn", self.text(a=a, b=b), lang, round(self.share_of_a, 6))

    def to_dict(self) -> dict:
        return {
            "rule": self.rule,
            "tolerance": self.tolerance,
            "symmetric_difference_ha": _ha(self.symmetric_difference_ha),
            "share_of_a": _share(self.share_of_a),
            "only_a_share_of_a": _share(self.only_a_share_of_a),
            "only_b_share_of_a": _share(self.only_b_share_of_a),
            "aligned": self.aligned,
            "direction": self.direction,
            "message": self.message("en"),
        }


def alignment(area_a_ha: float, only_a_ha: float, only_b_ha: float, *, tolerance: float = ALIGNMENT_TOLERANCE) -> Alignment:
    """The LandScale alignment check: aligned when ``only_a + only_b <= tolerance * A``.

    Direction: ``a_beyond_b`` when only-A is at least 3/4 of the symmetric
    difference, ``b_beyond_a`` when only-B is, ``both`` otherwise, ``none`` when
    it is empty.

    >>> alignment(100.0, 4.0, 5.0).aligned
    True
    >>> alignment(100.0, 12.0, 0.0).direction
    'a_beyond_b'
    """
    sym = only_a_ha + only_b_ha
    share = sym / area_a_ha if area_a_ha > 0 else math.inf
    if sym <= 1e-9 * max(area_a_ha, 1.0):
        direction = "none"
    elif only_a_ha >= 0.75 * sym:
        direction = "a_beyond_b"
    elif only_b_ha >= 0.75 * sym:
        direction = "b_beyond_a"
    else:
        direction = "both"
    return Alignment(
        rule=ALIGNMENT_RULE.format(pct=f"{100 * tolerance:g}"),
        tolerance=tolerance,
        symmetric_difference_ha=sym,
        share_of_a=share,
        only_a_share_of_a=only_a_ha / area_a_ha if area_a_ha > 0 else 0.0,
        only_b_share_of_a=only_b_ha / area_a_ha if area_a_ha > 0 else 0.0,
        aligned=bool(share <= tolerance + 1e-12),
        direction=direction,
    )


@dataclass(frozen=True)
class Hausdorff:
    """Outline Hausdorff distance and the pair of points that realises it."""

    km: float
    a_point: tuple[float, float]  # lon, lat on A's outline
    b_point: tuple[float, float]  # lon, lat on B's outline
    direction: str  # a_to_b: the point far from the other outline is a_point; b_to_a: it is b_point
    step_m: float

    def to_dict(self) -> dict:
        return {
            "km": round(self.km, 3),
            "a_point": [round(v, 6) for v in self.a_point],
            "b_point": [round(v, 6) for v in self.b_point],
            "direction": self.direction,
            "step_m": round(self.step_m, 1),
            "method": (
                "outline Hausdorff distance; outlines densified every step_m metres in a Lambert azimuthal "
                "equal-area CRS centred on A and B, farthest pair measured geodesically on WGS84"
            ),
        }


def _outline_points(geom: BaseGeometry, to_laea: Transformer, step_m: float) -> tuple[np.ndarray, BaseGeometry]:
    """Densified outline vertices (LAEA metres) and the outline itself in LAEA."""
    line = shapely.transform(geom.boundary, lambda xy: np.column_stack(to_laea.transform(xy[:, 0], xy[:, 1])))
    return shapely.get_coordinates(shapely.segmentize(line, step_m)), line


def hausdorff(a: BaseGeometry, b: BaseGeometry, *, step_m: float | None = None) -> Hausdorff:
    """Hausdorff distance (km) between the outlines of ``a`` and ``b`` (EPSG:4326).

    Parameters
    ----------
    a, b
        Polygonal geometries in EPSG:4326.
    step_m
        Densification step of the outlines in metres; default: 1/2000 of the
        diagonal of A ∪ B's extent, kept between 20 m and 2 km. The result
        is low by at most ``step_m`` (half from sampling the outlines, half
        from refining only the 32 farthest samples exactly); the pair is
        chosen on LAEA distances (scale error < 1 % within ~1,000 km of the
        centre) and then measured geodesically.

    >>> round(hausdorff(shapely.box(0, 0, 1, 1), shapely.box(0, 0, 1.1, 1)).km, 2)  # 0.1° at the equator
    11.13
    """
    both = shapely.union(a, b)
    crs = geodesy.equal_area_crs(both)
    to_laea = Transformer.from_crs(WGS84, crs, always_xy=True)
    to_ll = Transformer.from_crs(crs, WGS84, always_xy=True)
    if step_m is None:
        minx, miny, maxx, maxy = shapely.bounds(shapely.transform(shapely.envelope(both), lambda xy: np.column_stack(to_laea.transform(xy[:, 0], xy[:, 1]))))
        step_m = float(min(max(math.hypot(maxx - minx, maxy - miny) / 2000.0, 20.0), 2000.0))
    pa, line_a = _outline_points(a, to_laea, step_m)
    pb, line_b = _outline_points(b, to_laea, step_m)
    best = None
    for direction, pts, other_pts, other_line in (("a_to_b", pa, pb, line_b), ("b_to_a", pb, pa, line_a)):
        d, _ = cKDTree(other_pts).query(pts)
        # the nearest densified vertex overestimates the distance to the line by < step/2: refine the top few exactly
        top = np.argsort(d)[::-1][: min(32, len(d))]
        exact = shapely.distance(shapely.points(pts[top]), other_line)
        i = int(top[int(np.argmax(exact))])
        if best is None or exact.max() > best[0]:
            far = shapely.Point(pts[i])
            near = shapely.ops.nearest_points(far, other_line)[1]
            best = (float(exact.max()), direction, (far.x, far.y), (near.x, near.y))
    _, direction, p, q = best
    lon, lat = to_ll.transform([p[0], q[0]], [p[1], q[1]])
    km = float(geodesy.distance_m(lon[0], lat[0], lon[1], lat[1])) / 1000.0
    pa_ll, pb_ll = (float(lon[0]), float(lat[0])), (float(lon[1]), float(lat[1]))
    if direction == "b_to_a":
        pa_ll, pb_ll = pb_ll, pa_ll
    return Hausdorff(km=km, a_point=pa_ll, b_point=pb_ll, direction=direction, step_m=step_m)


@dataclass(frozen=True)
class PairMetrics:
    """Geodesic overlay metrics of A against a reference boundary B."""

    area_a_ha: float
    area_b_ha: float
    intersection_ha: float
    union_ha: float
    only_a_ha: float
    only_b_ha: float
    iou: float
    share_a_in_b: float
    share_b_in_a: float
    hausdorff: Hausdorff
    alignment: Alignment
    pieces: Mapping[str, BaseGeometry] = field(repr=False, compare=False, default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "area_a_ha": _ha(self.area_a_ha),
            "area_b_ha": _ha(self.area_b_ha),
            "intersection_ha": _ha(self.intersection_ha),
            "union_ha": _ha(self.union_ha),
            "only_a_ha": _ha(self.only_a_ha),
            "only_b_ha": _ha(self.only_b_ha),
            "iou": _share(self.iou),
            "share_a_in_b": _share(self.share_a_in_b),
            "share_b_in_a": _share(self.share_b_in_a),
            "hausdorff_km": round(self.hausdorff.km, 3),
            "hausdorff": self.hausdorff.to_dict(),
            "alignment": self.alignment.to_dict(),
        }




def densify(geom):
    """``geom`` (or an array of geometries) with no edge longer than :data:`DENSIFY_DEG` degrees.

    The new vertices are snapped to a 1e-9° grid (0.1 mm): a shared edge cut
    from either side then gives the very same points, so neighbouring units
    still dissolve without micro-holes.
    """
    return shapely.set_precision(shapely.segmentize(geom, DENSIFY_DEG), GRID_DEG)


def pair_metrics(a: BaseGeometry, b: BaseGeometry, *, tolerance: float = ALIGNMENT_TOLERANCE, step_m: float | None = None) -> PairMetrics:
    """Area, overlay, IoU, Hausdorff and alignment of ``a`` against ``b`` (EPSG:4326).

    The overlay is made in EPSG:4326 and every piece measured geodesically, so
    ``only_a + intersection == area_a`` up to rounding.

    >>> m = pair_metrics(shapely.box(0, 0, 1, 1), shapely.box(0, 0, 1, 1))
    >>> m.iou, m.alignment.aligned
    (1.0, True)
    """
    a, b = densify(a), densify(b)
    inter = geodesy.polygonal(shapely.intersection(a, b))
    only_a = geodesy.polygonal(shapely.difference(a, b))
    only_b = geodesy.polygonal(shapely.difference(b, a))
    area_a, area_b = geodesy.area_ha(a), geodesy.area_ha(b)
    inter_ha, only_a_ha, only_b_ha = geodesy.area_ha(inter), geodesy.area_ha(only_a), geodesy.area_ha(only_b)
    union_ha = inter_ha + only_a_ha + only_b_ha  # the three pieces are disjoint
    iou = min(inter_ha / union_ha, 1.0) if union_ha > 0 else 0.0
    return PairMetrics(
        area_a_ha=area_a,
        area_b_ha=area_b,
        intersection_ha=inter_ha,
        union_ha=union_ha,
        only_a_ha=only_a_ha,
        only_b_ha=only_b_ha,
        iou=iou,
        share_a_in_b=min(inter_ha / area_a, 1.0) if area_a > 0 else 0.0,
        share_b_in_a=min(inter_ha / area_b, 1.0) if area_b > 0 else 0.0,
        hausdorff=hausdorff(a, b, step_m=step_m),
        alignment=alignment(area_a, only_a_ha, only_b_ha, tolerance=tolerance),
        pieces={"intersection": inter, "only_a": only_a, "only_b": only_b},
    )


# --------------------------------------------------------------------------- best fit


def iou_of_set(x: np.ndarray, u: np.ndarray, a: float) -> float:
    """IoU of A with the union of disjoint units having overlaps ``x`` and areas ``u``."""
    inter = float(np.sum(x))
    union = a + float(np.sum(u)) - inter
    return inter / union if union > 0 else 0.0


def best_prefix(x: Sequence[float], u: Sequence[float], a: float) -> tuple[np.ndarray, float]:
    """Exact best-fit set of disjoint units: indices and IoU.

    Parameters
    ----------
    x
        Area of each unit inside A (ha), ``0 <= x_i <= u_i``.
    u
        Area of each unit (ha).
    a
        Area of A (ha).

    Returns
    -------
    (indices, iou)
        The chosen units (sorted by decreasing share ``x_i / u_i``) and the IoU
        of their union with A. Empty when no unit overlaps A.

    Notes
    -----
    For disjoint units, a set S gives ``N(S) = Σ x_i`` (intersection) and
    ``D(S) = a + Σ (u_i - x_i)`` (union), and IoU(S) = N(S) / D(S). Let λ* be the
    best IoU and S* a set reaching it. For every set, ``N(S) - λ* D(S) <= 0``,
    with equality at S*. The function ``N(S) - λ* D(S) = -λ* a + Σ_{i∈S} (x_i -
    λ* (u_i - x_i))`` is separable, so it is maximised by
    ``T = {i : x_i (1 + λ*) > λ* u_i} = {i : x_i / u_i > λ* / (1 + λ*)}``;
    hence ``N(T) - λ* D(T) >= N(S*) - λ* D(S*) = 0``, i.e. IoU(T) >= λ*: T is
    optimal. T holds exactly the units whose share inside A exceeds a
    threshold, so it is a *prefix* of the units sorted by decreasing share.
    Evaluating all n + 1 prefixes therefore finds the exact optimum in
    O(n log n) (this is Dinkelbach's argument for fractional programs). Ties
    are resolved towards the shorter prefix (fewer units).

    >>> idx, iou = best_prefix([90.0, 5.0, 0.0], [100.0, 100.0, 50.0], 100.0)
    >>> idx.tolist(), round(iou, 4)
    ([0], 0.8182)
    """
    x = np.asarray(x, dtype="float64")
    u = np.asarray(u, dtype="float64")
    keep = np.flatnonzero(x > 0)
    if keep.size == 0:
        return np.array([], dtype=int), 0.0
    share = x[keep] / u[keep]
    order = keep[np.lexsort((keep, -share))]  # stable: decreasing share, then input order
    num = np.cumsum(x[order])
    den = a + np.cumsum(u[order] - x[order])
    ious = num / den
    k = int(np.argmax(ious >= ious.max() * (1 - 1e-12)))  # first (shortest) prefix reaching the max
    return order[: k + 1], float(ious[k])


@dataclass(frozen=True)
class Overlaps:
    """Pairs of units whose common area is more than a sliver."""

    pairs: tuple[tuple[str, str, float], ...]  # (unit, unit, overlap ha)
    slivers: int  # pairs overlapping by less than OVERLAP_SHARE of the smaller unit (ignored)

    @property
    def found(self) -> bool:
        return bool(self.pairs)

    def to_dict(self) -> dict:
        return {
            "count": len(self.pairs),
            "area_ha": _ha(sum(p[2] for p in self.pairs)),
            "pairs": [{"a": p[0], "b": p[1], "area_ha": _ha(p[2])} for p in self.pairs[:50]],
            "slivers_ignored": self.slivers,
            "rule": f"overlap > {100 * OVERLAP_SHARE:g} % of the smaller unit",
        }


def find_overlaps(units: gpd.GeoDataFrame, names: Sequence[str], areas: Sequence[float]) -> Overlaps:
    """Pairs of units (EPSG:4326) that overlap by more than a sliver."""
    geoms = units.geometry.values
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs, slivers = [], 0
    for i, j in zip(left.tolist(), right.tolist()):
        if i >= j:
            continue
        ov = geodesy.area_ha(geodesy.polygonal(shapely.intersection(geoms[i], geoms[j])))
        if ov <= 0:
            continue
        if ov > OVERLAP_SHARE * min(areas[i], areas[j]):
            pairs.append((str(names[i]), str(names[j]), ov))
        else:
            slivers += 1
    pairs.sort(key=lambda p: -p[2])
    return Overlaps(tuple(pairs), slivers)


@dataclass(frozen=True)
class UnitsResult:
    """A against a layer of units: per-unit table, fragmentation, best fit, hybrid."""

    label: str
    field: str
    count: int
    table: pd.DataFrame  # unit, area_ha, intersection_ha, share_of_a, share_of_unit, in_best_fit (touched units only)
    touched: int
    spanned: int
    overlaps: Overlaps
    best_fit: tuple[str, ...]
    exact: bool
    best_fit_geometry: BaseGeometry = field(repr=False)
    hybrid_geometry: BaseGeometry = field(repr=False)
    metrics: PairMetrics | None  # A against the best-fit union
    geometries: gpd.GeoDataFrame = field(repr=False)  # the touched units, EPSG:4326

    def to_dict(self) -> dict:
        return {
            "layer": self.label,
            "field": self.field,
            "count": self.count,
            "touched": self.touched,
            "spanned": self.spanned,
            "spanned_rule": f"at least {100 * SLIVER_SHARE:g} % of A lies in the unit",
            "overlaps": self.overlaps.to_dict(),
            "best_fit": {
                "units": list(self.best_fit),
                "exact": self.exact,
                "method": (
                    "exact: best prefix of the units sorted by share of the unit inside A (disjoint units)"
                    if self.exact
                    else "heuristic: units overlap; best prefix by share of the unit inside A, IoU from true unions"
                ),
                "metrics": _metrics_of_best_fit(self.metrics),
            },
            "hybrid": {"area_ha": _ha(geodesy.area_ha(self.hybrid_geometry)), "definition": "A ∩ best-fit units"},
            "table": [
                {
                    "unit": r.unit,
                    "area_ha": _ha(r.area_ha),
                    "intersection_ha": _ha(r.intersection_ha),
                    "share_of_a": _share(r.share_of_a),
                    "share_of_unit": _share(r.share_of_unit),
                    "in_best_fit": bool(r.in_best_fit),
                }
                for r in self.table.itertuples()
            ],
        }


def _metrics_of_best_fit(metrics: PairMetrics | None) -> dict | None:
    """``metrics.to_dict()`` with the alignment message naming the best fit (not "B")."""
    if metrics is None:
        return None
    d = metrics.to_dict()
    d["alignment"]["message"] = metrics.alignment.message("en", a="A", b="the best fit")
    return d


def _unit_names(units: gpd.GeoDataFrame, field_name: str, label: str) -> list[str]:
    if field_name not in units.columns:
        cols = ", ".join(c for c in units.columns if c != units.geometry.name)
        raise FieldError(f"{label}: no field {field_name!r}; the fields are: {cols}. Pass one with --field")
    names = [str(v) if v is not None and not (isinstance(v, float) and math.isnan(v)) else f"#{i}" for i, v in enumerate(units[field_name])]
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out


def units_metrics(
    a: BaseGeometry,
    units: gpd.GeoDataFrame,
    *,
    field: str,
    label: str = "units",
    tolerance: float = ALIGNMENT_TOLERANCE,
    notes: list[str] | None = None,
) -> UnitsResult:
    """Compare A (EPSG:4326) with a layer of units: per-unit table, best fit, hybrid.

    ``units`` may be in any CRS (transformed to EPSG:4326, logged).
    """
    notes = notes if notes is not None else []
    if units.crs is None:
        raise UsageError(f"{label}: the unit layer has no CRS; set it before comparing")
    if not CRS(units.crs).equals(WGS84):
        note = Text("{layer} was in {crs}; transformed to EPSG:4326 for the overlay",
                    params={"layer": label, "crs": units.crs.to_string()}).sentence("en")
        log.info(note)
        notes.append(note)
        units = units.to_crs(WGS84)
    names = _unit_names(units, field, label)
    units = gpd.GeoDataFrame({"unit": names}, geometry=units.geometry.values, crs=WGS84)
    a = densify(a)
    area_a = geodesy.area_ha(a)
    hits = np.unique(units.sindex.query(a, predicate="intersects"))
    hit_geoms = densify(units.geometry.values[hits]) if hits.size else np.array([], dtype=object)
    inter_ha = np.array([geodesy.area_ha(geodesy.polygonal(g)) for g in shapely.intersection(hit_geoms, a)]) if hits.size else np.zeros(0)
    touched_mask = inter_ha > 0
    x = inter_ha[touched_mask]
    sub = gpd.GeoDataFrame({"unit": units["unit"].to_numpy()[hits[touched_mask]]}, geometry=hit_geoms[touched_mask], crs=WGS84)
    u = geodesy.areas_ha(sub.geometry.values)
    x = np.minimum(x, u)
    overlaps = find_overlaps(sub, sub["unit"].tolist(), u) if len(sub) > 1 else Overlaps((), 0)
    if len(sub) == 0:
        note = Text("A does not overlap any of the {n} units of {layer}: IoU is 0 and there is no best fit; "
                    "check that A and the unit layer cover the same region", params={"n": len(units), "layer": label}).sentence("en")
        log.warning(note)
        notes.append(note)
    if overlaps.found:
        note = Text("{layer}: {n} pairs of units overlap each other ({area_ha:,.0f} ha, e.g. {first} / {second}); "
                    "the best fit assumes disjoint units, so it is a heuristic here",
                    params={"layer": label, "n": len(overlaps.pairs), "area_ha": round(sum(p[2] for p in overlaps.pairs), 2),
                            "first": overlaps.pairs[0][0], "second": overlaps.pairs[0][1]}).sentence("en")
        log.warning(note)
        notes.append(note)
    chosen, _ = best_prefix(x, u, area_a)
    exact = not overlaps.found
    if not exact and len(sub):
        chosen = _best_prefix_geometric(a, area_a, sub.geometry.values, x, u)
    best_geom = shapely.union_all(sub.geometry.values[chosen]) if len(chosen) else shapely.Polygon()
    best_geom = geodesy.orient(geodesy.polygonal(best_geom)) if not best_geom.is_empty else best_geom
    hybrid = geodesy.polygonal(shapely.intersection(a, best_geom)) if not best_geom.is_empty else shapely.Polygon()
    metrics = pair_metrics(a, best_geom, tolerance=tolerance) if not best_geom.is_empty else None
    in_best = np.zeros(len(sub), dtype=bool)
    in_best[chosen] = True
    table = pd.DataFrame(
        {
            "unit": sub["unit"].to_numpy(),
            "area_ha": u,
            "intersection_ha": x,
            "share_of_a": x / area_a if area_a > 0 else np.zeros_like(x),
            "share_of_unit": np.divide(x, u, out=np.zeros_like(x), where=u > 0),
            "in_best_fit": in_best,
        }
    )
    order = np.lexsort((table["unit"].to_numpy(), -table["share_of_a"].to_numpy()))
    table = table.iloc[order].reset_index(drop=True)
    geoms = gpd.GeoDataFrame(table.copy(), geometry=sub.geometry.values[order], crs=WGS84)
    best_names = tuple(sub["unit"].to_numpy()[np.sort(chosen)]) if len(chosen) else ()
    best_names = tuple(t for t in table["unit"] if t in set(best_names))
    return UnitsResult(
        label=label,
        field=field,
        count=len(units),
        table=table,
        touched=int(len(sub)),
        spanned=int((table["share_of_a"] >= SLIVER_SHARE).sum()),
        overlaps=overlaps,
        best_fit=best_names,
        exact=exact,
        best_fit_geometry=best_geom,
        hybrid_geometry=hybrid,
        metrics=metrics,
        geometries=geoms,
    )


def _best_prefix_geometric(a: BaseGeometry, area_a: float, geoms, x: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Overlapping units: evaluate the share-ordered prefixes with true unions (a heuristic)."""
    share = x / u
    order = np.lexsort((np.arange(len(x)), -share))
    best_iou, best_k = -1.0, 0
    acc = shapely.Polygon()
    for k, i in enumerate(order):
        acc = shapely.union(acc, geoms[i])
        inter = geodesy.area_ha(geodesy.polygonal(shapely.intersection(a, acc)))
        union = area_a + geodesy.area_ha(acc) - inter
        iou = inter / union if union > 0 else 0.0
        if iou > best_iou * (1 + 1e-12):
            best_iou, best_k = iou, k
    return order[: best_k + 1]


# --------------------------------------------------------------------------- result


@dataclass(frozen=True)
class Comparison:
    """Everything :func:`compare` found. Areas in ha, distances in km, shares in 0..1."""

    a: Boundary
    a_label: str
    b: Boundary | None = None
    b_label: str | None = None
    pair: PairMetrics | None = None
    units: UnitsResult | None = None
    notes: tuple[str, ...] = ()

    @property
    def area_a_ha(self) -> float:
        """Geodesic area of A (ha) as every comparison number uses it (densified, see :func:`densify`)."""
        return geodesy.area_ha(densify(self.a.geometry))

    # ---- data out
    def to_dict(self) -> dict:
        """Deterministic JSON-ready dict (schema ``landgeo.compare/1``)."""

        def side(boundary: Boundary | None, label: str | None) -> dict | None:
            if boundary is None:
                return None
            # the area of the densified geometry, like every other area of the comparison
            return {"label": label, "area_ha": _ha(geodesy.area_ha(densify(boundary.geometry))), "method": boundary.method, "definition": boundary.definition}

        return {
            "schema": SCHEMA,
            "generated_with": f"landgeo {__version__}",
            "a": side(self.a, self.a_label),
            "b": side(self.b, self.b_label),
            "metrics": self.pair.to_dict() if self.pair else None,
            "units": self.units.to_dict() if self.units else None,
            "conventions": {
                "areas": "geodesic on the WGS84 ellipsoid, hectares; overlays computed in EPSG:4326",
                "shares": "0..1",
                "alignment_rule": ALIGNMENT_RULE.format(pct=f"{100 * self._tolerance():g}"),
            },
            "notes": list(self.notes),
            **({"notes_text": [n.text.to_dict() if hasattr(n, "text") else None for n in self.notes]}
               if any(hasattr(n, "text") for n in self.notes) else {}),
        }

    def _tolerance(self) -> float:
        for m in (self.pair, self.units.metrics if self.units else None):
            if m is not None:
                return m.alignment.tolerance
        return ALIGNMENT_TOLERANCE

    def to_frame(self) -> gpd.GeoDataFrame:
        """The comparison's pieces as a GeoDataFrame (EPSG:4326), one row each.

        Rows (when they apply): ``a``, ``b``, ``only_a``, ``only_b``,
        ``intersection``, ``best_fit``, ``hybrid`` and, with units but no B,
        ``only_a`` / ``only_best_fit`` (A against the best fit); columns
        ``role``, ``label``, ``area_ha``, ``share_of_a``, ``definition``.
        """
        rows = []
        geoms = self.geometries()
        area_a = geodesy.area_ha(geoms["a"])
        for role, geom in geoms.items():
            area = geodesy.area_ha(geom)
            rows.append(
                {
                    "role": role,
                    "label": self.role_label(role, "en"),
                    "area_ha": area,
                    "share_of_a": area / area_a if area_a else 0.0,
                    "definition": self.role_definition(role, "en"),
                    "geometry": geom if not geom.is_empty else None,
                }
            )
        return gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)

    def role_label(self, role: str, lang: str) -> str:
        """A short legend label for a role (``a``, ``only_a``, ``best_fit``…)."""
        t = translator(lang)
        a, b = self.a_label, self.b_label or "B"
        return {
            "a": a,
            "b": b,
            "only_a": t("only in {a}", a=a),
            "only_b": t("only in {b}", b=b),
            "intersection": t("in both"),
            "best_fit": t("best-fit units"),
            "hybrid": t("in both (hybrid)"),
            "only_best_fit": t("only in the best-fit units"),
        }.get(role, role)

    def role_text(self, role: str) -> Text | None:
        """The definition sentence of a role's geometry as data (None for A and B, which have their own)."""
        if role == "best_fit" and self.units is not None and self.units.metrics is not None:
            return self._best_fit_sentence()
        if role == "hybrid" and self.units is not None and self.units.metrics is not None:
            return self._hybrid_sentence()
        a, b = self.a_label, self.b_label or "B"
        if role == "only_a":
            return (Text("The part of {a} outside {b}.", params={"a": a, "b": b}) if self.b is not None
                    else Text("The part of {a} outside the best-fit units.", params={"a": a}))
        return {
            "only_b": Text("The part of {b} outside {a}.", params={"a": a, "b": b}),
            "only_best_fit": Text("The part of the best-fit units outside {a}.", params={"a": a}),
            "intersection": Text("The area common to {a} and {b}.", params={"a": a, "b": b}),
        }.get(role)

    def role_definition(self, role: str, lang: str) -> str:
        """The definition sentence of a role's geometry (what a recipe using it would say)."""
        if role == "a":
            return self.a.definition_text.render(lang) if self.a.definition_text else self.a.definition
        if role == "b" and self.b is not None:
            return self.b.definition_text.render(lang) if self.b.definition_text else self.b.definition
        text = self.role_text(role)
        return text.render(lang) if text is not None else role

    def geometries(self) -> dict[str, BaseGeometry]:
        """Named geometries (EPSG:4326, densified, see :func:`densify`) of the comparison, in a fixed order."""
        # A and B densified like every piece, so that the areas in to_frame() add up
        out: dict[str, BaseGeometry] = {"a": densify(self.a.geometry)}
        if self.b is not None and self.pair is not None:
            out["b"] = densify(self.b.geometry)
            out.update({k: self.pair.pieces[k] for k in ("only_a", "only_b", "intersection")})
        u = self.units
        if u is not None and u.metrics is not None:
            out["best_fit"] = u.best_fit_geometry
            out["hybrid"] = u.hybrid_geometry
            if self.b is None:  # the best fit is the reference: show how A and it differ
                out["only_a"] = u.metrics.pieces["only_a"]
                out["only_best_fit"] = u.metrics.pieces["only_b"]
        return out

    # ---- boundaries a recipe can use
    def best_fit_boundary(self, *, lang: str = "en") -> Boundary | None:
        """The best-fit unit set as a :class:`Boundary` (None when A touches no unit)."""
        u = self.units
        if u is None or u.metrics is None:
            return None
        check = u.metrics.alignment.check(lang, a=self.a_label, b=Text("the best fit"))
        return self._role_boundary(
            u.best_fit_geometry, "best_fit", self._best_fit_sentence(), lang,
            sources=[Source(u.label, len(u.best_fit))],
            details={"compared_with": self.a_label, "iou": round(u.metrics.iou, 6), "exact": u.exact},
            checks=(check,),
        )

    def hybrid_boundary(self, *, lang: str = "en") -> Boundary | None:
        """A ∩ best-fit units as a :class:`Boundary` (None when they do not overlap)."""
        u = self.units
        if u is None or u.hybrid_geometry.is_empty:
            return None
        return self._role_boundary(
            u.hybrid_geometry, "hybrid", self._hybrid_sentence(), lang,
            sources=[Source(self.a_label, 1), Source(u.label, len(u.best_fit))],
        )

    def _role_boundary(self, geom, method: str, text: Text, lang: str, *, sources, details=None, checks=()) -> Boundary:
        """``finish_boundary`` with the definition in ``lang`` (and as data, to state it in any language)."""
        lang = check_lang(lang)
        u = self.units
        info = {"units": list(u.best_fit), "field": u.field, **(details or {})}
        return finish_boundary(geom, WGS84, method=method, definition=text.render(lang), sources=sources, details=info,
                               checks=checks, definition_text=text)

    def _best_fit_sentence(self) -> Text:
        u = self.units
        assert u is not None and u.metrics is not None
        how = Text("exact optimum") if u.exact else Text("heuristic, the units overlap")
        return Text("Union of {n} whole unit of {layer} ({field}: {names:list}) chosen to best match {a} "
                    "(largest intersection over union, IoU {iou:.3f}; {how}).",
                    "Union of {n} whole units of {layer} ({field}: {names:list}) chosen to best match {a} "
                    "(largest intersection over union, IoU {iou:.3f}; {how}).",
                    {"n": len(u.best_fit), "layer": u.label, "field": u.field, "names": list(u.best_fit), "a": self.a_label,
                     "iou": round(u.metrics.iou, 6), "how": how})

    def _hybrid_sentence(self) -> Text:
        u = self.units
        assert u is not None
        return Text("The part of {a} that lies within the best-fit units of {layer} ({field}: {names:list}).",
                    params={"a": self.a_label, "layer": u.label, "field": u.field, "names": list(u.best_fit)})

    # ---- text
    def summary(self, *, lang: str = "en") -> str:
        """A few human lines for the command line."""
        lang = check_lang(lang)
        t = translator(lang)
        lines = [t("A: {label} — {area_ha:,.0f} ha", label=self.a_label, area_ha=self.area_a_ha)]
        if self.pair is not None:
            p = self.pair
            lines += [
                t("B: {label} — {area_ha:,.0f} ha", label=self.b_label, area_ha=p.area_b_ha),
                t("intersection {intersection_ha:,.0f} ha, union {union_ha:,.0f} ha, IoU {iou:.3f}",
                  intersection_ha=p.intersection_ha, union_ha=p.union_ha, iou=p.iou),
                t("A inside B {a_in_b:.1%}, B inside A {b_in_a:.1%}", a_in_b=p.share_a_in_b, b_in_a=p.share_b_in_a),
                t("only A {only_a_ha:,.0f} ha, only B {only_b_ha:,.0f} ha", only_a_ha=p.only_a_ha, only_b_ha=p.only_b_ha),
                t("Hausdorff {km:,.1f} km", km=p.hausdorff.km),
                p.alignment.message(lang),
            ]
        if self.units is not None:
            u = self.units
            lines.append(t("units: {layer} ({field}) — A touches {touched} of {n}, spans {spanned}",
                           layer=u.label, field=u.field, touched=u.touched, n=u.count, spanned=u.spanned))
            if u.metrics is not None:
                if u.exact:
                    lines.append(t("best fit ({n}): {names:list} — IoU {iou:.3f}", n=len(u.best_fit), names=list(u.best_fit), iou=u.metrics.iou))
                else:
                    lines.append(t("best fit ({n}): {names:list} — IoU {iou:.3f} (heuristic)", n=len(u.best_fit),
                                   names=list(u.best_fit), iou=u.metrics.iou))
                lines.append(u.metrics.alignment.message(lang, a="A", b=Text("the best fit")))
        lines += [n.text.render(lang) if hasattr(n, "text") else str(n) for n in self.notes]
        return "\n".join(lines)


def _ha(v: float) -> float:
    return round(float(v), 2)


def _share(v: float) -> float:
    return round(float(v), 6)


def compare(
    a: Any,
    b: Any = None,
    *,
    units: Any = None,
    field: str | None = None,
    units_layer: str | None = None,
    units_where: str | None = None,
    tolerance: float = ALIGNMENT_TOLERANCE,
    step_m: float | None = None,
) -> Comparison:
    """Compare boundary ``a`` with boundary ``b`` and/or a layer of ``units``.

    Parameters
    ----------
    a, b
        A :class:`~landgeo.boundary.Boundary`, a shapely geometry (EPSG:4326),
        a GeoDataFrame/GeoSeries in any CRS (dissolved), or a path to a polygon
        layer (``file`` or ``file:layer``) or a recipe (``.toml``).
    units
        A GeoDataFrame of units (any CRS) or a path to a polygon layer.
    field
        The units' name field (required with ``units``).
    units_layer, units_where
        Layer name and SQL filter when ``units`` is a path.
    tolerance
        Alignment tolerance: the symmetric difference may be at most this
        share of A's area (LandScale: 0.10).
    step_m
        Outline densification for the Hausdorff distance (metres).

    Raises
    ------
    UsageError
        When neither ``b`` nor ``units`` is given, or ``units`` lacks ``field``.
    """
    if b is None and units is None:
        raise UsageError("compare needs B or --units LAYER --field NAME: give a second boundary or a unit layer")
    if units is not None and not field:
        raise UsageError("--units needs --field NAME: the field that names each unit (e.g. --field name)")
    if not 0 < tolerance < 1:
        raise UsageError(f"tolerance {tolerance!r} must be between 0 and 1 (LandScale uses 0.10)")
    notes: list[str] = []
    boundary_a, label_a = _as_boundary(a, "A", notes)
    boundary_b = label_b = pair = None
    if b is not None:
        boundary_b, label_b = _as_boundary(b, "B", notes)
        if label_b == label_a:
            label_a, label_b = f"A ({label_a})", f"B ({label_b})"
        pair = pair_metrics(boundary_a.geometry, boundary_b.geometry, tolerance=tolerance, step_m=step_m)
        if pair.intersection_ha == 0:
            note = f"{label_a} and {label_b} do not overlap: IoU is 0"
            log.warning(note)
            notes.append(note)
    unit_result = None
    if units is not None:
        if isinstance(units, (str, Path)):
            gdf = load_units(units, layer=units_layer, where=units_where)
            label = report_label(gdf) or Path(str(units)).name
        elif isinstance(units, gpd.GeoDataFrame):
            gdf, label = units, report_label(units) or "units"
        else:
            raise UsageError(f"units: cannot use a {type(units).__name__}; give a GeoDataFrame or a path to a polygon layer")
        unit_result = units_metrics(boundary_a.geometry, gdf, field=field, label=label, tolerance=tolerance, notes=notes)
    return Comparison(a=boundary_a, a_label=label_a, b=boundary_b, b_label=label_b, pair=pair, units=unit_result, notes=tuple(notes))


def check_alignment_with_units(geom, units, *, field: str, label: str, lang: str = "en") -> Check:
    """LandScale alignment against the best-fit set of whole units of a layer (±10 % rule of :mod:`landgeo.compare`)."""
    result = units_metrics(geom, units, field=field, label=label)
    if result.metrics is None:
        text = Text("The landscape overlaps none of the units of {layer}; alignment cannot be checked.", params={"layer": label})
        return Check.from_text("alignment", "warn", text, lang)
    best = Text("the best-fit units ({units:list})", params={"units": [str(u) for u in result.best_fit]})
    return result.metrics.alignment.check(lang, a=Text("the landscape"), b=best)
