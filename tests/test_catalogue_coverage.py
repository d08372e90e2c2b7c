"""Every message the code looks up is in every catalogue, translated: new English text cannot slip
through untranslated.

The messages are found the way ``scripts/update_catalogues.py`` finds them: Babel extraction with
the ``[tool.babel]`` configuration of ``pyproject.toml``, which runs landgeo's extractor
(:mod:`landgeo.i18n.extract`) over ``t(...)``, ``translator(lang)(...)``, ``N_(...)`` and ``Text(...)``.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from landgeo.i18n import DOMAIN, LANGUAGES, LOCALE_DIR
from landgeo.i18n.extract import messages_in_source

REPO = Path(__file__).resolve().parents[1]


@cache
def extracted() -> dict[tuple[str | None, str], tuple[str | None, list[str]]]:
    """``{(context, msgid): (plural, [files])}`` of the code, by Babel extraction (as the update script does)."""
    spec = importlib.util.spec_from_file_location("update_catalogues", REPO / "scripts" / "update_catalogues.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = {}
    for m in module.extract():
        if not m.id:
            continue
        msgid, plural = (m.id[0], m.id[1]) if isinstance(m.id, tuple) else (m.id, None)
        out[(m.context, msgid)] = (plural, sorted({path for path, _ in m.locations}))
    return out


@cache
def catalogue(lang: str):
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as f:
        return read_po(f, locale=LANGUAGES[lang])


def missing_from(lang: str, messages) -> list[str]:
    """The messages (``{(context, msgid): (plural, files)}``) that ``lang``'s catalogue lacks or leaves untranslated."""
    cat = catalogue(lang)
    out = []
    for (context, msgid), (plural, files) in sorted(messages.items(), key=lambda kv: (kv[0][1], kv[0][0] or "")):
        entry = cat.get(msgid if plural is None else (msgid, plural), context=context)
        if entry is None:
            entry = cat.get(msgid, context=context)
        strings = [] if entry is None else ([entry.string] if isinstance(entry.string, str) else list(entry.string))
        if entry is None or not strings or not all(strings):
            out.append(f"{msgid!r} ({', '.join(files)})")
    return out


def test_extraction_finds_the_code_messages():
    found = extracted()
    assert len(found) > 500
    # one of each kind: t(), a plural, a context, N_() in a table, Text() kept as data, an error message
    assert (None, "Area") in found
    assert found[(None, "+ {n} more class")][0] == "+ {n} more classes"
    assert ("compass: north", "N") in found
    assert ("indicator unit", "people") in found
    assert any("landgeo/io/inputs.py" in f for f in found[(None, "{file}: file not found; check the path (recipe paths "
                                                             "are relative to the recipe file)")][1])


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_message_in_the_code_is_in_each_catalogue(lang):
    missing = missing_from(lang, extracted())
    assert not missing, (f"{len(missing)} message(s) used in the code are missing or untranslated in {lang}; run "
                         f"python scripts/update_catalogues.py and translate them (--merge FILE.json): {missing[:10]}")


def test_a_new_english_text_is_caught():
    source = 'def f(lang):\n    return translator(lang)("A sentence nobody has translated yet.")\n'
    new = {(c, m): (p, ["new.py"]) for _, c, m, p in messages_in_source(source)}
    assert new and all(missing_from(lang, new) for lang in LANGUAGES if lang != "en") and missing_from("en", new)


def _english_only_errors(source: str) -> list[int]:
    """Lines where a landgeo error (exit status 2) is made from a plain string or f-string instead of a catalogue
    :class:`~landgeo.i18n.Text`, or a recipe check fails with one (``ctx.fail("...")``)."""
    import ast

    from landgeo import errors

    names = {n for n, c in vars(errors).items() if isinstance(c, type) and issubclass(c, errors.LandgeoError)} | {"fail"}

    def plain(node) -> bool:
        if isinstance(node, ast.Constant):
            return isinstance(node.value, str)
        if isinstance(node, ast.JoinedStr):
            return True
        return isinstance(node, ast.BinOp) and (plain(node.left) or plain(node.right))

    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name in names and plain(node.args[0]):
                out.append(node.lineno)
    return out


def test_no_exit_2_error_is_english_only():
    # click's usage errors (self.fail in a click ParamType) count too: look their text up first (cli/options.FiniteNumber)
    found = {}
    for path in sorted((REPO / "landgeo").rglob("*.py")):
        lines = _english_only_errors(path.read_text(encoding="utf-8"))
        if lines:
            found[str(path.relative_to(REPO))] = lines
    assert not found, f"errors made from English strings, not catalogue Texts (write raise XError(Text('...'))): {found}"
    assert _english_only_errors('raise LayerError(f"{path}: not found")\nraise LayerError(Text("{file}: x"))\n') == [1]
