"""The best-fit set of whole units for a boundary (exact for non-overlapping units), and LandScale alignment with it."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.ops
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from ..boundary import WGS84, Check
from ..errors import FieldError, UsageError
from ..geo import geodesy
from ..geo.overlay import SLIVER_SHARE
from ..i18n import Text
from ..i18n.names import names_of
from .metrics import ALIGNMENT_TOLERANCE, PairMetrics, densify, pair_metrics, rounded_ha, rounded_share

log = logging.getLogger(__name__)


#: Two units overlap when their common area exceeds this share of the smaller one.
OVERLAP_SHARE = 0.001


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
            "area_ha": rounded_ha(sum(p[2] for p in self.pairs)),
            "pairs": [{"a": p[0], "b": p[1], "area_ha": rounded_ha(p[2])} for p in self.pairs[:50]],
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
                "metrics": metrics_of_best_fit(self.metrics),
            },
            "hybrid": {"area_ha": rounded_ha(geodesy.area_ha(self.hybrid_geometry)), "definition": "A ∩ best-fit units"},
            "table": [
                {
                    "unit": r.unit,
                    "area_ha": rounded_ha(r.area_ha),
                    "intersection_ha": rounded_ha(r.intersection_ha),
                    "share_of_a": rounded_share(r.share_of_a),
                    "share_of_unit": rounded_share(r.share_of_unit),
                    "in_best_fit": bool(r.in_best_fit),
                }
                for r in self.table.itertuples()
            ],
        }


def metrics_of_best_fit(metrics: PairMetrics | None) -> dict | None:
    """``metrics.to_dict()`` with the alignment message naming the best fit (not "B")."""
    if metrics is None:
        return None
    d = metrics.to_dict()
    d["alignment"]["message"] = metrics.alignment.message("en", a="A", b="the best fit")
    return d


def _unit_names(units: gpd.GeoDataFrame, field_name: str, label: str) -> list[str]:
    if field_name not in units.columns:
        cols = ", ".join(c for c in units.columns if c != units.geometry.name)
        raise FieldError(Text("{layer}: no field {field}; the fields are: {fields}. Pass one with --field",
                              params={"layer": label, "field": repr(field_name), "fields": cols}))
    names = names_of(units[field_name].to_numpy())[0]  # nulls and empty strings: "unnamed", numbered below
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out


def _units_in_wgs84(units: gpd.GeoDataFrame, label: str, notes: list) -> gpd.GeoDataFrame:
    """``units`` in EPSG:4326 (a transformation is logged and noted); a layer with no CRS is refused."""
    if units.crs is None:
        raise UsageError(Text("{layer}: the unit layer has no CRS; set it before comparing", params={"layer": label}))
    if CRS(units.crs).equals(WGS84):
        return units
    note = Text("{layer} was in {crs}; transformed to EPSG:4326 for the overlay",
                params={"layer": label, "crs": units.crs.to_string()}).sentence("en")
    log.info(note)
    notes.append(note)
    return units.to_crs(WGS84)


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
    units = _units_in_wgs84(units, label, notes)
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


def check_alignment_with_units(geom, units, *, field: str, label: str, lang: str = "en") -> Check:
    """LandScale alignment against the best-fit set of whole units of a layer (±10 % rule of :mod:`landgeo.compare`)."""
    result = units_metrics(geom, units, field=field, label=label)
    if result.metrics is None:
        text = Text("The landscape overlaps none of the units of {layer}; alignment cannot be checked.", params={"layer": label})
        return Check.from_text("alignment", "warn", text, lang)
    best = Text("the best-fit units ({units:list})", params={"units": [str(u) for u in result.best_fit]})
    return result.metrics.alignment.check(lang, a=Text("the landscape"), b=best)
