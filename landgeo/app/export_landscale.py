"""``landgeo export landscale``: a LandScale submission package for one landscape.

Writes, atomically, into the output folder:

* ``boundary_shp.zip`` (the boundary as a Shapefile, zipped) and ``boundary.kml`` —
  the two formats LandScale accepts;
* ``adjacency_10km_shp.zip`` and ``adjacency_10km.kml`` — the ring from the boundary to
  10 km beyond it (buffered in a local equal-area projection), for the adjacency look;
* ``landscale.gpkg`` — both layers, styled for QGIS;
* ``landscale_check.json`` and ``landscale_check.pdf`` — each LandScale rule with
  pass / warn / fail and why (:mod:`landgeo.app.landscale_rules`).
"""

from __future__ import annotations

import logging
import zipfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import shapely

from .._version import __version__
from ..checks.guidance import check_change
from ..geo import geodesy
from ..i18n import Text
from ..io.atomic import atomic_dir, write_json
from ..io.gpkg_styles import write_layer_styles
from ..io.vector import read_vector, write_vector
from ..render.landscale_sheet import write_landscale_sheet
from ..render.qml import layer_style
from .export_source import ExportSource, check_out_dir, load_export_source
from .landscale_rules import ADJACENCY_KM, evaluate, overall, type_label

log = logging.getLogger(__name__)

SCHEMA_ID = "landgeo.landscale_check/1"


@dataclass(frozen=True)
class LandscaleExport:
    """What was written, and the verdicts."""

    folder: Path
    check: dict


def adjacency_ring(geometry, km: float = ADJACENCY_KM):
    """The area from the boundary out to ``km`` beyond it (EPSG:4326), buffered in a local equal-area CRS."""
    crs = geodesy.equal_area_crs(geometry)
    local = gpd.GeoSeries([geometry], crs=4326).to_crs(crs)
    ring = local.buffer(km * 1000.0, quad_segs=32).difference(local)
    return geodesy.polygonal(ring.to_crs(4326).iloc[0])


def _previous_change(geometry, previous: str | Path) -> float:
    prev = read_vector(previous, expect="polygon")
    return float(check_change(geometry, shapely.union_all(prev.geometry.values)).value)


def _zip_shapefile(frame: gpd.GeoDataFrame, folder: Path, stem: str) -> Path:
    """Write ``frame`` as ``stem.shp`` (+ sidecars) and zip them into ``stem_shp.zip``; the loose files are removed."""
    shp_dir = folder / f".{stem}-shp"
    shp_dir.mkdir()
    write_vector(frame, shp_dir / f"{stem}.shp")
    target = folder / f"{stem}_shp.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(shp_dir.iterdir()):
            info = zipfile.ZipInfo(f.name, date_time=(2020, 1, 1, 0, 0, 0))  # no run-dependent timestamps
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, f.read_bytes())
            f.unlink()
    shp_dir.rmdir()
    return target


def landscale_check(src: ExportSource, *, justification: str | None = None, previous: str | Path | None = None,
                    lang: str | None = None) -> tuple[dict, object]:
    """(the content of landscale_check.json, the adjacency ring) for an export source."""
    profile = src.profile
    lang = lang or profile.get("language") or "en"
    geometry = src.geometry
    ring = adjacency_ring(geometry)
    change = _previous_change(geometry, previous) if previous is not None else None
    rules = evaluate(profile, geometry, justification=justification, change=change,
                     ring_ha=geodesy.area_ha(ring), lang=lang)
    btype = next((r.value for r in rules if r.id == "boundary_type"), None)
    check = {
        "schema": SCHEMA_ID,
        "name": profile.get("name"),
        "slug": profile.get("slug"),
        "generated_with": f"landgeo {__version__}",
        "language": lang,
        "boundary_type": btype,
        "boundary_type_label": type_label(btype, lang),
        "method": (profile.get("boundary") or {}).get("method"),
        "area_ha": round(geodesy.area_ha(geometry), 2),
        "overall": overall(rules),
        "rules": [r.to_dict() for r in rules],
        "files": {"boundary": ["boundary_shp.zip", "boundary.kml"], "adjacency": ["adjacency_10km_shp.zip", "adjacency_10km.kml"],
                  "layers": "landscale.gpkg", "report": "landscale_check.pdf"},
    }
    return check, ring


def export_landscale(source: str | Path, out_dir: str | Path, *, justification: str | None = None,
                     previous: str | Path | None = None, lang: str | None = None, overwrite: bool = False) -> LandscaleExport:
    """Write the LandScale package of a profile folder or a recipe into ``out_dir`` (complete or absent)."""
    check_out_dir(out_dir, source)
    if previous is not None:
        check_out_dir(out_dir, previous)
    src = load_export_source(source, lang=lang)
    check, ring = landscale_check(src, justification=justification, previous=previous, lang=lang)
    lang = check["language"]
    definition = str((src.profile.get("boundary") or {}).get("definition") or "")
    boundary = gpd.GeoDataFrame({"name": [str(check["name"] or "")], "slug": [str(check["slug"] or "")],
                                 "area_ha": [check["area_ha"]], "type": [str(check["boundary_type"] or "")],
                                 "method": [str(check["method"] or "")], "defn": [definition[:254]]},
                                geometry=[src.geometry], crs=4326)
    ring_frame = gpd.GeoDataFrame({"name": [f"{check['name']} — {ADJACENCY_KM:g} km"], "slug": [str(check["slug"] or "")],
                                   "area_ha": [round(geodesy.area_ha(ring), 2)], "dist_km": [ADJACENCY_KM]},
                                  geometry=[ring], crs=4326)
    with atomic_dir(out_dir, overwrite=overwrite) as tmp:
        _zip_shapefile(boundary, tmp, "boundary")
        write_vector(boundary, tmp / "boundary.kml")
        _zip_shapefile(ring_frame, tmp, "adjacency_10km")
        write_vector(ring_frame, tmp / "adjacency_10km.kml")
        gpkg = tmp / "landscale.gpkg"
        write_vector(boundary, gpkg, layer="boundary")
        write_vector(ring_frame, gpkg, layer="adjacency_10km")
        write_layer_styles(gpkg, {"boundary": layer_style("boundary", boundary, lang=lang),
                                  "adjacency_10km": layer_style("adjacency_10km", ring_frame, lang=lang)})
        write_json(check, tmp / "landscale_check.json")
        write_landscale_sheet(check, pdf=tmp / "landscale_check.pdf", lang=lang, boundary=src.geometry, ring=ring)
    log.info(Text("wrote {path}", params={"path": str(out_dir)}))
    return LandscaleExport(Path(out_dir), check)
