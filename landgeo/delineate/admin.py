"""Administrative or jurisdictional units: select units of a layer and dissolve them.

Units are selected by the values of a name field (case- and accent-insensitive),
by a ``where`` filter applied while reading, or by points that fall in them.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

import geopandas as gpd
import numpy as np
from pyproj import CRS

from ..boundary import Boundary, Source, finish_boundary
from ..errors import DelineationError, FieldError, LandgeoError, RecipeError
from ..i18n import N_, Text
from ..i18n.names import names_of
from ..io.vector import read_vector, report_of
from ..io.where import BoolOp, Column, Compare, InList, Literal, parse_where

MAX_NAMES_IN_SENTENCE = 12


def normalize_name(text) -> str:
    """Case-, accent- and punctuation-insensitive form of a unit name.

    >>> normalize_name("  Prestea-Huni Valley ")
    'prestea huni valley'
    >>> normalize_name("Bélavo") == normalize_name("BELAVO")
    True
    """
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.sub(r"[\s\-_'’.]+", " ", text).strip()


def _require_field(units: gpd.GeoDataFrame, field: str, label: str, key: str) -> None:
    if field not in units.columns:
        cols = [c for c in units.columns if c != units.geometry.name]
        close = difflib.get_close_matches(field, cols, n=1, cutoff=0.5)
        hint = Text("did you mean {close}? ", params={"close": repr(close[0])}) if close else ""
        raise FieldError(Text("{label}: no field {field} ({key}); {hint}the fields are: {names}",
                              params={"label": str(label), "field": repr(field), "key": str(key), "hint": hint,
                                      "names": ", ".join(map(str, cols))}))


def select_by_values(units: gpd.GeoDataFrame, field: str, values, *, label: str) -> gpd.GeoDataFrame:
    """Rows of ``units`` whose ``field`` matches one of ``values`` (insensitive to case and accents).

    Raises
    ------
    DelineationError
        A value matches no unit; the message lists the closest names.
    """
    _require_field(units, field, label, "[boundary] field")
    keys = units[field].map(normalize_name)
    by_key: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        by_key.setdefault(k, []).append(i)
    rows: list[int] = []
    for value in values:
        k = normalize_name(value)
        if k not in by_key:
            choices = sorted(set(units[field].astype(str)))
            norm_choices = {normalize_name(c): c for c in choices}
            close = [norm_choices[c] for c in difflib.get_close_matches(k, list(norm_choices), n=3, cutoff=0.4)]
            if close:
                hint = Text("closest: {names}", params={"names": ", ".join(repr(c) for c in close)})
            else:
                hint = Text("{n} name exists, e.g. {names}", "{n} names exist, e.g. {names}",
                            params={"n": len(choices), "names": ", ".join(choices[:5])})
            raise DelineationError(Text("{label}: no unit named {value} in field {field} ({hint}); fix the name in [boundary] values",
                                        params={"label": str(label), "value": repr(value), "field": repr(field), "hint": hint}))
        rows.extend(i for i in by_key[k] if i not in rows)
    return units.iloc[rows]  # in the order the user listed them


def select_by_points(units: gpd.GeoDataFrame, points, *, label: str) -> gpd.GeoDataFrame:
    """Rows of ``units`` that contain at least one of the (lon, lat) ``points``."""
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(*np.array(points, dtype=float).T), crs=4326)
    if not CRS(units.crs).equals(CRS.from_epsg(4326)):
        pts = pts.to_crs(units.crs)
    hits = gpd.sjoin(pts, units[[units.geometry.name]], predicate="intersects", how="left")
    missing = hits["index_right"].isna()
    if missing.any():
        lonlat = [tuple(points[i]) for i in np.flatnonzero(missing.groupby(level=0).all().to_numpy())]
        raise DelineationError(Text("{label}: the point(s) {lonlat} fall in no unit; check [boundary] points (longitude first)", params={"label": str(label), "lonlat": str(lonlat)}))
    rows = sorted(set(hits["index_right"].astype(int)))
    return units.loc[rows]


#: Administrative levels the definition sentence can name in every language, with the words
#: recipes use for them (English, French, Spanish, Portuguese); any other level reads as a
#: count of units followed by the recipe's own word.
LEVELS: dict[str, tuple[tuple[str, str], str]] = {
    "district": (N_("{n} district", "{n} districts"), N_("District {name}")),
    "region": (N_("{n} region", "{n} regions"), N_("Region {name}")),
    "province": (N_("{n} province", "{n} provinces"), N_("Province {name}")),
    "department": (N_("{n} department", "{n} departments"), N_("Department {name}")),
    "prefecture": (N_("{n} prefecture", "{n} prefectures"), N_("Prefecture {name}")),
    "county": (N_("{n} county", "{n} counties"), N_("County {name}")),
    "sub-county": (N_("{n} sub-county", "{n} sub-counties"), N_("Sub-county {name}")),
    "chiefdom": (N_("{n} chiefdom", "{n} chiefdoms"), N_("Chiefdom {name}")),
    "commune": (N_("{n} commune", "{n} communes"), N_("Commune {name}")),
    "municipality": (N_("{n} municipality", "{n} municipalities"), N_("Municipality {name}")),
    "state": (N_("{n} state", "{n} states"), N_("State {name}")),
    "country": (N_("{n} country", "{n} countries"), N_("Country {name}")),
}
LEVEL_WORDS = {
    "district": "district", "districts": "district", "distrito": "district",
    "region": "region", "regions": "region", "région": "region", "región": "region", "região": "region",
    "province": "province", "provincia": "province", "província": "province",
    "department": "department", "département": "department", "departamento": "department",
    "prefecture": "prefecture", "préfecture": "prefecture",
    "county": "county", "sub-county": "sub-county", "subcounty": "sub-county", "sub county": "sub-county",
    "chiefdom": "chiefdom", "chefferie": "chiefdom",
    "commune": "commune", "comuna": "commune",
    "municipality": "municipality", "municipalité": "municipality", "municipio": "municipality", "município": "municipality",
    "state": "state", "état": "state", "estado": "state",
    "country": "country", "pays": "country", "país": "country",
}


def level_key(level: str | None) -> str | None:
    """The known level a recipe's word names (``"Région"`` → ``"region"``), or None.

    >>> level_key("Région"), level_key("municipio"), level_key("ward")
    ('region', 'municipality', None)
    """
    if not level:
        return None
    word = str(level).strip().casefold()
    return LEVEL_WORDS.get(word) or LEVEL_WORDS.get(normalize_name(word))


def _restates(where: str | None, fields: dict[str, set[str]]) -> bool:
    """Whether ``where`` only selects what the sentence already says: ``field = 'v'`` / ``field IN (...)`` on the
    name or parent field with exactly the values it names (``AND`` of such), e.g. ``provincia = 'Itata'`` for the
    communes "of Itata"."""
    if not where:
        return False
    try:
        tree = parse_where(where).tree
    except LandgeoError:  # checked where the layer was read; here it only shapes a sentence
        return False
    wanted = {k.casefold(): v for k, v in fields.items() if k and v}
    items = tree.items if isinstance(tree, BoolOp) and tree.op == "AND" else (tree,)

    def one(node) -> bool:
        if isinstance(node, Compare) and node.op in ("=", "==") and isinstance(node.left, Column) and isinstance(node.right, Literal):
            column, values = node.left.name, {node.right.value}
        elif isinstance(node, InList) and not node.negate and isinstance(node.operand, Column):
            column, values = node.operand.name, {v.value if isinstance(v, Literal) else v for v in node.values}
        else:
            return False
        said = wanted.get(column.casefold())
        return said is not None and {str(v) for v in values} == said

    return all(one(node) for node in items)


def definition_text(names, *, level: str | None, parents, how: str | None) -> Text:
    """The definition sentence of a union of units, as data (rendered in any language).

    Rows that share a name are one named unit here (a province made of its comunas' rows reads "Province
    Itata", not "Union of 7 provinces: Itata, Itata, …"); a parent that is one of the named units is not
    said again ("Province Itata", not "… of Itata"). The data (``details.units``, sources) keep every row.
    """
    names = list(dict.fromkeys(str(x) for x in names))
    parents = set(parents) - set(names)
    n = len(names)
    shown = [str(x) for x in names[:MAX_NAMES_IN_SENTENCE]]
    more = n - len(shown)
    listed = (Text("{names:list}", params={"names": shown}) if not more
              else Text("{names} and {n} more", params={"names": ", ".join(shown), "n": more}))
    parent = sorted(parents)
    key = level_key(level)
    if n == 1:
        if key:
            unit = Text(LEVELS[key][1], params={"name": shown[0]})
        elif level:
            unit = Text("{level} {name}", params={"level": str(level)[:1].upper() + str(level)[1:], "name": shown[0]})
        else:
            unit = Text("Unit {name}", params={"name": shown[0]})
        return Text("{unit} of {parent:list}", params={"unit": unit, "parent": parent}) if parent else unit
    if key:
        units = Text(*LEVELS[key][0], params={"n": n})
    elif level:
        units = Text("{n} unit ({level})", "{n} units ({level})", {"n": n, "level": str(level)})
    else:
        units = Text("{n} unit", "{n} units", {"n": n})
    params = {"units": units, "names": listed, "parent": parent, "how": how}
    if parent and how:
        return Text("Union of {units} of {parent:list} selected by {how}: {names}", params=params)
    if parent:
        return Text("Union of {units} of {parent:list}: {names}", params={k: v for k, v in params.items() if k != "how"})
    if how:
        return Text("Union of {units} selected by {how}: {names}", params={k: v for k, v in params.items() if k != "parent"})
    return Text("Union of {units}: {names}", params={"units": units, "names": listed})


def boundary_from_units(
    units: gpd.GeoDataFrame,
    *,
    label: str,
    field: str | None = None,
    values=None,
    points=None,
    where: str | None = None,
    level: str | None = None,
    parent_field: str | None = None,
    method: str = "admin",
    lang: str = "en",
    definition: str | None = None,
) -> Boundary:
    """Select units (by values, points, or all of an already-filtered layer) and dissolve them."""
    if values and not field:
        raise RecipeError(Text('{label}: [boundary] values needs field = "…", the field that holds the unit names', params={"label": str(label)}))
    selected = units
    if values:
        selected = select_by_values(selected, field, values, label=label)
    if points:
        selected = select_by_points(selected, points, label=label)
    if len(selected) == 0:
        if where:
            message = Text("{label}: where = {where} selected no unit; check the filter and the field values",
                           params={"label": str(label), "where": repr(where)})
        else:
            message = Text("{label}: the selection selected no unit; check the filter and the field values", params={"label": str(label)})
        raise DelineationError(message)
    if field:
        _require_field(selected, field, label, "[boundary] field")
        names = names_of(selected[field].to_numpy(), lang)[0]  # a blank name reads "unnamed", never "nan"
    else:
        names = [f"#{i}" for i in selected.index]
    parents: set[str] = set()
    if parent_field:
        _require_field(selected, parent_field, label, "[boundary] parent_field")
        parents = {str(v).strip() for v in selected[parent_field].dropna()} - {""}  # a blank parent is not said
    how = f"{where}" if where and not values and not points else None
    if how and _restates(how, {field or "": set(names), parent_field or "": parents}):
        how = None  # "Union of 3 communes of Itata", not "… of Itata selected by provincia = 'Itata'"
    text = None if definition else definition_text(names, level=level, parents=parents, how=how)
    sentence = definition or text.render(lang)
    details = {"level": level, "field": field, "units": names}
    if where:
        details["where"] = where
    if points:
        details["points"] = [list(p) for p in points]
    if parents:
        details["parents"] = sorted(parents)
    return finish_boundary(
        selected.geometry.values,
        selected.crs,
        method=method,
        definition=sentence,
        sources=(Source(label, len(selected)),),
        details=details,
        definition_text=text,
    )


def boundary_from_recipe(recipe) -> Boundary:
    """``method = "admin"`` or ``"jurisdiction"``: units of a layer, dissolved."""
    b = recipe.boundary
    if "path" not in b:
        raise RecipeError(Text('{path}: [boundary] method {value} needs path = "…", the units layer', params={"path": str(recipe.path), "value": repr(b['method'])}))
    units = read_vector(b["path"], layer=b.get("layer"), crs=b.get("crs"), where=b.get("where"), expect="polygon")
    label = report_of(units).label
    return boundary_from_units(
        units,
        label=label,
        field=b.get("field"),
        values=b.get("values"),
        points=b.get("points"),
        where=b.get("where"),
        level=b.get("level"),
        parent_field=b.get("parent_field"),
        method=b["method"],
        lang=recipe.language,
        definition=b.get("definition"),
    )
