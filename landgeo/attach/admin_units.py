"""The administrative units a landscape spans, with the share of the landscape and of each unit (edge slivers left out)."""

from __future__ import annotations

import logging

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry

from ..geo import geodesy
from ..i18n import translator
from ..i18n.names import is_blank, names_of, unnamed_note
from .common import clip_layer, require_field, uncovered_ha
from .sites import layer_to_wgs84

log = logging.getLogger(__name__)

#: A unit is an edge sliver (left out of location.admin_units) when less than this share of it lies in the landscape.
SLIVER_SHARE_OF_UNIT = 0.01


def admin_units_spanned(
    boundary: BaseGeometry, units: gpd.GeoDataFrame, *, name_field: str, level: str | None = None,
    country_field: str | None = None, source: str | None = None, lang: str = "en",
) -> tuple[dict, gpd.GeoDataFrame, list[str]]:
    """Administrative units the landscape spans, with shares of each.

    ``share_of_landscape`` is the unit's part of the landscape,
    ``share_of_unit`` the part of the unit inside the landscape (geodesic).
    A unit is left out only when the landscape touches a sliver *of that
    unit* — less than :data:`SLIVER_SHARE_OF_UNIT` of the unit's own area (an
    edge where two layers' outlines do not quite match) — never because the
    unit is small beside the landscape; those left out are counted in a note and
    the rule is stated in the part (``sliver_rule``). Every unit is kept, however
    long the list. Units with no name are grouped as "unnamed" (noted).
    """
    notes: list[str] = []
    label = source or "admin units"
    require_field(units, name_field, label, "name_field in [attach.admin_units]")
    if country_field:
        require_field(units, country_field, label, "country_field in [attach.admin_units]")
    gdf = layer_to_wgs84(units, label, notes, lang=lang)
    boundary_ha = geodesy.area_ha(boundary)
    sub, pieces = clip_layer(gdf, boundary)
    pieces = [geodesy.polygonal(p) for p in pieces]
    inters = [geodesy.area_ha(p) for p in pieces]
    covered = shapely.union_all([p for p in pieces if not p.is_empty]) if pieces else None
    # shares of the landscape: of the pieces plus the part no unit covers, so they sum to 1 exactly
    denom = sum(inters) + uncovered_ha(boundary, covered, boundary_ha)
    names, blank = names_of(sub[name_field].to_numpy(), lang)
    if blank:
        notes.append(unnamed_note(label, name_field, blank, lang))
    countries_of = names_of(sub[country_field].to_numpy(), lang)[0] if country_field else [None] * len(sub)
    unit_ha = geodesy.areas_ha(sub.geometry.values)
    rows = []
    geoms = []
    slivers = 0
    for k, inter in enumerate(inters):
        if inter <= 0 or denom <= 0:
            continue
        share_of_unit = min(1.0, inter / unit_ha[k]) if unit_ha[k] > 0 else 1.0
        if share_of_unit < SLIVER_SHARE_OF_UNIT:
            slivers += 1
            continue
        rows.append({
            "name": names[k],
            "level": level,
            "country": countries_of[k] if country_field and not is_blank(sub[country_field].iloc[k]) else None,
            "area_ha": inter,
            "unit_area_ha": float(unit_ha[k]),
            "share_of_landscape": inter / denom,
            "share_of_unit": share_of_unit,
        })
        geoms.append(pieces[k])  # the layer holds the part of each unit inside the landscape
    order = sorted(range(len(rows)), key=lambda i: (-rows[i]["share_of_landscape"], rows[i]["name"]))
    rows = [rows[i] for i in order]
    geoms = [geoms[i] for i in order]
    if slivers:
        t = translator(lang)
        notes.append(t("{label}: {n} unit touches the landscape by less than {share:.0%} of its own area (an edge sliver) "
                       "and was left out",
                       "{label}: {n} units touch the landscape by less than {share:.0%} of their own area (edge slivers) "
                       "and were left out", n=slivers, label=label, share=SLIVER_SHARE_OF_UNIT))
    layer = gpd.GeoDataFrame(
        {k: [r[k] for r in rows] for k in ("name", "level", "country", "area_ha", "unit_area_ha", "share_of_landscape", "share_of_unit")},
        geometry=geoms, crs=4326,
    )
    countries = sorted({r["country"] for r in rows if r["country"]})
    units_out = [{k: r[k] for k in ("name", "level", "share_of_landscape", "share_of_unit")} for r in rows]
    part = {"countries": countries, "admin_units": units_out, "source": source,
            "sliver_rule": {"share_of_unit_below": SLIVER_SHARE_OF_UNIT, "left_out": slivers}}
    return part, layer, notes

