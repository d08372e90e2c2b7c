"""``landgeo demo``: profile every demo recipe (``boundaries/demo-*.toml``) on the demo kit."""

from __future__ import annotations

from pathlib import Path

from ..errors import LandgeoError, LayerError
from ..i18n import Text, translator
from ..recipe.parse import read_recipe
from .compare import compare_files
from .pipeline import Outcome, failure_detail, profile_many

REPO = Path(__file__).resolve().parents[2]


#: The demo kit a regular install carries (setup.py copies layers/demo and the demo recipes there).
INSTALLED_KIT = Path(__file__).resolve().parents[1] / "demo_kit"


def demo_recipes() -> list[Path]:
    """The demo recipes: from ./boundaries, the checkout landgeo runs from, or the kit installed with it."""
    for root in (Path.cwd(), REPO, INSTALLED_KIT):
        found = sorted((root / "boundaries").glob("demo-*.toml"))
        if found and (root / "layers" / "demo").is_dir():
            return found
    raise LayerError(
        Text("boundaries/demo-*.toml and layers/demo/ not found, and this landgeo has no demo kit installed; reinstall it with `pip install landgeo` (or `pip install .` in the checkout), or run `landgeo demo` from the landgeo checkout (regenerate the kit with `python scripts/make_demo_layers.py`)")
    )


#: The demo comparison: the watershed landscape against the demo districts (issue 6).
DEMO_COMPARISON = {"recipe": "demo-watershed.toml", "units": "layers/demo/admin.gpkg", "layer": "districts", "field": "district"}


def run_demo_comparison(out_dir: str | Path, *, lang: str | None = None, overwrite: bool = False,
                        recipe: str | Path | None = None) -> tuple[bool, str] | None:
    """Compare the demo watershed landscape with the demo districts into ``out_dir/<slug>/compare-districts/``.

    Runs after the profiles, beside the landscape's own profile (skipped when that
    folder is absent, i.e. its profile failed). Returns (ok, one line to print), or
    None when the watershed recipe is absent. A wrong input is reported in the line.
    """
    if recipe is None:
        found = [p for p in demo_recipes() if p.name == DEMO_COMPARISON["recipe"]]
        if not found:
            return None
        recipe = found[0]
    recipe = Path(recipe)
    units = recipe.resolve().parent.parent / DEMO_COMPARISON["units"]
    t = translator(lang)
    try:
        r = read_recipe(recipe)
        t = translator(lang or r.language)
        if not (Path(out_dir) / r.slug).is_dir():
            return False, t("compare {recipe}: skipped, the profile of {slug} was not written", recipe=recipe.name, slug=r.slug)
        target = Path(out_dir) / r.slug / "compare-districts"
        c = compare_files(recipe, units=units, units_layer=DEMO_COMPARISON["layer"], field=DEMO_COMPARISON["field"],
                          out_dir=target, lang=lang or r.language, overwrite=overwrite)
    except LandgeoError as exc:
        return False, t("compare {recipe}: FAILED: {error}", recipe=recipe.name, error=failure_detail(recipe, exc, t.lang))
    u = c.units
    return True, t("compare {slug} vs districts: best fit {n} of {touched} districts touched, IoU {iou:.3f} -> {folder}",
                   slug=r.slug, n=len(u.best_fit), touched=u.touched, iou=u.metrics.iou if u.metrics is not None else 0.0,
                   folder=str(target))


def run_demo(out_dir: str | Path, *, lang: str | None = None, overwrite: bool = False) -> list[Outcome]:
    """Profile the demo landscapes into ``out_dir/<slug>/``."""
    return profile_many(demo_recipes(), Path(out_dir), lang=lang, overwrite=overwrite)
