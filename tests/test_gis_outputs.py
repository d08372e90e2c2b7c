"""Styled GeoPackages (layer_styles with QML) and the profile's tables (tables.xlsx, CSVs).

Independent references: geodesic areas with ``pyproj.Geod`` on the written
geometries; totals added up from ``profile.json``; QGIS itself (PyQGIS, Debian's
/usr/bin/python3) opens the layers and renders them, and the sheet's colours are
looked for in the image.
"""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from openpyxl import load_workbook
from pyproj import Geod

from landgeo.io.gpkg_styles import read_layer_styles
from landgeo.render import style

from .qgis_helpers import SCRIPTS, qgis_env, qgis_python

REPO = Path(__file__).resolve().parents[1]
GEOD = Geod(ellps="WGS84")


def geod_ha(geom) -> float:
    return sum(abs(GEOD.geometry_area_perimeter(shapely.orient_polygons(p))[0]) for p in shapely.get_parts(geom)) / 1e4


def _qml(styles: pd.DataFrame, table: str) -> ET.Element:
    row = styles[styles["f_table_name"] == table]
    assert len(row) == 1 and bool(row["useAsDefault"].iloc[0]), table
    return ET.fromstring(row["styleQML"].iloc[0].split("\n", 1)[1])


def test_every_layer_of_boundary_gpkg_has_a_default_style(demo_profiles):
    gpkg = demo_profiles["demo-kora-hills"] / "boundary.gpkg"
    data_layers = {n for n, g in pyogrio.list_layers(gpkg) if g is not None}
    styles = read_layer_styles(gpkg)
    assert set(styles["f_table_name"]) == data_layers >= {"boundary", "admin_units", "ecosystems", "sites", "rivers"}
    assert list(styles.columns[:12]) == ["f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column", "styleName",
                                         "styleQML", "styleSLD", "useAsDefault", "description", "owner", "ui", "update_time"]
    assert set(styles["f_geometry_column"]) == {pyogrio.read_info(gpkg, layer="boundary")["geometry_name"] or "geom"}
    boundary = _qml(styles, "boundary")
    lines = [{p.get("k"): p.get("v") for p in layer.iter("prop")} for layer in boundary.iter("layer")]
    assert [(ln["line_color"], ln["line_width"]) for ln in lines] == [("255,255,255,230", "3.6"), ("178,24,43,255", "1.8")]
    admin = _qml(styles, "admin_units")
    dash = {p.get("k"): p.get("v") for p in admin.iter("prop")}
    assert dash["use_custom_dash"] == "1" and dash["customdash"] == "2.8;1.75" and dash["line_color"] == "77,77,77,255"
    assert admin.get("labelsEnabled") == "1" and admin.find(".//text-style").get("fieldName") == "name"
    # the ecosystem categories are the class names of the layer, in the sheet's colours
    eco = gpd.read_file(gpkg, layer="ecosystems")
    cats = {c.get("value"): c.get("symbol") for c in _qml(styles, "ecosystems").iter("category")}
    assert set(cats) == set(eco["class"])
    assert _qml(styles, "ecosystems").find("renderer-v2").get("attr") == "class"


def test_french_profile_styles_have_french_legends(demo_profiles):
    styles = read_layer_styles(demo_profiles["demo-foret-de-sanwi"] / "boundary.gpkg")
    labels = {t: _qml(styles, t).find(".//rule").get("label") for t in ("boundary", "admin_units", "rivers", "sites")}
    assert labels == {"boundary": "Limite du paysage", "admin_units": "Unités administratives", "rivers": "Cours d'eau",
                      "sites": "Sites d'EMAPE"}
    assert set(styles["description"]) >= {"Limite du paysage"}


def test_style_table_is_not_a_layer_for_landgeo(tmp_path):
    from landgeo.app.files import check_file, delineate_to_file

    out = tmp_path / "b.gpkg"
    delineate_to_file(REPO / "boundaries" / "demo-districts.toml", out)
    assert {str(n) for n, _ in pyogrio.list_layers(out)} == {"boundary", "layer_styles"}
    report = check_file(out)  # one data layer: no "holds 2 layers" error
    assert report.area_ha == pytest.approx(geod_ha(gpd.read_file(out, layer="boundary").geometry.iloc[0]), rel=1e-6)


