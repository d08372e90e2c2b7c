"""``method = "file"``: a boundary someone drew (GPKG, SHP, GeoJSON, KML/KMZ…)."""

from __future__ import annotations

from ..boundary import Boundary, Source, finish_boundary
from ..errors import RecipeError
from ..i18n import tr
from ..layers import read_vector, report_of


def boundary_from_layer(gdf, *, label: str, lang: str = "en", definition: str | None = None) -> Boundary:
    """Dissolve every polygon of a drawn layer into one boundary."""
    n = len(gdf)
    sentence = definition or tr(
        lang,
        f"Boundary drawn in {label} ({n} polygon{'s' if n != 1 else ''})",
        f"Limite dessinée dans {label} ({n} polygone{'s' if n != 1 else ''})",
    )
    return finish_boundary(gdf.geometry.values, gdf.crs, method="file", definition=sentence, sources=(Source(label, n),))


def boundary_from_recipe(recipe) -> Boundary:
    b = recipe.boundary
    if "path" not in b:
        raise RecipeError(f"{recipe.path}: [boundary] method \"file\" needs path = \"…\", the drawn boundary file")
    gdf = read_vector(b["path"], layer=b.get("layer"), crs=b.get("crs"), x=b.get("x"), y=b.get("y"), expect="polygon")
    return boundary_from_layer(gdf, label=report_of(gdf).label, lang=recipe.language, definition=b.get("definition"))
