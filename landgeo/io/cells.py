"""Spreadsheet cells that cannot run: text from layers and recipes made inert before any table is written.

Text starting with ``=``, ``+``, ``-``, ``@``, a tab, CR or LF is what Excel, LibreOffice and Google
Sheets read as a formula (or hide the start of); such cells get a leading apostrophe (OWASP's advice),
in every CSV and XLSX landgeo writes.
"""

from __future__ import annotations

import math
from typing import Any

#: Characters that make a spreadsheet read a cell as a formula (or hide its start).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise_cell(value: Any) -> Any:
    """A spreadsheet cell that cannot run as a formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, tab, CR or LF gets a leading
    apostrophe (OWASP's advice); numbers and other values are returned as they are.

    >>> neutralise_cell('=HYPERLINK("http://x")'), neutralise_cell("-3"), neutralise_cell(-3), neutralise_cell("Ankasa")
    ('\\'=HYPERLINK("http://x")', "'-3", -3, 'Ankasa')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return value


def neutralise_frame(frame):
    """A copy of a (Geo)DataFrame whose text cells and column names are neutralised (see :func:`neutralise_cell`)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype) in ("string", "str"):
            out[col] = out[col].map(neutralise_cell)
    out.columns = [neutralise_cell(c) if isinstance(c, str) else c for c in out.columns]
    return out
