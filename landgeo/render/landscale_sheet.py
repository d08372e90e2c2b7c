"""The one-page LandScale boundary check (PDF/PNG): each rule, pass / warn / fail, and why,
with a small map of the boundary and its 10 km adjacency ring."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

import geopandas as gpd
import matplotlib
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Patch

from ..i18n import fmt_number, translator
from . import style
from .collector import collector_paused
from .frame import draw_geoms
from .page import PNG_DPI, RC, save_figure

A4_PORTRAIT_IN = (8.27, 11.69)
STATUS_COLOURS = {"pass": "#1b7837", "warn": "#e08214", "fail": "#b2182b"}


def status_word(status: str, lang: str) -> str:
    """``PASS`` / ``WARN`` / ``FAIL`` in ``lang``."""
    t = translator(lang)
    return {"pass": t("PASS", context="landscale status"), "warn": t("WARN", context="landscale status"),
            "fail": t("FAIL", context="landscale status")}.get(status, status.upper())


def build_landscale_sheet(check: Mapping, *, lang: str = "en", boundary=None, ring=None):
    """A matplotlib Figure of ``landscale_check.json``'s content on one A4 portrait page."""
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=A4_PORTRAIT_IN)
        fig.text(0.07, 0.955, textwrap.shorten(str(check.get("name") or ""), 60, placeholder="…"), fontsize=16,
                 fontweight="bold", color=style.TEXT, va="baseline")
        t = translator(lang)
        fig.text(0.07, 0.93, t("LandScale boundary check"), fontsize=10,
                 color=style.MUTED, va="baseline")
        area = fmt_number(float(check.get("area_ha") or 0.0), lang)
        btype = check.get("boundary_type_label") or check.get("boundary_type") or "—"
        fig.text(0.07, 0.91, f"{area} ha · {btype}", fontsize=9, color=style.MUTED, va="baseline")
        verdict = str(check.get("overall") or "")
        fig.text(0.93, 0.94, status_word(verdict, lang), fontsize=13, fontweight="bold", ha="right", va="baseline",
                 color=STATUS_COLOURS.get(verdict, style.TEXT))
        fig.add_artist(matplotlib.lines.Line2D([0.07, 0.93], [0.895, 0.895], color="#999999", linewidth=0.6))
        y = 0.875
        rules: Sequence[Mapping] = check.get("rules") or []
        for r in rules:
            rule_lines = textwrap.wrap(str(r.get("rule") or ""), 44) or [""]
            why_lines = textwrap.wrap(str(r.get("why") or ""), 62) or [""]
            rows = max(len(rule_lines), len(why_lines))
            h = 0.0135 * rows + 0.018
            colour = STATUS_COLOURS.get(str(r.get("status")), style.MUTED)
            fig.add_artist(FancyBboxPatch((0.07, y - 0.019), 0.105, 0.017, boxstyle="round,pad=0.003",
                                          facecolor=colour, edgecolor="none", transform=fig.transFigure))
            fig.text(0.1225, y - 0.0105, status_word(str(r.get("status")), lang), fontsize=6.5, fontweight="bold",
                     color="white", ha="center", va="center")
            fig.text(0.19, y - 0.004, "\n".join(rule_lines), fontsize=7.5, fontweight="bold", color=style.TEXT, va="top",
                     linespacing=1.35)
            fig.text(0.53, y - 0.004, "\n".join(why_lines), fontsize=7.2, color=style.TEXT, va="top", linespacing=1.35)
            y -= h + 0.012
            fig.add_artist(matplotlib.lines.Line2D([0.07, 0.93], [y + 0.006, y + 0.006], color="#dddddd", linewidth=0.4))
        notes = [t("LandScale accepts the boundary as .shp (zipped) or .kml: boundary_shp.zip, boundary.kml; "
                   "adjacency ring: adjacency_10km.kml / adjacency_10km_shp.zip."),
                 t("Areas are geodesic (WGS 84). Made with landgeo.")]
        fig.text(0.07, 0.06, "\n".join(textwrap.fill(line, 140) for line in notes), fontsize=6.2, color=style.MUTED,
                 va="top", linespacing=1.4)
        if boundary is not None and y > 0.3:
            _draw_map(fig, [0.07, 0.09, 0.86, y - 0.12], boundary, ring, lang)
    return fig


def _draw_map(fig, rect, boundary, ring, lang: str) -> None:
    """The boundary (red) and the adjacency ring (dashed, light red), in lon/lat with the latitude's aspect."""
    ax = fig.add_axes(rect)
    shown = gpd.GeoSeries([g for g in (ring, boundary) if g is not None and not g.is_empty], crs=4326)
    minx, miny, maxx, maxy = shown.total_bounds
    ax.set_aspect(1 / max(math.cos(math.radians((miny + maxy) / 2)), 0.1))
    pad = 0.03 * max(maxx - minx, maxy - miny)
    ax.set_xlim(minx - pad, maxx + pad)  # before drawing: the drawing clips to the view
    ax.set_ylim(miny - pad, maxy + pad)
    handles = []
    if ring is not None and not ring.is_empty:
        draw_geoms(ax, gpd.GeoSeries([ring], crs=4326), facecolor=style.BOUNDARY, alpha=0.08, edgecolor="none", zorder=1)
        draw_geoms(ax, gpd.GeoSeries([ring.boundary], crs=4326), color=style.BOUNDARY, linewidth=0.8,
                    linestyle=(0, (4, 2.5)), zorder=2)
        handles.append(Patch(facecolor="#f7e3e5", edgecolor=style.BOUNDARY, linestyle=(0, (4, 2.5)), linewidth=0.8,
                             label=translator(lang)("Adjacent area (10 km)")))
    draw_geoms(ax, gpd.GeoSeries([boundary.boundary], crs=4326), color=style.BOUNDARY, linewidth=1.8, zorder=3)
    handles.insert(0, Line2D([], [], color=style.BOUNDARY, linewidth=1.8, label=translator(lang)("Landscape boundary")))
    ax.tick_params(labelsize=6)
    ax.grid(True, color="#888888", linewidth=0.3, linestyle=(0, (2, 3)), alpha=0.6)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.03, 1.0), fontsize=6.5, frameon=False)  # beside the map


@collector_paused()
def write_landscale_sheet(check: Mapping, *, pdf: str | Path | None = None, png: str | Path | None = None,
                          lang: str = "en", dpi: int = PNG_DPI, boundary=None, ring=None) -> list[Path]:
    """Render the LandScale check page to a PDF and/or a PNG; returns the files written."""
    fig = build_landscale_sheet(check, lang=lang, boundary=boundary, ring=ring)
    return save_figure(fig, pdf=pdf, png=png, title=str(check.get("name") or "LandScale"),
                       subject=translator(lang)("LandScale boundary check"), lang=lang, dpi=dpi)
