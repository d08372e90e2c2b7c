"""The one-page comparison sheet (A4 landscape, PDF and PNG, English or French).

Left: the map — where A and the reference (B, or the best-fit units) agree and
differ, both outlines, the units A touches, the Hausdorff pair, a scale bar,
a north arrow and a graticule. Right: a locator, the legend, the metrics table
and the units table. The page layout, fonts, map elements and deterministic
PDF metadata are those of the profile sheet (:mod:`landgeo.render.page`).
"""

from __future__ import annotations

import logging
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import matplotlib
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from ..i18n import Text, check_lang, fmt_share, join_names, translator
from . import style
from .collector import collector_paused
from .compare_map import COLOURS, fill_roles, headline, reference_role
from .context import to_4326
from .frame import HALO, Labeller, draw_geoms, finish_map_axes, map_extent
from .labels import colon, fmt_ha, fmt_km, label
from .page import A4_LANDSCAPE_IN, PNG_DPI, RC, save_figure, sheet_date
from .sheet_panels import draw_locator, draw_table
from .text import scrub_figure

if TYPE_CHECKING:  # pragma: no cover
    from ..comparison.result import Comparison

log = logging.getLogger(__name__)


def _pct(share: float, lang: str) -> str:
    """A share as a percentage with one decimal (99.5 % must not read 100 %, nor 0.02 % read 0.0 %)."""
    return fmt_share(share, lang, 1)


def metrics_rows(comparison: Comparison, lang: str) -> list[tuple[str, str]]:
    """(label, value) rows of the metrics table, in ``lang``."""
    t = translator(lang)
    c = colon(lang)
    rows: list[tuple[str, str]] = [("A", f"{comparison.a_label} — {fmt_ha(comparison.area_a_ha, lang)}")]
    ref = reference_role(comparison)
    if comparison.pair is not None:
        rows.append(("B", f"{comparison.b_label} — {fmt_ha(comparison.pair.area_b_ha, lang)}"))
    u = comparison.units
    if u is not None:
        rows.append((t("Units"), f"{u.label} ({u.field})"))
        rows.append((t("Fragmentation"), t("A touches {touched} of {n} unit and spans {spanned} (≥ {min_share:.1%} of A in each)",
                                           "A touches {touched} of {n} units and spans {spanned} (≥ {min_share:.1%} of A in each)",
                                           touched=u.touched, n=u.count, spanned=u.spanned, min_share=0.005)))
        if u.metrics is not None:
            names = join_names(u.best_fit, lang)
            how = t("exact") if u.exact else t("heuristic: units overlap")
            rows.append((t("Best fit"), f"{len(u.best_fit)}{c}{names} — {fmt_ha(u.metrics.area_b_ha, lang)} ({how})"))
        else:
            rows.append((t("Best fit"), t("none: A touches no unit (IoU 0)")))
    m = comparison.pair if ref == "b" else (u.metrics if u is not None else None)
    if m is not None:
        r = "B" if ref == "b" else Text("the best fit")  # the reference inside a sentence
        rows += [
            (t("Intersection") if ref == "b" else t("Intersection (hybrid)"), fmt_ha(m.intersection_ha, lang)),
            (t("Union"), fmt_ha(m.union_ha, lang)),
            ("IoU", t("{iou:.3f} (intersection / union)", iou=m.iou)),
            # whole labels per reference: "the best fit" after a preposition contracts in es/pt ("dentro do", "no")
            (t("A inside B") if ref == "b" else t("A inside the best fit"), _pct(m.share_a_in_b, lang)),
            (t("B inside A") if ref == "b" else t("Best fit inside A"), _pct(m.share_b_in_a, lang)),
            (t("Only in A"), t("{area} ({share:.1%} of A)", area=fmt_ha(m.only_a_ha, lang), share=m.alignment.only_a_share_of_a)),
            (t("Only in B") if ref == "b" else t("Only in the best fit"),
             t("{area} ({share:.1%} of A)", area=fmt_ha(m.only_b_ha, lang), share=m.alignment.only_b_share_of_a)),
            ("Hausdorff", t("{distance} (largest gap between the outlines)", distance=fmt_km(m.hausdorff.km, lang))),
            (t("Alignment (LandScale)"), m.alignment.message(lang, a="A", b=r)),
            (t("Rule"), t("aligned when only-A + only-B (the symmetric difference) ≤ {tolerance:.0%} of A's area",
                          tolerance=m.alignment.tolerance)),
        ]
    if u is not None and u.overlaps.found:
        rows.append((t("Warning"), t("{n} pair of units overlaps; the best fit is a heuristic",
                                     "{n} pairs of units overlap; the best fit is a heuristic", n=len(u.overlaps.pairs))))
    return rows


