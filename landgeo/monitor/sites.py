"""ASGM sites over time: count and mined area per date, growth, new sites, mining inside natural habitat.

Each date's sites are counted on that date's boundary with
:func:`landgeo.sites.attach_sites` (the rule of the profile: a footprint
counts when it touches the landscape, its mined area is the geodesic area of
the part inside). A site of a later date is **new** when it touches no site of
the previous date (footprints: they intersect; points: within
:data:`NEW_SITE_DISTANCE_M`), found in an equal-area CRS centred on the landscape.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..attach.sites import attach_sites, layer_to_wgs84
from ..errors import FieldError
from ..geo import geodesy
from ..i18n import Text
from .dates import sorted_dates

log = logging.getLogger(__name__)

NEW_SITE_DISTANCE_M = 100.0


@dataclass
class DatedSites:
    """The sites inside the landscape at one date (EPSG:4326) and their profile-style summary."""

    date: str
    part: dict
    layer: gpd.GeoDataFrame
    source: str
    notes: list[str] = field(default_factory=list)


def split_by_field(gdf: gpd.GeoDataFrame, date_field: str, *, label: str) -> dict[str, gpd.GeoDataFrame]:
    """One frame per distinct value of ``date_field`` (a year or a date); rows without a value are counted and left out.

    Returns ``{date label: rows}``; a year held as a float (2017.0) is labelled ``2017``.
    """
    if date_field not in gdf.columns:
        fields = ", ".join(c for c in gdf.columns if c != gdf.geometry.name)
        raise FieldError(Text("{layer}: no field {field}; the fields are: {fields}; fix date_field in [[monitor.sites]]",
                              params={"layer": str(label), "field": repr(date_field), "fields": fields}))
    col = gdf[date_field]
    labels = []
    for v in col:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
            labels.append(None)
        elif isinstance(v, (float, np.floating)) and float(v).is_integer():
            labels.append(str(int(v)))
        elif hasattr(v, "isoformat"):
            labels.append(v.isoformat()[:10])
        else:
            labels.append(str(v).strip() or None)
    labels_arr = np.array(labels, dtype=object)
    out = {}
    for d in sorted_dates([x for x in labels if x is not None]):
        out[d] = gdf.loc[labels_arr == d]
    missing = int(sum(x is None for x in labels))
    if missing:
        log.warning(Text("{layer}: {n} site has no {field}; it is not counted at any date",
                         "{layer}: {n} sites have no {field}; they are not counted at any date",
                         params={"layer": str(label), "n": missing, "field": date_field}))
    return out


def sites_at(boundary, gdf: gpd.GeoDataFrame, *, date: str, source: str, name_field: str | None = None,
             lang: str = "en") -> DatedSites:
    """The sites of one date inside ``boundary`` (EPSG:4326)."""
    res = attach_sites(boundary, gdf, name_field=name_field, source=source, lang=lang)
    layer = res.layer.copy()
    layer.insert(0, "date", date)
    return DatedSites(date, res.part, layer, source, list(res.notes))


def new_sites(previous: gpd.GeoDataFrame, current: gpd.GeoDataFrame, *, around) -> int:
    """How many sites of ``current`` touch no site of ``previous`` (points: none within 100 m)."""
    if len(current) == 0:
        return 0
    if len(previous) == 0:
        return len(current)
    crs = geodesy.equal_area_crs(around)
    prev = layer_to_wgs84(previous, "sites").to_crs(crs).geometry.values
    cur = layer_to_wgs84(current, "sites").to_crs(crs).geometry.values
    is_point = np.isin(shapely.get_type_id(prev), (0, 4))
    prev = np.where(is_point, shapely.buffer(prev, NEW_SITE_DISTANCE_M), prev)
    cur_point = np.isin(shapely.get_type_id(cur), (0, 4))
    cur = np.where(cur_point, shapely.buffer(cur, NEW_SITE_DISTANCE_M), cur)
    tree = shapely.STRtree(prev)
    hit, _ = tree.query(cur, predicate="intersects")
    return int(len(cur) - len(np.unique(hit)))


def footprint_union(layer: gpd.GeoDataFrame):
    """The union of a dated sites layer's footprints (None when it has none)."""
    if len(layer) == 0:
        return None
    polys = [g for g, k in zip(layer.geometry.values, layer["kind"]) if k == "footprint" and not g.is_empty]
    return shapely.union_all(polys) if polys else None
