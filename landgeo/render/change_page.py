"""The change page: a landscape over time, one A4-landscape page after its sheet (sheet.pdf, atlas) and ``change.png``.

From a profile's ``monitoring`` section and its dated layers:

* small multiples — one map per land-cover date (up to four), each on that date's boundary, with the
  ASGM footprints of the nearest site date at or before it;
* the transition between the first and the last land-cover date as a Sankey (flows in ha, the
  largest classes, the rest as "other");
* time series of the mined area (bars) with the site count, and of the scorecard goal means;
* the scorecard radar of the 20 criteria per date (:mod:`landgeo.render.scorecard_chart`);
* sentences in the profile's language ("From 2017 to 2024 the mined area inside the landscape grew
  from X ha to Y ha (+Z %), N new sites…"), made from the same numbers (:func:`narrative`).
"""

from __future__ import annotations

import logging
import textwrap
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import matplotlib
import numpy as np
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.patches import PathPatch as _PP
from matplotlib.path import Path as MplPath

from ..attach.classes import BUILTIN, builtin_table
from ..i18n import N_, Text, check_lang, fmt_number, fmt_percent, translator
from ..monitor.dates import at_or_before, date_key
from . import style
from .context import to_4326
from .labels import colon, fmt_ha, label
from .raster import read_window
from .scorecard_chart import (
    GOAL_COLOURS,
    GOALS,
    dated_cards,
    draw_scorecard_radar,
    trend_text,
)
from .scorecard_chart import text as score_text
from .sheet import A4_LANDSCAPE_IN, RC, _draw_geoms, finish_map_axes, geometry_path, map_axes, sheet_date

log = logging.getLogger(__name__)

MAX_MAPS = 4
SANKEY_CLASSES = 6

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
    return "–" if v is None else fmt_percent(v, lang, 0 if v >= 0.1 else 1)


# --------------------------------------------------------------------------- sentences


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
    trans = _span_transition(monitoring)
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


def _span_transition(monitoring: Mapping[str, Any]) -> Mapping | None:
    """The transition between the first and the last land-cover date."""
    trans = monitoring.get("transitions") or []
    if not trans:
        return None
    dates = [x["date"] for x in monitoring.get("land_cover") or []]
    for tr_ in trans:
        if dates and tr_["from"] == dates[0] and tr_["to"] == dates[-1]:
            return tr_
    return trans[-1]


# --------------------------------------------------------------------------- drawing


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


def _class_colours(monitoring) -> dict[str, str]:
    """Each class's colour: the class table's (as on the sheet), else one picked from its name."""
    names, given = [], {}
    for x in monitoring.get("land_cover") or []:
        for c in sorted(x["classes"], key=lambda c: -c["area_ha"]):
            if c["class"] not in names:
                names.append(c["class"])
            if c.get("colour"):  # the same in every language (a colour picked from the name is not)
                given.setdefault(c["class"], c["colour"])
    return style.class_colours(names, given)


