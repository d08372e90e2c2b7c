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
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import matplotlib
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..errors import UsageError
from ..i18n import Text, check_lang, join_names
from . import context_layers, layout, style
from .change_page import build_change_page
from .collector import collector_paused
from .context import COUNTRIES_CREDIT, country_context, country_name, to_4326
from .frame import km_per_degree_lon
from .labels import (
    as_list,
    colon,
    fmt_ha,
    label,
    verdict_text,
)
from .localize import localize_profile
from .page import A4_LANDSCAPE_IN, PNG_DPI, RC, pdf_metadata, save_figure, save_pages, save_png, sheet_date
from .raster import hillshade
from .reach import SHEET_MAX_LAT, check_drawable, layers_at_boundary_longitudes
from .scorecard_chart import dated_cards
from .sheet_map import draw_main_map
from .sheet_panels import draw_composition, draw_legend, draw_locator, draw_scorecard_panel, draw_table
from .sheet_rows import profile_rows, sources_text
from .text import scrub_figure

log = logging.getLogger(__name__)

__all__ = ["A4_LANDSCAPE_IN", "MAIN_MAP_RECT", "PNG_DPI", "RC", "build_sheet", "hillshade", "km_per_degree_lon",
           "pdf_metadata", "profile_rows", "save_figure", "save_png", "sheet_date", "sources_text", "write_sheet"]

MAIN_MAP_RECT = [0.045, 0.085, 0.555, 0.81]  # figure fractions: left, bottom, width, height


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
        legend = draw_main_map(fig, MAIN_MAP_RECT, profile, lay, rasters, lang)
        draw_locator(fig, [0.635, 0.715, 0.12, 0.18], lay, geom, lang)
        legend_end = draw_legend(fig, [0.775, 0.715, 0.2, 0.18], legend, lang)
        table_top = min(0.695, legend_end - 0.012)
        cards = dated_cards(profile.get("scorecards"))
        if cards:  # the scorecard radar beside the composition chart (issue 14); the table gives up some height
            table_end = draw_table(fig, [0.635, 0.29, 0.34, table_top - 0.29], profile_rows(profile, lang), lang)
            draw_composition(fig, 0.635, table_end - 0.025, 0.085, 0.185, profile, legend["classes"], lang)
            draw_scorecard_panel(fig, 0.83, table_end - 0.025, cards, lang)
        else:
            table_end = draw_table(fig, [0.635, 0.2, 0.34, table_top - 0.2], profile_rows(profile, lang), lang)
            draw_composition(fig, 0.635, table_end - 0.03, 0.085, 0.34, profile, legend["classes"], lang)

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

@collector_paused()
def write_sheet(profile: Mapping[str, Any], layers: Mapping[str, gpd.GeoDataFrame], *, pdf: str | Path | None = None,
                png: str | Path | None = None, lang: str = "en", rasters: Mapping[str, Any] | None = None,
                date: dt.date | str | None = None, dpi: int = PNG_DPI, attribution: Sequence[str] = (),
                change_png: str | Path | None = None) -> list[Path]:
    """Render the sheet to a PDF and/or a PNG (A4 landscape; PNG at ``dpi``, 200 or more).

    A dated profile's change page is page 2 of the PDF; ``change_png`` also writes it as a PNG, from the
    same figure (built once).

    Returns
    -------
    list of Path
        The files written, PDF first (the change page's PNG last, when written).
    """
    if pdf is None and png is None:
        raise UsageError(Text("write_sheet: give pdf= and/or png= (the files to write)"))
    fig = build_sheet(profile, layers, lang=lang, rasters=rasters, date=date, attribution=attribution)
    change = None
    if pdf is not None or change_png is not None:
        change = build_change_page(profile, layers, lang=lang, rasters=rasters, date=date)
    name = str(profile.get("name") or profile.get("slug") or "")
    for path in (pdf, png, change_png):
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    figs = [fig] if change is None else [fig, change]  # page 2: the change page, when dated
    out = save_pages(figs, pdf=pdf, pngs=[png, change_png if change is not None else None],
                     metadata=pdf_metadata(name, lang), dpi=dpi)
    log.info(Text("wrote {paths:list}", params={"paths": [str(p) for p in out]}))
    return out
