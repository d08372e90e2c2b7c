"""Log records of local batch workers reach the parent's stderr, stated in the run's ``--lang`` (their ``Text``
messages cross the process boundary as ``Text``), at the parent's -v/-q level; the serial path is unchanged."""

from __future__ import annotations

import logging
import os
import pickle
import threading

import geopandas as gpd
import pytest
import shapely
from click.testing import CliRunner

from landgeo.cli import main
from landgeo.errors import LayerError
from landgeo.i18n import Text

from .test_languages import norm

NOT_DEGREES = {
    "en": "landgeo: WARNING: {file}: the file states EPSG:4326 but its coordinates are not degrees; "
          "using the given crs EPSG:32630",
    "fr": "landgeo: AVERTISSEMENT: {file} : le fichier indique EPSG:4326 mais ses coordonnées ne sont pas en degrés",
}


@pytest.fixture()
def recipes(tmp_path):
    """Two landscapes: ``utm`` a 20 km UTM box in a file that says EPSG:4326 (the recipe gives the real crs, so the
    reader warns), ``plain`` a degrees square that logs nothing."""
    utm = tmp_path / "utm.gpkg"
    gpd.GeoDataFrame({"name": ["x"]}, geometry=[shapely.box(600_000, 600_000, 620_000, 620_000)], crs=4326).to_file(utm)
    plain = tmp_path / "plain.gpkg"
    gpd.GeoDataFrame({"name": ["y"]}, geometry=[shapely.box(-1.5, 6.0, -1.3, 6.2)], crs=4326).to_file(plain)
    out = []
    for name, layer, crs in (("utm", utm, '\ncrs = "EPSG:32630"'), ("plain", plain, "")):
        recipe = tmp_path / f"{name}.toml"
        recipe.write_text(f'[landscape]\nname = "{name}"\n\n[boundary]\nmethod = "file"\npath = "{layer.name}"{crs}\n',
                          encoding="utf-8")
        out.append(recipe)
    return out


