"""Screenshots of landgeo in QGIS for the README (run inside QGIS, under Xvfb; never imported by the package).

    landgeo profile boundaries/demo-districts.toml -o /tmp/shots       # a styled boundary.gpkg
    QGIS_CUSTOM_CONFIG_PATH=/tmp/qgis-shots landgeo qgis install-plugin
    LANDGEO_SHOT_GPKG=/tmp/shots/demo-kora-hills/boundary.gpkg LANDGEO_SHOT_UNITS=layers/demo/admin.gpkg \\
    LANDGEO_SHOT_DIR=docs/images QGIS_CUSTOM_CONFIG_PATH=/tmp/qgis-shots \\
      xvfb-run -s "-screen 0 1600x1000x24" qgis.bin --nologo --noversioncheck --code scripts/qgis_screenshots.py

Writes ``qgis_styled_boundary.png`` (the GeoPackage's layers, dragged in as they are: their
styles come from its layer_styles table) and ``qgis_provider.png`` (the Processing toolbox
with the landgeo provider and its "Delineate from admin units" dialog), then quits QGIS.
"""

import os

import processing
from qgis.core import QgsApplication, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QDockWidget, QLineEdit
from qgis.utils import iface

OUT = os.environ["LANDGEO_SHOT_DIR"]
GPKG = os.environ["LANDGEO_SHOT_GPKG"]
UNITS = os.environ.get("LANDGEO_SHOT_UNITS", "")
state = {}


def load_layers():
    iface.mainWindow().resize(1500, 940)
    project = QgsProject.instance()
    for name in ("ecosystems", "admin_units", "rivers", "sites", "boundary"):  # bottom to top
        layer = QgsVectorLayer(f"{GPKG}|layername={name}", name, "ogr")
        if layer.isValid():
            project.addMapLayer(layer)
            if name == "boundary":
                extent = layer.extent()
                extent.scale(1.15)
                iface.mapCanvas().setExtent(extent)
    iface.mapCanvas().refresh()
    QTimer.singleShot(6000, shoot_map)


def shoot_map():
    iface.mainWindow().grab().save(os.path.join(OUT, "qgis_styled_boundary.png"))
    toolbox = iface.mainWindow().findChild(QDockWidget, "ProcessingToolbox")
    if toolbox is not None:
        toolbox.show()
        for box in toolbox.findChildren(QLineEdit):
            box.setText("landgeo")
    params = {"INPUT": f"{UNITS}|layername=districts", "FIELD": "district", "VALUES": "Bélavo, Kora Nord, Kora Sud",
              "NAME": "Kora Hills"} if UNITS else {}
    dialog = processing.createAlgorithmDialog("landgeo:delineate_admin", params)
    state["dialog"] = dialog
    dialog.resize(700, 600)
    if toolbox is not None:
        iface.mainWindow().resizeDocks([toolbox], [380], 1)  # 1 = Qt.Horizontal: wide enough for the names
    dialog.show()
    QTimer.singleShot(4000, shoot_provider)


def shoot_provider():
    from qgis.PyQt.QtGui import QPainter, QPixmap

    window = iface.mainWindow().grab()
    dialog = state["dialog"].grab()
    canvas = QPixmap(window.size())
    painter = QPainter(canvas)
    painter.drawPixmap(0, 0, window)
    toolbox = iface.mainWindow().findChild(QDockWidget, "ProcessingToolbox")
    right = toolbox.width() if toolbox is not None and toolbox.isVisible() else 0
    # the dialog over the map, left of the toolbox that lists the landgeo algorithms
    painter.drawPixmap(max(290, window.width() - right - dialog.width() - 24), 96, dialog)
    painter.end()
    canvas.save(os.path.join(OUT, "qgis_provider.png"))
    QTimer.singleShot(500, QgsApplication.instance().quit)


QTimer.singleShot(8000, load_layers)
