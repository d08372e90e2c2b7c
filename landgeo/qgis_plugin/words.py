"""The plugin's words in landgeo's languages (no QGIS needed at import: tests import it).

``landgeo qgis install-plugin`` writes two files beside the plugin from landgeo's catalogues:

- ``landgeo_words.json``: the words in front of landgeo's lines (``landgeo: erreur: …``,
  ``landgeo: AVERTISSEMENT: …``) in every language, which the runner reads (:func:`line_kind`);
- ``landgeo_labels.json``: the plugin's labels (algorithm names, groups, help, parameters) in every
  language, shown in QGIS's language (:func:`tr`: ``locale/userLocale`` of QGIS's settings, ``fr_FR``
  is French; a language landgeo does not write is English).

The labels are written in English in the code, ``t("…")`` for a literal and ``N_("…")`` for a class
attribute looked up later with ``tr``: landgeo's catalogue extractor collects them. Without the files
(the plugin run from the source tree), everything is English.
"""

import json
import os

HERE = os.path.dirname(__file__)
WORDS_FILE = os.path.join(HERE, "landgeo_words.json")  # written by `landgeo qgis install-plugin`
LABELS_FILE = os.path.join(HERE, "landgeo_labels.json")  # written by `landgeo qgis install-plugin`

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


# labels ---------------------------------------------------------------------------------------------

def N_(text):  # noqa: N802 (landgeo's marker: a label looked up later with tr)
    """Mark ``text`` as a label for landgeo's catalogue extractor; returns it unchanged."""
    return text


def load_labels(path=LABELS_FILE):
    """``{"languages": [...], "labels": {english: {lang: text}}}`` from ``path``, else English only."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("labels"), dict):
        return {"languages": ["en"], "labels": {}}
    return data


def language_of(locale, languages):
    """The language of a Qt/QGIS locale name (``fr_FR``, ``pt-BR``, ``es``) among ``languages``, else ``en``.

    >>> language_of("fr_FR", ["en", "fr"]), language_of("pt-BR", ["en", "pt"]), language_of("de_DE", ["en", "fr"]), language_of(None, ["en"])
    ('fr', 'pt', 'en', 'en')
    """
    code = str(locale or "").replace("-", "_").split(".")[0].split("_")[0].lower()
    return code if code in languages else "en"


def qgis_locale():
    """QGIS's locale: its setting ``locale/userLocale`` (what QGIS shows its interface in), else QGIS's own."""
    try:
        from qgis.core import QgsApplication, QgsSettings  # optional: only inside QGIS
    except ImportError:
        return ""
    return QgsSettings().value("locale/userLocale", "") or QgsApplication.locale()


_LABELS = []  # the installed labels, read once


def tr(text, lang=None, labels=None):
    """``text`` (an English label) in ``lang`` (default QGIS's language); English when it has no translation.

    >>> labels = {"languages": ["en", "fr"], "labels": {"Output folder": {"en": "Output folder", "fr": "Dossier de sortie"}}}
    >>> tr("Output folder", "fr", labels), tr("Output folder", "es", labels), tr("Something else", "fr", labels)
    ('Dossier de sortie', 'Output folder', 'Something else')
    """
    if labels is None:
        if not _LABELS:
            _LABELS.append(load_labels())
        labels = _LABELS[0]
    if lang is None:
        lang = language_of(qgis_locale(), labels.get("languages", ["en"]))
    return (labels.get("labels", {}).get(text) or {}).get(lang) or text


t = tr  # t("…"): a literal label, which landgeo's catalogue extractor reads
