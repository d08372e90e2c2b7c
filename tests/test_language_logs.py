"""The command line's log lines (``landgeo: WARNING: ...``) are stated in the run's language (``--lang``): the
message, an error or note given as an argument, and the level word; English is as before, and a library
user's ``logging`` still reads English."""

from __future__ import annotations

import json
import logging

import pytest
from click.testing import CliRunner

from landgeo.cli import main
from landgeo.cli.options import LanguageFormatter
from landgeo.errors import LayerError
from landgeo.i18n import Text

from .test_languages import foreign_in, norm

SQUARE = [[-1.9, 5.3], [-1.0, 5.3], [-1.0, 6.2], [-1.9, 6.2], [-1.9, 5.3]]


@pytest.fixture()
def layer(tmp_path):
    path = tmp_path / "ashanti.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Ashanti"}, "geometry": {"type": "Polygon", "coordinates": [SQUARE]}}]}),
        encoding="utf-8")
    return path


def _log_lines(args, lang):
    result = CliRunner().invoke(main, [str(a) for a in args] + ["--lang", lang])
    return result, [line for line in result.stderr.splitlines() if line.startswith("landgeo: ") and not
                    line.startswith(("landgeo: error: ", "landgeo: warning: "))]


#: ``landgeo check FILE --crs`` on a file that states its own CRS: a warning from io/vector.py (a Text message).
IGNORED_CRS = {
    "en": "landgeo: WARNING: {path}: the file states EPSG:4326; --crs EPSG:32630 is ignored",
    "fr": "landgeo: AVERTISSEMENT: {path} : le fichier indique EPSG:4326 ; --crs EPSG:32630 est ignoré",
    "es": "landgeo: ADVERTENCIA: {path}: el archivo indica EPSG:4326; se ignora --crs EPSG:32630",
    "pt": "landgeo: AVISO: {path}: o arquivo declara EPSG:4326; --crs EPSG:32630 é ignorado",
}


@pytest.mark.parametrize("lang", list(IGNORED_CRS))
def test_a_log_warning_is_stated_in_the_runs_language(layer, lang):
    result, lines = _log_lines(["check", layer, "--crs", "EPSG:32630"], lang)
    assert result.exit_code == 0, result.output
    assert lines == [IGNORED_CRS[lang].format(path=layer)], result.stderr
    message = lines[0].split(": ", 2)[2]
    assert not foreign_in(message, lang), (lang, message, foreign_in(message, lang))


@pytest.mark.parametrize("lang, level, words", [
    ("en", "ERROR", "file not found"),
    ("fr", "ERREUR", "fichier introuvable"),
    ("pt", "ERRO", "arquivo não encontrado"),
])
def test_an_error_logged_as_an_argument_is_stated_in_the_runs_language(tmp_path, lang, level, words):
    # log.error("%s: %s", path, exc) in app/batch_worker.py: the LandgeoError argument is rendered, not str();
    # so is the "FAILED" line of each failed row
    recipes = _missing_file_recipes(tmp_path)
    result, lines = _log_lines(["batch", *recipes, "-o", tmp_path / "out", "--workers", "0", "--no-atlas"], lang)
    assert result.exit_code == 2, result.output
    assert len(lines) == 2, result.stderr
    for line, recipe in zip(lines, recipes):
        assert line.startswith((f"landgeo: {level}: {recipe}: ", f"landgeo: {level}: {recipe} : ")), line
        assert line.count(recipe.name) == 1, line  # the error names its recipe: not repeated in front of it
        assert words in line and "missing_" in line, line
        assert not foreign_in(line.split(": ", 2)[2], lang), (lang, line)
    failed = [line for line in result.stderr.splitlines() if line.startswith(tuple(str(r) for r in recipes))]
    assert len(failed) == 2 and all(words in line for line in failed), result.stderr
    if lang != "en":
        assert "file not found" not in result.stderr, result.stderr


def _missing_file_recipes(folder):
    recipes = []
    for name in ("a", "b"):
        path = folder / f"{name}.toml"
        path.write_text(f'[landscape]\nname = "{name}"\n\n[boundary]\nmethod = "file"\npath = "missing_{name}.geojson"\n',
                        encoding="utf-8")
        recipes.append(path)
    return recipes


@pytest.mark.parametrize("lang, failed, words", [("en", "FAILED", "file not found"), ("es", "FALLÓ", "archivo no encontrado")])
def test_a_failed_recipe_of_profile_is_stated_in_the_runs_language(tmp_path, lang, failed, words):
    recipes = _missing_file_recipes(tmp_path)
    (tmp_path / "out").mkdir()
    result = CliRunner().invoke(main, ["profile", *map(str, recipes), "-o", str(tmp_path / "out"), "--lang", lang])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith(tuple(str(r) for r in recipes))]
    assert len(lines) == 2, result.stderr
    for line in lines:
        assert f" {failed}: " in line and words in line and "missing_" in line, line
        assert not foreign_in(line, lang), (lang, line, foreign_in(line, lang))


def test_library_users_get_english_from_logging(caplog):
    log = logging.getLogger("landgeo.test")
    text = Text("{layer}: {n} site has no {field}; it is not counted at any date",
                "{layer}: {n} sites have no {field}; they are not counted at any date",
                params={"layer": "sites.gpkg", "n": 1234, "field": "date"})
    with caplog.at_level(logging.WARNING, logger="landgeo"):
        log.warning(text)
        log.error("%s: %s", "a.toml", LayerError(Text("{file}: file not found; check the path (recipe paths are relative "
                                                      "to the recipe file)", params={"file": "x.gpkg"})))
    assert [r.getMessage() for r in caplog.records] == [
        "sites.gpkg: 1,234 sites have no date; they are not counted at any date",
        "a.toml: x.gpkg: file not found; check the path (recipe paths are relative to the recipe file)"]
    assert str(text) == text.render("en") and "Text(" in repr(text)


def test_the_formatter_outside_a_run_prints_plain_records_as_before():
    formatter = LanguageFormatter()

    def record(msg, *args, level=logging.WARNING):
        return logging.LogRecord("landgeo.x", level, __file__, 1, msg, args, None)

    assert formatter.format(record("%s: %d units, 100%% done", "u.gpkg", 3)) == "landgeo: WARNING: u.gpkg: 3 units, 100% done"
    assert formatter.format(record("wrote %(path)s", {"path": "out"}, level=logging.INFO)) == "landgeo: INFO: wrote out"
    plain = record(Text("{source}: internal error", params={"source": "a.toml"}), level=logging.ERROR)
    assert formatter.format(plain) == "landgeo: ERROR: a.toml: internal error"
    assert plain.levelname == "ERROR" and isinstance(plain.msg, Text)  # the record itself is left as logged
    assert norm(Text("{source}: internal error", params={"source": "a.toml"}).render("fr")) == "a.toml : erreur interne"


def test_the_formatter_reads_the_runs_language_from_its_settings_in_any_thread():
    from concurrent.futures import ThreadPoolExecutor

    settings = {}
    formatter = LanguageFormatter(settings=settings)  # as setup_logging makes it, before --lang is parsed
    settings["lang"] = "fr"
    record = logging.LogRecord("landgeo.x", logging.WARNING, __file__, 1, Text("{source}: internal error",
                                                                               params={"source": "a.toml"}), None, None)
    with ThreadPoolExecutor(1) as pool:  # no click context in a worker thread
        line = pool.submit(formatter.format, record).result()
    assert norm(line) == "landgeo: AVERTISSEMENT: a.toml : erreur interne"
