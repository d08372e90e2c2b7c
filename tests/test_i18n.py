"""The message catalogues (one .po per language) and the locale formats of landgeo.i18n."""

from __future__ import annotations

import gettext
import json
import string

import pytest
from babel.messages.pofile import read_po

from landgeo.errors import UsageError
from landgeo.i18n import (
    DOMAIN,
    LANGUAGES,
    LOCALE_DIR,
    Text,
    check_lang,
    fmt_date,
    fmt_number,
    fmt_percent,
    join_names,
    translator,
)


def catalogue(lang):
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as f:
        return read_po(f)


CATALOGUES = {lang: catalogue(lang) for lang in LANGUAGES}


def keys(cat):
    return {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)) for m in cat if m.id}


def fields(text):
    """The set of (name, format spec) of the str.format fields in ``text``."""
    return {(name, spec) for _, name, spec, _ in string.Formatter().parse(text) if name is not None}


def test_every_language_has_a_catalogue_and_a_compiled_file():
    assert set(LANGUAGES) == {"en", "fr", "es", "pt"}
    for lang in LANGUAGES:
        assert (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file()
        assert len(keys(CATALOGUES[lang])) > 50


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_catalogues_hold_the_same_messages(lang):
    reference = keys(CATALOGUES["en"])
    mine = keys(CATALOGUES[lang])
    assert not reference - mine, f"{lang}.po lacks {sorted(reference - mine, key=str)[:5]}"
    others = set().union(*(keys(c) for c in CATALOGUES.values()))
    assert not others - mine, f"{lang}.po lacks {sorted(others - mine, key=str)[:5]}"


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_translations_are_complete_and_keep_the_placeholders(lang):
    cat = CATALOGUES[lang]
    problems = []
    for m in cat:
        if not m.id:
            continue
        if m.fuzzy:
            problems.append(("fuzzy", m.id))
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        forms = [m.string] if isinstance(m.string, str) else list(m.string)
        if m.pluralizable and len(forms) != cat.num_plurals:
            problems.append(("plural forms", m.id))
        if not all(f and f.strip() for f in forms):
            problems.append(("empty", m.id))
            continue
        expected = set().union(*(fields(i) for i in ids))
        for form in forms:
            got = fields(form)
            # a singular form may leave out the count ("one hole"), never add or change a field
            if not (got <= expected and expected - got <= {("n", "")}):
                problems.append(("placeholders", m.id, sorted(got ^ expected)))
    assert not problems, problems[:5]


def test_a_changed_placeholder_is_caught():
    # the check above on a deliberately broken entry: it must see the difference
    assert fields("{area_ha:,.0f} ha") != fields("{area:,.0f} ha")
    assert fields("{share:.1%}") != fields("{share:.0%}")


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_compiled_catalogue_matches_its_po_file(lang):
    """A stale .mo (the .po edited, not compiled) fails here: run scripts/update_catalogues.py."""
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as f:
        mo = gettext.GNUTranslations(f)
    stale = []
    for m in CATALOGUES[lang]:
        if not m.id:
            continue
        if isinstance(m.id, str):
            got = mo.gettext(m.id) if m.context is None else mo.pgettext(m.context, m.id)
            if got != m.string:
                stale.append(m.id)
        else:
            for n, form in ((1, 0), (5, -1)):
                if m.context is None:
                    got = mo.ngettext(m.id[0], m.id[1], n)
                else:
                    got = mo.npgettext(m.context, m.id[0], m.id[1], n)
                if got != m.string[form]:
                    stale.append(m.id[0])
    assert not stale, f"{lang}.mo is stale for {stale[:3]}: run python scripts/update_catalogues.py"


def test_plural_forms_follow_each_language():
    msg = ("+ {n} more class", "+ {n} more classes")
    assert translator("en")(*msg, n=0) == "+ 0 more classes"
    assert translator("fr")(*msg, n=0) == "+ 0 autre classe"  # French: 0 and 1 take the singular
    assert translator("fr")(*msg, n=2) == "+ 2 autres classes"
    assert translator("es")(*msg, n=1) == "+ 1 clase más"
    assert translator("pt")(*msg, n=1_000_000) == "+ 1.000.000 outras classes"
    with pytest.raises(TypeError):
        translator("fr")(*msg)


@pytest.mark.parametrize(
    ("lang", "number", "percent"),
    [
        ("en", "1,234.5", "12.5%"),
        ("fr", "1\u202f234,5", "12,5\u00a0%"),
        ("es", "1.234,5", "12,5\u00a0%"),
        ("pt", "1.234,5", "12,5%"),
    ],
)
def test_numbers_and_percentages_per_locale(lang, number, percent):
    # CLDR conventions written out by hand: grouping and decimal signs, space before % in fr/es
    assert fmt_number(1234.5, lang, 1) == number
    assert fmt_percent(0.125, lang) == percent
    assert translator(lang)("{x:,.1f}", x=1234.5) == number  # fields in messages use the same formats


def test_counts_and_dates_per_locale():
    assert [fmt_number(1_000_000, lang) for lang in ("en", "fr", "es", "pt")] == ["1,000,000", "1\u202f000\u202f000", "1.000.000", "1.000.000"]
    assert fmt_date("2026-12-01", "en") == "1 December 2026"
    assert fmt_date("2026-12-01", "fr") == "1 décembre 2026"
    assert fmt_date("2026-12-01", "es") == "1 de diciembre de 2026"
    assert fmt_date("2026-12-01", "pt") == "1 de dezembro de 2026"
    assert fmt_date("not a date", "fr") == "not a date"
    assert [join_names(["A", "B", "C"], lang) for lang in LANGUAGES] == ["A, B and C", "A, B et C", "A, B y C", "A, B e C"]


def test_check_lang_accepts_the_four_and_names_them_otherwise():
    assert [check_lang(lang) for lang in ("en", "fr", "es", "pt")] == ["en", "fr", "es", "pt"]
    assert check_lang(None, "pt") == "pt"
    with pytest.raises(UsageError, match="en, fr, es, pt"):
        check_lang("de")


def test_text_keeps_facts_as_data_and_renders_in_any_language():
    text = Text("{n} part under {sliver_ha:,.0f} ha ({area_ha:,.1f} ha in all); remove it or set fill/simplify options.",
                "{n} parts under {sliver_ha:,.0f} ha ({area_ha:,.1f} ha in all); remove them or set fill/simplify options.",
                {"n": 3, "sliver_ha": 100.0, "area_ha": 1234.56})
    data = json.loads(json.dumps(text.to_dict()))
    assert data["params"] == {"n": 3, "sliver_ha": 100.0, "area_ha": 1234.56}
    again = Text.from_dict(data)
    assert again.render("en").startswith("3 parts under 100 ha (1,234.6 ha in all)")
    assert again.render("es").startswith("3 partes de menos de 100 ha (1.234,6 ha en total)")
    assert again.render("fr").startswith("3 parties de moins de 100 ha (1\u202f234,6 ha en tout)")
    assert again.render("pt").startswith("3 partes com menos de 100 ha (1.234,6 ha no total)")
