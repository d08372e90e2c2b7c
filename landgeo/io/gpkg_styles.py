"""Layer styles inside a GeoPackage: the ``layer_styles`` table QGIS reads.

QGIS looks in this table when it opens a GeoPackage layer and applies the row
marked ``useAsDefault`` for that table and geometry column (its QML). The table
has QGIS's own columns (``f_table_catalog, f_table_schema, f_table_name,
f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description,
owner, ui, update_time``) and is written through GDAL as an attribute table,
as QGIS itself does.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

import pandas as pd
import pyogrio

TABLE = "layer_styles"
COLUMNS = ("f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column", "styleName", "styleQML",
           "styleSLD", "useAsDefault", "description", "owner", "ui", "update_time")


class _Style(Protocol):
    qml: str
    title: str


def _geometry_columns(path: Path) -> dict[str, str]:
    """table name → geometry column name, from ``gpkg_geometry_columns``."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        return {t: c for t, c in con.execute("SELECT table_name, column_name FROM gpkg_geometry_columns")}


def _update_time() -> pd.Timestamp:
    """Now (UTC), or ``OGR_CURRENT_DATE`` when set, so reproducible builds stay reproducible."""
    fixed = os.environ.get("OGR_CURRENT_DATE")
    if fixed:
        return pd.Timestamp(fixed).tz_convert(None) if pd.Timestamp(fixed).tzinfo else pd.Timestamp(fixed)
    return pd.Timestamp(dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0))


def write_layer_styles(path: str | Path, styles: Mapping[str, _Style], *, name: str = "landgeo") -> int:
    """Add one default QML style per layer of the GeoPackage ``path`` (layer name → style with ``qml``, ``title``).

    Layers of ``styles`` that are not in the file are skipped. The file is
    written in place, so call this on the temporary output before it is
    renamed into place. Returns the number of styles written.
    """
    path = Path(path)
    geometry = _geometry_columns(path)
    rows = [
        {"f_table_catalog": "", "f_table_schema": "", "f_table_name": layer, "f_geometry_column": geometry[layer],
         "styleName": name, "styleQML": s.qml, "styleSLD": "", "useAsDefault": True, "description": s.title,
         "owner": "", "ui": "", "update_time": _update_time()}
        for layer, s in styles.items() if layer in geometry
    ]
    if not rows:
        return 0
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    append = TABLE in {str(n) for n, _ in pyogrio.list_layers(str(path))}
    pyogrio.write_dataframe(frame, str(path), layer=TABLE, driver="GPKG", append=append,
                            layer_options=None if append else {"FID": "id"})
    return len(rows)


def read_layer_styles(path: str | Path) -> pd.DataFrame:
    """The ``layer_styles`` table of a GeoPackage (empty frame when it has none)."""
    path = Path(path)
    if TABLE not in {str(n) for n, _ in pyogrio.list_layers(str(path))}:
        return pd.DataFrame(columns=list(COLUMNS))
    return pyogrio.read_dataframe(str(path), layer=TABLE, read_geometry=False)
