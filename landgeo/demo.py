"""``landgeo demo``: profile every demo recipe (``boundaries/demo-*.toml``) on the demo kit."""

from __future__ import annotations

from pathlib import Path

from .errors import LayerError
from .pipeline import Outcome, profile_many

REPO = Path(__file__).resolve().parents[1]


def demo_recipes() -> list[Path]:
    """The demo recipes, from ./boundaries or the source checkout landgeo was installed from."""
    for root in (Path.cwd(), REPO):
        found = sorted((root / "boundaries").glob("demo-*.toml"))
        if found and (root / "layers" / "demo").is_dir():
            return found
    raise LayerError(
        "boundaries/demo-*.toml and layers/demo/ not found; run `landgeo demo` from the landgeo checkout "
        "(or regenerate the kit with `python scripts/make_demo_layers.py`)"
    )


def run_demo(out_dir: str | Path, *, lang: str | None = None, overwrite: bool = False) -> list[Outcome]:
    """Profile the demo landscapes into ``out_dir/<slug>/``."""
    return profile_many(demo_recipes(), Path(out_dir), lang=lang, overwrite=overwrite)
