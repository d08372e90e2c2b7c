"""Batch profiling: serial, local worker processes and a Dask scheduler in its own process give the same bytes.

Layers are written to tmp_path; areas are checked against pyproj.Geod. The Dask
tests are marked ``slow`` (a cluster takes a few seconds to start).
"""

from __future__ import annotations

import csv
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from click.testing import CliRunner
from pyproj import Geod

from landgeo.app.batch import SUMMARY_FIELDS, plan_batch, read_vector_once, run_batch
from landgeo.app.pipeline import build_profile
from landgeo.app.units_recipes import units_recipes
from landgeo.cli.main import main
from landgeo.errors import FieldError, OutputExistsError, RecipeError, UsageError
from landgeo.io.atomic import dumps_json
from landgeo.io.vector import read_vector
from landgeo.recipe.parse import read_recipe

from .conftest import shared_data

REPO = Path(__file__).resolve().parents[1]
DEMO = [REPO / "boundaries" / "demo-districts.toml", REPO / "boundaries" / "demo-drawn.toml"]  # admin and file methods
ATTACH = REPO / "boundaries" / "demo-districts.toml"  # its [attach.*] tables point at layers/demo
GEOD = Geod(ellps="WGS84")
NX, NY = 6, 5  # a 6 × 5 grid: 30 units
CELL = 0.15  # degrees (≈ 27,700 ha at 5° N)

BROKEN_RECIPE = """
[landscape]
name = "Broken layer"

[boundary]
method = "file"
path = "broken.gpkg"
"""

UNIT_RECIPE = """
[landscape]
name = "{name}"
slug = "{slug}"
country = ["XDL"]
language = "en"

[boundary]
method = "admin"
path = "{units}"
field = "unit"
values = ["{name}"]
"""


def write_units(path: Path, *, nx: int = NX, ny: int = NY) -> Path:
    """``nx`` × ``ny`` square units inside the demo kit's extent, row by row, named "Unité 01", "Unité 02", …"""
    geoms = [shapely.box(-19.95 + i * CELL, 5.05 + j * CELL, -19.95 + (i + 1) * CELL, 5.05 + (j + 1) * CELL)
             for j in range(ny) for i in range(nx)]
    names = [f"Unité {k + 1:02d}" for k in range(len(geoms))]
    gpd.GeoDataFrame({"unit": names, "code": range(len(geoms))}, geometry=geoms, crs=4326).to_file(path, layer="units")
    return path


def geod_ha(geom) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e4


def profiles(root: Path) -> dict[str, bytes]:
    return {p.parent.name: p.read_bytes() for p in sorted(root.glob("*/profile.json"))}


