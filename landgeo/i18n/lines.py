"""The words in front of the command line's lines, in every language: ``landgeo: erreur: …`` and the
log lines' level words (``landgeo: AVERTISSEMENT: …``).

The command line states them in the run's language (:mod:`landgeo.cli.options`, :mod:`landgeo.cli.group`);
``landgeo qgis install-plugin`` writes them beside the QGIS plugin (:func:`line_words`), whose runner
tells an error line from a warning in any of the four languages.
"""

from __future__ import annotations

import logging

from . import LANGUAGES, N_, translator

#: The level words of the log lines (``landgeo: WARNING: ...``), looked up with the context ``log level``.
LEVEL_NAMES = {
    logging.DEBUG: N_("DEBUG", context="log level"),
    logging.INFO: N_("INFO", context="log level"),
    logging.WARNING: N_("WARNING", context="log level"),
    logging.ERROR: N_("ERROR", context="log level"),
    logging.CRITICAL: N_("CRITICAL", context="log level"),
}

#: The words of the command line's own lines (``landgeo: error: …``), each looked up with the context
#: ``landgeo: <word>: …``.
LINE_WORDS = {
    "error": N_("error", context="landgeo: error: …"),
    "internal error": N_("internal error", context="landgeo: internal error: …"),
    "warning": N_("warning", context="landgeo: warning: …"),
}


def level_name(levelno: int, lang: str | None) -> str | None:
    """The level word of ``levelno`` in ``lang`` (``WARNING`` -> ``AVISO``), or None for a level of no name."""
    word = LEVEL_NAMES.get(levelno)
    return None if word is None else translator(lang or "en")(word, context="log level")


def line_prefix(kind: str, lang: str | None) -> str:
    """``landgeo: error: `` (``kind`` one of :data:`LINE_WORDS`) in ``lang``; English without it.

    >>> line_prefix("error", "pt"), line_prefix("internal error", "fr"), line_prefix("warning", None)
    ('landgeo: erro: ', 'landgeo: erreur interne: ', 'landgeo: warning: ')
    """
    return f"landgeo: {translator(lang or 'en')(LINE_WORDS[kind], context=f'landgeo: {kind}: …')}: "


def line_words() -> dict[str, dict[str, str]]:
    """Every line word and level word in every language: ``{"error": {"en": "error", "fr": "erreur", …}, "WARNING": {…}, …}``.

    >>> line_words()["WARNING"]["es"], line_words()["internal error"]["pt"]
    ('ADVERTENCIA', 'erro interno')
    """
    out = {kind: {lang: line_prefix(kind, lang)[len("landgeo: "):-2] for lang in LANGUAGES} for kind in LINE_WORDS}
    for levelno, word in LEVEL_NAMES.items():
        out[word] = {lang: level_name(levelno, lang) for lang in LANGUAGES}
    return out
