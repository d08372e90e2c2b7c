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
* ``change`` — against a previous boundary: more than 10 % is a new baseline.
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

from .. import geodesy
from ..compare import alignment, best_prefix
from ..i18n import fmt_number, fmt_percent, join_names, tr

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


def rule_texts(lang: str) -> dict[str, str]:
    """Rule id → the rule as LandScale states it, in ``lang``."""
    return {
        "boundary_type": tr(lang, "The boundary is a jurisdiction, a catchment/watershed or stakeholder-defined",
                            "La limite est une juridiction, un bassin versant ou définie par les parties prenantes"),
        "alignment": tr(lang, "A jurisdiction or catchment lies within ±10 % of the official unit(s) or of its catchment",
                        "Une juridiction ou un bassin versant correspond à ±10 % près aux unités officielles ou à son bassin"),
        "contiguity": tr(lang, "The landscape is a single contiguous area", "Le paysage est une zone d'un seul tenant"),
        "min_size": tr(lang, "The landscape covers at least 10,000 ha (unless justified)",
                       "Le paysage couvre au moins 10 000 ha (sauf justification)"),
        "adjacency": tr(lang, "The adjacent area at least 10 km beyond the boundary is considered",
                        "La zone adjacente, jusqu'à au moins 10 km au-delà de la limite, est prise en compte"),
        "change": tr(lang, "A change of more than 10 % against the previous boundary starts a new baseline",
                     "Un changement de plus de 10 % par rapport à la limite précédente ouvre une nouvelle référence"),
        "justification": tr(lang, "A stakeholder-defined boundary (or an exception) has a written justification",
                            "Une limite définie par les parties prenantes (ou une exception) est justifiée par écrit"),
    }


def type_label(btype: str | None, lang: str) -> str | None:
    """A LandScale boundary type in ``lang``."""
    names = {"jurisdiction": tr(lang, "jurisdiction", "juridiction"), "catchment": tr(lang, "catchment", "bassin versant"),
             "stakeholder-defined": tr(lang, "stakeholder-defined", "définie par les parties prenantes")}
    return names.get(str(btype)) if btype else None


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


def _pct(v: float, lang: str) -> str:
    return fmt_percent(v, lang)


