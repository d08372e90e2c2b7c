"""A multi-page atlas PDF: a contents page, then one map sheet per landscape (and its change page when dated).

A landscape that failed upstream (its recipe or a layer was wrong) or whose
sheet cannot be drawn is listed on the contents page with its error; the
others go on. :func:`write_atlas` returns one :class:`AtlasEntry` per item, in
order, so callers can print a summary.
"""

from __future__ import annotations

import io
import logging
import math
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import matplotlib
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..errors import LandgeoError, NothingToWriteError
from ..i18n import Text, check_lang, translator
from . import style
from .atlas_pages import assemble
from .change_page import build_change_page, has_change_page
from .collector import collector_paused
from .context import country_context, to_4326
from .frame import HALO, Labeller, draw_geoms, map_extent
from .labels import colon, fmt_ha, label
from .page import A4_LANDSCAPE_IN, RC, pdf_metadata, sheet_date
from .pdf_fast import pdf_fast
from .sheet import build_sheet
from .text import scrub_figure

log = logging.getLogger(__name__)

ROWS_PER_PAGE = 26


@dataclass(frozen=True)
class AtlasFailure:
    """A landscape that could not be profiled: its name and the error message."""

    name: str
    error: str


@dataclass(frozen=True)
class AtlasEntry:
    """One line of the atlas summary."""

    name: str
    status: str  # "ok" or "failed"
    page: int | None = None
    area_ha: float | None = None
    verdict: str | None = None
    error: str | None = None


def _unpack(item: Any) -> tuple[str, Mapping | None, Mapping | None, Mapping | None, str | None]:
    """(name, profile, layers, rasters, error) from the accepted item shapes."""
    if isinstance(item, AtlasFailure):
        return item.name, None, None, None, item.error
    status = getattr(item, "status", None)
    if status is not None and hasattr(item, "error"):  # a pipeline outcome
        result = getattr(item, "result", None)
        name = getattr(item, "slug", None) or Path(str(getattr(item, "recipe", "?"))).stem
        if status != "ok" or result is None:
            return str(name), None, None, None, str(getattr(item, "error", None) or "failed")
        item = result
    if hasattr(item, "profile") and hasattr(item, "layers"):
        profile = item.profile
        return str(profile.get("name") or profile.get("slug")), profile, item.layers, getattr(item, "rasters", None), None
    if isinstance(item, (tuple, list)) and 2 <= len(item) <= 4:
        profile, layers = item[0], item[1]
        rasters = item[2] if len(item) >= 3 else None
        return str(profile.get("name") or profile.get("slug") or "?"), profile, layers, rasters, None
    raise TypeError(f"write_atlas: cannot use an item of type {type(item).__name__}; give (profile, layers[, rasters]), "
                    "a ProfileResult, a pipeline Outcome or an AtlasFailure")


def _rendered_sheet(item: Any) -> Path | None:
    """The sheet PDF given as the 4th element of a ``(profile, layers, rasters, sheet_pdf)`` item, if it exists."""
    if isinstance(item, (tuple, list)) and len(item) == 4 and item[3] is not None and Path(item[3]).is_file():
        return Path(item[3])
    return None


def _boundary_geom(layers: Mapping | None):
    """The landscape's boundary (EPSG:4326) from its layers, or None."""
    try:
        gdf = to_4326((layers or {}).get("boundary"), "boundary")
    except (LandgeoError, ValueError, shapely.errors.GEOSException):  # the overview is a nicety: never lose the atlas over it
        return None
    return None if gdf is None else shapely.union_all(gdf.geometry.values)


def _error_text(exc: BaseException) -> str:
    return str(exc) if isinstance(exc, LandgeoError) else f"{type(exc).__name__}: {exc}"


def _overview(fig, rect, entries: list[AtlasEntry], geoms: list, lang: str) -> None:
    """A map of every rendered landscape over country outlines, each labelled with its page number."""
    shown = [(e, g) for e, g in zip(entries, geoms) if e.page and g is not None and not g.is_empty]
    if not shown:
        return
    allg = shapely.union_all([g for _, g in shown])
    ax = fig.add_axes(rect)
    fig_w, fig_h = fig.get_size_inches()
    minx, maxx, miny, maxy, k = map_extent(allg.bounds, (rect[3] * fig_h) / (rect[2] * fig_w), pad=0.15)
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect(k, adjustable="box")
    ax.set_facecolor(style.SEA)
    context = country_context(allg, margin_deg=max(maxx - minx, maxy - miny))
    if context is not None and context["home"].any():
        draw_geoms(ax, context, facecolor=style.CONTEXT_FILL, edgecolor=style.CONTEXT_EDGE, linewidth=0.5)
    else:
        ax.set_facecolor(style.CONTEXT_FILL)
    draw_geoms(ax, gpd.GeoSeries([g for _, g in shown], crs=4326), facecolor=style.BOUNDARY, alpha=0.35,
                edgecolor=style.BOUNDARY, linewidth=1.0, zorder=3)
    labeller = Labeller(ax)
    for e, g in shown:
        pt = g.representative_point()
        labeller.place(pt.x, pt.y, str(e.page), fontsize=10, fontweight="bold", color=style.TEXT, ha="center",
                       va="center", zorder=5, path_effects=HALO)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("#777777")
        spine.set_linewidth(0.5)


