"""Checks of a boundary against the landscape guidance.

The scale band (default 10,000–1,000,000 ha, geodesic) is guidance, so a
landscape outside it gets a warning that explains, never a failure. Also:
contiguity (LandScale asks for one contiguous area), holes, slivers, and the
change against a previous boundary (> 10 % starts a new baseline, LandScale).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import shapely

from ..boundary import Check
from ..errors import ScaleWarning, UsageError
from ..geo import geodesy
from ..i18n import fmt_number, fmt_percent, tr

DEFAULT_MIN_HA = 10_000.0
DEFAULT_MAX_HA = 1_000_000.0
DEFAULT_SLIVER_HA = 100.0
CHANGE_LIMIT = 0.10


@dataclass(frozen=True)
class ScaleVerdict:
    """Where an area falls in the band: ``below``, ``within`` or ``above``."""

    area_ha: float
    min_ha: float
    max_ha: float
    verdict: str
    message: str

    def to_dict(self) -> dict:
        return {"min_ha": self.min_ha, "max_ha": self.max_ha, "verdict": self.verdict, "message": self.message}


def check_scale(area_ha: float, *, min_ha: float = DEFAULT_MIN_HA, max_ha: float = DEFAULT_MAX_HA, lang: str = "en") -> ScaleVerdict:
    """The scale verdict of an area in hectares (the band's ends count as within).

    >>> check_scale(10_000).verdict
    'within'
    >>> check_scale(9_999.9).verdict
    'below'
    >>> check_scale(0).verdict
    'below'
    """
    if min_ha >= max_ha:
        raise UsageError(f"scale band: min_ha ({min_ha}) must be below max_ha ({max_ha})")
    a, lo, hi = (fmt_number(v, lang) for v in (area_ha, min_ha, max_ha))
    if area_ha < min_ha:
        verdict = "below"
        msg = tr(
            lang,
            f"{a} ha is below the {lo}–{hi} ha guidance: a landscape this small may not hold whole natural systems "
            f"(a watershed, a forest block); consider adding neighbouring units or the upstream catchment.",
            f"{a} ha est en dessous de la fourchette indicative de {lo} à {hi} ha : un paysage aussi petit risque de ne pas "
            f"contenir des systèmes naturels entiers (bassin versant, massif forestier) ; envisagez d'ajouter des unités "
            f"voisines ou le bassin amont.",
        )
    elif area_ha > max_ha:
        verdict = "above"
        msg = tr(
            lang,
            f"{a} ha is above the {lo}–{hi} ha guidance: a landscape this large may be hard for the people who use the "
            f"land to manage together; consider a sub-catchment or fewer units.",
            f"{a} ha dépasse la fourchette indicative de {lo} à {hi} ha : un paysage aussi grand risque d'être difficile à "
            f"gérer ensemble par ceux qui utilisent les terres ; envisagez un sous-bassin ou moins d'unités.",
        )
    else:
        verdict = "within"
        msg = tr(lang, f"{a} ha is within the {lo}–{hi} ha guidance.", f"{a} ha est dans la fourchette indicative de {lo} à {hi} ha.")
    return ScaleVerdict(area_ha, min_ha, max_ha, verdict, msg)


def check_contiguity(geom, *, lang: str = "en") -> Check:
    """One part is ``ok``; several parts ``warn`` (LandScale asks for one contiguous area)."""
    parts = shapely.get_parts(geom)
    n = len(parts)
    if n <= 1:
        return Check("contiguity", "ok", tr(lang, "One contiguous area.", "Une seule zone d'un seul tenant."), 1)
    areas = sorted((geodesy.area_ha(p) for p in parts), reverse=True)
    share = areas[0] / sum(areas)
    return Check(
        "contiguity",
        "warn",
        tr(
            lang,
            f"{n} separate parts (the largest holds {fmt_percent(share, 'en')} of the area); LandScale asks for one contiguous area.",
            f"{n} parties séparées (la plus grande porte {fmt_percent(share, 'fr')} de la surface) ; LandScale demande une zone d'un seul tenant.",
        ),
        n,
    )


def check_holes(geom, *, lang: str = "en") -> Check:
    """Count the holes and their total geodesic area."""
    holes = [shapely.Polygon(r) for p in shapely.get_parts(geom) for r in p.interiors]
    if not holes:
        return Check("holes", "ok", tr(lang, "No holes.", "Aucun trou."), 0)
    area = sum(geodesy.area_ha(h) for h in holes)
    return Check(
        "holes",
        "warn",
        tr(
            lang,
            f"{len(holes)} hole(s) totalling {fmt_number(area, lang)} ha; check they are meant (enclaves, lakes) and not gaps between units.",
            f"{len(holes)} trou(s) pour {fmt_number(area, lang)} ha au total ; vérifiez qu'ils sont voulus (enclaves, lacs) et non des vides entre unités.",
        ),
        len(holes),
    )


def check_slivers(geom, *, sliver_ha: float = DEFAULT_SLIVER_HA, lang: str = "en") -> Check:
    """Parts smaller than ``sliver_ha`` are slivers (often digitising gaps or overlaps)."""
    parts = shapely.get_parts(geom)
    small = [a for a in (geodesy.area_ha(p) for p in parts) if a < sliver_ha]
    if not small or len(parts) == 1:
        return Check("slivers", "ok", tr(lang, f"No parts under {fmt_number(sliver_ha, lang)} ha.", f"Aucune partie de moins de {fmt_number(sliver_ha, lang)} ha."), 0)
    return Check(
        "slivers",
        "warn",
        tr(
            lang,
            f"{len(small)} part(s) under {fmt_number(sliver_ha, lang)} ha ({fmt_number(sum(small), lang, 1)} ha in all); remove them or set fill/simplify options.",
            f"{len(small)} partie(s) de moins de {fmt_number(sliver_ha, lang)} ha ({fmt_number(sum(small), lang, 1)} ha en tout) ; supprimez-les ou simplifiez la limite.",
        ),
        len(small),
    )


def check_change(geom, previous, *, lang: str = "en") -> Check:
    """Symmetric difference with a previous boundary as a share of the previous area (> 10 % = new baseline)."""
    prev_area = geodesy.area_ha(previous)
    diff = geodesy.area_ha(shapely.symmetric_difference(geom, previous))
    change = diff / prev_area if prev_area else float("inf")
    status = "warn" if change > CHANGE_LIMIT else "ok"
    msg = tr(
        lang,
        f"The boundary differs from the previous one by {fmt_percent(change, 'en')} of its area"
        + (" (> 10 %: LandScale treats this as a new baseline)." if status == "warn" else " (within 10 %)."),
        f"La limite diffère de la précédente de {fmt_percent(change, 'fr')} de sa surface"
        + (" (> 10 % : LandScale la traite comme une nouvelle référence)." if status == "warn" else " (moins de 10 %)."),
    )
    return Check("change", status, msg, round(change, 6))


@dataclass(frozen=True)
class BoundaryReport:
    """Area, perimeter, scale verdict and checks of a boundary geometry."""

    area_ha: float
    perimeter_km: float
    scale: ScaleVerdict
    checks: tuple[Check, ...]

    def to_dict(self) -> dict:
        return {
            "area_ha": round(self.area_ha, 2),
            "perimeter_km": round(self.perimeter_km, 3),
            "verdict": self.scale.verdict,
            "scale": self.scale.to_dict(),
            "checks": [c.to_dict() for c in self.checks],
        }


def check_boundary(
    geom,
    *,
    min_ha: float = DEFAULT_MIN_HA,
    max_ha: float = DEFAULT_MAX_HA,
    sliver_ha: float = DEFAULT_SLIVER_HA,
    previous=None,
    extra=(),
    lang: str = "en",
    warn: bool = True,
) -> BoundaryReport:
    """Run every check on a boundary geometry (EPSG:4326).

    An out-of-band area also emits a :class:`ScaleWarning` when ``warn``.
    """
    area = geodesy.area_ha(geom)
    scale = check_scale(area, min_ha=min_ha, max_ha=max_ha, lang=lang)
    if warn and scale.verdict != "within":
        warnings.warn(scale.message, ScaleWarning, stacklevel=2)
    checks = [
        Check("scale", "ok" if scale.verdict == "within" else "warn", scale.message, scale.verdict),
        check_contiguity(geom, lang=lang),
        check_holes(geom, lang=lang),
        check_slivers(geom, sliver_ha=sliver_ha, lang=lang),
    ]
    if previous is not None:
        checks.append(check_change(geom, previous, lang=lang))
    checks.extend(extra)
    return BoundaryReport(area, geodesy.perimeter_km(geom), scale, tuple(checks))


def check_alignment_by_construction(method: str, n_units: int | None = None, *, lang: str = "en") -> Check | None:
    """Boundaries made of whole units or traced catchments are aligned by construction."""
    if method in ("admin", "jurisdiction"):
        return Check(
            "alignment",
            "ok",
            tr(lang, f"Follows {n_units or 'whole'} administrative unit(s) exactly (aligned by construction, LandScale ±10 %).",
               f"Suit exactement {n_units or 'des'} unité(s) administrative(s) (alignée par construction, LandScale ±10 %)."),
            0.0,
        )
    if method in ("basins", "dem"):
        return Check(
            "alignment",
            "ok",
            tr(lang, "Follows a traced catchment (aligned by construction, LandScale ±10 %).",
               "Suit un bassin versant tracé (alignée par construction, LandScale ±10 %)."),
            0.0,
        )
    return None
