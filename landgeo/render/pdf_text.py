"""Faster text in matplotlib's PDF backend, with the same bytes: no glyph loaded twice, fonts found once.

matplotlib 3.11's ``RendererPdf.draw_text`` lays a string out with libraqm, which gives each glyph's
index and position, and then loads every glyph outline again through FreeType, which the PDF never
uses (a Type 3 or Type 42 font is written from the font file when the file is closed). That second
load is about a quarter of the time of drawing a text-heavy page. The font lookup behind each text
also re-reads eleven settings and copies the font properties every time.

``pdf_text()`` is a context manager under which, in this process, the PDF renderer skips the second
load (only inside its own ``draw_text``: text drawn as outlines, as halo labels are, still loads
every glyph) and finds each font file once per font properties. The PDF is byte-for-byte the one
matplotlib writes without it (``tests/test_pdf_text.py``). On a matplotlib whose private names
differ, it changes nothing.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import matplotlib._text_helpers as _text_helpers
from matplotlib import font_manager
from matplotlib.backends import backend_pdf
from matplotlib.ft2font import FT2Font, LoadFlags

__all__ = ["pdf_text"]

_LOCK = threading.Lock()
_STATE = {"depth": 0}
_LOCAL = threading.local()  # .skip_glyph_load: True while this thread is inside RendererPdf.draw_text
_STOCK_LAYOUT = getattr(_text_helpers, "layout", None)
_STOCK_DRAW_TEXT = getattr(backend_pdf.RendererPdf, "draw_text", None)
_STOCK_GET_FONT = getattr(backend_pdf.RendererPdf, "_get_font_ttf", None)
_FONT_FILES: dict = {}  # FontProperties -> the font files matplotlib finds for them (settings fixed by page.RC)


def _layout(string, font, *, features=None, language=None):
    """matplotlib's layout, without loading each glyph's outline when the PDF renderer asks."""
    if getattr(_LOCAL, "skip_glyph_load", False):
        return iter(font._layout(string, LoadFlags.NO_HINTING, features=features, language=language))
    return _STOCK_LAYOUT(string, font, features=features, language=language)


def _draw_text(self, *args, **kwargs):
    _LOCAL.skip_glyph_load = True
    try:
        return _STOCK_DRAW_TEXT(self, *args, **kwargs)
    finally:
        _LOCAL.skip_glyph_load = False


def _get_font_ttf(self, prop):
    files = _FONT_FILES.get(prop)
    if files is None:
        files = _FONT_FILES[prop] = font_manager.fontManager._find_fonts_by_props(prop)
    font = font_manager.get_font(files)
    font.clear()
    font.set_size(prop.get_size_in_points(), 72)
    return font


def _supported() -> bool:
    return (None not in (_STOCK_LAYOUT, _STOCK_DRAW_TEXT, _STOCK_GET_FONT)
            and hasattr(FT2Font, "_layout") and hasattr(font_manager.fontManager, "_find_fonts_by_props"))


@contextlib.contextmanager
def pdf_text() -> Iterator[None]:
    """While open (re-entrant), PDF text is drawn through the faster path; matplotlib itself is not thread-safe."""
    if not _supported():
        yield
        return
    with _LOCK:
        _STATE["depth"] += 1
        if _STATE["depth"] == 1:
            _FONT_FILES.clear()  # font settings or installed fonts may have changed since the last page
            _text_helpers.layout = _layout
            backend_pdf.RendererPdf.draw_text = _draw_text
            backend_pdf.RendererPdf._get_font_ttf = _get_font_ttf
    try:
        yield
    finally:
        with _LOCK:
            _STATE["depth"] -= 1
            if _STATE["depth"] == 0:
                _text_helpers.layout = _STOCK_LAYOUT
                backend_pdf.RendererPdf.draw_text = _STOCK_DRAW_TEXT
                backend_pdf.RendererPdf._get_font_ttf = _STOCK_GET_FONT
