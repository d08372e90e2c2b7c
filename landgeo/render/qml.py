"""QGIS layer styles (QML) with the sheet's colours, class names and line styles.

A layer of ``boundary.gpkg``, ``compare.gpkg`` or a basin layer dragged into QGIS
then looks like the map sheet: the red boundary over a white halo, dashed grey
administrative units, blue rivers, purple ASGM sites, ecosystem classes in the
sheet's colours with their names as legend entries, legend labels in the
profile's language. Widths are in points, as on the sheet (matplotlib scales
dash patterns by the line width, so the dashes here are scaled the same way).

The QML is the QGIS 3 project format (``<prop k= v=>`` symbol properties, read
by QGIS 3.0 and later). :func:`profile_styles`, :func:`compare_styles` and
:func:`basin_styles` give ``{layer name: LayerStyle}`` for
:func:`landgeo.gpkg_styles.write_layer_styles`.

>>> s = layer_style("rivers", None, lang="fr")
>>> s.title, "44,127,184,255" in s.qml
("Cours d'eau", True)
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from ..i18n import translator
from . import style
from .labels import label

QGIS_VERSION = "3.22.0"
HALO_PT = 1.1  # the sheet's label halo: a 2.2-pt white stroke, i.e. 1.1 pt each side
STYLE_NAME = "landgeo"
STREAM = "#4a90c2"  # the stream and basin-unit blue of render.hydro_marks


@dataclass(frozen=True)
class LayerStyle:
    """One layer's QML style and the human title stored as its description."""

    qml: str
    title: str


def _rgba(colour: str, alpha: float = 1.0) -> str:
    """``#b2182b`` → ``178,24,43,255`` (QGIS colour property)."""
    colour = colour.lstrip("#")
    r, g, b = (int(colour[i:i + 2], 16) for i in (0, 2, 4))
    return f"{r},{g},{b},{round(alpha * 255)}"


def _layer(parent: ET.Element, cls: str, props: Mapping[str, object]) -> None:
    el = ET.SubElement(parent, "layer", {"class": cls, "enabled": "1", "locked": "0", "pass": "0"})
    sub = None
    for k, v in props.items():
        if k == "_subsymbol":  # (symbol type, symbol layers), e.g. the marker of a centroid fill
            sub = v
            continue
        ET.SubElement(el, "prop", {"k": k, "v": str(v)})
    if sub is not None:
        kind, layers = sub
        sym = ET.SubElement(el, "symbol", {"type": kind, "name": "@0@0", "alpha": "1", "clip_to_extent": "1",
                                           "force_rhr": "0"})
        for c, p in layers:
            _layer(sym, c, p)


def _line(colour: str, width: float, *, alpha: float = 1.0, dash: tuple[float, float] | None = None) -> tuple[str, dict]:
    props = {"line_color": _rgba(colour, alpha), "line_width": width, "line_width_unit": "Point", "line_style": "solid",
             "capstyle": "round" if dash is None else "flat", "joinstyle": "round", "offset": 0, "offset_unit": "Point"}
    if dash is not None:  # matplotlib dash lengths are multiples of the line width
        props.update({"use_custom_dash": 1, "customdash": f"{dash[0] * width:g};{dash[1] * width:g}",
                      "customdash_unit": "Point"})
    else:
        props["use_custom_dash"] = 0
    return "SimpleLine", props


def _fill(colour: str, *, outline: str | None = None, outline_width: float = 0.0, alpha: float = 1.0) -> tuple[str, dict]:
    return "SimpleFill", {"color": _rgba(colour, alpha), "style": "solid",
                          "outline_color": _rgba(outline or colour, alpha), "outline_width": outline_width,
                          "outline_width_unit": "Point", "outline_style": "solid" if outline_width > 0 else "no",
                          "joinstyle": "round"}


def _marker(colour: str, size: float, *, outline: str, outline_width: float) -> tuple[str, dict]:
    return "SimpleMarker", {"name": "circle", "color": _rgba(colour), "outline_color": _rgba(outline),
                            "outline_width": outline_width, "outline_width_unit": "Point", "outline_style": "solid",
                            "size": size, "size_unit": "Point", "scale_method": "diameter", "angle": 0}


def _symbols(parent: ET.Element, kind: str, symbols: list[list[tuple[str, dict]]], alpha: float = 1.0) -> None:
    holder = ET.SubElement(parent, "symbols")
    for i, layers in enumerate(symbols):
        sym = ET.SubElement(holder, "symbol", {"type": kind, "name": str(i), "alpha": f"{alpha:g}",
                                               "clip_to_extent": "1", "force_rhr": "0"})
        for cls, props in layers:
            _layer(sym, cls, props)


