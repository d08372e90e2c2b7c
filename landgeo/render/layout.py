"""Page layout helpers for sheets: text that fits its box, graticule ticks chosen from the extent.

>>> [round(v * 60) for v in graticule_ticks(10.02, 10.09, max_ticks=5)]  # every minute
[602, 603, 604, 605]
>>> dms(-19.5, "x", 0.5, "fr")
'19°30′O'
>>> dms(180.25, "x", 0.25, "en")  # east of the antimeridian, on a map drawn across it
'179°45′W'
>>> dms(5.2125, "y", 15 / 3600, "en")
'5°12′45″N'
"""

from __future__ import annotations

import math
import textwrap

from ..i18n import translator

#: Graticule steps in degrees: seconds, minutes, then degrees (1-2-5 and the sexagesimal 15/30).
STEPS_DEG = tuple(s / 3600 for s in (1, 2, 5, 10, 15, 30)) + tuple(m / 60 for m in (1, 2, 5, 10, 15, 20, 30)) + (
    1, 2, 5, 10, 15, 20, 30, 45, 90)


def graticule_step(span_deg: float, max_ticks: int = 5) -> float:
    """The smallest step of :data:`STEPS_DEG` that puts at most ``max_ticks`` lines across ``span_deg``."""
    for step in STEPS_DEG:
        if span_deg / step <= max_ticks:
            return step
    return STEPS_DEG[-1]


def graticule_ticks(lo: float, hi: float, *, max_ticks: int = 5) -> list[float]:
    """Graticule values inside [lo, hi] at the step :func:`graticule_step` picks (degrees, rounded to 1e-9)."""
    step = graticule_step(hi - lo, max_ticks)
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    return [round(k * step, 9) for k in range(first, last + 1)]


def dms(value: float, axis: str, step: float, lang: str) -> str:
    """A graticule label in degrees, minutes and seconds as fine as ``step`` needs (compass letters in ``lang``)."""

    t = translator(lang)
    if axis == "x" and abs(value) > 180:  # a map across the antimeridian is drawn in 0…360°: 190°E reads 170°W
        value = (value + 180.0) % 360.0 - 180.0
    if axis == "x":  # 0° and 180° have no side
        hemi = "" if abs(value) in (0.0, 180.0) else t("E", context="compass: east") if value > 0 else t("W", context="compass: west")
    else:
        hemi = t("N", context="compass: north") if value > 0 else t("S", context="compass: south") if value < 0 else ""
    total = round(abs(value) * 3600)
    d, rest = divmod(total, 3600)
    m, sec = divmod(rest, 60)
    if step >= 1 - 1e-9:
        text = f"{d}°"
    elif step * 60 >= 1 - 1e-9:
        text = f"{d}°{m:02d}′" if m else f"{d}°"
    else:
        text = f"{d}°{m:02d}′{sec:02d}″"
    return text + hemi


def fit_text(fig, x: float, y: float, text: str, *, width: float, fontsize: float, min_fontsize: float,
             max_lines: int = 2, **kw):
    """Draw ``text`` at figure fraction (x, y) no wider than ``width`` (figure fraction).

    The font shrinks from ``fontsize`` down to ``min_fontsize``; if the text is still too wide it wraps
    onto up to ``max_lines`` lines (the last one shortened with an ellipsis). ``va`` defaults to ``top``.
    Returns the text artist.
    """
    renderer = fig.canvas.get_renderer()
    limit = width * fig.bbox.width
    kw.setdefault("va", "top")
    size = fontsize
    artist = fig.text(x, y, text, fontsize=size, **kw)
    while artist.get_window_extent(renderer).width > limit and size > min_fontsize:
        size = max(min_fontsize, size - 1)
        artist.set_fontsize(size)
    if artist.get_window_extent(renderer).width <= limit:
        return artist
    chars = max(10, int(len(text) * limit / artist.get_window_extent(renderer).width))
    while True:
        lines = textwrap.wrap(text, chars, max_lines=max_lines, placeholder="…")
        artist.set_text("\n".join(lines))
        if artist.get_window_extent(renderer).width <= limit or chars <= 10:
            return artist
        chars -= 2
