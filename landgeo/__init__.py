"""landgeo: delineate, check and profile landscapes for landscape programmes."""

from __future__ import annotations

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
