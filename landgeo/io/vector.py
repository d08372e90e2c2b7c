"""Reading and writing vector layers (with :mod:`landgeo.io.raster`, the only code that opens input layers).

Vectors: GeoPackage, Shapefile (plain or zipped), GeoJSON, KML/KMZ, GPX, and
CSV/XLSX with coordinate columns. Every read checks the CRS, flattens 3-D
geometries, repairs invalid ones and drops empty ones, and counts each of these
in a :class:`LayerReport` (``gdf.attrs["landgeo_report"]``); nothing is dropped
silently.
"""

from __future__ import annotations

import csv
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
from .atomic import atomic_file, check_target, refuse_inputs
from .gpkg_styles import write_layer_styles
from .inputs import check_exists, parse_crs
from .where import parse_where, resolve_columns, to_ogr_sql
from .where_table import filter_frame

log = logging.getLogger(__name__)

VECTOR_SUFFIXES = {".gpkg", ".shp", ".zip", ".geojson", ".json", ".kml", ".kmz", ".gpx", ".csv", ".tsv", ".txt", ".xlsx", ".xls", ".fgb"}
TABLE_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xls"}
COORD_PAIRS = [("lon", "lat"), ("lng", "lat"), ("long", "lat"), ("longitude", "latitude"), ("x", "y"), ("easting", "northing")]
WRITE_DRIVERS = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".json": "GeoJSON", ".kml": "KML", ".shp": "ESRI Shapefile"}
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
        listed = [(str(n), str(g)) for n, g in pyogrio.list_layers(_gdal_path(path))]
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
    crs_given: str = "the recipe's crs"


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
        log.info("%s: %d layers; reading %r", path, len(names), prefer)
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


def _refuse_ragged(path: Path, sep: str | None, width: int) -> None:
    """Rows with more values than the header has columns: pandas would drop their extra values; refuse, naming them
    (empty extra values, from trailing separators, lose nothing and pass)."""
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=sep or None) if sep is None else None
        delimiter = dialect.delimiter if dialect else sep
    except csv.Error:
        delimiter = ","
    long_rows = [i for i, row in enumerate(csv.reader(text.splitlines(), delimiter=delimiter), start=1)
                 if i > 1 and len(row) > width and any(v.strip() for v in row[width:])]
    if not long_rows:  # only empty values past the header (trailing separators): nothing is lost
        return
    first = long_rows[0]
    raise LayerError(Text("{file}: {n} row has more values than the header's {width} columns (line {line}); its extra "
                          "values would be lost: quote values that contain {sep}, or name the extra columns in the header",
                          "{file}: {n} rows have more values than the header's {width} columns (first at line {line}); "
                          "their extra values would be lost: quote values that contain {sep}, or name the extra columns "
                          "in the header",
                          {"file": str(path), "n": len(long_rows), "width": width, "line": first,
                           "sep": repr(delimiter)}))


