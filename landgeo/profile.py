"""The landscape profile (schema ``landgeo.profile/1``): computed facts + template fields + scorecards.

Deterministic: the same inputs give the same bytes (fixed key order, rounded
numbers, paths relative to the recipe, no timestamps). Areas in hectares,
lengths in km, shares in 0..1.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from ._version import __version__
from .boundary import Boundary
from .checks.guidance import BoundaryReport
from .errors import LayerError
from .geo import geodesy
from .i18n import Text
from .io.text import read_text

SCHEMA_ID = "landgeo.profile/1"
TEMPLATE_LISTS = ("livelihoods", "non_economic_livelihoods", "challenges", "governance", "coordination_spaces")
GOALS = {"conservation": "C", "production": "P", "livelihoods": "L", "institutions": "I"}


def _r(value: float, digits: int = 2) -> float:
    return round(float(value), digits)


def centroid_lonlat(geom) -> list[float]:
    """The centroid computed in an equal-area CRS, as [lon, lat] rounded to 1e-6°."""
    fwd, back = geodesy.equal_area_transformers(geom)
    c = shapely.transform(geom, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1]))).centroid
    x, y = back.transform(c.x, c.y)
    return [_r(x, 6), _r(y, 6)]


def _template(recipe) -> dict:
    p = recipe.profile
    products = p.get("products", {})
    return {
        **{key: list(p.get(key, ())) for key in TEMPLATE_LISTS[:2]},
        "products": {
            "agricultural": list(products.get("agricultural", ())),
            "non_agricultural": list(products.get("non_agricultural", ())),
        },
        **{key: list(p.get(key, ())) for key in TEMPLATE_LISTS[2:]},
        "photos": [Path(os.path.relpath(ph, recipe.base)).as_posix() for ph in p.get("photos", ())],
        "notes": p.get("notes"),
    }


def _scorecards(recipe) -> list[dict]:
    out = []
    for card in recipe.scorecards:
        scores = dict(card["scores"])
        means = {}
        for goal, letter in GOALS.items():
            vals = [v for k, v in scores.items() if k.startswith(letter)]
            means[goal] = _r(sum(vals) / len(vals), 3) if vals else None
        out.append({"date": card.get("date"), "scores": scores, "goal_means": means})
    return out


def scorecards_of(recipe) -> list[dict]:
    """The recipe's scorecards as profile.json has them: ``{date, scores {C1..I5}, goal_means}``."""
    return _scorecards(recipe)


def make_profile(
    recipe,
    boundary: Boundary,
    report: BoundaryReport,
    *,
    lang: str,
    parts: Mapping[str, Any] | None = None,
    notes=(),
) -> dict:
    """Assemble profile.json's content.

    ``parts`` holds the computed sections from attach (``location``,
    ``population``, ``ecosystems``, ``sites``, ``rivers``…); missing sections are null.
    """
    parts = dict(parts or {})
    geom = boundary.geometry
    minx, miny, maxx, maxy = geom.bounds
    location = parts.pop("location", None) or {"countries": list(recipe.countries), "admin_units": []}
    profile = {
        "schema": SCHEMA_ID,
        "name": recipe.name,
        "slug": recipe.slug,
        "generated_with": f"landgeo {__version__}",
        "language": lang,
        "description": recipe.description,
        "boundary": {
            "method": boundary.method,
            "definition": boundary.definition,
            **({"definition_text": boundary.definition_text.to_dict()} if getattr(boundary, "definition_text", None) else {}),
            "sources": [s.to_dict() for s in boundary.sources],
            "crs": "EPSG:4326",
            "details": _jsonable(dict(boundary.details)),
            **({"justification": recipe.boundary["justification"]} if recipe.boundary.get("justification") else {}),
        },
        "area_ha": _r(report.area_ha),
        "perimeter_km": _r(report.perimeter_km, 3),
        "centroid": centroid_lonlat(geom),
        "bbox": [_r(minx, 6), _r(miny, 6), _r(maxx, 6), _r(maxy, 6)],
        "scale": {
            "min_ha": report.scale.min_ha,
            "max_ha": report.scale.max_ha,
            "verdict": report.scale.verdict,
            "message": report.scale.message,
            **({"message_text": report.scale.text.to_dict()} if getattr(report.scale, "text", None) else {}),
        },
        "checks": [c.to_dict() for c in report.checks],
        "location": location,
        "population": parts.pop("population", None),
        "ecosystems": parts.pop("ecosystems", None),
        "sites": parts.pop("sites", None),
        "rivers": parts.pop("rivers", None),
    }
    profile.update(parts)  # any further computed sections, in the order attach gives them
    profile["template"] = _template(recipe)
    profile["scorecards"] = _scorecards(recipe)
    profile["notes"], texts = note_texts(notes, lang)
    if any(texts):
        profile["notes_text"] = texts
    return profile


def note_texts(notes, lang: str) -> tuple[list[str], list[dict | None]]:
    """Notes (strings, :class:`landgeo.i18n.Sentence` or :class:`landgeo.i18n.Text`) as sentences in ``lang``, once each,
    and beside them their data form (``None`` for a plain string)."""
    sentences: list[str] = []
    texts: list[dict | None] = []
    for note in notes:
        text = note if isinstance(note, Text) else getattr(note, "text", None)  # a Text, or a Sentence keeping one
        sentence = text.render(lang) if isinstance(text, Text) else str(note)
        if sentence in sentences:
            continue
        sentences.append(sentence)
        texts.append(text.to_dict() if isinstance(text, Text) else None)
    return sentences, texts


def _jsonable(value):
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Path):
        return value.name
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def read_profile(path: str | Path) -> dict:
    """Read a profile.json (or the profile.json inside a profile directory)."""
    path = Path(path)
    if path.is_dir():
        path = path / "profile.json"
    def no_nan(name):  # NaN/Infinity are not JSON; landgeo never writes them
        raise ValueError(f"{name} is not a JSON number")

    try:
        data = json.loads(read_text(path), parse_constant=no_nan)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise LayerError(Text("{path}: is not JSON landgeo wrote ({exc}); give a profile.json written by landgeo", params={"path": str(path), "exc": str(exc)})) from exc
    if not isinstance(data, dict) or data.get("schema") != SCHEMA_ID:
        raise LayerError(Text("{path}: is not a landgeo profile (schema {schema}); give a profile.json written by `landgeo profile`", params={"path": str(path), "schema": str(SCHEMA_ID)}))
    return data
