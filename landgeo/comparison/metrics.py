"""Compare a landscape boundary with another boundary or with a layer of units.

How the numbers are made (the same rules everywhere in :mod:`landgeo.comparison`):

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
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import shapely
import shapely.ops
from pyproj import Transformer
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from ..boundary import WGS84, Check
from ..geo import geodesy
from ..i18n import Text

log = logging.getLogger(__name__)


ALIGNMENT_TOLERANCE = 0.10
ALIGNMENT_RULE = "symmetric difference (only-A + only-B) <= {pct} % of A's area"
#: Coordinate grid (degrees) of densified geometries; see :func:`densify`.
GRID_DEG = 1e-9


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
            "symmetric_difference_ha": rounded_ha(self.symmetric_difference_ha),
            "share_of_a": rounded_share(self.share_of_a),
            "only_a_share_of_a": rounded_share(self.only_a_share_of_a),
            "only_b_share_of_a": rounded_share(self.only_b_share_of_a),
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
            "area_a_ha": rounded_ha(self.area_a_ha),
            "area_b_ha": rounded_ha(self.area_b_ha),
            "intersection_ha": rounded_ha(self.intersection_ha),
            "union_ha": rounded_ha(self.union_ha),
            "only_a_ha": rounded_ha(self.only_a_ha),
            "only_b_ha": rounded_ha(self.only_b_ha),
            "iou": rounded_share(self.iou),
            "share_a_in_b": rounded_share(self.share_a_in_b),
            "share_b_in_a": rounded_share(self.share_b_in_a),
            "hausdorff_km": round(self.hausdorff.km, 3),
            "hausdorff": self.hausdorff.to_dict(),
            "alignment": self.alignment.to_dict(),
        }




def densify(geom):
    """``geom`` (or an array of geometries) densified along the geodesic: :func:`landgeo.geo.geodesy.densify`,
    the one edge rule (points on the geodesic, at most ``DENSIFY_STEP_M`` apart). It does not change an area."""
    return geodesy.densify(geom)


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


def rounded_ha(v: float) -> float:
    """Hectares as written to compare.json (2 decimals)."""
    return round(float(v), 2)


def rounded_share(v: float) -> float:
    """A share (0..1) as written to compare.json (6 decimals)."""
    return round(float(v), 6)
