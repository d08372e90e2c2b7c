"""The command line's log lines (``landgeo: WARNING: ...``) are stated in the run's language (``--lang``): the
message, an error or note given as an argument, and the level word; English is as before, and a library
user's ``logging`` still reads English."""

from __future__ import annotations

import json
import logging
import re
import string
from functools import cache

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from landgeo.cli import main
from landgeo.cli.options import LanguageFormatter
from landgeo.errors import LayerError
from landgeo.i18n import DOMAIN, LOCALE_DIR, Text
from landgeo.i18n.lines import LINE_WORDS, level_name, line_prefix

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
    """The run's log lines (``landgeo: WARNING: …``), without the command line's own (``landgeo: error: …``)."""
    result = CliRunner().invoke(main, [str(a) for a in args] + ["--lang", lang])
    own = tuple(line_prefix(kind, lang) for kind in LINE_WORDS)
    return result, [line for line in result.stderr.splitlines() if line.startswith("landgeo: ") and not line.startswith(own)]


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


#: The command line's own lines in each language: ``landgeo: error: …`` (exit 2) and ``landgeo: warning: …``.
OWN_LINES = {
    "en": ("landgeo: error: ", "landgeo: warning: "),
    "fr": ("landgeo: erreur: ", "landgeo: avertissement: "),
    "es": ("landgeo: error: ", "landgeo: advertencia: "),
    "pt": ("landgeo: erro: ", "landgeo: aviso: "),
}


@pytest.fixture()
def gappy(tmp_path):
    """A layer with one feature of no geometry: read with a warning (``1 empty geometry dropped``)."""
    path = tmp_path / "gappy.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Ashanti"}, "geometry": {"type": "Polygon", "coordinates": [SQUARE]}},
        {"type": "Feature", "properties": {"name": "Nowhere"}, "geometry": None}]}), encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", list(OWN_LINES))
def test_the_error_and_warning_lines_are_stated_in_the_runs_language(tmp_path, gappy, lang):
    error, warning = OWN_LINES[lang]
    result = CliRunner().invoke(main, ["check", str(tmp_path / "missing.gpkg"), "--lang", lang])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(error) and "missing.gpkg" in lines[0], result.stderr
    assert not foreign_in(lines[0].removeprefix(error), lang), (lang, lines[0])

    result = CliRunner().invoke(main, ["check", str(gappy), "--lang", lang])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("landgeo: ")]
    assert len(lines) == 1 and lines[0].startswith(warning) and "gappy.geojson" in lines[0], result.stderr
    assert not foreign_in(lines[0].removeprefix(warning), lang), (lang, lines[0])


#: click's usage errors (read while the command line is parsed, some before --lang is): ``Usage:``, the help
#: hint and ``Error: …`` in the language of the --lang the command line gives, laid out as click lays them out.
USAGE_ERRORS = {
    "en": ["Usage: landgeo check [OPTIONS] FILE", "Try 'landgeo check --help' for help.", "",
           "Error: No such option '--jsn'. (Did you mean one of: '--crs', '--json'?)",
           "Error: Missing argument 'FILE'.",
           "Error: Invalid value for '--min-ha': 'abc' is not a number; write e.g. 10000",
           "Error: Got unexpected extra argument (b)",
           "Usage: landgeo [OPTIONS] COMMAND [ARGS]...", "Try 'landgeo --help' for help.",
           "Error: No such command 'nosuch'.", "Error: No such option '--bogus'. Did you mean '--verbose'?"],
    "fr": ["Utilisation : landgeo check [OPTIONS] FILE", "Essayez 'landgeo check --help' pour afficher l'aide.", "",
           "Erreur : L'option '--jsn' n'existe pas. (Vouliez-vous dire l'une de celles-ci : '--crs', '--json' ?)",
           "Erreur : Argument 'FILE' manquant.",
           "Erreur : Valeur non valide pour '--min-ha' : 'abc' n'est pas un nombre ; écrivez p. ex. 10000",
           "Erreur : Argument supplémentaire inattendu (b)",
           "Utilisation : landgeo [OPTIONS] COMMAND [ARGS]...", "Essayez 'landgeo --help' pour afficher l'aide.",
           "Erreur : La commande 'nosuch' n'existe pas.", "Erreur : L'option '--bogus' n'existe pas. Vouliez-vous dire '--verbose' ?"],
    "es": ["Uso: landgeo check [OPTIONS] FILE", "Pruebe 'landgeo check --help' para ver la ayuda.", "",
           "Error: La opción '--jsn' no existe. (¿Quiso decir alguna de estas: '--crs', '--json'?)",
           "Error: Falta el argumento 'FILE'.",
           "Error: Valor no válido para '--min-ha': 'abc' no es un número; escriba p. ej. 10000",
           "Error: Argumento adicional inesperado (b)",
           "Uso: landgeo [OPTIONS] COMMAND [ARGS]...", "Pruebe 'landgeo --help' para ver la ayuda.",
           "Error: El comando 'nosuch' no existe.", "Error: La opción '--bogus' no existe. ¿Quiso decir '--verbose'?"],
    "pt": ["Uso: landgeo check [OPTIONS] FILE", "Use 'landgeo check --help' para ver a ajuda.", "",
           "Erro: A opção '--jsn' não existe. (Você quis dizer uma destas: '--crs', '--json'?)",
           "Erro: Falta o argumento 'FILE'.",
           "Erro: Valor inválido para '--min-ha': 'abc' não é um número; escreva p. ex. 10000",
           "Erro: Argumento extra inesperado (b)",
           "Uso: landgeo [OPTIONS] COMMAND [ARGS]...", "Use 'landgeo --help' para ver a ajuda.",
           "Erro: O comando 'nosuch' não existe.", "Erro: A opção '--bogus' não existe. Você quis dizer '--verbose'?"],
}


