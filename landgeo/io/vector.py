"""Reading and writing vector layers (with :mod:`landgeo.io.raster`, the only code that opens input layers).

Vectors: GeoPackage, Shapefile (plain or zipped), GeoJSON, KML/KMZ, GPX, and
CSV/XLSX with coordinate columns. Every read checks the CRS, flattens 3-D
geometries, repairs invalid ones and drops empty ones, and counts each of these
in a :class:`LayerReport` (``gdf.attrs["landgeo_report"]``); nothing is dropped
silently.
"""

from __future__ import annotations

import copy
import logging
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS, Transformer

from ..errors import CRSError, DataWarning, FieldError, LayerError, UsageError
from ..geo.geodesy import polygonal
from ..i18n import N_, Text
from . import vector_info
from .coordinates import _check_coordinates, _drop_non_finite, _fits_degrees
from .inputs import check_exists, parse_crs
from .table_layers import COORD_PAIRS, _read_table
from .vector_write import WRITE_DRIVERS, check_vector_output, write_vector, write_vector_file
from .where import parse_where, resolve_columns, to_ogr_sql
from .where_table import filter_frame

log = logging.getLogger(__name__)

VECTOR_SUFFIXES = {".gpkg", ".shp", ".zip", ".geojson", ".json", ".kml", ".kmz", ".gpx", ".csv", ".tsv", ".txt", ".xlsx", ".xls", ".fgb"}
TABLE_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xls"}
POLYGONAL = {"Polygon", "MultiPolygon"}
GEOM_KINDS = {"polygon": POLYGONAL, "point": {"Point", "MultiPoint"}, "line": {"LineString", "MultiLineString", "LinearRing"}}


@dataclass
class LayerReport:
    """What happened to a layer's features while reading it."""

    path: str
    layer: str | None
    features: int = 0
    repaired: int = 0
    dropped_empty: int = 0
    dropped_invalid_coords: int = 0
    dropped_other_geometry: int = 0
    flattened_3d: int = 0
    crs_from: str = "file"

    @property
    def label(self) -> str:
        """``file`` or ``file:layer`` for messages and profile sources."""
        return f"{Path(self.path).name}:{self.layer}" if self.layer else Path(self.path).name

    def note_texts(self) -> list:
        """What was repaired or skipped, as :class:`landgeo.i18n.Text` (empty if nothing)."""
        counts = [
            (self.repaired, Text("{layer}: {n} invalid geometry repaired (make_valid)",
                                 "{layer}: {n} invalid geometries repaired (make_valid)", {"n": self.repaired})),
            (self.dropped_empty, Text("{layer}: {n} empty geometry dropped", "{layer}: {n} empty geometries dropped",
                                      {"n": self.dropped_empty})),
            (self.dropped_invalid_coords, Text("{layer}: {n} row with missing or out-of-range coordinates skipped",
                                               "{layer}: {n} rows with missing or out-of-range coordinates skipped",
                                               {"n": self.dropped_invalid_coords})),
            (self.dropped_other_geometry, Text("{layer}: {n} feature of another geometry type skipped",
                                               "{layer}: {n} features of another geometry type skipped",
                                               {"n": self.dropped_other_geometry})),
            (self.flattened_3d, Text("{layer}: {n} 3-D geometry flattened to 2-D", "{layer}: {n} 3-D geometries flattened to 2-D",
                                     {"n": self.flattened_3d})),
        ]
        return [Text(t.msgid, t.plural, {**t.params, "layer": self.label}) for n, t in counts if n]

    def notes(self, lang: str = "en") -> list[str]:
        """Human sentences in ``lang`` for what was repaired or skipped (empty if nothing)."""
        return [t.sentence(lang) for t in self.note_texts()]

    def __deepcopy__(self, memo) -> LayerReport:
        # pandas deep-copies a frame's attrs on every column access and slice; the fields are numbers and
        # strings, so a shallow copy is a deep one (the generic deepcopy cost ≈ 20 ms a landscape in a batch)
        return copy.copy(self)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["path"] = str(self.path)
        return d


