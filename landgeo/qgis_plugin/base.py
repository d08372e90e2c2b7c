"""What every landgeo algorithm shares: the base class (names, help, language, loading outputs with their
embedded styles), recipe writing and the scale-band parameters."""


import json
import os
import re
import unicodedata

from osgeo import ogr  # QGIS's Python always has GDAL's bindings
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingParameterEnum,
    QgsProcessingParameterNumber,
    QgsProcessingUtils,
)

from .words import t, tr

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
        return tr(self.TITLE)

    def group(self):
        return tr(self.GROUP)

    def groupId(self):  # noqa: N802
        return slugify(self.GROUP)  # the English name: an id stays the same in every language

    def shortHelpString(self):  # noqa: N802
        return tr(self.HELP)

    def add_lang(self):
        self.addParameter(QgsProcessingParameterEnum("LANG", t("Language of the outputs"), options=LANGS, defaultValue=0))

    def lang(self, parameters, context):
        return LANGS[self.parameterAsEnum(parameters, "LANG", context)]

    def source_and_layer(self, parameters, name, context, feedback):
        """(file, layer name or None): the layer's own file when landgeo can read it, else a temporary GeoPackage."""
        path, layer = self.parameterAsCompatibleSourceLayerPathAndLayerName(parameters, name, context, FORMATS, "gpkg", feedback)
        if not path:
            raise QgsProcessingException(t("{name}: no layer given").format(name=name))
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


def band_params(alg):
    alg.addParameter(QgsProcessingParameterNumber("MIN_HA", t("Scale band: at least (ha)"), QgsProcessingParameterNumber.Double, 10000.0, minValue=0))
    alg.addParameter(QgsProcessingParameterNumber("MAX_HA", t("Scale band: at most (ha)"), QgsProcessingParameterNumber.Double, 1000000.0, minValue=0))


def band_args(alg, parameters, context):
    return ["--min-ha", alg.parameterAsDouble(parameters, "MIN_HA", context),
            "--max-ha", alg.parameterAsDouble(parameters, "MAX_HA", context)]
