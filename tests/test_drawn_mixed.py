"""A drawn file that mixes polygons, closed lines, points and open lines (a KML a partner drew):
every area it encloses counts, and what encloses nothing is skipped and counted in the notes."""

from __future__ import annotations

import json

import pytest
import shapely
from click.testing import CliRunner

from landgeo.cli.main import main

from .reference import geod_ha

POLYGON = shapely.box(30.0, 1.0, 30.3, 1.3)
RING = [(30.5, 1.0), (30.8, 1.02), (30.85, 1.3), (30.5, 1.28), (30.5, 1.0)]


def _drawing(tmp_path):
    feats = [
        {"type": "Polygon", "coordinates": [list(POLYGON.exterior.coords)]},
        {"type": "LineString", "coordinates": RING},
        {"type": "Point", "coordinates": [30.1, 1.1]},
        {"type": "MultiPoint", "coordinates": [[30.2, 1.2], [30.6, 1.1]]},
        {"type": "LineString", "coordinates": [[30.0, 1.5], [30.4, 1.6]]},
    ]
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"n": i}, "geometry": g} for i, g in enumerate(feats)]}
    path = tmp_path / "drawn.geojson"
    path.write_text(json.dumps(fc), encoding="utf-8")
    return path


def test_mixed_drawing_keeps_every_area_and_notes_what_it_skipped(tmp_path):
    _drawing(tmp_path)
    recipe = tmp_path / "mixed.toml"
    recipe.write_text('[landscape]\nname = "Mixed"\nlanguage = "fr"\n\n[boundary]\nmethod = "file"\npath = "drawn.geojson"\n',
                      encoding="utf-8")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["profile", str(recipe), "-o", str(out)])
    assert res.exit_code == 0, res.output
    prof = json.loads((out / "mixed" / "profile.json").read_text(encoding="utf-8"))
    # the polygon and the closed line both count (two parts, far apart), by an independent Geod sum
    expected = geod_ha(POLYGON) + geod_ha(shapely.Polygon(RING))
    assert prof["area_ha"] == pytest.approx(expected, abs=0.01)
    notes = " | ".join(prof["notes"])
    assert "drawn.geojson : 3 points ignorés" in notes  # one Point and a MultiPoint of two
    assert "drawn.geojson : 1 ligne ouverte ignorée" in notes


def test_check_reports_the_skipped_points(tmp_path):
    res = CliRunner().invoke(main, ["check", str(_drawing(tmp_path)), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["area_ha"] == pytest.approx(geod_ha(POLYGON) + geod_ha(shapely.Polygon(RING)), abs=0.01)
    assert "3 points skipped" in res.output + json.dumps(data)


def test_points_only_is_refused_with_the_reason(tmp_path):
    path = tmp_path / "pins.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [30.1, 1.1]}}]}), encoding="utf-8")
    res = CliRunner().invoke(main, ["check", str(path)])
    assert res.exit_code == 2
    assert "pins.geojson" in res.output and "polygons or closed lines" in res.output
