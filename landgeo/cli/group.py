"""The click group every ``landgeo`` command and sub-group runs under: exit status and -v/-q.

Exit status: 0 done; 2 the user's input is wrong (one message on stderr, no
traceback); 1 an internal error. ``-v`` shows more logging and never changes the
exit status; ``-vv`` adds debug logs and tracebacks.
"""

from __future__ import annotations

import sys
import traceback

import click

from ..errors import LandgeoError
from ..i18n import Text, translator
from ..i18n.lines import line_prefix
from ..io.reads import one_run
from .click_errors import lang_in_args, stated
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

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """click's main, with the ``--lang`` the command line gives kept for click's usage errors (:mod:`.click_errors`)."""
        obj = extra.setdefault("obj", {})
        if isinstance(obj, dict):
            obj.setdefault("args_lang", lang_in_args(sys.argv[1:] if args is None else args))
        return super().main(args, prog_name, complete_var, standalone_mode, **extra)

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.ClickException as exc:  # the main group's own options (landgeo --bogus)
            raise stated(exc, _usage_lang(getattr(exc, "ctx", None) or parent)) from exc.__cause__

    def invoke(self, ctx: click.Context):
        try:
            with one_run():  # what the command reads, no output of it may replace (landgeo.io.reads)
                return super().invoke(ctx)
        except LandgeoError as exc:
            lang = (ctx.obj or {}).get("lang") or exc.lang or "en"  # without --lang, the recipe's language
            _user_error(ctx, _one_line(exc, lang), lang)
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise
        except click.ClickException as exc:  # click's usage errors, in the run's language
            raise stated(exc, _usage_lang(ctx)) from exc.__cause__
        except RecursionError:  # only a user's input nests this deep (recipes, geometries)
            _user_error(ctx, Text("an input is nested too deeply to read (a recipe or a geometry); flatten it or check "
                                  "that the file is what you meant").render(_lang(ctx)))
        except RuntimeError as exc:
            if not str(exc).startswith("Symlink loop"):  # pathlib's resolve() on a path whose links go round
                _internal_error(ctx, exc)
            _user_error(ctx, Text("{error}: a symbolic link in this path points back to itself; give the file itself",
                                  params={"error": str(exc)}).render(_lang(ctx)))
        except Exception as exc:  # an internal error: say so, exit 1
            _internal_error(ctx, exc)


def _lang(ctx: click.Context) -> str:
    """The language of the command's messages (``--lang``, else English)."""
    return (ctx.obj or {}).get("lang") or "en"


def _usage_lang(ctx: click.Context | None) -> str | None:
    """The language of click's usage errors: ``--lang`` when read, else the one the command line gives."""
    obj = (ctx.find_root().obj or {}) if ctx is not None else {}
    return obj.get("lang") or obj.get("args_lang") if isinstance(obj, dict) else None


def _user_error(ctx: click.Context, message: str, lang: str | None = None) -> None:
    """The user's input is wrong: one line on stderr in ``lang`` (the message's; else the run's), exit 2
    (tracebacks only with -vv)."""
    _traceback_if_very_verbose(ctx)
    click.echo(line_prefix("error", lang or _lang(ctx)) + message, err=True)
    ctx.exit(2)


def _internal_error(ctx: click.Context, exc: BaseException) -> None:
    """A bug, not the user's input: say so, exit 1."""
    _traceback_if_very_verbose(ctx)
    t = translator(_lang(ctx))
    click.echo(line_prefix("internal error", t.lang) + t("{error}: {message} (run with -vv for the traceback)",
                                                       error=type(exc).__name__, message=_one_line(exc)), err=True)
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
