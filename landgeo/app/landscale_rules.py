"""LandScale's boundary rules, each judged pass / warn / fail with the reason, from a profile.

The rules (LandScale assessment framework, boundary guidance):

* ``boundary_type`` — a jurisdiction, a catchment/watershed, or stakeholder-defined;
  read from how the boundary was made (admin units → jurisdiction; basins or a DEM →
  catchment; a drawn file or a combination → stakeholder-defined).
* ``alignment`` — a jurisdiction within ±10 % of the best-fit set of official
  (1st–3rd order) units; a catchment within ±10 % of its catchment. From the profile's
  own ``alignment`` check when it has one (by construction, or ``[scale] align_with``),
  else from the admin units' shares in ``profile.json`` (the best-fit set of whole units,
  as ``landgeo compare`` finds it). Not aligned: ``fail`` for a jurisdiction or catchment,
  ``warn`` for a stakeholder-defined boundary (it then needs its justification).
* ``contiguity`` — a single contiguous area.
* ``min_size`` — at least 10,000 ha (geodesic), unless justified.
* ``adjacency`` — the adjacent area at least 10 km beyond the boundary is looked at
  (the export writes that ring).
* ``change`` — against a previous boundary (``--previous``, the profile's ``change`` check, or the
  latest ``monitoring.boundary_change`` of ``landgeo monitor``): more than 10 % is a new baseline.
* ``justification`` — a stakeholder-defined boundary (or one that breaks the size or
  contiguity rules) needs a written justification.

A rule the landscape breaks ``fail``s unless a justification is given, which makes it a
``warn``; ``warn`` also marks what a reviewer should look at.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import shapely

from ..comparison.best_fit import best_prefix
from ..comparison.metrics import alignment
from ..geo import geodesy
from ..i18n import N_, Text, translator

MIN_HA = 10_000.0
ADJACENCY_KM = 10.0
CHANGE_LIMIT = 0.10

TYPES = {
    "admin": "jurisdiction",
    "jurisdiction": "jurisdiction",
    "basins": "catchment",
    "dem": "catchment",
    "file": "stakeholder-defined",
    "combine": "stakeholder-defined",
}


@dataclass(frozen=True)
class Rule:
    """One LandScale rule's verdict: ``status`` is ``pass``, ``warn`` or ``fail``; ``why`` says why."""

    id: str
    rule: str
    status: str
    why: str
    value: object = None

    def to_dict(self) -> dict:
        return {"id": self.id, "rule": self.rule, "status": self.status, "why": self.why, "value": self.value}


#: rule id → the rule as LandScale states it (English message id, looked up when rendered)
RULES = {
    "boundary_type": N_("The boundary is a jurisdiction, a catchment/watershed or stakeholder-defined"),
    "alignment": N_("A jurisdiction or catchment lies within ±10 % of the official unit(s) or of its catchment"),
    "contiguity": N_("The landscape is a single contiguous area"),
    "min_size": N_("The landscape covers at least 10,000 ha (unless justified)"),
    "adjacency": N_("The adjacent area at least 10 km beyond the boundary is considered"),
    "change": N_("A change of more than 10 % against the previous boundary starts a new baseline"),
    "justification": N_("A stakeholder-defined boundary (or an exception) has a written justification"),
}
TYPE_NAMES = {"jurisdiction": N_("jurisdiction"), "catchment": N_("catchment"), "stakeholder-defined": N_("stakeholder-defined")}
HOW = {"jurisdiction": N_("made of administrative units"), "catchment": N_("a traced catchment"),
       "stakeholder-defined": N_("drawn or combined by the team")}


def rule_texts(lang: str) -> dict[str, str]:
    """Rule id → the rule as LandScale states it, in ``lang``."""
    t = translator(lang)
    return {k: t(v) for k, v in RULES.items()}


def type_label(btype: str | None, lang: str) -> str | None:
    """A LandScale boundary type in ``lang``."""
    return translator(lang)(TYPE_NAMES[btype]) if btype in TYPE_NAMES else None


def boundary_type(method: str | None) -> str | None:
    """LandScale's boundary type for a landgeo method (None when unknown)."""
    return TYPES.get(str(method or ""))


def _check(profile: Mapping, cid: str) -> Mapping | None:
    return next((c for c in profile.get("checks") or [] if isinstance(c, Mapping) and c.get("id") == cid), None)


