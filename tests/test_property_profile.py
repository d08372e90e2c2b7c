"""Property: whatever recipe and attribute texts are generated, ``landgeo profile`` exits 0 or 2, never with a traceback.

Generated: recipe values of every type (finite and non-finite numbers, negative, huge, empty lists, odd texts,
unknown keys, deep tables), and unit names/attributes with format characters, BOMs, markup and formulas.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from landgeo.cli import main

NAMES = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=12)
HOSTILE_BITS = st.sampled_from(["\ufeff", "\u200b", "\u202e", "\u2066", "\x00", "\t", "\r\n", "=", "@", "+", "-",
                                "<script>", "</title>", "'", '"', "\\", "%", "{", "}", "é", "ß", "中", "🌍", ""])
ATTR = st.lists(st.one_of(NAMES, HOSTILE_BITS), min_size=0, max_size=4).map("".join)
NUMBER = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**20, 10**20),
                   st.sampled_from([0, -1, 1e-300, 1e300, 10_000, 1_000_000]))
GOOD_NUMBER = st.floats(0, 2000)
ANY_VALUE = st.one_of(NUMBER, ATTR, st.booleans(), st.lists(st.one_of(ATTR, st.integers(-5, 5)), max_size=3))
# mostly sensible values (so the whole pipeline runs and draws), sometimes anything at all
BOUNDARY_ITEM = st.one_of(
    st.tuples(st.just("buffer_m"), st.one_of(GOOD_NUMBER, GOOD_NUMBER, NUMBER)),
    st.tuples(st.just("simplify_m"), st.one_of(GOOD_NUMBER, NUMBER)),
    st.tuples(st.just("fill_holes_below_ha"), st.one_of(GOOD_NUMBER, NUMBER)),
    st.tuples(st.just("level"), ATTR),
    st.tuples(st.just("definition"), ATTR),
    st.tuples(st.just("where"), st.one_of(st.just("name IS NOT NULL"), ATTR)),
    st.tuples(st.sampled_from(["values", "field", "layer", "crs", "points", "snap_m", "nonsense"]), ANY_VALUE),
)
SCALE_ITEM = st.one_of(
    st.tuples(st.just("min_ha"), st.one_of(st.floats(0, 10_000), NUMBER)),
    st.tuples(st.just("sliver_ha"), st.one_of(st.floats(0, 100), NUMBER)),
    st.tuples(st.sampled_from(["max_ha", "previous", "nonsense"]), ANY_VALUE),
)


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return '"' + "".join(c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04x}" for c in v) + '"'
    return "[" + ", ".join(toml_value(x) for x in v) + "]"


def write_units(folder: Path, names: list[str]) -> None:
    geoms = [shapely.box(0.1 * i, 0, 0.1 * i + 0.1, 0.1) for i in range(len(names))]
    gpd.GeoDataFrame({"name": names, "note": list(reversed(names))}, geometry=geoms, crs=4326).to_file(
        folder / "units.gpkg", layer="districts")


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
          derandomize=True)
@given(names=st.lists(ATTR.filter(str.strip), min_size=1, max_size=3), landscape_name=ATTR.filter(str.strip),
       boundary=st.lists(BOUNDARY_ITEM, max_size=3).map(dict), scale=st.lists(SCALE_ITEM, max_size=2).map(dict),
       score_date=st.one_of(st.none(), ATTR, st.sampled_from(["2024-02-30", "2024-13-01", "2023-12-31"])))
def test_profile_exits_0_or_2_without_traceback(tmp_path_factory, names, landscape_name, boundary, scale, score_date):
    folder = tmp_path_factory.mktemp("prop")
    write_units(folder, names)
    lines = ["[landscape]", f"name = {toml_value(landscape_name)}", "", "[boundary]", 'method = "admin"',
             'path = "units.gpkg"', 'layer = "districts"']
    boundary = {"field": "name", "values": names[:1], **boundary}
    lines += [f"{k} = {toml_value(v)}" for k, v in boundary.items()]
    if scale:
        lines += ["", "[scale]"] + [f"{k} = {toml_value(v)}" for k, v in scale.items()]
    lines += ["", "[attach.admin_units]", 'path = "units.gpkg"', 'layer = "districts"', 'name_field = "note"']
    if score_date is not None:
        lines += ["", "[[scorecards]]", f"date = {toml_value(score_date)}", "[scorecards.scores]", "C1 = 3"]
    recipe = folder / "r.toml"
    recipe.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        tomllib.loads(recipe.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError:
        pass  # a broken TOML file is an input too: it must give exit 2
    result = CliRunner().invoke(main, ["profile", str(recipe), "-o", str(folder / "out")], catch_exceptions=True)
    out = result.output + (result.stderr if result.stderr_bytes is not None else "")
    event(f"exit {result.exit_code}")  # see them with --hypothesis-show-statistics
    assert result.exit_code in (0, 2), (result.exit_code, out, result.exception)
    assert "Traceback" not in out
    assert "internal error" not in out
    if result.exit_code == 2:
        assert not (folder / "out").exists() or not any((folder / "out").iterdir())
