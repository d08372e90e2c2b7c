"""Colours and line styles shared by the web map and the map sheet.

Ecosystem and land-cover classes get a colour from their name (English or
French keywords, e.g. IGBP classes), so the same class has the same colour on
the map, in the legend and in the composition chart.

>>> class_colour("Evergreen Broadleaf forest")
'#2e7d32'
>>> class_colour("Savanes arborées")
'#c9d77a'
"""

from __future__ import annotations

import colorsys
import unicodedata

BOUNDARY = "#b2182b"
ADMIN = "#4d4d4d"
RIVER = "#2c7fb8"
SITE = "#6a3d9a"
SITE_EDGE = "#ffffff"
FOOTPRINT = "#6a3d9a"
CONTEXT_FILL = "#f4f1ea"
CONTEXT_EDGE = "#9a9a9a"
SEA = "#e6eef4"
TEXT = "#222222"
MUTED = "#666666"
BORDER = "#3d3d3d"
ROAD = "#d95f0e"
TRACK = "#8c6d46"
PROTECTED = "#1b7837"
WATER_FILL = "#a6cee3"
LINE = "#6b6b6b"

# (keywords, colour): first match wins, so specific names come before general ones.
_KEYWORDS: list[tuple[tuple[str, ...], str]] = [
    (("mangrov", "manglar", "mangue"), "#00796b"),
    (("mosaic", "mosaique", "mosaico"), "#e3c98f"),
    (("needleleaf", "conifer", "resineux", "aiguille"), "#1b5e20"),
    (("evergreen broadleaf", "sempervirente", "rainforest", "humid forest", "foret dense", "foret humide",
      "latifoliados perennifolios", "perenifolias de folhas largas", "bosque humedo", "floresta umida"), "#2e7d32"),
    (("deciduous", "decidu", "caducifol", "dry forest", "foret seche", "bosque seco", "floresta seca"), "#7cb342"),
    (("mixed forest", "foret mixte", "bosques mixtos", "florestas mistas"), "#43a047"),
    (("woody savanna", "savane arbor", "savanes arbor", "wooded savanna", "woodland savanna", "savane boisee",
      "sabanas arbolada", "sabana arbolada", "savanas arborizada", "savana arborizada"), "#c9d77a"),
    (("forest", "foret", "woodland", "tree", "arbor", "bosque", "floresta", "mata"), "#388e3c"),
    (("closed shrub", "fourres fermes", "fourre ferme", "matorrales cerrados", "arbustivas fechadas"), "#b59f5b"),
    (("shrub", "arbust", "bush", "brousse", "scrub", "fourre", "matorral"), "#d6c98e"),
    (("savanna", "savane", "sabana", "savana", "cerrado"), "#ebe3a1"),
    (("grass", "prairie", "herbac", "pasture", "paturage", "steppe", "pastizal", "campo", "pastagem"), "#d5e8a6"),
    (("wetland", "humide", "marsh", "marais", "swamp", "bog", "peat", "tourb", "humedal", "umida", "pantano",
      "brejo"), "#5fb8ae"),
    (("crop", "cultur", "agric", "farm", "plantation", "cultivo", "lavoura"), "#eab26b"),
    (("urban", "urbain", "built", "bati", "settlement", "ville", "urbana", "edificad", "construid"), "#a3a3a3"),
    (("mine", "mining", "minier", "mineri", "garimpo"), "#8c6d8f"),
    (("snow", "ice", "neige", "glace", "nieve", "hielo", "neve", "gelo"), "#f2f2f2"),  # before water: "glace" holds "lac"
    (("water", "eau", "lake", "lac", "river", "riviere", "fleuve", "reservoir", "agua", "rio", "lago", "embalse"),
     "#74add1"),
    (("barren", "bare", "sparse", "sol nu", "sols nus", "rock", "roche", "sand", "sable", "desert", "desnudo",
      "exposto", "roca", "rocha", "arena", "areia"), "#e6dccb"),
]

# Muted qualitative fallback (no purples: purple is kept for ASGM sites).
FALLBACK = ["#8dd3c7", "#ffffb3", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5", "#d9d9d9", "#ccebc5", "#ffed6f"]


def _plain(text: str) -> str:
    """Lower case without accents, for keyword matching."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def class_colour(name: str | None, index: int = 0) -> str:
    """A colour for an ecosystem or land-cover class, from keywords in its name.

    Parameters
    ----------
    name
        Class name in English or French.
    index
        Position of the class, used to pick a fallback colour when no keyword matches.
    """
    plain = _plain(str(name or ""))
    for words, colour in _KEYWORDS:
        if any(w in plain for w in words):
            return colour
    return FALLBACK[index % len(FALLBACK)]


def shade(colour: str, step: int) -> str:
    """``colour`` made lighter (odd ``step``) or darker (even ``step``) by 14 % lightness per step pair.

    >>> shade("#808080", 0)
    '#808080'
    """
    if step == 0:
        return colour
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    h, light, sat = colorsys.rgb_to_hls(r, g, b)
    delta = 0.14 * ((step + 1) // 2) * (1 if step % 2 else -1)
    light = min(max(light + delta, 0.12), 0.92)
    r, g, b = colorsys.hls_to_rgb(h, light, sat)
    return "#" + "".join(f"{round(v * 255):02x}" for v in (r, g, b))


def class_colours(names, given=None) -> dict[str, str]:
    """Distinct colours for several classes, honouring colours given in the profile (``given``: name → colour).

    Classes whose keywords give the same colour get lighter/darker shades of it.

    >>> class_colours(["Dense forest", "Gallery forest"])
    {'Dense forest': '#388e3c', 'Gallery forest': '#52bb57'}
    """
    given = dict(given or {})
    out: dict[str, str] = {}
    used: dict[str, int] = {}
    fallback_i = 0
    for name in names:
        if name in out:
            continue
        colour = given.get(name)
        if not colour:
            colour = class_colour(name, fallback_i)
            if colour in FALLBACK:
                fallback_i += 1
            base = colour
            colour = shade(base, used.get(base, 0))
            used[base] = used.get(base, 0) + 1
        out[name] = colour
    return out


def profile_colours(profile) -> dict[str, str]:
    """Colours the user gave to vector ecosystem classes in the profile (``ecosystems.classes[].colour``).

    Classes from a raster class table (they carry a ``value``) are left out: their table colours
    (e.g. IGBP's red croplands, neon yellows) clash with the red boundary and print badly, so
    they get colours from their names like every other class.
    """
    eco = (profile or {}).get("ecosystems")
    classes = eco.get("classes") if isinstance(eco, dict) else eco
    out = {}
    for c in classes or []:
        if isinstance(c, dict) and c.get("colour") and c.get("value") is None and c.get("class") is not None:
            out[str(c["class"])] = str(c["colour"])
    return out
