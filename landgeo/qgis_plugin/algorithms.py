"""The landgeo algorithms: each builds a landgeo command line (and, for the delineations, a
small recipe: :mod:`.delineate`), runs it through :mod:`.runner` and loads what it wrote, with its styles (:mod:`.base`).

:data:`ALGORITHMS` is what the provider lists."""


import json
import os

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterPoint,
    QgsProcessingParameterVectorDestination,
)

from .base import LANGS, LandgeoAlgorithm, band_args, band_params
from .delineate import DelineateAdmin, DelineateBasins, DelineateDem, DelineateDrawn
from .runner import run_landgeo
from .words import N_, t


class CheckBoundary(LandgeoAlgorithm):
    ID = "check_boundary"
    TITLE = N_("Check a boundary")
    GROUP = N_("Check")
    HELP = N_("Geodesic area and perimeter, the scale verdict (10,000–1,000,000 ha by default: a warning, never a refusal), "
            "contiguity, holes and slivers (`landgeo check --json`).")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFeatureSource("INPUT", t("Boundary"), [QgsProcessing.TypeVectorPolygon]))
        band_params(self)
        self.addParameter(QgsProcessingParameterFileDestination("OUTPUT", t("Check report (JSON)"), "JSON files (*.json)", optional=True,
                                                                createByDefault=False))
        self.addOutput(QgsProcessingOutputNumber("AREA_HA", t("Area (ha)")))
        self.addOutput(QgsProcessingOutputString("VERDICT", t("Scale verdict")))
        self.addOutput(QgsProcessingOutputString("REPORT", t("Checks (JSON)")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        text = run_landgeo(["check", *self.layer_args(parameters, "INPUT", context, feedback), "--json",
                            *band_args(self, parameters, context)], feedback, capture_stdout=True)
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
    TITLE = N_("Suggest watersheds in the scale band")
    GROUP = N_("Delineate")
    HELP = N_("Catchments around a point whose geodesic area fits the band: the tributaries when the catchment is too big, "
            "the units downstream when it is too small (`landgeo basins suggest`).")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFeatureSource("INPUT", t("Basins (HydroBASINS-style)"), [QgsProcessing.TypeVectorPolygon]))
        self.addParameter(QgsProcessingParameterPoint("POINT", t("Outlet or a place in the watershed")))
        band_params(self)
        self.addParameter(QgsProcessingParameterVectorDestination("OUTPUT", t("Candidate catchments"), type=QgsProcessing.TypeVectorPolygon))
        self.addOutput(QgsProcessingOutputNumber("CANDIDATES", t("Candidates")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        lon, lat = self.point(parameters, "POINT", context)
        out = self.parameterAsOutputLayer(parameters, "OUTPUT", context)
        text = run_landgeo(["basins", "suggest", *self.layer_args(parameters, "INPUT", context, feedback), "--point", f"{lon},{lat}", *band_args(self, parameters, context),
                            "--json", "-o", out, "--overwrite"], feedback, capture_stdout=True)
        result = json.loads(text)
        for c in result.get("candidates", []):
            feedback.pushInfo(f"{c.get('id')}: {c.get('area_ha'):,.0f} ha, {c.get('verdict')} ({c.get('relation')})")
        self.style_output(context, out)
        return {"OUTPUT": out, "CANDIDATES": len(result.get("candidates", []))}


class ProfileRecipe(LandgeoAlgorithm):
    ID = "profile_recipe"
    TITLE = N_("Profile a recipe")
    GROUP = N_("Profile")
    HELP = N_("The full profile of a landscape recipe (.toml): boundary.gpkg (styled), profile.json, tables.xlsx and CSVs, "
            "map.html and the sheet (`landgeo profile`). The GeoPackage's layers are loaded.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile("RECIPE", t("Recipe (.toml)"), extension="toml"))
        self.addParameter(QgsProcessingParameterEnum("LANG", t("Language of the outputs"), options=[t("(the recipe's)")] + LANGS, defaultValue=0))
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", t("Output folder")))
        self.addOutput(QgsProcessingOutputString("PROFILE", t("Profile folder")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        recipe = self.parameterAsFile(parameters, "RECIPE", context)
        out = self.parameterAsString(parameters, "OUTPUT", context)
        lang = self.parameterAsEnum(parameters, "LANG", context)
        before = set(os.listdir(out)) if os.path.isdir(out) else set()
        args = ["profile", recipe, "-o", out, "--overwrite"] + (["--lang", LANGS[lang - 1]] if lang else [])
        text = run_landgeo(args, feedback)
        folders = [os.path.join(out, d) for d in sorted(os.listdir(out))  # not <slug>.previous: an earlier run's, set aside
                   if "." not in d and os.path.isfile(os.path.join(out, d, "profile.json"))]
        new = [f for f in folders if os.path.basename(f) not in before] or folders
        if not new:
            raise QgsProcessingException(t("landgeo wrote no profile folder in {folder}: {output}").format(folder=out, output=text))
        folder = new[0]
        self.load_gpkg(context, os.path.join(folder, "boundary.gpkg"), os.path.basename(folder),
                       order=["ecosystems", "admin_units", "rivers", "sites", "boundary"])
        return {"OUTPUT": out, "PROFILE": folder}


class CompareUnits(LandgeoAlgorithm):
    ID = "compare_units"
    TITLE = N_("Compare a boundary with a units layer")
    GROUP = N_("Compare")
    HELP = N_("IoU, the LandScale ±10 % alignment and the best-fit set of whole units (districts, regions…) for a boundary "
            "(`landgeo compare A --units`). Writes compare.json, units.csv, compare.gpkg (styled), the map and sheet; "
            "the GeoPackage's layers are loaded.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFeatureSource("INPUT", t("Boundary (A)"), [QgsProcessing.TypeVectorPolygon]))
        self.addParameter(QgsProcessingParameterFeatureSource("UNITS", t("Units"), [QgsProcessing.TypeVectorPolygon]))
        self.addParameter(QgsProcessingParameterField("FIELD", t("Unit name field"), parentLayerParameterName="UNITS"))
        self.add_lang()  # all four, as `landgeo compare --lang`
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", t("Output folder")))
        self.addOutput(QgsProcessingOutputString("COMPARISON", t("Comparison folder")))

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
