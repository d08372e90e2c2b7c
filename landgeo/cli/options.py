"""The options every ``landgeo`` command shares, defined once (in the style of ``rasterio/rio/options.py``).

``--lang``, ``--overwrite``, ``-o/--out``, ``-v/-q``, the scale band and ``--json`` are built
here; a command module only chooses its help text and default.
"""

from __future__ import annotations

import json
import logging
import math
import sys
import warnings
from pathlib import Path

import click

from ..errors import DataWarning, LandgeoError
from ..i18n import LANGUAGES, N_, Sentence, Text, translator
from ..i18n.lines import LEVEL_NAMES, level_name, line_prefix  # noqa: F401 (LEVEL_NAMES: the CLI's level words, as before)

log = logging.getLogger("landgeo")


# --lang ---------------------------------------------------------------------------------------------

def _remember_lang(ctx: click.Context, param: click.Parameter, value):
    """--lang also sets the language of this command's messages (summaries, errors)."""
    if value and not ctx.resilient_parsing:
        ctx.find_root().ensure_object(dict)["lang"] = value
    return value


def lang_option(default: str | None = None, help: str = "Language of what this command writes and prints."):
    """The shared ``--lang`` option: one of :data:`landgeo.i18n.LANGUAGES`."""
    return click.option("--lang", type=click.Choice(list(LANGUAGES)), default=default, show_default=default is not None,
                        callback=_remember_lang, is_eager=True, help=help)


def message_lookup(lang: str | None = None):
    """The lookup for this command's messages: ``lang``, else the command's --lang, else English.

    Command modules import it as ``_t``: the catalogue extractor (:mod:`landgeo.i18n.extract`)
    reads ``_t(lang)("...")`` and ``t = _t(lang); t("...")`` as messages.
    """
    ctx = click.get_current_context(silent=True)
    if lang is None and ctx is not None:
        lang = (ctx.find_root().obj or {}).get("lang")
    return translator(lang or "en")


# --overwrite, -o/--out, --json ------------------------------------------------------------------------

def overwrite_option(help: str = "Replace existing outputs."):
    """The shared ``--overwrite`` flag: existing outputs are never replaced without it."""
    return click.option("--overwrite", is_flag=True, help=help)


def out_option(dest: str, *, help: str, required: bool = False, default: Path | None = None, show_default: bool = False):
    """The shared ``-o/--out`` option (a path); ``dest`` names the command's parameter (``out_dir``, ``out_file``)."""
    return click.option("-o", "--out", dest, required=required, type=click.Path(path_type=Path), default=default,
                        show_default=show_default, help=help)


def json_option(help: str):
    """The shared ``--json`` flag (parameter ``as_json``)."""
    return click.option("--json", "as_json", is_flag=True, help=help)


def to_json(data) -> str:
    """JSON for --json: always valid (NaN is refused, never printed)."""
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False)


# the scale band -------------------------------------------------------------------------------------

class FiniteNumber(click.ParamType):
    """A finite number ≥ ``minimum`` (nan, inf and negatives refused with the option's name)."""

    name = "number"

    def __init__(self, minimum: float = 0.0, *, strictly: bool = False):
        self.minimum, self.strictly = minimum, strictly

    def convert(self, value, param, ctx):
        t = message_lookup()  # --lang is read first (eager), so its language when given
        try:
            v = float(value)
        except (TypeError, ValueError):
            self.fail(t("{value} is not a number; write e.g. 10000", value=repr(value)), param, ctx)
        if not math.isfinite(v):
            self.fail(t("{value} is not a finite number; write e.g. 10000", value=repr(value)), param, ctx)
        if self.strictly and v <= self.minimum:
            self.fail(t("{value} must be above {minimum}", value=repr(value), minimum=f"{self.minimum:g}"), param, ctx)
        if v < self.minimum:
            self.fail(t("{value} must be at least {minimum}", value=repr(value), minimum=f"{self.minimum:g}"), param, ctx)
        return v


def band_options(f):
    """``--min-ha`` and ``--max-ha``: the scale band (defaults 10,000 and 1,000,000 ha)."""
    f = click.option("--max-ha", type=FiniteNumber(strictly=True), default=None, help="Upper end of the scale band in ha (default 1,000,000).")(f)
    f = click.option("--min-ha", type=FiniteNumber(), default=None, help="Lower end of the scale band in ha (default 10,000).")(f)
    return f


# -v/-q and logging ----------------------------------------------------------------------------------

VERBOSE_HELP = N_("More logging (-vv: debug and tracebacks); never changes the exit status.")
QUIET_HELP = N_("Only errors.")


def verbosity_options(f):
    """``-v/--verbose`` (counted) and ``-q/--quiet`` for the main group."""
    f = click.option("-q", "--quiet", is_flag=True, help=QUIET_HELP)(f)
    f = click.option("-v", "--verbose", count=True, help=VERBOSE_HELP)(f)
    return f


