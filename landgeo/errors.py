"""Exceptions and warnings of landgeo.

Every error a user can cause derives from :class:`LandgeoError` and also from
the matching built-in, so ``except ValueError`` keeps working. The command line
turns a ``LandgeoError`` into one message on stderr and exit status 2, in the language of
``--lang``, else of the recipe that caused it (:func:`stated_in`), else English.
"""

import contextlib


class LandgeoError(Exception):
    """Root of every landgeo error caused by the user's input.

    The message may be a :class:`landgeo.i18n.Text` (kept as ``text``): ``str()`` is then
    English and :meth:`in_language` states it in another language.
    """

    #: The language of the input that caused it (a recipe's ``language``), set by
    #: :func:`stated_in`; the command line uses it when it was given no ``--lang``.
    lang: str | None = None

    def __init__(self, *args):
        self.text = args[0] if args and hasattr(args[0], "render") else None  # a Text (no import: floor 1)
        if self.text is not None:
            args = (self.text.render("en"), *args[1:])
        super().__init__(*args)

    def in_language(self, lang: str) -> str:
        """The message in ``lang`` (English when it was given as a plain string)."""
        return self.text.render(lang) if self.text is not None else str(self)

    def as_sentence(self) -> str:
        """The message in English as a string that keeps its :class:`~landgeo.i18n.Text` (a
        :class:`~landgeo.i18n.Sentence`, ``.text``): a failed row keeps it, and the command line states it
        in ``--lang``. A plain-string message as it is."""
        return self.text.sentence("en") if self.text is not None else str(self)


@contextlib.contextmanager
def stated_in(lang: str | None):
    """A :class:`LandgeoError` raised inside that has no language yet gets ``lang`` (a recipe's ``language``).

    >>> try:
    ...     with stated_in("es"):
    ...         raise UsageError("x")
    ... except UsageError as exc:
    ...     exc.lang
    'es'
    """
    try:
        yield
    except LandgeoError as exc:
        if exc.lang is None and lang:
            exc.lang = lang
        raise


class RecipeError(LandgeoError, ValueError):
    """A recipe is not TOML, has an unknown key, a wrong type or a bad value."""


class LayerError(LandgeoError, OSError):
    """A layer file is missing, unreadable, empty or of the wrong kind."""


class CRSError(LandgeoError, ValueError):
    """A layer or raster has no CRS, or one that cannot be used."""


class FieldError(LandgeoError, KeyError):
    """A field named in a recipe or option is not in the layer."""

    def __str__(self) -> str:  # KeyError quotes its message; we do not want that
        return str(self.args[0]) if self.args else ""


class DelineationError(LandgeoError, ValueError):
    """A boundary cannot be made from the given selection or outlet."""


class BasinTableError(DelineationError):
    """A basin table is inconsistent: cycles, dangling NEXT_DOWN, duplicate ids."""


class OutputExistsError(LandgeoError, FileExistsError):
    """An output exists and ``overwrite`` was not given."""


class OutputError(LandgeoError, OSError):
    """An output cannot be written: its folder is missing, read-only or a file, or the name is too long."""


class NothingToWriteError(LandgeoError, ValueError):
    """Every item an output would show failed (an atlas without one sheet): it is not written at all."""


class UsageError(LandgeoError, ValueError):
    """A command-line argument or API option is wrong."""


class DrawingError(LandgeoError, ValueError):
    """A map cannot show this shape (it reaches latitudes its projection cannot draw)."""


class LandgeoWarning(UserWarning):
    """Root of landgeo warnings."""


class ScaleWarning(LandgeoWarning):
    """A landscape lies outside the 10,000–1,000,000 ha guidance band."""


class DataWarning(LandgeoWarning):
    """Input data was repaired, skipped or only partly usable.

    ``DataWarning(text)`` with a :class:`landgeo.i18n.Text` keeps the message as data
    (``note``), so the profile can state it in any language; ``str()`` is English. A plain
    string is the same in every language (the inline English/French form is gone: every
    landgeo note is a catalogue message).
    """

    def __init__(self, message=""):
        self.note = message if hasattr(message, "render") else None  # a landgeo.i18n.Text (no import: floor 1)
        super().__init__(self.note.render("en") if self.note is not None else message)

    def text(self, lang: str) -> str:
        """The message in ``lang`` (a plain-string message as it is)."""
        return self.note.render(lang) if self.note is not None else str(self)
