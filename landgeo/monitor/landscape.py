"""One landscape over time: every ``[[monitor.*]]`` dated layer measured, compared and turned into indicators.

:func:`monitor_landscape` reads the dated layers a recipe names, measures each
date on **that date's boundary** (``[[monitor.boundary]]``: the latest
boundary dated at or before it, else the earliest; the recipe's ``[boundary]``
when none is dated), compares consecutive dates (and the first with the last),
and returns a :class:`Monitoring`: the ``monitoring`` section of profile.json,
the indicator rows of ``indicators.csv``, the dated layers for the change page,
the boundary-change checks and notes.

Transitions between two dates are measured on the part of the landscape that
both dates' boundaries hold. Every dated boundary is compared with the
previous one by the LandScale rule: a change of more than 10 % of the area
(symmetric difference / previous area) starts a new baseline.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from ..attach.classes import ClassTable, load_class_table
from ..attach.parts import ecosystems_from_vector, landcover_from_raster, population_from_raster
from ..boundary import Check, finish_boundary
from ..checks.guidance import CHANGE_LIMIT, check_change
from ..errors import DataWarning, LandgeoWarning
from ..geo import geodesy
from ..i18n import Text, translator
from ..io.raster import open_raster
from ..io.vector import read_vector, report_of
from .dates import at_or_before, sorted_dates, steps
from .indicators import Indicator, period, rounded
from .sites import DatedSites, footprint_union, new_sites, sites_at, split_by_field
from .transition import transition_matrix

log = logging.getLogger(__name__)

GOALS = ("conservation", "production", "livelihoods", "institutions")
# indicator methods, stated in the profile's language (catalogue messages)
M_GEODESIC = Text("geodesic area (WGS84) of the landscape's boundary at that date")
M_CLASSES = Text("coverage-weighted cells (partial cells by their covered fraction), the raster not resampled")
M_SITES = Text("sites touching the landscape at that date; mined area = geodesic area of the footprints' parts inside")
M_POP = Text("coverage-weighted sum of the population raster inside the landscape at that date")
M_CHANGE = Text("(later − earlier) / earlier × 100")


@dataclass
class Monitoring:
    """What :func:`monitor_landscape` computed."""

    section: dict
    indicators: list[Indicator]
    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    rasters: dict[str, Path] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _label(spec: Mapping) -> str:
    if spec.get("source"):
        return str(spec["source"])
    p = Path(spec["path"]).name
    return f"{p}:{spec['layer']}" if spec.get("layer") else p


def _both(a: str, b: str) -> str:
    """The sources of a period: one name when both dates share it."""
    return a if a == b else f"{a}; {b}"


def _change(a, b) -> tuple[float | None, float | None]:
    """(b − a, growth in % of a) — growth None when a is 0 or either is missing."""
    if a is None or b is None:
        return None, None
    return b - a, (100.0 * (b - a) / a if a else None)


# --------------------------------------------------------------------------- boundaries


def dated_boundaries(recipe, boundary) -> dict[str, Any]:
    """``{date: geometry}`` from ``[[monitor.boundary]]`` (an entry without path is the recipe's boundary)."""
    out = {}
    for spec in recipe.monitor.get("boundary", ()):
        if spec.get("path") is None:
            out[spec["date"]] = boundary.geometry
            continue
        gdf = read_vector(spec["path"], layer=spec.get("layer"), crs=spec.get("crs"), expect="polygon")
        b = finish_boundary(gdf.geometry.values, gdf.crs, method="file", definition=f"boundary of {spec['date']}")
        out[spec["date"]] = b.geometry
    return out


def boundary_change(dated: Mapping[str, Any], *, lang: str = "en") -> list[dict]:
    """Each dated boundary against the previous one: change share, and whether it starts a new LandScale baseline.

    ``change_share`` is area(symmetric difference) / area(previous), geodesic;
    ``new_baseline`` is true when it exceeds ``limit`` (0.10).
    """
    out = []
    d = sorted_dates(dated)
    for a, b in zip(d, d[1:]):
        c = check_change(dated[b], dated[a], lang=lang)
        out.append({"from": a, "to": b, "period": period(a, b), "change_share": c.value, "limit": CHANGE_LIMIT,
                    "new_baseline": c.status == "warn", "status": c.status, "message": c.message,
                    **({"message_text": c.text.to_dict()} if c.text is not None else {})})  # restated in any language
    return out


# --------------------------------------------------------------------------- land cover


def _table(spec: Mapping, default) -> ClassTable | None:
    key = spec.get("classes") or default
    return load_class_table(key) if key is not None else None


def _natural(table: ClassTable | None, values, override) -> set[int]:
    if override:
        return {int(v) for v in override}
    return {int(v) for v in values if table is not None and table.is_natural(v)}


def _class(value: int, lang: str) -> str:
    """A class with no name in a table: ``class 5`` / ``classe 5``."""
    return translator(lang)("class {value:d}", value=int(value))


def _land_cover(recipe, geom_at, lang, ind: list[Indicator], notes: list[str]) -> tuple[list, list, dict]:
    specs = sorted(recipe.monitor.get("landcover", ()), key=lambda s: sorted_dates([s["date"]])[0])
    if not specs:
        return [], [], {}
    default_classes = (recipe.attach.get("landcover") or {}).get("classes")
    override = recipe.monitor.get("natural_values")
    by_date = {s["date"]: s for s in specs}
    tables = {s["date"]: _table(s, default_classes) for s in specs}
    dates, rasters = [], {}
    for s in specs:
        d = s["date"]
        table = tables[d]
        with warnings.catch_warnings(), open_raster(s["path"], crs=s.get("crs")) as src:
            warnings.simplefilter("ignore", DataWarning)
            part, ns = landcover_from_raster(geom_at(d), src, table, source=_label(s), lang=lang)
        notes.extend(f"{d}: {n}" for n in ns)
        natural = _natural(table, [c["value"] for c in part["classes"]], override)
        classes = [{"value": c["value"], "class": c["class"], "colour": c["colour"], "area_ha": round(c["area_ha"], 2),
                    "natural": c["value"] in natural} for c in part["classes"]]
        natural_ha = sum(c["area_ha"] for c in part["classes"] if c["value"] in natural)
        dates.append({"date": d, "source": _label(s), "class_table": part["class_table"], "classes": classes,
                      "natural_ha": round(natural_ha, 2), "not_covered_share": round(part["not_covered_share"], 6)})
        rasters[f"landcover@{d}"] = Path(s["path"])
        for c in sorted(part["classes"], key=lambda c: c["value"]):
            name = table.name(c["value"], lang="en") if table is not None else f"class {c['value']}"
            ind.append(Indicator(f"land_cover_area[{name}]", d, rounded(c["area_ha"]), "ha", _label(s), M_CLASSES))
        if table is not None or override:
            ind.append(Indicator("natural_habitat_area", d, rounded(natural_ha), "ha", _label(s),
                                 Text("land-cover classes marked natural in the class table; {how}", params={"how": M_CLASSES})))
    transitions = []
    for a, b in steps(list(by_date)):
        sa, sb = by_date[a], by_date[b]
        common = shapely.intersection(geom_at(a), geom_at(b))
        with open_raster(sa["path"], crs=sa.get("crs")) as ra, open_raster(sb["path"], crs=sb.get("crs")) as rb:
            m = transition_matrix(ra, rb, common, resample=bool(recipe.monitor.get("resample", False)))
        drop = [v for v in {k for pair in m.areas_m2 for k in pair}
                if (tables[a] is not None and tables[a].is_nodata(v)) or (tables[b] is not None and tables[b].is_nodata(v))]
        m = m.without(drop)
        ta, tb = tables[a], tables[b]
        nat_a = _natural(ta, [k[0] for k in m.areas_m2], override)
        nat_b = _natural(tb, [k[1] for k in m.areas_m2], override)
        rows = []
        for (f, t), m2 in m.areas_m2.items():
            rows.append({"from_value": f, "from_class": ta.name(f, lang=lang) if ta else _class(f, lang),
                         "to_value": t, "to_class": tb.name(t, lang=lang) if tb else _class(t, lang),
                         "area_ha": round(m2 / 1e4, 2)})
        loss = sum(v for (f, t), v in m.areas_m2.items() if f in nat_a and t not in nat_b) / 1e4
        gain = sum(v for (f, t), v in m.areas_m2.items() if f not in nat_a and t in nat_b) / 1e4
        p = period(a, b)
        method = Text("transition matrix, {how}: {details:join}; measured where both dates' boundaries overlap",
                      params={"how": Text(m.method), "details": list(m.notes) or [M_CLASSES]})
        src = _both(_label(sa), _label(sb))
        transitions.append({"period": p, "from": a, "to": b, "method": translator(lang)(m.method), "area_ha": round(m.total_m2() / 1e4, 2),
                            "changed_ha": round(m.changed_m2() / 1e4, 2), "unpaired_ha": round(m.unpaired_m2 / 1e4, 2),
                            "natural_loss_ha": round(loss, 2), "natural_gain_ha": round(gain, 2), "matrix": rows})
        for (f, t), m2 in m.areas_m2.items():
            fn = ta.name(f, lang="en") if ta else f"class {f}"
            tn = tb.name(t, lang="en") if tb else f"class {t}"
            ind.append(Indicator(f"transition[{fn} -> {tn}]", p, rounded(m2 / 1e4), "ha", src, method))
        ind.append(Indicator("land_cover_changed_area", p, rounded(m.changed_m2() / 1e4), "ha", src, method))
        if ta is not None or override:
            ind.append(Indicator("natural_habitat_loss", p, rounded(loss), "ha", src,
                                 Text("natural classes that became non-natural (gross), from the transition matrix")))
            ind.append(Indicator("natural_habitat_gain", p, rounded(gain), "ha", src,
                                 Text("non-natural classes that became natural (gross), from the transition matrix")))
    return dates, transitions, rasters


# --------------------------------------------------------------------------- sites


def _sites(recipe, geom_at, landcover_dates, lang, ind, notes) -> tuple[list, dict[str, DatedSites]]:
    dated: dict[str, tuple[gpd.GeoDataFrame, Mapping]] = {}
    for spec in recipe.monitor.get("sites", ()):
        gdf = read_vector(spec["path"], layer=spec.get("layer"), crs=spec.get("crs"), x=spec.get("x"), y=spec.get("y"),
                          where=spec.get("where"), expect=None)
        rep = report_of(gdf)
        if rep is not None:
            notes.extend(rep.notes(lang))
        if spec.get("date_field"):
            where = Path(spec["path"]).name + (f":{spec['layer']}" if spec.get("layer") else "")
            for d, part in split_by_field(gdf, spec["date_field"], label=where).items():
                dated[d] = (part, spec)
        else:
            dated[spec["date"]] = (gdf, spec)
    results: dict[str, DatedSites] = {}
    for d in sorted_dates(dated):
        gdf, spec = dated[d]
        results[d] = sites_at(geom_at(d), gdf, date=d, source=_label(spec), name_field=spec.get("name_field"), lang=lang)
    # mining inside natural habitat: the footprints over the land cover of that date (or the latest before it)
    lc = {x["date"]: x for x in landcover_dates}
    specs = {s["date"]: s for s in recipe.monitor.get("landcover", ())}
    default_classes = (recipe.attach.get("landcover") or {}).get("classes")
    out = []
    order = sorted_dates(results)
    for i, d in enumerate(order):
        r = results[d]
        area = r.part["area_ha"]
        row = {"date": d, "count": r.part["count"], "area_ha": round(area, 2) if area is not None else None, "source": r.source,
               "new_sites": None, "in_natural_habitat_ha": None, "land_cover_date": None}
        if i > 0:
            row["new_sites"] = new_sites(results[order[i - 1]].layer, r.layer, around=geom_at(d))
        ind.append(Indicator("site_count", d, r.part["count"], "sites", r.source, M_SITES))
        if r.part["area_ha"] is not None:
            ind.append(Indicator("mined_area", d, rounded(r.part["area_ha"]), "ha", r.source, M_SITES))
        zone = footprint_union(r.layer)
        lc_date = at_or_before(list(lc), d)
        if zone is not None and lc_date is not None:
            s = specs[lc_date]
            table = _table(s, default_classes)
            with warnings.catch_warnings(), open_raster(s["path"], crs=s.get("crs")) as src:
                warnings.simplefilter("ignore", DataWarning)
                part, _ = landcover_from_raster(zone, src, table, source=_label(s), lang=lang)
            natural = _natural(table, [c["value"] for c in part["classes"]], recipe.monitor.get("natural_values"))
            nat_ha = sum(c["area_ha"] for c in part["classes"] if c["value"] in natural)
            row["in_natural_habitat_ha"] = round(nat_ha, 2)
            row["land_cover_date"] = lc_date
            ind.append(Indicator("mined_area_in_natural_habitat", d, rounded(nat_ha), "ha", f"{r.source}; {_label(s)}",
                                 Text("footprints over the land-cover classes marked natural at {date}; {how}",
                                      params={"date": lc_date, "how": M_CLASSES})))
        out.append(row)
        notes.extend(f"{d}: {n}" for n in r.notes)
    for a, b in steps(order):
        ra, rb = results[a], results[b]
        p = period(a, b)
        dc, _ = _change(ra.part["count"], rb.part["count"])
        ind.append(Indicator("site_count_change", p, dc, "sites", _both(ra.source, rb.source), Text("later count − earlier count")))
        da, ga = _change(ra.part["area_ha"], rb.part["area_ha"])
        if da is not None:
            ind.append(Indicator("mined_area_change", p, rounded(da), "ha", _both(ra.source, rb.source),
                                 Text("later mined area − earlier mined area")))
        if ga is not None:
            ind.append(Indicator("mined_area_growth", p, rounded(ga), "%", _both(ra.source, rb.source), M_CHANGE))
        n_new = new_sites(ra.layer, rb.layer, around=geom_at(b))
        ind.append(Indicator("new_sites", p, n_new, "sites", _both(ra.source, rb.source),
                             Text("sites of the later date touching no site of the earlier date (points: none within 100 m)")))
    return out, results


# --------------------------------------------------------------------------- population, polygons, scorecards


def _population(recipe, geom_at, lang, ind, notes) -> list:
    out = []
    for s in sorted(recipe.monitor.get("population", ()), key=lambda s: sorted_dates([s["date"]])[0]):
        d = s["date"]
        with warnings.catch_warnings(), open_raster(s["path"], crs=s.get("crs")) as src:
            warnings.simplefilter("ignore", DataWarning)
            part, ns = population_from_raster(geom_at(d), src, kind=s["kind"], source=_label(s), lang=lang)
        notes.extend(f"{d}: {n}" for n in ns)
        out.append({"date": d, "total": int(round(part["total"])), "source": _label(s),
                    "not_covered_share": round(part["not_covered_share"], 6)})
        ind.append(Indicator("population", d, int(round(part["total"])), "people", _label(s), M_POP))
    for a, b in steps([x["date"] for x in out]):
        xa = next(x for x in out if x["date"] == a)
        xb = next(x for x in out if x["date"] == b)
        dv, g = _change(xa["total"], xb["total"])
        src = _both(xa["source"], xb["source"])
        ind.append(Indicator("population_change", period(a, b), dv, "people", src, Text("later total − earlier total")))
        if g is not None:
            ind.append(Indicator("population_growth", period(a, b), rounded(g), "%", src, M_CHANGE))
    return out


def _polygons(recipe, geom_at, lang, ind, notes) -> list:
    out = []
    for s in sorted(recipe.monitor.get("polygons", ()), key=lambda s: (s["name"], sorted_dates([s["date"]])[0])):
        d, name = s["date"], s["name"]
        gdf = read_vector(s["path"], layer=s.get("layer"), crs=s.get("crs"), where=s.get("where"), expect="polygon")
        geom = geom_at(d)
        if s.get("field"):
            part, _layer, ns = ecosystems_from_vector(geom, gdf, field=s["field"], source=_label(s), lang=lang)
            classes = [{"class": c["class"], "area_ha": round(c["area_ha"], 2)} for c in part["classes"]]
            notes.extend(f"{d}: {n}" for n in ns)
        else:
            classes = []
        g = gdf.to_crs(4326) if gdf.crs is not None and gdf.crs.to_epsg() != 4326 else gdf
        idx = g.sindex.query(geom, predicate="intersects")
        inside = shapely.intersection(shapely.union_all(g.geometry.values[idx]), geom) if len(idx) else None
        total = geodesy.area_ha(geodesy.polygonal(inside)) if inside is not None else 0.0
        out.append({"name": name, "date": d, "area_ha": round(total, 2), "classes": classes, "source": _label(s)})
        method = Text("geodesic area (WGS84) of the layer's polygons inside the landscape at that date (overlaps merged)")
        ind.append(Indicator(f"{name}_area", d, rounded(total), "ha", _label(s), method))
        for c in classes:
            ind.append(Indicator(f"{name}_area[{c['class']}]", d, rounded(c["area_ha"]), "ha", _label(s), method))
    names = sorted({x["name"] for x in out})
    for name in names:
        rows = {x["date"]: x for x in out if x["name"] == name}
        for a, b in steps(list(rows)):
            dv, g = _change(rows[a]["area_ha"], rows[b]["area_ha"])
            src = _both(rows[a]["source"], rows[b]["source"])
            ind.append(Indicator(f"{name}_area_change", period(a, b), rounded(dv), "ha", src, Text("later area − earlier area")))
    return out


def scorecards_over_time(scorecards) -> list[dict]:
    """Dated scorecards (``{date, scores {C1..I5}, goal_means}``, as profile.json has them) in time order."""
    cards = [c for c in (scorecards or ()) if c.get("date")]
    return sorted(cards, key=lambda c: sorted_dates([c["date"]])[0])


def _scorecard_indicators(cards, ind) -> None:
    method = Text("mean of the goal's five criteria (Landscape Performance Scorecard, 1–5 in half points)")
    for c in cards:
        for goal in GOALS:
            v = (c.get("goal_means") or {}).get(goal)
            if v is not None:
                ind.append(Indicator(f"scorecard_mean[{goal}]", c["date"], v, "score (1-5)", "scorecard", method))


# --------------------------------------------------------------------------- the whole


def has_monitoring(recipe) -> bool:
    """Whether the recipe gives any dated layer, dated boundary, or more than one dated scorecard."""
    dated_cards = [c for c in recipe.scorecards if c.get("date")]
    return any(recipe.monitor.get(k) for k in ("landcover", "sites", "population", "polygons", "boundary")) \
        or len(dated_cards) > 1


def monitor_landscape(recipe, boundary, *, lang: str | None = None, scorecards=None) -> Monitoring:
    """Measure every dated layer of ``recipe`` and compare the dates.

    Parameters
    ----------
    recipe
        A :class:`landgeo.recipe.Recipe` with ``[[monitor.*]]`` tables.
    boundary
        The recipe's current :class:`landgeo.boundary.Boundary` (EPSG:4326), used for every date
        when no ``[[monitor.boundary]]`` is given.
    lang
        Language of class names and notes (default the recipe's).
    scorecards
        The profile's scorecards with their goal means (:func:`landgeo.profile.scorecards_of`); the dated
        ones are compared.

    Returns
    -------
    Monitoring
        ``section`` (profile.json ``monitoring``), ``indicators``, dated ``layers`` (``sites_over_time``,
        ``boundaries_over_time``), ``rasters`` (``landcover@DATE``), ``checks`` (``boundary_change``), ``notes``.
    """
    lang = lang or recipe.language
    ind: list[Indicator] = []
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", LandgeoWarning)
        dated_b = dated_boundaries(recipe, boundary)
        b_dates = sorted_dates(dated_b)

        def geom_at(date: str):
            return dated_b[at_or_before(b_dates, date)] if b_dates else boundary.geometry

        boundaries = []
        for d in b_dates:
            a = geodesy.area_ha(dated_b[d])
            boundaries.append({"date": d, "area_ha": round(a, 2)})
            ind.append(Indicator("landscape_area", d, rounded(a), "ha", "boundary", M_GEODESIC))
        changes = boundary_change(dated_b, lang=lang)
        for c in changes:
            ind.append(Indicator("boundary_change", c["period"], c["change_share"], "share", "boundary",
                                 Text("area of the symmetric difference / area of the earlier boundary (geodesic)")))
            ind.append(Indicator("new_baseline", c["period"], int(c["new_baseline"]), "yes=1", "boundary",
                                 Text("LandScale: a boundary change of more than 10 % starts a new baseline")))
        lc_dates, transitions, rasters = _land_cover(recipe, geom_at, lang, ind, notes)
        sites, site_results = _sites(recipe, geom_at, lc_dates, lang, ind, notes)
        population = _population(recipe, geom_at, lang, ind, notes)
        polygons = _polygons(recipe, geom_at, lang, ind, notes)
        cards = scorecards_over_time(scorecards)
        _scorecard_indicators(cards, ind)
    notes.extend(w.message.text(lang) if isinstance(w.message, DataWarning) else str(w.message) for w in caught
                 if issubclass(w.category, LandgeoWarning))
    all_dates = sorted_dates([*b_dates, *(x["date"] for x in lc_dates), *(x["date"] for x in sites),
                              *(x["date"] for x in population), *(x["date"] for x in polygons),
                              *(c["date"] for c in cards)])
    section = {
        "dates": all_dates,
        "boundaries": boundaries,
        "boundary_change": changes,
        "land_cover": lc_dates,
        "transitions": transitions,
        "sites": sites,
        "population": population,
        "polygons": polygons,
        "scorecards": [{"date": c["date"], "goal_means": c["goal_means"], "scores": c["scores"]} for c in cards],
        "indicators": [i.to_dict(lang) for i in ind],
        "notes": list(dict.fromkeys(notes)),
    }
    layers = {}
    if site_results:
        frames = [r.layer for r in site_results.values() if len(r.layer)]
        if frames:
            layers["sites_over_time"] = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=4326)
    if dated_b:
        layers["boundaries_over_time"] = gpd.GeoDataFrame({"date": b_dates}, geometry=[dated_b[d] for d in b_dates], crs=4326)
    checks = [Check("boundary_change", c["status"], c["message"], c["change_share"],
                    Text.from_dict(c["message_text"]) if c.get("message_text") else None) for c in changes]
    return Monitoring(section, ind, layers, rasters, checks, section["notes"])
