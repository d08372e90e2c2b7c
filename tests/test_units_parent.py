"""``batch --units --field NAME --field PARENT``: the second key field is each landscape's parent in its definition
("Unit Itata of Región de Ñuble"), as ``[boundary] parent_field`` gives it in a recipe. Real CLI runs on a small
synthetic GeoPackage."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import shapely
from click.testing import CliRunner

from landgeo.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def write_units(path: Path) -> Path:
    """Provinces with their region: two named Norte in different regions, one with a blank region."""
    rows = [("Itata", "Región de Ñuble", 0.0), ("Diguillín", "Región de Ñuble", 0.3), ("Norte", "Región A", 1.0),
            ("Norte", "Región B", 2.0), ("Sur", "", 3.0)]
    geoms = [shapely.box(-72.0 + x, -36.6, -71.7 + x, -36.3) for _, _, x in rows]
    gpd.GeoDataFrame({"provincia": [r[0] for r in rows], "region": [r[1] for r in rows]}, geometry=geoms,
                     crs=4326).to_file(path, layer="provincias")
    return path


def definitions(out: Path) -> dict[str, str]:
    return {p.parent.name: json.loads(p.read_text(encoding="utf-8"))["boundary"]["definition"]
            for p in sorted(out.glob("*/profile.json"))}


def test_second_key_field_is_the_parent_in_the_definition(tmp_path):
    units = write_units(tmp_path / "provincias.gpkg")
    out = tmp_path / "out"
    res = run("batch", "--units", units, "--field", "provincia", "--field", "region", "-o", out, "--workers", "0",
              "--no-maps", "--no-atlas")
    assert res.exit_code == 0, res.output
    assert definitions(out) == {
        "diguillin": "Unit Diguillín of Región de Ñuble",
        "itata": "Unit Itata of Región de Ñuble",
        "norte-region-a": "Unit Norte of Región A",
        "norte-region-b": "Unit Norte of Región B",
        "sur": "Unit Sur",  # a blank parent is not said
    }


def test_key_option_and_language(tmp_path):
    units = write_units(tmp_path / "provincias.gpkg")
    out = tmp_path / "out"
    res = run("batch", "--units", units, "--key", "provincia,region", "--where", "provincia = 'Itata'", "-o", out,
              "--workers", "0", "--no-maps", "--no-atlas", "--lang", "fr")
    assert res.exit_code == 0, res.output
    (definition,) = definitions(out).values()
    assert definition == "Unité Itata (Región de Ñuble)", definition


def test_one_field_has_no_parent(tmp_path):
    units = write_units(tmp_path / "provincias.gpkg")
    out = tmp_path / "out"
    res = run("batch", "--units", units, "--field", "provincia", "--where", "region = 'Región de Ñuble'", "-o", out,
              "--workers", "0", "--no-maps", "--no-atlas")
    assert res.exit_code == 0, res.output
    assert definitions(out) == {"diguillin": "Unit Diguillín", "itata": "Unit Itata"}
