"""Run landgeo:profile_recipe through PyQGIS and load its outputs as Processing does; print each layer's style as JSON.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 load_outputs.py PLUGINS_DIR RECIPE OUT_DIR

Processing opens output layers without their default style; the landgeo algorithms attach a
post-processor that loads the style stored in the GeoPackage. This script does what QGIS does
on completion: open each layer the context lists, then call its post-processor.
"""

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback, QgsProject, QgsVectorLayer  # noqa: E402


def main(plugins, recipe, out):
    app = QgsApplication([], False)
    app.initQgis()
    sys.path.insert(0, "/usr/share/qgis/python/plugins")
    from processing.core.Processing import Processing

    Processing.initialize()
    sys.path.insert(0, plugins)
    import landgeo_processing

    plugin = landgeo_processing.classFactory(None)
    plugin.initProcessing()
    import processing

    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    feedback = QgsProcessingFeedback()
    processing.run("landgeo:profile_recipe", {"RECIPE": recipe, "LANG": 0, "OUTPUT": out}, context=context, feedback=feedback)
    info = {}
    for uri, details in context.layersToLoadOnCompletion().items():
        options = QgsVectorLayer.LayerOptions(QgsProject.instance().transformContext())
        options.loadDefaultStyle = False  # as Processing opens its outputs
        layer = QgsVectorLayer(uri, details.name, "ogr", options)
        before = [i.label() for i in layer.renderer().legendSymbolItems()]
        details.postProcessor().postProcessLayer(layer, context, feedback)
        name = uri.split("layername=")[-1]
        info[name] = {"renderer": layer.renderer().type(), "legend": [i.label() for i in layer.renderer().legendSymbolItems()]}
        if info[name]["legend"] == before and name != "ecosystems":
            info[name]["unchanged"] = True
    print(json.dumps(info, ensure_ascii=False))
    sys.stdout.flush()
    os._exit(0)  # QGIS 3.22 can crash in exitQgis() on some builds


if __name__ == "__main__":
    main(*sys.argv[1:4])
