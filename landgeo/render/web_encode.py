"""Encoding data for a self-contained web page: JSON safe inside ``<script>``, images as PNG data URIs."""

from __future__ import annotations

import base64
import io
import json
from typing import Any

import numpy as np
from PIL import Image


def json_for_script(obj: Any) -> str:
    """JSON that is safe inside a ``<script>`` element."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def to_mercator_rows(rgba: np.ndarray, bottom: float, top: float) -> np.ndarray:
    """Resample rows of a lon/lat image (north up) so they are evenly spaced in Web Mercator y (nearest row)."""
    def merc(lat):
        return np.log(np.tan(np.pi / 4 + np.radians(np.clip(lat, -85, 85)) / 2))

    rows = rgba.shape[0]
    y = np.linspace(merc(top), merc(bottom), rows, endpoint=False) + (merc(bottom) - merc(top)) / rows / 2
    lat = np.degrees(2 * np.arctan(np.exp(y)) - np.pi / 2)
    src = np.clip(((top - lat) / (top - bottom) * rows).astype(int), 0, rows - 1)
    return rgba[src]


def png_data_uri(rgba: np.ndarray) -> str:
    """An RGBA array as a ``data:image/png;base64,...`` URI (inlined: no file, no network)."""
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgba), "RGBA").save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
