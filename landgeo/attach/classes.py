"""Land-cover class tables: value → name (en, fr, es, pt) and colour.

Built-in tables (``landgeo/data/*.csv``):

* ``modis_igbp`` – MODIS IGBP classes (MCD12Q1 LC_Type1 1–17 and MCD12C1 0–16;
  255 unclassified counts as nodata);
* ``esa_worldcover`` – ESA WorldCover 10 m (10…100; 0 no data);
* ``esa_cci`` – ESA CCI land cover (0…220; 0 no data).

Any other table is a CSV with a header row: ``value`` and ``name`` (or
``name_en``) are required; ``name_fr``, ``name_es``, ``name_pt`` (one column per
language of :data:`landgeo.i18n.LANGUAGES`), ``colour`` (``#rrggbb``), ``nodata``
(1 = the value means "no data") and ``natural`` (1 = natural habitat: natural
or semi-natural vegetation and wetlands, used by the monitoring indicators of
natural-habitat loss) are optional. A class without a name in a language reads in
English there (:meth:`ClassTable.missing_languages` says which languages a table
lacks). A value that a raster holds but the table lacks is never dropped: it is
reported as "unknown class N".
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from ..errors import RecipeError
from ..i18n import LANGUAGES, Text, translator
from ..io.text import read_text

BUILTIN = ("modis_igbp", "esa_worldcover", "esa_cci")
TITLES = {
    "modis_igbp": "MODIS land cover, IGBP classes (MCD12Q1/MCD12C1)",
    "esa_worldcover": "ESA WorldCover",
    "esa_cci": "ESA CCI land cover",
}
UNKNOWN_COLOUR = "#808080"
_HEX = re.compile(r"^#?[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class LandClass:
    """One class of a table; ``names`` maps a language code to the class name in it."""

    value: int
    name_en: str
    name_fr: str
    colour: str
    nodata: bool = False
    natural: bool = False
    names: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def name(self, lang: str) -> str:
        """The name in ``lang``, else the English name."""
        return self.names.get(lang) or (self.name_fr if lang == "fr" else "") or self.name_en


@dataclass(frozen=True)
class ClassTable:
    """A class table; look up names with :meth:`name`, colours with :meth:`colour`."""

    key: str
    title: str
    classes: Mapping[int, LandClass] = field(default_factory=lambda: MappingProxyType({}))
    #: The CSV file the table was read from (its name; notes about the table name it).
    file: str = ""

    def name(self, value: int, *, lang: str = "en") -> str:
        """The class name in ``lang``; "unknown class N" if absent.

        >>> table = builtin_table("modis_igbp")
        >>> table.name(9, lang="fr"), table.name(17, lang="es"), table.name(12, lang="pt")
        ('Savanes', 'Cuerpos de agua', 'Lavouras')
        >>> table.name(42), table.name(42, lang="pt")
        ('unknown class 42', 'classe desconhecida 42')
        """
        c = self.classes.get(int(value))
        if c is None:
            return translator(lang)("unknown class {value:d}", value=int(value))
        return c.name(lang)

    def names(self, value: int) -> dict[str, str]:
        """The class name in every language (what a profile keeps, to render in any of them)."""
        return {lang: self.name(value, lang=lang) for lang in LANGUAGES}

    def missing_languages(self) -> list[str]:
        """Languages in which no class of the table has its own name (they read in English)."""
        return [lang for lang in LANGUAGES if lang != "en"
                and not any(c.names.get(lang) for c in self.classes.values())]

    def colour(self, value: int) -> str:
        """``#rrggbb`` for the class (grey for unknown classes)."""
        c = self.classes.get(int(value))
        return c.colour if c else UNKNOWN_COLOUR

    def is_nodata(self, value: int) -> bool:
        """Whether the table says this value means "no data"."""
        c = self.classes.get(int(value))
        return bool(c and c.nodata)

    def is_natural(self, value: int) -> bool:
        """Whether the table marks this class as natural habitat (``natural`` column).

        >>> builtin_table("modis_igbp").is_natural(2), builtin_table("modis_igbp").is_natural(12)
        (True, False)
        """
        c = self.classes.get(int(value))
        return bool(c and c.natural)

    def known(self, value: int) -> bool:
        return int(value) in self.classes


