"""Sheets at landscape scale: layout over the size/latitude range, labels, [context] layers, streams, outlets."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from matplotlib.text import Text

from landgeo.geo import geodesy
from landgeo.render import layout
from landgeo.render.context import COUNTRIES_10M, country_borders, outlines_for_scale
from landgeo.render.labels_placement import Labeller
from landgeo.render.sheet import build_sheet


def _square(lon: float, lat: float, ha: float):
    side_m = math.sqrt(ha * 1e4)
    dlat = side_m / 111_320
    dlon = side_m / (111_320 * math.cos(math.radians(lat)))
    return shapely.box(lon - dlon / 2, lat - dlat / 2, lon + dlon / 2, lat + dlat / 2)


def _text_boxes(fig):
    from landgeo.render.sheet import PNG_DPI

    fig.set_dpi(PNG_DPI)  # at the PNG's resolution: hinted glyph widths differ a little from 100 dpi
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return [(t.get_text(), t.get_window_extent(renderer)) for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip()]


def _legend_texts(fig) -> list[str]:
    """The entries of every legend of ``fig``: the figure's (panels) and its axes'."""
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]
    return [t.get_text() for leg in legends for t in leg.get_texts()]


LONG_NAME = "Paysage au nom très long pour vérifier le retour à la ligne — Région des Savanes et du Haut-Bassin du Sanwi"


@pytest.mark.parametrize("lon, lat, ha, lang", [(-1.5, 0.05, 1_000, "fr"), (-2.0, 6.5, 60_000, "es"),
                                                (32.9, 1.5, 800_000, "pt"), (-71.5, -36.0, 5_000_000, "es"),
                                                (10.5, 60.0, 20_000, "en"), (-127.0, 59.5, 3_000_000, "fr")])
def test_no_text_leaves_the_page_or_overlaps_another(lon, lat, ha, lang):
    g = _square(lon, lat, ha)
    assert abs(geodesy.area_ha(g) / ha - 1) < 0.02  # the case is the size it claims
    profile = {"name": LONG_NAME, "area_ha": geodesy.area_ha(g), "scale": {"verdict": "within"},
               "location": {"countries": ["GHA"]},
               "template": {"challenges": ["Turbid rivers below mining sites, forest loss on the valley slopes"] * 3}}
    fig = build_sheet(profile, {"boundary": gpd.GeoDataFrame(geometry=[g], crs=4326)}, lang=lang)
    boxes = _text_boxes(fig)
    assert len(boxes) > 30  # title, table, ticks, legend: the page was drawn
    page = fig.bbox
    off = [s for s, b in boxes if b.x0 < page.x0 or b.x1 > page.x1 or b.y0 < page.y0 or b.y1 > page.y1]
    assert off == []
    overlaps = [(a[0], b[0]) for a, b in itertools.combinations(boxes, 2) if a[1].overlaps(b[1])]
    assert overlaps == []


def test_long_title_wraps_and_legend_and_table_stay_off_the_map():
    g = _square(-2.0, 6.5, 60_000)
    fig = build_sheet({"name": LONG_NAME * 2, "area_ha": 60_000.0}, {"boundary": gpd.GeoDataFrame(geometry=[g], crs=4326)})
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    title = next(t for t in fig.texts if t.get_text().startswith(LONG_NAME[:20]))
    assert title.get_text().count("\n") == 1 and title.get_window_extent(renderer).x1 <= 0.97 * fig.bbox.width
    main_map = fig.axes[0].get_window_extent(renderer)
    panels = [*fig.axes[1:], *fig.legends, *fig.artists, *fig.texts]  # panels: axes, or figure artists
    assert len(fig.legends) == 1 and len(fig.artists) > 3  # the legend, the table's row shading
    for artist in panels + [ax.get_legend() for ax in fig.axes[1:] if ax.get_legend()]:
        assert not artist.get_window_extent(renderer).overlaps(main_map), artist


def test_graticule_step_follows_the_extent():
    assert layout.graticule_step(0.03, 5) == 30 / 3600          # a 1,000 ha landscape: 30″
    assert layout.graticule_step(0.5, 5) == 10 / 60              # 10′
    assert layout.graticule_step(12.0, 5) == 5                   # 5°
    ticks = layout.graticule_ticks(-1.234, -1.1, max_ticks=5)
    assert all(-1.234 <= v <= -1.1 for v in ticks) and 2 <= len(ticks) <= 5
    steps = np.diff(ticks)
    assert np.allclose(steps, steps[0])
    assert layout.dms(-19.5, "x", 0.5, "fr") == "19°30′O"
    assert layout.dms(5.2125, "y", 15 / 3600, "en") == "5°12′45″N"


def test_labeller_drops_the_lower_priority_label_rather_than_overlap():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 3))
    FigureCanvasAgg(fig)
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    lab = Labeller(ax)
    lab.add(0.5, 0.5, "Hamlet", priority=10)            # centred on the same spot as the town
    lab.add(0.5, 0.5, "Kumasi Metropolis", priority=3_000_000)
    lab.add(0.9, 0.9, "Far village", priority=1)
    drawn = [t.get_text() for t in lab.place_all()]
    assert drawn == ["Kumasi Metropolis", "Far village"]
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.texts]
    assert not any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2))


def test_ten_metre_outlines_at_landscape_scale_and_borders_between_two_countries():
    assert COUNTRIES_10M.is_file() and COUNTRIES_10M.stat().st_size < 4_000_000
    assert outlines_for_scale(1_000_000, (-3.5, 5.6, -2.6, 6.4)) == COUNTRIES_10M
    assert outlines_for_scale(60_000_000, (-3.5, 5.6, -2.6, 6.4)).suffix == ".geojson"
    assert outlines_for_scale(1_000_000, (10.0, 59.0, 11.0, 60.0)).suffix == ".geojson"  # Norway: not covered
    borders = country_borders((-3.6, 5.6, -2.6, 6.4))
    pairs = {frozenset((a, b)) for a, b in zip(borders["left"], borders["right"])}
    assert frozenset(("CIV", "GHA")) in pairs
    countries = gpd.read_file(COUNTRIES_10M, layer="countries")
    assert {"GHA", "CIV", "GIN", "SLE", "UGA", "MDG", "CHL", "BRA"} <= set(countries["iso_a3"])
    # the Ghana/Côte d'Ivoire border line lies on both outlines (shared vertices)
    gha = countries.loc[countries.iso_a3 == "GHA"].geometry.iloc[0]
    civ = countries.loc[countries.iso_a3 == "CIV"].geometry.iloc[0]
    line = borders.geometry[[frozenset((a, b)) == frozenset(("CIV", "GHA"))
                             for a, b in zip(borders["left"], borders["right"])]].iloc[0]
    assert gha.boundary.distance(line.interpolate(0.5, normalized=True)) < 1e-6
    assert civ.boundary.distance(line.interpolate(0.5, normalized=True)) < 1e-6
    assert 600 < geodesy.length_km(line) < 800  # Ghana–Côte d'Ivoire border ≈ 720 km


def _context_recipe(tmp_path: Path, units_gpkg: Path) -> Path:
    towns = pd.DataFrame({"nom": ["Grande Ville", "Bourg", "Hameau"], "lon": [0.05, 0.11, 0.12],
                          "lat": [0.05, 0.11, 0.04], "habitants": [250_000, 8_000, 300]})
    towns.to_csv(tmp_path / "towns.csv", index=False)
    roads = gpd.GeoDataFrame({"ref": ["N1", "R2"]}, geometry=[shapely.LineString([(-0.1, 0.02), (0.3, 0.18)]),
                                                              shapely.LineString([(0.1, -0.1), (0.1, 0.3)])], crs=4326)
    roads.to_file(tmp_path / "roads.gpkg")
    recipe = tmp_path / "ctx.toml"
    recipe.write_text(f"""
