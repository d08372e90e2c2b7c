"""Watersheds traced on a basin layer (:mod:`.layer`): selections, the consistency check, the Boundary.

* :func:`select_pfaf` picks a Pfafstetter sub-basin;
* :func:`consistency_check` compares the traced area with the layer's own ``UP_AREA``;
* :func:`boundary_from_basins` / :func:`boundary_from_recipe` make a
  :class:`~landgeo.boundary.Boundary` with a ``basin_consistency`` check; units are merged
  without gaps by :func:`landgeo.geo.coverage.dissolve`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np

from ...boundary import Boundary, Check, Source, finish_boundary
from ...errors import DelineationError, FieldError, RecipeError, UsageError
from ...geo import geodesy
from ...geo.coverage import dissolve
from ...geo.crs import WGS84
from ...i18n import Text
from .layer import DEFAULT_SNAP_M, BasinLayer, read_basins, unit_at

log = logging.getLogger(__name__)

CONSISTENCY_TOLERANCE = 0.02
KM2_TO_HA = 100.0
MAX_IDS_IN_SENTENCE = 8
MAX_IDS_IN_DETAILS = 5000


# --- selections ------------------------------------------------------------------------------

def select_pfaf(basins: BasinLayer, prefixes) -> np.ndarray:
    """Rows whose PFAF_ID starts with any of ``prefixes`` (a Pfafstetter sub-basin)."""
    name = basins.fields.get("pfaf")
    if name is None:
        raise FieldError(
            Text('{label}: no PFAF_ID field for pfaf_prefix; name the Pfafstetter code field with fields = {{ pfaf = "…" }}', params={"label": str(basins.label)})
        )
    if isinstance(prefixes, (str, int)):
        prefixes = [prefixes]
    codes = basins.units[name].astype("Int64").astype(str).to_numpy() if basins.units[name].dtype.kind in "iuf" \
        else basins.units[name].astype(str).to_numpy()
    hit = np.zeros(len(basins), dtype=bool)
    for prefix in prefixes:
        text = str(prefix).strip()
        if not text.isdigit():
            raise UsageError(Text('{label}: pfaf_prefix = {prefix} is not a Pfafstetter code; give digits, e.g. "1234"', params={"label": str(basins.label), "prefix": repr(prefix)}))
        hit |= np.char.startswith(codes.astype(str), text)
    rows = np.nonzero(hit)[0]
    if len(rows) == 0:
        raise DelineationError(
            Text("{label}: no unit has a {name} starting with {names}; the codes run from {value} to {value2}", params={"label": str(basins.label), "name": str(name), "names": str(', '.join(map(str, prefixes))), "value": str(codes.min()), "value2": str(codes.max())})
        )
    return rows


# --- consistency -----------------------------------------------------------------------------

def _clipped_upstream(basins: BasinLayer, rows: np.ndarray, tolerance: float) -> tuple[np.ndarray, float]:
    """Units of ``rows`` whose UP_AREA holds more than their own SUB_AREA and their children's UP_AREA
    in the layer (the units upstream of them were clipped away), and that missing area (km²)."""
    up = basins.column("up_area", np.arange(len(basins)))
    sub = basins.column("sub_area", np.arange(len(basins)))
    if up is None or sub is None:
        return np.zeros(0, dtype=np.int64), 0.0
    table = basins.table
    child_up = np.zeros(len(basins))
    has_parent = table.parent >= 0
    np.add.at(child_up, table.parent[has_parent], np.nan_to_num(up[has_parent]))
    gap = up[rows] - sub[rows] - child_up[rows]
    lost = np.isfinite(gap) & (gap > tolerance * np.maximum(up[rows], 1e-9)) & (gap > 0.01)
    return rows[lost], float(np.nansum(gap[lost]))


def consistency_check(
    basins: BasinLayer,
    rows,
    area_ha: float,
    *,
    outlet_row: int | None = None,
    tolerance: float = CONSISTENCY_TOLERANCE,
    lang: str = "en",
) -> Check | None:
    """Compare the traced boundary's geodesic area with Σ SUB_AREA and the outlet's UP_AREA.

    Returns a ``basin_consistency`` :class:`Check` (``warn`` when a
    difference exceeds ``tolerance``, 2 % by default), or None when the layer
    has neither field. ``value`` holds the areas (ha) and relative differences.

    An outlet ``UP_AREA`` larger than the Σ ``SUB_AREA`` of the units traced
    (while the polygons match Σ ``SUB_AREA``) means units upstream were clipped
    away from the layer: the message says so, with the missing area and the
    units that lost their upstream part (``value["clipped_units"]``).
    """
    rows = np.asarray(rows, dtype=np.int64)
    sub = basins.column("sub_area", rows)
    up = basins.column("up_area", [outlet_row]) if outlet_row is not None else None
    if sub is None and up is None:
        return None
    value: dict[str, Any] = {"area_ha": round(float(area_ha), 1)}
    parts: list[Text] = []
    diffs: list[float] = []
    sub_total = None
    if sub is not None and np.isfinite(sub).all():
        sub_total = total = float(sub.sum()) * KM2_TO_HA
        rel = (area_ha - total) / total if total > 0 else float("inf")
        value.update(sum_sub_area_ha=round(total, 1), diff_sub_area=round(rel, 5))
        diffs.append(rel)
        parts.append(Text("Σ {field} of the {n} unit {total:,.0f} ha ({rel:+.1%})", "Σ {field} of the {n} units {total:,.0f} ha ({rel:+.1%})",
                          params={"field": basins.fields["sub_area"], "n": len(rows), "total": total, "rel": rel}))
    clipped = None
    polygons_ok = all(abs(d) <= tolerance for d in diffs)
    if up is not None and np.isfinite(up).all():
        total = float(up[0]) * KM2_TO_HA
        rel = (area_ha - total) / total if total > 0 else float("inf")
        value.update(up_area_ha=round(total, 1), diff_up_area=round(rel, 5))
        uid = int(basins.table.ids[outlet_row])
        parts.append(Text("{field} of outlet unit {unit} {total:,.0f} ha ({rel:+.1%})",
                          params={"field": basins.fields["up_area"], "unit": str(uid), "total": total, "rel": rel}))
        if sub_total is not None and polygons_ok and total > sub_total * (1 + tolerance):
            lost_rows, _ = _clipped_upstream(basins, rows, tolerance / 10)
            missing = total - sub_total
            ids = [int(i) for i in basins.table.ids[lost_rows]]
            value.update(missing_upstream_ha=round(missing, 1), clipped_units=ids[:MAX_IDS_IN_DETAILS])
            fields = {"field": basins.fields["up_area"], "missing": missing, "units": _ids_text(ids) if ids else ""}
            if ids:
                clipped = Text("The outlet's {field} is larger than the units in the layer hold: about {missing:,.0f} ha of its "
                               "catchment lies outside the layer (upstream units were clipped away; units that lost their "
                               "upstream part: {units}). The boundary is the part of the catchment inside the layer.",
                               params=fields)
            else:
                clipped = Text("The outlet's {field} is larger than the units in the layer hold: about {missing:,.0f} ha of its "
                               "catchment lies outside the layer (upstream units were clipped away). The boundary is the "
                               "part of the catchment inside the layer.", params=fields)
            diffs.append(rel)
        else:
            diffs.append(rel)
    if not diffs:
        return None
    worst = max(abs(d) for d in diffs)
    status = "ok" if worst <= tolerance else "warn"
    fields = {"area": float(area_ha), "parts": parts, "limit": tolerance, "clipped": clipped}
    if clipped is not None:
        text = Text("Traced area {area:,.0f} ha vs {parts:join}. {clipped}", params=fields)
    elif status == "ok":
        text = Text("Traced area {area:,.0f} ha vs {parts:join}.", params=fields)
    else:
        text = Text("Traced area {area:,.0f} ha vs {parts:join}: more than {limit:.0%} apart — the basin table's areas do not "
                    "match its polygons (clipped or edited layer?).", params=fields)
    msg = text.render(lang)
    return Check("basin_consistency", status, msg, value, text)


# --- boundary --------------------------------------------------------------------------------

def _ids_text(ids) -> str:
    ids = [str(int(i)) for i in ids]
    shown = ", ".join(ids[:MAX_IDS_IN_SENTENCE])
    return shown + (f", … ({len(ids)})" if len(ids) > MAX_IDS_IN_SENTENCE else "")


def _units_phrase(n: int, src: str, *, traced_by: str | None = None) -> Text:
    """``14 basin units of basins.gpkg (HydroBASINS-style)[, traced through NEXT_DOWN]``, as data."""
    if traced_by:
        return Text("{n} basin unit of {layer} (HydroBASINS-style), traced through {field}",
                    "{n} basin units of {layer} (HydroBASINS-style), traced through {field}",
                    {"n": n, "layer": src, "field": traced_by})
    return Text("{n} basin unit of {layer} (HydroBASINS-style)", "{n} basin units of {layer} (HydroBASINS-style)",
                {"n": n, "layer": src})


def _select(basins: BasinLayer, details: dict, *, outlet, snap_m: float, candidate, pfaf_prefix, hybas_ids):
    """The rows of the one selection given, the outlet row when it is traced (else None), and the definition Text."""
    table = basins.table
    src = basins.label
    nd = basins.fields["next_down"]
    outlet_row: int | None = None
    if outlet is not None:
        lon, lat = float(outlet[0]), float(outlet[1])
        outlet_row, dist = unit_at(basins, lon, lat, snap_m=snap_m)
        rows = table.upstream(outlet_row)
        details.update(outlet=[lon, lat], snap_m=snap_m, snapped_m=round(dist, 1))
        uid = int(table.ids[outlet_row])
        units = _units_phrase(len(rows), src, traced_by=nd)
        if dist > 0:
            text = Text("Watershed upstream of the outlet at {outlet:lonlat}, snapped {distance_m:,.0f} m to unit {unit:d}: {units}",
                        params={"outlet": [lon, lat], "distance_m": round(dist, 1), "unit": uid, "units": units})
        else:
            text = Text("Watershed upstream of the outlet at {outlet:lonlat}: {units}", params={"outlet": [lon, lat], "units": units})
    elif candidate is not None:
        outlet_row = int(table.positions([candidate])[0])
        rows = table.upstream(outlet_row)
        text = Text("Watershed upstream of basin unit {unit:d} (included): {units}",
                    params={"unit": int(candidate), "units": _units_phrase(len(rows), src, traced_by=nd)})
    elif pfaf_prefix is not None:
        prefixes = [pfaf_prefix] if isinstance(pfaf_prefix, (str, int)) else list(pfaf_prefix)
        rows = select_pfaf(basins, prefixes)
        codes = ", ".join(str(p) for p in prefixes)
        name = basins.fields["pfaf"]
        text = Text("Pfafstetter basin {codes} ({field} starting with {codes}): {units}",
                    params={"codes": codes, "field": name, "units": _units_phrase(len(rows), src)})
        details["pfaf_prefix"] = [str(p) for p in prefixes]
    else:
        wanted = [hybas_ids] if isinstance(hybas_ids, (int, np.integer)) else list(hybas_ids)
        rows = np.unique(table.positions(wanted))
        listed = _ids_text(table.ids[rows])
        text = Text("Union of {units} chosen by id: {ids}", params={"units": _units_phrase(len(rows), src), "ids": listed})
    return rows, outlet_row, text


def _record_selection(table, rows: np.ndarray, outlet_row: int | None, details: dict) -> int | None:
    """The selection's outlets and ids in ``details``; returns the outlet row whose UP_AREA applies (None if none)."""
    if outlet_row is not None:
        details["outlet_unit"] = int(table.ids[outlet_row])
    sel_outlets = table.selection_outlets(rows)
    details["n_units"] = int(len(rows))
    details["outlet_units"] = [int(i) for i in table.ids[sel_outlets][:MAX_IDS_IN_DETAILS]]
    out_of_layer = np.intersect1d(sel_outlets, table.drains_out)
    if len(out_of_layer):  # the layer is clipped: these drain to units it does not hold
        details["drains_out_of_layer"] = [int(i) for i in table.ids[out_of_layer][:MAX_IDS_IN_DETAILS]]
    if len(rows) <= MAX_IDS_IN_DETAILS:  # larger selections are recorded by how they were made
        details["unit_ids"] = [int(i) for i in table.ids[rows]]
    if outlet_row is None and len(sel_outlets) == 1 and table.size[sel_outlets[0]] == len(rows):
        outlet_row = int(sel_outlets[0])  # the selection is a whole catchment: its UP_AREA applies
    return outlet_row


