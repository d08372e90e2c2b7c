"""Faster pages from matplotlib's PDF backend: text, fonts, legends and images, the same page.

- **Text.** matplotlib 3.11's ``RendererPdf.draw_text`` lays a string out with libraqm, which gives
  each glyph's index and position, and then loads every glyph outline again through FreeType, which
  the PDF never uses (a Type 3 or Type 42 font is written from the font file when the file is
  closed): about a quarter of the time of drawing a text-heavy page. The font lookup behind each
  text also re-reads eleven settings and copies the font properties every time. Here the second
  load is skipped only inside the PDF renderer's own ``draw_text`` (text drawn as outlines, as halo
  labels are, still loads every glyph), each font file is found once per font properties on a page, and a glyph
  the file already records is looked up once per character instead of through a new font-path key
  (``CharacterTracker.track_glyph``): the PDF is byte-for-byte matplotlib's.
- **Fonts in memory.** FreeType reads a font file through matplotlib's Python file callback, a
  ``seek`` and a ``read`` (two system calls on a file on disk) for every table and glyph it touches:
  half the time of measuring and laying out a string. The fonts the PDF renderer measures and lays
  out text with, draws halo labels' outlines with and embeds glyphs from are read into memory once per
  process and thread (:class:`_FontBytes`), and stand for their paths, so the PDF names and embeds the
  same files. A text's line height (the font's ascent, descent and line gap), which matplotlib reads
  from two of the font's tables each time it lays the text out, is read once per font on a page.
- **Legends laid out once.** matplotlib's offset boxes lay a box out again for every box above it (the
  legend, its columns, its rows), so a legend of eight entries measured each of its texts many times
  over: about a tenth of the drawing of the demo's two Kora Hills pages. Within one ``Legend.draw`` each box of the legend is laid out
  once; nothing in a legend changes size while it is drawn, so the page is the same.
- **PDF syntax.** ``pdfRepr`` turns each number, operator and string of a page into PDF syntax,
  testing a dozen types before the float that most of them are (and ``numpy.isfinite`` on each);
  floats, operators and strings go first here, written the same way.
- **Images.** matplotlib embeds a raster (land cover, hillshade, a basemap, their transparency) as
  PNG data that Pillow encodes choosing a filter row by row at zlib level 6. Here the same PDF image
  data (samples and palette indices at Pillow's bit depths, PNG predictor) is written with the "Up"
  filter and ISA-L's deflate (:func:`~landgeo.render.png_encode.png_image_data`): the page draws the
  same pixels (PDFium, ``tests/test_pdf_fast.py``) in less time; the file differs only in those streams.

``pdf_fast()`` is a re-entrant context manager under which, in this process, matplotlib's PDF
backend takes these paths; outside it, and on any matplotlib but 3.11 (whose private functions these
replace), nothing changes. matplotlib itself is not thread-safe.
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import math
import os
import threading
from collections.abc import Iterator

import matplotlib
import matplotlib._text_helpers as _text_helpers
import numpy as np
from matplotlib import font_manager, textpath
from matplotlib.backends import _backend_pdf_ps, backend_pdf
from matplotlib.ft2font import FT2Font, LoadFlags
from matplotlib.legend import Legend
from matplotlib.offsetbox import OffsetBox

from .png_encode import png_image_data

__all__ = ["pdf_fast"]

_LOCK = threading.Lock()
_STATE: dict = {"depth": 0, "saved": []}  # saved: (owner, name, own value or _ABSENT) at the outermost entry
_LOCAL = threading.local()  # per thread: .skip_glyph_load (inside RendererPdf.draw_text), .printing (inside
# print_pdf, where the figure is at the PDF's 72 dpi), .fonts (the fonts read into memory)
_ABSENT = object()
_PATCHED = (  # (owner, name): replaced while pdf_fast() is open
    (_text_helpers, "layout"),
    (backend_pdf.RendererPdf, "draw_text"),
    (backend_pdf.RendererPdf, "_get_font_ttf"),
    (backend_pdf.RendererPdf, "_get_font_height_metrics"),
    (backend_pdf.PdfFile, "_writePng"),
    (_backend_pdf_ps.CharacterTracker, "track_glyph"),
    (Legend, "draw"),
    (textpath.TextToPath, "_get_font"),  # outlines of text drawn as paths (halo labels)
    (backend_pdf, "get_font"),  # the glyphs a Type 3 or Type 42 font embeds
    (backend_pdf.FigureCanvasPdf, "print_pdf"),
    (backend_pdf, "pdfRepr"),
)
_STOCK: dict = {}  # name -> what the replacement calls: the value found at the outermost entry
_WRITTEN_FOR = (3, 11)  # the private matplotlib this was written against (and tested on)


def _layout(string, font, *, features=None, language=None):
    """matplotlib's layout, without loading each glyph's outline when the PDF renderer asks."""
    if getattr(_LOCAL, "skip_glyph_load", False):
        return iter(font._layout(string, LoadFlags.NO_HINTING, features=features, language=language))
    return _STOCK["layout"](string, font, features=features, language=language)


@contextlib.contextmanager
def _flagged(name: str) -> Iterator[None]:
    """This thread's flag ``name`` set while the block runs (and put back as found: calls can nest)."""
    before = getattr(_LOCAL, name, False)
    setattr(_LOCAL, name, True)
    try:
        yield
    finally:
        setattr(_LOCAL, name, before)


