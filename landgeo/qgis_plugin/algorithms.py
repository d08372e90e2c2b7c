"""The landgeo algorithms: each builds a landgeo command line (and, for the delineations, a
small recipe), runs it through :mod:`runner` and loads what it wrote, with its styles."""

import json
import os
import re
import unicodedata

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterPoint,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
    QgsProcessingUtils,
)

from .runner import run_landgeo

LANGS = ["en", "fr", "es", "pt"]
WGS84 = QgsCoordinateReferenceSystem("EPSG:4326")
FORMATS = ["gpkg", "shp", "geojson"]


class _EmbeddedStyle(QgsProcessingLayerPostProcessorInterface):
    """Apply the style stored in the GeoPackage (layer_styles) once the output layer is loaded."""

    keep = []  # QGIS holds post-processors by pointer: keep them alive

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802
        if layer is not None and layer.isValid():
            layer.loadDefaultStyle()
            layer.triggerRepaint()

    @classmethod
    def create(cls):
        p = cls()
        cls.keep.append(p)
        return p


def toml_string(text):
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(str(text), ensure_ascii=False)


def slugify(text):
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "landscape"


def write_recipe(name, boundary, lang):
    """A one-landscape recipe in Processing's temporary folder; ``boundary`` is [boundary]'s keys."""
    lines = ["[landscape]", f"name = {toml_string(name)}", f"slug = {toml_string(slugify(name))}", f"language = {toml_string(lang)}",
             "", "[boundary]"]
    for key, value in boundary.items():
        if value is None or value == "":
            continue
        if isinstance(value, (list, tuple)):
            inner = ", ".join(repr(float(v)) if isinstance(v, float) else toml_string(v) for v in value)
            lines.append(f"{key} = [{inner}]")
        elif isinstance(value, bool):
            lines.append(f"{key} = {'true' if value else 'false'}")
        elif isinstance(value, (int, float)):
            lines.append(f"{key} = {value!r}")
        else:
            lines.append(f"{key} = {toml_string(value)}")
    folder = QgsProcessingUtils.tempFolder()
    path = os.path.join(folder, f"{slugify(name)}-{os.getpid()}-{len(os.listdir(folder))}.toml")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return path


def gpkg_layers(path):
    """The data layers of a GeoPackage (not its layer_styles table)."""
    from osgeo import ogr

    ds = ogr.Open(path)
    if ds is None:
        return []
    names = []
    for i in range(ds.GetLayerCount()):
        layer = ds.GetLayerByIndex(i)
        if layer.GetName() != "layer_styles" and layer.GetGeomType() != ogr.wkbNone:
            names.append(layer.GetName())
    return names


class LandgeoAlgorithm(QgsProcessingAlgorithm):
    """Shared plumbing: names, help, the language option, loading outputs with their styles."""

    ID = ""
    TITLE = ""
    GROUP = ""
    HELP = ""

    def createInstance(self):  # noqa: N802
        return type(self)()

    def name(self):
        return self.ID

    def displayName(self):  # noqa: N802
        return self.TITLE

    def group(self):
        return self.GROUP

    def groupId(self):  # noqa: N802
        return slugify(self.GROUP)

    def shortHelpString(self):  # noqa: N802
        return self.HELP

    def add_lang(self):
        self.addParameter(QgsProcessingParameterEnum("LANG", "Language of the outputs", options=LANGS, defaultValue=0))

    def lang(self, parameters, context):
        return LANGS[self.parameterAsEnum(parameters, "LANG", context)]

    def source_and_layer(self, parameters, name, context, feedback):
        """(file, layer name or None): the layer's own file when landgeo can read it, else a temporary GeoPackage."""
        path, layer = self.parameterAsCompatibleSourceLayerPathAndLayerName(parameters, name, context, FORMATS, "gpkg", feedback)
        if not path:
            raise QgsProcessingException(f"{name}: no layer given")
        return path, (layer or None)

    def layer_args(self, parameters, name, context, feedback, option="--layer"):
        """``[FILE, --layer, LAYER]`` (or ``[FILE]``) for a landgeo command reading that parameter's layer."""
        path, layer = self.source_and_layer(parameters, name, context, feedback)
        return [path, option, layer] if layer else [path]

    def point(self, parameters, name, context):
        p = self.parameterAsPoint(parameters, name, context, WGS84)
        return round(p.x(), 7), round(p.y(), 7)

    def style_output(self, context, output):
        if context.willLoadLayerOnCompletion(output):
            context.layerToLoadOnCompletionDetails(output).setPostProcessor(_EmbeddedStyle.create())

    def load_gpkg(self, context, gpkg, group_name, order=None):
        """Load the layers of a GeoPackage landgeo wrote, with their embedded styles."""
        names = gpkg_layers(gpkg)
        if order:
            names = [n for n in order if n in names] + [n for n in names if n not in order]
        for name in names:
            details = QgsProcessingContext.LayerDetails(f"{group_name} — {name}", context.project(), name)
            details.setPostProcessor(_EmbeddedStyle.create())
            context.addLayerToLoadOnCompletion(f"{gpkg}|layername={name}", details)
        return names