def _read_table(path: Path, *, x: str | None, y: str | None, crs: CRS | None, report: LayerReport, sheet: str | None) -> gpd.GeoDataFrame:
    suffix = path.suffix.lower()
    try:
        if suffix in {".xlsx", ".xls"}:
            df = pd.read_excel(path, sheet_name=sheet or 0)
        else:
            sep = "\t" if suffix == ".tsv" else None
            with warnings.catch_warnings(record=True) as caught:  # index_col=False: a long first row is no index
                warnings.simplefilter("always", pd.errors.ParserWarning)
                df = pd.read_csv(path, sep=sep, engine="python", encoding="utf-8-sig", index_col=False)
            if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
                _refuse_ragged(path, sep, len(df.columns))
    except LayerError:
        raise
    except Exception as exc:
        raise LayerError(Text("{file}: cannot be read as a table ({reason}); give a CSV with a header row or an XLSX sheet",
                              params={"file": str(path), "reason": str(exc)})) from exc
    lower = {str(c).strip().lower(): c for c in df.columns}
    if x is None or y is None:
        for cx, cy in COORD_PAIRS:
            if cx in lower and cy in lower:
                x, y = x or lower[cx], y or lower[cy]
                break
    if x is None or y is None:
        looked = ", ".join(f"{a}/{b}" for a, b in COORD_PAIRS)
        raise FieldError(Text('{file}: no coordinate columns (looked for {looked}); name them in the recipe: x = "…", y = "…"',
                              params={"file": str(path), "looked": looked}))
    for col in (x, y):
        if col not in df.columns:
            raise FieldError(Text("{file}: no column {column}; the columns are: {columns}; name one of them in the recipe",
                                  params={"file": str(path), "column": repr(col), "columns": ", ".join(map(str, df.columns))}))
    xs = pd.to_numeric(df[x], errors="coerce").to_numpy(dtype="float64")
    ys = pd.to_numeric(df[y], errors="coerce").to_numpy(dtype="float64")
    finite = np.isfinite(xs) & np.isfinite(ys)
    if crs is None:
        crs = CRS.from_epsg(4326)
        report.crs_from = "assumed EPSG:4326 (coordinate columns)"
    if crs.is_geographic:
        in_range = finite & (np.abs(xs) <= 180) & (np.abs(ys) <= 90)
        swapped_ok = finite & (np.abs(ys) <= 180) & (np.abs(xs) <= 90)
        n_bad = int((finite & ~in_range).sum())
        if n_bad and int((finite & ~swapped_ok).sum()) == 0:
            raise LayerError(Text(
                '{file}: column {y} has values beyond ±90 (up to {max:.1f}), so longitude and latitude look swapped; swap '
                'the column names or set x = "{y_name}", y = "{x_name}" in the recipe',
                params={"file": str(path), "y": repr(y), "max": float(np.nanmax(np.abs(ys))), "y_name": str(y), "x_name": str(x)}))
        if finite.any() and n_bad == int(finite.sum()):
            fx, fy = xs[finite], ys[finite]
            likely = _likely_crs(float(fx.min()), float(fy.min()), float(fx.max()), float(fy.max()))
            raise LayerError(Text(
                "{file}: no row has valid longitude/latitude in columns {x}/{y} (values up to {max_x:,.0f}, {max_y:,.0f}); "
                'they look like {likely}. State their CRS: crs = "EPSG:…" in the recipe\'s table for this layer, or '
                "--crs EPSG:… on the command line",
                params={"file": str(path), "x": repr(x), "y": repr(y), "max_x": float(np.nanmax(np.abs(fx))),
                        "max_y": float(np.nanmax(np.abs(fy))), "likely": likely}))
        valid = in_range
    else:
        valid = finite
    n_invalid = int((~valid).sum())
    if n_invalid:
        report.dropped_invalid_coords = n_invalid
    df = df.loc[valid].reset_index(drop=True)
    geom = gpd.points_from_xy(xs[valid], ys[valid])
    return gpd.GeoDataFrame(df, geometry=geom, crs=crs)


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
                log.warning("%s: the file states %s but its coordinates are not degrees; using the given crs %s",
                            path, gdf.crs.to_string(), user_crs.to_string())
                gdf = gdf.set_crs(user_crs, allow_override=True)
                report.crs_from = "recipe (the file's CRS does not fit its coordinates)"
            else:
                log.warning("%s: the file states %s; %s %s is ignored", path, gdf.crs.to_string(), options.crs_given,
                            user_crs.to_string())
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
    log.info("read %s: %d features, CRS %s", report.label, len(gdf), gdf.crs.to_string() if gdf.crs else None)
    return gdf


def _fits_degrees(gdf: gpd.GeoDataFrame) -> bool:
    if not len(gdf):
        return True
    minx, miny, maxx, maxy = gdf.total_bounds
    return bool(np.all(np.isfinite([minx, miny, maxx, maxy])) and -180.5 <= minx and maxx <= 360.5 and -90.5 <= miny and maxy <= 90.5)


#: "has Point geometries but …": what a reader needs, by the kind expected.
_WRONG_GEOMETRY = {
    "polygon": N_("{file}: has {found} geometries but polygons are needed here; give a polygon layer"),
    "point": N_("{file}: has {found} geometries but points are needed here; give a point layer"),
    "line": N_("{file}: has {found} geometries but lines are needed here; give a line layer"),
}


def _not_vector(path: Path, reason: str) -> Text:
    return Text("{file}: cannot be read as a vector layer ({reason}); give a GeoPackage, Shapefile, GeoJSON, KML/KMZ, GPX or CSV",
                params={"file": str(path), "reason": reason})


def _likely_crs(minx: float, miny: float, maxx: float, maxy: float) -> Text:
    """A guess at the projected CRS of coordinates that are plainly metres."""
    if 100_000 <= minx and maxx <= 900_000 and -10_000_000 <= miny and maxy <= 10_000_000:
        return Text("projected coordinates of a UTM zone in metres (EPSG:326NN north of the equator, EPSG:327NN south; "
                    "e.g. EPSG:32630 for Ghana)")
    if max(abs(minx), abs(maxx)) <= 20_037_509 and max(abs(miny), abs(maxy)) <= 20_048_967:
        return Text("a projected CRS in metres (EPSG:3857 Web Mercator, or a UTM zone such as EPSG:32630)")
    return Text("a projected CRS (the coordinates are far beyond any degrees)")


#: How far past ±90° a latitude may be and still be taken for the pole (rounding in files).
LAT_TOLERANCE_DEG = 1e-6


