"""The shared measurement table: one indicator value per row, in long form.

Columns of ``indicators.csv`` (:data:`COLUMNS`): ``landscape`` (the slug),
``indicator`` (a stable English id, a class or goal in brackets, e.g.
``land_cover_area[Savannas]``), ``date_or_period`` (``2020`` or
``2015/2020``, ISO 8601 interval style), ``value``, ``unit``, ``source``,
``method``. Rows come in a fixed order, so the same inputs give the same bytes.
The ``indicator`` id is the same in every language (rows compare across languages);
``unit`` and ``method`` are written in the profile's language (catalogue messages).

Text cells are neutralised for spreadsheets (:func:`landgeo.io.atomic.neutralise_cell`):
a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a line break gets a
leading apostrophe, so a class name or source from a user's layer is never run
as a formula. Numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from ..attach.classes import BUILTIN, builtin_table
from ..i18n import N_, Text, translator
from ..io.atomic import write_csv

COLUMNS = ("landscape", "indicator", "date_or_period", "value", "unit", "source", "method")
INDICATORS_CSV = "indicators.csv"


#: Units that are words, looked up in the catalogue (``ha`` and ``%`` are the same in every language).
UNITS = (N_("people", context="indicator unit"), N_("sites", context="indicator unit"),
         N_("share", context="indicator unit"), N_("yes=1", context="indicator unit"),
         N_("score (1-5)", context="indicator unit"))


def unit_in(unit: str, lang: str) -> str:
    """An indicator's unit in ``lang`` (``people`` → ``personnes``; ``ha`` stays)."""
    return translator(lang)(unit, context="indicator unit") if unit in UNITS else unit


@dataclass(frozen=True)
class Indicator:
    """One value of one indicator at one date (or over one period ``A/B``), with its unit, source and method.

    ``unit`` is an English unit (one of :data:`UNITS`, or ``ha``, ``%``) and ``method`` a
    :class:`~landgeo.i18n.Text`; :meth:`to_dict` states both in a language.
    """

    indicator: str
    date_or_period: str
    value: float | int | None
    unit: str
    source: str | None = None
    method: Text | str | None = None

    def to_dict(self, lang: str = "en") -> dict:
        d = asdict(self)
        d["unit"] = unit_in(self.unit, lang)
        if isinstance(self.method, Text):
            d["method"] = self.method.render(lang)
        return d


def period(a: str, b: str) -> str:
    """The period label between two dates.

    >>> period("2015", "2020")
    '2015/2020'
    """
    return f"{a}/{b}"


def rounded(value):
    """An indicator value rounded for the table (6 significant decimals; whole numbers kept whole)."""
    if value is None or isinstance(value, (bool, int)):
        return value
    value = float(value)
    if not math.isfinite(value):
        return None
    return round(value, 4)


def table_rows(slug: str, indicators: Sequence[Mapping | Indicator]) -> list[dict]:
    """Rows for ``indicators.csv``: each indicator with the landscape's slug first."""
    out = []
    for ind in indicators:
        d = ind.to_dict() if isinstance(ind, Indicator) else dict(ind)
        out.append({"landscape": slug, **{k: d.get(k) for k in COLUMNS[1:]}})
    return out


