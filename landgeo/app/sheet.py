"""``landgeo sheet RECIPE|PROFILE_DIR``: re-render a profile sheet from a recipe (built afresh) or a profile folder."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import LandgeoError, LayerError, UsageError
from ..i18n import Text, check_lang
from ..io.atomic import atomic_file, check_target
from ..recipe import read_recipe
from ..render.outputs import load_profile_dir, load_profile_rasters
from ..render.sheet import write_sheet
from .pipeline import build_profile


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
    source = Path(source)
    rasters: Mapping[str, Any] | None = None
    if source.is_dir():
        profile, layers = load_profile_dir(source)
        rasters = load_profile_rasters(source)
        default_dir, stem = source, "sheet"
    elif source.is_file():
        result = build_profile(read_recipe(source), lang=lang)
        profile, layers, rasters = result.profile, result.layers, result.rasters
        default_dir, stem = Path.cwd(), f"{result.recipe.slug}-sheet"
    else:
        raise UsageError(Text("{source}: not found; give a recipe (.toml) or a profile directory written by `landgeo profile`", params={"source": str(source)}))
    lang = check_lang(lang, profile.get("language") or "en")
    if out is None:
        pdf, png = default_dir / f"{stem}.pdf", default_dir / f"{stem}.png"
    else:
        out = Path(out)
        suffix = out.suffix.lower()
        if suffix not in (".pdf", ".png"):
            raise UsageError(Text("-o {out}: the sheet is written as .pdf or .png; give e.g. -o {name}", params={"out": str(out), "name": str(out.with_suffix('.pdf').name)}))
        pdf, png = (out, None) if suffix == ".pdf" else (None, out)
    targets = [t for t in (pdf, png) if t is not None]
    for target in targets:
        check_target(target, overwrite=overwrite, kind="file")
    with contextlib.ExitStack() as stack:  # each file complete or absent, renamed into place at the end
        tmp = {t: stack.enter_context(atomic_file(t, overwrite=overwrite)) for t in targets}
        try:
            write_sheet(profile, layers, pdf=tmp.get(pdf), png=tmp.get(png), lang=lang, rasters=rasters)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            if not source.is_dir() or isinstance(exc, LandgeoError):
                raise
            # a profile.json edited by hand (or damaged) is the user's input: say which file, not a traceback
            raise LayerError(Text("{file}: cannot be drawn ({error_type}: {exc}); it has been changed since landgeo wrote it; write the folder again with `landgeo profile`", params={"file": str(source / 'profile.json'), "error_type": str(type(exc).__name__), "exc": str(exc)})) from exc
    return targets
