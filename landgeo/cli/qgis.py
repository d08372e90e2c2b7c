"""``landgeo qgis install-plugin``: the landgeo Processing provider copied into a QGIS profile."""

from __future__ import annotations

from pathlib import Path

import click

from ..app.qgis_install import install_plugin
from .group import LandgeoGroup
from .options import message_lookup as _t  # the name the catalogue extractor reads


@click.group(cls=LandgeoGroup)
def qgis() -> None:
    """QGIS: the landgeo Processing provider (it calls this command line)."""


@qgis.command("install-plugin")
@click.option("--profile", default="default", show_default=True, help="The QGIS user profile.")
@click.option("--profiles-dir", type=click.Path(path_type=Path), default=None,
              help="QGIS's profiles folder (default: $QGIS_CUSTOM_CONFIG_PATH/profiles or QGIS's per-user folder).")
@click.option("--cli", "cli_path", default=None, help="The landgeo command the provider runs (default: this one).")
def qgis_install_plugin(profile: str, profiles_dir, cli_path) -> None:
    """Copy the landgeo Processing provider into a QGIS profile and enable it (restart QGIS)."""
    done = install_plugin(profile=profile, profiles=profiles_dir, cli=cli_path)
    t = _t()
    click.echo(t("installed the landgeo Processing provider in {folder}", folder=str(done.folder)))
    click.echo(t("it runs {cli}; enabled in {settings}. Restart QGIS: Processing Toolbox > landgeo", cli=str(done.cli),
                 settings=str(done.settings)))
