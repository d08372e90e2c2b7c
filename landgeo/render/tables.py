"""The profile's tables for a spreadsheet: ecosystems, land cover, admin units, sites, checks.

Each table is a DataFrame whose column headers are in the profile's language
and whose numbers stay numbers (areas in ha, shares in 0..1, distances in m).
The totals are the profile's: the class areas are ``profile.json``'s, the admin
units' areas are those of their parts inside the landscape.

>>> t = profile_tables({"language": "fr", "checks": [{"id": "scale", "status": "ok", "message": "m"}]}, {})
>>> list(t), list(t["checks"].columns)
(['checks'], ['Contrôle', 'Statut', 'Message', 'Valeur'])
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pandas as pd

from ..i18n import N_, translator

#: table key → sheet name (English message id); the keys are also the CSV file names (``<key>.csv``)
TABLES = {
    "ecosystems": N_("Ecosystems"),
    "land_cover": N_("Land cover"),
    "admin_units": N_("Admin units"),
    "sites": N_("Sites"),
    "checks": N_("Checks"),
}

#: column key → column header (English message id)
HEADERS = {
    "class": N_("Class"),
    "ecosystem": N_("Ecosystem"),
    "value": N_("Code"),
    "area_ha": N_("Area (ha)"),
    "share": N_("Share of the landscape"),
    "name": N_("Name"),
    "level": N_("Level"),
    "country": N_("Country"),
    "inside_ha": N_("Area inside the landscape (ha)"),
    "unit_area_ha": N_("Area of the unit (ha)"),
    "share_of_landscape": N_("Share of the landscape"),
    "share_of_unit": N_("Share of the unit in the landscape"),
    "site": N_("Site"),
    "kind": N_("Kind"),
    "dist_river_m": N_("Distance to the nearest river (m)"),
    "near_water": N_("Near water"),
    "admin_unit": N_("Admin unit"),
    "lon": N_("Longitude"),
    "lat": N_("Latitude"),
    "check": N_("Check"),
    "status": N_("Status"),
    "message": N_("Message"),
    "check_value": N_("Value"),
}

#: Columns holding shares (0..1), shown as percentages in a spreadsheet.
SHARE_KEYS = ("share", "share_of_landscape", "share_of_unit")


def header(key: str, lang: str) -> str:
    """The column header ``key`` in ``lang``."""
    return translator(lang)(HEADERS[key])


def sheet_name(key: str, lang: str) -> str:
    """The spreadsheet tab of table ``key`` in ``lang`` (at most 31 characters)."""
    return translator(lang)(TABLES[key])[:31]


def _frame(rows: list[dict], keys: list[str], lang: str) -> pd.DataFrame:
    frame = pd.DataFrame([{k: r.get(k) for k in keys} for r in rows], columns=keys)
    frame.attrs["keys"] = list(keys)  # the language-free column keys, for number formats
    return frame.rename(columns={k: header(k, lang) for k in keys})


def _classes(part) -> list[dict]:
    classes = part.get("classes") if isinstance(part, Mapping) else part
    return [c for c in classes or [] if isinstance(c, Mapping)]


def _number(value, digits: int):
    try:
        return None if value is None or pd.isna(value) else round(float(value), digits)
    except (TypeError, ValueError):
        return None


def admin_units_rows(profile: Mapping, layer=None) -> list[dict]:
    """The admin units the landscape spans: name, level, country, area inside (ha), unit area (ha), both shares.

    From the ``admin_units`` layer (clipped parts with ``area_ha``) when given, else
    from ``profile.json`` (area inside = share of the landscape × landscape area).
    """
    area = _number(profile.get("area_ha"), 2) or 0.0
    units = (profile.get("location") or {}).get("admin_units") or []
    by_name = {str(u.get("name")): u for u in units if isinstance(u, Mapping)}
    rows = []
    if layer is not None and len(layer) and "name" in layer.columns:
        for _, r in layer.iterrows():
            u = by_name.get(str(r["name"]), {})
            share_l = u.get("share_of_landscape", r.get("share_of_landscape"))
            share_u = u.get("share_of_unit", r.get("share_of_unit"))
            inside = r.get("area_ha") if "area_ha" in layer.columns else (share_l or 0) * area
            unit_ha = r.get("unit_area_ha") if "unit_area_ha" in layer.columns else (
                inside / share_u if share_u else None)
            rows.append({"name": str(r["name"]), "level": u.get("level", r.get("level")), "country": r.get("country"),
                         "inside_ha": _number(inside, 2), "unit_area_ha": _number(unit_ha, 2),
                         "share_of_landscape": _number(share_l, 6), "share_of_unit": _number(share_u, 6)})
        return rows
    for u in by_name.values():
        share_l, share_u = u.get("share_of_landscape"), u.get("share_of_unit")
        inside = (share_l or 0.0) * area
        rows.append({"name": str(u.get("name")), "level": u.get("level"), "country": u.get("country"),
                     "inside_ha": _number(inside, 2), "unit_area_ha": _number(inside / share_u, 2) if share_u else None,
                     "share_of_landscape": _number(share_l, 6), "share_of_unit": _number(share_u, 6)})
    return rows


def _site_rows(layer) -> list[dict]:
    id_field = next((c for c in ("site_id", "name", "id") if c in layer.columns), None)
    pts = layer.geometry.representative_point()
    rows = []
    for (i, r), pt in zip(layer.iterrows(), pts):
        rows.append({
            "site": str(r[id_field]) if id_field and r[id_field] is not None else str(i),
            "kind": r.get("kind"),
            "area_ha": _number(r.get("area_ha"), 4),
            "dist_river_m": _number(r.get("dist_river_m"), 1),
            "near_water": None if r.get("near_water") is None or pd.isna(r.get("near_water")) else bool(r.get("near_water")),
            "admin_unit": r.get("admin_unit"),
            "lon": _number(pt.x, 6) if pt is not None and not pt.is_empty else None,
            "lat": _number(pt.y, 6) if pt is not None and not pt.is_empty else None,
        })
    return rows


def _check_value(value):
    if value is None or isinstance(value, (int, float, str, bool)):
        return value
    return json.dumps(value, ensure_ascii=False)


def profile_tables(profile: Mapping, layers: Mapping[str, object], *, lang: str | None = None) -> dict[str, pd.DataFrame]:
    """Table key → DataFrame (headers in ``lang``, default the profile's), for the parts the profile has."""
    lang = lang or profile.get("language") or "en"
    out: dict[str, pd.DataFrame] = {}
    eco = _classes(profile.get("ecosystems"))
    lc = _classes(profile.get("land_cover"))
    if eco and lc and all(c.get("value") is not None for c in eco):
        eco = []  # the land-cover classes standing in for ecosystems: one table, not the same one twice
    if eco:
        out["ecosystems"] = _frame([{"ecosystem": c.get("class"), "area_ha": _number(c.get("area_ha"), 2),
                                     "share": _number(c.get("share"), 6)} for c in eco],
                                   ["ecosystem", "area_ha", "share"], lang)
    if lc:
        out["land_cover"] = _frame([{"value": c.get("value"), "class": c.get("class"), "area_ha": _number(c.get("area_ha"), 2),
                                     "share": _number(c.get("share"), 6)} for c in lc],
                                   ["value", "class", "area_ha", "share"], lang)
    admin = admin_units_rows(profile, layers.get("admin_units"))
    if admin:
        out["admin_units"] = _frame(admin, ["name", "level", "country", "inside_ha", "unit_area_ha", "share_of_landscape",
                                            "share_of_unit"], lang)
    sites = layers.get("sites")
    if sites is not None and len(sites):
        out["sites"] = _frame(_site_rows(sites), ["site", "kind", "area_ha", "dist_river_m", "near_water", "admin_unit",
                                                  "lon", "lat"], lang)
    checks = [c for c in profile.get("checks") or [] if isinstance(c, Mapping)]
    if checks:
        out["checks"] = _frame([{"check": c.get("id"), "status": c.get("status"), "message": c.get("message"),
                                 "check_value": _check_value(c.get("value"))} for c in checks],
                               ["check", "status", "message", "check_value"], lang)
    return out
