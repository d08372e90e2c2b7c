"""Floor 8: the ``landgeo`` command (thin click commands over :mod:`landgeo.app`)."""

from .main import main

__all__ = ["main"]
