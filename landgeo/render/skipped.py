"""What a rendering left out, and why: optional drawing (land cover, relief, basemap) that failed on its input.

A broken input raster must not lose the whole sheet or map, but it must not vanish silently either:
the drawing code logs the reason and calls :func:`record`; whoever renders (the pipeline) collects
the records with :func:`collect` and puts them in the profile's ``notes``. Only input errors
(:data:`landgeo.io.raster.READ_ERRORS`) are caught; a programming error propagates.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterator

log = logging.getLogger(__name__)

_FOUND: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("landgeo_render_skipped", default=None)


def record(note: str) -> None:
    """Log ``note`` (a sentence for the reader: what was not drawn and why) and keep it for :func:`collect`."""
    log.warning("%s", note)
    found = _FOUND.get()
    if found is not None and note not in found:
        found.append(note)


@contextlib.contextmanager
def collect() -> Iterator[list[str]]:
    """Collect the notes :func:`record` makes while rendering inside the ``with`` block."""
    found: list[str] = []
    token = _FOUND.set(found)
    try:
        yield found
    finally:
        _FOUND.reset(token)
