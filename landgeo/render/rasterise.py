"""Pages of a PDF as PNG images, drawn by PDFium (pypdfium2).

A sheet is always written as a PDF first; its PNG is that page drawn at the PNG's resolution. PDFium
draws a sheet page at 200 dpi in 0.14-0.24 s where matplotlib's Agg backend, drawing the figure a
second time, took 0.25-0.58 s, text being most of it (``benchmarks/README.md``, Rendering), and the
PNG shows exactly what the PDF holds. PDFium is not thread-safe: one document at a time per process.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pypdfium2

from .png_encode import encode_png

__all__ = ["PDFIUM_LOCK", "pdf_pages_png"]

_PT_PER_INCH = 72.0
PDFIUM_LOCK = threading.Lock()  #: held while any PDFium document is open in this process


def pdf_pages_png(pdf: bytes, pages: Sequence[int], *, dpi: float) -> list[bytes]:
    """Each of ``pages`` (0-based) of the PDF ``pdf`` as opaque RGB PNG bytes at ``dpi``.

    The size in pixels is the page's size in inches times ``dpi``, cut to whole pixels as matplotlib's
    Agg backend does (PDFium rounds up).
    """
    out = []
    with PDFIUM_LOCK:
        doc = pypdfium2.PdfDocument(pdf)
        try:
            for index in pages:
                page = doc[index]
                try:
                    width_pt, height_pt = page.get_size()
                    bitmap = page.render(scale=dpi / _PT_PER_INCH, rev_byteorder=True, draw_annots=False,
                                         may_draw_forms=False, fill_color=(255, 255, 255, 255))
                    try:
                        rows = int(height_pt / _PT_PER_INCH * dpi + 0.05)  # the PDF keeps sizes to ~0.01 pt
                        cols = int(width_pt / _PT_PER_INCH * dpi + 0.05)
                        out.append(encode_png(bitmap.to_numpy()[:rows, :cols, :3], dpi=dpi))
                    finally:
                        bitmap.close()
                finally:
                    page.close()
        finally:
            doc.close()
    return out
