"""Checks every reader makes first: the input path exists, a user-given CRS parses."""

from __future__ import annotations

import stat
from pathlib import Path

from pyproj import CRS
from pyproj.exceptions import CRSError as PyprojCRSError

from ..errors import CRSError, LayerError
from ..i18n import Text
from .reads import note_read


def check_exists(path: Path) -> None:
    """Raise :class:`LayerError` naming the path unless it is a regular file (or a .gdb folder).

    A FIFO, device or socket is refused without being opened (reading one would hang). The path is
    noted as an input of the run (:mod:`landgeo.io.reads`), so no output of the run replaces it.
    """
    note_read(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise LayerError(Text("{file}: file not found; check the path (recipe paths are relative to the recipe file)",
                              params={"file": str(path)})) from None
    except OSError as exc:
        raise LayerError(Text("{file}: cannot be read ({reason}); check the path and its permissions",
                              params={"file": str(path), "reason": str(exc.strerror or exc)})) from exc
    if stat.S_ISDIR(mode):
        if path.suffix.lower() not in {".gdb"}:
            raise LayerError(Text("{file}: is a folder, not a layer file; name the file itself (e.g. {example})",
                                  params={"file": str(path), "example": f"{path}/units.gpkg"}))
    elif not stat.S_ISREG(mode):
        raise LayerError(Text("{file}: is not a regular file (a pipe, device or socket); give a file saved on disk",
                              params={"file": str(path)}))


def parse_crs(crs, path: Path) -> CRS | None:
    """A user-given CRS (``None`` passes through), or :class:`CRSError` naming the file."""
    if crs is None:
        return None
    try:
        return CRS.from_user_input(crs)
    except PyprojCRSError as exc:
        raise CRSError(Text('{file}: crs = {crs} is not a CRS pyproj knows; use a code such as "EPSG:32630"',
                            params={"file": str(path), "crs": repr(crs)})) from exc
