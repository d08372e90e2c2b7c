"""The printable landscape map sheet: A4 landscape, PDF and PNG, English or French.

One page: title and subtitle; the main map (land-cover or ecosystem fill,
hillshade when a DEM is given, administrative outlines, rivers, ASGM sites, the
boundary) with a legend, a scale bar in km, a north arrow and a graticule; a
locator inset; the profile table; a composition chart; sources, date and CRS.

Maps are drawn in geographic coordinates (EPSG:4326) with the aspect ratio set
to 1/cos(latitude), so ticks read in degrees; the scale bar length is geodesic.
Text uses DejaVu Sans (shipped with matplotlib), so accents render offline.

Outputs are deterministic: the PDF carries no creation date unless
``SOURCE_DATE_EPOCH`` is set (then that date), and the date printed on the sheet
is the ``date`` argument, else ``SOURCE_DATE_EPOCH``, else today's date (UTC).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import matplotlib
import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.colors import same_color
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.patches import Polygon as MplPolygon
from matplotlib.path import Path as MplPath
from matplotlib.ticker import FixedLocator, FuncFormatter
from matplotlib.transforms import Bbox
from PIL import Image

from .._version import __version__ as version
from ..errors import UsageError
from ..geo import geodesy
from ..i18n import check_lang, fmt_lonlat, fmt_number, join_names, translator
from ..io.raster import READ_ERRORS
from . import context_layers, draw, hydro_marks, layout, scorecard_chart, skipped, style
from .attach_rows import attach_rows
from .basemap import draw_basemap
from .context import COUNTRIES_CREDIT, country_context, country_name, to_4326
from .labels import (
    as_list,
    colon,
    fmt_ha,
    fmt_km,
    fmt_share,
    label,
    method_text,
    verdict_text,
)
from .labels_placement import Labeller
from .localize import localize_profile
from .raster import classes_of, hillshade, landcover_rgba, read_window
from .reach import SHEET_MAX_LAT, check_drawable, layers_at_boundary_longitudes
from .scorecard_chart import dated_cards, draw_scorecard_radar, trend_text
from .text import drawable, scrub_figure

log = logging.getLogger(__name__)

A4_LANDSCAPE_IN = (11.69, 8.27)
PNG_DPI = 200
MAIN_MAP_RECT = [0.045, 0.085, 0.555, 0.81]  # figure fractions: left, bottom, width, height
LEGEND_ROWS = 11  # entries (below the title) that fit in the legend box beside the locator
FONT = "DejaVu Sans"
RC = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "pdf.fonttype": 3,  # Type 3 subsets in ~1/4 of Type 42's time (fontTools); text stays searchable
    "text.parse_math": False,  # user text such as "US$ 5 / $x$" is shown as typed, never as mathtext
    "svg.fonttype": "none",
    "axes.linewidth": 0.6,
    "xtick.labelsize": 6.5,
    "ytick.labelsize": 6.5,
    "xtick.major.size": 2.5,
    "ytick.major.size": 2.5,
    "xtick.major.width": 0.5,
    "ytick.major.width": 0.5,
}
HALO = [patheffects.withStroke(linewidth=2.2, foreground="white")]


# --------------------------------------------------------------------------- small helpers

def sheet_date(date: dt.date | str | None = None) -> str:
    """The date printed on the sheet (ISO): ``date``, else ``SOURCE_DATE_EPOCH``, else today (UTC)."""
    if date is not None:
        return date if isinstance(date, str) else date.isoformat()
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date().isoformat()
    return dt.datetime.now(tz=dt.UTC).date().isoformat()


def save_figure(fig, *, pdf=None, png=None, title: str, subject: str | None, lang: str, dpi: int = PNG_DPI) -> list[Path]:
    """Save a sheet figure as PDF (reproducible metadata, ``subject`` replacing the profile's) and/or PNG."""
    import matplotlib

    out = []
    with matplotlib.rc_context(RC):
        if pdf is not None:
            meta = pdf_metadata(title, lang)
            if subject:
                meta["Subject"] = subject
            fig.savefig(Path(pdf), format="pdf", metadata=meta)
            out.append(Path(pdf))
        if png is not None:
            fig.savefig(Path(png), format="png", dpi=max(int(dpi), 72), metadata={"Software": None})
            out.append(Path(png))
    return out


def pdf_metadata(title: str, lang: str) -> dict[str, Any]:
    """PDF metadata with no run-dependent timestamp (``SOURCE_DATE_EPOCH`` when set)."""

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = None
    if epoch and epoch.strip().isdigit():
        when = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return {
        "Title": drawable(title),
        "Subject": label("profile", lang),
        "Creator": f"landgeo {version}",
        "CreationDate": when,
        "ModDate": when,
    }


def _field(gdf: gpd.GeoDataFrame, candidates: Sequence[str]) -> str | None:
    lower = {str(c).lower(): c for c in gdf.columns if c != gdf.geometry.name}
    for cand in candidates:
        if cand in lower:
            return lower[cand]
    return None


def _poly_paths(geom) -> list[np.ndarray]:
    """Exterior and interior rings of polygonal geometries as coordinate arrays."""
    rings = []
    for part in getattr(geom, "geoms", [geom]):
        if part.geom_type == "Polygon":
            rings.append(np.asarray(part.exterior.coords))
            rings.extend(np.asarray(r.coords) for r in part.interiors)
        elif part.geom_type == "MultiPolygon" or part.geom_type == "GeometryCollection":
            rings.extend(_poly_paths(part))
    return rings


def geometry_path(geom) -> MplPath | None:
    """A matplotlib compound path of a (multi)polygon (holes included), for clipping."""
    rings = _poly_paths(geom)
    if not rings:
        return None
    verts, codes = [], []
    for ring in rings:
        verts.append(ring[:, :2])
        c = np.full(len(ring), MplPath.LINETO, dtype=np.uint8)
        c[0] = MplPath.MOVETO
        c[-1] = MplPath.CLOSEPOLY
        codes.append(c)
    return MplPath(np.concatenate(verts), np.concatenate(codes))


def _nice_length_km(max_km: float) -> float:
    """The largest 1-2-5 × 10^n length not above ``max_km``."""
    if max_km <= 0:
        return 1.0
    exp = math.floor(math.log10(max_km))
    for m in (5, 2, 1):
        if m * 10 ** exp <= max_km:
            return m * 10 ** exp
    return 10 ** exp


def km_per_degree_lon(lat: float) -> float:
    """Geodesic length of 1° of longitude along the parallel ``lat`` (km), from a short step."""
    step = 0.01
    _, _, d = geodesy.GEOD.inv(0.0, lat, step, lat)
    return d / 1000.0 / step


# --------------------------------------------------------------------------- profile text

def _eco_classes(profile: Mapping[str, Any]) -> list[dict]:
    return classes_of(profile.get("ecosystems"))


def _eco_source(profile: Mapping[str, Any]) -> str | None:
    eco = profile.get("ecosystems")
    return eco.get("source") if isinstance(eco, Mapping) else profile.get("ecosystems_source")


def _population_text(pop: Mapping[str, Any], lang: str) -> str | None:
    """``≈ 40,000 inhabitants (cells of 34,000 ha, coarse for this landscape; WorldPop, 2020)``, "not covered
    by the population raster" where it does not reach (never a false 0), None when not computed."""
    t = translator(lang)
    extra = [str(x) for x in (pop.get("source"), pop.get("year")) if x]
    if pop.get("total") is None:
        if pop.get("covered") is False:
            return t("not covered by the population raster") + (f" ({', '.join(extra)})" if extra else "")
        return None
    res = pop.get("resolution") if isinstance(pop.get("resolution"), Mapping) else {}
    number = fmt_number(float(pop["total"]), lang)
    text = (f"≈\u00a0{number}" if res.get("coarse") else number) + f" {label('inhabitants', lang)}"
    notes = []
    if res.get("coarse") and res.get("cell_ha"):
        notes.append(t("cells of {cell_ha:,.0f} ha, coarse for this landscape", cell_ha=float(res["cell_ha"])))
    share = pop.get("not_covered_share")
    if isinstance(share, (int, float)) and share > 0.01:
        notes.append(t("the raster covers {share:.0%} of the landscape", share=1.0 - float(share)))
    notes += extra
    return text + (f" ({'; '.join(notes)})" if notes else "")


def _water_text(sites: Mapping[str, Any], lang: str) -> str:
    """``; 12 within 500 m of water (3 unknown), median distance to water 4.2 km`` — or "unknown", never a false 0."""
    near = sites.get("near_water")
    if not isinstance(near, Mapping) or near.get("distance_m") is None or not sites.get("count"):
        return ""
    if near.get("count") is None:
        return "; " + label("water_unknown", lang)
    text = f"; {fmt_number(near['count'], lang)} " + label("near_water", lang).format(d=fmt_number(near["distance_m"], lang))
    if near.get("unknown"):
        text += f" ({label('water_n_unknown', lang).format(n=fmt_number(near['unknown'], lang))})"
    median = (sites.get("distance_to_water_m") or {}).get("median") if isinstance(sites.get("distance_to_water_m"), Mapping) else None
    if median is not None:
        text += ", " + label("water_median", lang).format(d=fmt_km(float(median) / 1000.0, lang))
    return text


def profile_rows(profile: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    """The profile table as (label, value) rows, in the template's order, every text in ``lang``."""
    profile = localize_profile(profile, lang)
    na = label("no_data", lang)
    rows: list[tuple[str, str]] = []

    loc = profile.get("location") or {}
    parts = []
    if loc.get("countries"):
        parts.append(join_names([country_name(c, lang) for c in as_list(loc.get("countries"))], lang))
    units = [u for u in (loc.get("admin_units") or []) if isinstance(u, Mapping) and u.get("name")]
    units.sort(key=lambda u: -(u.get("share_of_landscape") or 0))
    if units:
        shown = [f"{u['name']} ({fmt_share(u['share_of_landscape'], lang)})" if u.get("share_of_landscape") is not None
                 else str(u["name"]) for u in units[:5]]
        more = len(units) - 5  # the profile keeps the whole list; the sheet names the largest five
        text = ", ".join(shown) + (" " + translator(lang)("… and {n} more", "… and {n} more", n=more) if more > 0 else "")
        parts.append(text)
    centroid = profile.get("centroid")
    if centroid and len(centroid) == 2 and all(v is not None for v in centroid):
        parts.append(fmt_lonlat(float(centroid[0]), float(centroid[1]), lang))
    rows.append((label("location", lang), "; ".join(parts) if parts else na))

    scale = profile.get("scale") or {}
    area = profile.get("area_ha")
    if area is not None:
        size = f"{fmt_ha(area, lang)} ({fmt_number(float(area) / 100.0, lang, 1 if area < 100_000 else 0)}\u00a0km²)"
        if profile.get("perimeter_km") is not None:
            size += f", {label('perimeter', lang)} {fmt_km(profile['perimeter_km'], lang)}"
        if scale.get("verdict"):
            band = ""
            if scale.get("min_ha") is not None and scale.get("max_ha") is not None:
                band = f" ({fmt_number(scale['min_ha'], lang)}–{fmt_number(scale['max_ha'], lang)}\u00a0ha)"
            size += f" — {verdict_text(scale['verdict'], lang)}{band}"
    else:
        size = na
    rows.append((label("size", lang), size))

    bnd = profile.get("boundary") or {}
    definition = bnd.get("definition") or method_text(bnd.get("method"), lang) or na
    rows.append((label("definition", lang), str(definition)))

    pop = profile.get("population") or {}
    text = _population_text(pop, lang) if isinstance(pop, Mapping) else na
    if text is None:
        text = na
    rows.append((label("population", lang), text))

    classes = sorted(_eco_classes(profile), key=lambda c: -(c.get("share") or 0))
    if classes:
        text = ", ".join(f"{c['class']} {fmt_share(c.get('share'), lang)}" if c.get("share") is not None
                         else str(c["class"]) for c in classes[:6])
        if len(classes) > 6:
            text += f" + {len(classes) - 6}"
    else:
        text = na
    rows.append((label("ecosystem_types", lang), text))

    land = sorted(classes_of(profile.get("land_cover")), key=lambda c: -(c.get("share") or 0))
    if land and classes_of(profile.get("land_cover")) != _eco_classes(profile):
        text = ", ".join(f"{c['class']} {fmt_share(c.get('share'), lang)}" if c.get("share") is not None
                         else str(c["class"]) for c in land[:5])
        if len(land) > 5:
            text += f" + {len(land) - 5}"
        rows.append((label("landcover", lang), text))

    sites = profile.get("sites") or {}
    if sites.get("count") is not None:
        text = f"{fmt_number(sites['count'], lang)} {label('sites_count', lang)}"
        if sites.get("area_ha") is not None:
            text += f", {fmt_ha(sites['area_ha'], lang)}"
        if sites.get("density_per_1000_ha") is not None:
            text += f" ({fmt_number(sites['density_per_1000_ha'], lang, 2)} {label('per_1000_ha', lang)})"
        text += _water_text(sites, lang)
        rows.append((label("sites", lang), text))

    rivers = profile.get("rivers") or {}
    if rivers.get("length_km") is not None:
        text = f"{fmt_km(rivers['length_km'], lang)} {label('km_rivers', lang)}"
        names = as_list(rivers.get("names")) or [str(r.get("name")) for r in (rivers.get("named") or [])
                                                 if isinstance(r, Mapping) and r.get("name")]
        if names:
            text += f" ({', '.join(names[:6])}{'…' if len(names) > 6 else ''})"
        rows.append((label("rivers", lang), text))

    rows += attach_rows(profile, lang)  # protected areas, water bodies

    tpl = profile.get("template") or {}
    rows.append((label("livelihoods", lang), ", ".join(as_list(tpl.get("livelihoods"))) or na))
    if as_list(tpl.get("non_economic_livelihoods")):
        rows.append((label("non_economic", lang), ", ".join(as_list(tpl.get("non_economic_livelihoods")))))
    products = tpl.get("products") or {}
    if not isinstance(products, Mapping):
        products = {"agricultural": products}
    prod = []
    for key in ("agricultural", "non_agricultural"):
        items = as_list(products.get(key))
        if items:
            prod.append(f"{label(key, lang)}{colon(lang)}{', '.join(items)}")
    rows.append((label("products", lang), "; ".join(prod) or na))
    rows.append((label("challenges", lang), ", ".join(as_list(tpl.get("challenges"))) or na))
    rows.append((label("governance", lang), ", ".join(as_list(tpl.get("governance"))) or na))

    flagged = [c for c in (profile.get("checks") or []) if isinstance(c, Mapping) and c.get("status") in ("warn", "fail")]
    if flagged:
        messages = [str(c.get("message") or c.get("id")).rstrip(" .") for c in flagged[:3]]
        rows.append((label("checks", lang), translator(lang)("; ", context="between sentences").join(messages) + "."))
    return rows


def sources_text(profile: Mapping[str, Any], extra: Sequence[str] = ()) -> list[str]:
    """Distinct source names from the profile (boundary layers, ecosystems, population, sites, rivers)."""
    found: list[str] = []

    def add(value):
        for v in as_list(value):
            if v and v not in found:
                found.append(v)

    for src in ((profile.get("boundary") or {}).get("sources") or []):
        add(src.get("layer") if isinstance(src, Mapping) else src)
    add(_eco_source(profile))
    for key in ("population", "sites", "rivers", "water", "protected_areas"):
        part = profile.get(key)
        if isinstance(part, Mapping):
            add(part.get("source"))
    map_context = profile.get("map_context") or {}
    for rec in map_context.get("layers") or []:
        add(rec.get("source") if isinstance(rec, Mapping) else None)
    add((map_context.get("basemap") or {}).get("attribution") or (map_context.get("basemap") or {}).get("file"))
    for v in extra:
        add(v)
    return found


def _wrap_rows(rows, width_chars: int, max_lines: int, label_chars: int | None = None) -> list[tuple[str, list[str]]]:
    """Wrap values; when they exceed ``max_lines`` in total, shorten the longest rows with an ellipsis.

    A row takes as many lines as its value or its label (wrapped to ``label_chars``), whichever is more.
    """
    wrapped = [(lab, textwrap.wrap(val, width_chars, break_long_words=True) or [""]) for lab, val in rows]
    label_lines = [len(textwrap.wrap(lab, label_chars) or [lab]) if label_chars else 1 for lab, _ in rows]
    while sum(max(len(v), n) for (_, v), n in zip(wrapped, label_lines)) > max_lines:
        i = max(range(len(wrapped)), key=lambda k: (len(wrapped[k][1]) > label_lines[k], len(wrapped[k][1])))
        lines = wrapped[i][1]
        if len(lines) <= max(1, label_lines[i]):
            break
        lines = lines[:-1]
        lines[-1] = lines[-1].rstrip(" ,;") + "…"
        wrapped[i] = (wrapped[i][0], lines)
    return wrapped


# --------------------------------------------------------------------------- drawing

#: Greedy, priority-ordered label placement (kept under this name for the atlas and compare sheets).
_Labeller = Labeller


def _draw_geoms(ax, gdf, **kw) -> None:
    """Draw the polygons or lines of ``gdf`` (GeoDataFrame or GeoSeries) on ``ax``, whose limits must be set.

    Clipped to the view and simplified to half an output pixel (:mod:`landgeo.render.draw`); polygons take
    ``facecolor``/``color`` (one or one per row), ``edgecolor``, ``linewidth``; lines take ``color``.
    """
    geoms = np.asarray(getattr(gdf, "geometry", gdf).values, dtype=object)
    extent = (*ax.get_xlim(), *ax.get_ylim())
    kinds = shapely.get_type_id(geoms)
    common = {k: kw[k] for k in ("alpha", "zorder", "linestyle") if k in kw}
    if len(geoms) and np.isin(kinds, (3, 6)).any():  # polygons
        draw.polygons(ax, geoms, extent, facecolor=kw.get("facecolor", kw.get("color", "none")),
                      edgecolor=kw.get("edgecolor", "none"), linewidth=kw.get("linewidth", 0.5), **common)
    else:
        draw.lines(ax, geoms, extent, color=kw.get("color", kw.get("edgecolor", "black")),
                   linewidth=kw.get("linewidth", 1.0), **common)


def _map_extent(bounds, ax_aspect_hw: float, pad: float = 0.08):
    """Padded (minx, maxx, miny, maxy) that fills an axes of height/width ratio ``ax_aspect_hw``."""
    minx, miny, maxx, maxy = bounds
    lat0 = (miny + maxy) / 2.0
    k = 1.0 / max(math.cos(math.radians(lat0)), 0.05)  # y scale relative to x
    w = max(maxx - minx, 1e-4)
    h = max(maxy - miny, 1e-4)
    w, h = w * (1 + 2 * pad), h * (1 + 2 * pad)
    cx, cy = (minx + maxx) / 2.0, (miny + maxy) / 2.0
    # displayed height = h*k; want (h*k)/w == ax_aspect_hw
    if h * k / w < ax_aspect_hw:
        h = ax_aspect_hw * w / k
    else:
        w = h * k / ax_aspect_hw
    return cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2, k


def _draw_scalebar(ax, extent, lang) -> None:
    minx, maxx, miny, maxy = extent
    lat = miny + 0.06 * (maxy - miny)
    kpd = km_per_degree_lon(lat)
    width_km = (maxx - minx) * kpd
    length = _nice_length_km(width_km * 0.25)
    deg = length / kpd
    x0 = minx + 0.04 * (maxx - minx)
    y0 = miny + 0.045 * (maxy - miny)
    hgt = 0.012 * (maxy - miny)
    ax.add_patch(Rectangle((x0 - 0.015 * (maxx - minx), y0 - 0.035 * (maxy - miny)), deg + 0.06 * (maxx - minx),
                           0.085 * (maxy - miny), facecolor="white", edgecolor="none", alpha=0.85, zorder=20))
    n = 4 if length / 4 == int(length / 4) or length >= 4 else 2
    for i in range(n):
        ax.add_patch(Rectangle((x0 + i * deg / n, y0), deg / n, hgt, facecolor="black" if i % 2 == 0 else "white",
                               edgecolor="black", linewidth=0.5, zorder=21))
    for frac in (0.0, 0.5, 1.0):
        val = length * frac
        txt = fmt_number(val, lang, 0 if val == int(val) else 1)
        if frac == 1.0:
            txt += f" {label('scale_km', lang)}"
        ax.text(x0 + frac * deg, y0 + hgt * 1.6, txt, ha="center", va="bottom", fontsize=6.5, zorder=22)


def _draw_north(ax, extent, lang) -> None:
    minx, maxx, miny, maxy = extent
    x = maxx - 0.05 * (maxx - minx)
    y1 = maxy - 0.055 * (maxy - miny)
    y0 = y1 - 0.07 * (maxy - miny)
    w = 0.018 * (maxx - minx)
    ax.add_patch(Rectangle((x - 2.1 * w, y0 - 0.015 * (maxy - miny)), 4.2 * w, (y1 - y0) + 0.075 * (maxy - miny),
                           facecolor="white", edgecolor="none", alpha=0.85, zorder=20))
    ax.add_patch(MplPolygon([(x - w, y0), (x, y1), (x, y0 + 0.25 * (y1 - y0))], closed=True, facecolor="black",
                            edgecolor="black", linewidth=0.6, zorder=21))
    ax.add_patch(MplPolygon([(x + w, y0), (x, y1), (x, y0 + 0.25 * (y1 - y0))], closed=True, facecolor="white",
                            edgecolor="black", linewidth=0.6, zorder=21))
    ax.text(x, y1 + 0.01 * (maxy - miny), label("north", lang), ha="center", va="bottom", fontsize=9,
            fontweight="bold", zorder=22)


def reserve_frame_marks(labeller, ax, extent) -> None:
    """Keep map labels off the corners where :func:`finish_map_axes` puts the scale bar and the north arrow."""

    minx, maxx, miny, maxy = extent
    w, h = maxx - minx, maxy - miny
    for x0, y0, x1, y1 in ((minx, miny, minx + 0.34 * w, miny + 0.13 * h), (maxx - 0.11 * w, maxy - 0.2 * h, maxx, maxy)):
        labeller.reserve(Bbox(ax.transData.transform([(x0, y0), (x1, y1)])))


def map_axes(fig, rect, bounds, *, context: gpd.GeoDataFrame | None = None, pad: float = 0.08, coast: bool = True):
    """Axes at ``rect`` (figure fraction) showing ``bounds`` (minx, miny, maxx, maxy in degrees) padded to fill it.

    The aspect is 1/cos(latitude), so distances look right; ``context`` (country outlines with an
    optional ``home`` column) is drawn as land over a sea-coloured background. Returns
    ``(ax, (minx, maxx, miny, maxy))``; finish the frame with :func:`finish_map_axes`.
    """
    ax = fig.add_axes(rect)
    fig_w, fig_h = fig.get_size_inches()
    minx, maxx, miny, maxy, k = _map_extent(bounds, (rect[3] * fig_h) / (rect[2] * fig_w), pad=pad)
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect(k, adjustable="box")
    ax.set_autoscale_on(False)
    if context is not None and "home" in context.columns and not context["home"].any():
        context = None  # the landscape is on none of the countries: no land/sea to show
    if context is not None:
        ax.set_facecolor(style.SEA)
        _draw_geoms(ax, context, facecolor=style.CONTEXT_FILL, edgecolor=style.CONTEXT_EDGE if coast else "none",
                    linewidth=0.6, zorder=0)
    else:
        ax.set_facecolor("#fbfaf7")
    return ax, (minx, maxx, miny, maxy)


def finish_map_axes(ax, extent, lang: str) -> None:
    """Degree ticks (E/W, N/S; O for west in French), a dotted graticule, a north arrow and a km scale bar.

    ``extent`` is (minx, maxx, miny, maxy) of ``ax`` in degrees; the axes' aspect must already be set.
    """
    # graticule step from the extent (seconds, minutes or degrees), at most one line per ~1.2 inch of axes
    fig_w, fig_h = ax.figure.get_size_inches()
    pos = ax.get_position()
    for axis, lo, hi, inches in ((ax.xaxis, extent[0], extent[1], pos.width * fig_w),
                                 (ax.yaxis, extent[2], extent[3], pos.height * fig_h)):
        n = max(2, min(6, int(inches / 1.2)))
        step = layout.graticule_step(hi - lo, n)
        margin = 0.42 / inches * (hi - lo)  # half a label's length: no label sticks out past the frame
        ticks = [v for v in layout.graticule_ticks(lo, hi, max_ticks=n) if lo + margin <= v <= hi - margin]
        axis.set_major_locator(FixedLocator(ticks))
        axis.set_major_formatter(FuncFormatter(
            lambda v, _p, a="x" if axis is ax.xaxis else "y", st=step: layout.dms(v, a, st, lang)))
    ax.grid(True, color="#888888", linewidth=0.35, linestyle=(0, (2, 3)), alpha=0.7, zorder=4)
    ax.tick_params(direction="out", pad=1.5, top=True, right=True, labeltop=False, labelright=False)
    for lab in ax.get_yticklabels():
        lab.set_rotation(90)
        lab.set_va("center")
    _draw_north(ax, extent, lang)
    _draw_scalebar(ax, extent, lang)


def _landcover_image(ax, path, extent, clip, profile, legend_classes: dict) -> None:
    minx, maxx, miny, maxy = extent
    rgba, img_extent, colours = landcover_rgba(profile, path, (minx, miny, maxx, maxy))
    if rgba is None:
        return
    ax.imshow(rgba, extent=img_extent, interpolation="nearest", alpha=0.22, zorder=1, aspect="auto")
    if clip is not None:  # full colour inside the boundary, cut along the boundary line (not the pixels)
        im = ax.imshow(rgba, extent=img_extent, interpolation="nearest", alpha=0.9, zorder=2, aspect="auto")
        im.set_clip_path(clip)
    for name, colour in colours.items():
        legend_classes.setdefault(name, colour)


def relief_exaggeration(z: np.ndarray, dx_m: float, dy_m: float) -> float:
    """Vertical exaggeration that gives the median slope of ``z`` (metres) about 12° on the sheet (1× to 40×).

    Landscape-scale relief seen from a page is subtle; a fixed factor leaves plains blank and
    mountains black, so the factor follows the terrain.
    """
    gy, gx = np.gradient(np.asarray(z, dtype="float64"), dy_m, dx_m)
    median = float(np.nanmedian(np.hypot(gx, gy)))
    if not np.isfinite(median) or median <= 0:
        return 3.0
    return float(np.clip(math.tan(math.radians(12.0)) / median, 1.0, 40.0))


def _hillshade_image(ax, path, extent) -> bool:
    minx, maxx, miny, maxy = extent
    data, img_extent, _ = read_window(path, (minx, miny, maxx, maxy), max_px=700)  # ≈ 110 dpi of relief on the page
    if data.count() < 4:
        return False
    z = data.astype("float64").filled(np.nan)
    z = np.where(np.isnan(z), np.nanmean(z), z)
    l, r, b, t = img_extent
    lat = (b + t) / 2
    dx = (r - l) / z.shape[1] * km_per_degree_lon(lat) * 1000
    dy = (t - b) / z.shape[0] * 111_320.0
    hs = hillshade(z * relief_exaggeration(z, dx, dy), dx_m=dx, dy_m=dy)
    flat = math.sin(math.radians(45.0))
    # shadows darken and lit slopes lighten; flat ground stays transparent, so fills keep their colours
    shadow = np.clip((flat - hs) / flat, 0, 1)
    light = np.clip((hs - flat) / (1 - flat), 0, 1)
    rgba = np.zeros(hs.shape + (4,))
    rgba[..., :3] = np.where(shadow[..., None] > 0, 0.0, 1.0)
    rgba[..., 3] = np.where(shadow > 0, 0.55 * shadow ** 0.8, 0.4 * light)
    ax.imshow(rgba, extent=img_extent, zorder=3, interpolation="bilinear", aspect="auto")
    return True


def _draw_main_map(fig, rect, profile, lay, rasters, lang) -> dict:
    """Draw the main map into ``rect`` (figure fraction); returns what the legend needs."""
    boundary = lay.get("boundary")
    if boundary is not None:
        bounds = boundary.total_bounds
    elif profile.get("bbox"):
        bounds = np.asarray(profile["bbox"], dtype=float)
    else:
        present = [g for g in lay.values() if g is not None]
        bounds = present[0].total_bounds if present else np.array([-1.0, -1.0, 1.0, 1.0])
    ax, extent = map_axes(fig, rect, bounds, context=lay.get("context_main", lay.get("context")), coast=False)
    minx, maxx, miny, maxy = extent
    if same_color(ax.get_facecolor(), style.SEA):  # land over sea: the user's land wins over generalised coasts
        context_layers.draw_land(ax, extent, lay.get("context_main", lay.get("context")),
                                 [g for k in ("boundary", "admin_units", "admin_neighbours") if lay.get(k) is not None
                                  for g in lay[k].geometry.values])
    view = shapely.box(minx, miny, maxx, maxy)
    legend: dict[str, Any] = {"classes": {}, "items": []}

    geom = shapely.union_all(boundary.geometry.values) if boundary is not None else None
    clip = None
    if geom is not None and not geom.is_empty:
        # simplified to half an output pixel, and not added to the axes: it only clips (its data limits,
        # walked vertex by vertex by add_patch, cost ~0.8 s on a detailed district)
        path = geometry_path(shapely.simplify(geom, draw.pixel_deg(ax, extent) / 2, preserve_topology=True))
        if path is not None:
            clip = PathPatch(path, transform=ax.transData, facecolor="none", edgecolor="none")

    rasters = dict(rasters or {})
    if rasters.get("basemap"):
        try:
            if draw_basemap(ax, rasters["basemap"], extent):
                legend["items"].append(("handle", Patch(facecolor="#9aa58f", edgecolor="none", label=label("basemap", lang))))
        except READ_ERRORS as exc:  # a broken basemap must not lose the whole sheet; noted in the profile
            skipped.record(translator(lang)("The basemap {path} was not drawn on the sheet: {reason}",
                                            path=Path(str(rasters["basemap"])).name, reason=exc))
    eco = lay.get("ecosystems")
    if rasters.get("landcover") and eco is None:  # one fill theme: ecosystem polygons win over land cover
        try:
            _landcover_image(ax, rasters["landcover"], extent, clip, profile, legend["classes"])
        except READ_ERRORS as exc:  # a broken raster must not lose the whole sheet; noted in the profile
            skipped.record(translator(lang)("The land-cover raster {path} was not drawn on the sheet: {reason}",
                                            path=Path(str(rasters["landcover"])).name, reason=exc))

    if eco is not None:
        field = _field(eco, ("class", "classe", "ecosystem", "ecosystem_class", "landcover", "name", "label", "type"))
        names = [str(v) for v in eco[field]] if field else [label("ecosystems", lang)] * len(eco)
        order = sorted(dict.fromkeys(names), key=lambda n: -sum(1 for x in names if x == n))
        colours = style.class_colours(order, style.profile_colours(profile))
        eco = eco.assign(_colour=[colours[n] for n in names])
        _draw_geoms(ax, eco, color=eco["_colour"].tolist(), edgecolor="white", linewidth=0.25, alpha=0.85, zorder=2)
        for n in order:
            legend["classes"].setdefault(n, colours[n])

    if rasters.get("dem"):
        try:
            if _hillshade_image(ax, rasters["dem"], extent):
                legend["items"].append(("hillshade", None))
        except READ_ERRORS as exc:  # a broken DEM must not lose the whole sheet; noted in the profile
            skipped.record(translator(lang)("The DEM {path} was not drawn as relief on the sheet: {reason}",
                                            path=Path(str(rasters["dem"])).name, reason=exc))

    labeller = Labeller(ax)
    reserve_frame_marks(labeller, ax, extent)
    legend["items"] += [("handle", h) for h in context_layers.draw_user_context(ax, extent, lay, labeller, lang)]
    context_layers.draw_neighbours(ax, extent, lay.get("admin_neighbours"), labeller)
    if lay.get("context") is not None and context_layers.draw_borders(ax, extent):
        legend["items"].append(("handle", Line2D([], [], color=context_layers.BORDER, linewidth=1.3,
                                                 linestyle=(0, (6, 2, 1.2, 2)), label=label("border", lang))))
    context_layers.label_countries(labeller, lay.get("context_main"), extent, lang, landscape=geom)
    admin = lay.get("admin_units")
    if admin is not None:
        # shared edges once, so neighbouring units do not draw the same dashed line twice (it would look solid)
        edges = shapely.line_merge(shapely.union_all(shapely.boundary(admin.geometry.values)))
        _draw_geoms(ax, gpd.GeoSeries([edges], crs=4326), color=style.ADMIN, linewidth=0.7, linestyle=(0, (4, 2.5)),
                    zorder=5)
        legend["items"].append(("admin", None))
    rivers = lay.get("rivers")
    if rivers is not None:
        _draw_geoms(ax, rivers, color=style.RIVER, linewidth=1.0, zorder=6)
        legend["items"].append(("rivers", None))
    threshold = ((profile.get("boundary") or {}).get("details") or {}).get("stream_threshold_cells")
    legend["items"] += [("handle", h) for h in hydro_marks.draw_streams(ax, extent, lay.get("streams"), lang, threshold)]
    legend["items"] += [("handle", h) for h in hydro_marks.draw_basin_units(ax, extent, lay.get("basin_units"), lang)]
    legend["items"] += [("handle", h) for h in hydro_marks.draw_outlet(ax, profile, lang)]

    if geom is not None and not geom.is_empty:
        outline = gpd.GeoSeries([geom.boundary], crs=4326)
        _draw_geoms(ax, outline, color="white", linewidth=3.6, zorder=8, alpha=0.9)
        _draw_geoms(ax, outline, color=style.BOUNDARY, linewidth=1.8, zorder=9)
        legend["items"].insert(0, ("boundary", None))

    sites = lay.get("sites")
    if sites is not None:
        is_poly = sites.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
        polys = sites[is_poly]
        if len(polys):  # footprints; the edge keeps even a 1-ha footprint visible at sheet scale
            _draw_geoms(ax, polys, facecolor=style.FOOTPRINT, edgecolor=style.FOOTPRINT, linewidth=0.6, zorder=10)
            legend["items"].append(("footprints", len(polys)))
        # markers for point sites, and for footprints too when there are few (they would be hard to find)
        marked = sites if len(sites) <= 50 else sites[~is_poly]
        if len(marked):
            pts = shapely.get_coordinates(marked.geometry.representative_point().values)
            size = 30 if len(pts) <= 50 else 14 if len(pts) <= 200 else 7 if len(pts) <= 2000 else 3
            ax.scatter(pts[:, 0], pts[:, 1], s=size, c=style.SITE, edgecolors="white", linewidths=0.4, zorder=11)
            legend["items"].append(("sites", len(sites)))

    # labels, highest priority first (countries, admin units, settlements, neighbours, rivers); collisions dropped
    if admin is not None:
        field = _field(admin, ("name", "nom", "unit", "admin_name", "label"))
        if field:
            vis = admin.assign(geometry=admin.geometry.intersection(view))
            vis = vis[~vis.geometry.is_empty]
            vis = vis.assign(_a=shapely.area(vis.geometry.values)).sort_values("_a", ascending=False)
            for _, row in vis.head(40).iterrows():
                pt = row.geometry.representative_point()
                labeller.add(pt.x, pt.y, str(row[field]), priority=context_layers.ADMIN_PRIORITY + row["_a"],
                             fontsize=6.5, color=style.ADMIN, style="italic", zorder=15, path_effects=HALO)
    if rivers is not None:
        field = _field(rivers, ("name", "nom", "river", "label"))
        if field:
            vis = rivers.assign(geometry=rivers.geometry.intersection(view))
            vis = vis[~vis.geometry.is_empty & vis[field].notna()]
            vis = vis.assign(_l=shapely.length(vis.geometry.values)).sort_values("_l", ascending=False)
            vis = vis.drop_duplicates(subset=[field])  # one label per river, on its longest stretch in view
            for _, row in vis.head(12).iterrows():
                pt = row.geometry.interpolate(0.5, normalized=True)
                labeller.add(pt.x, pt.y, str(row[field]), priority=context_layers.RIVER_PRIORITY + row["_l"],
                             fontsize=6.5, color=style.RIVER, va="bottom", style="italic", zorder=15, path_effects=HALO)
    labeller.place_all()

    finish_map_axes(ax, extent, lang)
    legend["ax"] = ax
    legend["extent"] = extent
    return legend


def _draw_legend(fig, rect, legend, lang) -> float:
    """Draw the legend from the top of ``rect``; returns the figure-fraction y where it ends."""
    ax = fig.add_axes(rect)
    ax.set_axis_off()
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
    for size in (6.5, 6.0, 5.5, 5.0):
        leg = ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, 1), frameon=False, fontsize=size,
                        title=label("legend", lang), title_fontsize=size + 1, alignment="left", handlelength=1.8,
                        borderaxespad=0, labelspacing=0.35)
        box = leg.get_window_extent(renderer)
        if box.x1 <= 0.985 * fig.bbox.width and box.y0 >= (rect[1] - 0.1) * fig.bbox.height:
            break
    return fig.transFigure.inverted().transform(box.p0)[1]


