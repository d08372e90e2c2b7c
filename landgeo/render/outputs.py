"""The rendered files of a profile directory (map.html, sheet.pdf, sheet.png), and re-rendering a sheet.

``write_maps`` is what ``landgeo profile`` calls for each landscape;
``render_sheet`` is ``landgeo sheet RECIPE|PROFILE_DIR``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Mapping

import geopandas as gpd

from ..errors import UsageError
from ..i18n import check_lang

log = logging.getLogger(__name__)

#: Layers read back from a profile directory's boundary.gpkg.
GPKG_LAYERS = ("boundary", "admin_units", "ecosystems", "sites", "rivers", "water", "protected_areas", "streams",
               "basin_units", "admin_neighbours", "context_points", "context_lines", "context_polygons")


def write_maps(profile: Mapping[str, Any], layers: Mapping[str, gpd.GeoDataFrame], folder: str | Path, *,
               lang: str | None = None, offline: bool = True, rasters: Mapping[str, Any] | None = None) -> list[Path]:
    """Write ``map.html``, ``sheet.pdf`` and ``sheet.png`` into ``folder``.

    ``lang`` defaults to the profile's ``language``. Returns the files written.
    """
    from .sheet import write_sheet
    from .webmap import write_webmap

    folder = Path(folder)
    lang = check_lang(lang, profile.get("language") or "en")
    out = [write_webmap(profile, layers, folder / "map.html", lang=lang, offline=offline, rasters=rasters)]
    out += write_sheet(profile, layers, pdf=folder / "sheet.pdf", png=folder / "sheet.png", lang=lang,
                       rasters=rasters)
    return out


def load_profile_dir(folder: str | Path) -> tuple[dict, dict[str, gpd.GeoDataFrame]]:
    """(profile, layers) from a profile directory written by ``landgeo profile``."""
    from ..layers import list_layers, read_vector
    from ..profile import read_profile

    folder = Path(folder)
    profile = read_profile(folder)
    layers: dict[str, gpd.GeoDataFrame] = {}
    gpkg = folder / "boundary.gpkg"
    if gpkg.is_file():
        present = {name for name, _ in list_layers(gpkg)}
        for name in GPKG_LAYERS:
            if name in present:
                layers[name] = read_vector(gpkg, layer=name, expect=None)
    elif (folder / "boundary.geojson").is_file():
        layers["boundary"] = read_vector(folder / "boundary.geojson", expect="polygon")
    return profile, layers


def load_profile_rasters(folder: str | Path) -> dict[str, Path]:
    """The rasters (``landcover``, ``dem``) recorded in a profile directory's rasters.json that still exist."""
    import json

    from ..layers import read_text
    from ..pipeline import RASTERS_JSON

    path = Path(folder) / RASTERS_JSON
    if not path.is_file():
        return {}
    try:
        recorded = json.loads(read_text(path))
    except ValueError:
        log.warning("%s: not JSON; the sheet is drawn without land cover or relief", path)
        return {}
    found = {k: Path(v) for k, v in recorded.items() if isinstance(v, str) and Path(v).is_file()}
    for k in sorted(set(recorded) - set(found)):
        log.warning("%s: the %s raster %s is no longer there; the sheet is drawn without it", path, k, recorded[k])
    return found


def render_sheet(source: str | Path, *, out: str | Path | None = None, lang: str | None = None,
                 overwrite: bool = False) -> list[Path]:
    """Render the sheet of a recipe (built afresh) or of a profile directory.

    Parameters
    ----------
    source
        A recipe (``.toml``) or a profile directory (holding ``profile.json`` and ``boundary.gpkg``).
    out
        ``FILE.pdf`` or ``FILE.png``. Default: ``sheet.pdf`` and ``sheet.png`` in the profile
        directory, or ``<slug>-sheet.pdf`` and ``.png`` in the current directory for a recipe.
    lang
        ``en`` or ``fr`` (default: the profile's language).
    overwrite
        Replace existing files.

    Returns
    -------
    list of Path
        The files written.
    """
    import contextlib

    from ..output import atomic_file, check_target
    from .sheet import write_sheet

    source = Path(source)
    rasters: Mapping[str, Any] | None = None
    if source.is_dir():
        profile, layers = load_profile_dir(source)
        rasters = load_profile_rasters(source)
        default_dir, stem = source, "sheet"
    elif source.is_file():
        from ..pipeline import build_profile
        from ..recipe import read_recipe

        result = build_profile(read_recipe(source), lang=lang)
        profile, layers, rasters = result.profile, result.layers, result.rasters
        default_dir, stem = Path.cwd(), f"{result.recipe.slug}-sheet"
    else:
        raise UsageError(f"{source}: not found; give a recipe (.toml) or a profile directory written by `landgeo profile`")
    lang = check_lang(lang, profile.get("language") or "en")
    if out is None:
        pdf, png = default_dir / f"{stem}.pdf", default_dir / f"{stem}.png"
    else:
        out = Path(out)
        suffix = out.suffix.lower()
        if suffix not in (".pdf", ".png"):
            raise UsageError(f"-o {out}: the sheet is written as .pdf or .png; give e.g. -o {out.with_suffix('.pdf').name}")
        pdf, png = (out, None) if suffix == ".pdf" else (None, out)
    targets = [t for t in (pdf, png) if t is not None]
    for target in targets:
        check_target(target, overwrite=overwrite, kind="file")
    with contextlib.ExitStack() as stack:  # each file complete or absent, renamed into place at the end
        tmp = {t: stack.enter_context(atomic_file(t, overwrite=overwrite)) for t in targets}
        write_sheet(profile, layers, pdf=tmp.get(pdf), png=tmp.get(png), lang=lang, rasters=rasters)
    return targets