def test_compare_and_basin_layers_are_styled(tmp_path):
    from landgeo.app.compare import write_comparison
    from landgeo.comparison import compare
    from landgeo.delineate.basins.build import build_basins_file
    from landgeo.render.qml import basin_styles

    cells = {f"U{i}{j}": shapely.box(30 + 0.5 * i, 0.5 * j, 30.5 + 0.5 * i, 0.5 + 0.5 * j) for i in range(2) for j in range(2)}
    units = gpd.GeoDataFrame({"district": list(cells)}, geometry=list(cells.values()), crs=4326)
    c = compare(shapely.box(30.05, 0.05, 30.95, 0.7), units=units, field="district")
    write_comparison(c, tmp_path / "cmp", lang="fr", date="2026-01-01")
    styles = read_layer_styles(tmp_path / "cmp" / "compare.gpkg")
    written = {n for n, g in pyogrio.list_layers(tmp_path / "cmp" / "compare.gpkg") if g is not None}
    assert set(styles["f_table_name"]) == written and {"a", "best_fit", "units", "hybrid"} <= written
    assert _qml(styles, "hybrid").find(".//rule").get("label") == "dans les deux (hybride)"
    hybrid_fill = {p.get("k"): p.get("v") for p in _qml(styles, "hybrid").iter("prop")}["color"]
    assert hybrid_fill == "166,219,160,255" and _qml(styles, "hybrid").find(".//symbol").get("alpha") == "0.75"
    basins = build_basins_file(REPO / "layers" / "demo" / "dem.tif", tmp_path / "basins.gpkg", min_unit_ha=20_000,
                               styles=basin_styles("basins", lang="en"))
    assert len(basins) > 1 and list(read_layer_styles(tmp_path / "basins.gpkg")["f_table_name"]) == ["basins"]


def test_admin_units_layer_is_clipped_with_areas(demo_profiles):
    folder = demo_profiles["demo-foret-de-sanwi"]
    layer = gpd.read_file(folder / "boundary.gpkg", layer="admin_units")
    boundary = gpd.read_file(folder / "boundary.gpkg", layer="boundary").geometry.iloc[0]
    prof = json.loads((folder / "profile.json").read_text(encoding="utf-8"))
    assert len(layer) == len(prof["location"]["admin_units"]) >= 2
    for _, row in layer.iterrows():
        assert row.geometry.difference(boundary.buffer(1e-9)).area < 1e-12  # inside the landscape
        assert row["area_ha"] == pytest.approx(geod_ha(row.geometry), rel=1e-4)
        assert row["area_ha"] / row["unit_area_ha"] == pytest.approx(row["share_of_unit"], rel=1e-4)
    assert layer["area_ha"].sum() == pytest.approx(prof["area_ha"], rel=1e-4)


def test_tables_totals_equal_profile_json(demo_profiles):
    folder = demo_profiles["demo-kora-hills"]
    prof = json.loads((folder / "profile.json").read_text(encoding="utf-8"))
    book = pd.read_excel(folder / "tables.xlsx", sheet_name=None)
    assert list(book) == ["Ecosystems", "Land cover", "Admin units", "Sites", "Checks"]
    eco = pd.read_csv(folder / "ecosystems.csv")
    assert eco["Area (ha)"].dtype.kind == "f"
    assert eco["Area (ha)"].sum() == pytest.approx(sum(c["area_ha"] for c in prof["ecosystems"]["classes"]), abs=0.01)
    assert book["Land cover"]["Area (ha)"].sum() == pytest.approx(sum(c["area_ha"] for c in prof["land_cover"]["classes"]), abs=0.01)
    assert book["Land cover"]["Share of the landscape"].sum() == pytest.approx(1 - prof["land_cover"]["not_covered_share"], abs=1e-5)
    admin = pd.read_csv(folder / "admin_units.csv")
    assert admin["Share of the landscape"].sum() == pytest.approx(1.0, abs=1e-5)
    # pieces are measured densified (attach.area_ha), the landscape as a whole: they agree to ~1e-5
    assert admin["Area inside the landscape (ha)"].sum() == pytest.approx(prof["area_ha"], rel=1e-4)
    sites = book["Sites"]
    assert len(sites) == prof["sites"]["count"]
    assert int(sites["Near water"].sum()) == prof["sites"]["near_water"]["count"]
    assert sites["Area (ha)"].sum() == pytest.approx(prof["sites"]["area_ha"], abs=0.01)
    checks = pd.read_csv(folder / "checks.csv")
    assert list(checks["Check"]) == [c["id"] for c in prof["checks"]]
    ws = load_workbook(folder / "tables.xlsx")["Admin units"]
    assert ws["F2"].number_format == "0.0%" and isinstance(ws["D2"].value, float)