def _draw_locator(fig, rect, lay, boundary_geom, lang) -> None:
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
    minx, maxx, miny, maxy, k = _map_extent(bounds, (rect[3] * fig_h) / (rect[2] * fig_w), pad=0.1)
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect(k, adjustable="box")
    ax.set_facecolor(style.SEA)
    if context is not None:
        _draw_geoms(ax, context, facecolor="#e9e6df" if home is not None else style.CONTEXT_FILL,
                    edgecolor=style.CONTEXT_EDGE, linewidth=0.4)
        if home is not None:
            _draw_geoms(ax, home, facecolor=style.CONTEXT_FILL, edgecolor="#555555", linewidth=0.6)
        labelled = home if home is not None else context
        name_field = _field(labelled, ("name", "nom", "country", "admin", "name_en", "name_fr"))
        if name_field and len(labelled) <= 3:
            for _, row in labelled.iterrows():
                pt = row.geometry.representative_point()
                ax.text(pt.x, pt.y, str(row[name_field]), fontsize=5.5, color=style.MUTED, ha="center", va="top",
                        path_effects=HALO)
    if boundary_geom is not None:
        _draw_geoms(ax, gpd.GeoSeries([boundary_geom], crs=4326), facecolor=style.BOUNDARY,
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


def _draw_table(fig, rect, rows, lang) -> float:
    """Draw the profile table in ``rect``; returns the figure-fraction y where it ends."""
    ax = fig.add_axes(rect)
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    fig_w, fig_h = fig.get_size_inches()
    width_pt = rect[2] * fig_w * 72
    height_pt = rect[3] * fig_h * 72
    fs = 6.8
    line_pt = fs * 1.32
    label_frac = 0.29
    value_chars = int((1 - label_frac) * width_pt / (fs * 0.56))
    label_chars = int(label_frac * width_pt / (fs * 0.68))  # bold glyphs: ≈ 0.68 em on average (DejaVu Sans Bold)
    max_lines = int(height_pt / line_pt) - len(rows) // 3
    wrapped = _wrap_rows(rows, value_chars, max_lines, label_chars)
    y = 1.0
    dy = line_pt / height_pt
    for i, (lab, lines) in enumerate(wrapped):
        lab_lines = textwrap.wrap(lab, label_chars) or [lab]
        n = max(len(lines), len(lab_lines))
        top = y
        if i % 2 == 0:
            ax.add_patch(Rectangle((0, y - n * dy - 0.25 * dy), 1, n * dy + 0.25 * dy, facecolor="#f1f3f0",
                                   edgecolor="none", zorder=0))
        for j, text in enumerate(lab_lines):
            ax.text(0.01, top - (j + 0.5) * dy - 0.1 * dy, text, fontsize=fs, fontweight="bold", color="#333333",
                    va="center", ha="left")
        for j, text in enumerate(lines):
            ax.text(label_frac + 0.01, top - (j + 0.5) * dy - 0.1 * dy, text, fontsize=fs, color=style.TEXT,
                    va="center", ha="left")
        y = top - n * dy - 0.25 * dy
        if y < 0:
            break
    return rect[1] + max(y, 0.0) * rect[3]


def _draw_composition(fig, x0: float, top: float, bottom: float, width: float, profile, legend_classes, lang) -> None:
    """Bar chart of class shares under the title at (x0, top), bars not below ``bottom`` (figure fractions)."""
    classes = sorted(_eco_classes(profile), key=lambda c: -(c.get("share") or 0))
    classes = [c for c in classes if c.get("share") is not None]
    title = label("composition", lang)
    source = _eco_source(profile)
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
    # as many bars as fit at ≥ 0.024 of the page each (one line of 6.2 pt), the rest summed as "Other"
    fit = max(1, int((top - 0.05 - bottom) / 0.024))
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
        ax.text(s + vmax * 0.02, yv, fmt_share(s, lang), va="center", fontsize=6.2, color=style.TEXT)
    ax.set_xticks([])
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.spines["left"].set_linewidth(0.5)
    ax.tick_params(axis="y", length=0, pad=2)
    ax.set_ylim(-0.6, len(names) - 0.4)


def _draw_scorecard(fig, x0: float, top: float, cards, lang) -> None:
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


def build_sheet(profile: Mapping[str, Any], layers: Mapping[str, gpd.GeoDataFrame], *, lang: str = "en",
                rasters: Mapping[str, Any] | None = None, date: dt.date | str | None = None,
                attribution: Sequence[str] = ()) -> Figure:
    """Build the A4-landscape sheet as a matplotlib :class:`~matplotlib.figure.Figure` (not yet saved).

    Parameters
    ----------
    profile
        The profile dict (schema ``landgeo.profile/1``); missing parts are shown as "not recorded" or left out.
    layers
        GeoDataFrames keyed ``boundary``, ``admin_units``, ``ecosystems``, ``sites``, ``rivers``, ``context``.
    lang
        ``en`` or ``fr``.
    rasters
        Optional paths keyed ``landcover`` (class raster; classes named by its ``CLASSES`` tag or by
        ``ecosystems.classes[].value``) and ``dem`` (metres; drawn as hillshade).
    date
        Date printed on the sheet (default: ``SOURCE_DATE_EPOCH`` or today, UTC).
    attribution
        Extra source/attribution strings for the footer.
    """
    lang = check_lang(lang)
    profile = localize_profile(profile, lang)
    lay = layers_at_boundary_longitudes({k: to_4326(v, k) for k, v in layers.items()})
    check_drawable(profile, lay, output="sheet.pdf/.png", max_lat=SHEET_MAX_LAT)
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=A4_LANDSCAPE_IN)

        FigureCanvasAgg(fig)
        name = str(profile.get("name") or profile.get("slug") or label("profile", lang))
        # header
        title = layout.fit_text(fig, 0.03, 0.985, name, width=0.94, fontsize=17, min_fontsize=12, fontweight="bold",
                                color=style.TEXT)
        sub = [label("profile", lang)]
        countries = as_list((profile.get("location") or {}).get("countries"))
        if countries:
            sub.append(join_names([country_name(c, lang) for c in countries], lang))
        if profile.get("area_ha") is not None:
            sub.append(fmt_ha(profile["area_ha"], lang))
        verdict = (profile.get("scale") or {}).get("verdict")
        if verdict:
            sub.append(verdict_text(verdict, lang))
        title_bottom = fig.transFigure.inverted().transform(
            title.get_window_extent(fig.canvas.get_renderer()).p0)[1]
        layout.fit_text(fig, 0.03, min(title_bottom - 0.008, 0.948), " · ".join(sub), width=0.94, fontsize=9,
                        min_fontsize=7, max_lines=1, color=style.MUTED)
        fig.add_artist(Line2D([0.03, 0.97], [0.912, 0.912], color="#999999", linewidth=0.6))

        boundary = lay.get("boundary")
        geom = shapely.union_all(boundary.geometry.values) if boundary is not None else None
        attribution = list(attribution)
        if lay.get("context") is None and geom is not None:
            lay["context"] = country_context(geom)
            lay["context_main"] = context_layers.outlines_at_scale(geom, geom.bounds, MAIN_MAP_RECT, fig)
            for ctx in (lay["context_main"], lay["context"]):
                if ctx is not None:
                    attribution.append(ctx.attrs.get("credit", COUNTRIES_CREDIT))
        legend = _draw_main_map(fig, MAIN_MAP_RECT, profile, lay, rasters, lang)
        _draw_locator(fig, [0.635, 0.715, 0.12, 0.18], lay, geom, lang)
        legend_end = _draw_legend(fig, [0.775, 0.715, 0.2, 0.18], legend, lang)
        table_top = min(0.695, legend_end - 0.012)
        cards = dated_cards(profile.get("scorecards"))
        if cards:  # the scorecard radar beside the composition chart (issue 14); the table gives up some height
            table_end = _draw_table(fig, [0.635, 0.29, 0.34, table_top - 0.29], profile_rows(profile, lang), lang)
            _draw_composition(fig, 0.635, table_end - 0.025, 0.085, 0.185, profile, legend["classes"], lang)
            _draw_scorecard(fig, 0.83, table_end - 0.025, cards, lang)
        else:
            table_end = _draw_table(fig, [0.635, 0.2, 0.34, table_top - 0.2], profile_rows(profile, lang), lang)
            _draw_composition(fig, 0.635, table_end - 0.03, 0.085, 0.34, profile, legend["classes"], lang)

        # footer
        srcs = sources_text(profile, attribution)
        foot1 = f"{label('sources', lang)}{colon(lang)}" + ("; ".join(srcs) if srcs else label("no_data", lang))
        foot2 = (f"{label('crs', lang)} · {label('date', lang)}{colon(lang)}{sheet_date(date)} · "
                 f"{label('made_with', lang)}")
        lines = textwrap.wrap(foot1, 235, max_lines=2, placeholder=" …") + [foot2]
        for i, line in enumerate(lines):
            fig.text(0.03, 0.014 + 0.014 * (len(lines) - 1 - i), line, fontsize=6, color=style.MUTED)
    scrub_figure(fig)  # layer texts with BOMs or control characters must not break the PDF backend
    return fig