def report_of(gdf: gpd.GeoDataFrame) -> LayerReport | None:
    """The :class:`LayerReport` attached to a frame read by :func:`read_vector`."""
    return gdf.attrs.get("landgeo_report")


def _gdal_path(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return f"/vsizip/{path}"
    return str(path)


def list_layers(path: str | Path) -> list[tuple[str, str]]:
    """(name, geometry type) of each layer in a vector file."""
    path = Path(path)
    check_exists(path)
    try:
        listed = vector_info.list_layers(_gdal_path(path), str(path))
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        raise LayerError(Text("{file}: not a vector file GDAL can read ({reason}); give a GeoPackage, Shapefile, GeoJSON, "
                              "KML/KMZ, GPX or CSV", params={"file": str(path), "reason": str(exc)})) from exc
    # QGIS's style table in a GeoPackage is not a layer of the data
    return [(n, g) for n, g in listed if not (n == "layer_styles" and g in ("None", ""))]


def _layer_count(src: str, name: str) -> int:
    try:
        return int(pyogrio.read_info(src, layer=name, force_feature_count=True).get("features") or 0)
    except Exception:
        return 0


@dataclass(frozen=True)
class OptionNames:
    """How the user of the command at hand names the layer and CRS options, for messages.

    A recipe user writes ``layer = "…"``; a command-line user types ``--layer NAME``.
    """

    layer: str = 'layer = "…"'
    crs: Text | str = Text('crs = "EPSG:4326" or the layer\'s EPSG code')
    where: Text | str = Text("in the recipe")
    #: How a log line names the CRS the user gave (the recipe's ``crs`` key or ``--crs``).
    crs_given: Text | str = Text("the recipe's crs")


#: Messages for layers named in a recipe (the default).
RECIPE_OPTIONS = OptionNames()
#: Messages for a file given on the command line (``landgeo check FILE --layer --crs``).
CLI_OPTIONS = OptionNames(layer="--layer NAME", crs=Text("--crs EPSG:4326 or the layer's EPSG code"),
                          where=Text("on the command line"), crs_given="--crs")


def _choose_layer(path: Path, layer: str | None, options: OptionNames = RECIPE_OPTIONS,
                  prefer: str | None = None) -> list[str | None]:
    """The layer(s) to read: the named one, the only one, ``prefer`` when the file has it
    (``boundary`` in landgeo's own boundary.gpkg), or (KML/GPX) the non-empty ones."""
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        return [layer]
    layers = list_layers(path)
    names = [n for n, _ in layers]
    if layer is not None:
        if layer not in names:
            if not names:
                raise LayerError(Text("{file}: no layer {layer}; the file holds no layer. Check the file",
                                      params={"file": str(path), "layer": repr(layer)}))
            raise LayerError(Text("{file}: no layer {layer}; the layers are: {listing}. Name one of them with {option}",
                                  params={"file": str(path), "layer": repr(layer), "listing": ", ".join(names),
                                          "option": options.layer}))
        return [layer]
    if len(names) <= 1:
        return [names[0] if names else None]
    if prefer is not None and prefer in names:
        log.info(Text("{file}: {n} layers; reading {layer}", params={"file": str(path), "n": len(names), "layer": repr(prefer)}))
        return [prefer]
    src = _gdal_path(path)
    nonempty = [n for n in names if _layer_count(src, n) > 0]
    if suffix in {".kml", ".kmz"} and nonempty:
        return nonempty  # KML folders: read them all
    if len(nonempty) == 1:
        return nonempty
    listing = ", ".join(f"{n} ({g})" for n, g in layers)
    raise LayerError(Text("{file}: holds {n} layers ({listing}); name one with {option}",
                          params={"file": str(path), "n": len(names), "listing": listing, "option": options.layer}))


def _clean_geometries(gdf: gpd.GeoDataFrame, expect: str | None, path: Path, report: LayerReport) -> gpd.GeoDataFrame:
    geoms = gdf.geometry.values
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if empty.any():
        report.dropped_empty = int(empty.sum())
        gdf = gdf.loc[~empty].copy()
        geoms = gdf.geometry.values
    has_z = shapely.has_z(geoms)
    if has_z.any():
        report.flattened_3d = int(has_z.sum())
        geoms = shapely.force_2d(geoms)
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        report.repaired = int(invalid.sum())
        fixed = shapely.make_valid(geoms[invalid])
        if expect == "polygon":
            polys = [polygonal(g) for g in fixed]  # a part with no area keeps its type and is skipped below
            fixed = np.array([p if not p.is_empty else g for p, g in zip(polys, fixed)], dtype=object)
        geoms = np.asarray(geoms, dtype=object).copy()
        geoms[invalid] = fixed
    gdf = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs))
    if expect is not None and len(gdf):
        wanted = GEOM_KINDS[expect]
        types = gdf.geometry.geom_type
        ok = types.isin(wanted)
        if not ok.any():
            found = ", ".join(sorted(set(types)))
            raise LayerError(Text(_WRONG_GEOMETRY[expect], params={"file": str(path), "found": found}))
        if not ok.all():
            report.dropped_other_geometry = int((~ok).sum())
            gdf = gdf.loc[ok]
    return gdf