def summary(root: Path) -> list[dict]:
    with open(root / "summary.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    """Units layer, a recipe with a broken layer, and the serial run of demo + broken + units."""
    root = tmp_path_factory.mktemp("batch")
    units = write_units(root / "units.gpkg")
    (root / "broken.gpkg").write_bytes(b"this is not a GeoPackage\n" * 50)
    broken = root / "broken.toml"
    broken.write_text(BROKEN_RECIPE, encoding="utf-8")
    recipes = [*DEMO, broken]
    tasks, failed = plan_batch(recipes, units=units, field="unit", attach=ATTACH)
    serial = run_batch(tasks, root / "serial", workers=0, failed=failed, maps=False, atlas=False)
    return {"root": root, "units": units, "recipes": recipes, "serial": serial, "out": root / "serial"}


# --- units as recipes -----------------------------------------------------------------------

def test_units_recipes_take_the_shared_settings(tmp_path):
    units = write_units(tmp_path / "u.gpkg", nx=2, ny=2)
    made = units_recipes(units, field="unit", attach=ATTACH)
    assert [u.name for u in made] == ["Unité 01", "Unité 02", "Unité 03", "Unité 04"]
    assert [u.slug for u in made] == ["unite-01", "unite-02", "unite-03", "unite-04"]
    r = made[2].recipe()
    assert r.method == "admin" and list(r.boundary["values"]) == ["Unité 03"] and r.boundary["path"] == units.resolve()
    assert set(r.attach) == {"admin_units", "ecosystems", "landcover", "population", "sites", "rivers"}
    # paths of the attach recipe stay relative to it
    assert r.attach["rivers"]["path"] == (REPO / "layers" / "demo" / "rivers.gpkg").resolve()
    # template answers and the name of the attach recipe belong to its own landscape
    assert r.name == "Unité 03" and not r.profile and not r.scorecards


def test_units_recipes_shared_names_and_bad_field(tmp_path, caplog):
    geoms = [shapely.box(i * 0.1, 0, (i + 1) * 0.1, 0.1) for i in range(4)]
    path = tmp_path / "u.gpkg"
    gpd.GeoDataFrame({"name": ["A", "a", "B", None]}, geometry=geoms, crs=4326).to_file(path)
    with caplog.at_level(logging.WARNING, logger="landgeo"):
        made = units_recipes(path, field="name")
    assert [u.name for u in made] == ["A", "B"]  # "a" is the same unit name as "A" and touches it: one landscape of both
    assert "no name value" in caplog.text and "shared by several units" in caplog.text
    with pytest.raises(FieldError, match=r"no field 'nme' \(--field\); did you mean 'name'\? the fields are: name"):
        units_recipes(path, field="nme")


def test_attach_recipe_errors_name_the_file(tmp_path):
    units = write_units(tmp_path / "u.gpkg", nx=1, ny=1)
    bad = tmp_path / "attach.toml"
    bad.write_text('[attach.population]\npath = "nowhere.tif"\n', encoding="utf-8")
    with pytest.raises(RecipeError, match="attach.toml.*nowhere.tif"):
        units_recipes(units, field="unit", attach=bad)


def test_plan_batch_usage_errors(tmp_path):
    with pytest.raises(UsageError, match="--field"):
        plan_batch([], units=tmp_path / "u.gpkg")
    with pytest.raises(UsageError, match="--units"):
        plan_batch(DEMO, field="unit")
    with pytest.raises(UsageError, match="recipe files"):
        plan_batch([])


# --- the serial run ---------------------------------------------------------------------------

@pytest.mark.slow
def test_serial_batch_records_the_broken_layer_and_goes_on(kit):
    rows = summary(kit["out"])
    assert list(rows[0]) == list(SUMMARY_FIELDS)
    assert len(rows) == 2 + 1 + NX * NY
    broken = [r for r in rows if r["status"] == "failed"]
    assert [r["slug"] for r in broken] == ["broken-layer"]
    assert "broken.gpkg" in broken[0]["error"]
    assert all(r["status"] == "ok" for r in rows if r["slug"] != "broken-layer")
    assert len(profiles(kit["out"])) == 2 + NX * NY


@pytest.mark.slow
def test_summary_matches_geodesic_areas_and_profiles(kit):
    rows = {r["slug"]: r for r in summary(kit["out"])}
    units = gpd.read_file(kit["units"])
    for name, geom in zip(units["unit"], units.geometry):
        row = rows[name.lower().replace("é", "e").replace(" ", "-")]
        assert float(row["area_ha"]) == pytest.approx(geod_ha(geom), abs=0.01)
        assert row["verdict"] == "within"  # ≈ 27,700 ha, inside 10,000–1,000,000
    for slug, row in rows.items():
        if row["status"] != "ok":
            continue
        p = json.loads((kit["out"] / slug / "profile.json").read_text(encoding="utf-8"))
        assert float(row["area_ha"]) == p["area_ha"]
        assert row["population"] == ("" if p["population"] is None else str(p["population"]["total"]))
        assert row["sites"] == ("" if p["sites"] is None else str(p["sites"]["count"]))


@pytest.mark.slow
def test_batch_equals_the_one_recipe_path_byte_for_byte(kit, tmp_path):
    """The batch (layers read once per process) gives the bytes of build_profile on a recipe file."""
    demo_layers = (REPO / "layers" / "demo").as_posix()
    attach = ATTACH.read_text(encoding="utf-8").split("[attach.admin_units]", 1)[1].split("[profile]", 1)[0]
    # the attach recipe's dated layers go to every unit too ([[monitor.boundary]] stays with its landscape)
    text = ATTACH.read_text(encoding="utf-8")
    if "[[monitor.landcover]]" in text:
        attach += "\n[[monitor.landcover]]" + text.split("[[monitor.landcover]]", 1)[1].split("[[scorecards]]", 1)[0]
    attach = attach.replace('"../layers/demo', f'"{demo_layers}')
    files = list(DEMO)
    for name in ("Unité 01", "Unité 17", "Unité 30"):
        slug = name.lower().replace("é", "e").replace(" ", "-")
        f = tmp_path / f"{slug}.toml"
        f.write_text(UNIT_RECIPE.format(name=name, slug=slug, units=kit["units"].as_posix())
                     + "\n[attach.admin_units]" + attach, encoding="utf-8")
        files.append(f)
    ref = profiles(kit["out"])
    for f in files:
        result = build_profile(read_recipe(f))
        assert dumps_json(result.profile).encode("utf-8") == ref[result.recipe.slug], f.name


def test_resume_skips_complete_landscapes(tmp_path):
    units = write_units(tmp_path / "u.gpkg", nx=2, ny=2)
    tasks, failed = plan_batch([], units=units, field="unit")
    out = tmp_path / "out"
    first = run_batch(tasks, out, workers=0, maps=False, atlas=False)
    before = profiles(out)
    with pytest.raises(OutputExistsError, match="--resume"):
        run_batch(tasks, out, workers=0, maps=False, atlas=False)
    for f in (out / "unite-03").iterdir():
        f.unlink()
    (out / "unite-03").rmdir()
    again = run_batch(tasks, out, workers=0, resume=True, maps=False, atlas=False)
    assert [r.status for r in again.rows] == ["skipped", "skipped", "ok", "skipped"]
    assert [r.area_ha for r in again.rows] == [r.area_ha for r in first.rows]
    assert profiles(out) == before


def test_read_vector_once_reads_once_and_sees_changes(tmp_path):
    path = write_units(tmp_path / "u.gpkg", nx=2, ny=2)
    a = read_vector_once(path, layer="units")
    b = read_vector_once(path, layer="units")
    assert a is not b and a.equals(b) and len(a) == 4
    b.loc[0, "unit"] = "changed"  # a caller's change does not reach the cache
    assert read_vector_once(path, layer="units").loc[0, "unit"] == "Unité 01"
    from landgeo.app.batch_worker import _read_cached

    hits = _read_cached.cache_info().hits
    read_vector_once(path, layer="units")
    assert _read_cached.cache_info().hits == hits + 1
    time.sleep(0.01)
    write_units(tmp_path / "u.gpkg", nx=3, ny=3)  # rewritten: read again
    assert len(read_vector_once(path, layer="units")) == 9


def test_reused_layers_give_the_ordinary_boundary_and_errors(tmp_path):
    """delineate_reusing_layers (cached layer, name index) against the admin method reading the file."""
    from landgeo.app.batch import delineate_reusing_layers
    from landgeo.delineate import delineate
    from landgeo.errors import DelineationError
    from landgeo.recipe.parse import parse_recipe

    geoms = [shapely.box(i * 0.2, 0, (i + 1) * 0.2, 0.2) for i in range(5)]
    path = tmp_path / "u.gpkg"
    gpd.GeoDataFrame({"name": ["Kéniba", "Mandé", "KENIBA", "Lofaro", "Dabéla"]}, geometry=geoms, crs=4326).to_file(path)

    def recipe(values):
        return parse_recipe({"landscape": {"name": "t"}, "boundary": {"method": "admin", "path": str(path), "field": "name",
                                                                        "values": values, "buffer_m": 100}}, tmp_path / "r.toml")

    for values in (["Lofaro", "keniba"], ["Dabéla"], ["mande", "Lofaro", "Kéniba"]):
        a, b = delineate_reusing_layers(recipe(values)), delineate(recipe(values))
        assert a.geometry.equals_exact(b.geometry, 0) and a.definition == b.definition and a.details == b.details
        assert a.sources == b.sources
    with pytest.raises(DelineationError) as fresh:
        delineate(recipe(["Lofaro", "Mandee"]))
    with pytest.raises(DelineationError, match="closest: 'Mandé'") as reused:
        delineate_reusing_layers(recipe(["Lofaro", "Mandee"]))
    assert str(reused.value) == str(fresh.value)


def test_local_workers_need_no_dask_and_scheduler_without_it_is_exit_2(tmp_path):
    units = write_units(tmp_path / "u.gpkg", nx=2, ny=1)
    code = (
        "import sys, logging; sys.modules['distributed'] = None\n"
        "logging.basicConfig(level=logging.INFO)\n"
        "from landgeo.app.batch import plan_batch, run_batch\n"
        "from landgeo.errors import UsageError\n"
        "if __name__ == '__main__':\n"
        f"    t, f = plan_batch([], units={str(units)!r}, field='unit')\n"
        f"    r = run_batch(t, {str(tmp_path / 'out')!r}, workers=2, maps=False, atlas=False)\n"
        "    print([row.status for row in r.rows])\n"
        "    try:\n"
        f"        run_batch(t, {str(tmp_path / 'out2')!r}, scheduler='tcp://127.0.0.1:9', maps=False, atlas=False)\n"
        "    except UsageError as exc:\n"
        "        print('refused:', exc)\n"
    )
    script = tmp_path / "no_dask.py"
    script.write_text(code, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=600)  # a loaded CI machine
    assert proc.returncode == 0, proc.stderr
    assert "['ok', 'ok']" in proc.stdout
    assert "local worker processes: 2" in proc.stderr
    assert 'refused: --scheduler needs Dask, which is not installed; pip install "landgeo[dask]"' in proc.stdout


# --- local worker processes and Dask ------------------------------------------------------------

@pytest.mark.slow
def test_local_workers_equal_serial_byte_for_byte(kit, caplog):
    tasks, failed = plan_batch(kit["recipes"], units=kit["units"], field="unit", attach=ATTACH)
    out = kit["root"] / "local"
    with caplog.at_level(logging.INFO, logger="landgeo.app.batch"):
        result = run_batch(tasks, out, workers=2, failed=failed, maps=False, atlas=False)
    assert "local worker processes: 2" in caplog.text
    assert profiles(out) == profiles(kit["out"])
    assert summary(out) == summary(kit["out"])
    assert [r.slug for r in result.failed] == ["broken-layer"]


@pytest.fixture
def scheduler(tmp_path):
    """A `dask scheduler` and one `dask worker` on 127.0.0.1, each its own process."""
    file = tmp_path / "scheduler.json"
    cmd = [sys.executable, "-m", "dask"]
    procs = [subprocess.Popen([*cmd, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                               "--scheduler-file", str(file)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 60
        while not file.exists() or not file.read_text():
            assert time.monotonic() < deadline, "the dask scheduler did not start within 60 s"
            time.sleep(0.2)
        time.sleep(0.2)
        address = json.loads(file.read_text())["address"]
        procs.append(subprocess.Popen([*cmd, "worker", address, "--host", "127.0.0.1", "--nworkers", "1", "--nthreads", "1",
                                       "--no-nanny", "--no-dashboard", "--local-directory", str(tmp_path / "worker")],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from dask.distributed import Client

        with Client(address, timeout=30, set_as_default=False) as client:
            client.wait_for_workers(1, timeout=60)
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=10)


@pytest.mark.slow
def test_cli_on_a_scheduler_in_its_own_process(kit, scheduler, tmp_path):
    out = tmp_path / "remote"
    units = write_units(tmp_path / "units.gpkg", nx=2, ny=2)  # the file name is in the profile
    res = CliRunner().invoke(main, ["batch", *map(str, DEMO), "--units", str(units), "--field", "unit",
                                    "--attach", str(ATTACH), "-o", str(out), "--scheduler", scheduler, "--no-maps", "--no-atlas"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output + res.stderr
    assert "6 profiled, 0 already complete, 0 failed" in res.stdout
    got = profiles(out)
    ref = profiles(kit["out"])
    assert set(got) == {"demo-kora-hills", "demo-foret-de-sanwi", "unite-01", "unite-02", "unite-03", "unite-04"}
    for slug in ("demo-kora-hills", "demo-foret-de-sanwi"):
        assert got[slug] == ref[slug]
    # the 2 × 2 layer's first row is the first cells of the 6 × 5 one's: same squares, same bytes
    assert got["unite-01"] == ref["unite-01"] and got["unite-02"] == ref["unite-02"]
    # the one worker read each units layer once: admin.gpkg (demo-districts) and units.gpkg (4 units)
    from dask.distributed import Client

    from landgeo.app.batch_worker import _read_cached

    with Client(scheduler, timeout=30, set_as_default=False) as client:
        (info,) = client.run(_read_cached.cache_info).values()
    assert info.misses == 2 and info.hits >= 3  # 2 reads for 5 admin landscapes (the name index also hits)


def test_no_scheduler_answers(tmp_path):
    tasks, _ = plan_batch(DEMO[:1])
    with pytest.raises(UsageError, match="--scheduler tcp://127.0.0.1:9: no Dask scheduler answered within 2 s"):
        run_batch(tasks, tmp_path / "o", scheduler="tcp://127.0.0.1:9", connect_timeout=2, atlas=False)


@pytest.mark.slow
def test_cli_batch_writes_maps_and_atlas_and_lists_the_failure(tmp_path):
    from pypdf import PdfReader

    (tmp_path / "broken.gpkg").write_bytes(b"not a GeoPackage\n" * 50)
    (tmp_path / "broken.toml").write_text(BROKEN_RECIPE, encoding="utf-8")
    out = tmp_path / "atlas"
    res = CliRunner().invoke(main, ["batch", str(DEMO[1]), str(tmp_path / "broken.toml"), "-o", str(out), "--workers", "0"],
                             catch_exceptions=False)
    assert res.exit_code == 2, res.output + res.stderr
    assert "1 profiled, 0 already complete, 1 failed" in res.stdout
    assert "broken.toml: FAILED: " in res.stderr and "broken.gpkg" in res.stderr
    assert {"profile.json", "boundary.gpkg", "map.html", "sheet.pdf", "sheet.png"} <= {p.name for p in (out / "demo-foret-de-sanwi").iterdir()}
    pdf = PdfReader(out / "atlas.pdf")
    assert len(pdf.pages) == 1 + 1  # the contents page, then the one landscape that worked
    contents = pdf.pages[0].extract_text()
    assert "Broken layer" in contents or "broken-layer" in contents


@pytest.mark.realdata
def test_units_sharing_a_name_in_different_parents_or_apart_are_distinct(tmp_path):
    """Ghana's and Sierra Leone's "Northern"/"Western" are not one landscape; the title says the parent."""
    ne = shared_data("admin_naturalearth_10m", "ne10m_admin1_admin0.gpkg")
    where = "adm0_a3 IN ('GHA', 'SLE')"
    made = units_recipes(ne, layer="admin1", field="name", where=where)
    names = sorted(u.name for u in made)
    assert "Northern (GHA)" in names and "Northern (SLE)" in names and "Western (GHA)" in names and "Western (SLE)" in names
    assert len({u.slug for u in made}) == len(made) and "northern-gha" in {u.slug for u in made}
    frame = read_vector(ne, layer="admin1", where=where)
    assert len(made) == len(frame)  # every region is its own landscape
    by_name = {u.name: u.recipe() for u in made}
    r = by_name["Northern (SLE)"]
    assert list(r.countries) == ["SLE"]  # from the units' own country field (adm0_a3), not the attach recipe
    from landgeo.delineate import delineate

    b = delineate(r)
    ref = frame.loc[(frame["name"] == "Northern") & (frame["adm0_a3"] == "SLE")].geometry.iloc[0]
    assert b.area_ha == pytest.approx(geod_ha(shapely.orient_polygons(shapely.make_valid(ref))), rel=1e-6)
    # a key of two fields gives the same landscapes, titled by the other field
    keyed = units_recipes(ne, layer="admin1", field=["name", "adm0_a3"], where=where)
    assert sorted(u.name for u in keyed) == names


def test_same_name_units_that_do_not_touch_are_numbered_and_kept_apart(tmp_path):
    geoms = [shapely.box(0, 0, 0.1, 0.1), shapely.box(0.1, 0, 0.2, 0.1), shapely.box(1, 0, 1.1, 0.1)]
    path = tmp_path / "u.gpkg"
    gpd.GeoDataFrame({"name": ["Lac", "Lac", "Lac"]}, geometry=geoms, crs=4326).to_file(path)
    made = units_recipes(path, field="name")
    assert [u.name for u in made] == ["Lac 1", "Lac 2"] and [u.slug for u in made] == ["lac-1", "lac-2"]
    from landgeo.delineate import delineate

    a, b = (delineate(u.recipe()) for u in made)
    assert a.area_ha == pytest.approx(geod_ha(shapely.orient_polygons(shapely.union(geoms[0], geoms[1]))), rel=1e-6)
    assert b.area_ha == pytest.approx(geod_ha(shapely.orient_polygons(geoms[2])), rel=1e-6)


@pytest.mark.realdata
def test_cli_batch_units_where_and_key(tmp_path):
    ne = shared_data("admin_naturalearth_10m", "ne10m_admin1_admin0.gpkg")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["batch", "--units", str(ne), "--layer", "admin1", "--key", "name,adm0_a3",
                                    "--where", "adm0_a3 = 'SLE'", "-o", str(out), "--workers", "0", "--no-maps",
                                    "--no-atlas"])
    assert res.exit_code == 0, res.output
    rows = summary(out)
    assert len(rows) == 4 and all(r["status"] == "ok" for r in rows)


def test_countries_of_units_without_a_country_field_come_from_where_they_lie(tmp_path):
    """Two units named alike, one in Ghana and one in Sierra Leone, with no country field: distinct, located."""
    geoms = [shapely.box(-1.5, 6.5, -1.3, 6.7), shapely.box(-11.8, 8.4, -11.6, 8.6)]  # Ashanti (GHA), central SLE
    path = tmp_path / "u.gpkg"
    gpd.GeoDataFrame({"name": ["Central", "Central"]}, geometry=geoms, crs=4326).to_file(path)
    made = units_recipes(path, field="name", attach=ATTACH)
    assert sorted(u.name for u in made) == ["Central (GHA)", "Central (SLE)"]
    assert {u.name: list(u.recipe().countries) for u in made} == {"Central (GHA)": ["GHA"], "Central (SLE)": ["SLE"]}


class _KillsItsWorker:
    """A task whose unpickling ends the worker process at once, as a crash or the OOM killer would."""

    slug, source = "boom", "boom.toml"

    def __reduce__(self):
        return (os._exit, (3,))


def test_a_local_worker_that_dies_gives_failed_rows_and_the_batch_goes_on(tmp_path):
    from landgeo.app.batch_local import run_local

    seen = []
    rows = run_local([_KillsItsWorker()], str(tmp_path), {}, seen.append, workers=1)
    assert [(r.slug, r.status) for r in rows] == [("boom", "failed")] and seen == rows
    assert "worker failed: BrokenProcessPool" in rows[0].error


def test_a_dying_worker_fails_only_its_own_landscape(kit):
    """The pool is lost with everything unfinished when a worker dies; the rest run again and are written."""
    from landgeo.app.batch_local import run_local

    tasks, _ = plan_batch(kit["recipes"], units=kit["units"], field="unit", attach=ATTACH)
    good = [t for t in tasks if t.slug != "broken-layer"][:3]
    out = kit["root"] / "dying"
    rows = run_local([good[0], _KillsItsWorker(), *good[1:]], str(out), dict(maps=False), lambda row: None, workers=2)
    assert [(r.slug, r.status) for r in rows] == [(good[0].slug, "ok"), ("boom", "failed"),
                                                 *((t.slug, "ok") for t in good[1:])]
    assert "worker process died" in rows[1].error or "BrokenProcessPool" in rows[1].error
    for t in good:
        assert (out / t.slug / "profile.json").read_bytes() == (kit["out"] / t.slug / "profile.json").read_bytes()
