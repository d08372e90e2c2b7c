#!/usr/bin/env python3
"""Generate the demo kit in layers/demo/ — SYNTHETIC data, deterministic from a seed.

The region lies in the Atlantic (lon −20…−19, lat 5…6) so that nobody mistakes
it for a real place. Run from anywhere: ``python scripts/make_demo_layers.py``.
Each ``make_*`` function writes one group of layers; ``main`` calls them in order.
"""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

os.environ.setdefault("OGR_CURRENT_DATE", "2026-01-01T00:00:00Z")  # reproducible GeoPackage bytes

SEED = 20261123
OUT = Path(__file__).resolve().parents[1] / "layers" / "demo"
CENTRE = (-19.5, 5.5)
DISTRICTS = [
    "Bélavo", "Kora Nord", "Kora Sud", "Mandé", "Sarakolé", "Tiassa-Ouest", "Ambalavo",
    "Nyansa", "Odumasi", "Bafélé", "Kéniba", "Sanwi-Bas", "Dabéla", "Lofaro",
]


def country_outline(rng: np.random.Generator) -> shapely.Polygon:
    """A wobbly, roughly round synthetic country of ~0.45° radius."""
    angles = np.linspace(0, 2 * np.pi, 72, endpoint=False)
    radius = 0.45 * (1 + 0.08 * np.sin(3 * angles + 0.4) + 0.04 * rng.standard_normal(angles.size).cumsum() / 6)
    xs = CENTRE[0] + radius * np.cos(angles) * 1.05
    ys = CENTRE[1] + radius * np.sin(angles)
    return shapely.make_valid(shapely.Polygon(np.column_stack([xs, ys])))


def make_admin(rng: np.random.Generator) -> gpd.GeoDataFrame:
    """admin.gpkg: layers ``country`` (level 0), ``regions`` (level 1), ``districts`` (level 2)."""
    country = country_outline(rng)
    minx, miny, maxx, maxy = country.bounds
    seeds = []
    while len(seeds) < len(DISTRICTS):
        p = shapely.Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if country.buffer(-0.05).contains(p) and all(p.distance(q) > 0.16 for q in seeds):
            seeds.append(p)
    cells = shapely.voronoi_polygons(shapely.MultiPoint(seeds), extend_to=country.buffer(1))
    # order the cells like the seeds so names are stable
    cells = [next(c for c in cells.geoms if c.contains(s)) for s in seeds]
    geoms = [shapely.intersection(c, country) for c in cells]
    order = np.lexsort(([g.centroid.y for g in geoms], [round(g.centroid.x, 1) for g in geoms]))
    geoms = [geoms[i] for i in order]
    region = ["Région Ouest" if g.centroid.x < CENTRE[0] else "Région Est" for g in geoms]
    districts = gpd.GeoDataFrame(
        {
            "district": DISTRICTS,
            "code": [f"XD{i + 1:02d}" for i in range(len(DISTRICTS))],
            "region": region,
            "level": 2,
        },
        geometry=geoms,
        crs=4326,
    )
    regions = districts.dissolve("region", as_index=False)[["region", "geometry"]]
    regions["code"] = ["XDE" if r.endswith("Est") else "XDO" for r in regions["region"]]
    regions["level"] = 1
    outline = gpd.GeoDataFrame({"name": ["Demoland (synthetic)"], "iso3": ["XDL"], "level": 0}, geometry=[country], crs=4326)
    path = OUT / "admin.gpkg"
    path.unlink(missing_ok=True)
    outline.to_file(path, layer="country")
    regions.to_file(path, layer="regions")
    districts.to_file(path, layer="districts")
    return districts


def make_drawn(rng: np.random.Generator) -> None:
    """drawn_boundary.kml: a hand-drawn-looking landscape of ~70,000 ha, as a GIS officer would trace it."""
    angles = np.linspace(0, 2 * np.pi, 28, endpoint=False)
    r = 0.13 * (1 + 0.15 * rng.standard_normal(angles.size))
    xs, ys = -19.32 + r * np.cos(angles) * 1.2, 5.72 + r * np.sin(angles)
    poly = shapely.Polygon(np.column_stack([xs, ys])).buffer(0)
    gdf = gpd.GeoDataFrame({"Name": ["Forêt de Sanwi (tracé à main levée)"]}, geometry=[poly], crs=4326)
    path = OUT / "drawn_boundary.kml"
    path.unlink(missing_ok=True)
    gdf.to_file(path, driver="KML")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    make_admin(rng)
    make_drawn(rng)
    print(f"demo kit written to {OUT}")


if __name__ == "__main__":
    main()
