"""Pieces the CLI tests share: landgeo's CLI run in this process, the recipe of a landscape of admin units,
and a landscape whose attach step crashes as a bug inside landgeo would."""

from __future__ import annotations

import json

from click.testing import CliRunner

from landgeo.cli import main

ADMIN_RECIPE = """
[landscape]
name = "{name}"
slug = "{slug}"
{head}
[boundary]
method = "admin"
path = "{units}"
layer = "{layer}"
field = "{field}"
values = {values}
"""


def run(*args, input=None):
    """``landgeo ARGS`` in this process (arguments as text); exceptions are not caught."""
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, input=input)


def admin_recipe(name: str, slug: str, units, *, values=("Bélavo",), layer: str = "districts", field: str = "name",
                 head: str = "") -> str:
    """The text of a recipe whose boundary is the units ``values`` of the layer ``layer`` of ``units``."""
    return ADMIN_RECIPE.format(name=name, slug=slug, units=units, layer=layer, field=field, head=head,
                               values=json.dumps(list(values), ensure_ascii=False))


def crash_attaching(monkeypatch, name: str = "B") -> None:
    """Attaching the layers of the landscape ``name`` raises a TypeError (an internal error, not bad input)."""
    from landgeo.app import pipeline

    real = pipeline.attach_all

    def crash_on_b(recipe, boundary):
        if recipe.name == name:
            raise TypeError("'<' not supported between instances of 'float' and 'str'")
        return real(recipe, boundary)

    monkeypatch.setattr(pipeline, "attach_all", crash_on_b)
