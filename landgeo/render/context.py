"""Layers around a landscape for maps: EPSG:4326 copies, and country outlines and borders.

Country outlines are used when the pipeline gives no ``context`` layer: the bundled
Natural Earth countries (public domain), 1:10m (``assets/countries_10m.gpkg``, the
programme countries and their neighbours, with their land borders as lines) for maps at
1:20,000,000 and larger, else 1:110m (``assets/countries_110m.geojson``, the world);
see :func:`outlines_for_scale`.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from babel import Locale
from babel.core import get_global
from shapely.geometry.base import BaseGeometry

from ..i18n import LANGUAGES, Text
from ..io.text import read_text
from ..io.vector import read_vector
from .reach import to_boundary_longitudes

log = logging.getLogger(__name__)

COUNTRIES = Path(__file__).resolve().parent / "assets" / "countries_110m.geojson"
COUNTRIES_10M = Path(__file__).resolve().parent / "assets" / "countries_10m.gpkg"
#: Credit for the bundled outlines (public domain; credited all the same).
COUNTRIES_CREDIT = "Natural Earth 1:110m countries"
COUNTRIES_10M_CREDIT = "Natural Earth 1:10m countries"
#: Maps at this scale (1 : N) or larger use the 1:10m outlines where they cover the view.
FINE_SCALE_LIMIT = 20_000_000


def to_4326(gdf: gpd.GeoDataFrame | None, key: str) -> gpd.GeoDataFrame | None:
    """``gdf`` without empty geometries, in EPSG:4326 (transformed and logged if needed); ``None`` if empty.

    A layer with no CRS is taken as EPSG:4326, with a warning in the log.
    """
    if gdf is None or len(gdf) == 0:
        return None
    geoms = np.asarray(gdf.geometry.array)  # shapely geometries (None where missing)
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.all():
        return None
    if missing.any():  # a copy only when something is left out
        gdf = gdf[~missing]
    if gdf.crs is None:
        log.warning(Text("layer {layer} has no CRS; taking it as EPSG:4326 for the map", params={"layer": repr(key)}))
    elif gdf.crs.to_epsg() != 4326:
        log.info(Text("layer {layer}: transforming from {crs} to EPSG:4326 for the map",
                      params={"layer": repr(key), "crs": gdf.crs.to_string()}))
        gdf = gdf.to_crs(4326)
    return gdf


def outlines_for_scale(scale_denominator: float | None, bounds=None) -> Path:
    """The bundled outline file for a map at 1 : ``scale_denominator`` showing ``bounds`` (EPSG:4326).

    1:10m where the map is at 1:20,000,000 or larger and the 1:10m file covers ``bounds``, else 1:110m.
    """
    if scale_denominator is None or scale_denominator > FINE_SCALE_LIMIT or not COUNTRIES_10M.is_file():
        return COUNTRIES
    if bounds is not None and _fine_cover() is not None:
        if not _fine_cover().contains(shapely.box(*bounds).centroid):
            return COUNTRIES
    return COUNTRIES_10M


@lru_cache(maxsize=1)
def _fine_cover():
    """Where the 1:10m outlines exist (the union of their bounding boxes, coarse)."""

    if not COUNTRIES_10M.is_file():
        return None
    gdf = _bundled(COUNTRIES_10M, "countries", "polygon")
    return shapely.union_all([shapely.box(*g.bounds) for g in gdf.geometry.values])


@lru_cache(maxsize=4)
def _bundled(path: Path, layer: str | None, expect: str) -> gpd.GeoDataFrame:
    """A whole bundled outline layer, read once per process (an atlas draws many sheets from it)."""
    return read_vector(path, layer=layer, expect=expect)


def _bundled_in(path: Path, layer: str | None, bbox, expect: str) -> gpd.GeoDataFrame:
    """The features of a bundled layer that meet ``bbox``, in file order (as OGR's bbox filter gives them)."""
    gdf = _bundled(Path(path), layer, expect)
    if gdf is None or not len(gdf):
        return gdf
    rows = np.sort(gdf.sindex.query(shapely.box(*bbox), predicate="intersects"))
    return gdf.iloc[rows].copy()


def outlines_credit(path: Path) -> str:
    """The credit line for a bundled outline file."""
    return COUNTRIES_10M_CREDIT if Path(path) == COUNTRIES_10M else COUNTRIES_CREDIT


def country_context(geom: BaseGeometry, *, margin_deg: float | None = None,
                    scale_denominator: float | None = None) -> gpd.GeoDataFrame | None:
    """Countries near ``geom`` (EPSG:4326) with a boolean ``home`` column (the ones it touches).

    Parameters
    ----------
    geom
        The landscape boundary in EPSG:4326.
    margin_deg
        How far around the landscape to take neighbours, in degrees (default: 8° or
        three times the landscape's size, whichever is larger).
    scale_denominator
        The map's scale (1 : N); picks the 1:10m or 1:110m outlines (:func:`outlines_for_scale`).

    Returns
    -------
    GeoDataFrame or None
        ``name``, ``iso_a3``, ``home``, geometry; ``attrs["credit"]`` names the outlines used;
        ``None`` when the outlines are missing or empty.
    """
    if geom is None or geom.is_empty:
        return None
    minx, miny, maxx, maxy = geom.bounds
    size = max(maxx - minx, maxy - miny)
    margin = margin_deg if margin_deg is not None else max(8.0, 3 * size)
    bbox = (minx - margin, max(miny - margin, -90), maxx + margin, min(maxy + margin, 90))
    path = outlines_for_scale(scale_denominator, geom.bounds)
    if not path.is_file():
        return None
    gdf = _read_around(path, "countries" if path.suffix == ".gpkg" else None, bbox, "polygon", geom)
    if gdf is None or len(gdf) == 0:
        return None
    near = min(0.05, size * 0.1) if size > 0 else 0.05
    gdf = gdf.assign(home=shapely.dwithin(gdf.geometry.values, geom, near))
    gdf = gdf.reset_index(drop=True)
    gdf.attrs["credit"] = outlines_credit(path)
    return gdf


def country_borders(bounds) -> gpd.GeoDataFrame | None:
    """Land borders between countries (1:10m lines, ``left``/``right`` ISO codes) within ``bounds``; ``None`` if none."""

    if not COUNTRIES_10M.is_file():
        return None
    gdf = _read_around(COUNTRIES_10M, "borders", tuple(bounds), "line", shapely.box(*bounds))
    return gdf if gdf is not None and len(gdf) else None


def _read_around(path: Path, layer: str | None, bbox, expect: str, geom) -> gpd.GeoDataFrame:
    """The bundled outlines in ``bbox`` (EPSG:4326), at the longitudes of ``geom``.

    A box past 180° (a landscape across the antimeridian) is read in two windows, the
    part east of 180° at −180…, and every part is moved next to ``geom``
    (:func:`~landgeo.render.reach.to_boundary_longitudes`); a feature in both windows is kept once.
    """
    minx, miny, maxx, maxy = bbox
    windows = [(max(minx, -180.0), miny, min(maxx, 180.0), maxy)]
    if maxx > 180.0:
        windows.append((-180.0, miny, min(maxx - 360.0, 180.0), maxy))
    if minx < -180.0:
        windows.append((max(minx + 360.0, -180.0), miny, 180.0, maxy))
    frames = [_bundled_in(path, layer, w, expect) for w in windows]
    frames = [f.to_crs(4326) if f.crs is not None and f.crs.to_epsg() != 4326 else f for f in frames if f is not None]
    gdf = frames[0] if len(frames) == 1 else gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)
    if len(frames) > 1:
        gdf = gdf[~gdf.geometry.to_wkb().duplicated()].reset_index(drop=True)
    return to_boundary_longitudes(gdf, geom)


