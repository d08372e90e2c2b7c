"""Admin/jurisdiction and drawn boundaries: selection, dissolve, definition sentence."""

from __future__ import annotations

import pytest
import shapely

from landgeo.delineate.admin import boundary_from_units, normalize_name
from landgeo.errors import DelineationError, FieldError
from landgeo.geo import geodesy
from landgeo.io.vector import read_vector


@pytest.fixture
def units(units_gpkg):
    return read_vector(units_gpkg, layer="districts")


def test_values_are_case_and_accent_insensitive(units):
    b = boundary_from_units(units, label="units.gpkg:districts", field="name", values=["belavo", "KORA  nord"], level="district")
    expected = geodesy.area_ha(shapely.box(0, 0, 0.1, 0.1)) + geodesy.area_ha(shapely.box(0.1, 0, 0.2, 0.1))
    assert b.area_ha == pytest.approx(expected, rel=1e-6)
    assert b.definition == "Union of 2 districts: Bélavo and Kora Nord"
    assert b.geometry.geom_type == "Polygon"  # dissolved into one
    assert b.sources[0].features == 2


def test_unknown_name_lists_the_closest(units):
    with pytest.raises(DelineationError, match=r"no unit named 'Kora Nrd'.*closest: 'Kora Nord'"):
        boundary_from_units(units, label="u", field="name", values=["Kora Nrd"])


def test_unknown_field_suggests(units):
    with pytest.raises(FieldError, match="did you mean 'name'"):
        boundary_from_units(units, label="u", field="nam", values=["Mandé"])


def test_points_select_units(units):
    b = boundary_from_units(units, label="u", field="name", points=[(0.05, 0.15), (0.15, 0.15)])
    assert sorted(b.details["units"]) == ["Kora Sud", "Mandé"]
    with pytest.raises(DelineationError, match="fall in no unit"):
        boundary_from_units(units, label="u", field="name", points=[(5.0, 5.0)])


def test_where_filter_and_empty_selection(units_gpkg):
    west = read_vector(units_gpkg, layer="districts", where="region = 'West'")
    b = boundary_from_units(west, label="u", field="name", where="region = 'West'", parent_field="region", level="district")
    assert b.definition == "Union of 2 districts of West: Bélavo and Kora Nord"  # the filter restates "of West"
    none = read_vector(units_gpkg, layer="districts", where="region = 'North'")
    with pytest.raises(DelineationError, match="selected no unit"):
        boundary_from_units(none, label="u", field="name", where="region = 'North'")


def test_french_definition(units):
    b = boundary_from_units(units, label="u", field="name", values=["Bélavo", "Mandé", "Kora Sud"], level="district", lang="fr",
                            parent_field="region")
    assert b.definition == "Union de 3 districts de East et West : Bélavo, Mandé et Kora Sud"


def test_single_unit_sentence(units):
    b = boundary_from_units(units, label="u", field="name", values=["Mandé"], level="district", parent_field="region")
    assert b.definition == "District Mandé of East"


def test_normalize_name():
    assert normalize_name("Prestea-Huni Valley") == normalize_name("prestea huni-valley")
    assert normalize_name("Kéniéba") == "kenieba"


# --- a definition names each unit and parent once (Chile's Valle del Itata: the comunas of the province Itata) ---

@pytest.fixture
def comunas_gpkg(tmp_path):
    """Five comunas in a row: three of the province Itata, two of Diguillín, all in the region Ñuble."""
    import geopandas as gpd

    names = ["Quirihue", "Cobquecura", "Coelemu", "Chillán", "Bulnes"]
    provinces = ["Itata", "Itata", "Itata", "Diguillín", "Diguillín"]
    geoms = [shapely.box(-72.9 + 0.1 * i, -36.5, -72.8 + 0.1 * i, -36.4) for i in range(5)]
    gdf = gpd.GeoDataFrame({"comuna_name": names, "provincia_name": provinces, "region_name": ["Ñuble"] * 5,
                            "area_ha": [5000.0 + i for i in range(5)]}, geometry=geoms, crs=4326)
    path = tmp_path / "comunas.gpkg"
    gdf.to_file(path, layer="comunas_adm3")
    return path


def test_a_where_on_the_parent_is_not_said_twice(comunas_gpkg):
    where = "provincia_name = 'Itata'"
    itata = read_vector(comunas_gpkg, layer="comunas_adm3", where=where)
    b = boundary_from_units(itata, label="c", field="comuna_name", where=where, parent_field="provincia_name", level="comuna")
    assert b.definition == "Union of 3 communes of Itata: Quirihue, Cobquecura and Coelemu"
    fr = boundary_from_units(itata, label="c", field="comuna_name", where=where, parent_field="provincia_name",
                             level="comuna", lang="fr")
    assert fr.definition.count("Itata") == 1, fr.definition
    # a filter that says more than the parent is kept
    more = "provincia_name = 'Itata' AND area_ha > 5000.5"
    two = read_vector(comunas_gpkg, layer="comunas_adm3", where=more)
    b = boundary_from_units(two, label="c", field="comuna_name", where=more, parent_field="provincia_name", level="comuna")
    assert b.definition == f"Union of 2 communes of Itata selected by {more}: Cobquecura and Coelemu"
    assert b.details["where"] == more


def test_units_sharing_a_name_are_one_named_unit_in_the_sentence(comunas_gpkg):
    units = read_vector(comunas_gpkg, layer="comunas_adm3")
    b = boundary_from_units(units, label="c", field="provincia_name", values=["Itata"], level="province",
                            parent_field="region_name")
    assert b.definition == "Province Itata of Ñuble"
    assert b.sources[0].features == 3 and b.details["units"] == ["Itata"] * 3  # the data keep every row
    b = boundary_from_units(units, label="c", field="provincia_name", values=["Itata", "Diguillín"], level="province")
    assert b.definition == "Union of 2 provinces: Itata and Diguillín"
    # the parent field is the name field: the unit is not "of" itself
    b = boundary_from_units(units, label="c", field="provincia_name", values=["Itata"], level="province",
                            parent_field="provincia_name")
    assert b.definition == "Province Itata"


def test_batch_of_provinces_from_comunas_names_each_province_once(comunas_gpkg, tmp_path):
    import json

    from click.testing import CliRunner

    from landgeo.cli import main

    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["batch", "--units", str(comunas_gpkg), "--layer", "comunas_adm3", "--field",
                                    "provincia_name", "-o", str(out), "--workers", "0", "--no-maps", "--no-atlas"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    definition = json.loads((out / "itata" / "profile.json").read_text(encoding="utf-8"))["boundary"]["definition"]
    assert definition.count("Itata") == 1, definition
