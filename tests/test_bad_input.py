"""Accepted bad input and internal errors: every wrong input is exit 2 with one line naming the file, key and fix.

Recipe numbers (finite, in range), dates, empty selections, slugs, deep nesting, FIFOs, coordinates that cannot be
degrees, NaN on the command line, --json validity, BOMs in attributes, a tampered profile.json, a DEM too big for
memory, -v/-vv/-q on every command.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from click.testing import CliRunner
from pyproj import Geod, Transformer

from landgeo.cli import main
from landgeo.errors import CRSError, RecipeError
from landgeo.recipe import read_recipe
from landgeo.render.text import drawable

REPO = Path(__file__).resolve().parents[1]
GEOD = Geod(ellps="WGS84")

RECIPE = """
[landscape]
name = "{name}"
{landscape}
[boundary]
method = "admin"
path = "units.gpkg"
layer = "districts"
field = "name"
values = ["Bélavo", "Kora Nord"]
{boundary}
{rest}
"""


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def write_recipe(tmp_path: Path, *, name="Test Hills", landscape="", boundary="", rest="", file="r.toml") -> Path:
    p = tmp_path / file
    p.write_text(RECIPE.format(name=name, landscape=landscape, boundary=boundary, rest=rest), encoding="utf-8")
    return p


def assert_one_line_exit_2(result, *needles):
    assert result.exit_code == 2, result.output
    err = result.stderr.strip()
    assert "Traceback" not in result.output + result.stderr, err
    assert len(err.splitlines()) == 1, err
    for n in needles:
        assert n in err, err


# --- recipe numbers, dates, selections, slugs ----------------------------------------------------

@pytest.mark.parametrize("section, line, key", [
    ("boundary", "buffer_m = nan", "buffer_m"),
    ("boundary", "buffer_m = inf", "buffer_m"),
    ("boundary", "buffer_m = 4e7", "buffer_m"),  # larger than the Earth
    ("boundary", "simplify_m = inf", "simplify_m"),
    ("boundary", "simplify_m = -5", "simplify_m"),
    ("boundary", "fill_holes_below_ha = nan", "fill_holes_below_ha"),
    ("scale", "max_ha = inf", "max_ha"),
    ("scale", "min_ha = nan", "min_ha"),
    ("scale", "min_ha = -1", "min_ha"),
    ("scale", "sliver_ha = -inf", "sliver_ha"),
    ("boundary", "values = []", "values"),
    ("boundary", 'values = ["", "Bélavo"]', "values"),
    ("scorecards", 'date = "2024-02-30"', "date"),
    ("scorecards", 'date = "2024-13-01"', "date"),
    ("scorecards", 'date = "yesterday"', "date"),
])
def test_recipe_numbers_dates_and_selections_checked(tmp_path, units_gpkg, section, line, key):
    if section == "boundary":
        r = write_recipe(tmp_path, boundary=line.replace("values = [\"Bélavo\", \"Kora Nord\"]", ""))
        text = r.read_text(encoding="utf-8")
        if line.startswith("values"):
            text = text.replace('values = ["Bélavo", "Kora Nord"]\n', "")
        r.write_text(text, encoding="utf-8")
    elif section == "scale":
        r = write_recipe(tmp_path, rest=f"[scale]\n{line}\n")
    else:
        r = write_recipe(tmp_path, rest=f"[[scorecards]]\n{line}\n[scorecards.scores]\nC1 = 3\n")
    with pytest.raises(RecipeError, match=key) as err:
        read_recipe(r)
    assert str(r) in str(err.value)
    assert_one_line_exit_2(run("profile", r, "-o", tmp_path / "out"), key, str(r.name))
    assert not (tmp_path / "out").exists()


def test_good_dates_and_ranges_still_accepted(tmp_path, units_gpkg):
    r = write_recipe(tmp_path, boundary="buffer_m = -500\nsimplify_m = 50", rest=(
        "[[scorecards]]\ndate = \"2024-02-29\"\n[scorecards.scores]\nC1 = 3\n"
        "[[scorecards]]\ndate = 2023-12-31\n[scorecards.scores]\nC1 = 4\n"))
    recipe = read_recipe(r)
    assert recipe.boundary["buffer_m"] == -500 and [c["date"] for c in recipe.scorecards] == ["2024-02-29", "2023-12-31"]


def test_slug_longer_than_a_file_name_is_refused(tmp_path, units_gpkg):
    r = write_recipe(tmp_path, name="Très " * 80)
    assert_one_line_exit_2(run("profile", r, "-o", tmp_path / "out"), "slug", "characters")
    r = write_recipe(tmp_path, landscape='slug = "' + "a" * 300 + '"')
    assert_one_line_exit_2(run("profile", r, "-o", tmp_path / "out"), "slug")


def test_deep_nesting_is_a_recipe_error(tmp_path):
    r = tmp_path / "deep.toml"
    r.write_text("x = " + "[" * 20000 + "]" * 20000 + "\n", encoding="utf-8")
    assert_one_line_exit_2(run("profile", r), "deep.toml")
    r.write_text("[landscape]\nname = \"x\"\n[boundary]\nmethod = \"admin\"\nwhere = \"" + "(" * 5000 + "a = 1"
                 + ")" * 5000 + "\"\npath = \"deep.toml\"\n", encoding="utf-8")
    res = run("profile", r, "-o", tmp_path / "o")
    assert res.exit_code == 2 and "Traceback" not in res.output


def test_fifo_as_layer_or_recipe_is_refused_without_opening(tmp_path, units_gpkg):
    fifo = tmp_path / "layer.gpkg"
    os.mkfifo(fifo)
    r = write_recipe(tmp_path)
    r.write_text(r.read_text(encoding="utf-8").replace('"units.gpkg"', '"layer.gpkg"'), encoding="utf-8")
    code = "import sys; from landgeo.cli import main; sys.exit(main())"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for args in (["profile", str(r), "-o", str(tmp_path / "o")], ["check", str(fifo)], ["sheet", str(fifo)]):
        proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120, env=env)
        assert proc.returncode == 2, (args, proc.stderr)
        assert "layer.gpkg" in proc.stderr and "Traceback" not in proc.stderr


# --- coordinates ----------------------------------------------------------------------------------

def utm_box_labelled_4326(path: Path) -> shapely.Polygon:
    """A 20 km UTM 30N box (Ghana) written as if it were EPSG:4326 — the classic mislabel."""
    box = shapely.box(600_000, 600_000, 620_000, 620_000)
    gpd.GeoDataFrame({"name": ["x"]}, geometry=[box], crs=4326).to_file(path)
    return box


def test_metres_under_a_degrees_crs_refused_naming_the_fix(tmp_path):
    path = tmp_path / "utm.gpkg"
    box = utm_box_labelled_4326(path)
    res = run("check", path)
    assert_one_line_exit_2(res, "utm.gpkg", "UTM", 'crs = "EPSG:', "--crs")
    res = run("check", path, "--crs", "EPSG:32630", "--json")
    assert res.exit_code == 0, res.output
    got = json.loads(res.stdout)["area_ha"]
    tr = Transformer.from_crs(32630, 4326, always_xy=True)
    ring = np.asarray(shapely.segmentize(box, 100).exterior.coords)
    lon, lat = tr.transform(ring[:, 0], ring[:, 1])
    expected = abs(GEOD.polygon_area_perimeter(lon, lat)[0]) / 1e4
    assert got == pytest.approx(expected, rel=1e-3) and got == pytest.approx(40_000, rel=0.01)


def test_longitude_400_refused_and_csv_metres_named(tmp_path):
    path = tmp_path / "far.geojson"
    gpd.GeoDataFrame(geometry=[shapely.box(400, 10, 401, 11)], crs=4326).to_file(path)
    with pytest.raises(CRSError, match=r"far\.geojson.*beyond ±180"):
        from landgeo.io.vector import read_vector

        read_vector(path)
    csv = tmp_path / "sites.csv"
    csv.write_text("name,x,y\na,612000,650000\nb,613000,651000\n", encoding="utf-8")
    res = run("check", csv)
    assert res.exit_code == 2 and "sites.csv" in res.stderr and "UTM" in res.stderr, res.output


def test_nan_on_the_command_line_and_json_always_valid(tmp_path, units_gpkg):
    geo = tmp_path / "b.geojson"
    gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 0.2, 0.1)], crs=4326).to_file(geo)
    for bad in ("nan", "inf", "-5"):
        res = run("check", geo, "--min-ha", bad)
        assert res.exit_code == 2 and "min-ha" in res.output + res.stderr, res.output
    res = run("check", geo, "--json")
    assert res.exit_code == 0
    data = json.loads(res.stdout, parse_constant=lambda c: pytest.fail(f"{c} in --json output"))
    assert math.isfinite(data["area_ha"]) and data["area_ha"] > 0


def test_nan_coordinates_never_reach_an_output(tmp_path):
    path = tmp_path / "nan.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"n": 1}, "geometry": {"type": "Polygon", "coordinates": [
            [[0, 0], [0.2, 0], [0.2, 0.1], [0, 0.1], [0, 0]]]}},
        {"type": "Feature", "properties": {"n": 2}, "geometry": {"type": "Point", "coordinates": [float("nan"), 1]}},
    ]}, allow_nan=True), encoding="utf-8")
    res = run("check", path, "--json")
    assert res.exit_code == 0, res.output
    assert "NaN" not in res.stdout
    assert json.loads(res.stdout)["area_ha"] == pytest.approx(abs(GEOD.geometry_area_perimeter(shapely.box(0, 0, 0.2, 0.1))[0]) / 1e4,
                                                            rel=1e-6)


# --- text the PDF backend cannot draw; tampered profiles --------------------------------------------

def test_bom_and_format_characters_in_attributes_render(tmp_path):
    names = ["\ufeffBélavo", "Kora\u202e Nord\u200b", "Kora Sud\x07", "Mandé\u2066"]
    geoms = [shapely.box(x, y, x + 0.1, y + 0.1) for y in (0.0, 0.1) for x in (0.0, 0.1)]
    gpd.GeoDataFrame({"name": names}, geometry=geoms, crs=4326).to_file(tmp_path / "units.gpkg", layer="districts")
    r = write_recipe(tmp_path, name="\ufeffHills\u200e")
    r.write_text(r.read_text(encoding="utf-8").replace('values = ["Bélavo", "Kora Nord"]',
                                                      'values = ["\ufeffBélavo", "Kora\u202e Nord\u200b"]')
                 + '\n[attach.admin_units]\npath = "units.gpkg"\nlayer = "districts"\nname_field = "name"\n', encoding="utf-8")
    res = run("profile", r, "-o", tmp_path / "out")
    assert res.exit_code == 0, res.output
    folder = next((tmp_path / "out").iterdir())
    assert (folder / "sheet.pdf").read_bytes().rstrip().endswith(b"%%EOF")
    prof = json.loads((folder / "profile.json").read_text(encoding="utf-8"))
    assert prof["name"] == "\ufeffHills\u200e"  # the data keeps the text as given; only the drawing is cleaned


def test_tick_labels_from_layer_texts_are_cleaned_in_the_pdf(tmp_path):
    """Class names reach charts as fixed tick labels, which matplotlib rewrites from the formatter when drawing."""
    from matplotlib.figure import Figure
    from pypdf import PdfReader

    from landgeo.render.page import save_pages
    from landgeo.render.text import scrub_figure

    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot()
    ax.barh([0, 1], [3, 4])
    ax.set_yticks([0, 1])
    ax.set_yticklabels(["\ufeffSavane\u202e", "Forêt\x07"])
    ax.set_title("\u2066Titre")
    scrub_figure(fig)
    save_pages([fig], pdf=tmp_path / "c.pdf", pngs=[tmp_path / "c.png"])  # a BOM left in would raise in the PDF backend
    text = PdfReader(tmp_path / "c.pdf").pages[0].extract_text()
    assert "Savane" in text and "Forêt" in text and "Titre" in text
    assert "\ufeff" not in text and "\u202e" not in text and "\u2066" not in text


def test_drawable_removes_format_and_control_characters():
    assert drawable("\ufeffA\u202eB\u200bC\x00D\nE") == "ABC D\nE"
    assert drawable("क्\u200dष") == "क्\u200dष"  # joiners that shape scripts stay
    assert drawable("Ankasa") == "Ankasa"


@pytest.mark.parametrize("tamper", [
    lambda p: p.update(area_ha="lots"),
    lambda p: p.update(checks=5),
    lambda p: p.update(scale=None),
    lambda p: p.update(name=["a", {"b": 1}]),
    lambda p: p.update(ecosystems=[{"class": 1, "area_ha": "x"}]),
    lambda p: p.update(bbox=[1, 2]),
    lambda p: p.pop("scale"),
])
def test_tampered_profile_json_to_sheet_is_exit_2(tmp_path, units_gpkg, tamper):
    res = run("profile", write_recipe(tmp_path), "-o", tmp_path / "out")
    assert res.exit_code == 0, res.output
    folder = tmp_path / "out" / "test-hills"
    data = json.loads((folder / "profile.json").read_text(encoding="utf-8"))
    tamper(data)
    (folder / "profile.json").write_text(json.dumps(data), encoding="utf-8")
    res = run("sheet", folder, "-o", tmp_path / "s.pdf")
    assert res.exit_code in (0, 2), res.output
    assert "Traceback" not in res.output + res.stderr
    if res.exit_code == 2:
        assert "profile.json" in res.stderr
        assert not (tmp_path / "s.pdf").exists()
    (folder / "profile.json").write_text('{"schema": "landgeo.profile/1", "area_ha": NaN}', encoding="utf-8")
    assert_one_line_exit_2(run("sheet", folder, "-o", tmp_path / "t.pdf"), "profile.json")


# --- DEM too large for memory ------------------------------------------------------------------------------

def test_dem_that_cannot_fit_is_refused_before_reading(tmp_path):
    dem = tmp_path / "sparse.tif"
    with rasterio.open(dem, "w", driver="GTiff", width=46_000, height=46_000, count=1, dtype="float32", crs="EPSG:32630",
                       transform=rasterio.transform.from_origin(500_000, 700_000, 30, 30), tiled=True, compress="deflate",
                       sparse_ok=True, nodata=-9999):
        pass
    assert dem.stat().st_size < 10_000_000  # tiny on disk, 2.1·10^9 cells (≈ 51 GB to delineate) once read
    from landgeo.hydro.flowgrid import BYTES_PER_CELL, available_memory

    if available_memory() > 46_002**2 * BYTES_PER_CELL:
        pytest.skip("this machine has more than 51 GB free: the DEM would fit")
    res = run("basins", "build", dem, "-o", tmp_path / "b.gpkg", "--min-unit-ha", "100")
    assert_one_line_exit_2(res, "sparse.tif", "GB", "clip")
    assert not (tmp_path / "b.gpkg").exists()


# --- -v / -vv / -q -----------------------------------------------------------------------------------------

def test_verbose_never_changes_the_exit_status(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[landscape]\nname = 'x'\n[boundary]\nmethod = 'admin'\npath = 'missing.gpkg'\n", encoding="utf-8")
    for flags in ([], ["-v"], ["-q"]):
        res = run(*flags, "profile", bad)
        assert_one_line_exit_2(res, "missing.gpkg")
        res = run("profile", bad, *flags)  # after the command name too
        assert_one_line_exit_2(res, "missing.gpkg")
    res = run("-vv", "profile", bad)
    assert res.exit_code == 2 and "Traceback" in res.stderr and "missing.gpkg" in res.stderr
    res = run("profile", bad, "-vv")
    assert res.exit_code == 2 and "Traceback" in res.stderr


def _commands(group, prefix=()):
    import click

    for name, cmd in group.commands.items():
        yield (*prefix, name)
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, (*prefix, name))


def test_every_command_takes_v_and_q():
    for path in _commands(main):
        res = run(*path, "--help")
        assert res.exit_code == 0, path
        assert "-v, --verbose" in res.output and "-q, --quiet" in res.output, path


# --- polar caps -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("south, north", [(80, 90), (0, 90), (-90, -60)])
def test_polar_cap_and_hemisphere_are_measured_not_empty(tmp_path, south, north):
    path = tmp_path / "cap.gpkg"
    gpd.GeoDataFrame({"name": ["cap"]}, geometry=[shapely.box(-180, south, 180, north)], crs=4326).to_file(path)
    res = run("check", path, "--max-ha", "1e12", "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    edge = south if north == 90 else north  # the parallel that bounds the cap
    circle = np.linspace(-180, 180, 36001)[:-1]
    area, perimeter = GEOD.polygon_area_perimeter(circle, np.full(circle.size, float(edge)))  # a ring round the pole
    assert data["area_ha"] == pytest.approx(abs(area) / 1e4, rel=1e-4)
    assert data["perimeter_km"] == pytest.approx(perimeter / 1000, rel=1e-3)


def test_shape_cut_at_the_antimeridian_is_one_landscape_drawn_with_a_tight_bbox(tmp_path):
    west, east = shapely.box(179.0, -17.5, 180.0, -16.5), shapely.box(-180.0, -17.5, -179.3, -16.5)
    gpd.GeoDataFrame({"name": ["Fiji"]}, geometry=[shapely.MultiPolygon([west, east])], crs=4326).to_file(tmp_path / "fiji.gpkg")
    r = tmp_path / "fiji.toml"
    r.write_text('[landscape]\nname = "Fiji"\n[boundary]\nmethod = "file"\npath = "fiji.gpkg"\n', encoding="utf-8")
    res = run("profile", r, "-o", tmp_path / "out")
    assert res.exit_code == 0, res.output
    prof = json.loads((tmp_path / "out" / "fiji" / "profile.json").read_text(encoding="utf-8"))
    expected = sum(abs(GEOD.geometry_area_perimeter(g)[0]) for g in (west, east)) / 1e4
    assert prof["area_ha"] == pytest.approx(expected, rel=1e-6)
    assert prof["bbox"][2] - prof["bbox"][0] < 2  # not the whole globe
    assert {c["id"]: c["status"] for c in prof["checks"]}["contiguity"] == "ok"  # one island across ±180°
    assert (tmp_path / "out" / "fiji" / "sheet.pdf").read_bytes().rstrip().endswith(b"%%EOF")