def _root(labels: ET.Element | None = None) -> ET.Element:
    root = ET.Element("qgis", {"version": QGIS_VERSION, "styleCategories": "Symbology|Labeling",
                               "labelsEnabled": "1" if labels is not None else "0"})
    return root


def _rules(root: ET.Element, kind: str, rules: list[tuple[str, str | None, list[tuple[str, dict]]]], alpha: float = 1.0) -> None:
    """A rule-based renderer: one (legend label, filter or None, symbol layers) per rule."""
    r = ET.SubElement(root, "renderer-v2", {"type": "RuleRenderer", "symbollevels": "0", "enableorderby": "0",
                                           "forceraster": "0"})
    holder = ET.SubElement(r, "rules", {"key": "root"})
    for i, (text, where, _) in enumerate(rules):
        attrs = {"key": f"landgeo-{i}", "symbol": str(i), "label": text}
        if where:
            attrs["filter"] = where
        ET.SubElement(holder, "rule", attrs)
    _symbols(r, kind, [layers for _, _, layers in rules], alpha)


def _categories(root: ET.Element, kind: str, field: str, classes: Mapping[str, list[tuple[str, dict]]], alpha: float) -> None:
    r = ET.SubElement(root, "renderer-v2", {"type": "categorizedSymbol", "attr": field, "symbollevels": "0",
                                           "enableorderby": "0", "forceraster": "0"})
    cats = ET.SubElement(r, "categories")
    for i, name in enumerate(classes):
        ET.SubElement(cats, "category", {"render": "true", "symbol": str(i), "value": name, "label": name})
    _symbols(r, kind, list(classes.values()), alpha)


def _labeling(root: ET.Element, field: str, colour: str, *, size: float = 6.5, line: bool = False) -> None:
    """Italic labels over a white halo, as on the sheet (``line``: along the line, for rivers)."""
    lab = ET.SubElement(root, "labeling", {"type": "simple"})
    settings = ET.SubElement(lab, "settings", {"calloutType": "simple"})
    text = ET.SubElement(settings, "text-style", {
        "fieldName": field, "isExpression": "0", "fontSize": f"{size:g}", "fontSizeUnit": "Point", "fontItalic": "1",
        "namedStyle": "Italic", "textColor": _rgba(colour), "textOpacity": "1", "fontWeight": "50",
    })
    ET.SubElement(text, "text-buffer", {"bufferDraw": "1", "bufferSize": f"{HALO_PT:g}", "bufferSizeUnits": "Point",
                                        "bufferColor": "255,255,255,255", "bufferOpacity": "0.9", "bufferJoinStyle": "128"})
    # placement: 1 = over the centroid (polygons), 3 = curved along the line (rivers)
    ET.SubElement(settings, "placement", {"placement": "3" if line else "1", "placementFlags": "10", "dist": "0",
                                          "repeatDistance": "0", "centroidInside": "1", "fitInPolygonOnly": "0"})
    ET.SubElement(settings, "rendering", {"obstacle": "1", "displayAll": "0", "limitNumLabels": "0", "maxNumLabels": "2000",
                                          "mergeLines": "1" if line else "0", "labelPerPart": "0"})


def _label_with(root: ET.Element, frame, fields, colour: str, **kw) -> ET.Element:
    """Label the layer by the first of ``fields`` it has (italic over a halo, as on the sheet)."""
    field = _field(frame, fields)
    if field:
        _labeling(root, field, colour, **kw)
        root.set("labelsEnabled", "1")
    return root


def _text(root: ET.Element) -> str:
    ET.indent(root)
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + ET.tostring(root, encoding="unicode") + "\n"


def _geometry_kind(frame) -> str:
    """``fill``, ``line`` or ``marker`` from a layer's geometry types (``fill`` when unknown)."""
    if frame is None or not len(frame):
        return "fill"
    types = set(frame.geometry.geom_type.dropna())
    if types and types <= {"Point", "MultiPoint"}:
        return "marker"
    if types and types <= {"LineString", "MultiLineString"}:
        return "line"
    return "fill"


def _outline_style(text: str, colour: str, width: float, *, halo: float | None = None, dash=None) -> ET.Element:
    """A polygon layer drawn as its outline only (``halo``: a white line of that width underneath)."""
    root = _root()
    layers = []
    if halo:
        layers.append(_line("#ffffff", halo, alpha=0.9))
    layers.append(_line(colour, width, dash=dash))
    _rules(root, "fill", [(text, None, layers)])
    return root