def units_alignment(profile: Mapping):
    """The ±10 % alignment of the landscape with the best-fit set of its admin units, from profile.json's shares.

    A unit's area inside the landscape is ``share_of_landscape × area_ha``, its whole area that
    divided by ``share_of_unit``. Returns (Alignment, names of the best-fit units) or None
    when the profile has no admin units with both shares.
    """
    area = float(profile.get("area_ha") or 0.0)
    units = [u for u in (profile.get("location") or {}).get("admin_units") or []
             if isinstance(u, Mapping) and u.get("share_of_landscape") and u.get("share_of_unit")]
    if area <= 0 or not units:
        return None
    x = np.array([float(u["share_of_landscape"]) * area for u in units])
    whole = np.maximum(x / np.array([float(u["share_of_unit"]) for u in units]), x)
    chosen, _ = best_prefix(x, whole, area)
    inside, total = float(x[chosen].sum()), float(whole[chosen].sum())
    return alignment(area, area - inside, total - inside), [str(units[i]["name"]) for i in sorted(chosen)]


def previous_change(profile: Mapping) -> float | None:
    """The change against the previous boundary recorded in a profile (share of the previous area), or None.

    From the ``change`` check (``[scale] previous``), else the latest of ``monitoring.boundary_change``
    (dated boundaries, ``landgeo monitor``), else a ``boundary_change`` check; absent parts are skipped.
    """
    own = _check(profile, "change")
    if own is not None and isinstance(own.get("value"), (int, float)):
        return float(own["value"])
    dated = (profile.get("monitoring") or {}).get("boundary_change") if isinstance(profile.get("monitoring"), Mapping) else None
    shares = [c.get("change_share") for c in dated or [] if isinstance(c, Mapping)]
    shares = [float(v) for v in shares if isinstance(v, (int, float))]
    if shares:
        return shares[-1]
    own = _check(profile, "boundary_change")
    if own is not None and isinstance(own.get("value"), (int, float)):
        return float(own["value"])
    return None


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def evaluate(profile: Mapping, geometry, *, justification: str | None = None, change: float | None = None,
             ring_ha: float | None = None, lang: str = "en") -> list[Rule]:
    """Judge each LandScale rule for a profile and its boundary geometry (EPSG:4326).

    ``justification``: the written justification (else the profile's ``boundary.justification``).
    ``change``: the symmetric difference with a previous boundary as a share of its area (else the
    profile's ``change`` check, else none: a first assessment). ``ring_ha``: the adjacency ring's area.
    """
    t = translator(lang)
    texts = rule_texts(lang)
    method = (profile.get("boundary") or {}).get("method")
    btype = boundary_type(method)
    justification = (justification or (profile.get("boundary") or {}).get("justification") or "").strip() or None
    parts = geodesy.polygonal(geometry)
    n = len(shapely.get_parts(parts)) if parts is not None and not parts.is_empty else 0
    area = geodesy.area_ha(geometry)
    return [
        _type_rule(t, texts, btype, method, lang),
        _alignment_rule(t, texts, profile, btype),
        _contiguity_rule(t, texts, n, justification),
        _size_rule(t, texts, area, justification),
        _adjacency_rule(t, texts, ring_ha),
        _change_rule(t, texts, previous_change(profile) if change is None else change),
        _justification_rule(t, texts, justification, btype, n, area, lang),
    ]


def _type_rule(t, texts, btype, method, lang: str) -> Rule:
    if btype is None:
        return Rule("boundary_type", texts["boundary_type"], "warn",
                    t("The method {method} gives no LandScale type; state it in the justification.", method=str(method)))
    why = t("{type}: the boundary is {how} (method {method}).", type=_capital(type_label(btype, lang)),
            how=t(HOW[btype]), method=str(method))
    return Rule("boundary_type", texts["boundary_type"], "pass", why, btype)


