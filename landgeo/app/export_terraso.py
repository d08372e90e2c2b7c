"""``landgeo export terraso``: the profile in the form Terraso's landscape pages read.

Followed (techmatters/terraso-backend): the landscape export view
``terraso_backend/apps/core/landscapes_views.py`` (``LandscapeExportView.to_json``: the
field names ``name, description, region, publicContactEmail, website, areaPolygon,
areaTypes, areaScalarHa, population, profileImage, profileImageDescription,
taxonomyTerms [{type, value {original, eng, spa}}], organizationsInvolved {stakeholders},
developmentStrategy {objectives, problemSituation, interventionStrategy, opportunities}``),
its test ``terraso_backend/tests/core/test_landscapes_views.py`` (``region`` is an ISO
3166-1 alpha-2 code such as ``"EC"``; ``areaPolygon`` a GeoJSON FeatureCollection), the
model ``terraso_backend/apps/core/models/landscapes.py`` and
``models/taxonomy_terms.py`` (term types ``ECOSYSTEM_TYPE, LANGUAGE, LIVELIHOOD,
COMMODITY, ORGANIZATION, AGRICULTURAL_PRODUCTION_METHOD``), and the add mutation in
``terraso_backend/apps/graphql/schema/landscapes.py`` (``LandscapeAddMutation.Input``;
``taxonomyTypeTerms`` as ``{TYPE: [{valueOriginal, type}]}``). From
techmatters/terraso-web-client: ``src/landscape/landscapeService.js`` (which fields are
sent, JSON fields as strings), ``src/common/countries.js`` (countries by ``cca2``, i.e.
alpha-2) and ``src/landscape/components/LandscapeForm/ProfileStep.jsx`` (area types
``rural``, ``peri-urban``, ``urban``).

Writes ``landscape.json`` (the export form), ``landscape_add_input.json`` (the mutation's
input) and ``area_polygon.geojson`` (the boundary file Terraso's boundary step uploads).
A field the profile does not have is null or empty, and listed under ``landgeo.missing``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pycountry  # offline ISO 3166 tables
import shapely
from babel import Locale

from .._version import __version__
from ..geo import geodesy
from ..i18n import LANGUAGES, Text
from ..io.atomic import atomic_dir, write_json
from .export_source import ExportSource, check_out_dir, load_export_source

log = logging.getLogger(__name__)

#: Terraso's language terms: the English name of each language landgeo writes (CLDR, so a fifth needs no line here).
LANGUAGE_NAMES = {code: Locale.parse(code).get_language_name("en") for code in LANGUAGES}


@dataclass(frozen=True)
class TerrasoExport:
    folder: Path
    landscape: dict


def alpha2(country: str) -> str | None:
    """ISO 3166-1 alpha-2 code of a country given as alpha-2, alpha-3 or an English name (None if unknown).

    >>> alpha2("GHA"), alpha2("ci"), alpha2("Côte d'Ivoire"), alpha2("XDL")
    ('GH', 'CI', 'CI', None)
    """
    text = str(country or "").strip()
    if not text:
        return None
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return None


def area_polygon(geometry, *, name: str | None, area_ha: float) -> dict:
    """The boundary as a GeoJSON FeatureCollection (RFC 7946: lon/lat, counter-clockwise outer rings)."""
    geom = geodesy.orient(geodesy.polygonal(geometry))
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"name": name, "area_ha": round(area_ha, 2)},
                      "geometry": json.loads(shapely.to_geojson(shapely.set_precision(geom, 1e-7)))}],
    }


def _terms(kind: str, values) -> list[dict]:
    out, seen = [], set()
    for v in values or []:
        text = str(v).strip()
        if text and text not in seen:
            seen.add(text)
            out.append({"type": kind, "value": {"original": text, "eng": "", "spa": ""}})
    return out


def _classes(part) -> list[str]:
    classes = part.get("classes") if isinstance(part, Mapping) else part
    return [str(c["class"]) for c in classes or [] if isinstance(c, Mapping) and c.get("class")]


def terraso_landscape(src: ExportSource) -> dict:
    """The profile as Terraso's landscape export JSON (plus a ``landgeo`` block: source and missing fields)."""
    p = src.profile
    template = p.get("template") or {}
    products = template.get("products") or {}
    location = p.get("location") or {}
    countries = [c for c in location.get("countries") or [] if c]
    codes = [alpha2(c) for c in countries]
    known = [c for c in codes if c]
    notes = []
    unknown = [c for c, code in zip(countries, codes) if not code]
    if unknown:
        notes.append((Text("countries without an ISO 3166-1 code: {countries} (region left empty)", params={"countries": ", ".join(unknown)})
                      if not known else
                      Text("countries without an ISO 3166-1 code left out: {countries}", params={"countries": ", ".join(unknown)})
                      ).sentence("en"))
    if len(known) > 1:
        notes.append(Text("Terraso's region holds one country: {given} given, also in the landscape: {others}",
                          params={"given": known[0], "others": ", ".join(known[1:])}).sentence("en"))
    area_ha = geodesy.area_ha(src.geometry)
    pop = (p.get("population") or {}).get("total")
    eco = _classes(p.get("ecosystems")) or _classes(p.get("land_cover"))
    taxonomy = (
        _terms("ECOSYSTEM_TYPE", eco)
        + _terms("LIVELIHOOD", list(template.get("livelihoods") or []) + list(template.get("non_economic_livelihoods") or []))
        + _terms("COMMODITY", list(products.get("agricultural") or []) + list(products.get("non_agricultural") or []))
        + _terms("LANGUAGE", [LANGUAGE_NAMES.get(str(p.get("language")), "")])
    )
    stakeholders = list(dict.fromkeys(str(s) for s in list(template.get("governance") or []) + list(template.get("coordination_spaces") or []) if s))
    challenges = [str(c) for c in template.get("challenges") or [] if c]
    description = " ".join(s for s in (str(p.get("description") or "").strip(),
                                       str((p.get("boundary") or {}).get("definition") or "").strip()) if s)
    landscape = {
        "id": None,  # Terraso assigns it
        "name": p.get("name"),
        "description": description,
        "region": known[0] if known else "",
        "publicContactEmail": "",
        "website": "",
        "areaPolygon": area_polygon(src.geometry, name=p.get("name"), area_ha=area_ha),
        "areaTypes": None,  # rural / peri-urban / urban: the team's choice, not computed
        "areaScalarHa": round(area_ha, 2),
        "population": round(float(pop)) if isinstance(pop, (int, float)) else None,
        "profileImage": "",
        "profileImageDescription": "",
        "taxonomyTerms": taxonomy,
        "organizationsInvolved": {"stakeholders": stakeholders},
        "developmentStrategy": {"objectives": "", "problemSituation": "; ".join(challenges), "interventionStrategy": "",
                                "opportunities": ""} if challenges else None,
        "lastUpdated": None,
    }
    missing = [k for k in ("description", "region", "publicContactEmail", "website", "areaTypes", "population",
                           "profileImage", "developmentStrategy") if landscape[k] in (None, "", [])]
    missing += [f"taxonomyTerms.{t}" for t in ("ECOSYSTEM_TYPE", "LIVELIHOOD", "COMMODITY")
                if not any(term["type"] == t for term in taxonomy)]
    if not stakeholders:
        missing.append("organizationsInvolved.stakeholders")
    landscape["landgeo"] = {"generated_with": f"landgeo {__version__}", "slug": p.get("slug"), "source": src.path.name,
                            "countries": countries, "missing": missing, "notes": notes}
    return landscape


