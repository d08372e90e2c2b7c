"""click's own usage errors (``Usage: …``, ``Try '… --help' for help.``, ``Error: No such option '--x'.``) in the run's language.

click writes its messages in English (through :func:`gettext.gettext`, whose catalogue and language are
the whole process's); landgeo states them in the run's ``--lang`` instead, from its own catalogue. The
English message click has built is matched against :data:`CLICK_MESSAGES`, the forms click 8 writes,
and the values in it (option names, the bad value, the choices) are put as they are into the
translation: they are data, never read as a format string. A message these forms do not know
(another click version's words) stays in English. The layout, the exit status (2) and the English
output do not change.

>>> click_message("No such option '--bogus'.", "fr")
"L'option '--bogus' n'existe pas."
>>> click_message("Invalid value for '--lang': 'de' is not one of 'en', 'fr', 'es', 'pt'.", "pt")
"Valor inválido para '--lang': 'de' não está entre 'en', 'fr', 'es', 'pt'."
>>> click_message("Invalid value for '{x}': '{0}' is not a valid integer.", "es")
"Valor no válido para '{x}': '{0}' no es un número entero válido."
>>> click_message("Something click says in another version.", "fr")
'Something click says in another version.'
"""

from __future__ import annotations

import functools
import re
import string

import click

from ..i18n import LANGUAGES, N_, translator

#: The gettext context of click's messages in the catalogue.
CONTEXT = "click error"

#: The English forms of click's messages, as click 8 writes them (values quoted by click), most
#: specific first; ``{message}`` is itself one of them or landgeo's own text (already in the run's language).
CLICK_MESSAGES = (
    N_("Invalid value for {param}: {message}", context="click error"),
    N_("Invalid value: {message}", context="click error"),
    N_("Missing argument {name}.", context="click error"),
    N_("Missing option {name}.", context="click error"),
    N_("Missing parameter {name}.", context="click error"),
    N_("Missing command.", context="click error"),
    N_("No such option {name}.", context="click error"),
    N_("No such command {name}.", context="click error"),
    N_("Got unexpected extra argument ({args})", context="click error"),
    N_("Got unexpected extra arguments ({args})", context="click error"),
    N_("Option {name} requires an argument.", context="click error"),
    N_("Option {name} requires {nargs} arguments.", context="click error"),
    N_("Option {name} does not take a value.", context="click error"),
    N_("{value} is not a valid integer.", context="click error"),
    N_("{value} is not a valid float.", context="click error"),
    N_("{value} is not in the range {range}.", context="click error"),
    N_("{value} is not one of {choices}.", context="click error"),
    N_("{value} is not {choice}.", context="click error"),
    N_("File {filename} does not exist.", context="click error"),
    N_("Directory {filename} does not exist.", context="click error"),
    N_("Path {filename} does not exist.", context="click error"),
    N_("File {filename} is a directory.", context="click error"),
    N_("Directory {filename} is a file.", context="click error"),
    N_("Path {filename} is a directory.", context="click error"),
    N_("Path {filename} is a file.", context="click error"),
)

#: What follows NoSuchOption's and NoSuchCommand's message: one close name, or several.
DID_YOU_MEAN = N_("Did you mean {possibility}?", context="click error")
DID_YOU_MEAN_ONE_OF = N_("(Did you mean one of: {possibilities}?)", context="click error")
#: The lines around the message: click's words, landgeo's catalogue.
ERROR_LINE = N_("Error: {message}", context="click error")
HELP_HINT = N_("Try '{command} {option}' for help.", context="click error")


@functools.cache
def _pattern(form: str) -> re.Pattern:
    """``form`` as a regular expression: its literal text, each ``{field}`` any text (at least one character)."""
    parts = []
    for literal, field, _spec, _conversion in string.Formatter().parse(form):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(f"(?P<{field}>.+?)")
    return re.compile("".join(parts), re.DOTALL)


