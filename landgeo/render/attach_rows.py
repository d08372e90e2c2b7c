"""Profile-table rows for the protected areas and water bodies attached to a landscape.

>>> attach_rows({"water": {"area_ha": 1500.0, "share": 0.015, "count": 2,
...              "bodies": [{"name": "Kyoga", "area_ha": 1400.0}]}}, "en")
[('Water bodies', '1,500\\xa0ha (1.5\\xa0%), 2 water bodies: Kyoga 1,400\\xa0ha')]
"""

from __future__ import annotations

from typing import Any, Mapping

from ..i18n import fmt_number
from .labels import fmt_ha, fmt_share, label


def _named(items, lang: str, n: int = 3) -> str:
    named = [i for i in items or [] if isinstance(i, Mapping) and i.get("name")]
    text = ", ".join(f"{i['name']} {fmt_ha(i.get('area_ha'), lang)}" for i in named[:n])
    return text + (f" + {len(named) - n}" if len(named) > n else "")


def attach_rows(profile: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    """(label, value) rows for ``protected_areas`` and ``water`` when the profile has them."""
    rows = []
    pa = profile.get("protected_areas")
    if isinstance(pa, Mapping) and pa.get("area_ha") is not None:
        fr = lang == "fr"
        text = f"{fmt_ha(pa['area_ha'], lang)} ({fmt_share(pa.get('share'), lang)})"
        areas = _named(pa.get("areas"), lang)
        if areas:
            text += f": {areas}" if not fr else f"\u00a0: {areas}"
        sites = pa.get("sites") or {}
        if sites.get("inside") is not None:
            buf = fmt_number((pa.get("buffer_m") or 0) / 1000, lang, 1).rstrip("0").rstrip(".,")
            text += ("; " if not fr else " ; ") + (
                f"ASGM: {fmt_number(sites['inside'], lang)} sites inside, {fmt_number(sites.get('in_buffer') or 0, lang)} "
                f"within {buf} km" if not fr else
                f"EMAPE : {fmt_number(sites['inside'], lang)} sites dedans, {fmt_number(sites.get('in_buffer') or 0, lang)} "
                f"à moins de {buf} km")
            if sites.get("mined_area_inside_ha") is not None:
                text += f" ({fmt_ha(sites['mined_area_inside_ha'], lang)} " + ("mined inside)" if not fr else "exploités dedans)")
        rows.append((label("protected_areas", lang), text))
    water = profile.get("water")
    if isinstance(water, Mapping) and water.get("area_ha") is not None:
        text = f"{fmt_ha(water['area_ha'], lang)} ({fmt_share(water.get('share'), lang)})"
        if water.get("count"):
            word = "water bodies" if lang != "fr" else "plans d'eau"
            text += f", {fmt_number(water['count'], lang)} {word}"
            named = _named(water.get("bodies"), lang)
            if named:
                text += (": " if lang != "fr" else "\u00a0: ") + named
        rows.append((label("water", lang), text))
    return rows