def _contents_figures(entries: list[AtlasEntry], n_pages: int, *, lang: str, title: str, date: str,
                      geoms: list | None = None):
    failures = [e for e in entries if e.status != "ok"]
    figs = []
    for p in range(n_pages):
        fig = Figure(figsize=A4_LANDSCAPE_IN)
        FigureCanvasAgg(fig)
        fig.text(0.05, 0.93, title, fontsize=20, fontweight="bold", color=style.TEXT)
        ok = sum(1 for e in entries if e.status == "ok")
        done = translator(lang)("{ok} of {n} landscape rendered", "{ok} of {n} landscapes rendered", ok=ok, n=len(entries))
        fig.text(0.05, 0.895, f"{label('contents', lang)} · {done} · {label('date', lang)}{colon(lang)}{date}",
                 fontsize=10, color=style.MUTED)
        fig.add_artist(Line2D([0.05, 0.95], [0.88, 0.88], color="#999999", linewidth=0.6))
        cols = [(0.05, label("page", lang)), (0.1, label("landscape", lang)), (0.33, label("area", lang)),
                (0.43, label("verdict", lang)), (0.54, label("status", lang))]
        y = 0.845
        for x, head in cols:
            fig.text(x, y, head, fontsize=9, fontweight="bold", color="#333333")
        y -= 0.03
        for e in entries[p * ROWS_PER_PAGE:(p + 1) * ROWS_PER_PAGE]:
            colour = style.TEXT if e.status == "ok" else style.BOUNDARY
            vals = [str(e.page) if e.page else "–", textwrap.shorten(e.name, 38, placeholder="…"),
                    fmt_ha(e.area_ha, lang) if e.area_ha is not None else "–",
                    label(f"verdict_{e.verdict}", lang) if e.verdict else "–", label(e.status, lang)]
            for (x, _), v in zip(cols, vals):
                fig.text(x, y, v, fontsize=8.5, color=colour)
            y -= 0.027
        if failures and p == n_pages - 1:
            y -= 0.02
            fig.text(0.05, y, label("failures", lang), fontsize=10, fontweight="bold", color=style.BOUNDARY)
            y -= 0.03
            for e in failures:
                lines = textwrap.wrap(f"{e.name}{colon(lang)}{e.error}", 95)[:4]
                for line in lines:
                    if y < 0.05:
                        break
                    fig.text(0.05, y, line, fontsize=7.5, color=style.TEXT)
                    y -= 0.022
        if p == 0 and geoms:
            _overview(fig, [0.62, 0.1, 0.33, 0.75], entries, geoms, lang)
        fig.text(0.95, 0.03, f"{label('made_with', lang)}", fontsize=6, color=style.MUTED, ha="right")
        figs.append(fig)
    return figs