def read_vector(
    path: str | Path,
    *,
    layer: str | None = None,
    crs=None,
    x: str | None = None,
    y: str | None = None,
    where: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    columns: list[str] | None = None,
    expect: str | None = None,
    bbox_crs=None,
    options: OptionNames = RECIPE_OPTIONS,
    prefer_layer: str | None = None,
) -> gpd.GeoDataFrame:
    """Read a vector layer, check its CRS and clean its geometries.

    Parameters
    ----------
    path
        GPKG, SHP, zipped SHP, GeoJSON, KML, KMZ, GPX, CSV/TSV or XLSX.
    layer
        Layer name (GeoPackage, KML folders, GPX) or sheet name (XLSX).
        Required when the file holds several non-empty layers.
    crs
        The CRS to assume when the file states none (CSV defaults to
        EPSG:4326). A file that has a CRS keeps it.
    x, y
        Coordinate columns of a table; detected from lon/lat, x/y,
        longitude/latitude… when not given.
    where, bbox, columns
        Filters applied while reading (an SQL WHERE clause, a box in the
        layer's CRS, the attribute columns to keep).
    bbox_crs
        CRS of ``bbox`` when it is not the layer's (e.g. EPSG:4326 for a
        boundary's box); the box is transformed (outward) to the layer's CRS.
    expect
        ``"polygon"``, ``"point"`` or ``"line"``: refuse a layer with none of
        those, skip (and count) the features of other types.
    options
        How messages name the layer and CRS options: :data:`RECIPE_OPTIONS`
        (``layer = "…"``) or :data:`CLI_OPTIONS` (``--layer NAME``).
    prefer_layer
        The layer to read when none is named and the file holds several (e.g.
        ``"boundary"`` for landgeo's own boundary.gpkg).

    Returns
    -------
    GeoDataFrame
        In the layer's own CRS, with ``attrs["landgeo_report"]`` a
        :class:`LayerReport`.
    """
    # long: one reader for every format (tables, then OGR layers), then the same CRS, coordinate and geometry
    # checks in order, all filling one LayerReport; split, the report and the options would travel together
    path = Path(path)
    check_exists(path)
    user_crs = parse_crs(crs, path)
    suffix = path.suffix.lower()
    report = LayerReport(path=str(path), layer=layer)
    if suffix in TABLE_SUFFIXES:
        gdf = _read_table(path, x=x, y=y, crs=user_crs, report=report, sheet=layer)
        if user_crs is not None:
            report.crs_from = "recipe"
        if where:  # parsed and applied as data (landgeo.where), never evaluated as Python
            gdf = filter_frame(gdf, where, source=str(path))
    else:
        frames = []
        parsed = parse_where(where, source=str(path)) if where else None
        for name in _choose_layer(path, layer, options, prefer_layer):
            sql = None
            if parsed is not None:
                sql = to_ogr_sql(parsed, resolve_columns(parsed, _field_names(path, name), source=str(path)))
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    frames.append(
                        pyogrio.read_dataframe(_gdal_path(path), layer=name, where=sql,
                                               bbox=_bbox_in_layer_crs(path, name, bbox, bbox_crs), columns=columns)
                    )
            except pyogrio.errors.FieldError as exc:
                raise FieldError(Text("{file}: {reason}; check the field names in where = {where}",
                                      params={"file": str(path), "reason": str(exc), "where": repr(where)})) from exc
            except Exception as exc:
                msg = str(exc)
                if where and ("where" in msg.lower() or "sql" in msg.lower() or "syntax" in msg.lower()):
                    raise UsageError(Text("{file}: where = {where} is not a valid filter ({reason}); check the filter",
                                          params={"file": str(path), "where": repr(where), "reason": msg})) from exc
                raise LayerError(_not_vector(path, msg)) from exc
        if len(frames) == 1:
            gdf = frames[0]
            report.layer = report.layer or None
        else:
            gdf = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)
        if "geometry" not in gdf or not isinstance(gdf, gpd.GeoDataFrame):
            raise LayerError(Text("{file}: has no geometry column; for a table of points give a CSV with lon/lat columns",
                                  params={"file": str(path)}))
        if len(gdf) and bool((gdf.geometry.isna() | gdf.geometry.is_empty).all()):
            raise LayerError(Text("{file}: has no geometry: {n} feature with empty or null geometry; check the file (in "
                                  "GeoJSON each geometry needs its coordinates, nested as its type says: a Polygon "
                                  "[[[x, y], …]])",
                                  "{file}: has no geometry: {n} features with empty or null geometry; check the file (in "
                                  "GeoJSON each geometry needs its coordinates, nested as its type says: a Polygon "
                                  "[[[x, y], …]])", {"file": str(path), "n": len(gdf)}))
        if gdf.crs is None:
            if user_crs is None:
                raise CRSError(Text("{file}: the layer has no CRS; state it {where} ({crs})",
                                    params={"file": str(path), "where": options.where, "crs": options.crs}))
            gdf = gdf.set_crs(user_crs)
            report.crs_from = "recipe"
        elif user_crs is not None and not CRS(gdf.crs).equals(user_crs, ignore_axis_order=True):
            if CRS(gdf.crs).is_geographic and not _fits_degrees(gdf):
                log.warning(Text("{file}: the file states {crs} but its coordinates are not degrees; using the given crs {given}",
                                 params={"file": str(path), "crs": gdf.crs.to_string(), "given": user_crs.to_string()}))
                gdf = gdf.set_crs(user_crs, allow_override=True)
                report.crs_from = "recipe (the file's CRS does not fit its coordinates)"
            else:
                log.warning(Text("{file}: the file states {crs}; {option} {given} is ignored", params={
                    "file": str(path), "crs": gdf.crs.to_string(), "option": options.crs_given, "given": user_crs.to_string()}))
        gdf = _drop_non_finite(gdf, report)
        _check_coordinates(gdf, path)
    report.features = len(gdf)
    gdf = _clean_geometries(gdf, expect, path, report)
    if len(gdf) == 0 and report.features == 0 and not where and bbox is None:
        raise LayerError(Text("{file}: the layer has no features; check the file or the layer name", params={"file": str(path)}))
    gdf = gdf.reset_index(drop=True)
    gdf.attrs["landgeo_report"] = report
    for text in report.note_texts():
        warnings.warn(DataWarning(text), stacklevel=2)
    log.info(Text("read {file}: {n} feature, CRS {crs}", "read {file}: {n} features, CRS {crs}",
                  params={"file": str(report.label), "n": len(gdf), "crs": gdf.crs.to_string() if gdf.crs else "—"}))
    return gdf