def boundary_from_basins(
    basins: BasinLayer,
    *,
    outlet: Sequence[float] | None = None,
    snap_m: float = DEFAULT_SNAP_M,
    candidate: int | None = None,
    pfaf_prefix=None,
    hybas_ids=None,
    lang: str = "en",
    definition: str | None = None,
    method: str = "basins",
) -> Boundary:
    """A watershed boundary from a basin layer, by exactly one of four selections.

    Parameters
    ----------
    outlet
        (lon, lat): the unit there (or the nearest within ``snap_m`` metres)
        and every unit upstream of it through NEXT_DOWN.
    candidate
        A unit id: that unit and everything upstream (as proposed by :func:`suggest`).
    pfaf_prefix
        A Pfafstetter code prefix (or several): the units whose PFAF_ID starts with it.
    hybas_ids
        A list of unit ids, taken as they are (not traced).
    lang, definition
        Language of the generated definition sentence, or the user's own sentence.

    Returns
    -------
    Boundary
        With ``details`` (selection, outlet unit, ids) and a ``basin_consistency`` check.
    """
    given = [k for k, v in {"outlet": outlet, "candidate": candidate, "pfaf_prefix": pfaf_prefix, "hybas_ids": hybas_ids}.items()
             if v is not None and not (isinstance(v, (list, tuple)) and len(v) == 0)]
    if len(given) != 1:
        raise UsageError(
            Text("{label}: a basins boundary needs exactly one of outlet, candidate, pfaf_prefix or hybas_ids ({given})",
                 params={"label": str(basins.label),
                         "given": Text("got {names}", params={"names": ", ".join(given)}) if given else Text("none given")})
        )
    details: dict[str, Any] = {"selection": given[0], "layer": basins.label}
    rows, outlet_row, text = _select(basins, details, outlet=outlet, snap_m=snap_m, candidate=candidate,
                                     pfaf_prefix=pfaf_prefix, hybas_ids=hybas_ids)
    rows = np.sort(np.asarray(rows, dtype=np.int64))
    geom84 = basins.to_wgs84(dissolve(basins.geoms[rows]))
    area = geodesy.area_ha(geom84)
    outlet_row = _record_selection(basins.table, rows, outlet_row, details)
    src = basins.label
    check = consistency_check(basins, rows, area, outlet_row=outlet_row, lang=lang)
    checks = (check,) if check is not None else ()
    return finish_boundary(
        geom84,
        WGS84,
        method=method,
        definition=definition or text.render(lang),
        sources=(Source(src, int(len(rows))),),
        details=details,
        checks=checks,
        definition_text=None if definition else text,
    )


