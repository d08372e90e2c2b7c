"""Profile-table rows for the protected areas and water bodies attached to a landscape.

>>> attach_rows({"water": {"area_ha": 1500.0, "share": 0.015, "count": 2,
...              "bodies": [{"name": "Kyoga", "area_ha": 1400.0}]}}, "en")
[('Water bodies', '1,500\\xa0ha (1.5%), 2 water bodies: Kyoga 1,400\\xa0ha')]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..i18n import fmt_number, translator
from .labels import colon, fmt_ha, fmt_share, label


def _named(items, lang: str, n: int = 3) -> str:
    named = [i for i in items or [] if isinstance(i, Mapping) and i.get("name")]
    text = ", ".join(f"{i['name']} {fmt_ha(i.get('area_ha'), lang)}" for i in named[:n])
    return text + (f" + {len(named) - n}" if len(named) > n else "")


def attach_rows(profile: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    """(label, value) rows for ``protected_areas`` and ``water`` when the profile has them."""
    t = translator(lang)
    rows = []
    pa = profile.get("protected_areas")
    if isinstance(pa, Mapping) and pa.get("area_ha") is not None:
        text = f"{fmt_ha(pa['area_ha'], lang)} ({fmt_share(pa.get('share'), lang)})"
        areas = _named(pa.get("areas"), lang)
        if areas:
            text += colon(lang) + areas
        sites = pa.get("sites") or {}
        if sites.get("inside") is not None:
            km = fmt_number((pa.get("buffer_m") or 0) / 1000, lang, 1 if (pa.get("buffer_m") or 0) % 1000 else 0)
            text += t("; ", context="between parts of a table cell") + t(
                "ASGM: {inside} sites inside, {near} within {km} km", inside=int(sites["inside"]),
                near=int(sites.get("in_buffer") or 0), km=km)
            if sites.get("mined_area_inside_ha") is not None:
                text += " " + t("({area} mined inside)", area=fmt_ha(sites["mined_area_inside_ha"], lang))
        rows.append((label("protected_areas", lang), text))
    water = profile.get("water")
    if isinstance(water, Mapping) and water.get("area_ha") is not None:
        text = f"{fmt_ha(water['area_ha'], lang)} ({fmt_share(water.get('share'), lang)})"
        if water.get("count"):
            text += ", " + t("{n} water body", "{n} water bodies", n=int(water["count"]))
            named = _named(water.get("bodies"), lang)
            if named:
                text += colon(lang) + named
        rows.append((label("water", lang), text))
    return rows
