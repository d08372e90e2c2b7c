"""Atomic outputs: a directory or file is complete or absent.

Work happens in a temporary sibling that is renamed into place at the end; on
any error the temporary is removed. Existing outputs are kept unless
``overwrite`` is true.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from ..errors import OutputExistsError


def ensure_writable(target: str | Path, *, overwrite: bool = False) -> Path:
    """Raise :class:`OutputExistsError` if ``target`` exists and ``overwrite`` is false."""
    target = Path(target)
    if target.exists() and not overwrite:
        raise OutputExistsError(f"{target}: already exists; choose another output or pass --overwrite")
    return target


def _dir_mode() -> int:
    """0777 less the process umask (what ``mkdir`` would give)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


def _replace(tmp: Path, target: Path) -> None:
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
        os.replace(tmp, target)
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)
    else:
        os.replace(tmp, target)


@contextlib.contextmanager
def atomic_dir(target: str | Path, *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary directory that becomes ``target`` when the block succeeds."""
    target = ensure_writable(target, overwrite=overwrite)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    tmp.chmod(_dir_mode())  # mkdtemp makes 0700; an output folder gets the usual permissions
    try:
        yield tmp
        _replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


@contextlib.contextmanager
def atomic_file(target: str | Path, *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path (same suffix, same folder) that becomes ``target`` on success.

    Shapefile sidecars (``.shx``, ``.dbf``, ``.prj``, ``.cpg``) are moved with it.
    """
    target = ensure_writable(target, overwrite=overwrite)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmpdir = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    tmp = tmpdir / target.name
    try:
        yield tmp
        for f in sorted(tmpdir.iterdir()):
            _replace(f, target.with_name(f.name))
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def dumps_json(data) -> str:
    """Deterministic JSON: keys in insertion order, UTF-8 text, two-space indent, final newline."""
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def write_json(data, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(dumps_json(data), encoding="utf-8")
    return path