#: "has Point geometries but …": what a reader needs, by the kind expected.
_WRONG_GEOMETRY = {
    "polygon": N_("{file}: has {found} geometries but polygons are needed here; give a polygon layer"),
    "point": N_("{file}: has {found} geometries but points are needed here; give a point layer"),
    "line": N_("{file}: has {found} geometries but lines are needed here; give a line layer"),
}


def _not_vector(path: Path, reason: str) -> Text:
    return Text("{file}: cannot be read as a vector layer ({reason}); give a GeoPackage, Shapefile, GeoJSON, KML/KMZ, GPX or CSV",
                params={"file": str(path), "reason": reason})


def _field_names(path: Path, layer) -> list[str]:
    """The attribute fields of a layer (for checking the columns a where filter names)."""
    try:
        return [str(f) for f in vector_info.read_info(_gdal_path(path), str(path), layer).get("fields", [])]
    except Exception as exc:
        raise LayerError(_not_vector(path, str(exc))) from exc


def _bbox_in_layer_crs(path: Path, name, bbox, bbox_crs):
    """``bbox`` (in ``bbox_crs``) as a box in the layer's CRS; unchanged when either CRS is unknown."""
    if bbox is None or bbox_crs is None:
        return bbox
    try:
        wkt = vector_info.read_info(_gdal_path(path), str(path), name).get("crs")
        layer_crs = CRS.from_user_input(wkt) if wkt else None
        src_crs = CRS.from_user_input(bbox_crs)
    except Exception:
        return None  # read everything rather than risk a wrong filter
    if layer_crs is None or layer_crs.equals(src_crs, ignore_axis_order=True):
        return bbox

    tr = Transformer.from_crs(src_crs, layer_crs, always_xy=True)
    return tuple(tr.transform_bounds(*bbox, densify_pts=21))