[landscape]
name = "Context test"
language = "fr"
[boundary]
method = "file"
path = "{tmp_path / 'box.geojson'}"
[attach.admin_units]
path = "{units_gpkg}"
layer = "districts"
name_field = "name"
[context.villes]
path = "towns.csv"
kind = "settlements"
x = "lon"
y = "lat"
name_field = "nom"
population_field = "habitants"
title = "Villes"
source = "Recensement (test)"
[context.routes]
path = "roads.gpkg"
kind = "roads"
""", encoding="utf-8")
    gpd.GeoDataFrame(geometry=[shapely.box(0.02, 0.02, 0.09, 0.09)], crs=4326).to_file(tmp_path / "box.geojson")
    return recipe


def test_context_section_layers_reach_the_sheet_and_the_profile_folder(tmp_path, units_gpkg):
    from landgeo.app.pipeline import build_profile, write_profile_dir
    from landgeo.recipe.parse import read_recipe
    from landgeo.render.outputs import load_profile_dir

    result = build_profile(read_recipe(_context_recipe(tmp_path, units_gpkg)))
    pts = result.layers["context_points"]
    assert list(pts.sort_values("priority", ascending=False)["name"]) == ["Grande Ville", "Bourg", "Hameau"]
    assert set(result.layers["context_lines"]["kind"]) == {"roads"}
    assert result.profile["map_context"]["layers"][0] == {"name": "villes", "kind": "settlements", "features": 3,
                                                          "source": "Recensement (test)"}
    # units in view the landscape does not touch are its neighbours
    touched = set(result.layers["admin_units"]["name"])
    neighbours = set(result.layers["admin_neighbours"]["name"])
    assert neighbours and not (touched & neighbours)
    folder = write_profile_dir(result, tmp_path / "out")
    _, layers = load_profile_dir(folder)
    assert len(layers["context_points"]) == 3 and len(layers["context_lines"]) == 2
    fig = build_sheet(result.profile, layers, lang="fr")
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert "Grande Ville" in texts  # the most important settlement is always labelled
    assert {"Villes", "Routes"} <= set(_legend_texts(fig))


def test_context_layer_with_a_wrong_field_is_one_clear_error(tmp_path, units_gpkg):
    from landgeo.app.pipeline import build_profile
    from landgeo.errors import FieldError
    from landgeo.recipe.parse import read_recipe

    recipe = _context_recipe(tmp_path, units_gpkg)
    recipe.write_text(recipe.read_text(encoding="utf-8").replace('population_field = "habitants"',
                                                                  'population_field = "pop"'), encoding="utf-8")
    with pytest.raises(FieldError, match=r"\[context.villes\]: no field 'pop'.*population_field"):
        build_profile(read_recipe(recipe))


def test_unknown_context_kind_names_the_choices(tmp_path, units_gpkg):
    from landgeo.errors import RecipeError
    from landgeo.recipe.parse import read_recipe

    recipe = _context_recipe(tmp_path, units_gpkg)
    recipe.write_text(recipe.read_text(encoding="utf-8").replace('kind = "roads"', 'kind = "motorways"'),
                      encoding="utf-8")
    with pytest.raises(RecipeError, match=r"\[context.routes\] kind.*settlements"):
        read_recipe(recipe)


def _bowl_dem(path: Path, n: int = 120):
    """A tilted valley: z falls towards the south-centre outlet; rows north to south, 0.001° cells at 5° N."""
    import rasterio
    from rasterio.transform import from_origin

    yy, xx = np.mgrid[0:n, 0:n]
    z = (200 - yy * 1.0 + np.abs(xx - n / 2) * 1.5).astype("float32")
    with rasterio.open(path, "w", driver="GTiff", width=n, height=n, count=1, dtype="float32", crs="EPSG:4326",
                       transform=from_origin(0.0, 5.0 + n * 0.001, 0.001, 0.001), nodata=-9999) as dst:
        dst.write(z, 1)
    return path


def test_dem_sheet_draws_streams_from_accumulation_and_both_outlets(tmp_path):
    from landgeo.delineate.streams import stream_network
    from landgeo.io.raster import open_raster
    from landgeo.render import hydro_marks

    dem = _bowl_dem(tmp_path / "dem.tif")
    with open_raster(dem) as src:
        streams = stream_network(src, 50)
    assert len(streams) and set(streams["size"]) <= {1, 2, 3}
    # the valley floor (column n/2) carries the main stream: it runs north–south along lon ≈ 0.06
    main = streams.loc[streams["size"].idxmax()].geometry
    xs = shapely.get_coordinates(main)[:, 0]
    assert np.all(np.abs(xs - 0.0605) < 0.002)
    # cells with ≥ 50 upstream cells: on the valley floor, those at least 50 rows below the top
    total = sum(len(shapely.get_coordinates(g)) for g in streams.geometry)
    assert total > 60
    profile = {"name": "DEM", "boundary": {"method": "dem", "details": {
        "outlet_given": [0.062, 5.004], "outlet_snapped": [0.0605, 5.0005], "snap_distance_m": 410.2,
        "stream_threshold_cells": 50}}}
    assert hydro_marks.outlet_points(profile) == ([0.062, 5.004], [0.0605, 5.0005], 410.2)
    old = {"boundary": {"details": {"outlet_requested": [1, 2], "outlet": [3, 4], "snap_distance_m": 5}}}
    assert hydro_marks.outlet_points(old) == ([1.0, 2.0], [3.0, 4.0], 5.0)
    g = shapely.box(0.03, 5.0, 0.09, 5.12)
    fig = build_sheet(profile, {"boundary": gpd.GeoDataFrame(geometry=[g], crs=4326), "streams": streams},
                      rasters={"dem": dem})
    legend = _legend_texts(fig)
    assert any("50" in t and "accumulation" in t for t in legend)
    assert "Outlet given" in legend and "Outlet snapped (410 m)" in legend


def test_layers_for_the_map_leave_out_missing_and_empty_geometries_only():
    from landgeo.render.context import to_4326

    boxes = [shapely.box(i, 0, i + 1, 1) for i in range(4)]
    layer = gpd.GeoDataFrame({"name": list("abcd")}, geometry=boxes, crs=4326)
    assert to_4326(layer, "admin") is layer  # nothing to leave out: no copy
    layer.loc[1, "geometry"] = None
    layer.loc[2, "geometry"] = shapely.Polygon()
    kept = to_4326(layer, "admin")
    assert list(kept["name"]) == ["a", "d"] and len(layer) == 4
    in_metres = gpd.GeoDataFrame(geometry=[shapely.box(500_000, 0, 510_000, 10_000)], crs=32630).iloc[[0, 0]]
    assert to_4326(in_metres, "rivers").crs.to_epsg() == 4326
    assert to_4326(layer.iloc[[1, 2]], "admin") is None and to_4326(layer.iloc[[]], "admin") is None


def test_a_map_too_narrow_for_a_graticule_line_gets_its_frame_alone():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from landgeo.render.frame import finish_map_axes

    fig = Figure(figsize=(11.69, 8.27))
    FigureCanvasAgg(fig)
    ax = fig.add_axes([0.1, 0.1, 2.2 / 11.69, 4 / 8.27])
    extent = (48.50358230373823, 56.50403346401619, 10.0, 18.0)  # no longitude line fits between the margins
    ax.set_xlim(*extent[:2])
    ax.set_ylim(*extent[2:])
    finish_map_axes(ax, extent, "en", marks=False)
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.texts]
    assert labels and all(t.endswith(("N", "S")) for t in labels)  # latitudes only
