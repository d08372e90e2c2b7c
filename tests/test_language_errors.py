"""Exit-2 errors outside recipe parsing are stated in the command's language (``--lang``, else the
recipe's ``language``, else English), still naming the file, the key or field and the fix, with no
text of another language left (the check of tests/test_languages.py, built from the catalogues)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from landgeo.cli import main
from landgeo.i18n import LANGUAGES
from landgeo.i18n.lines import line_prefix

from .test_languages import foreign_in, norm

SQUARE = [[-1.9, 5.3], [-1.0, 5.3], [-1.0, 6.2], [-1.9, 6.2], [-1.9, 5.3]]
METRES = [[500000, 600000], [510000, 600000], [510000, 610000], [500000, 600000]]


def _layer(path, ring):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Ashanti"}, "geometry": {"type": "Polygon", "coordinates": [ring]}}]}),
        encoding="utf-8")
    return path


@pytest.fixture()
def inputs(tmp_path):
    _layer(tmp_path / "a.geojson", SQUARE)
    _layer(tmp_path / "metres.geojson", METRES)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("not landgeo's", encoding="utf-8")
    return tmp_path


#: (command line, what the message must name): io/inputs, io/vector (with a nested guess), io/where (a parse
#: problem inside the sentence), io/atomic, app/batch, comparison/best_fit.
CASES = {
    "missing file": (["check", "{d}/missing.gpkg"], ["missing.gpkg"]),
    "degrees that are metres": (["check", "{d}/metres.geojson"], ["metres.geojson", "EPSG:4326", "EPSG:32630", "--crs"]),
    "where that ends early": (["compare", "{d}/a.geojson", "--units", "{d}/a.geojson", "--field", "name", "--where", "name >"],
                              ["a.geojson", "where = 'name >'"]),
    "where with an unknown column": (["compare", "{d}/a.geojson", "--units", "{d}/a.geojson", "--field", "name",
                                      "--where", "nme = 'x'"], ["a.geojson", "'nme'", "'name'"]),
    "output folder not landgeo's": (["compare", "{d}/a.geojson", "{d}/a.geojson", "-o", "{d}/mine"], ["mine", "--overwrite"]),
    "batch units without a field": (["batch", "--units", "{d}/a.geojson", "-o", "{d}/out"], ["a.geojson", "--field"]),
    "compare field not in the layer": (["compare", "{d}/a.geojson", "--units", "{d}/a.geojson", "--field", "nom"],
                                       ["a.geojson", "'nom'", "name", "--field"]),
}


def _error(args, lang, folder, stated_in=None):
    """The one error line's message; its ``landgeo: error: `` is in ``stated_in`` (default ``lang``)."""
    args = [a.format(d=folder) for a in args] + (["--lang", lang] if lang else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, (args, result.output)
    message = result.stderr if hasattr(result, "stderr") else result.output
    prefix = line_prefix("error", stated_in or lang)
    lines = [line for line in message.splitlines() if line.startswith(prefix)]
    assert len(lines) == 1, message
    return lines[0].removeprefix(prefix)


@pytest.mark.parametrize("case", list(CASES))
def test_an_exit_2_error_is_stated_in_each_language(inputs, case):
    args, named = CASES[case]
    english = _error(args, "en", inputs)
    for lang in LANGUAGES:
        message = english if lang == "en" else _error(args, lang, inputs)
        for word in named:
            assert word in message, (lang, message)
        assert not foreign_in(message, lang), (lang, message, foreign_in(message, lang))
        if lang != "en":
            assert norm(message) != norm(english), (lang, message)


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_without_lang_an_error_is_stated_in_the_recipes_language(inputs, lang):
    recipe = inputs / "r.toml"
    recipe.write_text(f'[landscape]\nname = "X"\nlanguage = "{lang}"\n\n[boundary]\nmethod = "file"\npath = "metres.geojson"\n',
                      encoding="utf-8")
    message = _error(["delineate", str(recipe), "-o", str(inputs / "o.gpkg")], None, inputs, stated_in=lang)
    assert "metres.geojson" in message and "EPSG:32630" in message
    assert not foreign_in(message, lang), (message, foreign_in(message, lang))
    # --lang wins over the recipe's language
    english = _error(["delineate", str(recipe), "-o", str(inputs / "o.gpkg")], "en", inputs)
    assert not foreign_in(english, "en") and "the layer says EPSG:4326" in english


HELP_PAGES = [[], ["demo"], ["profile"], ["sheet"], ["batch"], ["monitor"], ["delineate"], ["check"], ["compare"],
              ["basins"], ["basins", "suggest"], ["basins", "build"], ["export", "landscale"], ["export", "terraso"],
              ["qgis", "install-plugin"]]


@pytest.mark.parametrize("env", [{"LANDGEO_LANG": "fr"}, {"LANG": "es_CL.UTF-8"}, {"LC_ALL": "pt_BR.UTF-8"}, {"LANG": "C.UTF-8"}])
def test_help_is_in_the_language_of_the_environment(env):
    lang = {"LANDGEO_LANG": "fr", "LANG": "es", "LC_ALL": "pt"}.get(next(iter(env)), "en")
    lang = "en" if env.get("LANG") == "C.UTF-8" else lang
    clean = {k: None for k in ("LANDGEO_LANG", "LC_ALL", "LC_MESSAGES", "LANG")}
    pages = []
    for args in HELP_PAGES:
        result = CliRunner().invoke(main, [*args, "--help"], env={**clean, **env})
        assert result.exit_code == 0, result.output
        pages.append(result.output)
    text = "\n".join(pages)
    assert not foreign_in(text, lang), (lang, foreign_in(text, lang)[:10])
    heading = {"en": "Options:", "fr": "Options:", "es": "Opciones:", "pt": "Opções:"}[lang]  # click adds the colon
    assert all(heading in page for page in pages)
    assert {"en": "Show this message and exit.", "fr": "Afficher ce message et quitter.", "es": "Mostrar este mensaje y salir.",
            "pt": "Mostrar esta mensagem e sair."}[lang] in text