def _small_multiples(fig, top, bottom, monitoring, layers, rasters, lang, colours) -> None:
    lc = (monitoring.get("land_cover") or [])[-MAX_MAPS:]
    dates = [x["date"] for x in lc] or [s["date"] for s in (monitoring.get("sites") or [])][-MAX_MAPS:]
    if not dates:
        fig.text(0.03, top - 0.05, phrase("no_change_data", lang), fontsize=9, color=style.MUTED)
        return
    bounds_gdf = layers.get("boundaries_over_time")
    current = layers.get("boundary")
    geoms = {}
    for d in dates:
        if bounds_gdf is not None and len(bounds_gdf):
            b_dates = [str(v) for v in bounds_gdf["date"]]
            pick = at_or_before(b_dates, d)
            geoms[d] = bounds_gdf.geometry.values[b_dates.index(pick)]
        elif current is not None:
            geoms[d] = shapely.union_all(current.geometry.values)
    allg = shapely.union_all([g for g in geoms.values() if g is not None]) if geoms else None
    if allg is None or allg.is_empty:
        return
    sites = layers.get("sites_over_time")
    site_dates = sorted({str(v) for v in sites["date"]}, key=date_key) if sites is not None and len(sites) else []
    n = len(dates)
    gap = 0.012
    width = (0.94 - gap * (n - 1)) / n
    for i, d in enumerate(dates):
        rect = [0.03 + i * (width + gap), bottom, width, top - bottom - 0.03]
        ax, extent = map_axes(fig, rect, allg.bounds, pad=0.05)
        path = rasters.get(f"landcover@{d}") if rasters else None
        classes = next((x for x in lc if x["date"] == d), None)
        if path is not None and classes is not None:
            try:
                data, img_extent, _ = read_window(path, (extent[0], extent[2], extent[1], extent[3]), max_px=700)
                by_value = {int(c["value"]): colours.get(c["class"], "#cccccc") for c in classes["classes"]}
                rgba = np.zeros(data.shape + (4,), dtype=np.uint8)
                filled = data.filled(0) if np.ma.isMaskedArray(data) else np.asarray(data)
                mask = np.ma.getmaskarray(data)
                for v, hexc in by_value.items():
                    sel = (filled == v) & ~mask
                    rgba[sel] = [int(hexc[1:3], 16), int(hexc[3:5], 16), int(hexc[5:7], 16), 255]

                im = ax.imshow(rgba, extent=img_extent, interpolation="nearest", alpha=0.92, zorder=1, aspect="auto")
                clip = geometry_path(geoms[d])
                if clip is not None:
                    patch = _PP(clip, transform=ax.transData, facecolor="none", edgecolor="none")
                    ax.add_patch(patch)
                    im.set_clip_path(patch)
            except Exception as exc:  # a missing raster must not lose the page
                log.warning("change page: land cover %s not drawn: %s", path, exc)
        if geoms.get(d) is not None:
            _draw_geoms(ax, gpd.GeoSeries([allg], crs=4326), facecolor="none", edgecolor="#9a9a9a", linewidth=0.6,
                        linestyle=(0, (3, 2)), zorder=5)
            _draw_geoms(ax, gpd.GeoSeries([geoms[d]], crs=4326), facecolor="none", edgecolor=style.BOUNDARY,
                        linewidth=1.4, zorder=6)
        sd = at_or_before(site_dates, d) if site_dates else None
        if sd is not None and date_key(sd) <= date_key(d):
            sub = sites[sites["date"].astype(str) == sd]
            if len(sub):
                pts = sub.geometry.representative_point()
                ax.scatter(pts.x, pts.y, s=7, color=style.SITE, edgecolor="white", linewidth=0.3, zorder=7)
        ax.set_title(str(d), fontsize=10, fontweight="bold", color=style.TEXT, pad=3)
        finish_map_axes(ax, extent, lang)
        ax.tick_params(labelsize=5.5)
        if i > 0:
            ax.set_yticklabels([])