def write_indicators_csv(rows: Iterable[Mapping], path: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``rows`` (dicts with the :data:`COLUMNS`) to ``path``: UTF-8 CSV, atomic, text cells neutralised
    (:func:`landgeo.io.atomic.write_csv`); numbers stay numbers, None is an empty cell."""

    return write_csv(rows, path, fieldnames=COLUMNS, overwrite=overwrite)


def _number(text: str):
    """A value cell back as a number: ``7200`` → 7200, ``0.5`` → 0.5, empty → None (so it is written back the same)."""
    if text in (None, ""):
        return None
    try:
        return int(text)
    except ValueError:
        return float(text)


def read_indicators_csv(text: str) -> list[dict]:
    """Rows of an ``indicators.csv`` text: values as numbers (empty as None), text cells as written."""
    return [{**r, "value": _number(r.get("value"))} for r in csv.DictReader(io.StringIO(text))]


def _family(indicator: str) -> str:
    return indicator.split("[", 1)[0]


def profile_indicators(profile: Mapping) -> list[Indicator]:
    """Indicators of a profile's current state, from its computed parts (no layer is read again).

    Dates come from the layers' ``year`` when the recipe gives one; an empty
    date means "the profile's current state". Land-cover class names in the ids are the
    class table's English names, so rows compare across languages.
    """
    out: list[Indicator] = []
    years = [str(p.get("year")) for p in (profile.get("land_cover"), profile.get("population"))
             if isinstance(p, Mapping) and p.get("year")]
    now = max(years) if years else ""
    if profile.get("area_ha") is not None:
        out.append(Indicator("landscape_area", now, profile["area_ha"], "ha", "boundary",
                             Text("geodesic area (WGS84) of the landscape's boundary")))
    lc = profile.get("land_cover")
    if isinstance(lc, Mapping) and lc.get("classes"):
        # a user CSV table is known by its stem only: its classes keep the names the profile has
        table = builtin_table(lc["class_table"]) if lc.get("class_table") in BUILTIN else None
        date = str(lc.get("year") or "")
        for c in sorted(lc["classes"], key=lambda c: c.get("value", 0)):
            name = table.name(c["value"], lang="en") if table is not None and "value" in c else c["class"]
            out.append(Indicator(f"land_cover_area[{name}]", date, c["area_ha"], "ha", lc.get("source"),
                                 Text("coverage-weighted cells (partial cells by their covered fraction), the raster not resampled")))
        if table is not None:
            nat = sum(c["area_ha"] for c in lc["classes"] if table.is_natural(c.get("value", -1)))
            out.append(Indicator("natural_habitat_area", date, round(nat, 2), "ha", lc.get("source"),
                                 Text("land-cover classes marked natural in the class table")))
    sites = profile.get("sites")
    if isinstance(sites, Mapping) and sites.get("count") is not None:
        m = Text("sites touching the landscape; mined area = geodesic area of the footprints' parts inside")
        out.append(Indicator("site_count", now, sites["count"], "sites", sites.get("source"), m))
        if sites.get("area_ha") is not None:
            out.append(Indicator("mined_area", now, sites["area_ha"], "ha", sites.get("source"), m))
    pop = profile.get("population")
    if isinstance(pop, Mapping) and pop.get("total") is not None:
        out.append(Indicator("population", str(pop.get("year") or ""), pop["total"], "people", pop.get("source"),
                             Text("coverage-weighted sum of the population raster inside the landscape")))
    method = Text("mean of the goal's five criteria (Landscape Performance Scorecard, 1–5 in half points)")
    for card in profile.get("scorecards") or []:
        for goal, v in (card.get("goal_means") or {}).items():
            if v is not None:
                out.append(Indicator(f"scorecard_mean[{goal}]", str(card.get("date") or ""), v, "score (1-5)",
                                     "scorecard", method))
    return out


def merged_indicators(profile: Mapping, over_time: Sequence[Indicator | Mapping] = ()) -> list[dict]:
    """The indicator rows of a profile: those measured over time, then the current-state ones of other families.

    A family (``land_cover_area``, ``mined_area``…) measured over time is not repeated from the
    profile's current state, so no indicator appears twice for one date.
    """
    lang = profile.get("language") or "en"
    timed = [i.to_dict(lang) if isinstance(i, Indicator) else dict(i) for i in over_time]
    families = {_family(i["indicator"]) for i in timed}
    if any(f.startswith("land_cover") or f == "transition" for f in families):
        families |= {"land_cover_area", "natural_habitat_area"}
    snap = [i.to_dict(lang) for i in profile_indicators(profile) if _family(i.indicator) not in families]
    return timed + snap
