"""Security: layers and recipes are data, never code.

- ``where`` on CSV/XLSX/GPKG goes through landgeo.io.where: a Python payload is a syntax error (exit 2), never run;
- hostile names reach map.html and compare.html escaped: headless Chromium shows that no script ran;
- CSV cells that a spreadsheet would run as formulas are neutralised (summary.csv, units.csv).
"""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

from landgeo.cli.main import main
from landgeo.errors import FieldError, UsageError
from landgeo.io.atomic import neutralise_cell
from landgeo.io.vector import read_vector
from landgeo.io.where import parse_where
from landgeo.io.where_table import filter_frame

from .hostile import (
    FORMULA,
    FORMULAS,
    NAME,
    assert_no_script_ran,
    chromium_dom,
    hostile_ecosystems,
    hostile_units,
)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def sites_csv(path: Path) -> Path:
    pd.DataFrame({"name": ["a", "b", "c", "d"], "lon": [0.05, 0.15, 0.05, 0.15], "lat": [0.05, 0.05, 0.15, 0.15],
                  "pop": [5, 50, 500, None], "region": ["West", "West", "East", None]}).to_csv(path, index=False)
    return path


# --- where: never code ----------------------------------------------------------------------

def payloads(marker: Path) -> list[str]:
    m = str(marker)
    return [
        f"@__import__('os').system('touch {m}')",
        f"__import__('os').system('touch {m}') == 0",
        f"pop > 1 and @pd.io.common.os.system('touch {m}')",
        f"name.str.contains('a') | __import__('pathlib').Path('{m}').touch()",
        f"`name`.apply(lambda x: open('{m}', 'w'))",
        f"pop > 1; open('{m}','w')",
        f"name = 'x' OR 1 = 1 --\nopen('{m}','w')",
    ]


@pytest.mark.parametrize("i", range(7))
def test_where_payload_is_never_evaluated_on_a_table(tmp_path, i):
    marker = tmp_path / "PWNED"
    csv_path = sites_csv(tmp_path / "sites.csv")
    before = csv_path.read_bytes()
    with pytest.raises((UsageError, FieldError)) as err:
        read_vector(csv_path, where=payloads(marker)[i])
    assert str(csv_path) in str(err.value)
    assert not marker.exists()
    assert csv_path.read_bytes() == before


def test_where_payload_through_profile_and_compare_exits_2_and_runs_nothing(tmp_path, units_gpkg):
    marker = tmp_path / "PWNED"
    sites = sites_csv(tmp_path / "sites.csv")
    payload = f"@__import__('os').system('touch {marker}')"
    recipe = tmp_path / "r.toml"
    recipe.write_text(f"""
[landscape]
name = "Payload"
[boundary]
method = "admin"
path = "units.gpkg"
layer = "districts"
field = "name"
values = ["Bélavo", "Kora Nord"]
[attach.sites]
path = "sites.csv"
where = "{payload}"
""", encoding="utf-8")
    out = tmp_path / "out"
    r = run("profile", recipe, "-o", out)
    assert r.exit_code == 2, r.output
    assert "sites.csv" in r.stderr and "Traceback" not in r.output
    assert not marker.exists() and not out.exists()
    r = run("compare", recipe, "--units", f"{units_gpkg}:districts", "--field", "name", "--where", payload)
    assert r.exit_code == 2 and "units.gpkg" in r.stderr, r.output
    assert not marker.exists()
    assert sites.exists()


def test_batch_units_where_filters_and_never_runs_code(tmp_path, units_gpkg):
    marker = tmp_path / "PWNED"
    out = tmp_path / "b"
    r = run("batch", "--units", units_gpkg, "--layer", "districts", "--field", "name", "-o", out, "--workers", "0",
            "--no-maps", "--no-atlas", "--where", f"@__import__('os').system('touch {marker}')")
    assert r.exit_code == 2 and "units.gpkg" in r.stderr and "Traceback" not in r.output, r.output
    assert not marker.exists() and not out.exists()
    r = run("batch", "--units", units_gpkg, "--layer", "districts", "--field", "name", "-o", out, "--workers", "0",
            "--no-maps", "--no-atlas", "--where", "region = 'West' AND name LIKE 'K%'")
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["kora-nord"]