def _sankey(fig, rect, trans, lang, colours) -> None:
    ax = fig.add_axes(rect)
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    fig.text(rect[0], rect[1] + rect[3] + 0.035, phrase("transition", lang, a=trans["from"], b=trans["to"]),
             fontsize=8.5, fontweight="bold", color=style.TEXT)
    flows = [m for m in trans["matrix"] if m["area_ha"] > 0]
    if not flows:
        return
    tot_from: dict[str, float] = {}
    tot_to: dict[str, float] = {}
    for m in flows:
        tot_from[m["from_class"]] = tot_from.get(m["from_class"], 0) + m["area_ha"]
        tot_to[m["to_class"]] = tot_to.get(m["to_class"], 0) + m["area_ha"]
    keep = sorted(set(tot_from) | set(tot_to), key=lambda c: -(tot_from.get(c, 0) + tot_to.get(c, 0)))[:SANKEY_CLASSES]
    other = phrase("other", lang)

    def name(c):
        return c if c in keep else other

    agg: dict[tuple[str, str], float] = {}
    for m in flows:
        k = (name(m["from_class"]), name(m["to_class"]))
        agg[k] = agg.get(k, 0) + m["area_ha"]
    order = keep + ([other] if any(other in k for k in agg) else [])
    total = sum(agg.values())
    gap = 0.012
    left = {c: sum(v for (f, _), v in agg.items() if f == c) for c in order}
    right = {c: sum(v for (_, tt), v in agg.items() if tt == c) for c in order}
    n_l = sum(1 for c in order if left[c] > 0)
    n_r = sum(1 for c in order if right[c] > 0)
    scale_l = (1 - gap * (n_l - 1)) / total
    scale_r = (1 - gap * (n_r - 1)) / total
    x0, x1, bar = 0.31, 0.67, 0.022
    pos_l: dict[str, list[float]] = {}
    pos_r: dict[str, list[float]] = {}
    for side, totals, scale, pos in (("l", left, scale_l, pos_l), ("r", right, scale_r, pos_r)):
        y = 1.0
        centres = []
        for c in order:
            if totals[c] <= 0:
                continue
            h = totals[c] * scale
            pos[c] = [y, y]  # top, running cursor
            x = x0 - bar if side == "l" else x1
            ax.add_patch(Rectangle((x, y - h), bar, h, facecolor=colours.get(c, "#cccccc"), edgecolor="#555555",
                                   linewidth=0.3))
            centres.append((c, y - h / 2))
            y -= h + gap
        # labels two lines tall: push them apart downwards where bars are thin, keep them in the axes
        # two lines of 5.8 pt need ~0.17 of an axes 1.2 in tall; kept within 0.06..0.94 (title and dates above)
        ys = [cy for _, cy in centres]
        min_dy = min(0.17, 0.88 / max(1, len(ys) - 1))
        for i in range(len(ys)):
            ys[i] = min(ys[i], 0.94 if i == 0 else ys[i - 1] - min_dy)
        for i in range(len(ys) - 1, -1, -1):
            ys[i] = max(ys[i], 0.06 if i == len(ys) - 1 else ys[i + 1] + min_dy)
        for (c, cy), ly in zip(centres, ys):
            lab = f"{textwrap.shorten(c, 28, placeholder='…')}\n{fmt_ha(totals[c], lang)}"
            if side == "l":
                ax.text(x0 - bar - 0.012, ly, lab, ha="right", va="center", fontsize=5.8, color=style.TEXT, linespacing=1.0)
                if abs(ly - cy) > 0.01:
                    ax.plot([x0 - bar - 0.01, x0 - bar], [ly, cy], color="#999999", linewidth=0.4)
            else:
                ax.text(x1 + bar + 0.012, ly, lab, ha="left", va="center", fontsize=5.8, color=style.TEXT, linespacing=1.0)
                if abs(ly - cy) > 0.01:
                    ax.plot([x1 + bar, x1 + bar + 0.01], [cy, ly], color="#999999", linewidth=0.4)
    for f in order:
        for tt in order:
            v = agg.get((f, tt), 0)
            if v <= 0:
                continue
            hl, hr = v * scale_l, v * scale_r
            yl0 = pos_l[f][1]
            yr0 = pos_r[tt][1]
            pos_l[f][1] -= hl
            pos_r[tt][1] -= hr
            xm = (x0 + x1) / 2
            verts = [(x0, yl0), (xm, yl0), (xm, yr0), (x1, yr0), (x1, yr0 - hr), (xm, yr0 - hr), (xm, yl0 - hl),
                     (x0, yl0 - hl), (x0, yl0)]
            codes = [MplPath.MOVETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4, MplPath.LINETO, MplPath.CURVE4,
                     MplPath.CURVE4, MplPath.CURVE4, MplPath.CLOSEPOLY]
            same = f == tt
            ax.add_patch(PathPatch(MplPath(verts, codes), facecolor=colours.get(f, "#cccccc"),
                                   alpha=0.28 if same else 0.6, edgecolor="none"))
    ax.text(x0 - bar / 2, 1.03, trans["from"], ha="center", va="bottom", fontsize=7.5, fontweight="bold")
    ax.text(x1 + bar / 2, 1.03, trans["to"], ha="center", va="bottom", fontsize=7.5, fontweight="bold")


def _title(ax, title: str, rect) -> None:
    """A chart title wrapped to the chart's width (two lines at most)."""
    chars = max(16, int(rect[2] * 11.69 * 72 / (8.0 * 0.6)))
    ax.set_title("\n".join(textwrap.wrap(title, chars)[:2]), fontsize=8.0, fontweight="bold", loc="left",
                 color=style.TEXT, linespacing=1.05)


