"""Text that matplotlib can draw: layer and recipe texts cleaned just before a figure is saved.

Format characters (Unicode category Cf: byte-order marks, bidi controls, soft
hyphens…) crash or garble matplotlib's PDF backend (a BOM raises ``IndexError``
while subsetting fonts); control characters draw as boxes. Both are removed
from every text of a figure right before it is written; the data files keep
the texts as they are.
"""

from __future__ import annotations

import unicodedata

from matplotlib.text import Text

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
    """Make every text of ``fig`` (titles, labels, legends, tables) drawable; see :func:`drawable`."""
    for t in fig.findobj(Text):
        s = t.get_text()
        if s:
            clean = drawable(s)
            if clean != s:
                t.set_text(clean)
