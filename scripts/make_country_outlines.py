"""Build landgeo/render/assets/countries_110m.geojson: country outlines for locator insets.

Source: Natural Earth 1:110m admin-0 countries (public domain), as shipped in the
pyogrio wheel's test fixtures (``pyogrio/tests/fixtures/naturalearth_lowres``).
Keeps ``name`` and ``iso_a3``; coordinates rounded to 0.001° (about 100 m), which is
plenty for an inset. Run once from the repository root:

    python scripts/make_country_outlines.py
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely

SRC = Path(pyogrio.__file__).parent / "tests" / "fixtures" / "naturalearth_lowres" / "naturalearth_lowres.shp"
OUT = Path(__file__).resolve().parents[1] / "landgeo" / "render" / "assets" / "countries_110m.geojson"


def main() -> None:
    gdf = gpd.read_file(SRC)[["name", "iso_a3", "geometry"]].sort_values("name").reset_index(drop=True)
    geoms = shapely.make_valid(shapely.set_precision(gdf.geometry.values, 0.001))
    feats = [
        {"type": "Feature", "properties": {"name": n, "iso_a3": iso},
         "geometry": json.loads(shapely.to_geojson(g))}
        for n, iso, g in zip(gdf["name"], gdf["iso_a3"], geoms)
        if g is not None and not g.is_empty
    ]
    OUT.write_text(json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False,
                              separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} kB, {len(feats)} countries)")


if __name__ == "__main__":
    main()