def _mined_series(fig, rect, monitoring, lang) -> bool:
    sites = [s for s in monitoring.get("sites") or [] if s.get("count") is not None]
    if not sites:
        return False
    ax = fig.add_axes(rect)
    x = np.arange(len(sites))
    areas = [s.get("area_ha") or 0 for s in sites]
    ax.bar(x, areas, color=style.FOOTPRINT, alpha=0.75, width=0.55)
    for xi, a in zip(x, areas):
        ax.text(xi, a, fmt_ha(a, lang), ha="center", va="bottom", fontsize=6, color=style.TEXT)
    ax.set_xticks(x)
    ax.set_xticklabels([s["date"] for s in sites], fontsize=6.5)
    ax.set_ylim(0, max(areas + [1]) * 1.25)
    ax.tick_params(axis="y", labelsize=6)
    ax2 = ax.twinx()
    counts = [s["count"] for s in sites]
    ax2.plot(x, counts, color=style.TEXT, marker="o", markersize=3, linewidth=1)
    ax2.set_ylim(0, max(counts + [1]) * 1.35)
    ax2.tick_params(axis="y", labelsize=6)
    ax2.set_ylabel(phrase("sites", lang), fontsize=6.5)
    for a in (ax, ax2):
        a.spines["top"].set_visible(False)
    _title(ax, phrase("mined", lang), rect)
    return True


def _score_series(fig, rect, monitoring, lang) -> bool:
    cards = [c for c in monitoring.get("scorecards") or [] if c.get("goal_means")]
    if not cards:
        return False
    ax = fig.add_axes(rect)
    x = np.arange(len(cards))
    for goal, letter in GOALS:
        vals = [c["goal_means"].get(goal) for c in cards]
        ax.plot(x, vals, marker="o", markersize=3, linewidth=1.2, color=GOAL_COLOURS[letter],
                label=f"{letter} {score_text(goal, lang)}")
    ax.set_xticks(x)
    ax.set_xticklabels([c["date"] for c in cards], fontsize=6.5)
    ax.set_ylim(1, 5)
    ax.set_xlim(-0.3, len(cards) - 0.7)
    ax.tick_params(axis="y", labelsize=6)
    ax.grid(axis="y", color="#dddddd", linewidth=0.4)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(fontsize=5.8, frameon=False, loc="upper left", ncol=2, handlelength=1.4)
    _title(ax, phrase("goal_means", lang), rect)
    return True


def _narrative_box(fig, rect, sentences, lang) -> None:
    x, y0, w, h = rect
    fig.text(x, y0 + h, phrase("summary", lang), fontsize=8.5, fontweight="bold", color=style.TEXT, va="top")
    y = y0 + h - 0.03
    chars = int(w * 11.69 * 72 / (6.7 * 0.53))
    for s in sentences:
        lines = textwrap.wrap(s, chars)
        for j, line in enumerate(lines):
            if y < y0:
                return
            fig.text(x + (0.012 if j else 0), y, ("• " if j == 0 else "") + line, fontsize=6.7, color=style.TEXT, va="top")
            y -= 0.0178
        y -= 0.004


