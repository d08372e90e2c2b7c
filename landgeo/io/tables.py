"""Tables written as CSV (UTF-8 with BOM, for spreadsheets) and as one XLSX workbook, one sheet per table.

Numbers stay numbers; text cells that a spreadsheet would read as a formula
(starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) are
neutralised with a leading apostrophe, since names come from the user's layers.

>>> _neutralised(pd.DataFrame({"n": ["=HYPERLINK(1)", "Kora"], "ha": [-3.0, 1.0]}))["n"].tolist()
["'=HYPERLINK(1)", 'Kora']
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from .atomic import neutralise_frame


def _neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    return neutralise_frame(frame)


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write one table as CSV (UTF-8 with a BOM so spreadsheets read the accents; no index)."""
    path = Path(path)
    safe = _neutralised(frame)
    # a carriage return in a text becomes a line break, so the cell is quoted and rows stay rows (as in the
    # XLSX, where XML reads a CR as a line break; and io.atomic.write_csv)
    safe = safe.map(lambda v: v.replace("\r\n", "\n").replace("\r", "\n") if isinstance(v, str) else v)
    safe.columns = [c.replace("\r\n", "\n").replace("\r", "\n") if isinstance(c, str) else c for c in safe.columns]
    safe.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
    return path


def write_xlsx(sheets: Mapping[str, pd.DataFrame], path: str | Path, *, percent_columns: Mapping[str, list[str]] | None = None) -> Path:
    """Write tables to one workbook (sheet name → table), headers bold and frozen, widths fitted.

    ``percent_columns``: sheet name → headers of columns holding shares (0..1), shown as percentages.
    """
    # slow start-up: openpyxl loads only when a workbook is written
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in sheets.items():
        # control characters a worksheet cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE) are dropped from text cells
        frame = frame.map(lambda v: ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v)
        ws = wb.create_sheet(title=name)
        safe = _neutralised(frame)
        ws.append(list(safe.columns))
        for row in safe.itertuples(index=False):
            ws.append([None if (not isinstance(v, str) and pd.isna(v)) else (v.item() if hasattr(v, "item") else v) for v in row])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in ws.iter_rows(min_row=2):  # text is text, never a formula
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        ws.freeze_panes = "A2"
        pct = set((percent_columns or {}).get(name, ()))
        for j, col in enumerate(safe.columns, start=1):
            letter = get_column_letter(j)
            width = max([len(str(col))] + [len(str(v)) for v in safe.iloc[:, j - 1].head(200)])
            ws.column_dimensions[letter].width = min(60, max(8, width + 2))
            if col in pct:
                for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                    cell.number_format = "0.0%"
    wb.save(path)
    return path