def parse_class_table(text: str, *, source: str, key: str | None = None, title: str | None = None) -> ClassTable:
    """Parse CSV text into a :class:`ClassTable`; errors name ``source`` and the fix."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    cols = {c.strip().lower(): c for c in (reader.fieldnames or [])}
    if "value" not in cols or not ({"name", "name_en", "class"} & set(cols)):
        raise RecipeError(
            Text("{source}: a class table needs the columns value and name (or name_en); found: {found}. Example header: value,name_en,name_fr,name_es,name_pt,colour", params={"source": str(source), "found": str(', '.join(reader.fieldnames or []) or '—')})
        )
    name_col = cols.get("name_en") or cols.get("name") or cols.get("class")
    out: dict[int, LandClass] = {}
    for i, row in enumerate(reader, start=2):
        raw = (row.get(cols["value"]) or "").strip()
        if not raw:
            continue
        try:
            value = int(float(raw))
        except ValueError as exc:
            raise RecipeError(Text("{source}: line {i}: value {raw} is not an integer class code", params={"source": str(source), "i": str(i), "raw": repr(raw)})) from exc
        name = (row.get(name_col) or "").strip() or f"class {value}"
        names = {lang: (row.get(cols[f"name_{lang}"]) or "").strip() for lang in LANGUAGES if f"name_{lang}" in cols}
        names["en"] = name
        names = {k: v for k, v in names.items() if v}
        name_fr = names.get("fr", "")
        colour = (row.get(cols["colour"]) or row.get(cols.get("color", ""), "") or "").strip() if (
            "colour" in cols or "color" in cols) else ""
        if "colour" not in cols and "color" in cols:
            colour = (row.get(cols["color"]) or "").strip()
        if colour and not _HEX.match(colour):
            raise RecipeError(Text("{source}: line {i}: colour {colour} is not #rrggbb", params={"source": str(source), "i": str(i), "colour": repr(colour)}))
        colour = ("#" + colour.lstrip("#").lower()) if colour else UNKNOWN_COLOUR
        nodata = (row.get(cols["nodata"]) or "").strip().lower() in {"1", "true", "yes"} if "nodata" in cols else False
        natural = (row.get(cols["natural"]) or "").strip().lower() in {"1", "true", "yes"} if "natural" in cols else False
        if value in out:
            raise RecipeError(Text("{source}: line {i}: value {value} appears twice; keep one row per class", params={"source": str(source), "i": str(i), "value": str(value)}))
        out[value] = LandClass(value, name, name_fr or name, colour, nodata, natural, MappingProxyType(names))
    if not out:
        raise RecipeError(Text("{source}: the class table has no rows", params={"source": str(source)}))
    return ClassTable(key or Path(source).stem, title or Path(source).stem, MappingProxyType(dict(sorted(out.items()))),
                      file=Path(source).name)


def builtin_table(key: str) -> ClassTable:
    """One of the built-in tables: ``modis_igbp``, ``esa_worldcover``, ``esa_cci``."""
    if key not in BUILTIN:
        raise RecipeError(Text("classes = {key} is not a built-in table; use one of {names} or a CSV path", params={"key": repr(key), "names": str(', '.join(BUILTIN))}))
    text = resources.files("landgeo").joinpath("data", f"{key}.csv").read_text(encoding="utf-8")
    return parse_class_table(text, source=f"landgeo/data/{key}.csv", key=key, title=TITLES[key])


def load_class_table(spec: str | Path) -> ClassTable:
    """A built-in table by name, or a user CSV by path (read through layers.read_text)."""
    if str(spec) in BUILTIN:
        return builtin_table(str(spec))
    path = Path(spec)
    if path.suffix.lower() != ".csv":
        raise RecipeError(Text("classes = {value}: give a built-in table ({names}) or a .csv file", params={"value": repr(str(spec)), "names": str(', '.join(BUILTIN))}))

    return parse_class_table(read_text(path), source=str(path), key=path.stem, title=path.stem)
