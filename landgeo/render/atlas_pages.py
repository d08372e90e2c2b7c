"""Assembling an atlas from pages already drawn: contents pages, then each landscape's own sheet.pdf.

A batch draws every landscape's sheet on its workers; drawing them all again in one process for
the atlas cost more than the batch itself (119 Madagascar districts: ≈ 2 of the 5 minutes). Here
the pages are copied (pypdf), not drawn again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter

log = logging.getLogger(__name__)


def _pdf_date(when: dt.datetime | None) -> str | None:
    return None if when is None else when.strftime("D:%Y%m%d%H%M%SZ")


def assemble(drawn, n_contents: int, sheets: Sequence[Any], out: str | Path, *, metadata: Mapping[str, Any]) -> Path:
    """Write ``out``: the first ``n_contents`` pages of ``drawn`` (a PDF file or buffer), then one page per
    item of ``sheets`` in order — every page of that PDF for a :class:`~pathlib.Path` (a landscape's
    sheet.pdf: its sheet, and its change page when it has dated layers), else the next page of ``drawn``."""

    if hasattr(drawn, "seek"):
        drawn.seek(0)
    own = PdfReader(drawn)
    writer = PdfWriter()
    for i in range(n_contents):
        writer.add_page(own.pages[i])
    nxt = n_contents
    for sheet in sheets:
        if isinstance(sheet, Path):
            for page in PdfReader(sheet).pages:
                writer.add_page(page)
        else:
            writer.add_page(own.pages[nxt])
            nxt += 1
    info = {"/Title": str(metadata.get("Title") or ""), "/Creator": str(metadata.get("Creator") or ""),
            "/Producer": str(metadata.get("Creator") or "landgeo")}
    for key in ("CreationDate", "ModDate"):
        value = _pdf_date(metadata.get(key))
        if value:
            info[f"/{key}"] = value
    writer.add_metadata(info)
    out = Path(out)
    with open(out, "wb") as fh:
        writer.write(fh)
    log.info("atlas %s: %d pages (%d copied)", out, len(writer.pages), sum(isinstance(s, Path) for s in sheets))
    return out
