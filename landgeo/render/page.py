"""The page every sheet shares: A4 landscape, fonts and matplotlib settings, the printed date, PDF metadata, saving.

Outputs are deterministic: the PDF carries no creation date unless ``SOURCE_DATE_EPOCH`` is set
(then that date), and the date printed on a sheet is the ``date`` argument, else
``SOURCE_DATE_EPOCH``, else today's date (UTC). Text uses DejaVu Sans (shipped with
matplotlib), so accents render offline.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from PIL import Image

from .._version import __version__ as version
from .labels import (
    label,
)
from .text import drawable

log = logging.getLogger(__name__)

A4_LANDSCAPE_IN = (11.69, 8.27)

PNG_DPI = 200

FONT = "DejaVu Sans"

RC = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "pdf.fonttype": 3,  # Type 3 subsets in ~1/4 of Type 42's time (fontTools); text stays searchable
    "text.parse_math": False,
    "text.hinting": "no_hinting",  # unhinted glyphs: the 200-dpi PNG draws its text ≈ 25 % faster, looks the same  # user text such as "US$ 5 / $x$" is shown as typed, never as mathtext
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
