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
import shapely.affinity

os.environ.setdefault("OGR_CURRENT_DATE", "2026-01-01T00:00:00Z")  # reproducible GeoPackage bytes

SEED = 20261123
OUT = Path(__file__).resolve().parents[1] / "layers" / "demo"
CENTRE = (-19.5, 5.5)
DISTRICTS = [
    "Bélavo", "Kora Sud", "Kora Nord", "Mandé", "Sarakolé", "Tiassa-Ouest", "Ambalavo",
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


RIVERS = ["Kora", "Sanwi", "Mandé"]
MODIS_PATCHES = np.array([2, 2, 8, 9, 12, 14, 14, 12, 8, 2], dtype="uint8")  # IGBP codes, weighted by repetition


def _river_lines(rng: np.random.Generator) -> list[shapely.LineString]:
    """Three named rivers flowing south-west across the region, and one unnamed tributary."""
    lines = []
    for _k, x0 in enumerate((-19.75, -19.45, -19.2)):
        t = np.linspace(0, 1, 80)
        wiggle = np.cumsum(rng.normal(0, 0.012, t.size))
        xs = x0 + 0.25 * t - 0.1 + wiggle - wiggle.mean()
        ys = 5.95 - 0.9 * t
        lines.append(shapely.LineString(np.column_stack([xs, ys])))
    trib = shapely.LineString([(-19.62, 5.55), (-19.55, 5.5), (-19.5, 5.47), (-19.43, 5.45)])
    return lines + [trib]


def make_attach_layers() -> None:
    """Layers for the profile's computed parts: land cover (MODIS IGBP codes), population density,
    ecoregions, rivers and ASGM sites (footprints in a GeoPackage, points in a CSV with two bad rows)."""
    import rasterio
    from rasterio.transform import from_origin

    rng = np.random.default_rng(SEED + 4)
    # land cover: 0.004° cells, 1/10-cell patches of IGBP classes with some speckle
    n = 250
    coarse = MODIS_PATCHES[rng.integers(0, MODIS_PATCHES.size, (n // 10, n // 10))]
    lc = np.repeat(np.repeat(coarse, 10, axis=0), 10, axis=1)
    speckle = rng.random(lc.shape) < 0.03
    lc[speckle] = MODIS_PATCHES[rng.integers(0, MODIS_PATCHES.size, int(speckle.sum()))]
    lc[:3, :] = 255  # a strip of "unclassified" (nodata) along the northern edge
    prof = dict(driver="GTiff", height=n, width=n, count=1, dtype="uint8", crs="EPSG:4326",
                transform=from_origin(-20.0, 6.0, 0.004, 0.004), nodata=255, compress="deflate")
    with rasterio.open(OUT / "landcover_modis_igbp.tif", "w", **prof) as dst:
        dst.write(lc, 1)
        dst.update_tags(1, CLASSES="MODIS IGBP (MCD12Q1 LC_Type1 codes); synthetic")
    # population density (people per km²): 0.01° cells, rural background plus a few towns
    m = 100
    yy, xx = np.mgrid[0:m, 0:m]
    dens = 15 + 10 * rng.random((m, m))
    for cx, cy, peak in ((30, 40, 900.0), (62, 55, 600.0), (45, 75, 350.0), (75, 25, 250.0)):
        dens += peak * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / 18.0)
    prof = dict(driver="GTiff", height=m, width=m, count=1, dtype="float32", crs="EPSG:4326",
                transform=from_origin(-20.0, 6.0, 0.01, 0.01), nodata=-9999.0, compress="deflate", predictor=3)
    with rasterio.open(OUT / "population_density.tif", "w", **prof) as dst:
        dst.write(np.round(dens, 1).astype("float32"), 1)
    # ecoregions: three zones covering the region
    seeds = shapely.MultiPoint([(-19.75, 5.75), (-19.3, 5.65), (-19.5, 5.2)])
    frame = shapely.box(-20.2, 4.8, -18.8, 6.2)
    cells = sorted(shapely.voronoi_polygons(seeds, extend_to=frame).geoms, key=lambda g: (round(g.centroid.y, 3), g.centroid.x))
    eco = gpd.GeoDataFrame(
        {"ecoregion": ["Coastal forest–savanna mosaic (synthetic)", "Western lowland forest (synthetic)",
                       "Upland woodland savanna (synthetic)"]},
        geometry=[shapely.intersection(c, frame) for c in cells], crs=4326)
    path = OUT / "ecoregions.gpkg"
    path.unlink(missing_ok=True)
    eco.to_file(path, layer="ecoregions")
    # rivers
    lines = _river_lines(rng)
    rivers = gpd.GeoDataFrame({"name": RIVERS + [None]}, geometry=lines, crs=4326)
    path = OUT / "rivers.gpkg"
    path.unlink(missing_ok=True)
    rivers.to_file(path, layer="rivers")
    # ASGM footprints along the rivers (most within 500 m of one), and points
    feet, ids = [], []
    for i in range(30):
        line = lines[i % 3]
        p = line.interpolate(rng.uniform(0.1, 0.9), normalized=True)
        off = rng.uniform(0.001, 0.012) * rng.choice([-1, 1])
        c = shapely.Point(p.x + off, p.y + rng.normal(0, 0.002))
        r = rng.uniform(0.0008, 0.0025)
        ang = np.linspace(0, 2 * np.pi, 9, endpoint=False)
        rad = r * (1 + 0.3 * rng.random(ang.size))
        feet.append(shapely.Polygon(np.column_stack([c.x + rad * np.cos(ang), c.y + rad * np.sin(ang)])))
        ids.append(f"FP{i + 1:03d}")
    fp = gpd.GeoDataFrame({"site_id": ids, "year": 2025}, geometry=feet, crs=4326)
    path = OUT / "asgm_footprints.gpkg"
    path.unlink(missing_ok=True)
    fp.to_file(path, layer="footprints")
    rows = ["site_id,name,lon,lat"]
    for i in range(18):
        line = lines[(i + 1) % 3]
        p = line.interpolate(rng.uniform(0.05, 0.95), normalized=True)
        rows.append(f"PT{i + 1:03d},Chantier {i + 1},{p.x + rng.normal(0, 0.006):.5f},{p.y + rng.normal(0, 0.004):.5f}")
    rows += ["PT019,Chantier 19,,", "PT020,Chantier 20,200.5,5.41"]  # bad coordinates, on purpose
    (OUT / "asgm_sites.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def make_dem_and_basins() -> None:
    """dem.tif: a synthetic DEM (int16 metres, 0.002° cells, 500 × 500) rising to the north, with
    rolling hills and a valley along each demo river; basins.gpkg: the HydroBASINS-like layer that
    ``landgeo basins build --min-unit-ha 10000`` derives from it. Needs rivers.gpkg (written before)."""
    import rasterio
    import scipy.fft
    from rasterio.transform import from_origin

    from landgeo.delineate.basins.build import build_basins_file

    rng = np.random.default_rng(SEED + 5)
    n, cell = 500, 0.002
    lon = -20.0 + (np.arange(n) + 0.5) * cell
    lat = 6.0 - (np.arange(n) + 0.5) * cell
    X, Y = np.meshgrid(lon, lat)
    z = 30.0 + 420.0 * (Y - 5.0) + 60.0 * (X + 20.0)  # rises to the north, a little to the east
    ky = scipy.fft.fftfreq(n)[:, None]
    kx = scipy.fft.rfftfreq(n)[None, :]
    k = np.hypot(ky, kx)
    k[0, 0] = 1.0
    spec = k**-2.0 * np.exp(2j * np.pi * rng.random(k.shape))
    spec[0, 0] = 0
    hills = scipy.fft.irfft2(spec, s=(n, n))
    z += 35.0 * hills / hills.std()
    rivers = gpd.read_file(OUT / "rivers.gpkg").geometry.values
    pts = shapely.points(X.ravel(), Y.ravel())
    for line, depth in zip(rivers, (70.0, 70.0, 70.0, 35.0)):
        d_km = shapely.distance(pts, line).reshape(n, n) * 111.0
        z -= depth * np.exp(-d_km / 4.0)  # a valley along each river
    prof = dict(driver="GTiff", height=n, width=n, count=1, dtype="int16", crs="EPSG:4326",
                transform=from_origin(-20.0, 6.0, cell, cell), nodata=-32768, compress="deflate", predictor=2)
    with rasterio.open(OUT / "dem.tif", "w", **prof) as dst:
        dst.write(np.round(z).astype("int16"), 1)
        dst.update_tags(1, DESCRIPTION="synthetic DEM (m) for the landgeo demo; not a real place")
    build_basins_file(OUT / "dem.tif", OUT / "basins.gpkg", min_unit_ha=10_000, overwrite=True)


MONITOR_YEARS = (2015, 2020)  # earlier dates of the demo's land cover, sites and population (2025 is the current kit)


def make_monitor_layers() -> None:
    """Dated layers for `[[monitor.*]]` (SYNTHETIC), going back from the 2025 kit:

    * ``landcover_2015.tif`` – 0.008° cells (a coarser, offset grid: a different product), more evergreen
      forest (IGBP 2) where 2025 has croplands and mosaics; ``landcover_2020.tif`` – the 2025 grid, half of
      that change undone;
    * ``asgm_footprints_dated.gpkg`` layer ``footprints`` – one row per site and year (field ``year``): the 30
      footprints of 2025 and 36 more in the Kora Hills districts, a third appearing in each of 2015, 2020
      and 2025, each growing over time;
    * ``population_density_2015.tif`` – the 2025 density × 0.8;
    * ``kora_hills_2015.gpkg`` – the Kora Hills landscape as first drawn in 2015 (two districts, not three).
    Needs the 2025 layers and admin.gpkg (written before)."""
    import rasterio
    from rasterio.transform import from_origin

    rng = np.random.default_rng(SEED + 6)
    with rasterio.open(OUT / "landcover_modis_igbp.tif") as src:
        lc25, prof = src.read(1), src.profile
    converted = np.isin(lc25, (12, 14))  # croplands and cropland mosaics in 2025
    undo = rng.random(lc25.shape)
    lc20 = lc25.copy()
    lc20[converted & (undo < 0.5)] = 2
    prof.update(compress="deflate")
    with rasterio.open(OUT / "landcover_2020.tif", "w", **prof) as dst:
        dst.write(lc20, 1)
        dst.update_tags(1, CLASSES="MODIS IGBP (MCD12Q1 LC_Type1 codes); synthetic, 2020")
    # 2015: a coarser grid (0.008°) offset by 0.002°, each cell the majority of the 2020 cells under it, then
    # more forest: a different product on a different grid, as real archives are
    n = 124
    lc15 = np.full((n, n), 255, dtype="uint8")
    for r in range(n):
        for c in range(n):
            block = lc20[1 + 2 * r: 3 + 2 * r, 1 + 2 * c: 3 + 2 * c]
            block = block[block != 255]
            if block.size:
                vals, counts = np.unique(block, return_counts=True)
                lc15[r, c] = vals[np.argmax(counts)]
    forest = np.isin(lc15, (12, 14, 8)) & (rng.random(lc15.shape) < 0.45)
    lc15[forest] = 2
    prof15 = dict(prof, height=n, width=n, transform=from_origin(-20.0 + 0.004, 6.0 - 0.004, 0.008, 0.008))
    with rasterio.open(OUT / "landcover_2015.tif", "w", **prof15) as dst:
        dst.write(lc15, 1)
        dst.update_tags(1, CLASSES="MODIS IGBP (MCD12Q1 LC_Type1 codes); synthetic, 2015, 0.008° grid")
    with rasterio.open(OUT / "population_density.tif") as src:
        dens, pprof = src.read(1), src.profile
    with rasterio.open(OUT / "population_density_2015.tif", "w", **pprof) as dst:
        dst.write(np.round(dens * 0.8, 1).astype("float32"), 1)
    # sites by year: the 2025 footprints, and 36 more in the Kora Hills districts (a mining rush there);
    # each site appears in a year and grows: shrunk about its centre for the years before 2025
    fp = gpd.read_file(OUT / "asgm_footprints.gpkg", layer="footprints")
    districts = gpd.read_file(OUT / "admin.gpkg", layer="districts")
    hills = shapely.union_all(districts[districts["district"].isin(["Bélavo", "Kora Nord", "Kora Sud"])].geometry.values)
    rivers = gpd.read_file(OUT / "rivers.gpkg").geometry.values
    near = shapely.intersection(shapely.union_all([r.buffer(0.03) for r in rivers]), hills.buffer(-0.01))
    minx, miny, maxx, maxy = near.bounds
    extra = []
    while len(extra) < 36:
        p = shapely.Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if near.contains(p):
            r = rng.uniform(0.0008, 0.0022)
            ang = np.linspace(0, 2 * np.pi, 9, endpoint=False)
            rad = r * (1 + 0.3 * rng.random(ang.size))
            extra.append(shapely.Polygon(np.column_stack([p.x + rad * np.cos(ang), p.y + rad * np.sin(ang)])))
    sites = list(zip(fp["site_id"], fp.geometry.values)) + [(f"KH{i + 1:03d}", g) for i, g in enumerate(extra)]
    first_year = [2015 if i % 3 == 0 else 2020 if i % 3 == 1 else 2025 for i in range(len(sites))]
    rows = []
    for year, scale in ((2015, 0.5), (2020, 0.75), (2025, 1.0)):
        for (sid, g), y0 in zip(sites, first_year):
            if y0 <= year:
                rows.append({"site_id": sid, "year": year,
                             "geometry": shapely.affinity.scale(g, scale, scale, origin="centroid")})
    dated = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)
    path = OUT / "asgm_footprints_dated.gpkg"
    path.unlink(missing_ok=True)
    dated.to_file(path, layer="footprints")
    # the 2015 boundary of the Kora Hills demo: two of today's three districts
    districts = gpd.read_file(OUT / "admin.gpkg", layer="districts")
    first = districts[districts["district"].isin(["Kora Nord", "Kora Sud"])].dissolve()[["geometry"]]
    first.insert(0, "name", "Kora Hills (2015 boundary, synthetic)")
    path = OUT / "kora_hills_2015.gpkg"
    path.unlink(missing_ok=True)
    first.to_file(path, layer="boundary")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    make_admin(rng)
    make_drawn(rng)
    make_attach_layers()
    make_dem_and_basins()
    make_monitor_layers()
    print(f"demo kit written to {OUT}")


if __name__ == "__main__":
    main()