def build_change_page(profile: Mapping[str, Any], layers: Mapping[str, gpd.GeoDataFrame], *, lang: str = "en",
                      rasters: Mapping[str, Any] | None = None, date: str | None = None) -> Figure | None:
    """The change page of a profile as a matplotlib Figure; None when the profile has no dates to compare."""


    lang = check_lang(lang)
    if not has_change_page(profile):
        return None
    mon = in_language(profile.get("monitoring") or {}, lang)
    lay = {k: to_4326(v, k) for k, v in layers.items()}
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=A4_LANDSCAPE_IN)

        FigureCanvasAgg(fig)
        name = str(profile.get("name") or profile.get("slug") or "")
        dates = mon.get("dates") or []
        fig.text(0.03, 0.955, name, fontsize=17, fontweight="bold", color=style.TEXT, va="baseline")
        span = f"{dates[0]} – {dates[-1]}" if dates else ""
        fig.text(0.03, 0.925, f"{phrase('title', lang)} · {span}", fontsize=9, color=style.MUTED, va="baseline")
        fig.add_artist(Line2D([0.03, 0.97], [0.912, 0.912], color="#999999", linewidth=0.6))
        colours = _class_colours(mon)
        fig.text(0.03, 0.893, phrase("maps", lang), fontsize=8.5, fontweight="bold", color=style.TEXT, va="top")
        _small_multiples(fig, 0.875, 0.555, mon, lay, rasters or {}, lang, colours)
        # one legend for the maps: classes (largest first), boundary, footprints
        handles = [Line2D([], [], color=style.BOUNDARY, linewidth=1.4, label=phrase("boundary", lang)),
                   Line2D([], [], marker="o", linestyle="none", markersize=4, markerfacecolor=style.SITE,
                          markeredgecolor="white", label=phrase("footprints", lang, d="").strip())]
        handles += [Patch(facecolor=c, edgecolor="#777777", linewidth=0.3, label=textwrap.shorten(n, 34, placeholder="…"))
                    for n, c in list(colours.items())[:8]]
        leg_ax = fig.add_axes([0.03, 0.505, 0.94, 0.035])
        leg_ax.set_axis_off()
        leg_ax.legend(handles=handles, loc="center left", ncol=5, fontsize=6.2, frameon=False, handlelength=1.5,
                      columnspacing=1.2, borderaxespad=0)
        trans = _span_transition(mon)
        if trans is not None:
            _sankey(fig, [0.03, 0.315, 0.46, 0.14], trans, lang, colours)
        _narrative_box(fig, [0.03, 0.027, 0.5, 0.243], narrative(mon, lang), lang)
        has_mined = _mined_series(fig, [0.57, 0.31, 0.16, 0.14], mon, lang)
        _score_series(fig, [0.57, 0.07, 0.16, 0.16] if has_mined else [0.57, 0.2, 0.16, 0.25], mon, lang)
        cards = dated_cards(mon.get("scorecards"))
        if cards:
            fig.text(0.77, 0.475, "\n".join(textwrap.wrap(phrase("radar", lang), 34)[:2]), fontsize=8.0,
                     fontweight="bold", color=style.TEXT, va="top", linespacing=1.05)
            draw_scorecard_radar(fig, [0.775, 0.1, 0.15, 0.31], cards, lang, title=False, fontsize=6.0)
            trend = trend_text(cards, lang)
            if trend:
                for j, line in enumerate(textwrap.wrap(trend, 52)):
                    fig.text(0.77, 0.06 - 0.016 * j, line, fontsize=6.3, color=style.TEXT)
        srcs = sorted({part.strip() for i in mon.get("indicators") or [] if i.get("source")
                       for part in str(i["source"]).split(";") if part.strip() not in ("", "boundary", "scorecard")})

        foot = f"{label('sources', lang)}{colon(lang)}" + "; ".join(srcs)
        fig.text(0.03, 0.012, textwrap.shorten(foot, 230, placeholder=" …"), fontsize=5.5, color=style.MUTED)
        fig.text(0.97, 0.012, f"{label('date', lang)}{colon(lang)}{sheet_date(date)} · {label('made_with', lang)}",
                 fontsize=5.5, color=style.MUTED, ha="right")
    return fig


def has_change_page(profile: Mapping[str, Any]) -> bool:
    """Whether a profile has two or more dates of something to compare (a change page is drawn)."""
    mon = profile.get("monitoring") or {}
    counts = [len(mon.get(k) or []) for k in ("land_cover", "sites", "population", "boundaries", "scorecards")]
    return max(counts, default=0) >= 2


def write_change_png(profile, layers, png, *, lang: str = "en", rasters=None, date=None, dpi: int = 200):
    """Write the change page as a PNG; returns the path, or None when there is nothing to compare."""


    fig = build_change_page(profile, layers, lang=lang, rasters=rasters, date=date)
    if fig is None:
        return None
    with matplotlib.rc_context(RC):
        fig.savefig(png, format="png", dpi=dpi, metadata={"Software": None})
    return png
