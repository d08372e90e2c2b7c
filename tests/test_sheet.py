"""Map sheets: A4 landscape PDF/PNG, text in English and French, determinism, rasters."""

from __future__ import annotations

import math
import re

import geopandas as gpd
import numpy as np
import pytest
from pyproj import Geod
from rasterio.transform import from_origin

from landgeo.render.sheet import hillshade, km_per_degree_lon, write_sheet

from .render_data import demo_inputs, landcover_tif, write_tif

pypdf = pytest.importorskip("pypdf")

A4_PT = (297 / 25.4 * 72, 210 / 25.4 * 72)  # A4 landscape in points


def _text(pdf_path) -> str:
    reader = pypdf.PdfReader(str(pdf_path))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"[\s\u00a0\u202f]+", " ", text)


def _page_size(pdf_path) -> tuple[float, float]:
    box = pypdf.PdfReader(str(pdf_path)).pages[0].mediabox
    return float(box.width), float(box.height)


def test_english_sheet_is_a4_landscape_with_name_area_and_verdict(tmp_path):
    profile, layers = demo_inputs()
    pdf, png = write_sheet(profile, layers, pdf=tmp_path / "s.pdf", png=tmp_path / "s.png", lang="en")
    w, h = _page_size(pdf)
    assert abs(w - A4_PT[0]) < 2.9 and abs(h - A4_PT[1]) < 2.9  # within 1 mm
    text = _text(pdf)
    assert "Vallée de l'Offin" in text
    assert f"{round(profile['area_ha']):,} ha" in text  # area from pyproj.Geod, English grouping
    assert "within the landscape scale band" in text
    for word in ("Location", "Population", "Livelihoods", "Main challenges", "Legend", "Sources", "EPSG:4326"):
        assert word in text
    from PIL import Image

    with Image.open(png) as im:
        assert im.size[0] >= math.floor(297 / 25.4 * 200) and im.size[1] >= math.floor(210 / 25.4 * 200)
        assert im.size[0] > im.size[1]


def test_french_sheet_has_french_labels_and_number_format(tmp_path):
    profile, layers = demo_inputs()
    (pdf,) = write_sheet(profile, layers, pdf=tmp_path / "s.pdf", lang="fr")
    text = _text(pdf)
    area = f"{round(profile['area_ha']):,}".replace(",", " ")
    assert f"{area} ha" in text
    for word in ("Superficie", "Localisation", "Légende", "Moyens de subsistance", "Principaux défis",
                 "dans la fourchette d'échelle", "Limite du paysage", "Sites d'EMAPE", "Définition de la limite"):
        assert word in text, word
    assert "Location" not in text


def test_same_inputs_give_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    profile, layers = demo_inputs()
    a = write_sheet(profile, layers, pdf=tmp_path / "a.pdf", png=tmp_path / "a.png", dpi=72)
    b = write_sheet(profile, layers, pdf=tmp_path / "b.pdf", png=tmp_path / "b.png", dpi=72)
    assert a[0].read_bytes() == b[0].read_bytes()
    assert a[1].read_bytes() == b[1].read_bytes()
    meta = pypdf.PdfReader(str(a[0])).metadata
    assert meta.creation_date.year == 2023  # 1700000000 s = 2023-11-14
    assert "2023-11-14" in _text(a[0])