def _draw_text(self, *args, **kwargs):
    with _flagged("skip_glyph_load"):
        return _STOCK["draw_text"](self, *args, **kwargs)


class _FontBytes(io.BytesIO):
    """A font file's bytes in memory that stands for its path: ``str()``, equality and hash are the path's.

    FreeType reads a font through matplotlib's file callback, a Python ``seek`` and ``read`` for every
    table and glyph it touches: from a file on disk that is two system calls each time, and about half
    of the time of measuring and laying out a string. ``FontPath`` and the PDF's font names take the
    path from ``str()``, so the file written is the same.
    """

    def __init__(self, path: str):
        with open(path, "rb") as file:
            super().__init__(file.read())
        self.path = os.fsdecode(path)

    def __str__(self) -> str:
        return self.path

    def __eq__(self, other) -> bool:  # matplotlib finds Last Resort in a font list by its path: equal to it
        return str(other) == self.path if isinstance(other, (str, _FontBytes)) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.path)




def _memory_font(files, hinting_factor=None):  # hinting_factor: get_font's deprecated parameter, unused
    """``font_manager.get_font(files)``, the font and its fallbacks read from memory (kept per thread)."""
    if isinstance(files, (str, bytes, os.PathLike)):  # one file (a FontPath is a str)
        files = [files]
    paths = tuple((font_manager._cached_realpath(f.path), f.face_index) if isinstance(f, font_manager.FontPath)
                  else (font_manager._cached_realpath(f), 0) for f in files)
    rc = matplotlib.rcParams
    key = (paths, rc["text.kerning_factor"], threading.get_ident(), rc["font.enable_last_resort"])
    fonts = _LOCAL.__dict__.setdefault("fonts", {})  # per thread, as matplotlib's; freed when the thread ends
    font = fonts.get(key)
    if font is None:
        font = fonts[key] = font_manager._get_font.__wrapped__(
            tuple((_FontBytes(path), index) for path, index in paths), _kerning_factor=key[1], thread_id=key[2],
            enable_last_resort=key[3])
    font._set_transform([[0x10000, 0], [0, 0x10000]], [0, 0])  # as get_font
    return font


if hasattr(os, "register_at_fork"):  # FT2Font objects cannot cross a fork (as matplotlib's own cache)
    os.register_at_fork(after_in_child=lambda: _LOCAL.__dict__.pop("fonts", None))


def _text_path_font(self, prop):
    """``TextToPath._get_font``: the font for text drawn as outlines, read from memory."""
    font = _memory_font(font_manager.fontManager._find_fonts_by_props(prop))
    font.set_size(self.FONT_SCALE, self.DPI)
    return font


