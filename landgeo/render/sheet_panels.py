"""The profile sheet's panels beside the map: locator inset, legend, profile table, composition chart, scorecard."""

from __future__ import annotations

import textwrap

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.transforms import Bbox

from ..i18n import fmt_number, translator
from . import scorecard_chart, style
from .frame import HALO, Labeller, draw_geoms, field_named, map_extent
from .labels import (
    colon,
    fmt_share,
    label,
)
from .page import A4_LANDSCAPE_IN
from .panel import Panel
from .scorecard_chart import draw_scorecard_radar, trend_text
from .sheet_rows import eco_classes, eco_source, wrap_rows

LEGEND_ROWS = 11  # entries (below the title) that fit in the legend box beside the locator


def draw_legend(fig, rect, legend, lang) -> float:
    """Draw the legend from the top of ``rect``; returns the figure-fraction y where it ends."""
    panel = Panel(fig, rect)
    handles = []
    for kind, extra in legend["items"]:
        if kind == "boundary":
            handles.append(Line2D([], [], color=style.BOUNDARY, linewidth=1.8, label=label("boundary", lang)))
        elif kind == "admin":
            handles.append(Line2D([], [], color=style.ADMIN, linewidth=0.8, linestyle=(0, (4, 2.5)),
                                  label=label("admin_units", lang)))
        elif kind == "rivers":
            handles.append(Line2D([], [], color=style.RIVER, linewidth=1.0, label=label("rivers", lang)))
        elif kind == "sites":
            handles.append(Line2D([], [], marker="o", linestyle="none", markersize=5.5, markerfacecolor=style.SITE,
                                  markeredgecolor="white", label=f"{label('sites', lang)} ({fmt_number(extra, lang)})"))
        elif kind == "footprints":
            handles.append(Patch(facecolor=style.FOOTPRINT, edgecolor=style.FOOTPRINT,
                                 label=f"{label('site_footprints', lang)} ({fmt_number(extra, lang)})"))
        elif kind == "hillshade":
            handles.append(Patch(facecolor="#bdbdbd", edgecolor="none", label=label("hillshade", lang)))
        elif kind == "handle":  # drawn by context_layers / hydro_marks with its own symbol and label
            handles.append(extra)
    if legend["classes"]:
        # the legend box holds LEGEND_ROWS entries: symbols first, then the classes (largest first), then "+ N others"
        room = max(3, LEGEND_ROWS - len(handles) - 1)
        if len(legend["classes"]) > room:
            room -= 1
        handles.append(Patch(facecolor="none", edgecolor="none", label=""))
        for name, colour in list(legend["classes"].items())[:room]:
            handles.append(Patch(facecolor=colour, edgecolor="#777777", linewidth=0.3,
                                 label=textwrap.shorten(name, 38, placeholder="…")))
        if len(legend["classes"]) > room:
            handles.append(Patch(facecolor="none", edgecolor="none",
                                 label=translator(lang)("+ {n} more class", "+ {n} more classes", n=len(legend["classes"]) - room)))
    if not handles:
        return rect[1] + rect[3]
    # the legend may run below its box (the table then starts lower) but never off the page's right edge
    renderer = fig.canvas.get_renderer()
    sizes = (6.5, 6.0, 5.5, 5.0)
    for size in sizes:
        leg = panel.legend(handles, loc="upper left", anchor=(0, 1), frameon=False, fontsize=size,
                           title=label("legend", lang), title_fontsize=size + 1, alignment="left", handlelength=1.8,
                           borderaxespad=0, labelspacing=0.35)
        box = leg.get_window_extent(renderer)
        if (box.x1 <= 0.985 * fig.bbox.width and box.y0 >= (rect[1] - 0.1) * fig.bbox.height) or size == sizes[-1]:
            break
        leg.remove()  # too wide or too long: the next size instead
    return fig.transFigure.inverted().transform(box.p0)[1]

