"""Exceptions and warnings of landgeo.

Every error a user can cause derives from :class:`LandgeoError` and also from
the matching built-in, so ``except ValueError`` keeps working. The command line
turns a ``LandgeoError`` into one message on stderr and exit status 2.
"""


class LandgeoError(Exception):
    """Root of every landgeo error caused by the user's input."""


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


class UsageError(LandgeoError, ValueError):
    """A command-line argument or API option is wrong."""


class LandgeoWarning(UserWarning):
    """Root of landgeo warnings."""


class ScaleWarning(LandgeoWarning):
    """A landscape lies outside the 10,000–1,000,000 ha guidance band."""


class DataWarning(LandgeoWarning):
    """Input data was repaired, skipped or only partly usable.

    ``DataWarning(en, fr=…)`` carries a French text too; :meth:`text` picks one.
    """

    def __init__(self, message: str = "", *, fr: str | None = None):
        super().__init__(message)
        self.fr = fr

    def text(self, lang: str) -> str:
        """The message in ``lang`` (English when no French text was given)."""
        return self.fr if lang == "fr" and self.fr else str(self)
