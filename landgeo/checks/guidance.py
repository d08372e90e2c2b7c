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
from ..i18n import N_, Text

DEFAULT_MIN_HA = 10_000.0
DEFAULT_MAX_HA = 1_000_000.0
DEFAULT_SLIVER_HA = 100.0
CHANGE_LIMIT = 0.10


@dataclass(frozen=True)
class ScaleVerdict:
    """Where an area falls in the band: ``below``, ``within`` or ``above``.

    ``message`` is the explanation in the language asked for; ``text`` the same as data.
    """

    area_ha: float
    min_ha: float
    max_ha: float
    verdict: str
    message: str
    text: Text | None = None

    def to_dict(self) -> dict:
        out = {"min_ha": self.min_ha, "max_ha": self.max_ha, "verdict": self.verdict, "message": self.message}
        if self.text is not None:
            out["message_text"] = self.text.to_dict()
        return out


SCALE_TEXTS = {
    "below": N_(
        "{area_ha:,.0f} ha is below the {min_ha:,.0f}–{max_ha:,.0f} ha guidance: a landscape this small may not "
        "hold whole natural systems (a watershed, a forest block); consider adding neighbouring units or the "
        "upstream catchment."
    ),
    "above": N_(
        "{area_ha:,.0f} ha is above the {min_ha:,.0f}–{max_ha:,.0f} ha guidance: a landscape this large may be hard "
        "for the people who use the land to manage together; consider a sub-catchment or fewer units."
    ),
    "within": N_("{area_ha:,.0f} ha is within the {min_ha:,.0f}–{max_ha:,.0f} ha guidance."),
}


def check_scale(area_ha: float, *, min_ha: float = DEFAULT_MIN_HA, max_ha: float = DEFAULT_MAX_HA, lang: str = "en") -> ScaleVerdict:
    """The scale verdict of an area in hectares (the band's ends count as within).

    >>> check_scale(10_000).verdict
    'within'
    >>> check_scale(9_999.9).verdict
    'below'
    >>> check_scale(0).verdict
    'below'
    >>> check_scale(2_000_000, lang="pt").message[:34]
    '2.000.000 ha está acima da faixa o'
    """
    if min_ha >= max_ha:
        raise UsageError(Text("scale band: min_ha ({min_ha}) must be below max_ha ({max_ha})", params={"min_ha": str(min_ha), "max_ha": str(max_ha)}))
    verdict = "below" if area_ha < min_ha else "above" if area_ha > max_ha else "within"
    text = Text(SCALE_TEXTS[verdict], params={"area_ha": round(float(area_ha), 2), "min_ha": float(min_ha), "max_ha": float(max_ha)})
    return ScaleVerdict(area_ha, min_ha, max_ha, verdict, text.render(lang), text)


def check_contiguity(geom, *, lang: str = "en") -> Check:
    """One part is ``ok``; several parts ``warn`` (LandScale asks for one contiguous area)."""
    parts = shapely.get_parts(geom)
    n = len(parts)
    if n <= 1:
        return Check.from_text("contiguity", "ok", Text("One contiguous area."), lang, 1)
    areas = sorted((geodesy.area_ha(p) for p in parts), reverse=True)
    share = areas[0] / sum(areas)
    text = Text(
        "{n} separate part (the largest holds {share:.1%} of the area); LandScale asks for one contiguous area.",
        "{n} separate parts (the largest holds {share:.1%} of the area); LandScale asks for one contiguous area.",
        {"n": n, "share": round(share, 6)},
    )
    return Check.from_text("contiguity", "warn", text, lang, n)


def check_holes(geom, *, lang: str = "en") -> Check:
    """Count the holes and their total geodesic area."""
    holes = [shapely.Polygon(r) for p in shapely.get_parts(geom) for r in p.interiors]
    if not holes:
        return Check.from_text("holes", "ok", Text("No holes."), lang, 0)
    area = sum(geodesy.area_ha(h) for h in holes)
    text = Text(
        "{n} hole totalling {area_ha:,.0f} ha; check it is meant (an enclave, a lake) and not a gap between units.",
        "{n} holes totalling {area_ha:,.0f} ha; check they are meant (enclaves, lakes) and not gaps between units.",
        {"n": len(holes), "area_ha": round(area, 2)},
    )
    return Check.from_text("holes", "warn", text, lang, len(holes))


def check_slivers(geom, *, sliver_ha: float = DEFAULT_SLIVER_HA, lang: str = "en") -> Check:
    """Parts smaller than ``sliver_ha`` are slivers (often digitising gaps or overlaps)."""
    parts = shapely.get_parts(geom)
    small = [a for a in (geodesy.area_ha(p) for p in parts) if a < sliver_ha]
    if not small or len(parts) == 1:
        return Check.from_text("slivers", "ok", Text("No parts under {sliver_ha:,.0f} ha.", params={"sliver_ha": float(sliver_ha)}), lang, 0)
    text = Text(
        "{n} part under {sliver_ha:,.0f} ha ({area_ha:,.1f} ha in all); remove it or set fill/simplify options.",
        "{n} parts under {sliver_ha:,.0f} ha ({area_ha:,.1f} ha in all); remove them or set fill/simplify options.",
        {"n": len(small), "sliver_ha": float(sliver_ha), "area_ha": round(sum(small), 2)},
    )
    return Check.from_text("slivers", "warn", text, lang, len(small))


def check_change(geom, previous, *, lang: str = "en") -> Check:
    """Symmetric difference with a previous boundary as a share of the previous area (> 10 % = new baseline)."""
    prev_area = geodesy.area_ha(previous)
    diff = geodesy.area_ha(shapely.symmetric_difference(geom, previous))
    change = diff / prev_area if prev_area else float("inf")
    status = "warn" if change > CHANGE_LIMIT else "ok"
    if status == "warn":
        msgid = N_("The boundary differs from the previous one by {change:.1%} of its area "
                   "(more than {limit:.0%}: LandScale treats this as a new baseline).")
    else:
        msgid = N_("The boundary differs from the previous one by {change:.1%} of its area (within {limit:.0%}).")
    text = Text(msgid, params={"change": round(change, 6), "limit": CHANGE_LIMIT})
    return Check.from_text("change", status, text, lang, round(change, 6))


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
        Check("scale", "ok" if scale.verdict == "within" else "warn", scale.message, scale.verdict, scale.text),
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
        if n_units:
            text = Text("Follows {n} administrative unit exactly (aligned by construction, LandScale ±10 %).",
                        "Follows {n} administrative units exactly (aligned by construction, LandScale ±10 %).",
                        {"n": int(n_units)})
        else:
            text = Text("Follows whole administrative units exactly (aligned by construction, LandScale ±10 %).")
        return Check.from_text("alignment", "ok", text, lang, 0.0)
    if method in ("basins", "dem"):
        text = Text("Follows a traced catchment (aligned by construction, LandScale ±10 %).")
        return Check.from_text("alignment", "ok", text, lang, 0.0)
    return None