class _Delineate(LandgeoAlgorithm):
    GROUP = "Delineate"

    def add_output(self):
        self.addParameter(QgsProcessingParameterVectorDestination("OUTPUT", "Landscape boundary", type=QgsProcessing.TypeVectorPolygon))

    def name_param(self):
        self.addParameter(QgsProcessingParameterString("NAME", "Landscape name", defaultValue="Landscape"))

    def boundary(self, parameters, context, feedback):
        raise NotImplementedError

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        recipe = write_recipe(self.parameterAsString(parameters, "NAME", context), self.boundary(parameters, context, feedback),
                              self.lang(parameters, context))
        out = self.parameterAsOutputLayer(parameters, "OUTPUT", context)
        run_landgeo(["delineate", recipe, "-o", out, "--overwrite"], feedback)
        self.style_output(context, out)
        return {"OUTPUT": out}


class DelineateAdmin(_Delineate):
    ID = "delineate_admin"
    TITLE = "Delineate from admin units"
    HELP = ("The union of the administrative units whose FIELD takes one of VALUES (comma-separated), "
            "dissolved; the definition names the units. Runs `landgeo delineate` on a recipe with "
            "method = \"admin\".")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.name_param()
        self.addParameter(QgsProcessingParameterFeatureSource("INPUT", "Admin units", [QgsProcessing.TypeVectorPolygon]))
        self.addParameter(QgsProcessingParameterField("FIELD", "Unit name field", parentLayerParameterName="INPUT"))
        self.addParameter(QgsProcessingParameterString("VALUES", "Units (comma-separated names)"))
        self.addParameter(QgsProcessingParameterString("LEVEL", "Level (district, region…)", optional=True))
        self.add_lang()
        self.add_output()

    def boundary(self, parameters, context, feedback):
        values = [v.strip() for v in re.split(r"[,;\n]", self.parameterAsString(parameters, "VALUES", context)) if v.strip()]
        if not values:
            raise QgsProcessingException("VALUES: give at least one unit name, e.g. Bélavo, Kora Nord")
        path, layer = self.source_and_layer(parameters, "INPUT", context, feedback)
        return {"method": "admin", "path": path, "layer": layer,
                "field": self.parameterAsString(parameters, "FIELD", context), "values": values,
                "level": self.parameterAsString(parameters, "LEVEL", context)}


class DelineateDrawn(_Delineate):
    ID = "delineate_drawn"
    TITLE = "Delineate from a drawn layer"
    HELP = "A boundary drawn by the team (any polygon layer): repaired and dissolved into one landscape (method = \"file\")."

    def initAlgorithm(self, config=None):  # noqa: N802
        self.name_param()
        self.addParameter(QgsProcessingParameterFeatureSource("INPUT", "Drawn boundary", [QgsProcessing.TypeVectorPolygon]))
        self.add_lang()
        self.add_output()

    def boundary(self, parameters, context, feedback):
        path, layer = self.source_and_layer(parameters, "INPUT", context, feedback)
        return {"method": "file", "path": path, "layer": layer}


class DelineateBasins(_Delineate):
    ID = "delineate_basins"
    TITLE = "Delineate from basins (outlet point)"
    HELP = ("Everything upstream of the basin unit at the outlet point, on a HydroBASINS-style layer "
            "(HYBAS_ID, NEXT_DOWN…), method = \"basins\".")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.name_param()
        self.addParameter(QgsProcessingParameterFeatureSource("INPUT", "Basins (HydroBASINS-style)", [QgsProcessing.TypeVectorPolygon]))
        self.addParameter(QgsProcessingParameterPoint("OUTLET", "Outlet point"))
        self.addParameter(QgsProcessingParameterNumber("SNAP_M", "Snap the outlet within (m)", QgsProcessingParameterNumber.Double, 1000.0, minValue=0))
        self.add_lang()
        self.add_output()

    def boundary(self, parameters, context, feedback):
        path, layer = self.source_and_layer(parameters, "INPUT", context, feedback)
        return {"method": "basins", "path": path, "layer": layer,
                "outlet": list(self.point(parameters, "OUTLET", context)),
                "snap_m": self.parameterAsDouble(parameters, "SNAP_M", context) or None}


