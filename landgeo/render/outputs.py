"""The rendered files of a profile directory (map.html, sheet.pdf, sheet.png), and reading a profile directory back.

``write_maps`` is what ``landgeo profile`` calls for each landscape; ``landgeo sheet RECIPE|PROFILE_DIR``
is :func:`landgeo.app.sheet.render_sheet`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd

from ..errors import DrawingError
from ..i18n import Text, check_lang
from ..io.profile_dir import GPKG_LAYERS, RASTERS_JSON
from ..io.text import read_text
from ..io.vector import list_layers, read_vector
from ..profile import read_profile
from . import skipped
from .sheet import write_sheet
from .webmap import write_webmap

log = logging.getLogger(__name__)



def write_maps(profile: Mapping[str, Any], layers: Mapping[str, gpd.GeoDataFrame], folder: str | Path, *,
               lang: str | None = None, offline: bool = True, rasters: Mapping[str, Any] | None = None) -> list[Path]:
    """Write ``map.html``, ``sheet.pdf`` and ``sheet.png`` into ``folder`` (and ``change.png`` when the profile is dated).

    ``lang`` defaults to the profile's ``language``. Returns the files written.
    """
    folder = Path(folder)
    lang = check_lang(lang, profile.get("language") or "en")
    out = []
    try:
        out.append(write_webmap(profile, layers, folder / "map.html", lang=lang, offline=offline, rasters=rasters))
    except DrawingError as exc:  # too near a pole for Web Mercator: noted in the profile, the rest is written
        skipped.record(exc.text.sentence(lang) if exc.text else str(exc))
    try:
        # dated layers: the change page is page 2 of sheet.pdf and change.png, drawn once for both
        out += write_sheet(profile, layers, pdf=folder / "sheet.pdf", png=folder / "sheet.png", lang=lang,
                           rasters=rasters, change_png=folder / "change.png")
    except DrawingError as exc:  # too near a pole for a latitude–longitude sheet
        skipped.record(exc.text.sentence(lang) if exc.text else str(exc))
    return out


def load_profile_dir(folder: str | Path, *, layers_wanted: tuple[str, ...] = GPKG_LAYERS) -> tuple[dict, dict[str, gpd.GeoDataFrame]]:
    """(profile, layers) from a profile directory written by ``landgeo profile`` (only the layers in ``layers_wanted``)."""

    folder = Path(folder)
    profile = read_profile(folder)
    layers: dict[str, gpd.GeoDataFrame] = {}
    gpkg = folder / "boundary.gpkg"
    if gpkg.is_file():
        present = {name for name, _ in list_layers(gpkg)}
        for name in layers_wanted:
            if name in present:
                layers[name] = read_vector(gpkg, layer=name, expect=None)
    elif (folder / "boundary.geojson").is_file():
        layers["boundary"] = read_vector(folder / "boundary.geojson", expect="polygon")
    return profile, layers


def load_profile_rasters(folder: str | Path) -> dict[str, Path]:
    """The rasters (``landcover``, ``dem``) recorded in a profile directory's rasters.json that still exist."""
    path = Path(folder) / RASTERS_JSON
    if not path.is_file():
        return {}
    try:
        recorded = json.loads(read_text(path))
    except ValueError:
        log.warning(Text("{file}: not JSON; the sheet is drawn without land cover or relief", params={"file": str(path)}))
        return {}
    found = {k: Path(v) for k, v in recorded.items() if isinstance(v, str) and Path(v).is_file()}
    for k in sorted(set(recorded) - set(found)):
        log.warning(Text("{file}: the {layer} raster {raster} is no longer there; the sheet is drawn without it",
                         params={"file": str(path), "layer": k, "raster": str(recorded[k])}))
    return found