def test_french_tables(demo_profiles):
    folder = demo_profiles["demo-foret-de-sanwi"]
    book = pd.read_excel(folder / "tables.xlsx", sheet_name=None)
    assert "Unités administratives" in book and "Contrôles" in book
    assert list(book["Unités administratives"].columns[:2]) == ["Nom", "Niveau"]
    csv = (folder / "sites.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert csv.startswith("Site,Type,Superficie (ha),Distance au cours d'eau")


def test_text_cells_are_neutralised(tmp_path):
    from landgeo.io.tables import (  # cells neutralised by landgeo.io.atomic.neutralise_frame
        write_csv,
        write_xlsx,
    )

    frame = pd.DataFrame({"Nom": ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tx", "Kora"], "ha": [1.5, 2, 3, 4, 5, 6]})
    write_csv(frame, tmp_path / "t.csv")
    back = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig")
    assert list(back["Nom"][:4]) == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)"] and back["Nom"][5] == "Kora"
    assert back["ha"].sum() == 21.5
    write_xlsx({"T": frame}, tmp_path / "t.xlsx")
    ws = load_workbook(tmp_path / "t.xlsx")["T"]
    assert ws["A2"].data_type == "s" and ws["A2"].value.startswith("'=") and ws["B2"].value == 1.5


def _colour_pixels(image: np.ndarray, colour: str, alpha: float = 1.0, tol: int = 6) -> int:
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)
    blended = alpha * rgb + (1 - alpha) * 255.0  # over the white background
    return int((np.abs(image[..., :3].astype(float) - blended) <= tol).all(axis=-1).sum())


@pytest.mark.qgis
def test_qgis_renders_boundary_gpkg_with_the_sheet_colours(demo_profiles, tmp_path):
    python = qgis_python()
    gpkg = demo_profiles["demo-kora-hills"] / "boundary.gpkg"
    png = tmp_path / "qgis.png"
    done = subprocess.run([python, str(SCRIPTS / "render_gpkg.py"), str(png), str(gpkg),
                           "ecosystems", "admin_units", "rivers", "boundary", "sites"],
                          check=False, capture_output=True, text=True, timeout=300, env=qgis_env(tmp_path))
    assert done.returncode == 0, done.stderr[-2000:]
    info = json.loads(done.stdout.strip().splitlines()[-1])
    assert info["boundary"] == {"renderer": "RuleRenderer", "legend": ["Landscape boundary"], "labels": False,
                                "colours": ["#ffffff"]}
    assert info["admin_units"]["labels"] and info["ecosystems"]["renderer"] == "categorizedSymbol"
    eco = gpd.read_file(gpkg, layer="ecosystems")
    assert set(info["ecosystems"]["legend"]) == set(eco["class"])
    from matplotlib.image import imread

    image = (imread(png) * 255).round().astype(np.uint8)
    assert _colour_pixels(image, style.BOUNDARY) > 500  # the red outline
    assert _colour_pixels(image, style.RIVER) > 50
    assert _colour_pixels(image, style.ADMIN) > 50  # dashes and labels
    for name, colour in style.class_colours(list(eco["class"].value_counts().index)).items():
        assert _colour_pixels(image, colour, alpha=0.85) > 2000, name