class DelineateDem(_Delineate):
    ID = "delineate_dem"
    TITLE = "Delineate from a DEM (outlet point)"
    HELP = "The catchment upstream of the outlet point, traced on the DEM (depressions filled, D8), method = \"dem\"."

    def initAlgorithm(self, config=None):  # noqa: N802
        self.name_param()
        self.addParameter(QgsProcessingParameterRasterLayer("DEM", "DEM (GeoTIFF)"))
        self.addParameter(QgsProcessingParameterPoint("OUTLET", "Outlet point"))
        self.addParameter(QgsProcessingParameterNumber("SNAP_M", "Snap the outlet within (m)", QgsProcessingParameterNumber.Double, 500.0, minValue=0))
        self.addParameter(QgsProcessingParameterNumber("STREAM_CELLS", "The snapped outlet drains at least (cells)", QgsProcessingParameterNumber.Integer, 100, minValue=1))
        self.add_lang()
        self.add_output()

    def boundary(self, parameters, context, feedback):
        dem = self.parameterAsRasterLayer(parameters, "DEM", context)
        path = dem.source() if dem is not None else ""
        if not os.path.isfile(path):
            raise QgsProcessingException(f"DEM: {path or 'no layer'} is not a file landgeo can read; save the DEM as a GeoTIFF first")
        return {"method": "dem", "dem": path, "outlet": list(self.point(parameters, "OUTLET", context)),
                "snap_m": self.parameterAsDouble(parameters, "SNAP_M", context) or None,
                "stream_threshold_cells": self.parameterAsInt(parameters, "STREAM_CELLS", context)}


def _band_params(alg):
    alg.addParameter(QgsProcessingParameterNumber("MIN_HA", "Scale band: at least (ha)", QgsProcessingParameterNumber.Double, 10000.0, minValue=0))
    alg.addParameter(QgsProcessingParameterNumber("MAX_HA", "Scale band: at most (ha)", QgsProcessingParameterNumber.Double, 1000000.0, minValue=0))


def _band_args(alg, parameters, context):
    return ["--min-ha", alg.parameterAsDouble(parameters, "MIN_HA", context),
            "--max-ha", alg.parameterAsDouble(parameters, "MAX_HA", context)]


class CheckBoundary(LandgeoAlgorithm):
    ID = "check_boundary"
    TITLE = "Check a boundary"
    GROUP = "Check"
    HELP = ("Geodesic area and perimeter, the scale verdict (10,000–1,000,000 ha by default: a warning, never a refusal), "
            "contiguity, holes and slivers (`landgeo check --json`).")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFeatureSource("INPUT", "Boundary", [QgsProcessing.TypeVectorPolygon]))
        _band_params(self)
        self.addParameter(QgsProcessingParameterFileDestination("OUTPUT", "Check report (JSON)", "JSON files (*.json)", optional=True,
                                                                createByDefault=False))
        self.addOutput(QgsProcessingOutputNumber("AREA_HA", "Area (ha)"))
        self.addOutput(QgsProcessingOutputString("VERDICT", "Scale verdict"))
        self.addOutput(QgsProcessingOutputString("REPORT", "Checks (JSON)"))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        text = run_landgeo(["check", *self.layer_args(parameters, "INPUT", context, feedback), "--json",
                            *_band_args(self, parameters, context)], feedback, capture_stdout=True)
        report = json.loads(text)
        for c in report.get("checks", []):
            feedback.pushInfo(f"[{c.get('status')}] {c.get('id')}: {c.get('message')}")
        out = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        if out:
            with open(out, "w", encoding="utf-8") as f:
                json.dump(report, f, ensure_ascii=False, indent=2)
        return {"AREA_HA": report.get("area_ha"), "VERDICT": report.get("verdict"), "REPORT": json.dumps(report, ensure_ascii=False),
                "OUTPUT": out or None}


class SuggestWatersheds(LandgeoAlgorithm):
    ID = "suggest_watersheds"
    TITLE = "Suggest watersheds in the scale band"
    GROUP = "Delineate"
    HELP = ("Catchments around a point whose geodesic area fits the band: the tributaries when the catchment is too big, "
            "the units downstream when it is too small (`landgeo basins suggest`).")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFeatureSource("INPUT", "Basins (HydroBASINS-style)", [QgsProcessing.TypeVectorPolygon]))
        self.addParameter(QgsProcessingParameterPoint("POINT", "Outlet or a place in the watershed"))
        _band_params(self)
        self.addParameter(QgsProcessingParameterVectorDestination("OUTPUT", "Candidate catchments", type=QgsProcessing.TypeVectorPolygon))
        self.addOutput(QgsProcessingOutputNumber("CANDIDATES", "Candidates"))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        lon, lat = self.point(parameters, "POINT", context)
        out = self.parameterAsOutputLayer(parameters, "OUTPUT", context)
        text = run_landgeo(["basins", "suggest", *self.layer_args(parameters, "INPUT", context, feedback), "--point", f"{lon},{lat}", *_band_args(self, parameters, context),
                            "--json", "-o", out, "--overwrite"], feedback, capture_stdout=True)
        result = json.loads(text)
        for c in result.get("candidates", []):
            feedback.pushInfo(f"{c.get('id')}: {c.get('area_ha'):,.0f} ha, {c.get('verdict')} ({c.get('relation')})")
        self.style_output(context, out)
        return {"OUTPUT": out, "CANDIDATES": len(result.get("candidates", []))}


