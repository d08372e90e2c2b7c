"""The comparison's web map (``compare.html``): both outlines and where they differ.

Built on the profile web map's machinery (:mod:`landgeo.render.webmap`):
Leaflet inlined from the xstatic packages, popups escaped in Python, stable
element ids — so the page works with no network and the same inputs give the
same bytes.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import folium
import geopandas as gpd
import shapely

from ..geo import geodesy
from ..i18n import Text, check_lang, fmt_number, translator
from . import style
from .context import to_4326
from .labels import fmt_ha, fmt_km, fmt_share
from .webmap_assets import CONTEXT_PANE, new_map
from .webmap_elements import HtmlControl, ScaleControl, VectorLayer, features, legend_html, simplify_tolerance, stable_ids

if TYPE_CHECKING:  # pragma: no cover
    from ..comparison.result import Comparison

log = logging.getLogger(__name__)

#: Colours of the comparison roles, shared with the comparison sheet.
COLOURS = {
    "a": style.BOUNDARY,  # red outline
    "b": "#2166ac",  # blue outline
    "best_fit": "#2166ac",
    "only_a": "#f4a582",  # light red: only in A
    "only_b": "#92c5de",  # light blue: only in B
    "only_best_fit": "#92c5de",
    "intersection": "#a6dba0",  # green: in both
    "hybrid": "#a6dba0",
    "units": style.ADMIN,
    "hausdorff": "#111111",
}


def reference_role(comparison: Comparison) -> str | None:
    """``b`` when there is a B, else ``best_fit`` when A met any unit, else None."""
    if comparison.b is not None:
        return "b"
    if comparison.units is not None and comparison.units.metrics is not None:
        return "best_fit"
    return None


def fill_roles(comparison: Comparison) -> list[str]:
    """The pieces drawn as fills: agreement and the two differences against the reference."""
    geoms = comparison.geometries()
    both = "intersection" if comparison.b is not None else "hybrid"
    return [r for r in (both, "only_a", "only_b", "only_best_fit") if r in geoms]


def headline(comparison: Comparison, lang: str) -> tuple[str, str]:
    """(title, subtitle) for the map and the sheet."""
    ref = reference_role(comparison)
    a = comparison.a_label
    if ref == "b":
        title = f"{a} — {comparison.b_label}"
        m = comparison.pair
    else:
        u = comparison.units
        title = f"{a} — {u.label} ({u.field})" if u is not None else a
        m = u.metrics if u is not None else None
    if m is None:
        return title, "IoU 0"
    t = translator(lang)
    if m.alignment.aligned:
        verdict = t("aligned (±{tolerance:.0%})", tolerance=m.alignment.tolerance)
    else:
        verdict = t("not aligned (±{tolerance:.0%})", tolerance=m.alignment.tolerance)
    return title, f"IoU {fmt_number(m.iou, lang, 3)} · {verdict} · Hausdorff {fmt_km(m.hausdorff.km, lang)}"


def _piece_frame(comparison: Comparison, role: str, geom, lang: str) -> gpd.GeoDataFrame:
    area = geodesy.area_ha(geom)
    share = area / comparison.area_a_ha if comparison.area_a_ha else 0.0
    name = comparison.role_label(role, lang)
    t = translator(lang)
    props = {
        "name": [name],
        t("area", context="popup field"): [fmt_ha(area, lang)],
        t("share of A", context="popup field"): [fmt_share(share, lang)],
    }
    return gpd.GeoDataFrame(props, geometry=[geom], crs=4326)


def _units_frame(comparison: Comparison, lang: str) -> gpd.GeoDataFrame | None:
    u = comparison.units
    if u is None or len(u.geometries) == 0:
        return None
    g = u.geometries
    t = translator(lang)
    yes, no = t("yes"), t("no")
    return gpd.GeoDataFrame(
        {
            "name": g["unit"].astype(str),
            t("area", context="popup field"): [fmt_ha(v, lang) for v in g["area_ha"]],
            t("share of A in the unit", context="popup field"): [fmt_share(v, lang) for v in g["share_of_a"]],
            t("share of the unit inside A", context="popup field"): [fmt_share(v, lang) for v in g["share_of_unit"]],
            t("best fit", context="popup field"): [yes if v else no for v in g["in_best_fit"]],
        },
        geometry=g.geometry.values,
        crs=4326,
    )


def build_compare_map(comparison: Comparison, *, lang: str = "en", offline: bool = True, context: gpd.GeoDataFrame | None = None):
    """Build the comparison's folium map (both outlines, the differences, the units, the Hausdorff pair).

    Parameters
    ----------
    comparison
        A :class:`landgeo.compare.Comparison`.
    lang
        One of :data:`landgeo.i18n.LANGUAGES`.
    offline
        ``True``: no tile layer; ``False``: add OpenStreetMap tiles (they need a connection).
    context
        Optional country or region outlines drawn underneath.
    """
    # long: (≈ 85 lines) the map's layers in drawing order, each a few lines; read top to bottom like the page.
    lang = check_lang(lang)
    geoms = comparison.geometries()
    ref = reference_role(comparison)
    extent_geoms = [geoms["a"]] + ([geoms[ref]] if ref else [])
    minx, miny, maxx, maxy = shapely.bounds(shapely.union_all(extent_geoms)).tolist()
    tol = simplify_tolerance((minx, miny, maxx, maxy))
    title, subtitle = headline(comparison, lang)
    t = translator(lang)
    m = new_map((minx, miny, maxx, maxy), title=title, offline=offline)

    legend: list[tuple[str, str, str]] = []
    ctx = to_4326(context, "context") if context is not None else None
    if ctx is not None:
        fg = folium.FeatureGroup(name=t("Context", context="map layer"), show=True)
        VectorLayer(
            features(ctx, lang=lang, title_field=None, layer_title="", tolerance=tol * 4),
            style_={"color": style.CONTEXT_EDGE, "weight": 1, "fillColor": style.CONTEXT_FILL, "fillOpacity": 1.0 if offline else 0.0},
            interactive=False, pane=CONTEXT_PANE,
        ).add_to(fg)
        fg.add_to(m)

    fills = [r for r in fill_roles(comparison) if not geoms[r].is_empty]
    if fills:
        fg = folium.FeatureGroup(name=t("Differences", context="map layer"), show=True)
        for role in fills:
            data = features(_piece_frame(comparison, role, geoms[role], lang), lang=lang, title_field="name",
                             layer_title=comparison.role_label(role, lang), tolerance=tol)
            VectorLayer(data, style_={"color": COLOURS[role], "weight": 0, "fillColor": COLOURS[role], "fillOpacity": 0.6,
                                      "className": f"landgeo-{role}"}).add_to(fg)
            legend.append(("fill", COLOURS[role], comparison.role_label(role, lang)))
        fg.add_to(m)

    units = _units_frame(comparison, lang)
    if units is not None:
        name = f"{comparison.units.label} ({comparison.units.field})"
        fg = folium.FeatureGroup(name=html.escape(name), show=True)  # Leaflet's layer control shows names as HTML
        VectorLayer(features(units, lang=lang, title_field="name", layer_title=name, tolerance=tol),
                    style_={"color": COLOURS["units"], "weight": 1.2, "dashArray": "5 4", "fill": True, "fillOpacity": 0.0,
                            "className": "landgeo-units"}).add_to(fg)
        fg.add_to(m)
        legend.append(("dash", COLOURS["units"], name))

    for role, weight, dash in ((ref, 2.6, "8 5"), ("a", 3.0, None)):
        if role is None:
            continue
        frame = _piece_frame(comparison, role, geoms[role], lang)
        st = {"color": COLOURS[role], "weight": weight, "fill": True, "fillOpacity": 0.0, "className": f"landgeo-{role}"}
        if dash:
            st["dashArray"] = dash
        fg = folium.FeatureGroup(name=html.escape(comparison.role_label(role, lang)), show=True)
        VectorLayer(features(frame, lang=lang, title_field="name", layer_title=comparison.role_label(role, lang), tolerance=tol),
                    style_=st).add_to(fg)
        fg.add_to(m)
        legend.insert(0, ("outline" if dash is None else "dash", COLOURS[role], comparison.role_label(role, lang)))

    metrics = comparison.pair if comparison.pair is not None else (comparison.units.metrics if comparison.units else None)
    if metrics is not None and metrics.hausdorff.km > 0:
        h = metrics.hausdorff
        line = shapely.LineString([h.a_point, h.b_point])
        text = f"Hausdorff {fmt_km(h.km, lang)}"
        frame = gpd.GeoDataFrame({"name": [text]}, geometry=[line], crs=4326)
        VectorLayer(features(frame, lang=lang, title_field="name", layer_title=text, tolerance=None),
                    style_={"color": COLOURS["hausdorff"], "weight": 2, "dashArray": "2 4", "className": "landgeo-hausdorff"}).add_to(m)
        legend.append(("dash", COLOURS["hausdorff"], text))

    head = f"<h1>{html.escape(title)}</h1><p>{html.escape(subtitle)}</p>"
    if metrics is not None:
        head += f"<p>{html.escape(metrics.alignment.message(lang, a='A', b=_ref_name(comparison, lang)))}</p>"
    HtmlControl(head, position="topright", css_class="landgeo-title").add_to(m)
    folium.LayerControl(position="topright", collapsed=True).add_to(m)
    HtmlControl(legend_html(legend, lang), position="bottomright", css_class="landgeo-legend").add_to(m)
    ScaleControl().add_to(m)
    m.fit_bounds([[miny, minx], [maxy, maxx]], padding=(20, 20))
    return m


def _ref_name(comparison: Comparison, lang: str) -> str:
    if comparison.b is not None:
        return "B"
    return translator(lang)("the best fit")


def write_compare_map(comparison: Comparison, path: str | Path, *, lang: str = "en", offline: bool = True,
                      context: gpd.GeoDataFrame | None = None) -> Path:
    """Write ``compare.html``; see :func:`build_compare_map`."""
    path = Path(path)
    page = stable_ids(build_compare_map(comparison, lang=lang, offline=offline, context=context).get_root().render())
    path.write_text(page, encoding="utf-8")
    log.info(Text("wrote {path} ({kb} kB)", params={"path": str(path), "kb": len(page) // 1024}))
    return path


__all__ = ["COLOURS", "build_compare_map", "fill_roles", "headline", "reference_role", "write_compare_map"]
