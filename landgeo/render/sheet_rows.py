"""The profile sheet's texts: the table rows (label, value) in the template's order, and the sources line."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from ..i18n import fmt_lonlat, fmt_number, join_names, translator
from .attach_rows import attach_rows
from .context import country_name
from .labels import (
    as_list,
    colon,
    fmt_ha,
    fmt_km,
    fmt_share,
    label,
    method_text,
    verdict_text,
)
from .localize import localize_profile
from .raster import classes_of


def eco_classes(profile: Mapping[str, Any]) -> list[dict]:
    return classes_of(profile.get("ecosystems"))

def eco_source(profile: Mapping[str, Any]) -> str | None:
    eco = profile.get("ecosystems")
    return eco.get("source") if isinstance(eco, Mapping) else profile.get("ecosystems_source")

def _population_text(pop: Mapping[str, Any], lang: str) -> str | None:
    """``≈ 40,000 inhabitants (cells of 34,000 ha, coarse for this landscape; WorldPop, 2020)``, "not covered
    by the population raster" where it does not reach (never a false 0), None when not computed."""
    t = translator(lang)
    extra = [str(x) for x in (pop.get("source"), pop.get("year")) if x]
    if pop.get("total") is None:
        if pop.get("covered") is False:
            return t("not covered by the population raster") + (f" ({', '.join(extra)})" if extra else "")
        return None
    res = pop.get("resolution") if isinstance(pop.get("resolution"), Mapping) else {}
    number = fmt_number(float(pop["total"]), lang)
    text = (f"≈\u00a0{number}" if res.get("coarse") else number) + f" {label('inhabitants', lang)}"
    notes = []
    if res.get("coarse") and res.get("cell_ha"):
        notes.append(t("cells of {cell_ha:,.0f} ha, coarse for this landscape", cell_ha=float(res["cell_ha"])))
    share = pop.get("not_covered_share")
    if isinstance(share, (int, float)) and share > 0.01:
        notes.append(t("the raster covers {share:.0%} of the landscape", share=1.0 - float(share)))
    notes += extra
    return text + (f" ({'; '.join(notes)})" if notes else "")

def _water_text(sites: Mapping[str, Any], lang: str) -> str:
    """``; 12 within 500 m of water (3 unknown), median distance to water 4.2 km`` — or "unknown", never a false 0."""
    near = sites.get("near_water")
    if not isinstance(near, Mapping) or near.get("distance_m") is None or not sites.get("count"):
        return ""
    if near.get("count") is None:
        return "; " + label("water_unknown", lang)
    text = f"; {fmt_number(near['count'], lang)} " + label("near_water", lang).format(d=fmt_number(near["distance_m"], lang))
    if near.get("unknown"):
        text += f" ({label('water_n_unknown', lang).format(n=fmt_number(near['unknown'], lang))})"
    median = (sites.get("distance_to_water_m") or {}).get("median") if isinstance(sites.get("distance_to_water_m"), Mapping) else None
    if median is not None:
        text += ", " + label("water_median", lang).format(d=fmt_km(float(median) / 1000.0, lang))
    return text

def _location_value(profile, lang: str, na: str) -> str:
    """Countries; the largest five admin units with their shares; the centroid."""
    loc = profile.get("location") or {}
    parts = []
    if loc.get("countries"):
        parts.append(join_names([country_name(c, lang) for c in as_list(loc.get("countries"))], lang))
    units = [u for u in (loc.get("admin_units") or []) if isinstance(u, Mapping) and u.get("name")]
    units.sort(key=lambda u: -(u.get("share_of_landscape") or 0))
    if units:
        shown = [f"{u['name']} ({fmt_share(u['share_of_landscape'], lang)})" if u.get("share_of_landscape") is not None
                 else str(u["name"]) for u in units[:5]]
        more = len(units) - 5  # the profile keeps the whole list; the sheet names the largest five
        text = ", ".join(shown) + (" " + translator(lang)("… and {n} more", "… and {n} more", n=more) if more > 0 else "")
        parts.append(text)
    centroid = profile.get("centroid")
    if centroid and len(centroid) == 2 and all(v is not None for v in centroid):
        parts.append(fmt_lonlat(float(centroid[0]), float(centroid[1]), lang))
    return "; ".join(parts) if parts else na


