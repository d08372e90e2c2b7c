"""landgeo for QGIS: a Processing provider that calls the landgeo command line.

Installed by ``landgeo qgis install-plugin`` into a QGIS profile's ``python/plugins``.
QGIS's Python never imports landgeo: every algorithm runs the ``landgeo`` command of the
environment landgeo was installed in (its path is a Processing setting), as the
Whitebox provider runs ``whitebox_tools``.
"""


def classFactory(iface):  # noqa: N802 (QGIS's name)
    from .plugin import LandgeoPlugin  # optional: qgis.core exists only inside QGIS, which calls this

    return LandgeoPlugin(iface)
