"""The QGIS plugin object: registers the landgeo Processing provider (also under qgis_process)."""

from qgis.core import QgsApplication

from .provider import LandgeoProvider


class LandgeoPlugin:
    def __init__(self, iface=None):
        self.iface = iface
        self.provider = None

    def initProcessing(self):  # noqa: N802 (QGIS's name; qgis_process calls it)
        if self.provider is None:
            self.provider = LandgeoProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802
        self.initProcessing()

    def unload(self):
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
