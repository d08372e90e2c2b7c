"""Render GeoPackage layers with QGIS (PyQGIS, headless) to a PNG; print what QGIS loaded as JSON.

Run with the Python that has python3-qgis (Debian: /usr/bin/python3), not the project's:
    QT_QPA_PLATFORM=offscreen /usr/bin/python3 render_gpkg.py OUT.png GPKG LAYER [LAYER...]
The layers are opened as QGIS opens a dragged file, so their default style comes from the
GeoPackage's layer_styles table. Layers are drawn in the order given (first at the bottom).
"""

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import QgsApplication, QgsMapRendererParallelJob, QgsMapSettings, QgsProject, QgsRectangle, QgsVectorLayer  # noqa: E402
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402


def main(out, gpkg, names):
    app = QgsApplication([], False)
    app.initQgis()
    layers, info = [], {}
    for name in names:
        layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
        if not layer.isValid():
            raise SystemExit(f"{gpkg}: layer {name} is not valid in QGIS")
        renderer = layer.renderer()
        legend = [item.label() for item in renderer.legendSymbolItems()]
        info[name] = {"renderer": renderer.type(), "legend": legend, "labels": bool(layer.labelsEnabled()),
                      "colours": [item.symbol().color().name() for item in renderer.legendSymbolItems() if item.symbol()]}
        layers.append(layer)
        QgsProject.instance().addMapLayer(layer, False)
    extent = QgsRectangle()
    for layer in layers:
        extent.combineExtentWith(layer.extent())
    extent.scale(1.05)
    settings = QgsMapSettings()
    settings.setLayers(list(reversed(layers)))  # QGIS draws the first of the list on top
    settings.setExtent(extent)
    settings.setOutputSize(QSize(900, 900))
    settings.setOutputDpi(150)
    settings.setBackgroundColor(QColor("#ffffff"))
    settings.setDestinationCrs(layers[0].crs())
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    job.renderedImage().save(out, "png")
    print(json.dumps(info))
    sys.stdout.flush()
    os._exit(0)  # QGIS 3.22 can crash in exitQgis() on some builds; the image and JSON are written


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
