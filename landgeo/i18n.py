"""English and French words and number formats shared by messages, profiles and maps."""

from __future__ import annotations

from .errors import UsageError

LANGUAGES = ("en", "fr")


def check_lang(lang: str | None, default: str = "en") -> str:
    """``lang`` if it is ``en`` or ``fr`` (``None`` gives ``default``)."""
    lang = lang or default
    if lang not in LANGUAGES:
        raise UsageError(f"--lang {lang!r} is not supported; use en or fr")
    return lang


def tr(lang: str, en: str, fr: str) -> str:
    """Pick the English or the French text."""
    return fr if lang == "fr" else en


def fmt_number(value: float, lang: str, decimals: int = 0) -> str:
    """``1234567.8`` → ``1,234,568`` (en) or ``1 234 568`` (fr, narrow no-break space).

    >>> fmt_number(10000, "fr")
    '10\u202f000'
    >>> fmt_number(0.5, "en", 1)
    '0.5'
    """
    text = f"{value:,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def plural(word: str, n: int) -> str:
    """A naive plural for unit levels (district → districts; French words ending in s/x/z stay)."""
    if n == 1 or word.endswith(("s", "x", "z")):
        return word
    return word + "s"


def join_names(names, lang: str) -> str:
    """``A, B and C`` / ``A, B et C``."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + tr(lang, " and ", " et ") + names[-1]


def fmt_lonlat(lon: float, lat: float, lang: str) -> str:
    """``5.52° N, 19.48° W`` (fr: ``5,52° N, 19,48° O``)."""
    ns = "N" if lat >= 0 else "S"
    ew = "E" if lon >= 0 else tr(lang, "W", "O")
    return f"{fmt_number(abs(lat), lang, 2)}° {ns}, {fmt_number(abs(lon), lang, 2)}° {ew}"


def fmt_percent(share: float, lang: str, decimals: int = 1) -> str:
    """A share in 0..1 as a percentage: ``12.5%`` (en) or ``12,5 %`` (fr, narrow no-break space).

    >>> fmt_percent(0.125, "fr")
    '12,5\u202f%'
    >>> fmt_percent(0.011, "en")
    '1.1%'
    """
    text = fmt_number(100.0 * share, lang, decimals)
    return f"{text}\u202f%" if lang == "fr" else f"{text}%"
