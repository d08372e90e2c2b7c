"""Drawn lines, combined boundaries and shape post-processing."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from landgeo.delineate import delineate
from landgeo.delineate.drawn import boundary_from_layer
from landgeo.errors import DelineationError, LayerError
from landgeo.geo import geodesy
from landgeo.recipe.parse import read_recipe


def test_closed_gps_track_becomes_a_polygon():
    ring = shapely.LineString([(0, 0), (0.1, 0), (0.1, 0.1), (0, 0.1), (0, 0)])
    b = boundary_from_layer(gpd.GeoDataFrame(geometry=[ring], crs=4326), label="walk.gpx")
    assert b.area_ha == pytest.approx(geodesy.area_ha(shapely.box(0, 0, 0.1, 0.1)), rel=1e-9)
    assert b.definition == "Boundary drawn in walk.gpx (1 closed line)"
    open_line = shapely.LineString([(0, 0), (0.1, 0), (0.1, 0.1)])
    with pytest.raises(LayerError, match="not closed"):
        boundary_from_layer(gpd.GeoDataFrame(geometry=[open_line], crs=4326), label="walk.gpx")


def write_recipe(tmp_path, name, boundary):
    p = tmp_path / name
    p.write_text(f'[landscape]\nname = "{name}"\n\n[boundary]\n{boundary}\n', encoding="utf-8")
    return p


@pytest.fixture
def two_drawn(tmp_path):
    gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 0.2, 0.1)], crs=4326).to_file(tmp_path / "a.geojson")
    gpd.GeoDataFrame(geometry=[shapely.box(0.1, 0, 0.3, 0.1)], crs=4326).to_file(tmp_path / "b.geojson")
    a = write_recipe(tmp_path, "a.toml", 'method = "file"\npath = "a.geojson"')
    b = write_recipe(tmp_path, "b.toml", 'method = "file"\npath = "b.geojson"')
    return tmp_path, a, b


@pytest.mark.parametrize(
    "operation, box",
    [("union", (0, 0, 0.3, 0.1)), ("intersection", (0.1, 0, 0.2, 0.1)), ("difference", (0, 0, 0.1, 0.1))],
)
def test_combine_recipes(two_drawn, operation, box):
    tmp_path, _, _ = two_drawn
    r = write_recipe(tmp_path, "c.toml", f'method = "combine"\noperation = "{operation}"\nparts = ["a.toml", "b.toml"]')
    b = delineate(read_recipe(r))
    # the result's edges follow the inputs' vertices; compare with the same box densified at 0.1°
    expected = geodesy.area_ha(shapely.segmentize(shapely.box(*box), 0.1))
    assert b.area_ha == pytest.approx(expected, rel=1e-6)
    assert b.method == "combine"
    assert len(b.sources) == 2
    assert b.definition.startswith(f"{operation.capitalize()} of (1) Boundary drawn in a.geojson")


def test_combine_errors(two_drawn):
    tmp_path, _, _ = two_drawn
    loop = write_recipe(tmp_path, "loop.toml", 'method = "combine"\nparts = ["loop.toml", "a.toml"]')
    with pytest.raises(DelineationError, match="leads back"):
        delineate(read_recipe(loop))
    gpd.GeoDataFrame(geometry=[shapely.box(5, 5, 5.1, 5.1)], crs=4326).to_file(tmp_path / "far.geojson")
    write_recipe(tmp_path, "far.toml", 'method = "file"\npath = "far.geojson"')
    none = write_recipe(tmp_path, "none.toml", 'method = "combine"\noperation = "intersection"\nparts = ["a.toml", "far.toml"]')
    with pytest.raises(DelineationError, match="empty"):
        delineate(read_recipe(none))


def test_buffer_and_fill_holes(tmp_path):
    poly = shapely.box(0, 0, 0.1, 0.1).difference(shapely.box(0.04, 0.04, 0.041, 0.041))
    gpd.GeoDataFrame(geometry=[poly], crs=4326).to_file(tmp_path / "p.geojson")
    r = write_recipe(tmp_path, "p.toml", 'method = "file"\npath = "p.geojson"\nfill_holes_below_ha = 5\nbuffer_m = 1000')
    b = delineate(read_recipe(r))
    side_km = 0.1 * 111.32  # about 11.1 km at the equator
    # a 1 km buffer adds ~ perimeter × 1 km + π km² (hectares: ×100)
    expected = geodesy.area_ha(shapely.box(0, 0, 0.1, 0.1)) + (4 * side_km + 3.1416) * 100
    assert b.area_ha == pytest.approx(expected, rel=5e-3)
    assert not any(p.interiors for p in shapely.get_parts(b.geometry))
    assert "buffered by 1,000 m" in b.definition and "1 hole under 5 ha filled" in b.definition  # singular from the catalogue


def test_alignment_check_against_units(tmp_path, units_gpkg):
    """A drawn landscape of 1.05 units: 5 % off the best-fit unit, within LandScale's 10 %."""
    from landgeo.app.pipeline import build_profile

    drawn = shapely.box(0, 0, 0.105, 0.1)  # unit Bélavo is box(0, 0, 0.1, 0.1)
    gpd.GeoDataFrame(geometry=[drawn], crs=4326).to_file(tmp_path / "drawn.geojson")
    text = 'method = "file"\npath = "drawn.geojson"\n\n[scale]\nalign_with = "units.gpkg"\nalign_layer = "districts"\nalign_field = "name"'
    prof = build_profile(read_recipe(write_recipe(tmp_path, "d.toml", text))).profile
    check = next(c for c in prof["checks"] if c["id"] == "alignment")
    only_a = geodesy.area_ha(shapely.box(0.1, 0, 0.105, 0.1))
    assert check["status"] == "ok"
    assert check["value"] == pytest.approx(only_a / geodesy.area_ha(drawn), rel=1e-3)
    assert "Bélavo" in check["message"]
    wide = shapely.box(0, 0, 0.125, 0.1)  # 20 % beyond: not aligned
    gpd.GeoDataFrame(geometry=[wide], crs=4326).to_file(tmp_path / "drawn.geojson")
    prof = build_profile(read_recipe(tmp_path / "d.toml")).profile
    assert next(c for c in prof["checks"] if c["id"] == "alignment")["status"] == "warn"


