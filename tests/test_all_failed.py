"""A run where every landscape fails: no atlas and no shared indicators table, a summary of the failures,
exit status 2, and no earlier run's atlas left looking like this run's.

Real recipe files that fail for real: one names a boundary file that is not there (refused when the recipe
is read), one a layer that is not a GeoPackage (fails while profiling).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from .cli_helpers import admin_recipe, crash_attaching, run


def failing_recipes(tmp_path: Path) -> list[Path]:
    (tmp_path / "broken.gpkg").write_bytes(b"not a GeoPackage\n" * 50)
    missing = tmp_path / "missing.toml"
    missing.write_text(admin_recipe("Missing", "missing", "no_such_units.gpkg"), encoding="utf-8")
    broken = tmp_path / "broken.toml"
    broken.write_text(admin_recipe("Broken", "broken", "broken.gpkg"), encoding="utf-8")
    return [missing, broken]


def earlier_run(out: Path) -> dict[str, bytes]:
    """An atlas and an indicators table an earlier run left in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    old = {"atlas.pdf": b"%PDF-1.4 an earlier run's atlas\n%%EOF\n",
           "indicators.csv": b"landscape,indicator,date_or_period,value,unit,source,method\nold,area_ha,,1,ha,,\n"}
    for name, data in old.items():
        (out / name).write_bytes(data)
    return old


def test_profile_of_only_failing_recipes_writes_no_atlas(tmp_path):
    out = tmp_path / "out"
    res = run("profile", *failing_recipes(tmp_path), "-o", out)
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output + res.stderr
    assert "atlas:" not in res.stdout
    assert "missing.toml: FAILED" in res.stderr and "broken.toml: FAILED" in res.stderr, res.stderr
    assert "2 of 2 landscapes failed" in res.stderr
    assert not (out / "atlas.pdf").exists() and not (out / "indicators.csv").exists()
    assert not out.exists() or not any(out.iterdir())


def test_profile_overwrite_removes_an_earlier_atlas_when_nothing_is_profiled(tmp_path):
    out = tmp_path / "out"
    old = earlier_run(out)
    recipes = failing_recipes(tmp_path)
    res = run("profile", *recipes, "-o", out)  # without --overwrite: refused before any work, nothing touched
    assert res.exit_code == 2 and "atlas.pdf" in res.stderr, res.output
    assert {n: (out / n).read_bytes() for n in old} == old
    res = run("profile", *recipes, "-o", out, "--overwrite")
    assert res.exit_code == 2, res.output
    assert "atlas:" not in res.stdout
    assert not (out / "atlas.pdf").exists() and not (out / "indicators.csv").exists()
    assert "removed" in res.stderr and "atlas.pdf" in res.stderr, res.stderr


