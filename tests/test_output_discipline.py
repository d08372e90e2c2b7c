"""Data loss and half-written output: every output is complete or absent, never silently replaced, never on an input.

kill -9 tests run the real command in a subprocess and SIGKILL it while it writes; concurrent tests start two
runs into one -o at the same moment.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from landgeo.errors import OutputError, OutputExistsError, UsageError
from landgeo.io.atomic import MARKER, TMP_MARKER, TMP_PREFIX, atomic_dir, atomic_file, clean_stale_temporaries, is_landgeo_output
from landgeo.io.vector import write_vector_file

from .cli_helpers import admin_recipe, run

REPO = Path(__file__).resolve().parents[1]
PROFILE_FILES = {"profile.json", "boundary.gpkg", "boundary.geojson", "map.html", "sheet.pdf", "sheet.png", MARKER}


def recipe(tmp_path: Path, name="Test Hills", slug="test-hills", file="r.toml", units="units.gpkg") -> Path:
    p = tmp_path / file
    p.write_text(admin_recipe(name, slug, units, values=["Bélavo", "Kora Nord"]), encoding="utf-8")
    return p


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".landgeo-tmp*")) if folder.exists() else []


def landgeo_cmd(*args) -> list[str]:
    return [sys.executable, "-c", "import sys; from landgeo.cli import main; sys.exit(main())", *map(str, args)]


def env():
    return {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def assert_complete_profile(folder: Path) -> None:
    assert PROFILE_FILES <= {p.name for p in folder.iterdir()}, sorted(p.name for p in folder.iterdir())
    assert json.loads((folder / "profile.json").read_text(encoding="utf-8"))["schema"] == "landgeo.profile/1"
    assert (folder / "sheet.pdf").read_bytes().rstrip().endswith(b"%%EOF")
    assert (folder / "map.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert is_landgeo_output(folder)


# --- the writers ---------------------------------------------------------------------------------

def test_atomic_file_never_replaces_what_appeared_meanwhile(tmp_path):
    target = tmp_path / "a.txt"
    with pytest.raises(OutputExistsError, match="appeared while this run was writing"):
        with atomic_file(target) as tmp:
            tmp.write_text("ours")
            target.write_text("theirs")  # another run finished first
    assert target.read_text() == "theirs"
    assert leftovers(tmp_path) == []


def test_atomic_dir_never_replaces_what_appeared_meanwhile(tmp_path):
    target = tmp_path / "slug"
    with pytest.raises(OutputExistsError, match="appeared while"):
        with atomic_dir(target) as tmp:
            (tmp / "x").write_text("ours")
            target.mkdir()  # even an empty folder (rename(2) would replace it silently)
    assert target.is_dir() and not any(target.iterdir())
    assert leftovers(tmp_path) == []


def test_failed_write_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError):
        with atomic_file(tmp_path / "sub" / "a.pdf", create_parents=True) as tmp:
            tmp.write_bytes(b"%PDF-half")
            raise RuntimeError("disk full")
    assert list(tmp_path.iterdir()) == []  # not even the folder it created
    with pytest.raises(RuntimeError):
        with atomic_dir(tmp_path / "new" / "slug") as tmp:
            (tmp / "profile.json").write_text("{")
            raise RuntimeError("killed")
    assert list(tmp_path.iterdir()) == []


def test_shapefile_sidecars_move_together(tmp_path):
    gdf = gpd.GeoDataFrame({"name": ["é"]}, geometry=[shapely.box(0, 0, 1, 1)], crs=4326)
    out = tmp_path / "x.shp"
    write_vector_file(gdf, out)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert {"x.shp", "x.shx", "x.dbf", "x.prj"} <= set(names) and not [n for n in names if n.startswith(".")], names
    assert gpd.read_file(out)["name"].tolist() == ["é"]
    (tmp_path / "x.qix").write_bytes(b"stale index of the old file")
    with pytest.raises(OutputExistsError):
        write_vector_file(gdf, out)
    write_vector_file(gdf, out, overwrite=True)
    assert not (tmp_path / "x.qix").exists()  # the old file's sidecar does not outlive it
    assert leftovers(tmp_path) == []


def test_overwrite_replaces_only_folders_landgeo_wrote(tmp_path):
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "thesis.docx").write_text("years of work")
    with pytest.raises(OutputError, match="not written by landgeo"):
        with atomic_dir(mine, overwrite=True) as tmp:
            (tmp / "x").write_text("x")
    assert (mine / "thesis.docx").read_text() == "years of work"
    ours = tmp_path / "ours"
    with atomic_dir(ours) as tmp:
        (tmp / "v").write_text("1")
    with atomic_dir(ours, overwrite=True) as tmp:
        (tmp / "v").write_text("2")
    assert (ours / "v").read_text() == "2" and is_landgeo_output(ours)
    assert leftovers(tmp_path) == []


def test_stale_temporaries_cleaned_only_when_ours_and_dead(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    host = "".join(c for c in socket.gethostname() if c.isalnum())[:16] or "host"
    stale = tmp_path / f"{TMP_PREFIX}{host}-{dead.pid}-abcd1234-slug"
    stale.mkdir()
    (stale / TMP_MARKER).write_text("{}")
    (stale / "profile.json").write_text("{half")
    live = tmp_path / f"{TMP_PREFIX}{host}-{os.getpid()}-abcd1234-slug"  # a run still writing
    live.mkdir()
    (live / TMP_MARKER).write_text("{}")
    unmarked = tmp_path / f"{TMP_PREFIX}{host}-{dead.pid}-abcd1234-other"  # named like ours, no marker
    unmarked.mkdir()
    (unmarked / "keep").write_text("x")
    foreign = tmp_path / ".tmp-something"
    foreign.mkdir()
    with atomic_file(tmp_path / "a.txt") as tmp:
        tmp.write_text("x")
    assert not stale.exists()
    assert live.exists() and unmarked.exists() and foreign.exists()
    assert clean_stale_temporaries(tmp_path) == []


# --- refused before anything is written ------------------------------------------------------------

def test_same_slug_twice_in_one_call_writes_nothing(tmp_path, units_gpkg):
    a = recipe(tmp_path, name="A", slug="same", file="a.toml")
    b = recipe(tmp_path, name="B", slug="same", file="b.toml")
    out = tmp_path / "out"
    r = run("profile", a, b, "-o", out)
    assert r.exit_code == 2 and "a.toml" in r.stderr and "b.toml" in r.stderr, r.output
    assert not out.exists()
    r = run("batch", a, b, "-o", out, "--workers", "0")
    assert r.exit_code == 2 and "same" in r.stderr, r.output
    assert not out.exists()


def test_existing_folder_refused_before_any_landscape_is_written(tmp_path, units_gpkg):
    recipes = [recipe(tmp_path, name=n, slug=n, file=f"{n}.toml") for n in ("one", "two", "three")]
    out = tmp_path / "out"
    (out / "three").mkdir(parents=True)
    r = run("profile", *recipes, "-o", out)
    assert r.exit_code == 2 and "three" in r.stderr, r.output
    assert sorted(p.name for p in out.iterdir()) == ["three"]


def test_output_on_top_of_an_input_is_refused(tmp_path):
    layers = tmp_path / "layers"
    layers.mkdir()
    units = layers / "units.gpkg"
    gdf = gpd.GeoDataFrame({"name": ["Bélavo", "Kora Nord"]}, geometry=[shapely.box(0, 0, 0.1, 0.1), shapely.box(0.1, 0, 0.2, 0.1)],
                           crs=4326)
    gdf.to_file(units, layer="districts")
    before = units.read_bytes()
    r = recipe(tmp_path, name="Layers", slug="layers", units="layers/units.gpkg")
    res = run("profile", r, "-o", tmp_path, "--overwrite")  # OUT/<slug> = the layers folder
    assert res.exit_code == 2 and "which this run reads" in res.stderr, res.output
    res = run("delineate", r, "-o", units, "--overwrite")  # its own input
    assert res.exit_code == 2 and "which this run reads" in res.stderr, res.output
    res = run("compare", r, "--units", units, "--field", "name", "-o", layers, "--overwrite")
    assert res.exit_code == 2, res.output
    assert units.read_bytes() == before and sorted(p.name for p in layers.iterdir()) == ["units.gpkg"]


def test_basins_suggest_bad_format_keeps_the_file(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes")
    basins = tmp_path / "b.gpkg"
    gpd.GeoDataFrame({"HYBAS_ID": [1], "NEXT_DOWN": [0], "SUB_AREA": [1.0], "UP_AREA": [1.0]},
                     geometry=[shapely.box(0, 0, 1, 1)], crs=4326).to_file(basins)
    r = run("basins", "suggest", basins, "--point", "0.5,0.5", "-o", notes, "--overwrite")
    assert r.exit_code == 2 and "format" in r.stderr, r.output
    assert notes.read_text() == "my notes"


@pytest.mark.parametrize("kind", ["missing", "file", "readonly"])
def test_unwritable_output_is_exit_2(tmp_path, units_gpkg, kind):
    r = recipe(tmp_path)
    if kind == "missing":
        out = tmp_path / "no" / "such" / "b.gpkg"
    elif kind == "file":
        (tmp_path / "afile").write_text("x")
        out = tmp_path / "afile" / "b.gpkg"
    else:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        if os.access(ro, os.W_OK):  # root: permission bits do not stop it, but nobody creates files in sysfs
            ro = Path("/sys")
            if not ro.is_dir():
                pytest.skip("running as root on a system without /sys: no folder root cannot write in")
        out = ro / "b.gpkg"
    res = run("delineate", r, "-o", out)
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output and len(res.stderr.strip().splitlines()) == 1
    res = run("profile", r, "-o", tmp_path / "afile" if kind == "file" else out.parent)
    if kind != "missing":
        assert res.exit_code == 2, res.output
    if kind == "readonly":  # several landscapes: one refusal before any work, not one error per landscape
        res = run("demo", "-o", out.parent / "demo")
        assert res.exit_code == 2 and len(res.stderr.strip().splitlines()) == 1, res.output
        assert not (out.parent / "demo").exists()


def test_read_only_folder_for_root_too(tmp_path, units_gpkg):
    """Even root cannot write on a file: -o under a file is exit 2 with one line."""
    (tmp_path / "afile").write_text("x")
    res = run("profile", recipe(tmp_path), "-o", tmp_path / "afile")
    assert res.exit_code == 2 and "is a file" in res.stderr, res.output
    assert (tmp_path / "afile").read_text() == "x"


def test_resume_never_deletes_what_it_did_not_write(tmp_path, units_gpkg):
    r = recipe(tmp_path)
    out = tmp_path / "out"
    theirs = out / "test-hills"
    theirs.mkdir(parents=True)
    (theirs / "field-notes.txt").write_text("mine")
    res = run("batch", r, "-o", out, "--workers", "0", "--resume", "--no-maps", "--no-atlas")
    assert res.exit_code == 2 and "not written by landgeo" in res.output + res.stderr
    assert sorted(p.name for p in theirs.iterdir()) == ["field-notes.txt"]


def test_second_batch_does_not_replace_summary_or_atlas(tmp_path, units_gpkg):
    out = tmp_path / "out"
    res = run("batch", recipe(tmp_path), "-o", out, "--workers", "0", "--no-maps")
    assert res.exit_code == 0, res.output
    summary, atlas = (out / "summary.csv").read_bytes(), (out / "atlas.pdf").read_bytes()
    other = recipe(tmp_path, name="Other", slug="other", file="o.toml")
    res = run("batch", other, "-o", out, "--workers", "0", "--no-maps")
    assert res.exit_code == 2 and "summary.csv" in res.stderr, res.output
    assert (out / "summary.csv").read_bytes() == summary and (out / "atlas.pdf").read_bytes() == atlas
    assert not (out / "other").exists()


def test_demo_into_an_existing_folder_refuses_before_writing(tmp_path):
    from landgeo.app.demo import demo_recipes
    from landgeo.recipe import read_recipe

    last = read_recipe(demo_recipes()[-1]).slug  # the last one written: the others would come first
    out = tmp_path / "demo"
    (out / last).mkdir(parents=True)
    res = run("demo", "-o", out)
    assert res.exit_code == 2 and last in res.stderr, res.output
    assert sorted(p.name for p in out.iterdir()) == [last]


def test_unreachable_or_garbage_scheduler_leaves_nothing(tmp_path, units_gpkg):
    from landgeo.app.batch import plan_batch, run_batch

    r = recipe(tmp_path)
    tasks, _ = plan_batch([r])
    out = tmp_path / "out"
    with pytest.raises(UsageError, match="no Dask scheduler answered"):
        run_batch(tasks, out, scheduler="tcp://127.0.0.1:9", connect_timeout=2, atlas=False)
    assert not out.exists()
    for garbage in ("tcp://999.1.1.1:99999999", "not an address", "tcp://host:0", "gopher://h:1", "tcp://:8786",
                    "tcp://" + "a" * 300 + ":1"):
        start = time.monotonic()
        res = run("batch", r, "-o", out, "--scheduler", garbage)
        assert res.exit_code == 2 and "--scheduler" in res.stderr, (garbage, res.output)
        assert time.monotonic() - start < 10
        assert not out.exists()


# --- kill -9 and concurrent runs ----------------------------------------------------------------------

def _wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.005)
    return False


@pytest.mark.slow
@pytest.mark.parametrize("when", ["first-temporary", "late"])
def test_kill_9_mid_profile_leaves_no_half_written_folder(tmp_path, units_gpkg, when):
    r = recipe(tmp_path)
    out = tmp_path / "out"
    proc = subprocess.Popen(landgeo_cmd("profile", r, "-o", out), env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        def writing():
            return out.exists() and any(p.name.startswith(TMP_PREFIX) and any(p.iterdir()) for p in out.iterdir()
                                        if p.is_dir())
        def late():
            return writing() and any((p / "map.html").exists() for p in out.iterdir() if p.name.startswith(TMP_PREFIX))
        seen = _wait_for(writing if when == "first-temporary" else late, 120)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(30)
    assert seen, "the run ended before it was caught writing"
    assert not (out / "test-hills").exists()  # absent, not half written
    assert leftovers(out)  # the killed run's temporary is there …
    res = run("profile", r, "-o", out)  # … and the next run removes it
    assert res.exit_code == 0, res.output
    assert_complete_profile(out / "test-hills")
    assert leftovers(out) == [] and sorted(p.name for p in out.iterdir()) == ["test-hills"]


@pytest.mark.slow
def test_kill_9_while_writing_the_atlas_leaves_no_atlas(tmp_path, units_gpkg):
    rs = [recipe(tmp_path, name=n, slug=n, file=f"{n}.toml") for n in ("one", "two")]
    out = tmp_path / "out"
    proc = subprocess.Popen(landgeo_cmd("profile", *rs, "-o", out), env=env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        seen = _wait_for(lambda: out.exists() and any(p.name.startswith(TMP_PREFIX) and p.name.endswith("atlas.pdf")
                                                       for p in out.iterdir()), 180)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(30)
    assert seen
    assert not (out / "atlas.pdf").exists()
    for slug in ("one", "two"):
        assert_complete_profile(out / slug)


@pytest.mark.slow
def test_concurrent_runs_into_one_output_one_wins_nothing_replaced(tmp_path, units_gpkg):
    r = recipe(tmp_path)
    out = tmp_path / "out"
    procs = [subprocess.Popen(landgeo_cmd("profile", r, "-o", out, "--lang", lang), env=env(), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for lang in ("en", "fr")]
    results = [(p.wait(300), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    loser = next(err for code, err in results if code == 2)
    # the loser speaks its own --lang: "already exists" / "appeared while…" in English, "existe déjà" / "est apparu" in French
    assert any(m in loser for m in ("already exists", "appeared while", "existe déjà", "est apparu pendant")), loser
    assert "Traceback" not in loser
    winner_lang = ("en", "fr")[[code for code, _ in results].index(0)]
    assert_complete_profile(out / "test-hills")
    assert json.loads((out / "test-hills" / "profile.json").read_text(encoding="utf-8"))["language"] == winner_lang
    assert leftovers(out) == []


def _server(reply: bytes | None):
    """A TCP server on 127.0.0.1 that is not Dask: it sends ``reply`` (or nothing) to each connection."""
    import socket
    import threading

    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    srv.settimeout(30)

    def serve():
        while True:
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            if reply:
                conn.sendall(reply)
            threading.Timer(15, conn.close).start()

    threading.Thread(target=serve, daemon=True).start()
    return srv


@pytest.mark.parametrize("reply", [b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html>" + b"x" * 100,
                                   b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", b"\xff" * 8 + b"\x00" * 8, None])
def test_a_server_that_is_not_dask_is_refused_quickly_without_allocating(tmp_path, units_gpkg, reply):
    import resource

    from landgeo.app.batch import plan_batch, run_batch

    srv = _server(reply)
    try:
        r = recipe(tmp_path)
        out = tmp_path / "out"
        address = f"tcp://127.0.0.1:{srv.getsockname()[1]}"
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.monotonic()
        tasks, _ = plan_batch([r])
        with pytest.raises(UsageError) as err:
            run_batch(tasks, out, scheduler=address, connect_timeout=3, atlas=False)
        took = time.monotonic() - start
        assert address in str(err.value)
        assert ("not as a Dask scheduler" if reply else "no Dask scheduler answered within 3 s") in str(err.value)
        assert took < 10, took
        # kilobytes: the peak grows by less than 200 MB (distributed trusting a garbage length asks for exabytes)
        assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000
        if reply:  # the command line: exit 2, one message, no traceback
            res = run("batch", r, "-o", out, "--scheduler", address)
            assert res.exit_code == 2 and "not as a Dask scheduler" in res.stderr and "Traceback" not in res.output, res.output
        assert not out.exists()
    finally:
        srv.close()


# --- no output on top of an input, whatever the command (the reads of a run: landgeo.io.reads) -------------

MONITOR_RECIPE = """[landscape]
name = "Watched"
[boundary]
method = "file"
path = "drawn.geojson"
[[monitor.sites]]
path = "sites.csv"
date = "2020"
[[monitor.sites]]
path = "sites.csv"
date = "2024"
"""


def _watched(tmp_path):
    gpd.GeoDataFrame(geometry=[shapely.box(30.0, 1.0, 30.5, 1.5)], crs=4326).to_file(tmp_path / "drawn.geojson")
    (tmp_path / "sites.csv").write_text("site,lon,lat\na,30.1,1.1\nb,30.2,1.2\n", encoding="utf-8")
    (tmp_path / "w.toml").write_text(MONITOR_RECIPE, encoding="utf-8")
    return {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}


@pytest.mark.parametrize("target", ["w.toml", "drawn.geojson", "sites.csv"])
def test_monitor_never_writes_on_its_inputs(tmp_path, target):
    before = _watched(tmp_path)
    res = run("monitor", tmp_path / "w.toml", "-o", tmp_path / target, "--overwrite")
    assert res.exit_code == 2 and len(res.stderr.strip().splitlines()) == 1, res.output
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before
    res = run("monitor", tmp_path / "w.toml", "-o", tmp_path / "indicators.csv")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "indicators.csv").read_text(encoding="utf-8").startswith(("slug", "\ufeffslug", "landscape"))


def test_an_input_read_late_is_never_replaced_by_an_output(tmp_path):
    """`sheet RECIPE -o photo.png --overwrite`, where the recipe shows that photo: the photo stays as it was."""
    gpd.GeoDataFrame(geometry=[shapely.box(30.0, 1.0, 30.5, 1.5)], crs=4326).to_file(tmp_path / "drawn.geojson")
    photo = tmp_path / "photo.png"
    photo.write_bytes(Path(__file__).resolve().parents[1].joinpath("docs", "demo-sheet.png").read_bytes())
    before = photo.read_bytes()
    (tmp_path / "ph.toml").write_text('[landscape]\nname = "x"\n[boundary]\nmethod = "file"\npath = "drawn.geojson"\n'
                                      '[profile]\nphotos = ["photo.png"]\n', encoding="utf-8")
    res = run("sheet", tmp_path / "ph.toml", "-o", photo, "--overwrite")
    assert res.exit_code == 2 and "which this run reads" in res.stderr, res.output
    assert photo.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["drawn.geojson", "ph.toml", "photo.png"]


def test_symbolic_link_loops_are_exit_2_everywhere(tmp_path):
    gpd.GeoDataFrame(geometry=[shapely.box(30.0, 1.0, 30.5, 1.5)], crs=4326).to_file(tmp_path / "drawn.geojson")
    for a, b in (("loop1", "loop2"), ("loopa.kml", "loopb.kml"), ("dl1", "dl2")):
        (tmp_path / a).symlink_to(tmp_path / b)
        (tmp_path / b).symlink_to(tmp_path / a)
    write = lambda name, body: (tmp_path / name).write_text(body, encoding="utf-8") or tmp_path / name  # noqa: E731
    head = '[landscape]\nname = "x"\n[boundary]\nmethod = "file"\npath = '
    loop_boundary = write("a.toml", head + '"loop1"\n')
    ok = write("ok.toml", head + '"drawn.geojson"\n')
    loop_layer = write("att.toml", head + '"drawn.geojson"\n[attach.rivers]\npath = "loop1"\nname_field = "name"\n')
    for args in (["delineate", loop_boundary, "-o", tmp_path / "o.geojson"], ["profile", loop_layer, "-o", tmp_path / "out"],
                 ["delineate", ok, "-o", tmp_path / "loopa.kml", "--overwrite"], ["profile", ok, "-o", tmp_path / "dl1"],
                 ["basins", "build", tmp_path / "loop1", "-o", tmp_path / "bb.gpkg", "--min-unit-ha", "100"], ["export", "terraso", tmp_path / "loop1",
                                                                                       "-o", tmp_path / "tt"],
                 ["check", tmp_path / "loop1"], ["compare", tmp_path / "drawn.geojson", tmp_path / "loopa.kml"]):
        res = run(*args)
        assert res.exit_code == 2, (args, res.output)
        assert "Traceback" not in res.output and len(res.stderr.strip().splitlines()) == 1, (args, res.output)
