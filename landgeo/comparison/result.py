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
from ..i18n import check_lang, fmt_number, join_names, tr
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
        a, b = self.a_label, self.b_label or "B"
        best = tr(lang, "best-fit units", "unités les mieux ajustées")
        return {
            "a": a,
            "b": b,
            "only_a": tr(lang, f"only in {a}", f"seulement dans {a}"),
            "only_b": tr(lang, f"only in {b}", f"seulement dans {b}"),
            "intersection": tr(lang, "in both", "dans les deux"),
            "best_fit": best,
            "hybrid": tr(lang, "in both (hybrid)", "dans les deux (hybride)"),
            "only_best_fit": tr(lang, f"only in the {best}", f"seulement dans les {best}"),
        }.get(role, role)

    def role_definition(self, role: str, lang: str) -> str:
        """The definition sentence of a role's geometry (what a recipe using it would say)."""
        if role == "a":
            return self.a.definition
        if role == "b" and self.b is not None:
            return self.b.definition
        if role == "best_fit" and self.units is not None and self.units.metrics is not None:
            return self._best_fit_sentence(lang)
        if role == "hybrid" and self.units is not None and self.units.metrics is not None:
            return self._hybrid_sentence(lang)
        a, b = self.a_label, self.b_label or "B"
        return {
            "only_a": (
                tr(lang, f"The part of {a} outside {b}.", f"La partie de {a} hors de {b}.")
                if self.b is not None
                else tr(lang, f"The part of {a} outside the best-fit units.", f"La partie de {a} hors des unités les mieux ajustées.")
            ),
            "only_b": tr(lang, f"The part of {b} outside {a}.", f"La partie de {b} hors de {a}."),
            "only_best_fit": tr(lang, f"The part of the best-fit units outside {a}.", f"La partie des unités les mieux ajustées hors de {a}."),
            "intersection": tr(lang, f"The area common to {a} and {b}.", f"La surface commune à {a} et {b}."),
        }.get(role, role)

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
        check = u.metrics.alignment.check(lang, a=self.a_label, b=tr(lang, "the best fit", "le meilleur ajustement"))
        return self._role_boundary(
            u.best_fit_geometry, "best_fit", self._best_fit_sentence, lang,
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
            u.hybrid_geometry, "hybrid", self._hybrid_sentence, lang,
            sources=[Source(self.a_label, 1), Source(u.label, len(u.best_fit))],
        )

    def _role_boundary(self, geom, method: str, sentence, lang: str, *, sources, details=None, checks=()) -> Boundary:
        """``finish_boundary`` with the definition in ``lang`` and both languages in ``details``."""
        lang = check_lang(lang)
        u = self.units
        defs = {lg: sentence(lg) for lg in ("en", "fr")}
        info = {"units": list(u.best_fit), "field": u.field, **(details or {}), "definition_en": defs["en"], "definition_fr": defs["fr"]}
        return finish_boundary(geom, WGS84, method=method, definition=defs[lang], sources=sources, details=info, checks=checks)

    def _best_fit_sentence(self, lang: str) -> str:
        u = self.units
        assert u is not None and u.metrics is not None
        names = join_names(u.best_fit, lang)
        n = len(u.best_fit)
        iou = fmt_number(u.metrics.iou, lang, 3)
        how = (
            tr(lang, "exact optimum", "optimum exact")
            if u.exact
            else tr(lang, "heuristic, the units overlap", "heuristique, les unités se chevauchent")
        )
        return tr(
            lang,
            f"Union of {n} whole unit{'s' if n > 1 else ''} of {u.label} ({u.field}: {names}) chosen to best match "
            f"{self.a_label} (largest intersection over union, IoU {iou}; {how}).",
            f"Union de {n} unité{'s' if n > 1 else ''} entière{'s' if n > 1 else ''} de {u.label} ({u.field} : {names}) "
            f"choisie{'s' if n > 1 else ''} pour correspondre au mieux à {self.a_label} "
            f"(plus grand rapport intersection sur union, IoU {iou} ; {how}).",
        )

    def _hybrid_sentence(self, lang: str) -> str:
        u = self.units
        assert u is not None
        names = join_names(u.best_fit, lang)
        return tr(
            lang,
            f"The part of {self.a_label} that lies within the best-fit units of {u.label} ({u.field}: {names}).",
            f"La partie de {self.a_label} située dans les unités les mieux ajustées de {u.label} ({u.field} : {names}).",
        )

    # ---- text
    def summary(self, *, lang: str = "en") -> str:
        """A few human lines for the command line."""
        lang = check_lang(lang)
        ha = lambda v: fmt_number(v, lang) + " ha"  # noqa: E731
        pct = lambda v: fmt_number(100 * v, lang, 1) + " %"  # noqa: E731
        lines = [f"A: {self.a_label} — {ha(self.area_a_ha)}"]
        if self.pair is not None:
            p = self.pair
            lines += [
                f"B: {self.b_label} — {ha(p.area_b_ha)}",
                tr(lang, "intersection", "intersection") + f" {ha(p.intersection_ha)}, union {ha(p.union_ha)}, IoU {fmt_number(p.iou, lang, 3)}",
                tr(lang, f"A inside B {pct(p.share_a_in_b)}, B inside A {pct(p.share_b_in_a)}", f"A dans B {pct(p.share_a_in_b)}, B dans A {pct(p.share_b_in_a)}"),
                tr(lang, f"only A {ha(p.only_a_ha)}, only B {ha(p.only_b_ha)}", f"A seul {ha(p.only_a_ha)}, B seul {ha(p.only_b_ha)}"),
                f"Hausdorff {fmt_number(p.hausdorff.km, lang, 1)} km",
                p.alignment.message(lang),
            ]
        if self.units is not None:
            u = self.units
            lines.append(
                tr(
                    lang,
                    f"units: {u.label} ({u.field}) — A touches {u.touched} of {u.count}, spans {u.spanned}",
                    f"unités : {u.label} ({u.field}) — A touche {u.touched} sur {u.count}, en couvre {u.spanned}",
                )
            )
            if u.metrics is not None:
                lines.append(
                    tr(lang, "best fit", "meilleur ajustement")
                    + f" ({len(u.best_fit)}): {join_names(u.best_fit, lang)} — IoU {fmt_number(u.metrics.iou, lang, 3)}"
                    + ("" if u.exact else tr(lang, " (heuristic)", " (heuristique)"))
                )
                lines.append(u.metrics.alignment.message(lang, a="A", b=tr(lang, "the best fit", "le meilleur ajustement")))
        lines += self.notes
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
        raise UsageError("compare needs B or --units LAYER --field NAME: give a second boundary or a unit layer")
    if units is not None and not field:
        raise UsageError("--units needs --field NAME: the field that names each unit (e.g. --field name)")
    if not 0 < tolerance < 1:
        raise UsageError(f"tolerance {tolerance!r} must be between 0 and 1 (LandScale uses 0.10)")
    notes: list[str] = []
    boundary_a, label_a = as_boundary(a, "A", notes)
    boundary_b = label_b = pair = None
    if b is not None:
        boundary_b, label_b = as_boundary(b, "B", notes)
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