def _size_value(profile, lang: str, na: str) -> str:
    """Area in ha and km², perimeter, and the scale verdict with its band."""
    scale = profile.get("scale") or {}
    area = profile.get("area_ha")
    if area is not None:
        size = f"{fmt_ha(area, lang)} ({fmt_number(float(area) / 100.0, lang, 1 if area < 100_000 else 0)}\u00a0km²)"
        if profile.get("perimeter_km") is not None:
            size += f", {label('perimeter', lang)} {fmt_km(profile['perimeter_km'], lang)}"
        if scale.get("verdict"):
            band = ""
            if scale.get("min_ha") is not None and scale.get("max_ha") is not None:
                band = f" ({fmt_number(scale['min_ha'], lang)}–{fmt_number(scale['max_ha'], lang)}\u00a0ha)"
            size += f" — {verdict_text(scale['verdict'], lang)}{band}"
    else:
        size = na
    return size


def _class_rows(profile, lang: str, na: str) -> list[tuple[str, str]]:
    """Ecosystem types (largest six) and, when they differ, land-cover classes (largest five)."""
    rows = []
    classes = sorted(eco_classes(profile), key=lambda c: -(c.get("share") or 0))
    if classes:
        text = ", ".join(f"{c['class']} {fmt_share(c.get('share'), lang)}" if c.get("share") is not None
                         else str(c["class"]) for c in classes[:6])
        if len(classes) > 6:
            text += f" + {len(classes) - 6}"
    else:
        text = na
    rows.append((label("ecosystem_types", lang), text))

    land = sorted(classes_of(profile.get("land_cover")), key=lambda c: -(c.get("share") or 0))
    if land and classes_of(profile.get("land_cover")) != eco_classes(profile):
        text = ", ".join(f"{c['class']} {fmt_share(c.get('share'), lang)}" if c.get("share") is not None
                         else str(c["class"]) for c in land[:5])
        if len(land) > 5:
            text += f" + {len(land) - 5}"
        rows.append((label("landcover", lang), text))
    return rows


def _activity_rows(profile, lang: str) -> list[tuple[str, str]]:
    """ASGM sites (count, area, density, water) and rivers (length, names)."""
    rows = []
    sites = profile.get("sites") or {}
    if sites.get("count") is not None:
        text = f"{fmt_number(sites['count'], lang)} {label('sites_count', lang)}"
        if sites.get("area_ha") is not None:
            text += f", {fmt_ha(sites['area_ha'], lang)}"
        if sites.get("density_per_1000_ha") is not None:
            text += f" ({fmt_number(sites['density_per_1000_ha'], lang, 2)} {label('per_1000_ha', lang)})"
        text += _water_text(sites, lang)
        rows.append((label("sites", lang), text))

    rivers = profile.get("rivers") or {}
    if rivers.get("length_km") is not None:
        text = f"{fmt_km(rivers['length_km'], lang)} {label('km_rivers', lang)}"
        if not rivers["length_km"]:  # "0.0 km of rivers" reads like a measurement error
            text = translator(lang)("no river of the layer crosses the landscape")
        names = as_list(rivers.get("names")) or [str(r.get("name")) for r in (rivers.get("named") or [])
                                                 if isinstance(r, Mapping) and r.get("name")]
        if names:
            text += f" ({', '.join(names[:6])}{'…' if len(names) > 6 else ''})"
        rows.append((label("rivers", lang), text))
    return rows


