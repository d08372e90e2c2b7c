"""Text that matplotlib can draw: layer and recipe texts cleaned just before a figure is saved.

Format characters (Unicode category Cf: byte-order marks, bidi controls, soft
hyphens…) crash or garble matplotlib's PDF backend (a BOM raises ``IndexError``
while subsetting fonts); control characters draw as boxes. Both are removed
from every text of a figure right before it is written; the data files keep
the texts as they are.
"""

from __future__ import annotations

import unicodedata

from matplotlib.axis import Axis
from matplotlib.text import Text
from matplotlib.ticker import FixedFormatter, FuncFormatter

#: Format characters that shape scripts and are safe to keep (zero-width non-joiner and joiner).
KEEP = {"\u200c", "\u200d"}


def drawable(text: str) -> str:
    """``text`` without format characters, control characters as spaces (line breaks kept).

    >>> drawable("\\ufeffAnkasa\\u202e\\x07 Forest")
    'Ankasa  Forest'
    """
    if text.isascii() and text.isprintable():
        return text
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat == "Cf" and ch not in KEEP:
            continue
        if cat in ("Cc", "Cs", "Co", "Cn") and ch != "\n":
            out.append(" ")
            continue
        out.append(ch)
    return "".join(out)


def scrub_figure(fig) -> None:
    """Make every text of ``fig`` (titles, labels, legends, tables, tick labels) drawable; see :func:`drawable`."""
    for t in _texts(fig):
        s = t.get_text()
        if s:
            clean = drawable(s)
            if clean != s:
                t.set_text(clean)


def _clean_labels_of(formatter) -> None:
    """Fixed tick labels (``set_ticklabels`` makes a FuncFormatter or a FixedFormatter) come out drawable."""
    if isinstance(formatter, FixedFormatter):
        formatter.seq = [drawable(str(v)) for v in formatter.seq]
    elif isinstance(formatter, FuncFormatter) and not getattr(formatter.func, "_drawable", False):
        func = formatter.func

        def clean(x, pos=None):
            return drawable(str(func(x, pos)))

        clean._drawable = True
        formatter.func = clean


def _texts(artist):
    """Every Text under ``artist``; an axis gives its label and offset text, and its fixed tick labels are cleaned.

    ``Figure.findobj`` would ask each axis for its ticks, which creates them even on axes that are switched
    off (≈ 25-230 ms a sheet), and a tick's label is rewritten from the axis's formatter when drawn, so
    fixed tick labels (class names in charts) are cleaned in the formatter instead.
    """
    for child in artist.get_children():
        if isinstance(child, Axis):
            yield child.label
            yield child.offsetText
            for formatter in (child.get_major_formatter(), child.get_minor_formatter()):
                _clean_labels_of(formatter)
            continue
        if isinstance(child, Text):
            yield child
        yield from _texts(child)
