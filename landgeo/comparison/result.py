"""A comparison of boundary A with boundary B and/or a unit layer: :func:`compare` (objects in, :class:`Comparison` out)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
from shapely.geometry.base import BaseGeometry

from .._version import __version__
from ..boundary import WGS84, Boundary, Source, finish_boundary
from ..errors import UsageError
from ..geo import geodesy
from ..i18n import Text, check_lang, translator
from .best_fit import UnitsResult, units_metrics
from .inputs import as_boundary, load_units, report_label
from .metrics import ALIGNMENT_RULE, ALIGNMENT_TOLERANCE, PairMetrics, densify, pair_metrics, rounded_ha

log = logging.getLogger(__name__)

SCHEMA = "landgeo.compare/1"


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
            return {"label": label, "area_ha": rounded_ha(geodesy.area_ha(densify(boundary.geometry))), "method": boundary.method, "definition": boundary.definition}

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
        raise UsageError(Text("compare needs B or --units LAYER --field NAME: give a second boundary or a unit layer"))
    if units is not None and not field:
        raise UsageError(Text("--units needs --field NAME: the field that names each unit (e.g. --field name)"))
    if not 0 < tolerance < 1:
        raise UsageError(Text("tolerance {value} must be between 0 and 1 (LandScale uses 0.10)", params={"value": repr(tolerance)}))
    notes: list[str] = []
    boundary_a, label_a = as_boundary(a, "A", notes)
    boundary_b = label_b = pair = None
    if b is not None:
        boundary_b, label_b = as_boundary(b, "B", notes)
        if label_b == label_a:
            label_a, label_b = f"A ({label_a})", f"B ({label_b})"
        pair = pair_metrics(boundary_a.geometry, boundary_b.geometry, tolerance=tolerance, step_m=step_m)
        if pair.intersection_ha == 0:
            note = Text("{a} and {b} do not overlap: IoU is 0", params={"a": label_a, "b": label_b}).sentence("en")
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
            raise UsageError(Text("units: cannot use a {type}; give a GeoDataFrame or a path to a polygon layer",
                                  params={"type": type(units).__name__}))
        unit_result = units_metrics(boundary_a.geometry, gdf, field=field, label=label, tolerance=tolerance, notes=notes)
    return Comparison(a=boundary_a, a_label=label_a, b=boundary_b, b_label=label_b, pair=pair, units=unit_result, notes=tuple(notes))