# Names a sheet uses where the CLDR name reads badly on a map ("Congo - Kinshasa").
_SHORT_NAMES = {
    "fr": {"COD": "Rép. dém. du Congo", "COG": "Congo"},
    "es": {"COD": "Rep. Dem. del Congo", "COG": "Congo"},
    "pt": {"COD": "Rep. Dem. do Congo", "COG": "Congo"},
}


def _cldr_name(key: str, lang: str) -> str | None:
    """The country's name in ``lang`` from CLDR (Babel), for an ISO alpha-3 code."""
    alpha2 = (get_global("territory_aliases").get(key) or [None])[0]
    if alpha2 is None:
        return None
    return Locale.parse(LANGUAGES.get(lang, "en")).territories.get(alpha2)


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    if not COUNTRIES.is_file():
        return {}
    data = json.loads(read_text(COUNTRIES))
    return {f["properties"]["iso_a3"]: f["properties"]["name"] for f in data["features"]
            if f["properties"].get("iso_a3") not in (None, "-99")}


def country_name(code: str, lang: str = "en") -> str:
    """The country's name for an ISO 3166 alpha-3 code (``GIN`` → ``Guinea``/``Guinée``); other text as is.

    English names are Natural Earth's; other languages take CLDR's (Babel).

    >>> country_name("UGA", "fr"), country_name("GHA"), country_name("Kora")
    ('Ouganda', 'Ghana', 'Kora')
    >>> country_name("CIV", "pt"), country_name("SLE", "es"), country_name("COD", "fr")
    ('Costa do Marfim', 'Sierra Leona', 'Rép. dém. du Congo')
    """
    key = str(code).strip().upper()
    if lang != "en":
        name = _SHORT_NAMES.get(lang, {}).get(key) or _cldr_name(key, lang)
        if name:
            return name
    return _names().get(key, str(code))