def boundary_from_recipe(recipe) -> Boundary:
    """``method = "basins"``: a watershed from a HydroBASINS-style layer.

    Recipe keys (``[boundary]``): ``path`` (the basin layer), ``layer``,
    ``crs``, ``fields = { id = …, next_down = …, sub_area = …, up_area = …,
    pfaf = … }``, and one of ``outlet = [lon, lat]`` (with ``snap_m``),
    ``candidate = ID``, ``pfaf_prefix``, ``hybas_ids = [...]``.
    """
    b = recipe.boundary
    if "path" not in b:
        raise RecipeError(Text('{path}: [boundary] method "basins" needs path = "…", the basin layer (e.g. a HydroBASINS level-12 shapefile)', params={"path": str(recipe.path)}))
    fields = dict(b.get("fields", {}))
    basins = read_basins(b["path"], layer=b.get("layer"), crs=b.get("crs"), fields=fields)
    try:
        return boundary_from_basins(
            basins,
            outlet=b.get("outlet"),
            snap_m=float(b.get("snap_m", DEFAULT_SNAP_M)),
            candidate=b.get("candidate"),
            pfaf_prefix=b.get("pfaf_prefix"),
            hybas_ids=b.get("hybas_ids"),
            lang=recipe.language,
            definition=b.get("definition"),
        )
    except UsageError as exc:
        raise RecipeError(Text("{path}: [boundary] {exc}", params={"path": str(recipe.path), "exc": exc.text or str(exc)})) from exc