def vector_extent_wgs84(path: str | Path, *, layer: str | None = None, crs=None) -> tuple[float, float, float, float] | None:
    """The lon/lat bounding box of everything a vector layer holds (None when it is empty).

    Read from the file's metadata where the format has it (GeoPackage,
    Shapefile…), else from the features; transformed outward to EPSG:4326.
    """
    path = Path(path)
    check_exists(path)
    if path.suffix.lower() in TABLE_SUFFIXES:
        gdf = read_vector(path, layer=layer, crs=crs)
        bounds, src_crs = (gdf.total_bounds if len(gdf) else None), gdf.crs
    else:
        name = _choose_layer(path, layer)[0]
        try:
            info = vector_info.read_info(_gdal_path(path), str(path), name, force_total_bounds=True)
        except Exception as exc:
            raise LayerError(_not_vector(path, str(exc))) from exc
        bounds = info.get("total_bounds")
        wkt = info.get("crs")
        src_crs = CRS.from_user_input(wkt) if wkt else parse_crs(crs, path)
        if bounds is not None and not np.all(np.isfinite(bounds)):
            bounds = None
    if bounds is None:
        return None
    if src_crs is not None and not CRS(src_crs).equals(CRS.from_epsg(4326), ignore_axis_order=True):
        bounds = Transformer.from_crs(src_crs, CRS.from_epsg(4326), always_xy=True).transform_bounds(*bounds, densify_pts=21)
    return tuple(float(v) for v in bounds)


#: Re-exported: readers and writers of vector layers import from this one module.
__all__ = ["CLI_OPTIONS", "COORD_PAIRS", "GEOM_KINDS", "POLYGONAL", "RECIPE_OPTIONS", "TABLE_SUFFIXES", "VECTOR_SUFFIXES",
           "WRITE_DRIVERS", "LayerReport", "OptionNames", "check_vector_output", "list_layers", "read_vector", "report_of",
           "vector_extent_wgs84", "write_vector", "write_vector_file"]
