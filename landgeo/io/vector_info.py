"""What GDAL says about a vector file (its layers; a layer's CRS, fields, extent), kept inside :func:`reuse_layer_info`.

Opening a GeoPackage only to list its layers or read a layer's CRS costs GDAL ≈ 6 ms, and a
batch asks the same of the same files for every landscape (each read of a layer asks twice).
Inside ``with reuse_layer_info():`` (what a batch worker profiles each landscape in) the answers
are kept per process while the file is unchanged (same device, inode, size, modification and
change times), as the worker keeps its units layers; outside it every call asks GDAL.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
from collections.abc import Iterator

import pyogrio

_REUSE: contextvars.ContextVar[bool] = contextvars.ContextVar("landgeo_reuse_layer_info", default=False)


@contextlib.contextmanager
def reuse_layer_info() -> Iterator[None]:
    """Keep layer lists and layer metadata per process inside the ``with`` block (see the module)."""
    token = _REUSE.set(True)
    try:
        yield
    finally:
        _REUSE.reset(token)


#: Files beside a dataset that change what it says: a shapefile's CRS, fields and index, a GeoPackage's
#: write-ahead log (QGIS edits in WAL mode).
SIDECARS = (".prj", ".dbf", ".shx", ".cpg", "-wal")


def _stamp(file: str) -> tuple:
    """What changes when ``file``, its sidecars or (for a folder dataset such as FileGDB) its files change."""
    paths = [file, *(file + s for s in SIDECARS), *(os.path.splitext(file)[0] + s for s in SIDECARS[:4])]
    if os.path.isdir(file):
        with os.scandir(file) as entries:
            paths += sorted(e.path for e in entries if e.is_file())
    out = []
    for path in dict.fromkeys(paths):
        try:
            st = os.stat(path)
        except OSError:
            continue
        out.append((path, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
    return tuple(out)


@functools.lru_cache(maxsize=32)
def _layers_kept(src: str, stamp: tuple[int, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((str(n), str(g)) for n, g in pyogrio.list_layers(src))


@functools.lru_cache(maxsize=64)
def _info_kept(src: str, stamp: tuple[int, ...], layer, force_total_bounds: bool) -> dict:
    return pyogrio.read_info(src, layer=layer, force_total_bounds=force_total_bounds)


def list_layers(src: str, file: str) -> list[tuple[str, str]]:
    """(name, geometry type) of each layer of the GDAL source ``src`` (``file`` on disk, for its stamp)."""
    if _REUSE.get():
        return list(_layers_kept(src, _stamp(file)))
    return [(str(n), str(g)) for n, g in pyogrio.list_layers(src)]


def read_info(src: str, file: str, layer, *, force_total_bounds: bool = False) -> dict:
    """``pyogrio.read_info`` of one layer (a new dict each call: the kept one is never handed out)."""
    if _REUSE.get():
        return dict(_info_kept(src, _stamp(file), layer, force_total_bounds))
    return pyogrio.read_info(src, layer=layer, force_total_bounds=force_total_bounds)
