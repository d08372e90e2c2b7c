"""Checks every reader makes first: the input path exists, a user-given CRS parses."""

from __future__ import annotations

from pathlib import Path

from pyproj import CRS
from pyproj.exceptions import CRSError as PyprojCRSError

from ..errors import CRSError, LayerError


def check_exists(path: Path) -> None:
    """Raise :class:`LayerError` naming the path unless it is a file (or a .gdb folder)."""
    if not path.exists():
        raise LayerError(f"{path}: file not found; check the path (recipe paths are relative to the recipe file)")
    if path.is_dir() and path.suffix.lower() not in {".gdb"}:
        raise LayerError(f"{path}: is a folder, not a layer file; name the file itself (e.g. {path}/units.gpkg)")


def parse_crs(crs, path: Path) -> CRS | None:
    """A user-given CRS (``None`` passes through), or :class:`CRSError` naming the file."""
    if crs is None:
        return None
    try:
        return CRS.from_user_input(crs)
    except PyprojCRSError as exc:
        raise CRSError(f"{path}: crs = {crs!r} is not a CRS pyproj knows; use a code such as \"EPSG:32630\"") from exc