def _draw_map(fig, rect, comparison: Comparison, lang: str, context: gpd.GeoDataFrame | None) -> list:
    ax = fig.add_axes(rect)
    geoms = comparison.geometries()
    ref = reference_role(comparison)
    shown = [geoms["a"]] + ([geoms[ref]] if ref else [])
    fig_w, fig_h = fig.get_size_inches()
    minx, maxx, miny, maxy, k = map_extent(shapely.bounds(shapely.union_all(shown)), (rect[3] * fig_h) / (rect[2] * fig_w))
    extent = (minx, maxx, miny, maxy)
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect(k, adjustable="box")
    ax.set_autoscale_on(False)
    view = shapely.box(minx, miny, maxx, maxy)
    handles: list = []
    if context is not None:
        ax.set_facecolor(style.SEA)
        ctx = context.clip(view.buffer((maxx - minx) * 0.5))
        if len(ctx):
            draw_geoms(ax, ctx, facecolor=style.CONTEXT_FILL, edgecolor=style.CONTEXT_EDGE, linewidth=0.6, zorder=0)
    else:
        ax.set_facecolor("#fbfaf7")
    for role in fill_roles(comparison):
        g = geoms[role]
        if not g.is_empty:
            draw_geoms(ax, gpd.GeoSeries([g], crs=4326), facecolor=COLOURS[role], edgecolor="none", alpha=0.75, zorder=2)
            handles.append(Patch(facecolor=COLOURS[role], edgecolor="none", alpha=0.75, label=comparison.role_label(role, lang)))
    u = comparison.units
    labeller = Labeller(ax)
    if u is not None and len(u.geometries):
        draw_geoms(ax, u.geometries.boundary, color=COLOURS["units"], linewidth=0.6, linestyle=(0, (4, 2.5)), zorder=5)
        handles.append(Line2D([], [], color=COLOURS["units"], linewidth=0.8, linestyle=(0, (4, 2.5)), label=f"{u.label} ({u.field})"))
    if ref is not None:
        outline = gpd.GeoSeries([geoms[ref].boundary], crs=4326)
        draw_geoms(ax, outline, color="white", linewidth=3.4, zorder=7, alpha=0.9)
        draw_geoms(ax, outline, color=COLOURS[ref], linewidth=1.6, linestyle=(0, (5, 2.5)), zorder=8)
        handles.insert(0, Line2D([], [], color=COLOURS[ref], linewidth=1.6, linestyle=(0, (5, 2.5)), label=comparison.role_label(ref, lang)))
    outline = gpd.GeoSeries([geoms["a"].boundary], crs=4326)
    draw_geoms(ax, outline, color="white", linewidth=3.6, zorder=9, alpha=0.9)
    draw_geoms(ax, outline, color=COLOURS["a"], linewidth=1.8, zorder=10)
    handles.insert(0, Line2D([], [], color=COLOURS["a"], linewidth=1.8, label=f"A{colon(lang)}{comparison.a_label}"))
    metrics = comparison.pair if comparison.pair is not None else (u.metrics if u is not None else None)
    if metrics is not None and metrics.hausdorff.km > 0:
        h = metrics.hausdorff
        (x0, y0), (x1, y1) = h.a_point, h.b_point
        ax.plot([x0, x1], [y0, y1], color=COLOURS["hausdorff"], linewidth=1.1, linestyle=(0, (1.5, 1.5)), zorder=12)
        ax.scatter([x0, x1], [y0, y1], s=9, c=COLOURS["hausdorff"], zorder=13)
        handles.append(Line2D([], [], color=COLOURS["hausdorff"], linewidth=1.1, linestyle=(0, (1.5, 1.5)), marker="o", markersize=2.5,
                              label=f"Hausdorff {fmt_km(h.km, lang)}"))
    if u is not None and len(u.geometries):
        vis = u.geometries.assign(geometry=u.geometries.geometry.intersection(view))
        vis = vis[~vis.geometry.is_empty].sort_values("share_of_a", ascending=False)
        for _, row in vis.head(40).iterrows():
            pt = row.geometry.representative_point()
            labeller.place(pt.x, pt.y, str(row["unit"]), fontsize=6.3, color=style.ADMIN, ha="center", va="center",
                           style="italic", zorder=15, path_effects=HALO)
    finish_map_axes(ax, extent, lang)
    return handles


