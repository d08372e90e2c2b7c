"""Shares of a landscape as a reader sees them: a part that is there never reads 0.0 % (nor a part that is missing
100.0 %); the exact values stay in the JSON.

Real boundary files: A is a square of about 990,000 ha; B is A with a strip of a few hectares added, so the shares
that differ are tiny but not zero.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from landgeo.cli import main

SQUARE = [[-1.9, 5.3], [-1.0, 5.3], [-1.0, 6.2], [-1.9, 6.2], [-1.9, 5.3]]
# a strip 0.0002° wide along the east edge: only-B is about 0.02 % of A (once printed as 0.0 %)
WITH_STRIP = [[-1.9, 5.3], [-0.9998, 5.3], [-0.9998, 6.2], [-1.9, 6.2], [-1.9, 5.3]]
# a far, tiny second part (about 5 ha): the largest part holds more than 99.9 % of the area
SPECK = [[-0.5, 5.3], [-0.498, 5.3], [-0.498, 5.302], [-0.5, 5.302], [-0.5, 5.3]]


def geojson(path: Path, *rings) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": path.stem},
         "geometry": {"type": "MultiPolygon", "coordinates": [[r] for r in rings]}}]}), encoding="utf-8")
    return path


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize("lang, words", [("en", "less than 0.1%"), ("fr", "moins de 0,1\u00a0%"),
                                         ("es", "menos del 0,1\u00a0%"), ("pt", "menos de 0,1%")])
def test_compare_states_a_tiny_difference_as_less_than_a_tenth_of_a_percent(tmp_path, lang, words):
    a = geojson(tmp_path / "a.geojson", SQUARE)
    b = geojson(tmp_path / "b.geojson", WITH_STRIP)
    res = run("compare", a, b, "--lang", lang)
    assert res.exit_code == 0, res.output
    assert words in res.stdout, res.stdout
    assert not re.search(r"(?<![\d.,])0[.,]0\s?%", res.stdout), res.stdout  # 0.0 % (10.0 % is the limit)
    assert not re.search(r"100[.,]0\s?%", res.stdout), res.stdout
    exact = json.loads(run("compare", a, b, "--json").stdout)
    alignment = exact["metrics"]["alignment"]
    assert 0 < alignment["only_b_share_of_a"] < 0.001  # the data keep the exact (rounded to 6 digits) share
    assert "less than 0.1%" in alignment["message"]


def test_check_says_the_largest_part_holds_more_than_99_9_percent(tmp_path):
    f = geojson(tmp_path / "two.geojson", SQUARE, SPECK)
    res = run("check", f)
    assert "more than 99.9%" in res.stdout + res.stderr, res.output
    assert "100.0%" not in res.stdout + res.stderr
    data = json.loads(run("check", f, "--json").stdout)
    contiguity = next(c for c in data["checks"] if c["id"] == "contiguity")
    assert "more than 99.9%" in contiguity["message"]


def test_share_formatter():
    from landgeo.i18n import fmt_share
    from landgeo.render.labels import fmt_share as sheet_share

    assert [fmt_share(v, "en") for v in (0, 0.0, 0.0004, 0.00099, 0.001, 0.125, 0.9995, 1.0)] == [
        "0%", "0%", "less than 0.1%", "less than 0.1%", "0.1%", "12.5%", "more than 99.9%", "100%"]
    assert fmt_share(0.004, "fr", 0) == "moins de 1\u00a0%"
    assert fmt_share(-0.05, "en") == "-5.0%"  # not a share of a whole: as it is
    # the sheets' formatter (one decimal under 10 %): the same rule
    assert sheet_share(0.0003, "pt") == "menos de 0,1%" and sheet_share(0, "en") == "0%"
    assert sheet_share(0.052, "en") == "5.2%" and sheet_share(0.5, "fr") == "50\u00a0%"


def test_sheet_and_compare_rows_never_show_zero_for_a_unit_that_is_there():
    from landgeo.render.sheet_rows import _location_value
    from landgeo.render.webmap_elements import popup_html

    profile = {"location": {"admin_units": [{"name": "Big", "level": "district", "share_of_landscape": 0.9996},
                                            {"name": "Edge", "level": "district", "share_of_landscape": 0.0004}]}}
    text = _location_value(profile, "en", "–")
    assert "Edge (less than 0.1%)" in text and "0.0%" not in text, text
    html = popup_html({"name": "Edge", "share_of_landscape": 0.0004, "share_of_unit": 0.0}, title=None, lang="en")
    assert "less than 0.1%" in html and "0.00" not in html, html
