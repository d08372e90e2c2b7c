"""The ``landgeo`` command line: the main group, with one module per command family.

Thin commands that parse, call one :mod:`landgeo.app` (or library) function and print.
Shared options live in :mod:`landgeo.cli.options`; exit status and -v/-q in :mod:`landgeo.cli.group`.

==============  ============================================
module          commands
==============  ============================================
``profiles``    ``demo``, ``profile``, ``sheet``
``batch``       ``batch``
``monitor``     ``monitor``
``boundaries``  ``delineate``, ``check``
``compare``     ``compare``
``basins``      ``basins suggest``, ``basins build``
``export``      ``export landscale``, ``export terraso``
``qgis``        ``qgis install-plugin``
==============  ============================================
"""

from __future__ import annotations

import click

from .._version import __version__
from .basins import basins
from .batch import batch
from .boundaries import check, delineate
from .compare import compare
from .export import export
from .group import LandgeoGroup
from .monitor import monitor
from .options import setup_logging, verbosity_options
from .profiles import demo, profile, sheet
from .qgis import qgis


@click.group(cls=LandgeoGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="landgeo")
@verbosity_options
@click.pass_context
def main(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """landgeo: delineate, check and profile landscapes (10,000–1,000,000 ha)."""
    ctx.ensure_object(dict).update(verbose=verbose, quiet=quiet)
    setup_logging(verbose, quiet)


for _command in (demo, profile, sheet, batch, monitor, delineate, check, compare, basins, export, qgis):
    main.add_command(_command)