def _draw_units_table(fig, rect, comparison: Comparison, lang: str, max_rows: int) -> None:
    u = comparison.units
    if u is None or len(u.table) == 0:
        return
    ax = fig.add_axes(rect)
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    t = translator(lang)
    heads = [t("Unit"), t("Area"), t("Share of A"), t("Unit in A"), t("Best fit", context="table column: unit kept")]
    aligns = ["left", "right", "right", "right", "center"]
    xs_text = [0.01, 0.50, 0.645, 0.835, 0.94]
    n = min(len(u.table), max_rows)
    dy = 1.0 / (max_rows + 1.6)
    for x, text, al in zip(xs_text, heads, aligns):
        ax.text(x, 1 - 0.5 * dy, text, fontsize=6.5, fontweight="bold", ha=al, va="center", color="#333333")
    ax.add_artist(Line2D([0, 1], [1 - dy, 1 - dy], color="#999999", linewidth=0.5))
    for i, row in enumerate(u.table.head(n).itertuples()):
        y = 1 - (i + 1.5) * dy
        if i % 2 == 0:
            ax.add_patch(Rectangle((0, y - 0.5 * dy), 1, dy, facecolor="#f1f3f0", edgecolor="none", zorder=0))
        cells = [textwrap.shorten(str(row.unit), 28, placeholder="…"), fmt_ha(row.area_ha, lang), fmt_share(row.share_of_a, lang, compact=True),
                 fmt_share(row.share_of_unit, lang, compact=True), "✓" if row.in_best_fit else ""]
        for x, text, al in zip(xs_text, cells, aligns):
            ax.text(x, y, text, fontsize=6.5, ha=al, va="center", color=style.TEXT)
    if len(u.table) > n:
        ax.text(0.01, 1 - (n + 1.4) * dy, t("+ {n} more unit (units.csv)", "+ {n} more units (units.csv)", n=len(u.table) - n),
                fontsize=6.2, color=style.MUTED, va="center")


def _near(context: gpd.GeoDataFrame, geom) -> gpd.GeoDataFrame | None:
    """The context features within a few landscape-widths of ``geom`` (for the locator)."""
    minx, miny, maxx, maxy = geom.bounds
    pad = max(2.0, 2 * max(maxx - minx, maxy - miny))
    near = context[context.intersects(shapely.box(minx - pad, miny - pad, maxx + pad, maxy + pad))]
    return near if len(near) else None