def _field(frame, candidates) -> str | None:
    if frame is None:
        return None
    lowered = {str(c).lower(): str(c) for c in frame.columns}
    return next((lowered[c] for c in candidates if c in lowered), None)


def layer_style(name: str, frame, *, lang: str, profile: Mapping | None = None) -> LayerStyle | None:
    """The style of one layer of ``boundary.gpkg`` (``boundary``, ``admin_units``, ``ecosystems``,
    ``sites``, ``rivers``), or None for a layer the sheet does not draw."""
    # long: (≈ 90 lines) one branch per layer of boundary.gpkg, each mirroring how the sheet draws it.
    if name == "boundary":
        title = label("boundary", lang)
        return LayerStyle(_text(_outline_style(title, style.BOUNDARY, 1.8, halo=3.6)), title)
    if name == "admin_units":
        title = label("admin_units", lang)
        root = _outline_style(title, style.ADMIN, 0.7, dash=(4, 2.5))
        _label_with(root, frame, ("name", "nom", "unit", "admin_name", "label"), style.ADMIN)
        return LayerStyle(_text(root), title)
    if name == "rivers":
        title = label("rivers", lang)
        root = _root()
        _rules(root, "line", [(title, None, [_line(style.RIVER, 1.0)])])
        _label_with(root, frame, ("name", "nom", "river", "label"), style.RIVER, line=True)
        return LayerStyle(_text(root), title)
    if name == "sites":
        kind = _geometry_kind(frame)
        root = _root()
        if kind == "marker":  # the sheet's markers: s=30 pt² → ≈ 5.5 pt across, white edge
            title = label("sites", lang)
            _rules(root, "marker", [(title, None, [_marker(style.SITE, 5.5, outline=style.SITE_EDGE, outline_width=0.4)])])
        else:
            title = label("site_footprints", lang)
            layers = [_fill(style.FOOTPRINT, outline=style.FOOTPRINT, outline_width=0.6)]
            if frame is not None and len(frame) <= 50:  # the sheet marks few footprints too, so they can be found
                layers.append(("CentroidFill", {"point_on_surface": 1, "point_on_all_parts": 0, "_subsymbol": (
                    "marker", [_marker(style.SITE, 5.5, outline=style.SITE_EDGE, outline_width=0.4)])}))
            _rules(root, "fill", [(title, None, layers)])
        return LayerStyle(_text(root), title)
    if name == "ecosystems":
        title = label("ecosystems", lang)
        field = _field(frame, ("class", "classe", "ecosystem", "ecosystem_class", "landcover", "name", "label", "type"))
        if frame is None or field is None:
            root = _root()
            _rules(root, "fill", [(title, None, [_fill(style.class_colour(title), outline="#ffffff", outline_width=0.25)])])
            return LayerStyle(_text(root), title)
        names = [str(v) for v in frame[field]]
        counts = Counter(names)
        order = sorted(dict.fromkeys(names), key=lambda n: -counts[n])  # as the sheet orders its classes
        colours = style.class_colours(order, style.profile_colours(profile))
        root = _root()
        _categories(root, "fill", field, {n: [_fill(colours[n], outline="#ffffff", outline_width=0.25)] for n in order},
                    alpha=0.85)
        return LayerStyle(_text(root), title)
    if name == "water":  # as context_layers.draw_user_context draws them
        title = label("water", lang)
        root = _root()
        _rules(root, "fill", [(title, None, [_fill(style.WATER_FILL, outline=style.RIVER, outline_width=0.4)])])
        _label_with(root, frame, ("name", "nom"), style.RIVER)
        return LayerStyle(_text(root), title)
    if name == "protected_areas":
        title = label("protected_areas", lang)
        root = _root()
        _rules(root, "fill", [(title, None, [_fill(style.PROTECTED, alpha=0.14), _line(style.PROTECTED, 0.9)])])
        _label_with(root, frame, ("name", "nom"), style.PROTECTED)
        return LayerStyle(_text(root), title)
    if name == "streams":  # hydro_marks.draw_streams: width by size class
        title = label("rivers", lang)
        root = _root()
        if frame is not None and "size" in frame.columns:
            _rules(root, "line", [(f"{title} ({size})", f'"size" = {size}', [_line(STREAM, width)])
                                  for size, width in ((1, 0.45), (2, 0.8), (3, 1.3))])
        else:
            _rules(root, "line", [(title, None, [_line(STREAM, 0.6)])])
        return LayerStyle(_text(root), title)
    if name == "basin_units":  # hydro_marks.draw_basin_units: traced units in blue, the others dotted, the outlet tinted
        title = label("basin_units", lang)
        root = _root()
        rules = [(title, '"inside"', [_line(STREAM, 0.6)]), (title + " ·", 'NOT "inside"', [_line("#8aa9c4", 0.4, dash=(1, 1.5))])]
        if frame is not None and "outlet" in frame.columns:
            rules.insert(0, (label("outlet_unit", lang), '"outlet"', [_fill(style.BOUNDARY, alpha=0.18)]))
        _rules(root, "fill", rules if frame is None or "inside" in frame.columns else [(title, None, [_line(STREAM, 0.6)])])
        return LayerStyle(_text(root), title)
    if name == "admin_neighbours":  # context_layers.draw_neighbours
        title = label("admin_units", lang)
        root = _outline_style(title, style.ADMIN, 0.5, dash=(1, 2))
        _label_with(root, frame, ("name", "nom"), "#808080")
        return LayerStyle(_text(root), title)
    if name == "boundaries_over_time":  # the dated boundaries of `landgeo monitor`: dashed outlines, labelled by date
        title = label("boundary", lang)
        root = _outline_style(title, style.BOUNDARY, 1.0, dash=(4, 2.5))
        _label_with(root, frame, ("date", "period", "year"), style.BOUNDARY, line=True)
        return LayerStyle(_text(root), title)
    if name == "sites_over_time":  # dated ASGM sites: drawn as the current sites are
        return layer_style("sites", frame, lang=lang, profile=profile)
    if name == "adjacency_10km":  # LandScale's adjacency look: the ring 10 km beyond the boundary
        title = translator(lang)("Adjacent area (10 km)")
        root = _root()
        _rules(root, "fill", [(title, None, [_fill(style.BOUNDARY, alpha=0.08), _line(style.BOUNDARY, 0.8, dash=(4, 2.5))])])
        return LayerStyle(_text(root), title)
    return None