def add_mutation_input(landscape: Mapping) -> dict:
    """The ``addLandscape`` GraphQL input (JSON fields as strings, as the web client sends them)."""
    by_type: dict[str, list] = {}
    for term in landscape.get("taxonomyTerms") or []:
        by_type.setdefault(term["type"], []).append({"valueOriginal": term["value"]["original"], "type": term["type"]})
    return {
        "name": landscape.get("name"),
        "description": landscape.get("description") or "",
        "website": landscape.get("website") or "",
        "email": landscape.get("publicContactEmail") or "",
        "location": landscape.get("region") or "",
        "areaPolygon": json.dumps(landscape.get("areaPolygon"), ensure_ascii=False),
        "areaTypes": json.dumps(landscape.get("areaTypes")) if landscape.get("areaTypes") else None,
        "population": landscape.get("population"),
        "taxonomyTypeTerms": json.dumps(by_type, ensure_ascii=False),
    }


def export_terraso(source: str | Path, out_dir: str | Path, *, lang: str | None = None, overwrite: bool = False) -> TerrasoExport:
    """Write the Terraso form of a profile folder or a recipe into ``out_dir`` (complete or absent)."""
    check_out_dir(out_dir, source)
    src = load_export_source(source, lang=lang)
    landscape = terraso_landscape(src)
    with atomic_dir(out_dir, overwrite=overwrite) as tmp:
        write_json(landscape, tmp / "landscape.json")
        write_json(add_mutation_input(landscape), tmp / "landscape_add_input.json")
        write_json(landscape["areaPolygon"], tmp / "area_polygon.geojson")
    for note in landscape["landgeo"]["notes"]:
        log.warning("%s", note)
    log.info(Text("wrote {path}", params={"path": str(out_dir)}))
    return TerrasoExport(Path(out_dir), landscape)