@pytest.mark.parametrize("lang", list(USAGE_ERRORS))
def test_clicks_usage_errors_are_stated_in_the_command_lines_language(layer, lang):
    usage, hint, blank, *errors = USAGE_ERRORS[lang]
    group_usage, group_hint = errors[4:6]
    cases = [(["check", "--jsn", layer], errors[0]), (["check"], errors[1]), (["check", "--min-ha", "abc", layer], errors[2]),
             (["check", layer, "b"], errors[3]), (["nosuch"], errors[6]), (["--bogus", "check", layer], errors[7])]
    for args, error in cases:
        # --lang after the mistake too: the parser stops at the mistake before reading it
        result = CliRunner().invoke(main, [str(a) for a in args] + ["--lang", lang], prog_name="landgeo")
        assert result.exit_code == 2, (args, result.output)
        expected = [usage, hint] if args[0] == "check" else [group_usage, group_hint]
        assert result.stderr.splitlines() == [*expected, blank, error], (args, result.stderr)
    # --lang with a language landgeo does not write: click's English, as click writes it
    result = CliRunner().invoke(main, ["check", "--lang", "de", str(layer)], prog_name="landgeo")
    assert result.exit_code == 2 and result.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--lang': 'de' is not one of 'en', 'fr', 'es', 'pt'."), result.stderr


def test_the_qgis_plugin_reads_the_error_and_warning_lines_in_every_language(tmp_path, gappy):
    from landgeo.app.qgis_install import install_plugin
    from landgeo.qgis_plugin.words import line_kind, load_words

    done = install_plugin(profiles=tmp_path / "profiles", cli="landgeo")
    words = load_words(str(done.folder / "landgeo_words.json"))
    for lang, (error, warning) in OWN_LINES.items():
        result = CliRunner().invoke(main, ["check", str(tmp_path / "missing.gpkg"), "--lang", lang])
        (line,) = result.stderr.splitlines()
        assert line_kind(line, words) == ("error", line.removeprefix(error)), line
        result = CliRunner().invoke(main, ["check", str(gappy), "--lang", lang, "--crs", "EPSG:32630"])
        lines = [line for line in result.stderr.splitlines() if line.startswith("landgeo: ")]
        assert len(lines) == 2 and any(line.startswith(warning) for line in lines), result.stderr
        assert [line_kind(line, words)[0] for line in lines] == ["warning", "warning"], lines  # warning: and WARNING:
        assert line_kind(lines[0], load_words(str(tmp_path / "none.json")))[0] == ("warning" if lang == "en" else None)


@cache
def catalogue_forms(lang: str) -> tuple[tuple[re.Pattern, str], ...]:
    """Every sentence of ``lang``'s catalogue that says something in words and differs from its English id, as
    ``(pattern, translation)``: its own text literally, each ``{field}`` any text (a name, a path, a number)."""
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as f:
        catalogue = read_po(f)
    forms = []
    for message in catalogue:
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        for text in strings:
            if not text or text in ids:
                continue
            parts, words = [], []
            for literal, field, _spec, _conversion in string.Formatter().parse(norm(text)):
                parts.append(re.escape(literal))
                words.append(literal)
                if field is not None:
                    parts.append("(.+?)")
            if re.search(r"[^\W\d_]{3}", "".join(words)):  # words of the language, not only punctuation around fields
                forms.append((re.compile("".join(parts)), text))
    return tuple(forms)


def catalogue_sentence(message: str, lang: str) -> str | None:
    """The translation in ``lang``'s catalogue that ``message`` is (with its fields filled), or None."""
    message = norm(message)
    return next((text for pattern, text in catalogue_forms(lang) if pattern.fullmatch(message)), None)


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::PendingDeprecationWarning")  # as outside pytest
@pytest.mark.parametrize("lang", ["fr", "es", "pt"])
def test_a_verbose_demo_logs_every_line_in_the_runs_language(tmp_path, lang):
    # every log line of `landgeo demo -v` (reading, delineating, attaching, writing, comparing, the atlas) is a
    # sentence of the run's catalogue with names from the data and paths in its fields: no line left in English
    result = CliRunner().invoke(main, ["demo", "-o", str(tmp_path / "demo"), "-v", "--lang", lang])
    assert result.exit_code == 0, result.output
    prefixes = tuple(f"landgeo: {level_name(level, lang)}: " for level in (logging.INFO, logging.WARNING)) + (
        line_prefix("warning", lang),)
    lines = [line for line in result.stderr.splitlines() if line.startswith("landgeo: ")]  # not the summary's notes
    info = f"landgeo: {level_name(logging.INFO, lang)}: "
    assert sum(line.startswith(info) for line in lines) >= 30, result.stderr  # -v: the INFO lines are there
    english = []
    for line in lines:
        assert line.startswith(prefixes), line
        message = line.split(": ", 2)[2]
        if catalogue_sentence(message, lang) is None or foreign_in(message, lang):
            english.append(line)
    assert not english, "\n".join(english)


def test_the_catalogue_check_tells_an_english_log_line():
    # the check above on a line that is not in the language: it is not taken for a catalogue sentence
    assert catalogue_sentence("read admin.gpkg:districts: 14 features, CRS EPSG:4326", "fr") is None
    assert catalogue_sentence("lu : admin.gpkg:districts, 14 entités, SCR EPSG:4326", "fr") is not None
    assert catalogue_sentence("wrote /tmp/out/demo-kora-hills", "pt") is None
    assert catalogue_sentence("gravado: /tmp/out/demo-kora-hills", "pt") is not None