def _verbosity(ctx: click.Context, param: click.Parameter, value) -> None:
    """-v/-q given after a command name: add to the group's settings and set the logging again."""
    if not value or ctx.resilient_parsing:
        return
    obj = ctx.find_root().ensure_object(dict)
    if param.name == "verbose":
        obj["verbose"] = obj.get("verbose", 0) + value
    else:
        obj["quiet"] = True
    setup_logging(obj.get("verbose", 0), obj.get("quiet", False))


def add_verbosity(cmd: click.Command) -> None:
    """Give ``cmd`` its own -v/-q (they add to the main group's), unless it has them."""
    names = {p.name for p in cmd.params}
    if "verbose" not in names:
        cmd.params.append(click.Option(["-v", "--verbose"], count=True, expose_value=False, callback=_verbosity, help=VERBOSE_HELP))
    if "quiet" not in names:
        cmd.params.append(click.Option(["-q", "--quiet"], is_flag=True, expose_value=False, callback=_verbosity, help=QUIET_HELP))


def _run_lang() -> str | None:
    """The run's language: the root click context's ``lang`` (``--lang``), else None."""
    ctx = click.get_current_context(silent=True)
    return (ctx.find_root().obj or {}).get("lang") if ctx is not None else None


def kept_text(message):
    """A message's :class:`~landgeo.i18n.Text` when it keeps one (a :class:`~landgeo.i18n.Sentence`, as
    :meth:`LandgeoError.as_sentence <landgeo.errors.LandgeoError.as_sentence>` gives), else the message: a
    lookup ``t(..., error=kept_text(row.error))`` then states it in ``t``'s language."""
    return message.text if isinstance(message, Sentence) else message


def _show_warning(message, category, filename, lineno, file=None, line=None):
    lang = _run_lang()
    click.echo(line_prefix("warning", lang) + str(_stated_in(message, lang or "en")), err=True)


def _stated_in(value, lang: str | None):
    """``value`` in ``lang`` when it keeps its language-neutral form, else ``value`` itself.

    A :class:`~landgeo.i18n.Text` (English without ``lang``), a :class:`~landgeo.i18n.Sentence` (its own
    language without ``lang``), a :class:`~landgeo.errors.LandgeoError` (without ``lang``, the language of
    the recipe that caused it, as the command line's error messages) or a :class:`~landgeo.errors.DataWarning`.
    """
    if isinstance(value, Text):
        return value.render(lang or "en")
    if isinstance(value, Sentence):
        return value.text.render(lang) if lang else value
    if isinstance(value, LandgeoError):
        return value.in_language(lang or value.lang or "en")
    if isinstance(value, DataWarning):
        return value.text(lang or "en")
    return value


class LanguageFormatter(logging.Formatter):
    """``landgeo: WARNING: message``, stated in the run's language (``--lang``, else English).

    A record whose message is a :class:`~landgeo.i18n.Text` (``log.warning(Text("...", params=...))``) is
    rendered in that language, and so is every ``%``-argument that keeps its language-neutral form
    (:func:`_stated_in`: ``log.error("%s: %s", path, exc)``); the level word is translated too. A plain
    string is printed as it is. The record itself is not changed (other handlers see it as logged).
    ``settings`` is the run's root context object, read when a record is formatted (``--lang`` is parsed
    after the handler is set up), from any thread; without it, the current click context's.
    """

    def __init__(self, fmt: str = "landgeo: %(levelname)s: %(message)s", settings: dict | None = None):
        super().__init__(fmt)
        self.settings = settings

    def format(self, record: logging.LogRecord) -> str:
        lang = self.settings.get("lang") if self.settings is not None else _run_lang()
        copy = logging.makeLogRecord(record.__dict__)
        copy.msg = _stated_in(record.msg, lang)
        if isinstance(record.args, tuple):
            copy.args = tuple(_stated_in(a, lang) for a in record.args)
        level = level_name(record.levelno, lang)
        if level is not None:
            copy.levelname = level
        return super().format(copy)


def setup_logging(verbose: int, quiet: bool) -> None:
    """The package logger's level from -v/-q, one stderr handler (:class:`LanguageFormatter`), and warnings printed on one line."""
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    handler = logging.StreamHandler(sys.stderr)
    ctx = click.get_current_context(silent=True)
    handler.setFormatter(LanguageFormatter(settings=ctx.find_root().ensure_object(dict) if ctx is not None else None))
    log.handlers[:] = [h for h in log.handlers if isinstance(h, logging.NullHandler)] + [handler]
    log.setLevel(level)
    warnings.showwarning = _show_warning
    if quiet:
        warnings.simplefilter("ignore")