def evaluate(profile: Mapping, geometry, *, justification: str | None = None, change: float | None = None,
             ring_ha: float | None = None, lang: str = "en") -> list[Rule]:
    """Judge each LandScale rule for a profile and its boundary geometry (EPSG:4326).

    ``justification``: the written justification (else the profile's ``boundary.justification``).
    ``change``: the symmetric difference with a previous boundary as a share of its area (else the
    profile's ``change`` check, else none: a first assessment). ``ring_ha``: the adjacency ring's area.
    """
    texts = rule_texts(lang)
    method = (profile.get("boundary") or {}).get("method")
    btype = boundary_type(method)
    justification = (justification or (profile.get("boundary") or {}).get("justification") or "").strip() or None
    rules: list[Rule] = []
    type_names = {t: type_label(t, lang) for t in set(TYPES.values())}

    # boundary type
    if btype is None:
        rules.append(Rule("boundary_type", texts["boundary_type"], "warn",
                          tr(lang, f"The method {method!r} gives no LandScale type; state it in the justification.",
                             f"La méthode {method!r} ne donne pas de type LandScale ; précisez-le dans la justification.")))
    else:
        how = {"jurisdiction": tr(lang, "made of administrative units", "faite d'unités administratives"),
               "catchment": tr(lang, "a traced catchment", "un bassin versant tracé"),
               "stakeholder-defined": tr(lang, "drawn or combined by the team", "tracée ou combinée par l'équipe")}[btype]
        rules.append(Rule("boundary_type", texts["boundary_type"], "pass",
                          tr(lang, f"{type_names[btype].capitalize()}: the boundary is {how} (method {method}).",
                             f"{type_names[btype].capitalize()} : la limite est {how} (méthode {method})."), btype))

    # alignment
    own = _check(profile, "alignment")
    computed = units_alignment(profile)
    if own is not None:  # the profile's own check (by construction, or [scale] align_with)
        ok = own.get("status") == "ok"
        status = "pass" if ok else "fail" if btype in ("jurisdiction", "catchment") else "warn"
        rules.append(Rule("alignment", texts["alignment"], status, str(own.get("message") or ""), own.get("value")))
    elif computed is not None:
        al, names = computed
        unit_text = join_names(names, lang)
        gap = tr(lang, f"differs by {_pct(al.share_of_a, lang)} from the best-fit units ({unit_text}; limit ±10 %)",
                 f"s'écarte de {_pct(al.share_of_a, lang)} des unités les plus proches ({unit_text} ; limite ±10 %)")
        if al.aligned:
            status, why = "pass", tr(lang, f"The landscape {gap}.", f"Le paysage {gap}.")
        elif btype == "stakeholder-defined":
            status = "warn"
            why = tr(lang, f"The landscape {gap}: not aligned with a jurisdiction, so it stands as stakeholder-defined and needs its justification.",
                     f"Le paysage {gap} : non aligné sur une juridiction, il reste défini par les parties prenantes et doit être justifié.")
        else:
            status, why = "fail", tr(lang, f"The landscape {gap}.", f"Le paysage {gap}.")
        rules.append(Rule("alignment", texts["alignment"], status, why, round(al.share_of_a, 6)))
    else:
        rules.append(Rule("alignment", texts["alignment"], "warn",
                          tr(lang, "Cannot be checked: attach admin units ([attach.admin_units]) or set [scale] align_with.",
                             "Impossible à vérifier : joignez les unités administratives ([attach.admin_units]) ou [scale] align_with.")))

    # contiguity
    parts = geodesy.polygonal(geometry)
    n = len(shapely.get_parts(parts)) if parts is not None and not parts.is_empty else 0
    if n == 1:
        rules.append(Rule("contiguity", texts["contiguity"], "pass", tr(lang, "One contiguous area.", "Une seule zone d'un seul tenant."), 1))
    else:
        status = "warn" if justification else "fail"
        rules.append(Rule("contiguity", texts["contiguity"], status,
                          tr(lang, f"{n} separate parts" + ("; the justification explains them." if justification else "; join them or justify the exception."),
                             f"{n} parties séparées" + (" ; la justification les explique." if justification else " ; réunissez-les ou justifiez l'exception.")), n))

    # minimum size
    area = geodesy.area_ha(geometry)
    a = fmt_number(area, lang)
    if area >= MIN_HA:
        rules.append(Rule("min_size", texts["min_size"], "pass", tr(lang, f"{a} ha (geodesic).", f"{a} ha (géodésique)."), round(area, 2)))
    else:
        status = "warn" if justification else "fail"
        rules.append(Rule("min_size", texts["min_size"], status,
                          tr(lang, f"{a} ha, below 10,000 ha" + ("; the justification explains why." if justification else "; enlarge it or justify the exception."),
                             f"{a} ha, moins de 10 000 ha" + (" ; la justification l'explique." if justification else " ; agrandissez-le ou justifiez l'exception.")),
                          round(area, 2)))

    # adjacency
    if ring_ha is not None:
        rules.append(Rule("adjacency", texts["adjacency"], "pass",
                          tr(lang, f"A {fmt_number(ADJACENCY_KM, lang)} km ring around the boundary ({fmt_number(ring_ha, lang)} ha) is in the package (adjacency_10km).",
                             f"Un anneau de {fmt_number(ADJACENCY_KM, lang)} km autour de la limite ({fmt_number(ring_ha, lang)} ha) est dans le dossier (adjacency_10km)."),
                          round(ring_ha, 2)))
    else:
        rules.append(Rule("adjacency", texts["adjacency"], "warn", tr(lang, "No adjacency ring was made.", "Aucun anneau d'adjacence n'a été produit.")))

    # change against a previous boundary
    if change is None:
        own = _check(profile, "change")
        if own is not None and isinstance(own.get("value"), (int, float)):
            change = float(own["value"])
    if change is None:
        rules.append(Rule("change", texts["change"], "pass",
                          tr(lang, "No previous boundary given: a first assessment (give --previous FILE at reassessment).",
                             "Aucune limite précédente : première évaluation (donnez --previous FICHIER à la réévaluation).")))
    elif change > CHANGE_LIMIT:
        rules.append(Rule("change", texts["change"], "warn",
                          tr(lang, f"Differs from the previous boundary by {_pct(change, lang)} of its area (> 10 %): a new baseline.",
                             f"Diffère de la limite précédente de {_pct(change, lang)} de sa surface (> 10 %) : nouvelle référence."),
                          round(change, 6)))
    else:
        rules.append(Rule("change", texts["change"], "pass",
                          tr(lang, f"Differs from the previous boundary by {_pct(change, lang)} (within 10 %).",
                             f"Diffère de la limite précédente de {_pct(change, lang)} (moins de 10 %)."), round(change, 6)))

    # justification
    needs = btype in (None, "stakeholder-defined") or n != 1 or area < MIN_HA
    if justification:
        rules.append(Rule("justification", texts["justification"], "pass", justification, True))
    elif needs:
        why = [tr(lang, "stakeholder-defined boundary", "limite définie par les parties prenantes")] if btype in (None, "stakeholder-defined") else []
        why += [tr(lang, "several parts", "plusieurs parties")] if n != 1 else []
        why += [tr(lang, "under 10,000 ha", "moins de 10 000 ha")] if area < MIN_HA else []
        rules.append(Rule("justification", texts["justification"], "fail",
                          tr(lang, f"None given, and one is needed ({join_names(why, lang)}): write it as [boundary] justification = \"…\" or --justification.",
                             f"Aucune, alors qu'elle est requise ({join_names(why, lang)}) : écrivez-la dans [boundary] justification = \"…\" ou --justification."),
                          False))
    else:
        rules.append(Rule("justification", texts["justification"], "pass",
                          tr(lang, f"Not needed: a {type_names[btype]} of one part over 10,000 ha.",
                             f"Non requise : {type_names[btype]} d'un seul tenant de plus de 10 000 ha."), None))
    return rules


def overall(rules) -> str:
    """``fail`` if any rule fails, else ``warn`` if any warns, else ``pass``."""
    statuses = {r.status for r in rules}
    return "fail" if "fail" in statuses else "warn" if "warn" in statuses else "pass"

