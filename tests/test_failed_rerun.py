"""A landscape that fails on a re-run with --overwrite: its earlier folder is not left looking like this run's.

The earlier results are moved aside to ``OUT/<slug>.previous/`` (kept, complete, clearly named), the
failure row of summary.csv and a warning say where, and ``batch --resume`` profiles the landscape again
instead of skipping it as complete. Real CLI runs on real files: a layer profiled once, then broken.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import geopandas as gpd
import shapely

from .cli_helpers import admin_recipe, run

HEAD = 'country = ["XDL"]\nlanguage = "en"\n'


def write_layer(path: Path, name: str, x0: float) -> bytes:
    geom = shapely.box(x0, 5.0, x0 + 0.3, 5.3)  # ≈ 110,000 ha
    gpd.GeoDataFrame({"unit": [name]}, geometry=[geom], crs=4326).to_file(path, layer="units")
    return path.read_bytes()


def kit(tmp_path: Path) -> dict:
    """Two recipes on layers of their own; ``good`` is the second layer's content, to break and mend it."""
    recipes = []
    good = b""
    for i, (name, slug) in enumerate([("Alpha", "alpha"), ("Beta", "beta")]):
        good = write_layer(tmp_path / f"{slug}.gpkg", name, -19.9 + i)
        text = admin_recipe(name, slug, f"{slug}.gpkg", layer="units", field="unit", values=[name], head=HEAD)
        (tmp_path / f"{slug}.toml").write_text(text, encoding="utf-8")
        recipes.append(tmp_path / f"{slug}.toml")
    return {"recipes": recipes, "layer": tmp_path / "beta.gpkg", "good": good, "out": tmp_path / "out"}


def summary(out: Path) -> dict[str, dict]:
    with open(out / "summary.csv", encoding="utf-8", newline="") as f:
        return {r["slug"]: r for r in csv.DictReader(f)}


def test_batch_overwrite_failure_moves_the_earlier_folder_aside_and_resume_profiles_it_again(tmp_path):
    k = kit(tmp_path)
    out = k["out"]
    res = run("batch", *k["recipes"], "-o", out, "--workers", "0", "--no-maps", "--no-atlas")
    assert res.exit_code == 0, res.output
    earlier = (out / "beta" / "profile.json").read_bytes()

    k["layer"].write_bytes(b"not a GeoPackage\n" * 50)  # the layer breaks
    res = run("batch", *k["recipes"], "-o", out, "--workers", "0", "--no-maps", "--no-atlas", "--overwrite")
    assert res.exit_code == 2, res.output
    assert "1 profiled, 0 already complete, 1 failed" in res.stdout
    assert not (out / "beta").exists()  # no folder looking like this run's result
    aside = out / "beta.previous"
    assert (aside / "profile.json").read_bytes() == earlier  # the earlier results are kept, under another name
    assert "WARNING:" in res.stderr and str(out / "beta") in res.stderr and str(aside) in res.stderr, res.stderr
    rows = summary(out)
    assert rows["beta"]["status"] == "failed" and str(aside) in rows["beta"]["error"], rows["beta"]
    assert "beta.gpkg" in rows["beta"]["error"]  # the failure itself is still stated
    assert rows["alpha"]["status"] == "ok"
    assert "beta.previous" not in {r["slug"] for r in rows.values()}

    res = run("batch", *k["recipes"], "-o", out, "--workers", "0", "--no-maps", "--no-atlas", "--resume")
    assert res.exit_code == 2, res.output  # not skipped as complete: profiled again, and fails again
    assert "0 profiled, 1 already complete, 1 failed" in res.stdout, res.stdout
    rows = summary(out)
    assert rows["beta"]["status"] == "failed" and rows["alpha"]["status"] == "skipped"
    assert not (out / "beta").exists()
    assert (aside / "profile.json").read_bytes() == earlier

    k["layer"].write_bytes(k["good"])  # mended: --resume profiles it
    res = run("batch", *k["recipes"], "-o", out, "--workers", "0", "--no-maps", "--no-atlas", "--resume")
    assert res.exit_code == 0, res.output
    assert "1 profiled, 1 already complete, 0 failed" in res.stdout, res.stdout
    assert json.loads((out / "beta" / "profile.json").read_text(encoding="utf-8"))["slug"] == "beta"
    assert summary(out)["beta"]["status"] == "ok"


def test_batch_second_failure_keeps_the_latest_earlier_results(tmp_path):
    """ok, fail, ok, fail: beta.previous holds the results of the third run (the latest before the failure)."""
    k = kit(tmp_path)
    out = k["out"]
    args = ("batch", *k["recipes"], "-o", out, "--workers", "0", "--no-maps", "--no-atlas", "--overwrite")
    assert run(*args).exit_code == 0
    k["layer"].write_bytes(b"broken\n" * 100)
    assert run(*args).exit_code == 2
    k["layer"].write_bytes(k["good"])
    assert run(*args).exit_code == 0
    third = (out / "beta" / "profile.json").read_bytes()
    (out / "beta.previous" / "mark").write_text("second run's aside", encoding="utf-8")
    k["layer"].write_bytes(b"broken again\n" * 100)
    res = run(*args)
    assert res.exit_code == 2, res.output
    assert not (out / "beta").exists()
    assert (out / "beta.previous" / "profile.json").read_bytes() == third
    assert not (out / "beta.previous" / "mark").exists()
    assert sorted(p.name for p in out.iterdir()) == ["alpha", "beta.previous", "indicators.csv", "summary.csv"]  # no temporaries left