@pytest.mark.parametrize("text, expected", [
    ("region = 'West'", ["a", "b"]),
    ("region == 'West' AND pop > 10", ["b"]),
    ("pop >= 50 OR region IS NULL", ["b", "c", "d"]),
    ("name IN ('a', 'c')", ["a", "c"]),
    ("name NOT IN ('a', 'c')", ["b", "d"]),
    ("region LIKE 'we%'", ["a", "b"]),
    ("NOT (region = 'West')", ["c"]),  # SQL: NOT of NULL selects nothing
    ("pop BETWEEN 5 AND 50", ["a", "b"]),
    ("\"pop\" <> 5", ["b", "c"]),
    ("REGION = 'East'", ["c"]),  # column names as in OGR SQL: case-insensitive
    ("region IS NOT NULL AND (pop < 10 OR pop > 100)", ["a", "c"]),
])
def test_where_grammar_same_rows_on_csv_and_geopackage(tmp_path, text, expected):
    csv_path = sites_csv(tmp_path / "sites.csv")
    frame = pd.read_csv(csv_path)
    gpkg = tmp_path / "sites.gpkg"
    gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame.lon, frame.lat), crs=4326).to_file(gpkg)
    assert sorted(read_vector(csv_path, where=text)["name"]) == expected
    assert sorted(read_vector(gpkg, where=text)["name"]) == expected  # OGR SQL built from the same parse
    xlsx = tmp_path / "sites.xlsx"
    frame.to_excel(xlsx, index=False)
    assert sorted(read_vector(xlsx, where=text)["name"]) == expected


def test_where_unknown_column_names_file_and_column(tmp_path):
    csv_path = sites_csv(tmp_path / "sites.csv")
    with pytest.raises(FieldError, match=r"sites\.csv.*'regoin'.*did you mean 'region'"):
        read_vector(csv_path, where="regoin = 'West'")
    with pytest.raises(FieldError, match=r"'West'.*text values go in single quotes"):
        read_vector(csv_path, where="region = West")
    gpkg = tmp_path / "s.gpkg"
    gpd.GeoDataFrame({"region": ["a"]}, geometry=[shapely.Point(0, 0)], crs=4326).to_file(gpkg)
    with pytest.raises(FieldError, match=r"s\.gpkg.*'regoin'"):
        read_vector(gpkg, where="regoin = 'West'")


@pytest.mark.parametrize("text", ["", "pop >", "pop = = 1", "(pop = 1", "pop = 1)", "pop IN ()",
                                  "pop LIKE 5", "(" * 200 + "pop = 1" + ")" * 200, "pop = 1e999", "x" * 20000])
def test_where_malformed_is_a_usage_error(text):
    with pytest.raises(UsageError):
        parse_where(text, source="t.csv")


def test_where_null_logic_matches_sql():
    df = pd.DataFrame({"a": [1.0, None, 3.0], "b": ["x", "y", None]})
    assert filter_frame(df, "a != 1", source="t").index.tolist() == [2]
    assert filter_frame(df, "NOT a = 1", source="t").index.tolist() == [2]
    assert filter_frame(df, "a = 1 OR b = 'y'", source="t").index.tolist() == [0, 1]
    assert filter_frame(df, "b NOT LIKE 'x'", source="t").index.tolist() == [1]


def test_no_eval_query_or_pickle_in_the_package():
    root = Path(__file__).resolve().parents[1] / "landgeo"
    bad = []
    for f in root.rglob("*.py"):
        text = f.read_text(encoding="utf-8")
        # DataFrame.query/eval take a text; spatial-index .query(geoms) do not
        for needle in (r"\.(?:query|eval)\(\s*(?:where|expr|text|f?[\"'])", r"(?<![\w.])eval\(", r"pickle",
                       r"(?<![\w.])exec\("):
            for m in re.finditer(needle, text):
                bad.append(f"{f.name}:{text[:m.start()].count(chr(10)) + 1}: {m.group(0)}")
    assert not bad


