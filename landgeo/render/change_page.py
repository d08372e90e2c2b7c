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

from ..i18n import Text, check_lang
from ..monitor.dates import at_or_before, date_key
from . import style
from .change_text import TEXT, has_change_page, in_language, narrative, phrase, span_transition
from .collector import collector_paused
from .context import to_4326
from .frame import draw_geoms, finish_map_axes, geometry_path, map_axes
from .labels import colon, fmt_ha, label
from .page import A4_LANDSCAPE_IN, RC, save_png, sheet_date
from .panel import Panel
from .raster import read_window
from .scorecard_chart import (
    GOAL_COLOURS,
    GOALS,
    dated_cards,
    draw_scorecard_radar,
    trend_text,
)
from .scorecard_chart import text as score_text

__all__ = ["TEXT", "build_change_page", "has_change_page", "in_language", "narrative", "phrase", "write_change_png"]

log = logging.getLogger(__name__)

MAX_MAPS = 4

SANKEY_CLASSES = 6


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
                log.warning(Text("change page: land cover {file} not drawn: {reason}", params={"file": str(path), "reason": str(exc)}))
        if geoms.get(d) is not None:
            draw_geoms(ax, gpd.GeoSeries([allg], crs=4326), facecolor="none", edgecolor="#9a9a9a", linewidth=0.6,
                        linestyle=(0, (3, 2)), zorder=5)
            draw_geoms(ax, gpd.GeoSeries([geoms[d]], crs=4326), facecolor="none", edgecolor=style.BOUNDARY,
                        linewidth=1.4, zorder=6)
        sd = at_or_before(site_dates, d) if site_dates else None
        if sd is not None and date_key(sd) <= date_key(d):
            sub = sites[sites["date"].astype(str) == sd]
            if len(sub):
                pts = sub.geometry.representative_point()
                ax.scatter(pts.x, pts.y, s=7, color=style.SITE, edgecolor="white", linewidth=0.3, zorder=7)
        # y given: matplotlib need not measure every tick label at each draw to place the title
        ax.set_title(str(d), fontsize=10, fontweight="bold", color=style.TEXT, y=1.0, pad=3)
        # same extent and size: one arrow and one bar, latitudes on the first map only
        finish_map_axes(ax, extent, lang, marks=i == 0, labelsize=5.5, ylabels=i == 0)

def _sankey_labels(panel, centres, totals, side: str, edge: float, lang: str) -> None:
    """Class names and areas beside one side's bars (``edge``: the bars' outer x), pushed apart where bars are thin.

    Two lines of 5.8 pt need ~0.17 of a panel 1.2 in tall; kept within 0.06..0.94 (title and dates above).
    """
    ys = [cy for _, cy in centres]
    min_dy = min(0.17, 0.88 / max(1, len(ys) - 1))
    for i in range(len(ys)):
        ys[i] = min(ys[i], 0.94 if i == 0 else ys[i - 1] - min_dy)
    for i in range(len(ys) - 1, -1, -1):
        ys[i] = max(ys[i], 0.06 if i == len(ys) - 1 else ys[i + 1] + min_dy)
    left = side == "l"
    for (c, cy), ly in zip(centres, ys):
        lab = f"{textwrap.shorten(c, 28, placeholder='…')}\n{fmt_ha(totals[c], lang)}"
        panel.text(edge - 0.012 if left else edge + 0.012, ly, lab, ha="right" if left else "left", va="center",
                   fontsize=5.8, color=style.TEXT, linespacing=1.0)
        if abs(ly - cy) > 0.01:
            xs = [edge - 0.01, edge] if left else [edge, edge + 0.01]
            panel.plot(xs, [ly, cy] if left else [cy, ly], color="#999999", linewidth=0.4)


def _sankey(fig, rect, trans, lang, colours) -> None:
    panel = Panel(fig, rect)
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
            panel.add(Rectangle((x, y - h), bar, h, facecolor=colours.get(c, "#cccccc"), edgecolor="#555555",
                                linewidth=0.3))
            centres.append((c, y - h / 2))
            y -= h + gap
        _sankey_labels(panel, centres, totals, side, x0 - bar if side == "l" else x1 + bar, lang)
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
            panel.add(PathPatch(MplPath(verts, codes), facecolor=colours.get(f, "#cccccc"),
                                alpha=0.28 if same else 0.6, edgecolor="none"))
    panel.text(x0 - bar / 2, 1.03, trans["from"], ha="center", va="bottom", fontsize=7.5, fontweight="bold")
    panel.text(x1 + bar / 2, 1.03, trans["to"], ha="center", va="bottom", fontsize=7.5, fontweight="bold")

def _title(ax, title: str, rect) -> None:
    """A chart title wrapped to the chart's width (two lines at most)."""
    chars = max(16, int(rect[2] * 11.69 * 72 / (8.0 * 0.6)))
    ax.set_title("\n".join(textwrap.wrap(title, chars)[:2]), fontsize=8.0, fontweight="bold", loc="left",
                 color=style.TEXT, linespacing=1.05, y=1.0)  # y given: no tick measuring at each draw

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
        Panel(fig, [0.03, 0.505, 0.94, 0.035]).legend(handles, loc="center left", ncol=5, fontsize=6.2, frameon=False,
                                                      handlelength=1.5, columnspacing=1.2, borderaxespad=0)
        trans = span_transition(mon)
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

@collector_paused()
def write_change_png(profile, layers, png, *, lang: str = "en", rasters=None, date=None, dpi: int = 200):
    """Write the change page as a PNG; returns the path, or None when there is nothing to compare."""
    fig = build_change_page(profile, layers, lang=lang, rasters=rasters, date=date)
    if fig is None:
        return None
    save_png(fig, png, dpi=dpi)  # in the sheets' matplotlib settings (save_pages)
    return png