def _check_coordinates(gdf: gpd.GeoDataFrame, path: Path) -> None:
    """Refuse coordinates that cannot be degrees under a geographic CRS (beyond ±180/±90, or plainly metres)."""
    if gdf.crs is None or not CRS(gdf.crs).is_geographic or not len(gdf):
        return
    if _fits_degrees(gdf):
        miny, maxy = float(gdf.total_bounds[1]), float(gdf.total_bounds[3])
        if miny < -90 - LAT_TOLERANCE_DEG or maxy > 90 + LAT_TOLERANCE_DEG:
            raise LayerError(Text(
                "{file}: latitudes reach {lat:.4f}°, beyond the pole (±90°); fix those coordinates (or, if the columns "
                "are swapped, name them: x = \"…\", y = \"…\")",
                params={"file": str(path), "lat": maxy if maxy > 90 else miny}))
        return
    minx, miny, maxx, maxy = (float(v) for v in gdf.total_bounds)
    raise CRSError(Text(
        "{file}: the layer says {crs} (degrees) but its coordinates run from {minx:,.0f}, {miny:,.0f} to {maxx:,.0f}, "
        "{maxy:,.0f}, beyond ±180° / ±90°; they look like {likely}. State the real CRS: crs = \"EPSG:…\" in the recipe's "
        "table for this layer, or --crs EPSG:… on the command line",
        params={"file": str(path), "crs": CRS(gdf.crs).to_string(), "minx": minx, "miny": miny, "maxx": maxx, "maxy": maxy,
                "likely": _likely_crs(minx, miny, maxx, maxy)}))


def _drop_non_finite(gdf: gpd.GeoDataFrame, report: LayerReport) -> gpd.GeoDataFrame:
    """Drop (and count) features with NaN or infinite coordinates: NaN must never reach an output."""
    geoms = gdf.geometry.values
    if not len(gdf):
        return gdf
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    if not len(coords):
        return gdf
    bad_rows = np.unique(index[~np.isfinite(coords).all(axis=1)])
    if not len(bad_rows):
        return gdf
    report.dropped_invalid_coords += int(len(bad_rows))
    keep = np.ones(len(gdf), dtype=bool)
    keep[bad_rows] = False
    return gdf.loc[keep]


def _field_names(path: Path, layer) -> list[str]:
    """The attribute fields of a layer (for checking the columns a where filter names)."""
    try:
        return [str(f) for f in pyogrio.read_info(_gdal_path(path), layer=layer).get("fields", [])]
    except Exception as exc:
        raise LayerError(_not_vector(path, str(exc))) from exc


def _bbox_in_layer_crs(path: Path, name, bbox, bbox_crs):
    """``bbox`` (in ``bbox_crs``) as a box in the layer's CRS; unchanged when either CRS is unknown."""
    if bbox is None or bbox_crs is None:
        return bbox
    try:
        wkt = pyogrio.read_info(_gdal_path(path), layer=name).get("crs")
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
            info = pyogrio.read_info(_gdal_path(path), layer=name, force_total_bounds=True)
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


def write_vector(gdf: gpd.GeoDataFrame, path: str | Path, *, layer: str | None = None) -> Path:
    """Write ``gdf`` to GPKG, GeoJSON (RFC 7946), KML or SHP, chosen by extension."""
    path = Path(path)
    driver = WRITE_DRIVERS.get(path.suffix.lower())
    if driver is None:
        raise UsageError(_unknown_format(path))
    kwargs: dict = {}
    if driver == "GeoJSON":
        gdf = gdf.to_crs(4326)
        kwargs["layer_options"] = {"RFC7946": "YES", "WRITE_NAME": "NO"}
    elif driver == "KML":
        gdf = gdf.to_crs(4326)
    if driver == "GPKG" and layer:
        kwargs["layer"] = layer
    pyogrio.write_dataframe(gdf, str(path), driver=driver, **kwargs)
    return path


def _unknown_format(path: Path) -> Text:
    return Text("{file}: unknown output format; use one of {formats}", params={"file": str(path), "formats": ", ".join(sorted(WRITE_DRIVERS))})


def check_vector_output(path: str | Path, *, overwrite: bool = False, inputs=()) -> Path:
    """Refuse a vector output before any work: unknown format, exists (without ``overwrite``),
    folder missing or read-only, or the output is one of ``inputs``."""
    path = Path(path)
    if path.suffix.lower() not in WRITE_DRIVERS:
        raise UsageError(_unknown_format(path))
    refuse_inputs([path], inputs)
    return check_target(path, overwrite=overwrite, kind="file")


def write_vector_file(gdf: gpd.GeoDataFrame, path: str | Path, *, layer: str | None = None, overwrite: bool = False,
                      styles=None) -> Path:
    """:func:`write_vector` atomically (complete or absent; Shapefile sidecars moved together).

    ``styles`` (layer name → style with ``qml`` and ``title``) go into a GeoPackage's
    ``layer_styles`` table (:mod:`landgeo.io.gpkg_styles`); other formats have none.
    """
    with atomic_file(path, overwrite=overwrite) as tmp:
        write_vector(gdf, tmp, layer=layer)
        if styles and Path(path).suffix.lower() == ".gpkg":
            write_layer_styles(tmp, styles)
    return Path(path)