def test_no_creation_timestamp_without_source_date_epoch(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    profile, layers = demo_inputs()
    (pdf,) = write_sheet(profile, layers, pdf=tmp_path / "s.pdf", date="2026-01-02")
    assert pypdf.PdfReader(str(pdf)).metadata.get("/CreationDate") is None
    assert "2026-01-02" in _text(pdf)


def test_a_bare_profile_still_renders(tmp_path):
    profile, layers = demo_inputs()
    bare = {"name": "Bare $x$ <b>", "area_ha": None}
    (pdf,) = write_sheet(bare, {"boundary": layers["boundary"]}, pdf=tmp_path / "s.pdf")
    text = _text(pdf)
    assert "Bare $x$ <b>" in text and "not recorded" in text  # shown as typed, not as mathtext


def test_landcover_and_dem_rasters_are_drawn_with_class_names_from_the_raster(tmp_path):
    profile, layers = demo_inputs()
    profile["ecosystems"] = None  # the legend must come from the raster's CLASSES tag
    landcover_tif(tmp_path / "lc.tif")
    yy, xx = np.mgrid[0:30, 0:30]
    dem = (200 + 5 * xx + 3 * yy).astype("float32")
    write_tif(tmp_path / "dem.tif", dem, from_origin(-2.0, 6.7, 0.025, 0.025), nodata=-9999.0)
    (pdf,) = write_sheet(profile, {k: v for k, v in layers.items() if k != "ecosystems"}, pdf=tmp_path / "s.pdf",
                         rasters={"landcover": tmp_path / "lc.tif", "dem": tmp_path / "dem.tif"})
    text = _text(pdf)
    for word in ("Croplands", "Savannas", "Water", "Relief (hillshade)"):
        assert word in text, word


def test_km_per_degree_of_longitude_matches_the_ellipsoid():
    a, f = 6378137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    for lat in (0.0, 6.3, 45.0, 60.0):
        phi = math.radians(lat)
        expected = a * math.cos(phi) / math.sqrt(1 - e2 * math.sin(phi) ** 2) * math.pi / 180 / 1000
        assert km_per_degree_lon(lat) == pytest.approx(expected, rel=1e-6)
    # and against pyproj.Geod over a 1° arc at the equator (a geodesic along the equator)
    assert km_per_degree_lon(0.0) == pytest.approx(Geod(ellps="WGS84").inv(0, 0, 1, 0)[2] / 1000, rel=1e-6)


def test_hillshade_of_a_flat_and_a_tilted_surface():
    flat = hillshade(np.zeros((5, 5)), dx_m=90, dy_m=90, altitude=45)
    assert np.allclose(flat, math.sin(math.radians(45)))
    x = np.tile(np.arange(5.0), (5, 1)) * 90.0  # rises to the east: its face looks west, towards a NW sun
    towards = hillshade(x, dx_m=90, dy_m=90, azimuth=270)
    away = hillshade(-x, dx_m=90, dy_m=90, azimuth=270)
    assert towards.mean() > flat.mean() > away.mean()


def test_layers_in_another_crs_are_transformed(tmp_path):
    profile, layers = demo_inputs()
    layers = dict(layers)
    layers["sites"] = layers["sites"].to_crs(32630)
    (png,) = write_sheet(profile, layers, png=tmp_path / "s.png", dpi=72)
    assert png.stat().st_size > 10_000
    assert isinstance(layers["sites"], gpd.GeoDataFrame)


def test_sheet_command_rerenders_a_profile_folder(tmp_path):
    import json

    from click.testing import CliRunner

    from landgeo.cli.main import main
    from landgeo.io.vector import write_vector

    profile, layers = demo_inputs()
    folder = tmp_path / "offin"
    folder.mkdir()
    (folder / "profile.json").write_text(json.dumps(profile, ensure_ascii=False), encoding="utf-8")
    for name in ("boundary", "admin_units", "ecosystems", "sites", "rivers"):
        write_vector(layers[name], folder / "boundary.gpkg", layer=name)
    out = tmp_path / "fr.pdf"
    run = CliRunner().invoke(main, ["sheet", str(folder), "-o", str(out), "--lang", "fr"])
    assert run.exit_code == 0, run.output
    text = _text(out)
    assert "Vallée de l'Offin" in text and "Légende" in text and "Sites d'EMAPE" in text
    again = CliRunner().invoke(main, ["sheet", str(folder), "-o", str(out)])
    assert again.exit_code == 2 and "--overwrite" in again.output
    wrong = CliRunner().invoke(main, ["sheet", str(folder), "-o", str(tmp_path / "x.svg")])
    assert wrong.exit_code == 2 and ".pdf or .png" in wrong.output


def test_profile_folder_remembers_its_rasters_for_the_sheet(tmp_path):
    """`landgeo sheet PROFILE_DIR` draws the land cover again: the folder records where it was."""
    import json
    import shutil
    from pathlib import Path

    from landgeo.app.pipeline import build_profile, write_profile_dir
    from landgeo.recipe.parse import read_recipe
    from landgeo.render.outputs import load_profile_rasters

    repo = Path(__file__).resolve().parents[1]
    kit = tmp_path / "kit"
    shutil.copytree(repo / "layers", kit / "layers")
    shutil.copytree(repo / "boundaries", kit / "boundaries")
    result = build_profile(read_recipe(kit / "boundaries" / "demo-drawn.toml"))
    folder = write_profile_dir(result, tmp_path / "out", maps=False)
    recorded = json.loads((folder / "rasters.json").read_text())
    assert Path(recorded["landcover"]) == (kit / "layers" / "demo" / "landcover_modis_igbp.tif").resolve()
    assert load_profile_rasters(folder) == {"landcover": Path(recorded["landcover"])}
    (kit / "layers" / "demo" / "landcover_modis_igbp.tif").unlink()
    assert load_profile_rasters(folder) == {}  # gone: drawn without it, with a warning in the log