def _label_locator(ax, labelled, boundary_geom) -> None:
    """Country names on the locator, kept inside its frame and off the landscape's mark (else left out)."""
    name_field = field_named(labelled, ("name", "nom", "country", "admin", "name_en", "name_fr"))
    if not name_field or len(labelled) > 3:
        return
    labeller = Labeller(ax, margin=1.0)
    if boundary_geom is not None:  # the landscape (or the ring round a tiny one: ≈ 5 pt of radius)
        x0, y0, x1, y1 = boundary_geom.bounds
        box = Bbox(ax.transData.transform([(x0, y0), (x1, y1)]))
        pad = 6 * ax.figure.dpi / 72
        labeller.reserve(Bbox([[box.x0 - pad, box.y0 - pad], [box.x1 + pad, box.y1 + pad]]))
    kw = {"fontsize": 5.5, "color": style.MUTED, "path_effects": HALO}
    for _, row in labelled.iterrows():
        geom, name = row.geometry, str(row[name_field])
        pt = geom.representative_point()
        x0, y0, x1, y1 = geom.bounds
        # the representative point, else a quarter or three quarters up the country, else around the point
        anchors = [(pt.x, pt.y)] + [(q.x, q.y) for q in (shapely.Point((x0 + x1) / 2, y0 + f * (y1 - y0)) for f in (0.25, 0.75))
                                    if geom.contains(q)]
        if not any(labeller.place(x, y, name, ha="center", va="center", **kw) for x, y in anchors):
            labeller.add(pt.x, pt.y, name, point=True, **kw)
    labeller.place_all()


def draw_locator(fig, rect, lay, boundary_geom, lang) -> None:
    ax = fig.add_axes(rect)
    context = lay.get("context")
    home = None
    if context is not None and "home" in context.columns and context["home"].any():
        home = context[context["home"].astype(bool)]
    if home is not None:
        bounds = home.total_bounds
    elif context is not None:
        bounds = context.total_bounds
    elif boundary_geom is not None:
        bounds = np.asarray(boundary_geom.buffer(2.0).bounds)
    else:
        ax.set_axis_off()
        return
    if boundary_geom is not None:
        bx = np.asarray(boundary_geom.bounds)
        bounds = np.array([min(bounds[0], bx[0]), min(bounds[1], bx[1]), max(bounds[2], bx[2]), max(bounds[3], bx[3])])
    fig_w, fig_h = fig.get_size_inches()
    minx, maxx, miny, maxy, k = map_extent(bounds, (rect[3] * fig_h) / (rect[2] * fig_w), pad=0.1)
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect(k, adjustable="box")
    ax.set_facecolor(style.SEA)
    if context is not None:
        draw_geoms(ax, context, facecolor="#e9e6df" if home is not None else style.CONTEXT_FILL,
                    edgecolor=style.CONTEXT_EDGE, linewidth=0.4)
        if home is not None:
            draw_geoms(ax, home, facecolor=style.CONTEXT_FILL, edgecolor="#555555", linewidth=0.6)
        _label_locator(ax, home if home is not None else context, boundary_geom)
    if boundary_geom is not None:
        draw_geoms(ax, gpd.GeoSeries([boundary_geom], crs=4326), facecolor=style.BOUNDARY,
                    edgecolor=style.BOUNDARY, linewidth=0.8, zorder=3)
        c = boundary_geom.centroid
        span = max(maxx - minx, maxy - miny)
        bx = boundary_geom.bounds
        if max(bx[2] - bx[0], bx[3] - bx[1]) < 0.04 * span:  # too small to see: ring it
            ax.scatter([c.x], [c.y], s=60, facecolors="none", edgecolors=style.BOUNDARY, linewidths=1.0, zorder=4)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("#777777")
        spine.set_linewidth(0.5)

def draw_table(fig, rect, rows, lang) -> float:
    """Draw the profile table in ``rect``; returns the figure-fraction y where it ends."""
    panel = Panel(fig, rect)
    fig_w, fig_h = fig.get_size_inches()
    width_pt = rect[2] * fig_w * 72
    height_pt = rect[3] * fig_h * 72
    fs = 6.8
    line_pt = fs * 1.32
    label_frac = 0.29
    value_chars = int((1 - label_frac) * width_pt / (fs * 0.56))
    label_chars = int(label_frac * width_pt / (fs * 0.68))  # bold glyphs: ≈ 0.68 em on average (DejaVu Sans Bold)
    max_lines = int(height_pt / line_pt) - len(rows) // 3
    wrapped = wrap_rows(rows, value_chars, max_lines, label_chars)
    y = 1.0
    dy = line_pt / height_pt
    for i, (lab, lines) in enumerate(wrapped):
        lab_lines = textwrap.wrap(lab, label_chars) or [lab]
        n = max(len(lines), len(lab_lines))
        top = y
        if i % 2 == 0:
            panel.add(Rectangle((0, y - n * dy - 0.25 * dy), 1, n * dy + 0.25 * dy, facecolor="#f1f3f0",
                                edgecolor="none", zorder=0))
        for j, text in enumerate(lab_lines):
            panel.text(0.01, top - (j + 0.5) * dy - 0.1 * dy, text, fontsize=fs, fontweight="bold", color="#333333",
                       va="center", ha="left")
        for j, text in enumerate(lines):
            panel.text(label_frac + 0.01, top - (j + 0.5) * dy - 0.1 * dy, text, fontsize=fs, color=style.TEXT,
                       va="center", ha="left")
        y = top - n * dy - 0.25 * dy
        if y < 0:
            break
    return rect[1] + max(y, 0.0) * rect[3]

