"""Names and classes read from layers: nulls and empty strings grouped under one "unnamed" class.

Any attribute used as a name or a class (ecosystem class, unit name, site id, lake
name…) may be missing: None, NaN, an empty or blank string. Those values are
grouped under one class, "unnamed" in the reader's language, and counted so the
caller can say so in the notes — never a crash, never ``"nan"`` or ``"None"`` in a
profile.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from . import N_, translator

#: The class of values with no name (looked up in the catalogue when rendered).
UNNAMED = N_("unnamed")


def is_blank(value) -> bool:
    """True for None, NaN (float or pandas NA), and empty or blank strings.

    >>> [is_blank(v) for v in (None, float("nan"), "", "  ", "Kyoga", 0)]
    [True, True, True, True, False, False]
    """
    if value is None:
        return True
    try:
        if value != value:  # NaN, pandas.NA raises TypeError on bool()
            return True
    except TypeError:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def names_of(values: Iterable, lang: str = "en") -> tuple[list[str], int]:
    """Each value as a clean string; blank ones (see :func:`is_blank`) as "unnamed" in ``lang``; and how many.

    Numbers keep their plain form (``7`` not ``7.0`` when integral). Only spaces are trimmed: a
    leading tab or line break is part of the text (kept, and neutralised in spreadsheets like any
    formula-like cell, see :func:`landgeo.io.atomic.neutralise_cell`), never dropped unsaid.

    >>> names_of(["Kyoga", None, "", 3.0, float("nan"), " Ankasa ", "\\tX1"], "fr")
    (['Kyoga', 'sans nom', 'sans nom', '3', 'sans nom', 'Ankasa', '\\tX1'], 3)
    """
    unnamed = translator(lang)(UNNAMED)
    out, blank = [], 0
    for v in values:
        v = v.item() if hasattr(v, "item") else v
        if is_blank(v):
            out.append(unnamed)
            blank += 1
        elif isinstance(v, float) and v.is_integer():
            out.append(str(int(v)))
        else:
            out.append(str(v).strip(" "))
    return out, blank


def unnamed_note(label: str, field: str, count: int, lang: str = "en") -> str:
    """The note for ``count`` features with no ``field`` value, grouped as "unnamed"."""
    t = translator(lang)
    return t("{label}: {n} feature has no {field} value; grouped as \"{unnamed}\"",
             "{label}: {n} features have no {field} value; grouped as \"{unnamed}\"",
             n=count, label=label, field=field, unnamed=t(UNNAMED))
