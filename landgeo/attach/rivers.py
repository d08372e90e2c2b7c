"""River length inside a landscape (geodesic) and the named rivers, longest first."""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
from shapely.geometry.base import BaseGeometry

from ..geo import geodesy
from ..i18n import Text
from .common import clip_layer, lineal, method_fields, require_field
from .sites import layer_to_wgs84

log = logging.getLogger(__name__)

def rivers_inside(
    boundary: BaseGeometry, rivers: gpd.GeoDataFrame, *, name_field: str | None = None, source: str | None = None,
    lang: str = "en",
) -> tuple[dict, gpd.GeoDataFrame, list[str]]:
    """Geodesic length (km) of rivers inside ``boundary`` and the named rivers (longest first)."""
    notes: list[str] = []
    label = source or "rivers"
    if name_field:
        require_field(rivers, name_field, label, "name_field in [attach.rivers]")
    gdf = layer_to_wgs84(rivers, label, notes, lang=lang)
    sub, pieces = clip_layer(gdf, boundary)
    pieces = np.array([lineal(g) for g in pieces], dtype=object)
    lengths = np.array([geodesy.length_km(g) for g in pieces])
    keep = lengths > 0
    names = sub[name_field].astype("string").fillna("").to_numpy()[keep] if name_field else np.full(int(keep.sum()), "")
    pieces, lengths = pieces[keep], lengths[keep]
    by_name: dict[str, float] = {}
    for nm, ln in zip(names, lengths):
        nm = str(nm).strip()
        if nm and nm.lower() not in {"nan", "none", "<na>"}:
            by_name[nm] = by_name.get(nm, 0.0) + float(ln)
    named = [{"name": k, "length_km": v} for k, v in sorted(by_name.items(), key=lambda kv: (-kv[1], kv[0]))]
    layer = gpd.GeoDataFrame({"name": [str(n) for n in names], "length_km": lengths}, geometry=list(pieces), crs=4326)
    part = {"length_km": float(lengths.sum()), "named": named, "source": source,
            **method_fields(Text("geodesic length (WGS84) of the river lines inside the landscape"), lang)}
    return part, layer, notes