def test_batch_leaves_a_folder_it_did_not_write_and_uses_another_name(tmp_path):
    """A ``beta.previous`` the user made is never replaced: the earlier results go to beta.previous-2."""
    k = kit(tmp_path)
    out = k["out"]
    args = ("batch", *k["recipes"], "-o", out, "--workers", "0", "--no-maps", "--no-atlas", "--overwrite")
    assert run(*args).exit_code == 0
    (out / "beta.previous").mkdir()
    (out / "beta.previous" / "notes.txt").write_text("mine", encoding="utf-8")
    k["layer"].write_bytes(b"broken\n" * 100)
    res = run(*args)
    assert res.exit_code == 2, res.output
    assert (out / "beta.previous" / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "beta.previous-2" / "profile.json").is_file()
    assert not (out / "beta").exists()
    assert str(out / "beta.previous-2") in summary(out)["beta"]["error"]


def test_profile_overwrite_failure_moves_the_earlier_folder_aside(tmp_path):
    k = kit(tmp_path)
    out = k["out"]
    res = run("profile", *k["recipes"], "-o", out)
    assert res.exit_code == 0, res.output
    earlier = (out / "beta" / "profile.json").read_bytes()
    k["layer"].write_bytes(b"not a GeoPackage\n" * 50)
    res = run("profile", *k["recipes"], "-o", out, "--overwrite")
    assert res.exit_code == 2, res.output
    assert not (out / "beta").exists()
    assert (out / "beta.previous" / "profile.json").read_bytes() == earlier
    failed = [line for line in res.stderr.splitlines() if "FAILED" in line]
    assert len(failed) == 1 and str(out / "beta.previous") in failed[0], res.stderr
    assert "WARNING:" in res.stderr
    assert (out / "alpha" / "profile.json").is_file()


def test_profile_one_recipe_overwrite_failure_moves_the_earlier_folder_aside(tmp_path):
    k = kit(tmp_path)
    out = k["out"]
    beta = k["recipes"][1]
    assert run("profile", beta, "-o", out).exit_code == 0
    earlier = (out / "beta" / "profile.json").read_bytes()
    k["layer"].write_bytes(b"not a GeoPackage\n" * 50)
    res = run("profile", beta, "-o", out, "--overwrite")
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output + res.stderr
    assert not (out / "beta").exists()
    assert (out / "beta.previous" / "profile.json").read_bytes() == earlier
    assert str(out / "beta.previous") in res.stderr, res.stderr


def test_profile_without_overwrite_never_moves_anything(tmp_path):
    """Without --overwrite an existing folder is refused before any work; nothing is moved."""
    k = kit(tmp_path)
    out = k["out"]
    assert run("profile", *k["recipes"], "-o", out).exit_code == 0
    k["layer"].write_bytes(b"not a GeoPackage\n" * 50)
    res = run("profile", *k["recipes"], "-o", out)
    assert res.exit_code == 2, res.output
    assert (out / "beta" / "profile.json").is_file() and not (out / "beta.previous").exists()


def test_batch_on_worker_processes_sets_aside_and_says_so_in_the_language(tmp_path):
    """Local worker processes set the folder aside too; the warning and the FAILED line read in --lang."""
    k = kit(tmp_path)
    out = k["out"]
    args = ("batch", *k["recipes"], "-o", out, "--workers", "2", "--no-maps", "--no-atlas", "--lang", "fr")
    assert run(*args).exit_code == 0
    k["layer"].write_bytes(b"broken\n" * 100)
    res = run(*args, "--overwrite")
    assert res.exit_code == 2, res.output
    assert not (out / "beta").exists() and (out / "beta.previous" / "profile.json").is_file()
    assert f"{out / 'beta'} : résultats d'une exécution précédente, déplacés vers {out / 'beta.previous'}" in res.stderr, res.stderr
    failed = [line for line in res.stderr.splitlines() if "FAILED" in line or "ÉCHEC" in line]
    assert len(failed) == 1 and f"ont été déplacés vers {out / 'beta.previous'}" in failed[0], res.stderr


def test_a_set_aside_folder_the_recipe_reads_is_never_replaced(tmp_path):
    """beta.previous/boundary.gpkg as the recipe's previous boundary (a reassessment): a later failure sets the
    earlier folder aside as beta.previous-2 and leaves beta.previous, an input of the run, as it is."""
    k = kit(tmp_path)
    out = k["out"]
    beta = k["recipes"][1]
    args = ("batch", beta, "-o", out, "--workers", "0", "--no-maps", "--no-atlas", "--overwrite")
    assert run(*args).exit_code == 0
    k["layer"].write_bytes(b"broken\n" * 100)
    assert run(*args).exit_code == 2
    assert (out / "beta.previous" / "boundary.gpkg").is_file()
    previous = {p.name: p.read_bytes() for p in (out / "beta.previous").iterdir()}
    beta.write_text(beta.read_text(encoding="utf-8") + '\n[scale]\nprevious = "out/beta.previous/boundary.gpkg"\n', encoding="utf-8")
    k["layer"].write_bytes(k["good"])
    res = run(*args)
    assert res.exit_code == 0, res.output
    k["layer"].write_bytes(b"broken again\n" * 100)
    res = run(*args)
    assert res.exit_code == 2, res.output
    assert {p.name: p.read_bytes() for p in (out / "beta.previous").iterdir()} == previous
    assert (out / "beta.previous-2" / "profile.json").is_file() and not (out / "beta").exists()
