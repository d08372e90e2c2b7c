"""Text a person reads, in English, French, Spanish and Portuguese: one lookup and locale formats.

Messages live in gettext catalogues of one domain, ``landgeo``: one ``.po`` file per
language under ``landgeo/i18n/locale/<lang>/LC_MESSAGES/landgeo.po``, compiled to the
``.mo`` beside it (both ship in the package). Code writes the English text as the message
id and looks it up through one function, :func:`translator`:

>>> t = translator("fr")
>>> t("Area")
'Superficie'
>>> t("+ {n} more class", "+ {n} more classes", n=3)
'+ 3 autres classes'
>>> t("within {d} m of water", d=500)
"à moins de 500 m de l'eau"

Plural forms come from the catalogue's ``Plural-Forms`` header (never ``word + "s"``);
placeholders are :meth:`str.format` named fields; ``n`` is the count that picks the plural
form and is shown in the locale's number format. Texts kept in tables are marked with
:func:`N_` so that extraction finds them and are looked up when rendered.

Numbers, percentages, dates and lists follow the CLDR conventions of each language
through Babel: ``1,234.5`` (en), ``1 234,5`` (fr), ``1.234,5`` (es, pt).

Adding a language: one line in :data:`LANGUAGES` and one ``.po`` file (README, "Adding a
language", gives the ``pybabel`` commands).
"""

from __future__ import annotations

import datetime as _dt
import functools
import gettext
import math
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal, format_scientific, parse_pattern

from ..errors import UsageError

#: The languages landgeo writes, each with the CLDR locale of its number, date and list
#: formats. This is the one place to add a language (plus its ``.po`` file).
#: English follows British usage (planetGOLD Ghana, Sierra Leone, Uganda: "1 December 2026",
#: "A, B and C"); Portuguese follows Brazil (FSC smallholder pilots).
LANGUAGES: dict[str, str] = {
    "en": "en_GB",
    "fr": "fr",
    "es": "es",
    "pt": "pt_BR",
}

#: The gettext domain and the folder of its catalogues.
DOMAIN = "landgeo"
LOCALE_DIR = Path(__file__).parent / "locale"


def check_lang(lang: str | None, default: str = "en") -> str:
    """``lang`` if landgeo writes it (one of :data:`LANGUAGES`); ``None`` gives ``default``.

    >>> check_lang("pt")
    'pt'
    >>> check_lang(None, "es")
    'es'
    """
    lang = lang or default
    if lang not in LANGUAGES:
        raise UsageError(Text("--lang {lang} is not supported; use one of: {names}", params={"lang": repr(lang), "names": str(', '.join(LANGUAGES))}))
    return lang


def N_(message: str, plural: str | None = None, *, context: str | None = None):
    """Mark ``message`` (and its ``plural``) for extraction without translating it, for tables
    looked up later; with a plural, returns the pair ``(message, plural)``. ``context`` is only
    read by the extractor: look the message up with the same ``context``."""
    return message if plural is None else (message, plural)


class _LocaleFormatter(string.Formatter):
    """:meth:`str.format` with locale-aware fields (see :class:`Translator`)."""

    _NUMBER = re.compile(r"(\+?),?\.(\d+)([f%])")

    def __init__(self, lang: str):
        self.lang = lang

    def format_field(self, value: Any, spec: str) -> str:
        lang = self.lang
        if isinstance(value, Text):
            return value.render(lang)
        if isinstance(value, Mapping) and "msgid" in value:
            return Text.from_dict(value).render(lang)
        if spec == "list":
            return join_names([self.format_field(v, "") for v in value], lang)
        if spec == "join":  # sentences one after the other: "a; b" (French "a ; b")
            separator = translator(lang)("; ", context="between sentences")
            return separator.join(self.format_field(v, "") for v in value)
        if spec == "lonlat":
            return fmt_lonlat(float(value[0]), float(value[1]), lang)
        if spec == "date":
            return fmt_date(value, lang)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            match = self._NUMBER.fullmatch(spec)
            if match:
                sign = "+" if match.group(1) and value > 0 else ""
                if match.group(3) == "f":
                    return sign + fmt_number(value, lang, int(match.group(2)))
                if match.group(1):  # a signed change, not a share of a whole
                    return sign + fmt_percent(value, lang, int(match.group(2)))
                return fmt_share(value, lang, int(match.group(2)))
            if spec in ("", ",") and isinstance(value, int):
                return fmt_number(value, lang)
        return super().format_field(value, spec)