def save_png(fig: Figure, path: str | Path, *, dpi: int = PNG_DPI) -> Path:
    """``fig`` as an opaque RGB PNG at ``dpi`` (zlib level 3, no metadata).

    The page is opaque white, so the alpha channel carries nothing: RGB at level 3 encodes in about
    half the time of matplotlib's RGBA at level 6 and gives a ~10 % smaller file (measured on the demo sheets).
    """
    canvas = fig.canvas
    old = fig.dpi
    try:
        fig.set_dpi(dpi)
        canvas.draw()
        w, h = canvas.get_width_height()
        img = Image.frombuffer("RGBA", (w, h), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")
    finally:
        fig.set_dpi(old)
    img.save(path, format="PNG", compress_level=3)
    return Path(path)


def write_sheet(profile: Mapping[str, Any], layers: Mapping[str, gpd.GeoDataFrame], *, pdf: str | Path | None = None,
                png: str | Path | None = None, lang: str = "en", rasters: Mapping[str, Any] | None = None,
                date: dt.date | str | None = None, dpi: int = PNG_DPI, attribution: Sequence[str] = ()) -> list[Path]:
    """Render the sheet to a PDF and/or a PNG (A4 landscape; PNG at ``dpi``, 200 or more).

    Returns
    -------
    list of Path
        The files written, PDF first.
    """
    if pdf is None and png is None:
        raise UsageError("write_sheet: give pdf= and/or png= (the files to write)")
    fig = build_sheet(profile, layers, lang=lang, rasters=rasters, date=date, attribution=attribution)
    name = str(profile.get("name") or profile.get("slug") or "")
    out = []
    with matplotlib.rc_context(RC):
        if pdf is not None:
            pdf = Path(pdf)
            pdf.parent.mkdir(parents=True, exist_ok=True)
            # change_page draws on this module's map frame (map_axes, finish_map_axes): imported here, not at the
            # top, until the frame is its own module (an import cycle otherwise)
            from .change_page import build_change_page

            change = build_change_page(profile, layers, lang=lang, rasters=rasters, date=date)
            with PdfPages(pdf, metadata=pdf_metadata(name, lang)) as pages:  # page 2: the change page, when dated
                pages.savefig(fig)
                if change is not None:
                    pages.savefig(change)
            out.append(pdf)
        if png is not None:
            png = Path(png)
            png.parent.mkdir(parents=True, exist_ok=True)
            save_png(fig, png, dpi=max(int(dpi), 72))
            out.append(png)
    log.info("wrote %s", ", ".join(str(p) for p in out))
    return out
