"""What an export starts from: a profile folder written by ``landgeo profile``, or a recipe profiled in memory."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import shapely

from ..errors import LayerError, UsageError
from ..i18n import Text
from ..recipe import read_recipe
from ..render.outputs import load_profile_dir
from .pipeline import build_profile


@dataclass
class ExportSource:
    """A profile (``profile.json``'s content), its layers and the boundary geometry (EPSG:4326)."""

    path: Path
    profile: dict
    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    recipe: object | None = None

    @property
    def geometry(self):
        return shapely.union_all(self.layers["boundary"].to_crs(4326).geometry.values)


def load_export_source(source: str | Path, *, lang: str | None = None) -> ExportSource:
    """Read ``source``: a profile folder (``profile.json`` + ``boundary.gpkg``) or a recipe (``.toml``)."""
    path = Path(source)
    if path.is_dir():

        if not (path / "profile.json").is_file():
            raise LayerError(Text("{path}: no profile.json in this folder; give a folder written by `landgeo profile` or a recipe (.toml)", params={"path": str(path)}))
        profile, layers = load_profile_dir(path)
        if "boundary" not in layers:
            raise LayerError(Text("{path}: no boundary.gpkg or boundary.geojson in this folder; run `landgeo profile` again", params={"path": str(path)}))
        return ExportSource(path, profile, layers)
    if path.suffix.lower() == ".toml":

        recipe = read_recipe(path)
        result = build_profile(recipe, lang=lang)
        return ExportSource(path, result.profile, dict(result.layers), recipe)
    if not path.exists():
        raise UsageError(Text("{path}: not found; give a profile folder (written by `landgeo profile`) or a recipe (.toml)", params={"path": str(path)}))
    raise UsageError(Text("{path}: neither a profile folder nor a recipe; give the folder `landgeo profile` wrote or a .toml recipe", params={"path": str(path)}))


def check_out_dir(out_dir: str | Path, source: str | Path) -> Path:
    """Refuse an output folder that is, holds or lies inside what the export reads."""
    out, src = Path(out_dir).resolve(), Path(source).resolve()
    if out == src or out in src.parents or (src.is_dir() and src in out.parents):
        raise UsageError(Text("-o {out_dir}: the output folder must not be or lie inside {source}; choose a folder beside it", params={"out_dir": str(out_dir), "source": str(source)}))
    return Path(out_dir)
