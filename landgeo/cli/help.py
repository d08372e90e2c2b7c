"""``--help`` in the reader's language: command and option help texts come from the catalogue.

The language is ``LANDGEO_LANG``, else the locale of the environment (``LC_ALL``,
``LC_MESSAGES``, ``LANG``, as gettext reads them: ``fr_FR.UTF-8`` is French), else English;
one landgeo does not write (``de_DE``, ``C``) gives English. The help texts stay written in
English in the code (docstrings, ``help="…"``); the catalogue extractor
(:mod:`landgeo.i18n.extract`) collects them from ``landgeo/cli/``, and
:class:`TranslatedHelp` looks them up when click formats the help.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Mapping

import click

from ..i18n import LANGUAGES, N_, translator

#: click's own words in a help page (its headings, the --help option, defaults), in the catalogue.
CLICK_WORDS = {
    "Usage:": N_("Usage:", context="help heading"),
    "Options": N_("Options", context="help heading"),
    "Commands": N_("Commands", context="help heading"),
    "Show this message and exit.": N_("Show this message and exit."),
    "Show the version and exit.": N_("Show the version and exit."),
    "default": N_("default", context="help: [default: …]"),
    "required": N_("required", context="help: [required]"),
}


def help_language(environ: Mapping[str, str] | None = None) -> str:
    """The language of ``--help``: ``LANDGEO_LANG``, else ``LC_ALL``/``LC_MESSAGES``/``LANG``, else ``en``.

    >>> help_language({"LANG": "pt_BR.UTF-8"}), help_language({"LANDGEO_LANG": "es", "LANG": "fr_FR"})
    ('pt', 'es')
    >>> help_language({"LC_ALL": "C", "LANG": "fr_FR.UTF-8"}), help_language({})
    ('en', 'en')
    """
    env = os.environ if environ is None else environ
    for name in ("LANDGEO_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            lang = value.split(".")[0].split("@")[0].split("_")[0].split("-")[0].lower()
            return lang if lang in LANGUAGES else "en"
    return "en"


def translate_help(text: str | None, lang: str) -> str | None:
    """A help text (as click cleans it) in ``lang``; English, or a text not in the catalogue, as it is."""
    if not text or lang == "en":
        return text
    return translator(lang)(inspect.cleandoc(text))


class TranslatedHelp:
    """Mixin for :class:`click.Command` and :class:`click.Group`: help texts, option help and headings
    in :func:`help_language`."""

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        t = translator(help_language())
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=t("Usage:", context="help heading") + " ")

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        original = self.help
        self.help = translate_help(inspect.cleandoc(original).partition("\f")[0], help_language()) if original else original
        try:
            super().format_help_text(ctx, formatter)
        finally:
            self.help = original

    def get_short_help_str(self, limit: int = 45) -> str:
        original, short = self.help, self.short_help
        lang = help_language()
        self.help, self.short_help = translate_help(original, lang), translate_help(short, lang)
        try:
            return super().get_short_help_str(limit)
        finally:
            self.help, self.short_help = original, short

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        lang = help_language()
        t = translator(lang)
        rows = []
        for param in self.get_params(ctx):
            original = getattr(param, "help", None)
            if original:
                param.help = translate_help(original, lang)
            try:
                row = param.get_help_record(ctx)
            finally:
                if original:
                    param.help = original
            if row is not None:
                rows.append((row[0], _click_words(row[1], t)))
        if rows:
            with formatter.section(t("Options", context="help heading")):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        t = translator(help_language())
        commands = [(name, cmd) for name in self.list_commands(ctx)
                    if (cmd := self.get_command(ctx, name)) is not None and not cmd.hidden]
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            with formatter.section(t("Commands", context="help heading")):
                formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in commands])


def _click_words(text: str, t) -> str:
    """click's own ``[default: …]``, ``[required]`` and --help text in the reader's language."""
    if t.lang == "en":
        return text
    for english in ("Show this message and exit.", "Show the version and exit."):
        text = text.replace(english, t(english))
    text = text.replace("[default: ", "[" + t("default", context="help: [default: …]") + ": ")
    return text.replace("[required]", "[" + t("required", context="help: [required]") + "]")


class LandgeoCommand(TranslatedHelp, click.Command):
    """A ``landgeo`` command: its ``--help`` in the reader's language."""
