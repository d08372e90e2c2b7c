"""Floor 2: landscape recipes (one TOML file per landscape), parsed and checked into a :class:`Recipe`."""

from .parse import Recipe, parse_recipe, read_recipe

__all__ = ["Recipe", "parse_recipe", "read_recipe"]
