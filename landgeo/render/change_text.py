"""The change page's words: its texts (catalogue message ids) and the sentences about a landscape's change.

From a profile's ``monitoring`` section: "From 2017 to 2024 the mined area inside the landscape grew
from X ha to Y ha (+Z %), N new sites…" (:func:`narrative`), the class names in the reader's
language (:func:`in_language`), and whether there is anything to compare (:func:`has_change_page`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..attach.classes import BUILTIN, builtin_table
from ..i18n import N_, Text, fmt_number, fmt_percent, fmt_share, translator
from .labels import fmt_ha
from .scorecard_chart import (
    GOALS,
)
from .scorecard_chart import text as score_text

#: key → English message id (looked up in the catalogues of landgeo.i18n); sentences take str.format fields
#: the mined-area sentence, as (singular, plural) by the number of new sites n, for growth, loss, no change
MINED = {
    "grew": Text("From {a} to {b} the mined area inside the landscape grew from {x} to {y} ({pct}); {n} new site, "
                "{ca} sites in {a} and {cb} in {b}.",
             "From {a} to {b} the mined area inside the landscape grew from {x} to {y} ({pct}); {n} new sites, "
                "{ca} sites in {a} and {cb} in {b}."),
    "fell": Text("From {a} to {b} the mined area inside the landscape fell from {x} to {y} ({pct}); {n} new site, "
                "{ca} sites in {a} and {cb} in {b}.",
             "From {a} to {b} the mined area inside the landscape fell from {x} to {y} ({pct}); {n} new sites, "
                "{ca} sites in {a} and {cb} in {b}."),
    "same": Text("From {a} to {b} the mined area inside the landscape stayed at {x}; {n} new site, "
                "{ca} sites in {a} and {cb} in {b}.",
             "From {a} to {b} the mined area inside the landscape stayed at {x}; {n} new sites, "
                "{ca} sites in {a} and {cb} in {b}."),
}

TEXT = {
    'title': N_('Change over time'),
    'maps': N_('Land cover at each date (each date on its own boundary)'),
    'transition': N_('Land-cover transitions {a} → {b} (ha)'),
    'mined': N_('Mined area (ha) and ASGM sites'),
    'sites': N_('sites'),
    'goal_means': N_('Scorecard goal means (1–5)'),
    'radar': N_('Scorecard criteria by date'),
    'summary': N_('What changed'),
    'other': N_('Other'),
    'footprints': N_('ASGM footprints {d}'),
    'boundary': N_('Landscape boundary'),
    'no_change_data': N_('No dated layers: add [[monitor.landcover]], [[monitor.sites]]… to the recipe.'),
    's_natural_mining': N_('In {d}, {x} of the mined area ({share}) lay on natural habitat (land cover of {lc}).'),
    's_land': N_('From {a} to {b}, {x} changed land-cover class ({share} of the area both dates cover); natural habitat went from {na} to {nb}, with {loss} lost and {gain} gained.'),
    's_top': N_('The largest change was {f} to {t} ({x}).'),
    's_pop': N_('Population went from {x} in {a} to {y} in {b} ({pct}).'),
    's_boundary_new': N_('The boundary changed by {share} between {a} and {b}: more than 10%, so LandScale starts a new baseline; figures before and after {b} measure different areas.'),
    's_boundary_ok': N_('The boundary changed by {share} between {a} and {b} (within 10%: the same baseline).'),
    's_score': N_('Scorecard goal means from {a} to {b}: {items}.'),
}


def phrase(key: str, lang: str, **fields) -> str:
    """A change-page text in ``lang``, its ``{fields}`` filled (numbers already formatted by the caller)."""
    return translator(lang)(TEXT[key], **fields)

def _pct(a: float | None, b: float | None, lang: str) -> str:
    """The change from ``a`` to ``b`` as a signed percentage: ``+12 %``, ``−3.5 %`` (locale format)."""
    if not a:
        return "–"
    v = (b - a) / a
    sign = "+" if v > 0 else "−" if v < 0 else "±"
    return sign + fmt_percent(abs(v), lang, 0 if abs(v) >= 0.1 else 1)

def _share(v: float | None, lang: str) -> str:
    return "–" if v is None else fmt_share(v, lang, 0 if v >= 0.1 else 1)

def narrative(monitoring: Mapping[str, Any], lang: str) -> list[str]:
    """Sentences about the change, in ``lang``, from the ``monitoring`` section of a profile."""
    out: list[str] = []
    for c in monitoring.get("boundary_change") or []:
        key = "s_boundary_new" if c.get("new_baseline") else "s_boundary_ok"
        out.append(phrase(key, lang, share=_share(c.get("change_share"), lang), a=c["from"], b=c["to"]))
    sites = [s for s in monitoring.get("sites") or [] if s.get("count") is not None]
    if len(sites) >= 2:
        a, b = sites[0], sites[-1]
        xa, xb = a.get("area_ha"), b.get("area_ha")
        by_period = {i["date_or_period"]: i["value"] for i in monitoring.get("indicators") or []
                     if i.get("indicator") == "new_sites"}
        n_new = by_period.get(f"{a['date']}/{b['date']}")
        if xa is not None and xb is not None:
            m = MINED["grew" if xb > xa else "fell" if xb < xa else "same"]
            out.append(translator(lang)(m.msgid, m.plural, a=a["date"], b=b["date"], x=fmt_ha(xa, lang), y=fmt_ha(xb, lang),
                                        pct=_pct(xa, xb, lang), n=int(n_new or 0), ca=fmt_number(a["count"], lang),
                                        cb=fmt_number(b["count"], lang)))
    if sites and sites[-1].get("in_natural_habitat_ha") is not None and sites[-1].get("area_ha"):
        s = sites[-1]
        out.append(phrase("s_natural_mining", lang, d=s["date"], x=fmt_ha(s["in_natural_habitat_ha"], lang),
                                                       share=_share(s["in_natural_habitat_ha"] / s["area_ha"], lang),
                                                       lc=s.get("land_cover_date")))
    trans = span_transition(monitoring)
    lc = {x["date"]: x for x in monitoring.get("land_cover") or []}
    if trans is not None:
        a, b = trans["from"], trans["to"]
        # natural habitat over the area both dates cover (so that before − lost + gained = after)
        nat_a = nat_b = None
        if a in lc and b in lc:
            va = {c["value"] for c in lc[a]["classes"] if c.get("natural")}
            vb = {c["value"] for c in lc[b]["classes"] if c.get("natural")}
            nat_a = sum(m["area_ha"] for m in trans["matrix"] if m["from_value"] in va)
            nat_b = sum(m["area_ha"] for m in trans["matrix"] if m["to_value"] in vb)
        out.append(phrase("s_land", lang, 
            a=a, b=b, x=fmt_ha(trans["changed_ha"], lang),
            share=_share(trans["changed_ha"] / trans["area_ha"] if trans["area_ha"] else None, lang),
            na=fmt_ha(nat_a, lang) if nat_a is not None else "–", nb=fmt_ha(nat_b, lang) if nat_b is not None else "–",
            loss=fmt_ha(trans["natural_loss_ha"], lang), gain=fmt_ha(trans["natural_gain_ha"], lang)))
        moves = [m for m in trans["matrix"] if m["from_value"] != m["to_value"]]
        if moves:
            top = max(moves, key=lambda m: m["area_ha"])
            out.append(phrase("s_top", lang, f=top["from_class"], t=top["to_class"], x=fmt_ha(top["area_ha"], lang)))
    pop = monitoring.get("population") or []
    if len(pop) >= 2:
        a, b = pop[0], pop[-1]
        out.append(phrase("s_pop", lang, x=fmt_number(a["total"], lang), y=fmt_number(b["total"], lang), a=a["date"],
                                           b=b["date"], pct=_pct(a["total"], b["total"], lang)))
    cards = [c for c in monitoring.get("scorecards") or [] if c.get("goal_means")]
    if len(cards) >= 2:
        a, b = cards[0], cards[-1]
        items = ", ".join(f"{score_text(g, lang).lower()} {fmt_number(a['goal_means'][g], lang, 1)} → "
                          f"{fmt_number(b['goal_means'][g], lang, 1)}" for g, _ in GOALS
                          if a["goal_means"].get(g) is not None and b["goal_means"].get(g) is not None)
        out.append(phrase("s_score", lang, a=a["date"], b=b["date"], items=items))
    return out

def span_transition(monitoring: Mapping[str, Any]) -> Mapping | None:
    """The transition between the first and the last land-cover date."""
    trans = monitoring.get("transitions") or []
    if not trans:
        return None
    dates = [x["date"] for x in monitoring.get("land_cover") or []]
    for tr_ in trans:
        if dates and tr_["from"] == dates[0] and tr_["to"] == dates[-1]:
            return tr_
    return trans[-1]

def in_language(monitoring: Mapping[str, Any], lang: str) -> dict:
    """A copy of ``monitoring`` whose land-cover class names are in ``lang`` (built-in class tables), so a
    profile made in one language draws its change page in another with the classes named in that one."""

    lc = monitoring.get("land_cover") or []
    tables = {x["date"]: builtin_table(x["class_table"]) for x in lc if x.get("class_table") in BUILTIN}
    if not tables:
        return dict(monitoring)
    out = dict(monitoring)
    out["land_cover"] = [{**x, "classes": [{**c, "class": tables[x["date"]].name(c["value"], lang=lang)}
                                           for c in x["classes"]]} if x["date"] in tables else x for x in lc]
    trans = []
    for tr_ in monitoring.get("transitions") or []:
        ta, tb = tables.get(tr_["from"]), tables.get(tr_["to"])
        rows = [{**m, "from_class": ta.name(m["from_value"], lang=lang) if ta else m["from_class"],
                 "to_class": tb.name(m["to_value"], lang=lang) if tb else m["to_class"]} for m in tr_["matrix"]]
        trans.append({**tr_, "matrix": rows})
    out["transitions"] = trans
    return out

def has_change_page(profile: Mapping[str, Any]) -> bool:
    """Whether a profile has two or more dates of something to compare (a change page is drawn)."""
    mon = profile.get("monitoring") or {}
    counts = [len(mon.get(k) or []) for k in ("land_cover", "sites", "population", "boundaries", "scorecards")]
    return max(counts, default=0) >= 2
