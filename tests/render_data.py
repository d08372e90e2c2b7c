"""A small landscape (profile dict + layers) built in code for the render tests.

The boundary's area is computed here with pyproj.Geod, independently of landgeo.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import LineString, Point, Polygon, box

XSS = "<img src=x onerror=alert(1)>"
BOUNDARY = Polygon([(-1.9, 6.1), (-1.5, 6.05), (-1.4, 6.4), (-1.7, 6.55), (-1.95, 6.35)])


def geod_area_ha(geom) -> float:
    """Geodesic area in hectares from pyproj.Geod (WGS84)."""
    area, _ = Geod(ellps="WGS84").geometry_area_perimeter(shapely.geometry.polygon.orient(geom, 1.0))
    return abs(area) / 10_000.0


def sites_in_boundary(n: int, *, seed: int = 7, first_name: str | None = XSS) -> gpd.GeoDataFrame:
    """``n`` point sites inside the boundary; the first is named ``first_name``."""
    rng = np.random.default_rng(seed)
    pts = []
    while len(pts) < n:
        p = Point(rng.uniform(-1.9, -1.45), rng.uniform(6.1, 6.5))
        if BOUNDARY.contains(p):
            pts.append(p)
    names = [f"Site {i}" for i in range(n)]
    if first_name is not None and n:
        names[0] = first_name
    return gpd.GeoDataFrame({"name": names, "area_ha": rng.uniform(0.5, 5, n).round(2)}, geometry=pts, crs=4326)


def demo_inputs(*, n_sites: int = 5, name: str = "Vallée de l'Offin") -> tuple[dict, dict[str, gpd.GeoDataFrame]]:
    """(profile, layers) for a ~100,000 ha landscape in Ghana with every part filled in."""
    b = BOUNDARY
    strips = [box(-1.95, 6.0, -1.7, 6.6), box(-1.7, 6.0, -1.55, 6.6), box(-1.55, 6.0, -1.35, 6.6)]
    classes = ["Evergreen Broadleaf forest", "Croplands", "Savannas"]
    eco_geoms = [s.intersection(b) for s in strips]
    eco_areas = [geod_area_ha(g) for g in eco_geoms]
    area = geod_area_ha(b)
    sites = sites_in_boundary(n_sites)
    layers = {
        "boundary": gpd.GeoDataFrame({"name": [name]}, geometry=[b], crs=4326),
        "admin_units": gpd.GeoDataFrame({"name": ["Amansie West", "Bosome Freho"]},
                                        geometry=[box(-2, 6, -1.65, 6.6), box(-1.65, 6, -1.3, 6.6)], crs=4326),
        "ecosystems": gpd.GeoDataFrame({"class": classes, "area_ha": eco_areas}, geometry=eco_geoms, crs=4326),
        "sites": sites,
        "rivers": gpd.GeoDataFrame({"name": ["Offin"]}, geometry=[LineString([(-1.95, 6.1), (-1.6, 6.3), (-1.4, 6.5)])],
                                   crs=4326),
        "context": gpd.GeoDataFrame({"name": ["Ghana"]}, geometry=[box(-3.2, 4.7, 1.2, 11.2)], crs=4326),
    }
    profile = {
        "schema": "landgeo.profile/1",
        "name": name,
        "slug": "offin",
        "language": "en",
        "boundary": {"method": "admin", "definition": "Union of two districts (Natural Earth admin-1).",
                     "sources": [{"layer": "ne10m_admin1", "features": 2}], "crs": "EPSG:4326"},
        "area_ha": area,
        "perimeter_km": 150.0,
        "centroid": [b.centroid.x, b.centroid.y],
        "bbox": list(b.bounds),
        "scale": {"min_ha": 10_000, "max_ha": 1_000_000, "verdict": "within", "message": "ok"},
        "checks": [],
        "location": {"countries": ["Ghana"], "admin_units": [{"name": "Amansie West", "share_of_landscape": 0.6},
                                                             {"name": "Bosome Freho", "share_of_landscape": 0.4}]},
        "population": {"total": 154321, "source": "WorldPop 2020", "year": 2020, "method": "zonal sum"},
        "ecosystems": {"classes": [{"class": c, "area_ha": a, "share": a / area} for c, a in zip(classes, eco_areas)],
                       "source": "MODIS MCD12C1 2019"},
        "sites": {"count": len(sites), "area_ha": float(sites["area_ha"].sum()), "density_per_1000_ha": 0.05,
                  "near_water": {"distance_m": 500, "count": 2}, "source": "Earth Genome mining-detector"},
        "rivers": {"length_km": 80.5, "names": ["Offin"]},
        "template": {"livelihoods": ["cocoa farming", "artisanal gold mining"],
                     "products": {"agricultural": ["cocoa", "plantain"], "non_agricultural": ["gold"]},
                     "challenges": ["mercury use", "forest loss"], "governance": ["District assemblies"]},
    }
    return profile, layers


def write_tif(path, data, transform, *, nodata, tags=None):
    """A one-band GeoTIFF in EPSG:4326 (``tags``: band-1 tags such as ``CLASSES``)."""
    import rasterio

    with rasterio.open(path, "w", driver="GTiff", width=data.shape[1], height=data.shape[0], count=1,
                       dtype=data.dtype, crs="EPSG:4326", transform=transform, nodata=nodata) as dst:
        dst.write(data, 1)
        if tags:
            dst.update_tags(1, **tags)
    return path


def landcover_tif(path):
    """A 30×30 class raster over the demo landscape: Water (0), Savannas (9), Croplands (12), one nodata cell."""
    from rasterio.transform import from_origin

    lc = np.zeros((30, 30), dtype="uint8")
    lc[:, 10:20] = 12
    lc[:, 20:] = 9
    lc[0, 0] = 255
    return write_tif(path, lc, from_origin(-2.0, 6.7, 0.025, 0.025), nodata=255,
                     tags={"CLASSES": "0=Water;9=Savannas;12=Croplands"})