def test_batch_of_only_failing_recipes_writes_a_summary_of_failures_and_no_atlas(tmp_path):
    out = tmp_path / "out"
    res = run("batch", *failing_recipes(tmp_path), "-o", out, "--workers", "0")
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output + res.stderr
    assert "0 profiled, 0 already complete, 2 failed" in res.stdout
    assert "atlas:" not in res.stdout
    assert not (out / "atlas.pdf").exists() and not (out / "indicators.csv").exists()
    with open(out / "summary.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["status"] for r in rows] == ["failed", "failed"]
    errors = {Path(r["source"]).name: r["error"] for r in rows}  # tasks first, recipes that could not be read last
    assert "no_such_units.gpkg" in errors["missing.toml"] and "broken.gpkg" in errors["broken.toml"]


@pytest.mark.parametrize("flag", ["--overwrite", "--resume"])
def test_batch_replacing_an_earlier_one_removes_its_atlas_when_nothing_is_profiled(tmp_path, flag):
    out = tmp_path / "out"
    old = earlier_run(out)
    (out / "summary.csv").write_text("slug,status\nold,ok\n", encoding="utf-8")
    recipes = failing_recipes(tmp_path)
    res = run("batch", *recipes, "-o", out, "--workers", "0")  # without the flag: refused, nothing touched
    assert res.exit_code == 2, res.output
    assert {n: (out / n).read_bytes() for n in old} == old
    res = run("batch", *recipes, "-o", out, "--workers", "0", flag)
    assert res.exit_code == 2, res.output
    assert not (out / "atlas.pdf").exists() and not (out / "indicators.csv").exists()
    assert "removed" in res.stderr, res.stderr
    assert "old" not in (out / "summary.csv").read_text(encoding="utf-8")  # the summary is this run's


def test_batch_without_atlas_leaves_an_atlas_it_does_not_write(tmp_path):
    """--no-atlas: the atlas is not this run's output, so it is neither refused nor removed."""
    out = tmp_path / "out"
    (out).mkdir()
    (out / "atlas.pdf").write_bytes(b"%PDF-1.4 kept\n")
    res = run("batch", *failing_recipes(tmp_path), "-o", out, "--workers", "0", "--no-atlas")
    assert res.exit_code == 2, res.output
    assert (out / "atlas.pdf").read_bytes() == b"%PDF-1.4 kept\n"


def test_batch_refuses_an_existing_indicators_table_before_any_work(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "indicators.csv").write_text("theirs\n", encoding="utf-8")
    res = run("batch", *failing_recipes(tmp_path), "-o", out, "--workers", "0", "--no-atlas")
    assert res.exit_code == 2 and "indicators.csv" in res.stderr, res.output
    assert sorted(p.name for p in out.iterdir()) == ["indicators.csv"]
    assert (out / "indicators.csv").read_text(encoding="utf-8") == "theirs\n"


def test_library_profile_many_and_write_atlas_write_no_empty_atlas(tmp_path):
    from landgeo.app.batch import write_batch_atlas
    from landgeo.app.batch_worker import Row
    from landgeo.app.pipeline import profile_many
    from landgeo.errors import NothingToWriteError
    from landgeo.render.atlas import AtlasFailure, write_atlas

    out = tmp_path / "out"
    outcomes = profile_many(failing_recipes(tmp_path), out)
    assert [o.status for o in outcomes] == ["failed", "failed"]
    assert outcomes.atlas is None and outcomes.indicators is None
    assert not (out / "atlas.pdf").exists()
    with pytest.raises(NothingToWriteError, match="no landscape could be profiled or drawn"):
        write_atlas([AtlasFailure("a", "broken"), AtlasFailure("b", "broken")], tmp_path / "a.pdf")
    assert not (tmp_path / "a.pdf").exists()
    out.mkdir(exist_ok=True)
    with pytest.raises(NothingToWriteError):
        write_batch_atlas([Row("a", "failed", error="broken")], out)
    assert list(out.iterdir()) == []


def test_batch_exit_status_is_1_when_a_landscape_failed_inside_landgeo(tmp_path, units_gpkg, monkeypatch):
    """DESIGN.md: 2 the user's input is wrong, 1 an internal error (as profile does); even when every landscape
    failed."""
    crash_attaching(monkeypatch, "B")
    good = tmp_path / "A.toml"
    good.write_text(admin_recipe("A", "a", units_gpkg.as_posix()), encoding="utf-8")
    crashing = tmp_path / "B.toml"
    crashing.write_text(admin_recipe("B", "b", units_gpkg.as_posix()), encoding="utf-8")
    res = run("batch", good, crashing, "-o", tmp_path / "out", "--workers", "0", "--no-maps", "--no-atlas")
    assert res.exit_code == 1, res.output
    assert "internal error: TypeError" in res.stderr
    assert "Traceback" not in res.stderr and "-vv" in res.stderr, res.stderr  # DESIGN.md: -vv adds tracebacks
    res = run("batch", good, crashing, "-o", tmp_path / "out-vv", "--workers", "0", "--no-maps", "--no-atlas", "-vv")
    assert res.exit_code == 1 and "Traceback" in res.stderr and "crash_on_b" in res.stderr, res.stderr
    res = run("profile", good, crashing, "-o", tmp_path / "out-profile")
    assert res.exit_code == 1 and "Traceback" not in res.stderr and "internal error: TypeError" in res.stderr, res.stderr
    res = run("batch", crashing, *failing_recipes(tmp_path), "-o", tmp_path / "out2", "--workers", "0", "--no-maps")
    assert res.exit_code == 1, res.output  # an internal error among input errors
    assert not (tmp_path / "out2" / "atlas.pdf").exists()
    res = run("batch", good, *failing_recipes(tmp_path), "-o", tmp_path / "out3", "--workers", "0", "--no-maps",
              "--no-atlas")
    assert res.exit_code == 2, res.output  # input errors only


@pytest.mark.parametrize("lang", ["en", "fr", "es", "pt"])
@pytest.mark.parametrize("command", ["profile", "batch"])
def test_a_failure_line_names_its_recipe_once_in_every_language(tmp_path, command, lang):
    """``{recipe}: FAILED: {error}``: an error that starts with the recipe's file does not say it again."""
    from landgeo.i18n import translator

    word = translator(lang)("{recipe}: FAILED: {error}", recipe="R", error="E").split("R", 1)[1].split("E")[0]
    recipes = failing_recipes(tmp_path)
    extra = ["--workers", "0"] if command == "batch" else []
    res = run(command, *recipes, "-o", tmp_path / "out", "--lang", lang, *extra)
    assert res.exit_code == 2, res.output
    for recipe, names in zip(recipes, ("no_such_units.gpkg", "broken.gpkg")):
        lines = [line for line in res.stderr.splitlines() if line.startswith(f"{recipe}{word}")]
        assert len(lines) == 1, (word, res.stderr)
        assert lines[0].count(recipe.name) == 1, lines[0]
        assert names in lines[0], lines[0]