class ProfileRecipe(LandgeoAlgorithm):
    ID = "profile_recipe"
    TITLE = "Profile a recipe"
    GROUP = "Profile"
    HELP = ("The full profile of a landscape recipe (.toml): boundary.gpkg (styled), profile.json, tables.xlsx and CSVs, "
            "map.html and the sheet (`landgeo profile`). The GeoPackage's layers are loaded.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile("RECIPE", "Recipe (.toml)", extension="toml"))
        self.addParameter(QgsProcessingParameterEnum("LANG", "Language of the outputs", options=["(the recipe's)"] + LANGS, defaultValue=0))
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", "Output folder"))
        self.addOutput(QgsProcessingOutputString("PROFILE", "Profile folder"))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        recipe = self.parameterAsFile(parameters, "RECIPE", context)
        out = self.parameterAsString(parameters, "OUTPUT", context)
        lang = self.parameterAsEnum(parameters, "LANG", context)
        before = set(os.listdir(out)) if os.path.isdir(out) else set()
        args = ["profile", recipe, "-o", out, "--overwrite"] + (["--lang", LANGS[lang - 1]] if lang else [])
        text = run_landgeo(args, feedback)
        folders = [os.path.join(out, d) for d in sorted(os.listdir(out)) if os.path.isfile(os.path.join(out, d, "profile.json"))]
        new = [f for f in folders if os.path.basename(f) not in before] or folders
        if not new:
            raise QgsProcessingException(f"landgeo wrote no profile folder in {out}: {text}")
        folder = new[0]
        self.load_gpkg(context, os.path.join(folder, "boundary.gpkg"), os.path.basename(folder),
                       order=["ecosystems", "admin_units", "rivers", "sites", "boundary"])
        return {"OUTPUT": out, "PROFILE": folder}


class CompareUnits(LandgeoAlgorithm):
    ID = "compare_units"
    TITLE = "Compare a boundary with a units layer"
    GROUP = "Compare"
    HELP = ("IoU, the LandScale ±10 % alignment and the best-fit set of whole units (districts, regions…) for a boundary "
            "(`landgeo compare A --units`). Writes compare.json, units.csv, compare.gpkg (styled), the map and sheet; "
            "the GeoPackage's layers are loaded.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFeatureSource("INPUT", "Boundary (A)", [QgsProcessing.TypeVectorPolygon]))
        self.addParameter(QgsProcessingParameterFeatureSource("UNITS", "Units", [QgsProcessing.TypeVectorPolygon]))
        self.addParameter(QgsProcessingParameterField("FIELD", "Unit name field", parentLayerParameterName="UNITS"))
        self.add_lang()  # all four, as `landgeo compare --lang`
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", "Output folder"))
        self.addOutput(QgsProcessingOutputString("COMPARISON", "Comparison folder"))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        a, a_layer = self.source_and_layer(parameters, "INPUT", context, feedback)
        a = f"{a}:{a_layer}" if a_layer else a  # landgeo compare reads FILE:LAYER

        out = self.parameterAsString(parameters, "OUTPUT", context)
        target = os.path.join(out, "comparison")
        units = self.layer_args(parameters, "UNITS", context, feedback, option="--units-layer")
        run_landgeo(["compare", a, "--units", *units, "--field", self.parameterAsString(parameters, "FIELD", context),
                     "--lang", self.lang(parameters, context), "-o", target, "--overwrite"], feedback)
        self.load_gpkg(context, os.path.join(target, "compare.gpkg"), "compare",
                       order=["units", "only_a", "only_best_fit", "hybrid", "only_b", "intersection", "best_fit", "b", "a"])
        return {"OUTPUT": out, "COMPARISON": target}


ALGORITHMS = [DelineateAdmin, DelineateDrawn, DelineateBasins, DelineateDem, CheckBoundary, SuggestWatersheds, ProfileRecipe,
              CompareUnits]
