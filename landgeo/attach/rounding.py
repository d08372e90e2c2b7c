"""Numbers of the attached parts rounded for profile.json (ha to 0.01, shares to 1e-6, km to 0.001, m to 0.1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np


def _round(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _round(v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_round(v, key) for v in value]
    if isinstance(value, (np.floating, np.integer)):
        value = value.item()
    if isinstance(value, float):
        if not np.isfinite(value):
            return None
        if "share" in key:
            return round(value, 6)
        if key == "density_per_1000_ha":
            return round(value, 4)
        if key.endswith("_ha") or key.endswith("_km2"):
            return round(value, 2)
        if key.endswith("_km"):
            return round(value, 3)
        if key.endswith("_m") or key in {"median", "min"}:
            return round(value, 1)
        if key == "total":
            return int(round(value))
        return round(value, 6)
    return value



def rounded(part: Mapping) -> dict:
    """A part with its numbers rounded for profile.json (deterministic text)."""
    return _round(dict(part))

