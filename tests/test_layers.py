"""Every vector format read from files written to tmp_path; cleaning is counted, never silent."""

from __future__ import annotations

import warnings
import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from rasterio.transform import from_origin

from landgeo.errors import CRSError, FieldError, LayerError
from landgeo.io.raster import open_raster
from landgeo.io.vector import read_vector, report_of, write_vector

SQUARES = [shapely.box(0, 0, 0.1, 0.1), shapely.box(0.1, 0, 0.2, 0.1)]


def frame(**cols):
    return gpd.GeoDataFrame({"name": ["A", "B"], **cols}, geometry=SQUARES, crs=4326)


@pytest.mark.parametrize("suffix", [".gpkg", ".shp", ".geojson", ".kml"])
def test_round_trip_formats(tmp_path, suffix):
    path = tmp_path / f"units{suffix}"
    write_vector(frame(), path)
    gdf = read_vector(path, expect="polygon")
    assert len(gdf) == 2
    assert gdf.crs.to_epsg() == 4326
    assert sorted(gdf.geometry.area.round(6)) == [0.01, 0.01]


def test_zipped_shapefile(tmp_path):
    frame().to_file(tmp_path / "units.shp")
    zpath = tmp_path / "units.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        for f in tmp_path.glob("units.*"):
            if f.suffix != ".zip":
                z.write(f, f.name)
    assert len(read_vector(zpath)) == 2


def test_kmz(tmp_path):
    kml = tmp_path / "doc.kml"
    frame().to_file(kml, driver="KML")
    kmz = tmp_path / "drawn.kmz"
    with zipfile.ZipFile(kmz, "w") as z:
        z.write(kml, "doc.kml")
    gdf = read_vector(kmz, expect="polygon")
    assert len(gdf) == 2


def test_gpx_waypoints(tmp_path):
    pts = gpd.GeoDataFrame({"name": ["site 1", "site 2"]}, geometry=gpd.points_from_xy([-1.9, -2.0], [5.3, 5.4]), crs=4326)
    path = tmp_path / "sites.gpx"
    pts.to_file(path, driver="GPX", layer="waypoints")
    gdf = read_vector(path, expect="point")
    assert list(gdf["name"]) == ["site 1", "site 2"]


def test_gpkg_with_several_layers_needs_a_name(tmp_path):
    path = tmp_path / "two.gpkg"
    frame().to_file(path, layer="districts")
    frame().to_file(path, layer="regions")
    with pytest.raises(LayerError, match="districts.*regions.*layer ="):
        read_vector(path)
    with pytest.raises(LayerError, match="no layer 'provinces'"):
        read_vector(path, layer="provinces")
    assert len(read_vector(path, layer="regions")) == 2


@pytest.mark.parametrize("cols", [("lon", "lat"), ("Longitude", "Latitude"), ("x", "y"), ("lng", "lat")])
def test_csv_coordinate_columns_detected(tmp_path, cols):
    path = tmp_path / "sites.csv"
    pd.DataFrame({"site": ["a", "b"], cols[0]: [-1.9, -2.0], cols[1]: [5.3, 5.4]}).to_csv(path, index=False)
    gdf = read_vector(path, expect="point")
    assert gdf.crs.to_epsg() == 4326
    assert gdf.geometry.x.tolist() == [-1.9, -2.0]


def test_xlsx(tmp_path):
    path = tmp_path / "sites.xlsx"
    pd.DataFrame({"site": ["a", "b"], "longitude": [-1.9, -2.0], "latitude": [5.3, 5.4]}).to_excel(path, index=False)
    gdf = read_vector(path)
    assert gdf.geometry.y.tolist() == [5.3, 5.4]


def test_csv_swapped_lat_lon_refused(tmp_path):
    path = tmp_path / "swapped.csv"
    pd.DataFrame({"lon": [5.3, 8.1], "lat": [120.5, 121.0]}).to_csv(path, index=False)
    with pytest.raises(LayerError, match="swapped"):
        read_vector(path)


def test_csv_bad_rows_counted(tmp_path):
    path = tmp_path / "sites.csv"
    pd.DataFrame({"lon": [-1.9, None, 300.0, -2.0], "lat": [5.3, 5.0, 5.0, 5.4]}).to_csv(path, index=False)
    with pytest.warns(UserWarning, match="2 rows with missing or out-of-range coordinates"):
        gdf = read_vector(path)
    assert len(gdf) == 2
    assert report_of(gdf).dropped_invalid_coords == 2


def test_csv_without_coordinates(tmp_path):
    path = tmp_path / "table.csv"
    pd.DataFrame({"a": [1], "b": [2]}).to_csv(path, index=False)
    with pytest.raises(FieldError, match="no coordinate columns"):
        read_vector(path)


def test_projected_csv_with_crs(tmp_path):
    path = tmp_path / "utm.csv"
    pd.DataFrame({"easting": [500000.0], "northing": [600000.0]}).to_csv(path, index=False)
    with pytest.raises(LayerError, match="projected"):
        read_vector(path)
    gdf = read_vector(path, crs="EPSG:32630")
    assert gdf.crs.to_epsg() == 32630


def test_layer_without_crs(tmp_path):
    path = tmp_path / "nocrs.shp"
    frame().set_crs(None, allow_override=True).to_file(path)
    assert not (tmp_path / "nocrs.prj").exists()
    with pytest.raises(CRSError, match="no CRS.*crs ="):
        read_vector(path)
    assert read_vector(path, crs="EPSG:4326").crs.to_epsg() == 4326