def _template_rows(profile, lang: str, na: str) -> list[tuple[str, str]]:
    """The template's livelihoods, products, challenges and governance."""
    rows = []
    tpl = profile.get("template") or {}
    rows.append((label("livelihoods", lang), ", ".join(as_list(tpl.get("livelihoods"))) or na))
    if as_list(tpl.get("non_economic_livelihoods")):
        rows.append((label("non_economic", lang), ", ".join(as_list(tpl.get("non_economic_livelihoods")))))
    products = tpl.get("products") or {}
    if not isinstance(products, Mapping):
        products = {"agricultural": products}
    prod = []
    for key in ("agricultural", "non_agricultural"):
        items = as_list(products.get(key))
        if items:
            prod.append(f"{label(key, lang)}{colon(lang)}{', '.join(items)}")
    rows.append((label("products", lang), "; ".join(prod) or na))
    rows.append((label("challenges", lang), ", ".join(as_list(tpl.get("challenges"))) or na))
    rows.append((label("governance", lang), ", ".join(as_list(tpl.get("governance"))) or na))
    return rows


def profile_rows(profile: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    """The profile table as (label, value) rows, in the template's order, every text in ``lang``."""
    profile = localize_profile(profile, lang)
    na = label("no_data", lang)
    rows = [(label("location", lang), _location_value(profile, lang, na)), (label("size", lang), _size_value(profile, lang, na))]
    bnd = profile.get("boundary") or {}
    definition = bnd.get("definition") or method_text(bnd.get("method"), lang) or na
    rows.append((label("definition", lang), str(definition)))

    pop = profile.get("population") or {}
    text = _population_text(pop, lang) if isinstance(pop, Mapping) else na
    if text is None:
        text = na
    rows.append((label("population", lang), text))
    rows += _class_rows(profile, lang, na)
    rows += _activity_rows(profile, lang)
    rows += attach_rows(profile, lang)  # protected areas, water bodies
    rows += _template_rows(profile, lang, na)
    flagged = [c for c in (profile.get("checks") or []) if isinstance(c, Mapping) and c.get("status") in ("warn", "fail")]
    if flagged:
        messages = [str(c.get("message") or c.get("id")).rstrip(" .") for c in flagged[:3]]
        rows.append((label("checks", lang), translator(lang)("; ", context="between sentences").join(messages) + "."))
    return rows

def sources_text(profile: Mapping[str, Any], extra: Sequence[str] = ()) -> list[str]:
    """Distinct source names from the profile (boundary layers, ecosystems, population, sites, rivers)."""
    found: list[str] = []

    def add(value):
        for v in as_list(value):
            if v and v not in found:
                found.append(v)

    for src in ((profile.get("boundary") or {}).get("sources") or []):
        add(src.get("layer") if isinstance(src, Mapping) else src)
    add(eco_source(profile))
    for key in ("population", "sites", "rivers", "water", "protected_areas"):
        part = profile.get(key)
        if isinstance(part, Mapping):
            add(part.get("source"))
    map_context = profile.get("map_context") or {}
    for rec in map_context.get("layers") or []:
        add(rec.get("source") if isinstance(rec, Mapping) else None)
    add((map_context.get("basemap") or {}).get("attribution") or (map_context.get("basemap") or {}).get("file"))
    for v in extra:
        add(v)
    return found

def wrap_rows(rows, width_chars: int, max_lines: int, label_chars: int | None = None) -> list[tuple[str, list[str]]]:
    """Wrap values; when they exceed ``max_lines`` in total, shorten the longest rows with an ellipsis.

    A row takes as many lines as its value or its label (wrapped to ``label_chars``), whichever is more.
    """
    wrapped = [(lab, textwrap.wrap(val, width_chars, break_long_words=True) or [""]) for lab, val in rows]
    label_lines = [len(textwrap.wrap(lab, label_chars) or [lab]) if label_chars else 1 for lab, _ in rows]
    while sum(max(len(v), n) for (_, v), n in zip(wrapped, label_lines)) > max_lines:
        i = max(range(len(wrapped)), key=lambda k: (len(wrapped[k][1]) > label_lines[k], len(wrapped[k][1])))
        lines = wrapped[i][1]
        if len(lines) <= max(1, label_lines[i]):
            break
        lines = lines[:-1]
        lines[-1] = lines[-1].rstrip(" ,;") + "…"
        wrapped[i] = (wrapped[i][0], lines)
    return wrapped