def _font_files(renderer, prop):
    """The font files for ``prop``, found once per renderer (one page, one set of font settings)."""
    found = renderer.__dict__.setdefault("_landgeo_font_files", {})
    files = found.get(prop)
    if files is None:
        files = found[prop] = font_manager.fontManager._find_fonts_by_props(prop)
    return files


def _get_font_ttf(self, prop):
    files = _font_files(self, prop)
    try:
        font = _memory_font(files)
        font.clear()
        font.set_size(prop.get_size_in_points(), 72)
        return font
    except RuntimeError:  # as matplotlib's: a font FreeType cannot read is named, then the error raised
        logging.getLogger(_backend_pdf_ps.__name__).warning(
            "The PostScript/PDF backend does not currently support the selected font (%s).", files)
        raise


_HEIGHT_TABLES = (("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"), ("hhea", "lineGap", "ascent", "descent"))


def _font_height_metrics(self, prop):
    """``(ascent, descent, line gap)`` of a TrueType font, as ``Text._get_layout`` reads them from its tables.

    matplotlib reads them again (two tables and the font's files) every time a text is laid out;
    here once per font properties on a page, while ``print_pdf`` draws the page (the figure is then at
    the PDF's 72 dpi; a PDF renderer used elsewhere, at another dpi, gets matplotlib's answer).
    """
    if matplotlib.rcParams[self._use_afm_rc_name] or not getattr(_LOCAL, "printing", False):
        return _STOCK["_get_font_height_metrics"](self, prop)
    found = self.__dict__.setdefault("_landgeo_heights", {})
    metrics = found.get(prop)
    if metrics is None:
        font = _memory_font(_font_files(self, prop))
        metrics = (None, None, None)
        for table_name, linegap_key, ascent_key, descent_key in _HEIGHT_TABLES:
            table = font.get_sfnt_table(table_name)
            if table is None:
                continue
            # matplotlib's expression at dpi = 72, in its order (the same float)
            scale = 1 / font.get_sfnt_table("head")["unitsPerEm"] * prop.get_size_in_points() * 72 / 72
            metrics = (table[ascent_key] * scale, -table[descent_key] * scale, table[linegap_key] * scale)
            break
        found[prop] = metrics
    return metrics


@functools.wraps(backend_pdf.FigureCanvasPdf.print_pdf)  # its signature: print_figure passes only what it takes
def _print_pdf(self, *args, **kwargs):
    with _flagged("printing"):
        return _STOCK["print_pdf"](self, *args, **kwargs)


def _track_glyph(self, font, chars, glyph):
    """matplotlib's answer for a glyph, kept per file: after the first time it only looks the glyph up."""
    seen = self.__dict__.setdefault("_landgeo_seen", {})
    key = (font.fname, font.face_index, chars, glyph)
    found = seen.get(key)
    if found is None:
        found = seen[key] = _STOCK["track_glyph"](self, font, chars, glyph)
    return found


def _once_per_renderer(method):
    found: dict = {}

    def laid_out(renderer):
        key = id(renderer)  # the renderer lives as long as the draw
        if key not in found:
            found[key] = method(renderer)
        return found[key]
    return laid_out


_LAYOUT = ("get_bbox", "_get_bbox_and_child_offsets")  # what an offset box computes its size and its children's places with


def _legend_draw(self, renderer):
    """matplotlib's ``Legend.draw``, each of the legend's offset boxes laid out once."""
    boxes = [box for box in self._legend_box.findobj(OffsetBox) if not set(_LAYOUT) & set(vars(box))]
    for box in boxes:
        for name in _LAYOUT:
            setattr(box, name, _once_per_renderer(getattr(box, name)))
    try:
        return _STOCK["draw"](self, renderer)
    finally:
        for box in boxes:
            for name in _LAYOUT:
                vars(box).pop(name, None)


_legend_draw._supports_rasterization = True  # as matplotlib's (allow_rasterization), which it calls


