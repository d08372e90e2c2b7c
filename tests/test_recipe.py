"""Recipe validation: every error names the file, the key and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from landgeo.errors import RecipeError
from landgeo.recipe.parse import read_recipe, slugify

GOOD = """
[landscape]
name = "Bélavo Hills"
language = "fr"

[boundary]
method = "admin"
path = "units.gpkg"
layer = "districts"
field = "name"
values = ["Bélavo"]
"""


def write(tmp_path: Path, text: str, name="r.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_recipe(tmp_path, units_gpkg):
    r = read_recipe(write(tmp_path, GOOD))
    assert r.slug == "belavo-hills"
    assert r.language == "fr"
    assert r.boundary["path"] == units_gpkg  # resolved relative to the recipe
    assert r.min_ha == 10_000 and r.max_ha == 1_000_000
    with pytest.raises(TypeError):
        r.boundary["field"] = "x"  # read-only


def test_not_toml(tmp_path):
    with pytest.raises(RecipeError, match=r"r.toml: is not valid TOML"):
        read_recipe(write(tmp_path, "[landscape\nname = 1"))


def test_unknown_key_did_you_mean(tmp_path, units_gpkg):
    with pytest.raises(RecipeError, match=r"unknown key 'feild' in \[boundary\].*did you mean 'field'"):
        read_recipe(write(tmp_path, GOOD.replace('field = "name"', 'feild = "name"')))
    with pytest.raises(RecipeError, match=r"unknown table \[profil\].*did you mean 'profile'"):
        read_recipe(write(tmp_path, GOOD + "\n[profil]\nchallenges = []\n"))


def test_key_of_another_method(tmp_path, units_gpkg):
    text = GOOD.replace('method = "admin"', 'method = "file"')
    with pytest.raises(RecipeError, match=r"'field'.*used by method 'admin'"):
        read_recipe(write(tmp_path, text))


def test_missing_file_named(tmp_path):
    with pytest.raises(RecipeError, match=r"\[boundary\] path = 'units.gpkg': file not found.*relative to the recipe"):
        read_recipe(write(tmp_path, GOOD))


def test_wrong_types_and_values(tmp_path, units_gpkg):
    with pytest.raises(RecipeError, match=r"\[scale\] min_ha = '10000' is not a number"):
        read_recipe(write(tmp_path, GOOD + '\n[scale]\nmin_ha = "10000"\n'))
    with pytest.raises(RecipeError, match=r"method = 'admn'.*did you mean 'admin'"):
        read_recipe(write(tmp_path, GOOD.replace('method = "admin"', 'method = "admn"')))
    with pytest.raises(RecipeError, match=r"min_ha must be below max_ha"):
        read_recipe(write(tmp_path, GOOD + "\n[scale]\nmin_ha = 5\nmax_ha = 1\n"))
    with pytest.raises(RecipeError, match=r"half points"):
        read_recipe(write(tmp_path, GOOD + "\n[[scorecards]]\nscores = { C1 = 2.7 }\n"))
    with pytest.raises(RecipeError, match=r"\[landscape\] language = 'de' is not allowed"):
        read_recipe(write(tmp_path, GOOD.replace('language = "fr"', 'language = "de"')))


def test_nested_table_keys(tmp_path, units_gpkg):
    bad = GOOD + '\n[profile]\nproducts = { agricultural = ["x"], mineral = ["gold"] }\n'
    with pytest.raises(RecipeError, match=r"unknown key 'mineral' in \[profile.products\]"):
        read_recipe(write(tmp_path, bad))


def test_slugify():
    assert slugify("Wassa Amenfi – Est") == "wassa-amenfi-est"
    assert slugify("Forêt de Sanwi (démo)") == "foret-de-sanwi-demo"
    assert slugify("!!!") == "landscape"
