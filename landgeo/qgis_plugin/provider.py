"""The "landgeo" Processing provider: its settings (the landgeo command) and its algorithms."""

import os

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from . import runner
from .algorithms import ALGORITHMS
from .words import t

HERE = os.path.dirname(__file__)


class LandgeoProvider(QgsProcessingProvider):
    def id(self):
        return "landgeo"

    def name(self):
        return "landgeo"

    def longName(self):  # noqa: N802
        return t("landgeo (landscape boundaries and profiles)")

    def icon(self):
        return QIcon(os.path.join(HERE, "icon.svg"))

    def load(self):
        try:  # the Processing options dialog: Providers > landgeo > landgeo command
            from processing.core.ProcessingConfig import ProcessingConfig, Setting  # optional: QGIS's Processing plugin

            ProcessingConfig.settingIcons[self.name()] = self.icon()
            ProcessingConfig.addSetting(Setting(self.name(), runner.CLI_SETTING, t("landgeo command (the landgeo executable of its environment)"),
                                                runner.default_cli(), valuetype=Setting.FILE))
            ProcessingConfig.readSettings()
        except ImportError:  # no processing plugin: the default command is used
            pass
        self.refreshAlgorithms()
        return True

    def unload(self):
        try:
            from processing.core.ProcessingConfig import ProcessingConfig  # optional: QGIS's Processing plugin

            ProcessingConfig.removeSetting(runner.CLI_SETTING)
        except ImportError:
            pass

    def loadAlgorithms(self):  # noqa: N802
        for cls in ALGORITHMS:
            self.addAlgorithm(cls())

    def supportsNonFileBasedOutput(self):  # noqa: N802
        return False

    def defaultVectorFileExtension(self, hasGeometry=True):  # noqa: N802, N803
        return "gpkg"
