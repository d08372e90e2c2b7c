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
    assert b.definition.startswith("Union of 2 districts of West selected by region = 'West'")
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
