"""Landscapes across the antimeridian and near the poles: their data are counted on both sides of 180°,
their maps show one landscape with honest labels, and a map that cannot reach a pole is not drawn but noted."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely
from click.testing import CliRunner

from landgeo.cli.main import main
from landgeo.render.context import country_context
from landgeo.render.sheet import build_sheet

from .reference import GEOD, geod_ha

WEST, EAST = shapely.box(179.6, -16.6, 180.0, -16.0), shapely.box(-180.0, -16.6, -179.6, -16.0)  # cut at ±180°


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def fiji(tmp_path):
    gpd.GeoDataFrame({"name": ["Fiji"]}, geometry=[shapely.MultiPolygon([WEST, EAST])], crs=4326).to_file(tmp_path / "fiji.gpkg")
    sites = gpd.GeoDataFrame({"site": ["west", "east", "far"]},
                             geometry=[shapely.Point(179.8, -16.3), shapely.Point(-179.8, -16.3), shapely.Point(-179.0, -16.3)],
                             crs=4326)
    sites.to_file(tmp_path / "sites.gpkg")
    # an ecosystems layer in -180…180°, one class on each side of the antimeridian
    eco = gpd.GeoDataFrame({"cls": ["Mangrove", "Reef"]},
                           geometry=[shapely.box(179.7, -16.5, 180.0, -16.1), shapely.box(-180.0, -16.5, -179.7, -16.1)], crs=4326)
    eco.to_file(tmp_path / "eco.gpkg")
    recipe = tmp_path / "fiji.toml"
    recipe.write_text('[landscape]\nname = "Fiji"\n\n[boundary]\nmethod = "file"\npath = "fiji.gpkg"\n\n'
                      '[attach.sites]\npath = "sites.gpkg"\n\n[attach.ecosystems]\npath = "eco.gpkg"\nfield = "cls"\n',
                      encoding="utf-8")
    return recipe


def test_data_east_of_180_are_counted(fiji, tmp_path):
    res = run("profile", fiji, "-o", tmp_path / "out")
    assert res.exit_code == 0, res.output
    prof = json.loads((tmp_path / "out" / "fiji" / "profile.json").read_text(encoding="utf-8"))
    assert prof["sites"]["count"] == 2 and prof["sites"]["outside"] == 1  # the two inside, one on each side
    classes = {c["class"]: c["area_ha"] for c in prof["ecosystems"]["classes"]}
    # by hand: each class box lies wholly inside the landscape, on its own side of 180°
    assert classes["Mangrove"] == pytest.approx(geod_ha(shapely.box(179.7, -16.5, 180.0, -16.1)), rel=1e-4)
    assert classes["Reef"] == pytest.approx(geod_ha(shapely.box(-180.0, -16.5, -179.7, -16.1)), rel=1e-4)


def test_sheet_across_180_is_one_landscape_with_west_longitudes_labelled_west(fiji, tmp_path):
    res = run("profile", fiji, "-o", tmp_path / "out")
    assert res.exit_code == 0, res.output
    folder = tmp_path / "out" / "fiji"
    layers = {name: gpd.read_file(folder / "boundary.gpkg", layer=name) for name in ("boundary", "sites")}
    prof = json.loads((folder / "profile.json").read_text(encoding="utf-8"))
    fig = build_sheet(prof, layers, lang="en")
    fig.canvas.draw()  # tick labels are formatted when drawn
    ax = max(fig.axes, key=lambda a: a.get_position().width * a.get_position().height)  # the main map
    ticks = [t.get_text() for t in ax.get_xticklabels() + ax.get_xticklabels(minor=False) if t.get_text()]
    ticks += [t.get_text() for a in fig.axes for t in a.texts if "°" in t.get_text()]  # graticule labels drawn as text
    assert any(t.endswith("W") for t in ticks) and any(t.endswith("E") for t in ticks), ticks
    assert not any(t.startswith(("180°", "181°", "182°")) and t.endswith("E") and t != "180°" for t in ticks), ticks
    # the main map shows the landscape whole, a few degrees wide, across 180°
    x0, x1 = ax.get_xlim()
    assert x1 - x0 < 5 and x0 < 180 < x1


def test_country_outlines_east_of_180_are_read_and_moved_next_to_the_landscape():
    geom = shapely.box(179.6, -17.0, 180.6, -16.0)  # a whole boundary, past 180°
    ctx = country_context(geom, scale_denominator=1e6)
    assert ctx is not None and len(ctx)
    assert ctx.total_bounds[2] > 180  # parts at -180…-179 moved to 180…181
    assert ctx.total_bounds[0] > 0  # nothing left at -180: the map would span the globe
    assert bool(ctx[ctx["home"]].shape[0])  # Fiji touches it


@pytest.mark.parametrize("lat", [-89.0, 86.0])
def test_near_a_pole_the_profile_is_written_and_the_maps_are_noted_not_drawn(tmp_path, lat):
    cap = shapely.box(-180, lat, 180, 90) if lat > 0 else shapely.box(-180, -90, 180, lat)
    gpd.GeoDataFrame({"name": ["cap"]}, geometry=[cap], crs=4326).to_file(tmp_path / "cap.gpkg")
    recipe = tmp_path / "cap.toml"
    recipe.write_text('[landscape]\nname = "Polar cap"\nlanguage = "es"\n\n[boundary]\nmethod = "file"\npath = "cap.gpkg"\n\n'
                      '[scale]\nmax_ha = 5e10\n', encoding="utf-8")
    res = run("profile", recipe, "-o", tmp_path / "out")
    assert res.exit_code == 0, res.output
    folder = tmp_path / "out" / "polar-cap"
    prof = json.loads((folder / "profile.json").read_text(encoding="utf-8"))
    circle = np.linspace(-180, 180, 36001)[:-1]  # the parallel that bounds the cap, as a ring round the pole
    area, _ = GEOD.polygon_area_perimeter(circle, np.full(circle.size, lat))
    assert prof["area_ha"] == pytest.approx(abs(area) / 1e4, rel=1e-4)
    assert not (folder / "sheet.pdf").exists() and not (folder / "map.html").exists()
    notes = " ".join(prof["notes"])
    assert "sheet.pdf" in notes and "map.html" in notes and "EPSG:3031" in notes and "no se dibuja" in notes
    # the sheet command on that profile: one message, exit 2, nothing written
    res = run("sheet", folder, "-o", tmp_path / "cap.pdf")
    assert res.exit_code == 2 and "Polar cap" in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.output
    assert not (tmp_path / "cap.pdf").exists()


# --- shapes no landscape can have: past a pole, round the whole world, astronomically far ------------------

def _geojson(tmp_path, name, ring):
    path = tmp_path / f"{name}.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}}]}), encoding="utf-8")
    return path


@pytest.mark.parametrize("name, ring, says", [
    ("past-pole", [[0, 89.5], [1, 89.5], [1, 90.5], [0, 90.5], [0, 89.5]], "beyond the pole"),
    ("whole-world", [[-180, -90], [180, -90], [180, 90], [-180, 90], [-180, -90]], "more than half of the Earth"),
    # the geodesic area of this ring is the little cap north of 89.9° (Geod's areas are modulo the Earth)
    ("almost-world", [[-180, -90], [180, -90], [180, 89.9], [-180, 89.9], [-180, -90]], "more than half of the Earth"),
    ("far", [[0, 0], [1e308, 0], [1e308, 1e308], [0, 0]], "1E308"),
])
def test_impossible_shapes_are_exit_2_in_every_command(tmp_path, name, ring, says):
    path = _geojson(tmp_path, name, ring)
    recipe = tmp_path / f"{name}.toml"
    recipe.write_text(f'[landscape]\nname = "x"\n\n[boundary]\nmethod = "file"\npath = "{name}.geojson"\n', encoding="utf-8")
    other = _geojson(tmp_path, "small", [[30, 1], [30.5, 1], [30.5, 1.5], [30, 1.5], [30, 1]])
    for args in (["check", path], ["check", path, "--json"], ["delineate", recipe, "-o", tmp_path / "d.gpkg"],
                 ["profile", recipe, "-o", tmp_path / "out"], ["compare", other, path, "--json"]):
        res = run(*args)
        assert res.exit_code == 2, (args, res.output)
        assert says in res.stderr and f"{name}.geojson" in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.output
        assert res.stdout.strip() == ""  # no NaN, no half answer
    assert not (tmp_path / "d.gpkg").exists() and not (tmp_path / "out").exists()
