"""The package version (one place; floor 1, so every floor may read it)."""

__version__ = "0.1.0"
