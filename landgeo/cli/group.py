"""The click group every ``landgeo`` command and sub-group runs under: exit status and -v/-q.

Exit status: 0 done; 2 the user's input is wrong (one message on stderr, no
traceback); 1 an internal error. ``-v`` shows more logging and never changes the
exit status; ``-vv`` adds debug logs and tracebacks.
"""

from __future__ import annotations

import traceback

import click

from ..errors import LandgeoError
from ..i18n import Text
from .help import LandgeoCommand, TranslatedHelp
from .options import add_verbosity


class LandgeoGroup(TranslatedHelp, click.Group):
    """A click group that turns LandgeoError into exit 2 and other errors into exit 1, whatever -v says.

    Every command (and sub-group) gets -v/-q; -vv prints tracebacks as well. Help texts are
    stated in the reader's language (:mod:`landgeo.cli.help`).
    """
    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        add_verbosity(cmd)
        super().add_command(cmd, name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except LandgeoError as exc:
            _traceback_if_very_verbose(ctx)
            click.echo(f"landgeo: error: {_one_line(exc, (ctx.obj or {}).get('lang') or exc.lang)}", err=True)
            ctx.exit(2)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except RecursionError:  # only a user's input nests this deep (recipes, geometries)
            _traceback_if_very_verbose(ctx)
            message = Text("an input is nested too deeply to read (a recipe or a geometry); flatten it or check that the file "
                           "is what you meant").render((ctx.obj or {}).get("lang") or "en")
            click.echo(f"landgeo: error: {message}", err=True)
            ctx.exit(2)
        except Exception as exc:  # an internal error: say so, exit 1
            _traceback_if_very_verbose(ctx)
            click.echo(f"landgeo: internal error: {type(exc).__name__}: {_one_line(exc)} (run with -vv for the traceback)",
                       err=True)
            ctx.exit(1)


LandgeoGroup.group_class = LandgeoGroup
LandgeoGroup.command_class = LandgeoCommand


def _one_line(exc: BaseException, lang: str | None = None) -> str:
    """The message on one line (a layer's text may carry line breaks), in ``lang`` when it keeps its text as data."""
    text = exc.in_language(lang or "en") if hasattr(exc, "in_language") else str(exc)
    return " ".join(text.split())


def _traceback_if_very_verbose(ctx: click.Context) -> None:
    if (ctx.find_root().obj or {}).get("verbose", 0) >= 2:
        click.echo(traceback.format_exc().rstrip(), err=True)