def _batch(recipes, out, *args):
    result = CliRunner().invoke(main, ["batch", *map(str, recipes), "-o", str(out), "--no-maps", "--no-atlas", *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stderr.splitlines()


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_warning_logged_in_a_worker_reaches_stderr_in_the_runs_language(recipes, tmp_path, workers, lang):
    lines = _batch(recipes, tmp_path / "out", "--workers", workers, *(["--lang", lang] if lang != "en" else []))
    expected = NOT_DEGREES[lang].format(file=recipes[0].parent / "utm.gpkg")
    found = [norm(line) for line in lines if "utm.gpkg" in line and line.startswith("landgeo: ")]
    assert len(found) == 1 and found[0].startswith(norm(expected)), lines
    if lang == "fr":
        assert "WARNING" not in found[0] and "not degrees" not in found[0]


def test_workers_keep_the_parents_level_and_the_serial_path_is_unchanged(recipes, tmp_path):
    assert not [line for line in _batch(recipes, tmp_path / "q", "--workers", "1", "-q") if "utm.gpkg" in line]
    serial = [line for line in _batch(recipes, tmp_path / "s", "--workers", "0") if "utm.gpkg" in line]
    workers = [line for line in _batch(recipes, tmp_path / "w", "--workers", "1") if "utm.gpkg" in line]
    assert serial == workers and len(serial) == 1
    info = _batch(recipes, tmp_path / "v", "--workers", "1", "-v")  # -v: the workers' INFO records come too
    assert any(line.startswith("landgeo: INFO: ") and "utm.gpkg" in line for line in info), info


def test_a_worker_record_keeps_its_text_and_its_traceback_as_text():
    from landgeo.app.batch_local import WorkerLogHandler

    handler = WorkerLogHandler(None)
    text = Text("{source}: internal error", params={"source": "a.toml"})
    error = LayerError(Text("{file}: file not found; check the path (recipe paths are relative to the recipe file)",
                            params={"file": "x.gpkg"}))
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("landgeo.x").makeRecord("landgeo.x", logging.ERROR, __file__, 1, text, None,
                                                           __import__("sys").exc_info())
    sent = pickle.loads(pickle.dumps(handler.prepare(record)))
    assert sent.msg == text and sent.exc_info is None and "ValueError: boom" in sent.exc_text
    record = logging.LogRecord("landgeo.x", logging.ERROR, __file__, 1, "%s: %s (%r)", ("a.toml", error, lambda: None), None)
    sent = pickle.loads(pickle.dumps(handler.prepare(record)))
    assert sent.args[0] == "a.toml" and isinstance(sent.args[1], LayerError) and sent.args[1].text == error.text
    assert sent.args[1].in_language("fr") == error.in_language("fr") and sent.args[2].startswith("<function ")
    assert record.msg == "%s: %s (%r)" and record.args[1] is error  # the record itself is left as logged


class _NeedsMore(Exception):
    """Pickles, but the parent could not rebuild it: its ``__init__`` wants an argument its args lack."""

    def __init__(self, message, *, layer):
        super().__init__(message)
        self.layer = layer


def test_an_argument_the_parent_could_not_rebuild_crosses_as_its_text():
    from landgeo.app.batch_local import WorkerLogHandler

    record = logging.LogRecord("landgeo.x", logging.WARNING, __file__, 1, "%s", (_NeedsMore("odd", layer="l"),), None)
    sent = pickle.loads(pickle.dumps(WorkerLogHandler(None).prepare(record)))
    assert sent.args == ("odd",)


def _bad_recipes(folder):
    """``a.toml`` refused when read (its error names the recipe file), ``b.toml`` read but its layer is not GeoJSON
    (its error names the layer)."""
    (folder / "a.toml").write_text('[landscape]\nname = "a"\n\n[boundary]\nmethod = "nope"\n', encoding="utf-8")
    (folder / "b.toml").write_text('[landscape]\nname = "b"\n\n[boundary]\nmethod = "file"\npath = "broken.geojson"\n',
                                   encoding="utf-8")
    (folder / "broken.geojson").write_text("not GeoJSON", encoding="utf-8")
    return [folder / "a.toml", folder / "b.toml"]


@pytest.mark.parametrize("command, workers", [("batch", "0"), ("batch", "1"), ("profile", None)])
def test_a_logged_failure_names_its_recipe_once(tmp_path, monkeypatch, command, workers):
    monkeypatch.chdir(tmp_path)
    _bad_recipes(tmp_path)
    args = [command, "a.toml", "b.toml", "-o", "out"] + (["--workers", workers, "--no-atlas"] if workers else [])
    if command == "profile":
        (tmp_path / "out").mkdir()
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    logged = [line for line in result.stderr.splitlines() if line.startswith("landgeo: ERROR: ")]
    assert len(logged) == (2 if command == "batch" else 1), result.stderr
    for line in logged:
        if "a.toml" in line:
            assert line.startswith(f"landgeo: ERROR: {tmp_path / 'a.toml'}: [boundary] method = "), line
        else:
            assert line.startswith(f"landgeo: ERROR: b.toml: {tmp_path / 'broken.geojson'}: "), line
        assert line.count(".toml") == 1, line


def test_a_failure_whose_text_does_not_name_the_recipe_is_given_its_source(tmp_path, monkeypatch):
    from landgeo.app.pipeline import log_failure

    monkeypatch.chdir(tmp_path)
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("landgeo.test.failure")
    logger.addHandler(handler)
    try:
        log_failure(logger, "units.gpkg#name=Ashanti", LayerError(Text("{file}: file not found; check the path (recipe "
                                                                      "paths are relative to the recipe file)",
                                                                      params={"file": "x.gpkg"})))
        log_failure(logger, "a.toml", LayerError(f"{tmp_path / 'a.toml'}: broken"))
    finally:
        logger.removeHandler(handler)
    assert [r.getMessage() for r in records] == [
        "units.gpkg#name=Ashanti: x.gpkg: file not found; check the path (recipe paths are relative to the recipe file)",
        f"{tmp_path / 'a.toml'}: broken"]
    assert isinstance(records[0].args[1], LayerError)  # the error itself: the command line states it in --lang


class _KillsItsWorker:
    """A task whose unpickling ends the worker process at once, as a crash or the OOM killer would."""

    slug, source = "boom", "boom.toml"

    def __reduce__(self):
        return (os._exit, (3,))


def _listeners() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if "_monitor" in t.name]  # QueueListener's thread


def test_the_listener_ends_with_its_pool_however_the_pool_ends(tmp_path):
    from landgeo.app.batch_local import run_local
    from landgeo.app.batch_worker import Task

    assert not _listeners()
    rows = run_local([_KillsItsWorker()], str(tmp_path), {}, lambda row: None, workers=1)  # a broken pool, run again
    assert rows[0].status == "failed" and not _listeners()

    def interrupted(row):
        raise KeyboardInterrupt

    missing = Task("x", "x.toml", str(tmp_path / "x.toml"))  # fails at once: its row comes back, then Ctrl-C
    with pytest.raises(KeyboardInterrupt):
        run_local([missing, missing], str(tmp_path), {}, interrupted, workers=1)
    assert not _listeners()