def profile_styles(layers: Mapping[str, object], *, lang: str, profile: Mapping | None = None) -> dict[str, LayerStyle]:
    """Styles for the layers of a profile's ``boundary.gpkg`` (name → frame), in the profile's language."""
    out = {}
    for name, frame in layers.items():
        s = layer_style(name, frame, lang=lang, profile=profile)
        if s is not None:
            out[name] = s
    return out


def compare_styles(frames: Mapping[str, object], *, lang: str, colours: Mapping[str, str], reference: str | None,
                   units_title: str | None = None) -> dict[str, LayerStyle]:
    """Styles for ``compare.gpkg``: A as the red outline, the reference (B or the best fit) dashed, the
    pieces (only in A, only in B, in both…) as fills at the sheet's 75 % opacity, units as dashed lines.

    ``frames``: role → one-row frame with a ``label`` column (the legend text in the sheet's language);
    ``units`` → the units frame. ``colours``: role → colour (the sheet's).
    """
    out: dict[str, LayerStyle] = {}
    for role, frame in frames.items():
        text = str(frame["label"].iloc[0]) if frame is not None and "label" in frame.columns and len(frame) else role
        if role == "units":
            text = units_title or label("admin_units", lang)
            root = _outline_style(text, colours["units"], 0.6, dash=(4, 2.5))
            _label_with(root, frame, ("unit", "name"), style.ADMIN, size=6.3)
        elif role == "a":
            root = _outline_style(text, colours["a"], 1.8, halo=3.6)
        elif role == reference:
            root = _outline_style(text, colours[role], 1.6, halo=3.4, dash=(5, 2.5))
        elif role in colours:
            root = _root()
            _rules(root, "fill", [(text, None, [_fill(colours[role])])], alpha=0.75)
        else:
            continue
        out[role] = LayerStyle(_text(root), text)
    return out


def basin_styles(layer: str, *, lang: str, frame=None) -> dict[str, LayerStyle]:
    """Styles for a basin layer: ``basins`` (units outlined in the river blue) or ``candidates``
    (the catchments that fit the band filled, the others outlined)."""
    if layer == "candidates":
        t = translator(lang)
        inside, outside = t("within the band"), t("outside the band")
        root = _root()
        _rules(root, "fill", [
            (inside, "\"verdict\" = 'within'", [_fill("#a6dba0", outline=style.RIVER, outline_width=1.0, alpha=0.6)]),
            (outside, "\"verdict\" <> 'within'", [_line(style.MUTED, 0.8, dash=(4, 2.5))]),
        ])
        return {layer: LayerStyle(_text(root), t("Candidate catchments"))}
    title = translator(lang)("Basin units")
    root = _outline_style(title, style.RIVER, 0.5)
    return {layer: LayerStyle(_text(root), title)}