def test_admin_landscape_is_aligned_by_construction(tmp_path, units_gpkg):
    from landgeo.app.pipeline import build_profile

    text = 'method = "admin"\npath = "units.gpkg"\nlayer = "districts"\nfield = "name"\nvalues = ["Mandé"]'
    prof = build_profile(read_recipe(write_recipe(tmp_path, "a.toml", text))).profile
    check = next(c for c in prof["checks"] if c["id"] == "alignment")
    assert check["status"] == "ok" and "by construction" in check["message"]


def test_repair_notes_follow_the_profile_language(tmp_path):
    """What the reader repaired is reported in the profile's language."""
    from landgeo.app.pipeline import build_profile

    bowtie = shapely.Polygon([(0, 0), (0.1, 0.1), (0.1, 0), (0, 0.1)])
    gpd.GeoDataFrame(geometry=[bowtie, shapely.box(0.2, 0, 0.3, 0.1)], crs=4326).to_file(tmp_path / "messy.gpkg")
    r = read_recipe(write_recipe(tmp_path, "m.toml", 'method = "file"\npath = "messy.gpkg"'))
    assert build_profile(r, lang="en").profile["notes"] == ["messy.gpkg: 1 invalid geometry repaired (make_valid)"]
    assert build_profile(r, lang="fr").profile["notes"] == ["messy.gpkg : 1 géométrie invalide réparée (make_valid)"]
    assert build_profile(r, lang="pt").profile["notes"] == ["messy.gpkg: 1 geometria inválida reparada (make_valid)"]
