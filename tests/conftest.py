"""Shared test fixtures: small layers written to tmp_path, and the shared real data."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

REPO = Path(__file__).resolve().parents[1]
# ../shared/data beside the checkout (CI), or LANDGEO_SHARED_DATA (a worktree elsewhere)
SHARED_DATA = Path(os.environ.get("LANDGEO_SHARED_DATA") or REPO.parent / "shared" / "data")


def shared_data(*parts: str) -> Path:
    """A path under ../shared/data, or skip the test with the reason."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: {path} (the shared/ folder sits beside the checkout in CI)")
    return path


@pytest.fixture
def units_gpkg(tmp_path: Path) -> Path:
    """Four 0.1° square units in a 2×2 grid at the equator, names with accents, in a GeoPackage."""
    names = ["Bélavo", "Kora Nord", "Kora Sud", "Mandé"]
    geoms = [shapely.box(x, y, x + 0.1, y + 0.1) for y in (0.0, 0.1) for x in (0.0, 0.1)]
    gdf = gpd.GeoDataFrame({"name": names, "region": ["West", "West", "East", "East"]}, geometry=geoms, crs=4326)
    path = tmp_path / "units.gpkg"
    gdf.to_file(path, layer="districts")
    gdf.dissolve("region", as_index=False).to_file(path, layer="regions")
    return path


@pytest.fixture(scope="session")
def demo_profiles(tmp_path_factory) -> dict[str, Path]:
    """The three demo landscapes profiled once per test session: slug → profile folder."""
    from landgeo.app.pipeline import profile_many

    out = tmp_path_factory.mktemp("demo-profiles")
    outcomes = profile_many(sorted((REPO / "boundaries").glob("demo-*.toml")), out)
    assert all(o.status == "ok" for o in outcomes), [o.error for o in outcomes]
    return {o.slug: o.folder for o in outcomes}
