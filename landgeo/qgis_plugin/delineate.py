"""The delineation algorithms: each writes a one-landscape recipe for its method and runs ``landgeo delineate``."""


import os
import re

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterPoint,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorDestination,
)

from .base import LandgeoAlgorithm, write_recipe
from .runner import run_landgeo
from .words import N_, t


class _Delineate(LandgeoAlgorithm):
    GROUP = N_("Delineate")

    def add_output(self):
        self.addParameter(QgsProcessingParameterVectorDestination("OUTPUT", t("Landscape boundary"), type=QgsProcessing.TypeVectorPolygon))

    def name_param(self):
        self.addParameter(QgsProcessingParameterString("NAME", t("Landscape name"), defaultValue="Landscape"))

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
    TITLE = N_("Delineate from admin units")
    HELP = N_("The union of the administrative units whose FIELD takes one of VALUES (comma-separated), "
            "dissolved; the definition names the units. Runs `landgeo delineate` on a recipe with "
            "method = \"admin\".")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.name_param()
        self.addParameter(QgsProcessingParameterFeatureSource("INPUT", t("Admin units"), [QgsProcessing.TypeVectorPolygon]))
        self.addParameter(QgsProcessingParameterField("FIELD", t("Unit name field"), parentLayerParameterName="INPUT"))
        self.addParameter(QgsProcessingParameterString("VALUES", t("Units (comma-separated names)")))
        self.addParameter(QgsProcessingParameterString("LEVEL", t("Level (district, region…)"), optional=True))
        self.add_lang()
        self.add_output()

    def boundary(self, parameters, context, feedback):
        values = [v.strip() for v in re.split(r"[,;\n]", self.parameterAsString(parameters, "VALUES", context)) if v.strip()]
        if not values:
            raise QgsProcessingException(t("VALUES: give at least one unit name, e.g. Bélavo, Kora Nord"))
        path, layer = self.source_and_layer(parameters, "INPUT", context, feedback)
        return {"method": "admin", "path": path, "layer": layer,
                "field": self.parameterAsString(parameters, "FIELD", context), "values": values,
                "level": self.parameterAsString(parameters, "LEVEL", context)}


class DelineateDrawn(_Delineate):
    ID = "delineate_drawn"
    TITLE = N_("Delineate from a drawn layer")
    HELP = N_("A boundary drawn by the team (any polygon layer): repaired and dissolved into one landscape (method = \"file\").")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.name_param()
        self.addParameter(QgsProcessingParameterFeatureSource("INPUT", t("Drawn boundary"), [QgsProcessing.TypeVectorPolygon]))
        self.add_lang()
        self.add_output()

    def boundary(self, parameters, context, feedback):
        path, layer = self.source_and_layer(parameters, "INPUT", context, feedback)
        return {"method": "file", "path": path, "layer": layer}


class DelineateBasins(_Delineate):
    ID = "delineate_basins"
    TITLE = N_("Delineate from basins (outlet point)")
    HELP = N_("Everything upstream of the basin unit at the outlet point, on a HydroBASINS-style layer "
            "(HYBAS_ID, NEXT_DOWN…), method = \"basins\".")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.name_param()
        self.addParameter(QgsProcessingParameterFeatureSource("INPUT", t("Basins (HydroBASINS-style)"), [QgsProcessing.TypeVectorPolygon]))
        self.addParameter(QgsProcessingParameterPoint("OUTLET", t("Outlet point")))
        self.addParameter(QgsProcessingParameterNumber("SNAP_M", t("Snap the outlet within (m)"), QgsProcessingParameterNumber.Double, 1000.0, minValue=0))
        self.add_lang()
        self.add_output()

    def boundary(self, parameters, context, feedback):
        path, layer = self.source_and_layer(parameters, "INPUT", context, feedback)
        return {"method": "basins", "path": path, "layer": layer,
                "outlet": list(self.point(parameters, "OUTLET", context)),
                "snap_m": self.parameterAsDouble(parameters, "SNAP_M", context) or None}


class DelineateDem(_Delineate):
    ID = "delineate_dem"
    TITLE = N_("Delineate from a DEM (outlet point)")
    HELP = N_("The catchment upstream of the outlet point, traced on the DEM (depressions filled, D8), method = \"dem\".")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.name_param()
        self.addParameter(QgsProcessingParameterRasterLayer("DEM", t("DEM (GeoTIFF)")))
        self.addParameter(QgsProcessingParameterPoint("OUTLET", t("Outlet point")))
        self.addParameter(QgsProcessingParameterNumber("SNAP_M", t("Snap the outlet within (m)"), QgsProcessingParameterNumber.Double, 500.0, minValue=0))
        self.addParameter(QgsProcessingParameterNumber("STREAM_CELLS", t("The snapped outlet drains at least (cells)"), QgsProcessingParameterNumber.Integer, 100, minValue=1))
        self.add_lang()
        self.add_output()

    def boundary(self, parameters, context, feedback):
        dem = self.parameterAsRasterLayer(parameters, "DEM", context)
        path = dem.source() if dem is not None else ""
        if not os.path.isfile(path):
            raise QgsProcessingException(t("DEM: {path} is not a file landgeo can read; save the DEM as a GeoTIFF first").format(
                path=path or t("no layer")))
        return {"method": "dem", "dem": path, "outlet": list(self.point(parameters, "OUTLET", context)),
                "snap_m": self.parameterAsDouble(parameters, "SNAP_M", context) or None,
                "stream_threshold_cells": self.parameterAsInt(parameters, "STREAM_CELLS", context)}
