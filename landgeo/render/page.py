"""The page every sheet shares: A4 landscape, fonts and matplotlib settings, the printed date, PDF metadata, saving.

Outputs are deterministic: the PDF carries no creation date unless ``SOURCE_DATE_EPOCH`` is set
(then that date), and the date printed on a sheet is the ``date`` argument, else
``SOURCE_DATE_EPOCH``, else today's date (UTC). Text uses DejaVu Sans (shipped with
matplotlib), so accents render offline.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from .._version import __version__ as version
from .labels import (
    label,
)
from .pdf_fast import pdf_fast
from .rasterise import pdf_pages_png
from .text import drawable, scrub_figure

log = logging.getLogger(__name__)

A4_LANDSCAPE_IN = (11.69, 8.27)

PNG_DPI = 200

FONT = "DejaVu Sans"

RC = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "pdf.fonttype": 3,  # Type 3 subsets in ~1/4 of Type 42's time (fontTools); text stays searchable
    "text.parse_math": False,  # user text such as "US$ 5 / $x$" is shown as typed, never as mathtext
    "text.hinting": "no_hinting",  # unhinted glyphs: measuring and laying out text is faster, looks the same
    "svg.fonttype": "none",
    "axes.linewidth": 0.6,
    "xtick.labelsize": 6.5,
    "ytick.labelsize": 6.5,
    "xtick.major.size": 2.5,
    "ytick.major.size": 2.5,
    "xtick.major.width": 0.5,
    "ytick.major.width": 0.5,
}


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
    meta = pdf_metadata(title, lang)
    if subject:
        meta["Subject"] = subject
    return save_pages([fig], pdf=pdf, pngs=[png], metadata=meta, dpi=dpi)

def save_pages(figs: Sequence[Figure], *, pdf: str | Path | None = None, pngs: Sequence[str | Path | None] = (),
               metadata: Mapping[str, Any] | None = None, dpi: int = PNG_DPI) -> list[Path]:
    """Write ``figs`` as the pages of ``pdf`` and page *i* as the PNG ``pngs[i]`` (when given) at ``dpi``.

    The PNGs are the PDF's pages drawn by PDFium (``rasterise``), so a figure is drawn once; without
    ``pdf`` the pages that have a PNG are made into a PDF in memory. Returns the files written, PDF first.
    """
    pngs = list(pngs) + [None] * (len(figs) - len(pngs))
    if pdf is None:
        kept = [(f, p) for f, p in zip(figs, pngs) if p is not None]
        figs, pngs = [f for f, _ in kept], [p for _, p in kept]
    if not figs:
        return []
    for fig in figs:  # every page passes here: layer and recipe texts must not break the PDF backend
        scrub_figure(fig)
    buf = io.BytesIO()
    with matplotlib.rc_context(RC), pdf_fast(), PdfPages(buf, metadata=dict(metadata or {})) as pages:
        for fig in figs:
            pages.savefig(fig)
    out = []
    if pdf is not None:
        Path(pdf).write_bytes(buf.getvalue())
        out.append(Path(pdf))
    wanted = [i for i, p in enumerate(pngs) if p is not None]
    for i, data in zip(wanted, pdf_pages_png(buf.getvalue(), wanted, dpi=max(int(dpi), 72))):
        Path(pngs[i]).write_bytes(data)
        out.append(Path(pngs[i]))
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

def save_png(fig: Figure, path: str | Path, *, dpi: int = PNG_DPI) -> Path:
    """``fig`` as an opaque RGB PNG at ``dpi`` (no metadata but the print resolution), drawn as its PDF page."""
    save_pages([fig], pngs=[path], dpi=dpi)
    return Path(path)