class Translator:
    """Looks messages up in one language's catalogue; call it as ``t(message, **fields)``.

    Fields are :meth:`str.format` named fields whose values are shown the locale's way:
    ``{area:,.0f}`` / ``{x:.1f}`` a number with that many decimals, ``{share:.1%}`` a share
    in 0..1 as a percentage (:func:`fmt_share`: 0 %, less than 0.1 %, 12.5 %; ``{d:+.1%}`` a change with its sign), ``{n}`` an integer with digit grouping (``{year:d}`` without),
    ``{names:list}`` a list joined with the locale's "and", ``{point:lonlat}`` a
    ``[lon, lat]``, ``{day:date}`` an ISO date, ``{parts:join}`` sentences joined with
    the locale's semicolon; a :class:`Text` (or its dict) is rendered in the same language. Use :func:`translator` to get one (cached per language).
    """

    def __init__(self, lang: str):
        self.lang = check_lang(lang)
        self._catalogue = gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[self.lang])
        self._formatter = _LocaleFormatter(self.lang)

    def __call__(self, message: str, plural: str | None = None, /, *, context: str | None = None, **fields: Any) -> str:
        """``message`` in this language, its ``{name}`` fields filled from ``fields``.

        With ``plural``, the form is picked by the count ``n`` (a required field).
        ``context`` tells apart two uses of the same English words (gettext ``msgctxt``).
        """
        cat = self._catalogue
        if plural is not None:
            if "n" not in fields:
                raise TypeError("a plural message needs the count as n=...")
            count = float(fields["n"])
            number = int(count) if count == int(count) else 2  # 1.5 is plural
            if context is None:
                text = cat.ngettext(message, plural, number)
            else:
                text = cat.npgettext(context, message, plural, number)
        else:
            text = cat.gettext(message) if context is None else cat.pgettext(context, message)
        if not fields:
            return text
        return self._formatter.vformat(text, (), fields)

    def __repr__(self) -> str:
        return f"translator({self.lang!r})"


@functools.cache
def translator(lang: str | None) -> Translator:
    """The lookup function for ``lang`` (one of :data:`LANGUAGES`; ``None`` is English).

    >>> translator("es")("Area")
    'Superficie'
    >>> translator("pt")("+ {n} more class", "+ {n} more classes", n=1)
    '+ 1 outra classe'
    >>> translator("fr")("{n} hole totalling {area_ha:,.0f} ha; check it is meant (an enclave, a lake) and not a gap between units.",
    ...                  "{n} holes totalling {area_ha:,.0f} ha; check they are meant (enclaves, lakes) and not gaps between units.",
    ...                  n=1234, area_ha=56789.4)[:26]
    '1\u202f234 trous pour 56\u202f789 ha'
    """
    return Translator(check_lang(lang))


def _data(value: Any) -> Any:
    if isinstance(value, Text):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_data(v) for v in value]
    return value


@dataclass(frozen=True)
class Text:
    """A sentence not yet in any language: a catalogue message id and language-neutral values.

    Facts keep their texts this way (``profile.json`` stores :meth:`to_dict` beside the
    sentence in the profile's language), so that any output can render them in any
    language later.

    >>> more = Text("+ {n} more class", "+ {n} more classes", params={"n": 2})
    >>> more.render("fr"), more.render("es")
    ('+ 2 autres classes', '+ 2 clases más')
    >>> Text.from_dict(more.to_dict()) == more
    True
    """

    msgid: str
    plural: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    context: str | None = None

    def render(self, lang: str) -> str:
        """The sentence in ``lang``."""
        return translator(lang)(self.msgid, self.plural, context=self.context, **dict(self.params))

    def sentence(self, lang: str) -> Sentence:
        """The sentence in ``lang`` as a string that keeps this data form (``.text``)."""
        return Sentence(self, lang)

    def to_dict(self) -> dict:
        """JSON-ready: ``{"msgid", "plural"?, "context"?, "params"}``."""
        out: dict[str, Any] = {"msgid": self.msgid}
        if self.plural is not None:
            out["plural"] = self.plural
        if self.context is not None:
            out["context"] = self.context
        out["params"] = {k: _data(v) for k, v in self.params.items()}
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Text:
        """The inverse of :meth:`to_dict`."""
        return cls(str(data["msgid"]), data.get("plural"), dict(data.get("params") or {}), data.get("context"))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Text):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash((self.msgid, self.plural, self.context))

    def __str__(self) -> str:
        """The sentence in English: what ``logging`` prints of a record whose message is a ``Text``
        (the command line's log lines state it in the run's language instead)."""
        return self.render("en")


class Sentence(str):
    """A sentence in one language (a plain ``str``) that remembers its :class:`Text` as ``.text``.

    Lists of notes stay lists of strings for their readers, while ``profile.json`` can
    keep each note's data form and render it again in another language.

    >>> note = Text("No holes.").sentence("pt")
    >>> note, note.text.render("fr")
    ('Sem buracos.', 'Aucun trou.')
    """

    text: Text

    def __new__(cls, text: Text, lang: str):
        obj = super().__new__(cls, text.render(lang))
        obj.text = text
        obj.lang = lang
        return obj

    def __reduce__(self):  # copies and batch workers rebuild it from its data
        return (Sentence, (self.text, self.lang))


def _cldr(lang: str) -> str:
    return LANGUAGES.get(lang, "en_GB")


