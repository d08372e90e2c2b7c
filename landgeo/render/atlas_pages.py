"""Assembling an atlas from pages already drawn: contents pages, then each landscape's own sheet.pdf.

A batch draws every landscape's sheet on its workers; drawing them all again in one process for
the atlas cost more than the batch itself (119 Madagascar districts: ≈ 2 of the 5 minutes). Here
the pages are copied by PDFium (pypdfium2): 0.4-0.6 s for 119 sheets, where pypdf took ≈ 6-11 s.
The drawn contents PDF is the base document, so its metadata (title, creator, dates) is the atlas's;
PDFium's random file identifier is replaced by one made from the file's bytes, so the same pages give
the same file.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pypdfium2

from ..i18n import Text
from .rasterise import PDFIUM_LOCK

log = logging.getLogger(__name__)

_TRAILER_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")


def _fixed_id(data: bytes) -> bytes:
    """``data`` with its last trailer's /ID replaced by a digest of everything else (same length, same offsets)."""
    found = list(_TRAILER_ID.finditer(data, max(0, data.rfind(b"trailer"))))
    if not found:
        log.warning(Text("atlas: no file identifier found in the trailer; the file keeps PDFium's (not reproducible)"))
        return data
    m = found[-1]
    digest = hashlib.md5(data[:m.start()] + data[m.end():], usedforsecurity=False).hexdigest().upper()
    first, second = (digest * 4)[:len(m.group(1))], (digest * 4)[:len(m.group(2))]
    return data[:m.start(1)] + first.encode() + data[m.end(1):m.start(2)] + second.encode() + data[m.end(2):]


def assemble(drawn, n_contents: int, sheets: Sequence[Any], out: str | Path) -> Path:
    """Write ``out``: the first ``n_contents`` pages of ``drawn`` (a PDF file or buffer), then one page per
    item of ``sheets`` in order — every page of that PDF for a :class:`~pathlib.Path` (a landscape's
    sheet.pdf: its sheet, and its change page when it has dated layers), else the next page of ``drawn``.
    The atlas keeps ``drawn``'s metadata.
    """
    if hasattr(drawn, "seek"):
        drawn.seek(0)
        data = drawn.read()
    else:
        data = Path(drawn).read_bytes()
    with PDFIUM_LOCK:
        atlas = pypdfium2.PdfDocument(data)  # contents, then the drawn sheets in order: copied ones go between
        try:
            pos, copied = n_contents, 0
            for sheet in sheets:
                if isinstance(sheet, Path):
                    src = pypdfium2.PdfDocument(sheet)
                    try:
                        atlas.import_pages(src, index=pos)
                        pos += len(src)
                    finally:
                        src.close()
                    copied += 1
                else:
                    pos += 1
            pages = len(atlas)
            buf = io.BytesIO()
            atlas.save(buf)
        finally:
            atlas.close()
    out = Path(out)
    out.write_bytes(_fixed_id(buf.getvalue()))
    log.debug("atlas %s: %d pages (%d copied)", out, pages, copied)  # how the PDF was put together; atlas.py says what it holds
    return out