def draw_composition(fig, x0: float, top: float, bottom: float, width: float, profile, legend_classes, lang) -> None:
    """Bar chart of class shares under the title at (x0, top), bars not below ``bottom`` (figure fractions)."""
    classes = sorted(eco_classes(profile), key=lambda c: -(c.get("share") or 0))
    classes = [c for c in classes if c.get("share") is not None]
    title = label("composition", lang)
    source = eco_source(profile)
    title_lines = textwrap.wrap(title, max(20, int(width * A4_LANDSCAPE_IN[0] * 72 / (7.5 * 0.62))))
    fig.text(x0, top, "\n".join(title_lines[:2]), fontsize=7.5, fontweight="bold", va="top", color=style.TEXT,
             linespacing=1.1)
    top -= 0.016 * (min(len(title_lines), 2) - 1)  # a narrow column wraps the title
    if source:
        fig.text(x0, top - 0.02, textwrap.shorten(f"{label('source', lang)}{colon(lang)}{source}", 90,
                                                  placeholder="…"), fontsize=6, va="top", color=style.MUTED)
    if not classes:
        fig.text(x0, top - 0.045, label("no_data", lang), fontsize=7, color=style.MUTED, va="top")
        return
    # as many bars as fit at ≥ 0.024 of the page each (one line of 6.2 pt), the rest summed as "Other";
    # when that hides classes, bars at 0.016 (still one line each): three thin bars beat one and "Other"
    fit = max(1, int((top - 0.05 - bottom) / 0.024))
    if fit < min(8, len(classes)):
        fit = max(fit, int((top - 0.05 - bottom) / 0.016))
    n_bars = min(8, len(classes) if len(classes) <= fit else fit - 1)
    shown = classes[:max(1, n_bars)]
    rest = sum(float(c["share"]) for c in classes[len(shown):])
    names = [str(c["class"]) for c in shown]
    shares = [float(c["share"]) for c in shown]
    given = style.profile_colours(profile)
    given.update(legend_classes)  # the colours the map used, so chart and map agree
    colours = style.class_colours(names, given)
    cols = [colours[n] for n in names]
    if rest > 0:
        names.append(label("other", lang))
        shares.append(rest)
        cols.append("#d9d9d9")
    ax_top = top - 0.05
    height = min(ax_top - bottom, 0.03 * len(names))
    if height <= 0.02:
        return
    ax = fig.add_axes([x0 + 0.15, ax_top - height, width - 0.15 - 0.005, height])
    ypos = np.arange(len(names))[::-1]
    ax.barh(ypos, shares, color=cols, edgecolor="#777777", linewidth=0.3, height=0.72)
    ax.set_yticks(ypos)
    two_lines_fit = height / len(names) >= 0.028  # figure fraction per bar that holds two lines of 6.2 pt
    ax.set_yticklabels(["\n".join(textwrap.wrap(n, 30, max_lines=2, placeholder="…")) if two_lines_fit
                        else textwrap.shorten(n, 34, placeholder="…") for n in names], fontsize=6.2, linespacing=1.0)
    vmax = max(shares) if shares else 1
    ax.set_xlim(0, vmax * 1.28)
    for yv, s in zip(ypos, shares):
        ax.text(s + vmax * 0.02, yv, fmt_share(s, lang, compact=True), va="center", fontsize=6.2, color=style.TEXT)
    ax.set_xticks([])
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_linewidth(0.5)
    ax.tick_params(axis="y", length=0, pad=2)
    ax.set_ylim(-0.6, len(names) - 0.4)

def draw_scorecard_panel(fig, x0: float, top: float, cards, lang) -> None:
    """The scorecard radar (C1–I5, goal means as arcs, one outline per date) under a title at (``x0``, ``top``)."""

    fig.text(x0, top, scorecard_chart.text("short_title", lang), fontsize=7.5, fontweight="bold", va="top", color=style.TEXT)
    trend = trend_text(cards, lang)
    lines = textwrap.wrap(trend or str(cards[-1].get("date") or ""), 40)[:3]
    for j, line in enumerate(lines):
        fig.text(x0, top - 0.02 - 0.012 * j, line, fontsize=5.3, va="top", color=style.MUTED)
    head = 0.035 + 0.012 * len(lines)
    size = max(0.08, min(0.16, top - head - 0.105))
    draw_scorecard_radar(fig, [x0 + 0.025, top - head - 0.012 - size, 0.115, size], cards, lang, title=False, fontsize=5.0,
                         legend="below")
