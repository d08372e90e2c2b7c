"""Optional drawing that fails on its input is noted (profile notes), never silently lost; a programming error propagates."""

from __future__ import annotations

import dataclasses
import json

import pytest

from landgeo.render import sheet as sheet_module
from landgeo.render import sheet_map, skipped
from landgeo.render.outputs import write_maps

from .render_data import demo_inputs


def _broken_raster(tmp_path):
    bad = tmp_path / "broken_landcover.tif"
    bad.write_bytes(b"II*\x00 this is not a GeoTIFF")
    return bad


def test_broken_landcover_raster_is_recorded_and_the_maps_are_written(tmp_path):
    profile, layers = demo_inputs()
    layers.pop("ecosystems")  # the sheet draws land cover only without ecosystem polygons
    out = tmp_path / "out"
    out.mkdir()
    with skipped.collect() as notes:
        files = write_maps(profile, layers, out, rasters={"landcover": _broken_raster(tmp_path)})
    assert {f.name for f in files} == {"map.html", "sheet.pdf", "sheet.png"}
    assert all(f.stat().st_size > 0 for f in files)
    assert len(notes) == 2, notes  # the web map and the sheet each say what they left out
    assert any("web map" in n for n in notes) and any("sheet" in n for n in notes)
    assert all("broken_landcover.tif" in n for n in notes)


def test_a_programming_error_while_drawing_is_not_swallowed(tmp_path, monkeypatch):
    profile, layers = demo_inputs()
    layers.pop("ecosystems")

    def bug(*args, **kwargs):
        raise TypeError("a bug in landgeo, not in the data")

    monkeypatch.setattr(sheet_map, "_landcover_image", bug)
    (tmp_path / "out").mkdir()
    with pytest.raises(TypeError, match="a bug in landgeo"):
        sheet_module.write_sheet(profile, layers, png=tmp_path / "out" / "sheet.png", rasters={"landcover": _broken_raster(tmp_path)})


def test_profile_json_notes_say_what_the_sheet_left_out(tmp_path):
    from pathlib import Path

    from landgeo.app.pipeline import build_profile, write_profile_dir
    from landgeo.recipe import read_recipe

    recipe = Path(__file__).resolve().parents[1] / "boundaries" / "demo-drawn.toml"
    result = build_profile(read_recipe(recipe))
    assert "landcover" in result.rasters  # the demo recipe attaches land cover: the sheet would draw it
    before = list(result.profile.get("notes") or [])
    result = dataclasses.replace(result, rasters={**result.rasters, "landcover": _broken_raster(tmp_path)})
    folder = write_profile_dir(result, tmp_path / "profiles")
    notes = json.loads((folder / "profile.json").read_text(encoding="utf-8"))["notes"]
    assert notes[: len(before)] == before
    added = notes[len(before):]
    assert added and all("broken_landcover.tif" in n for n in added)
    assert (folder / "sheet.pdf").is_file() and (folder / "map.html").is_file()