def _alignment_rule(t, texts, profile: Mapping, btype) -> Rule:
    own = _check(profile, "alignment")
    computed = units_alignment(profile)
    if own is not None:  # the profile's own check (by construction, or [scale] align_with)
        ok = own.get("status") == "ok"
        status = "pass" if ok else "fail" if btype in ("jurisdiction", "catchment") else "warn"
        why = Text.from_dict(own["message_text"]).render(t.lang) if own.get("message_text") else str(own.get("message") or "")
        return Rule("alignment", texts["alignment"], status, why, own.get("value"))  # in the export's language
    if computed is None:
        return Rule("alignment", texts["alignment"], "warn",
                    t("Cannot be checked: attach admin units ([attach.admin_units]) or set [scale] align_with."))
    al, names = computed
    fields = {"share": al.share_of_a, "names": names}
    if al.aligned:
        status, why = "pass", t("The landscape differs by {share:.1%} from the best-fit units ({names:list}; limit ±10 %).", **fields)
    elif btype == "stakeholder-defined":
        status = "warn"
        why = t("The landscape differs by {share:.1%} from the best-fit units ({names:list}; limit ±10 %): not aligned with "
                "a jurisdiction, so it stands as stakeholder-defined and needs its justification.", **fields)
    else:
        status, why = "fail", t("The landscape differs by {share:.1%} from the best-fit units ({names:list}; limit ±10 %).", **fields)
    return Rule("alignment", texts["alignment"], status, why, round(al.share_of_a, 6))


def _contiguity_rule(t, texts, n: int, justification) -> Rule:
    if n == 1:
        return Rule("contiguity", texts["contiguity"], "pass", t("One contiguous area."), 1)
    if justification:
        return Rule("contiguity", texts["contiguity"], "warn",
                    t("{n} separate part; the justification explains it.", "{n} separate parts; the justification explains them.", n=n), n)
    return Rule("contiguity", texts["contiguity"], "fail",
                t("{n} separate part; join it or justify the exception.", "{n} separate parts; join them or justify the exception.", n=n), n)


def _size_rule(t, texts, area: float, justification) -> Rule:
    if area >= MIN_HA:
        return Rule("min_size", texts["min_size"], "pass", t("{area_ha:,.0f} ha (geodesic).", area_ha=area), round(area, 2))
    if justification:
        return Rule("min_size", texts["min_size"], "warn",
                    t("{area_ha:,.0f} ha, below 10,000 ha; the justification explains why.", area_ha=area), round(area, 2))
    return Rule("min_size", texts["min_size"], "fail",
                t("{area_ha:,.0f} ha, below 10,000 ha; enlarge it or justify the exception.", area_ha=area), round(area, 2))


def _adjacency_rule(t, texts, ring_ha: float | None) -> Rule:
    if ring_ha is None:
        return Rule("adjacency", texts["adjacency"], "warn", t("No adjacency ring was made."))
    return Rule("adjacency", texts["adjacency"], "pass",
                t("A {km:,.0f} km ring around the boundary ({area_ha:,.0f} ha) is in the package (adjacency_10km).",
                  km=ADJACENCY_KM, area_ha=ring_ha), round(ring_ha, 2))


def _change_rule(t, texts, change: float | None) -> Rule:
    """The change against a previous boundary (None: a first assessment)."""
    if change is None:
        return Rule("change", texts["change"], "pass",
                    t("No previous boundary given: a first assessment (give --previous FILE at reassessment)."))
    if change > CHANGE_LIMIT:
        return Rule("change", texts["change"], "warn",
                    t("Differs from the previous boundary by {share:.1%} of its area (> 10 %): a new baseline.", share=change),
                    round(change, 6))
    return Rule("change", texts["change"], "pass",
                t("Differs from the previous boundary by {share:.1%} (within 10 %).", share=change), round(change, 6))


def _justification_rule(t, texts, justification, btype, n: int, area: float, lang: str) -> Rule:
    reasons = ([t("stakeholder-defined boundary")] if btype in (None, "stakeholder-defined") else []) \
        + ([t("several parts")] if n != 1 else []) + ([t("under 10,000 ha")] if area < MIN_HA else [])
    if justification:
        return Rule("justification", texts["justification"], "pass", justification, True)
    if reasons:
        return Rule("justification", texts["justification"], "fail",
                    t("None given, and one is needed ({reasons:list}): write it as [boundary] justification = \"…\" "
                      "or --justification.", reasons=reasons), False)
    return Rule("justification", texts["justification"], "pass",
                t("Not needed: a {type} of one part over 10,000 ha.", type=type_label(btype, lang)), None)


def overall(rules) -> str:
    """``fail`` if any rule fails, else ``warn`` if any warns, else ``pass``."""
    statuses = {r.status for r in rules}
    return "fail" if "fail" in statuses else "warn" if "warn" in statuses else "pass"