def _pdf_repr(obj):
    """matplotlib's ``pdfRepr`` with the commonest objects of a page first; the same bytes."""
    kind = type(obj)
    if kind is float or kind is np.float64:
        if not math.isfinite(obj):
            raise ValueError("Can only output finite numbers in PDF")
        return (b"%.10f" % obj).rstrip(b"0").rstrip(b".")
    if kind is backend_pdf.Op:
        return obj.value
    if kind is bytes:
        return b"(" + obj.decode("latin-1").translate(backend_pdf._str_escapes).encode("latin-1") + b")"
    return _STOCK["pdfRepr"](obj)


def _packed(indices: np.ndarray, bits: int) -> np.ndarray:
    """Rows of palette indices packed ``bits`` to a byte, first pixel in the high bits (as PNG packs them)."""
    per_byte = 8 // bits
    height, width = indices.shape
    padded = np.zeros((height, -(-width // per_byte) * per_byte), np.uint8)
    padded[:, :width] = indices
    groups = padded.reshape(height, -1, per_byte).astype(np.uint16)
    shifts = np.arange(8 - bits, -1, -bits, dtype=np.uint16)
    return (groups << shifts).sum(axis=2).astype(np.uint8)


def _write_png(self, img):
    """``(image data, bits per sample, palette)`` as matplotlib's ``PdfFile._writePng`` returns them.

    Palette indices take as many bits as Pillow gives them (1, 2, 4 or 8 for up to 2, 4, 16 or 256
    colours): PDF viewers draw the edges of a 1-bit and an 8-bit indexed image differently.
    """
    if img.mode not in ("L", "RGB", "P"):
        return _STOCK["_writePng"](self, img)
    samples = np.asarray(img)  # L and P: (h, w) of values or palette indices; RGB: (h, w, 3)
    rows = samples.reshape(samples.shape[0], -1)
    if img.mode != "P":
        return png_image_data(rows), 8, None
    palette = bytes(img.getpalette() or [])
    colours = max(1, min(len(palette) // 3, 256))
    bits = 1 if colours <= 2 else 2 if colours <= 4 else 4 if colours <= 16 else 8
    return png_image_data(rows if bits == 8 else _packed(rows, bits)), bits, palette


_REPLACEMENTS = {"layout": _layout, "draw_text": _draw_text, "_get_font_ttf": _get_font_ttf, "_writePng": _write_png,
                 "track_glyph": _track_glyph, "draw": _legend_draw, "_get_font": _text_path_font,
                 "_get_font_height_metrics": _font_height_metrics,
                 "get_font": _memory_font, "pdfRepr": _pdf_repr,
                 "print_pdf": _print_pdf}


def _supported() -> bool:
    """On matplotlib 3.11 with the private names this module replaces; any other matplotlib is left alone."""
    version = tuple(int(p) for p in matplotlib.__version__.split(".")[:2] if p.isdigit())
    return (version == _WRITTEN_FOR and all(hasattr(owner, name) for owner, name in _PATCHED)
            and hasattr(FT2Font, "_layout") and hasattr(font_manager.fontManager, "_find_fonts_by_props")
            and hasattr(font_manager._get_font, "__wrapped__") and hasattr(font_manager, "_cached_realpath")
            and hasattr(backend_pdf, "_str_escapes") and hasattr(backend_pdf, "Op"))


@contextlib.contextmanager
def pdf_fast() -> Iterator[None]:
    """While open (re-entrant), matplotlib's PDF backend draws text and writes images the faster way."""
    if not _supported():
        yield
        return
    with _LOCK:
        _STATE["depth"] += 1
        if _STATE["depth"] == 1:
            # what is there now (also a patch installed after import) is what the replacements call and
            # what is put back: a name the class only inherits is removed again, not copied onto it
            _STATE["saved"] = [(owner, name, vars(owner).get(name, _ABSENT)) for owner, name in _PATCHED]
            for owner, name in _PATCHED:
                _STOCK[name] = getattr(owner, name)
                setattr(owner, name, _REPLACEMENTS[name])
    try:
        yield
    finally:
        with _LOCK:
            _STATE["depth"] -= 1
            if _STATE["depth"] == 0:
                for owner, name, own in _STATE["saved"]:
                    if own is _ABSENT:
                        delattr(owner, name)
                    else:
                        setattr(owner, name, own)