def test_cleaning_is_counted(tmp_path):
    bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    cube = shapely.Polygon([(0, 0, 5), (1, 0, 5), (1, 1, 5), (0, 0, 5)])
    gdf = gpd.GeoDataFrame({"n": [1, 2, 3, 4]}, geometry=[bowtie, cube, shapely.Polygon(), SQUARES[0]], crs=4326)
    path = tmp_path / "messy.gpkg"
    gdf.to_file(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = read_vector(path, expect="polygon")
    rep = report_of(out)
    assert (rep.repaired, rep.dropped_empty, rep.flattened_3d) == (1, 1, 1)
    assert len(out) == 3
    assert out.geometry.is_valid.all() and not out.geometry.has_z.any()
    assert out.geometry.iloc[0].area == pytest.approx(0.5)  # the bow-tie's two triangles
    assert len(caught) == 3


def test_points_where_polygons_needed(tmp_path):
    path = tmp_path / "pts.geojson"
    gpd.GeoDataFrame(geometry=gpd.points_from_xy([0], [0]), crs=4326).to_file(path)
    with pytest.raises(LayerError, match="Point geometries but polygon"):
        read_vector(path, expect="polygon")


def test_not_geodata_and_missing(tmp_path):
    junk = tmp_path / "notes.gpkg"
    junk.write_text("this is not a GeoPackage")
    with pytest.raises(LayerError, match="notes.gpkg"):
        read_vector(junk)
    with pytest.raises(LayerError, match="file not found"):
        read_vector(tmp_path / "nope.gpkg")


def test_raster_without_crs(tmp_path):
    path = tmp_path / "nocrs.tif"
    with rasterio.open(path, "w", driver="GTiff", width=4, height=3, count=1, dtype="uint8", transform=from_origin(0, 1, 0.25, 0.25)) as dst:
        dst.write(np.arange(12, dtype="uint8").reshape(1, 3, 4))
    with pytest.raises(CRSError, match="no CRS"):
        with open_raster(path):
            pass
    with open_raster(path, crs="EPSG:4326") as src:
        assert src.crs.to_epsg() == 4326
        assert src.read(1)[2, 3] == 11


def test_layer_info_reused_only_while_the_file_is_unchanged(tmp_path):
    from landgeo.io import vector, vector_info

    path = tmp_path / "two.gpkg"
    box = gpd.GeoDataFrame({"name": ["a"]}, geometry=[shapely.box(0, 0, 1, 1)], crs=4326)
    write_vector(box, path, layer="first")
    with vector_info.reuse_layer_info():
        assert [n for n, _ in vector.list_layers(path)] == ["first"]
        write_vector(box, path, layer="second")  # the file changes: asked again
        assert [n for n, _ in vector.list_layers(path)] == ["first", "second"]
        assert vector.vector_extent_wgs84(path, layer="second") == (0.0, 0.0, 1.0, 1.0)
        info = vector_info.read_info(str(path), str(path), "first")
        info["crs"] = None  # a copy: the kept answer is unchanged
        assert vector_info.read_info(str(path), str(path), "first")["crs"]


def test_layer_info_follows_a_shapefile_whose_prj_changed(tmp_path):
    """A sidecar counts: rewriting a shapefile's .prj (its CRS) is seen inside a batch as outside it."""
    from landgeo.io import vector_info

    path = tmp_path / "units.shp"
    box = gpd.GeoDataFrame({"name": ["a"]}, geometry=[shapely.box(0, 0, 1, 1)], crs=4326)
    box.to_file(path)
    with vector_info.reuse_layer_info():
        assert vector_info.read_info(str(path), str(path), None)["crs"] == "EPSG:4326"
        box.to_crs(32630).to_file(tmp_path / "other.shp")
        (tmp_path / "units.prj").write_bytes((tmp_path / "other.prj").read_bytes())  # only the .prj changes
        assert vector_info.read_info(str(path), str(path), None)["crs"] == "EPSG:32630"


def test_temporary_gpkg_writes_same_file_options_restored(tmp_path):
    import sqlite3

    import pyogrio

    from landgeo.io.vector_write import temporary_gpkg_writes

    box = gpd.GeoDataFrame({"name": ["a"]}, geometry=[shapely.box(0, 0, 1, 1)], crs=4326)
    pyogrio.set_gdal_config_options({"OGR_SQLITE_JOURNAL": "DELETE"})  # the user's own setting
    try:
        with temporary_gpkg_writes():
            assert pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS") in ("OFF", False)  # pyogrio reads OFF as False
            assert pyogrio.get_gdal_config_option("OGR_SQLITE_JOURNAL") == "DELETE"
            write_vector(box, tmp_path / "a.gpkg", layer="a")
        assert pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS") is None
        assert pyogrio.get_gdal_config_option("OGR_SQLITE_JOURNAL") == "DELETE"
    finally:
        pyogrio.set_gdal_config_options({"OGR_SQLITE_JOURNAL": None})
    with temporary_gpkg_writes():
        write_vector(box, tmp_path / "b.gpkg", layer="a")
    assert pyogrio.get_gdal_config_option("OGR_SQLITE_JOURNAL") is None
    write_vector(box, tmp_path / "c.gpkg", layer="a")
    for name in ("b.gpkg", "c.gpkg"):
        with sqlite3.connect(tmp_path / name) as con:
            assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert_frame_equal = pd.testing.assert_frame_equal
    assert_frame_equal(read_vector(tmp_path / "b.gpkg"), read_vector(tmp_path / "c.gpkg"), check_like=True)