# --- HTML: escaped everywhere, proven in a browser --------------------------------------------

def hostile_recipe(tmp_path: Path) -> Path:
    hostile_units(tmp_path / "units.gpkg")
    hostile_ecosystems(tmp_path / "eco.gpkg")
    recipe = tmp_path / "hostile.toml"
    recipe.write_text(f"""
[landscape]
name = {json.dumps(NAME)}
slug = "hostile"

[boundary]
method = "admin"
path = "units.gpkg"
layer = "districts"
field = "name"
where = "kind IS NOT NULL"
definition = {json.dumps(NAME)}

[attach.ecosystems]
path = "eco.gpkg"
field = "cls"
source = {json.dumps(NAME)}

[attach.admin_units]
path = "units.gpkg"
layer = "districts"
name_field = "name"
""", encoding="utf-8")
    return recipe


@pytest.mark.slow
def test_hostile_names_run_no_script_in_map_and_compare_pages(tmp_path):
    recipe = hostile_recipe(tmp_path)
    out = tmp_path / "out"
    r = run("profile", recipe, "-o", out)
    assert r.exit_code == 0, r.output
    page = out / "hostile" / "map.html"
    text = page.read_text(encoding="utf-8")
    assert "<script>document.title" not in text and "<img src=x" not in text  # escaped in the file itself
    dom = chromium_dom(page)
    assert "leaflet-container" in dom  # the map did render: the check below looks at a live page
    assert_no_script_ran(dom)
    assert "&lt;/title&gt;&lt;script&gt;" in dom  # the name shows as text in the title

    cmp_out = tmp_path / "cmp"
    r = run("compare", recipe, "--units", f"{tmp_path / 'units.gpkg'}:districts", "--field", "name", "-o", cmp_out)
    assert r.exit_code == 0, r.output
    dom = chromium_dom(cmp_out / "compare.html")
    assert "leaflet-container" in dom
    assert_no_script_ran(dom)
    # units.csv: the unit named like a formula is inert text
    with open(cmp_out / "units.csv", encoding="utf-8", newline="") as f:
        cells = [c for row in csv.reader(f) for c in row]
    assert "'" + FORMULA in cells and FORMULA not in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]


def test_summary_csv_neutralises_formulas(tmp_path):
    from landgeo.app.batch import Row, write_summary

    rows = [Row(slug="a", status="ok", main_ecosystem=f, error=f, area_ha=-5.0) for f in FORMULAS]
    path = write_summary(rows, tmp_path / "summary.csv")
    with open(path, encoding="utf-8", newline="") as f:
        got = list(csv.DictReader(f))
    assert [r["main_ecosystem"] for r in got] == ["'" + f.replace("\r", "\n") for f in FORMULAS]  # CR: a quoted line break
    assert {r["area_ha"] for r in got} == {"-5.0"}  # numbers stay numbers


@pytest.mark.parametrize("value, expected", [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"),
                                             ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("Ankasa", "Ankasa"), ("", ""),
                                             (-1.5, -1.5), (3, 3), (None, None), (float("nan"), "")])
def test_neutralise_cell(value, expected):
    assert neutralise_cell(value) == expected


def test_batch_summary_of_hostile_ecosystems(tmp_path):
    recipe = hostile_recipe(tmp_path)
    out = tmp_path / "batch"
    r = run("batch", recipe, "-o", out, "--workers", "0", "--no-maps", "--no-atlas")
    assert r.exit_code == 0, r.output
    with open(out / "summary.csv", encoding="utf-8", newline="") as f:
        row = next(csv.DictReader(f))
    assert row["main_ecosystem"].startswith("'=") or row["main_ecosystem"].startswith("'<") or row["main_ecosystem"][:1] == "<"
    assert not [v for v in row.values() if v[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert os.path.isfile(out / "hostile" / "profile.json")
