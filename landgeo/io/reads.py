"""The files one run reads, so that no output of the run replaces one of them.

Commands check their outputs against the paths their recipes name before any work
(:func:`landgeo.io.atomic.check_outputs`); this is the guard behind that check, for every
writer: inside :func:`one_run` (each command of the command line), every file a reader
opens (:func:`landgeo.io.inputs.check_exists`) and every path a recipe names is noted,
and the atomic writers refuse to put an output on, or around, any of them — whatever
the command, the extension or ``--overwrite``.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

_READS: contextvars.ContextVar[set[Path] | None] = contextvars.ContextVar("landgeo_reads", default=None)


def _key(path: str | Path) -> Path | None:
    try:
        return Path(os.path.realpath(os.path.abspath(os.path.expanduser(path))))
    except (OSError, ValueError):  # a name the OS refuses (NUL…) is refused by the reader itself
        return None


@contextlib.contextmanager
def one_run() -> Iterator[set[Path]]:
    """Note the files read inside the ``with`` block (one command); outside it nothing is noted."""
    reads: set[Path] = set()
    token = _READS.set(reads)
    try:
        yield reads
    finally:
        _READS.reset(token)


def note_read(paths: str | Path | Iterable[str | Path]) -> None:
    """Record input files of the current run (no-op outside :func:`one_run`)."""
    reads = _READS.get()
    if reads is None:
        return
    for p in [paths] if isinstance(paths, (str, Path)) else paths:
        key = _key(p) if p is not None else None
        if key is not None:
            reads.add(key)


def read_in_this_run() -> tuple[Path, ...]:
    """The inputs noted so far in this run (empty outside :func:`one_run`)."""
    return tuple(sorted(_READS.get() or ()))