def write_atlas(items: Iterable[Any], pdf: str | Path, *, lang: str = "en", title: str | None = None,
                date: str | None = None) -> list[AtlasEntry]:
    """Write an atlas PDF: contents page(s), then one A4-landscape sheet per landscape.

    Parameters
    ----------
    items
        Each one of: ``(profile, layers)``, ``(profile, layers, rasters)`` or ``(profile, layers, rasters,
        sheet_pdf)`` (a sheet already drawn, e.g. by a batch worker: its page is copied, not drawn again); an object with
        ``.profile``, ``.layers`` (and ``.rasters``) such as ``pipeline.ProfileResult``; a pipeline
        outcome with ``.status``, ``.result``, ``.error``; or an :class:`AtlasFailure`.
    pdf
        The PDF to write.
    lang
        ``en`` or ``fr``.
    title
        Title of the contents page (default "Landscape atlas" / "Atlas des paysages").
    date
        Date printed on the pages (default as :func:`~landgeo.render.page.sheet_date`).

    Returns
    -------
    list of AtlasEntry
        One per item, in order; failed ones carry the error message and no page.

    Raises
    ------
    NothingToWriteError
        No item could be drawn (every landscape failed, or there were none): nothing is written.
    """
    # long: (≈ 85 lines) one pass over the landscapes that draws, counts and pages them; split, the page numbers would travel.
    lang = check_lang(lang)
    date = sheet_date(date)
    title = title or label("atlas", lang)
    pending: list[tuple[str, Any, Any, str | None, float | None, str | None]] = []
    changes: dict[int, Any] = {}  # item index → its change page
    with matplotlib.rc_context(RC):
        for item in items:
            name, profile, layers, rasters, error = _unpack(item)
            fig = None
            sheet_pdf = _rendered_sheet(item)
            if error is None and sheet_pdf is not None:  # drawn already (a batch worker): its page is reused
                fig = sheet_pdf
                if has_change_page(profile):  # its sheet.pdf holds the change page too (page 2)
                    changes[len(pending)] = True
            elif error is None:
                try:
                    with collector_paused():  # per sheet: paused for the whole atlas, cycles would pile up
                        fig = build_sheet(profile, layers or {}, lang=lang, rasters=rasters, date=date)
                        change = build_change_page(profile, layers or {}, lang=lang, rasters=rasters, date=date)
                    if change is not None:  # a dated landscape: its change page follows its sheet
                        changes[len(pending)] = change
                except Exception as exc:  # one broken landscape must not stop the atlas
                    error = _error_text(exc)
                    log.warning(Text("atlas: {name} not rendered: {reason}", params={
                        "name": str(name), "reason": exc.text if isinstance(exc, LandgeoError) and exc.text else error}))
            area = profile.get("area_ha") if profile else None
            verdict = (profile.get("scale") or {}).get("verdict") if profile else None
            pending.append((name, fig, _boundary_geom(layers) if fig is not None else None, error, area, verdict))

        if not any(fig is not None for _n, fig, *_ in pending):  # outputs complete or absent: no atlas of failures
            raise NothingToWriteError(Text("atlas: not written, as no landscape could be profiled or drawn"))
        n_contents = max(1, math.ceil(len(pending) / ROWS_PER_PAGE))
        entries: list[AtlasEntry] = []
        page = n_contents
        for i, (name, fig, _geom, error, area, verdict) in enumerate(pending):
            if fig is not None:
                page += 1
                entries.append(AtlasEntry(name, "ok", page, area, verdict))
                page += 1 if i in changes else 0
            else:
                entries.append(AtlasEntry(name, "failed", None, area, verdict, error))

        pdf = Path(pdf)
        pdf.parent.mkdir(parents=True, exist_ok=True)
        reused = [fig for _n, fig, *_ in pending if isinstance(fig, Path)]
        drawn = io.BytesIO() if reused else pdf
        with pdf_fast(), PdfPages(drawn, metadata=pdf_metadata(title, lang)) as pages:
            geoms = [geom for _n, _f, geom, *_ in pending]
            for cfig in _contents_figures(entries, n_contents, lang=lang, title=title, date=date, geoms=geoms):
                scrub_figure(cfig)
                pages.savefig(cfig)
            for i, (_name, fig, *_) in enumerate(pending):
                if fig is not None and not isinstance(fig, Path):
                    with collector_paused():
                        pages.savefig(fig)
                        if i in changes and not isinstance(changes[i], bool):
                            pages.savefig(changes[i])
        if reused:
            sheets = []  # per landscape: its reused sheet.pdf (all its pages), or its drawn pages in order
            for i, (_n, fig, *_) in enumerate(pending):
                if fig is not None:
                    sheets += [fig] if isinstance(fig, Path) else [fig] + ([changes[i]] if i in changes else [])
            assemble(drawn, n_contents, sheets, pdf)
    log.info(Text("atlas {path}: {n} sheet, {failed} failed", "atlas {path}: {n} sheets, {failed} failed",
                  params={"path": str(pdf), "n": sum(e.status == "ok" for e in entries), "failed": sum(e.status != "ok" for e in entries)}))
    return entries


def summary_lines(entries: Iterable[AtlasEntry], *, lang: str = "en") -> list[str]:
    """One line per landscape: name, status, page or error (for CLI/script output)."""
    out = []
    for e in entries:
        if e.status == "ok":
            out.append(f"{e.name}\t{label('ok', lang)}\t{label('page', lang)} {e.page}")
        else:
            out.append(f"{e.name}\t{label('failed', lang)}\t{e.error}")
    return out