def click_message(text: str, lang: str) -> str:
    """``text``, a message click wrote in English, in ``lang``; unchanged when it is English or no form fits."""
    if lang == "en":
        return text
    t = translator(lang)
    for form in CLICK_MESSAGES:
        match = _pattern(form).fullmatch(text)
        if match is not None:
            values = dict(match.groupdict())
            if "message" in values:
                values["message"] = click_message(values["message"], lang)
            return t(form, context=CONTEXT, **values)
    return text


def _suggestion(exc: click.UsageError, lang: str) -> str:
    """A NoSuchOption's (or NoSuchCommand's) message and its "did you mean", each in ``lang``."""
    message = click_message(exc.message, lang)
    possibilities = getattr(exc, "possibilities", None)
    if not possibilities:
        return message
    close = ", ".join(repr(p) for p in sorted(possibilities))
    form = DID_YOU_MEAN if len(possibilities) == 1 else DID_YOU_MEAN_ONE_OF
    return f"{message} {translator(lang)(form, context=CONTEXT, possibility=close, possibilities=close)}"


class StatedClickError(click.UsageError):
    """A click error (a usage error or another :class:`click.ClickException`) shown in ``lang``:
    the usage line, the help hint and ``Error: …`` as click lays them out, with the same exit status."""

    def __init__(self, error: click.ClickException, lang: str):
        super().__init__(error.format_message(), getattr(error, "ctx", None))
        self.error, self.lang = error, lang
        self.exit_code = error.exit_code

    def format_message(self) -> str:
        error = self.error
        if isinstance(error, (click.NoSuchOption, click.exceptions.NoSuchCommand)):
            return _suggestion(error, self.lang)
        return click_message(error.format_message(), self.lang)

    def show(self, file=None) -> None:
        err = file is None  # click's own stderr (the test runner's too)
        t = translator(self.lang)
        ctx = self.ctx if isinstance(self.error, click.UsageError) else None
        if ctx is not None:
            formatter = ctx.make_formatter()
            formatter.write_usage(ctx.command_path, " ".join(ctx.command.collect_usage_pieces(ctx)),
                                  prefix=t("Usage:", context="help heading") + " ")
            usage = formatter.getvalue().rstrip("\n")
            names = ctx.command.get_help_option_names(ctx) if ctx.command.get_help_option(ctx) is not None else ()
            hint = t(HELP_HINT, context=CONTEXT, command=ctx.command_path, option=max(names, key=len)) + "\n" if names else ""
            click.echo(f"{usage}\n{hint}", file=file, err=err, color=ctx.color)
        click.echo(t(ERROR_LINE, context=CONTEXT, message=self.format_message()), file=file, err=err,
                   color=ctx.color if ctx is not None else None)


def stated(error: click.ClickException, lang: str | None) -> click.ClickException:
    """``error`` to raise in place of a click exception: stated in ``lang`` (English as click writes it)."""
    if isinstance(error, StatedClickError) or not lang or lang == "en":
        return error
    return StatedClickError(error, lang)


def lang_in_args(args) -> str | None:
    """The ``--lang`` a command line gives (``--lang fr``, ``--lang=fr``; the last one), if landgeo writes it.

    click's usage errors come while the command line is being read, before ``--lang`` itself may have been;
    they are stated in this language.

    >>> lang_in_args(["check", "--bogus", "--lang", "fr"]), lang_in_args(["demo", "--lang=pt"]), lang_in_args(["--lang", "de"])
    ('fr', 'pt', None)
    >>> lang_in_args(["check", "--", "--lang", "fr"]) is None
    True
    """
    found = None
    words = [str(a) for a in args]
    for i, word in enumerate(words):
        if word == "--":
            break
        value = words[i + 1] if word == "--lang" and i + 1 < len(words) else word[7:] if word.startswith("--lang=") else None
        if value is not None:
            found = value
    return found if found in LANGUAGES else None