def fmt_number(value: float, lang: str, decimals: int = 0) -> str:
    """A number in the locale's format, with ``decimals`` fraction digits.

    >>> fmt_number(1234.5, "en", 1), fmt_number(1234.5, "fr", 1), fmt_number(1234.5, "es", 1)
    ('1,234.5', '1\u202f234,5', '1.234,5')
    >>> fmt_number(10000, "pt")
    '10.000'
    >>> fmt_number(1e308, "fr"), fmt_number(float("inf"), "en")
    ('1E308', '∞')
    """
    if not math.isfinite(value):  # only messages about bad input show one
        return "NaN" if math.isnan(value) else ("∞" if value > 0 else "−∞")
    if abs(value) >= 1e15:  # beyond what a fixed format (and Babel's decimal context) should spell out
        return format_scientific(value, format="0.###E0", locale=_cldr(lang))
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=_cldr(lang))


def fmt_percent(share: float, lang: str, decimals: int = 1) -> str:
    """A share in 0..1 as a percentage in the locale's format (CLDR).

    >>> fmt_percent(0.125, "fr"), fmt_percent(0.125, "es"), fmt_percent(0.125, "pt")
    ('12,5\xa0%', '12,5\xa0%', '12,5%')
    >>> fmt_percent(0.011, "en")
    '1.1%'
    """
    locale = Locale.parse(_cldr(lang))
    pattern = parse_pattern(locale.percent_formats[None].pattern)
    pattern.frac_prec = (decimals, decimals)
    return pattern.apply(share, locale)


def fmt_share(share: float, lang: str, decimals: int = 1, *, compact: bool = False) -> str:
    """A share of a whole (0..1) as a reader sees it: never 0.0 % for a part that is there, nor 100.0 % for a
    whole that is not all there. 0 and 1 without decimals; below the last digit shown (0.1 % with one decimal)
    "less than 0.1 %", above 99.9 % "more than 99.9 %"; otherwise ``decimals`` decimals (locale format). Only
    the text: profile.json and the checks keep the exact values. Messages' ``{share:.1%}`` fields use it
    (:class:`Translator`). ``compact`` (table cells, chart labels): ``< 0.1 %`` and ``> 99.9 %``.

    >>> fmt_share(0, "en"), fmt_share(0.0004, "en"), fmt_share(0.125, "en"), fmt_share(0.99996, "en"), fmt_share(1, "en")
    ('0%', 'less than 0.1%', '12.5%', 'more than 99.9%', '100%')
    >>> fmt_share(0.0004, "fr"), fmt_share(0.0004, "es"), fmt_share(0.004, "pt", 0)
    ('moins de 0,1\xa0%', 'menos del 0,1\xa0%', 'menos de 1%')
    >>> fmt_share(0.0004, "fr", compact=True)
    '<\xa00,1\xa0%'
    """
    share = float(share)
    smallest = 10.0 ** -(decimals + 2)  # the last digit shown: 0.001 is 0.1 % with one decimal
    if share in (0.0, 1.0):
        return fmt_percent(share, lang, 0)
    if 0.0 < share < smallest:
        bound = fmt_percent(smallest, lang, decimals)
        return "<\u00a0" + bound if compact else translator(lang)("less than {share}", context="a share too small to show",
                                                                   share=bound)
    if 1.0 - smallest < share < 1.0:
        bound = fmt_percent(1.0 - smallest, lang, decimals)
        return ">\u00a0" + bound if compact else translator(lang)("more than {share}", context="a share just short of the whole",
                                                                   share=bound)
    return fmt_percent(share, lang, decimals)


def fmt_date(value: _dt.date | str, lang: str, style: str = "long") -> str:
    """A date in the locale's words: ``1 December 2026`` / ``1 décembre 2026`` / ``1 de diciembre de 2026``.

    ``value`` may be an ISO string (``2026-12-01``); a string that is not a date is returned as is.

    >>> fmt_date("2026-12-01", "pt")
    '1 de dezembro de 2026'
    """
    if isinstance(value, str):
        try:
            value = _dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return format_date(value, style, locale=_cldr(lang))


def join_names(names, lang: str) -> str:
    """``A, B and C`` / ``A, B et C`` / ``A, B y C`` / ``A, B e C`` (CLDR list patterns).

    >>> join_names(["Ashanti", "Western", "Central"], "es")
    'Ashanti, Western y Central'
    >>> join_names([], "en")
    ''
    """
    names = [str(n) for n in names]
    if not names:
        return ""
    return format_list(names, locale=_cldr(lang))


def fmt_lonlat(lon: float, lat: float, lang: str) -> str:
    """``5.52° N, 19.48° W`` (fr, es, pt: ``5,52° N, 19,48° O``)."""
    t = translator(lang)
    ns = t("N", context="compass: north") if lat >= 0 else t("S", context="compass: south")
    ew = t("E", context="compass: east") if lon >= 0 else t("W", context="compass: west")
    return f"{fmt_number(abs(lat), lang, 2)}° {ns}, {fmt_number(abs(lon), lang, 2)}° {ew}"
