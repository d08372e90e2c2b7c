"""English and French labels for web maps, map sheets and atlases.

Only words live here; number formats come from :mod:`landgeo.i18n`.

>>> label("sites", "fr")
"Sites d'EMAPE"
>>> verdict_text("within", "en")
'within the landscape scale band'
>>> colon("fr")
'\\xa0: '
"""

from __future__ import annotations

from typing import Any

from ..i18n import check_lang, fmt_number

#: key → (English, French)
LABELS: dict[str, tuple[str, str]] = {
    "profile": ("Landscape profile", "Profil du paysage"),
    "boundary": ("Landscape boundary", "Limite du paysage"),
    "admin_units": ("Administrative units", "Unités administratives"),
    "ecosystems": ("Ecosystems / land cover", "Écosystèmes / occupation du sol"),
    "landcover": ("Land cover", "Occupation du sol"),
    "sites": ("ASGM sites", "Sites d'EMAPE"),
    "site_footprints": ("ASGM footprints", "Emprises d'EMAPE"),
    "rivers": ("Rivers", "Cours d'eau"),
    "context": ("Country", "Pays"),
    "hillshade": ("Relief (hillshade)", "Relief (ombrage)"),
    "legend": ("Legend", "Légende"),
    "location": ("Location", "Localisation"),
    "size": ("Size", "Superficie"),
    "definition": ("Boundary definition", "Définition de la limite"),
    "population": ("Population", "Population"),
    "ecosystem_types": ("Ecosystem types", "Types d'écosystèmes"),
    "livelihoods": ("Livelihoods", "Moyens de subsistance"),
    "non_economic": ("Non-economic livelihoods", "Moyens de subsistance non économiques"),
    "products": ("Main products", "Principaux produits"),
    "agricultural": ("agricultural", "agricoles"),
    "non_agricultural": ("non-agricultural", "non agricoles"),
    "challenges": ("Main challenges", "Principaux défis"),
    "governance": ("Governance and coordination", "Gouvernance et coordination"),
    "composition": ("Ecosystem / land-cover composition", "Composition des écosystèmes et de l'occupation du sol"),
    "share": ("share of the landscape", "part du paysage"),
    "sources": ("Sources", "Sources"),
    "source": ("Source", "Source"),
    "date": ("Date", "Date"),
    "crs": (
        "Map: WGS 84 (EPSG:4326), geographic coordinates; areas and lengths are geodesic",
        "Carte : WGS 84 (EPSG:4326), coordonnées géographiques ; superficies et longueurs géodésiques",
    ),
    "made_with": ("Made with landgeo", "Réalisé avec landgeo"),
    "no_data": ("not recorded", "non renseigné"),
    "area": ("Area", "Superficie"),
    "perimeter": ("perimeter", "périmètre"),
    "name": ("Name", "Nom"),
    "class": ("Class", "Classe"),
    "level": ("Level", "Niveau"),
    "sites_count": ("sites", "sites"),
    "per_1000_ha": ("per 1,000 ha", "pour 1 000 ha"),
    "near_water": ("within {d} m of water", "à moins de {d} m de l'eau"),
    "water_unknown": ("distance to water unknown (no water layer covers the sites)",
                      "distance à l'eau inconnue (aucune couche d'eau ne couvre les sites)"),
    "water_n_unknown": ("{n} unknown", "{n} inconnus"),
    "water_median": ("median distance to water {d}", "distance médiane à l'eau {d}"),
    "length": ("Length", "Longueur"),
    "km_rivers": ("of rivers", "de cours d'eau"),
    "inhabitants": ("inhabitants", "habitants"),
    "of_landscape": ("of the landscape", "du paysage"),
    "of_unit": ("of the unit", "de l'unité"),
    "north": ("N", "N"),
    "scale_km": ("km", "km"),
    "other": ("Other", "Autres"),
    "more_classes": ("+ {n} more classes", "+ {n} autres classes"),
    "atlas": ("Landscape atlas", "Atlas des paysages"),
    "contents": ("Contents", "Sommaire"),
    "rendered": ("{ok} of {n} landscapes rendered", "{ok} paysages rendus sur {n}"),
    "page": ("Page", "Page"),
    "status": ("Status", "Statut"),
    "verdict": ("Scale", "Échelle"),
    "verdict_below": ("below the band", "en dessous"),
    "verdict_within": ("within the band", "dans la fourchette"),
    "verdict_above": ("above the band", "au-dessus"),
    "ok": ("ok", "ok"),
    "failed": ("failed", "échec"),
    "failures": ("Landscapes that could not be rendered", "Paysages non rendus"),
    "error": ("Error", "Erreur"),
    "landscape": ("Landscape", "Paysage"),
    "checks": ("Checks", "Contrôles"),
    "osm": ("OpenStreetMap", "OpenStreetMap"),
    "feature_count": ("features", "entités"),
}

VERDICTS: dict[str, tuple[str, str]] = {
    "below": ("below the landscape scale band", "en dessous de la fourchette d'échelle d'un paysage"),
    "within": ("within the landscape scale band", "dans la fourchette d'échelle d'un paysage"),
    "above": ("above the landscape scale band", "au-dessus de la fourchette d'échelle d'un paysage"),
}

METHODS: dict[str, tuple[str, str]] = {
    "admin": ("administrative units", "unités administratives"),
    "file": ("boundary file", "fichier de limite"),
    "basins": ("river basins", "bassins versants"),
    "dem": ("catchment from a DEM", "bassin versant d'après un MNT"),
    "combine": ("combined boundaries", "limites combinées"),
}


def label(key: str, lang: str) -> str:
    """The label ``key`` in ``lang`` (``en`` or ``fr``); an unknown key is returned as is."""
    pair = LABELS.get(key)
    if pair is None:
        return key
    return pair[1] if check_lang(lang) == "fr" else pair[0]


def verdict_text(verdict: str | None, lang: str) -> str:
    """A sentence fragment for a scale verdict (``below``, ``within``, ``above``)."""
    pair = VERDICTS.get(str(verdict))
    if pair is None:
        return str(verdict) if verdict else label("no_data", lang)
    return pair[1] if lang == "fr" else pair[0]


def method_text(method: str | None, lang: str) -> str:
    """A short name for a delineation method; unknown methods are returned as is."""
    pair = METHODS.get(str(method))
    if pair is None:
        return str(method) if method else ""
    return pair[1] if lang == "fr" else pair[0]


def colon(lang: str) -> str:
    """``': '`` in English, ``'\\u00a0: '`` in French (no-break space before the colon)."""
    return "\u00a0: " if lang == "fr" else ": "


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


def fmt_share(value: Any, lang: str) -> str:
    """A share in 0..1 as a percentage: ``12.5 %`` (fr ``12,5 %``), no-break space before ``%``."""
    if value is None:
        return label("no_data", lang)
    pct = 100.0 * float(value)
    decimals = 1 if pct < 10 else 0
    return f"{fmt_number(pct, lang, decimals)}\u00a0%"


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
