"""Checks every reader makes first: the input path exists, a user-given CRS parses."""

from __future__ import annotations

import stat
from pathlib import Path

from pyproj import CRS
from pyproj.exceptions import CRSError as PyprojCRSError

from ..errors import CRSError, LayerError


def check_exists(path: Path) -> None:
    """Raise :class:`LayerError` naming the path unless it is a regular file (or a .gdb folder).

    A FIFO, device or socket is refused without being opened (reading one would hang).
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise LayerError(f"{path}: file not found; check the path (recipe paths are relative to the recipe file)") from None
    except OSError as exc:
        raise LayerError(f"{path}: cannot be read ({exc.strerror or exc}); check the path and its permissions") from exc
    if stat.S_ISDIR(mode):
        if path.suffix.lower() not in {".gdb"}:
            raise LayerError(f"{path}: is a folder, not a layer file; name the file itself (e.g. {path}/units.gpkg)")
    elif not stat.S_ISREG(mode):
        raise LayerError(f"{path}: is not a regular file (a pipe, device or socket); give a file saved on disk")


def parse_crs(crs, path: Path) -> CRS | None:
    """A user-given CRS (``None`` passes through), or :class:`CRSError` naming the file."""
    if crs is None:
        return None
    try:
        return CRS.from_user_input(crs)
    except PyprojCRSError as exc:
        raise CRSError(f"{path}: crs = {crs!r} is not a CRS pyproj knows; use a code such as \"EPSG:32630\"") from exc
