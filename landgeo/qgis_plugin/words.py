"""What the runner reads in landgeo's lines, in any of landgeo's languages (no QGIS needed: tests import it).

``landgeo qgis install-plugin`` writes ``landgeo_words.json`` beside the plugin from landgeo's catalogues:
the words in front of its lines (``landgeo: erreur: …``, ``landgeo: AVERTISSEMENT: …``) in every language.
Without that file (the plugin run from the source tree), the English words are known.
"""

import json
import os

HERE = os.path.dirname(__file__)
WORDS_FILE = os.path.join(HERE, "landgeo_words.json")  # written by `landgeo qgis install-plugin`

#: The English words, the ones every landgeo writes.
ENGLISH = {"error": {"en": "error"}, "internal error": {"en": "internal error"}, "warning": {"en": "warning"},
           "WARNING": {"en": "WARNING"}}
#: Which words make a line an error (the algorithm's error message) and which a warning.
ERROR_WORDS = ("error", "internal error")
WARNING_WORDS = ("warning", "WARNING")


def load_words(path=WORDS_FILE):
    """The words of ``path`` (``{"error": {"en": "error", "fr": "erreur", …}, …}``), else :data:`ENGLISH`."""
    try:
        with open(path, encoding="utf-8") as f:
            words = json.load(f)
    except (OSError, ValueError):
        return ENGLISH
    return words if isinstance(words, dict) else ENGLISH


def line_kind(text, words=None):
    """``("error", message)``, ``("warning", text)`` or ``(None, text)`` for one line landgeo wrote.

    >>> words = {"error": {"en": "error", "fr": "erreur"}, "internal error": {"fr": "erreur interne"}, "warning": {}, "WARNING": {"fr": "AVERTISSEMENT"}}
    >>> line_kind("landgeo: erreur: a.toml : fichier introuvable", words)
    ('error', 'a.toml : fichier introuvable')
    >>> line_kind("landgeo: AVERTISSEMENT: x", words)[0], line_kind("landgeo: INFO: read x", words)[0], line_kind("50%", words)[0]
    ('warning', None, None)
    """
    words = ENGLISH if words is None else words
    if text.startswith("landgeo: "):
        word, sep, message = text[len("landgeo: "):].partition(": ")
        if sep:
            if any(word in words.get(kind, {}).values() for kind in ERROR_WORDS):
                return "error", message.strip()
            if any(word in words.get(kind, {}).values() for kind in WARNING_WORDS):
                return "warning", text
    return None, text