def build_compare_sheet(comparison: Comparison, *, lang: str = "en", context: gpd.GeoDataFrame | None = None,
                        date: str | None = None, attribution: Sequence[str] = ()) -> Figure:
    """Build the comparison sheet as a matplotlib Figure (A4 landscape, not yet saved)."""

    lang = check_lang(lang)
    ctx = to_4326(context, "context") if context is not None else None
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=A4_LANDSCAPE_IN)
        FigureCanvasAgg(fig)
        title, subtitle = headline(comparison, lang)
        fig.text(0.03, 0.955, textwrap.shorten(title, 90, placeholder="…"), fontsize=15, fontweight="bold", color=style.TEXT, va="baseline")
        t = translator(lang)
        kind = t("Boundary comparison")
        fig.text(0.03, 0.925, f"{kind} · {subtitle}", fontsize=9, color=style.MUTED, va="baseline")
        fig.add_artist(Line2D([0.03, 0.97], [0.912, 0.912], color="#999999", linewidth=0.6))
        handles = _draw_map(fig, [0.045, 0.085, 0.555, 0.81], comparison, lang, ctx)
        loc_ctx = {"context": _near(ctx, comparison.a.geometry)} if ctx is not None else {}
        if loc_ctx.get("context") is None and comparison.units is not None and len(comparison.units.geometries):
            loc_ctx = {"context": comparison.units.geometries}
        if loc_ctx.get("context") is not None:
            draw_locator(fig, [0.635, 0.715, 0.12, 0.18], loc_ctx, comparison.a.geometry, lang)
            lax, width = fig.add_axes([0.775, 0.715, 0.2, 0.18]), 42
        else:  # nothing to locate A against: the legend takes the space
            lax, width = fig.add_axes([0.635, 0.715, 0.34, 0.18]), 70
        lax.set_axis_off()
        for h in handles:
            h.set_label(textwrap.shorten(h.get_label(), width, placeholder="…"))
        lax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, 1), frameon=False, fontsize=6.5,
                   title=label("legend", lang), title_fontsize=7.5, alignment="left", handlelength=2.2,
                   borderaxespad=0, labelspacing=0.35)
        has_units = comparison.units is not None and len(comparison.units.table) > 0
        table_rect = [0.635, 0.255 if has_units else 0.09, 0.34, 0.44 if has_units else 0.605]
        draw_table(fig, table_rect, metrics_rows(comparison, lang), lang)
        if has_units:
            _draw_units_table(fig, [0.635, 0.075, 0.34, 0.165], comparison, lang, max_rows=7)
        conv = t("Areas geodesic (WGS84), overlays in EPSG:4326; Hausdorff distance of the outlines, geodesic")
        srcs = [comparison.a_label] + ([comparison.b_label] if comparison.b_label else []) + ([comparison.units.label] if comparison.units else []) + list(attribution)
        foot1 = f"{label('sources', lang)}{colon(lang)}{'; '.join(srcs)} · {conv}"
        foot2 = f"{label('crs', lang)} · {label('date', lang)}{colon(lang)}{sheet_date(date)} · {label('made_with', lang)}"
        fig.text(0.03, 0.038, textwrap.shorten(foot1, 230, placeholder="…"), fontsize=6, color=style.MUTED)
        fig.text(0.03, 0.02, foot2, fontsize=6, color=style.MUTED)
    scrub_figure(fig)  # layer texts with BOMs or control characters must not break the PDF backend
    return fig


@collector_paused()
def write_compare_sheet(comparison: Comparison, *, pdf: str | Path | None = None, png: str | Path | None = None,
                        lang: str = "en", context: gpd.GeoDataFrame | None = None, date: str | None = None,
                        dpi: int = PNG_DPI, attribution: Sequence[str] = ()) -> list[Path]:
    """Render the comparison sheet to a PDF and/or a PNG; returns the files written."""
    fig = build_compare_sheet(comparison, lang=lang, context=context, date=date, attribution=attribution)
    return save_figure(fig, pdf=pdf, png=png, title=headline(comparison, lang)[0],
                       subject=translator(lang)("Boundary comparison"), lang=lang, dpi=dpi)

