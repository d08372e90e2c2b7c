"""Labels for web maps, map sheets and atlases, looked up in the message catalogues.

Only message ids live here (English, marked with ``N_``); translations are in the
``.po`` files of :mod:`landgeo.i18n`, number formats come from there too.

>>> label("sites", "fr")
"Sites d'EMAPE"
>>> verdict_text("within", "en")
'within the landscape scale band'
>>> label("sites", "es"), label("sites", "pt")
('Sitios de MAPE', 'Locais de garimpo')
>>> colon("fr")
'\\xa0: '
"""

from __future__ import annotations

from typing import Any

from ..i18n import N_, fmt_number, translator
from ..i18n import fmt_share as share_text

#: key → English message id (translated through the catalogues when rendered)
LABELS: dict[str, str] = {
    "profile": N_("Landscape profile"),
    "boundary": N_("Landscape boundary"),
    "admin_units": N_("Administrative units"),
    "ecosystems": N_("Ecosystems / land cover"),
    "landcover": N_("Land cover"),
    "sites": N_("ASGM sites"),
    "site_footprints": N_("ASGM footprints"),
    "rivers": N_("Rivers"),
    "context": N_("Country"),
    "hillshade": N_("Relief (hillshade)"),
    "legend": N_("Legend"),
    "location": N_("Location"),
    "size": N_("Size"),
    "definition": N_("Boundary definition"),
    "population": N_("Population"),
    "ecosystem_types": N_("Ecosystem types"),
    "livelihoods": N_("Livelihoods"),
    "non_economic": N_("Non-economic livelihoods"),
    "products": N_("Main products"),
    "agricultural": N_("agricultural"),
    "non_agricultural": N_("non-agricultural"),
    "challenges": N_("Main challenges"),
    "governance": N_("Governance and coordination"),
    "composition": N_("Ecosystem / land-cover composition"),
    "share": N_("share of the landscape"),
    "sources": N_("Sources"),
    "source": N_("Source"),
    "date": N_("Date"),
    "crs": N_("Map: WGS 84 (EPSG:4326), geographic coordinates; areas and lengths are geodesic"),
    "made_with": N_("Made with landgeo"),
    "no_data": N_("not recorded"),
    "area": N_("Area"),
    "perimeter": N_("perimeter"),
    "name": N_("Name"),
    "class": N_("Class"),
    "level": N_("Level"),
    "sites_count": N_("sites"),
    "per_1000_ha": N_("per 1,000 ha"),
    "near_water": N_("within {d} m of water"),
    "water_unknown": N_("distance to water unknown (no water data near enough to say)"),
    "water_n_unknown": N_("{n} unknown"),
    "water_median": N_("median distance to water {d}"),
    "length": N_("Length"),
    "km_rivers": N_("of rivers"),
    "inhabitants": N_("inhabitants"),
    "of_landscape": N_("of the landscape"),
    "of_unit": N_("of the unit"),
    "north": N_("N"),
    "scale_km": N_("km"),
    "other": N_("Other"),
    "atlas": N_("Landscape atlas"),
    "contents": N_("Contents"),
    "page": N_("Page"),
    "status": N_("Status"),
    "verdict": N_("Scale"),
    "verdict_below": N_("below the band"),
    "verdict_within": N_("within the band"),
    "verdict_above": N_("above the band"),
    "ok": N_("ok"),
    "failed": N_("failed"),
    "failures": N_("Landscapes that could not be rendered"),
    "error": N_("Error"),
    "landscape": N_("Landscape"),
    "checks": N_("Checks"),
    "osm": N_("OpenStreetMap"),
    "feature_count": N_("features"),
    "water": N_("Water bodies"),
    "protected_areas": N_("Protected areas"),
    "roads": N_("Roads"),
    "tracks": N_("Tracks"),
    "settlements": N_("Settlements"),
    "border": N_("International border"),
    "streams": N_("Streams (flow accumulation ≥ {n} cells)"),
    "outlet_given": N_("Outlet given"),
    "outlet_snapped": N_("Outlet snapped ({d} m)"),
    "basemap": N_("Basemap"),
    "basin_units": N_("Basin units traced"),
    "outlet_unit": N_("Outlet unit"),
}

VERDICTS: dict[str, str] = {
    "below": N_("below the landscape scale band"),
    "within": N_("within the landscape scale band"),
    "above": N_("above the landscape scale band"),
}

METHODS: dict[str, str] = {
    "admin": N_("administrative units"),
    "file": N_("boundary file"),
    "basins": N_("river basins"),
    "dem": N_("catchment from a DEM"),
    "combine": N_("combined boundaries"),
}


def label(key: str, lang: str) -> str:
    """The label ``key`` in ``lang`` (one of :data:`landgeo.i18n.LANGUAGES`); an unknown key is returned as is."""
    message = LABELS.get(key)
    if message is None:
        return key
    return translator(lang)(message)


def verdict_text(verdict: str | None, lang: str) -> str:
    """A sentence fragment for a scale verdict (``below``, ``within``, ``above``)."""
    message = VERDICTS.get(str(verdict))
    if message is None:
        return str(verdict) if verdict else label("no_data", lang)
    return translator(lang)(message)


def method_text(method: str | None, lang: str) -> str:
    """A short name for a delineation method; unknown methods are returned as is."""
    message = METHODS.get(str(method))
    if message is None:
        return str(method) if method else ""
    return translator(lang)(message)


def colon(lang: str) -> str:
    """The separator between a label and its value: ``': '``; French ``'\\u00a0: '`` (no-break space)."""
    t = translator(lang)
    return t(": ", context="between a label and its value")


def fmt_ha(value: Any, lang: str) -> str:
    """An area in hectares: ``12,345 ha`` / ``12 345 ha``; missing → ``not recorded``.

    >>> fmt_ha(1234567.8, "en")
    '1,234,568\\xa0ha'
    >>> fmt_ha(None, "fr")
    'non renseigné'
    """
    if value is None:
        return label("no_data", lang)
    decimals = 1 if 0 < abs(float(value)) < 10 else 0
    return f"{fmt_number(float(value), lang, decimals)}\u00a0ha"


def fmt_km(value: Any, lang: str) -> str:
    """A length in kilometres with one decimal below 100 km."""
    if value is None:
        return label("no_data", lang)
    decimals = 1 if abs(float(value)) < 100 else 0
    return f"{fmt_number(float(value), lang, decimals)}\u00a0km"


def fmt_share(value: Any, lang: str, *, compact: bool = False) -> str:
    """A share in 0..1 as a percentage in the locale's format, one decimal under 10 % (never 0.0 % for a part
    that is there: :func:`landgeo.i18n.fmt_share`; ``compact``: ``< 0.1 %`` for table cells and chart labels).

    >>> fmt_share(0.052, "en"), fmt_share(0.5, "fr"), fmt_share(0.052, "pt"), fmt_share(0.0002, "en")
    ('5.2%', '50\xa0%', '5,2%', 'less than 0.1%')
    """
    if value is None:
        return label("no_data", lang)
    decimals = 1 if 100.0 * float(value) < 10 else 0
    return share_text(float(value), lang, decimals, compact=compact)


def as_list(value: Any) -> list[str]:
    """A template field (string, list, or ``None``) as a list of non-empty strings."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, dict):
        return [f"{k}: {v}" for k, v in value.items() if v]
    try:
        return [str(v) for v in value if v is not None and str(v).strip()]
    except TypeError:
        return [str(value)]
