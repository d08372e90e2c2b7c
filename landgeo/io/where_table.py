"""``where`` filters on a table (CSV, XLSX): the parsed filter (:mod:`landgeo.io.where`) as pandas masks.

Every comparison, ``IN``, ``LIKE``, ``BETWEEN`` and ``IS NULL`` is applied to the columns as data, with
SQL's rule for empty values (a comparison with NULL selects nothing). No ``eval``, no ``DataFrame.query``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import UsageError
from ..i18n import Text
from .where import Between, BoolOp, Column, Compare, InList, IsNull, Like, Literal, Not, Where, parse_where, resolve_columns

# --- evaluation on a table -------------------------------------------------------------------

def _series(node, frame: pd.DataFrame, names: dict[str, str]):
    if isinstance(node, Column):
        return frame[names[node.name]]
    return node.value


def _is_numeric(s) -> bool:
    return isinstance(s, pd.Series) and pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)


def _align(left, right, where: Where, source: str):
    """Make both sides comparable: numbers with numbers, text with text."""
    def numeric(x):
        if isinstance(x, pd.Series):
            return pd.to_numeric(x, errors="coerce")
        if isinstance(x, str):
            try:
                return float(x)
            except ValueError:
                return np.nan  # text that is no number matches no number
        return x

    if _is_numeric(left) or _is_numeric(right) or isinstance(left, float) or isinstance(right, float):
        if not (isinstance(left, bool) or isinstance(right, bool)):
            return numeric(left), numeric(right)
    def text(x):
        if isinstance(x, pd.Series):
            return x.astype("string")
        return None if x is None else str(x)
    return text(left), text(right)


_OPS = {"=": "__eq__", "!=": "__ne__", "<": "__lt__", "<=": "__le__", ">": "__gt__", ">=": "__ge__"}


def _mask(values, n: int) -> pd.array:
    """A nullable boolean array (Kleene logic: NULL compares to unknown)."""
    if isinstance(values, pd.Series):
        return pd.array(values.astype("boolean").to_numpy(), dtype="boolean")
    if values is None or values is pd.NA:
        return pd.array([pd.NA] * n, dtype="boolean")
    return pd.array([bool(values)] * n, dtype="boolean")


def _compare(op: str, left, right, n: int, nulls) -> pd.array:
    if left is None or right is None:
        return _mask(None, n)
    if isinstance(left, pd.Series):
        res = getattr(left, _OPS[op])(right)
    elif isinstance(right, pd.Series):
        flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
        res = getattr(right, _OPS[flipped])(left)
    else:
        res = getattr(left, _OPS[op])(right)
        res = bool(res) if res is not NotImplemented else False
    m = _mask(res, n)
    return _with_nulls(m, nulls)


def _with_nulls(m: pd.array, nulls) -> pd.array:
    if nulls is not None and nulls.any():
        m = m.copy()
        m[np.asarray(nulls)] = pd.NA
    return m


def _nulls_of(*values) -> np.ndarray | None:
    out = None
    for v in values:
        if isinstance(v, pd.Series):
            isna = v.isna().to_numpy()
            out = isna if out is None else (out | isna)
    return out


def _like_regex(pattern: str) -> re.Pattern:
    out = []
    for ch in pattern:
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


def _mask_of(node, frame: pd.DataFrame, names: dict[str, str], where: Where, source: str) -> pd.array:
    n = len(frame)
    if isinstance(node, BoolOp):
        parts = [_mask_of(item, frame, names, where, source) for item in node.items]
        acc = parts[0]
        for p in parts[1:]:
            acc = (acc & p) if node.op == "AND" else (acc | p)
        return acc
    if isinstance(node, Not):
        return ~_mask_of(node.item, frame, names, where, source)
    if isinstance(node, Compare):
        left, right = _series(node.left, frame, names), _series(node.right, frame, names)
        nulls = _nulls_of(left, right)
        left, right = _align(left, right, where, source)
        nulls = _merge(nulls, _nulls_of(left, right))
        return _compare(node.op, left, right, n, nulls)
    if isinstance(node, IsNull):
        v = _series(node.operand, frame, names)
        isna = v.isna() if isinstance(v, pd.Series) else (v is None)
        m = _mask(isna, n)
        return ~m if node.negate else m
    if isinstance(node, InList):
        v = _series(node.operand, frame, names)
        parts = [_mask_of(Compare("=", node.operand, Literal(x)), frame, names, where, source) for x in node.values if x is not None]
        acc = parts[0] if parts else _mask(False, n)
        for p in parts[1:]:
            acc = acc | p
        if not isinstance(v, pd.Series) and v is None:
            acc = _mask(None, n)
        return ~acc if node.negate else acc
    if isinstance(node, Like):
        v = _series(node.operand, frame, names)
        rx = _like_regex(node.pattern)
        if isinstance(v, pd.Series):
            nulls = v.isna().to_numpy()
            text = v.astype("string").fillna("")
            m = _mask(text.map(lambda s: bool(rx.fullmatch(s))), n)
            m = _with_nulls(m, nulls)
        else:
            m = _mask(None if v is None else bool(rx.fullmatch(str(v))), n)
        return ~m if node.negate else m
    if isinstance(node, Between):
        ge = _mask_of(Compare(">=", node.operand, node.low), frame, names, where, source)
        le = _mask_of(Compare("<=", node.operand, node.high), frame, names, where, source)
        m = ge & le
        return ~m if node.negate else m
    if isinstance(node, (Column, Literal)):
        v = _series(node, frame, names)
        return _mask(v, n)
    raise UsageError(Text("{file}: where = {where} cannot be used as a filter", params={"file": str(source), "where": repr(where.text)}))  # pragma: no cover


def _merge(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return a | b


def filter_frame(frame: pd.DataFrame, text: str, *, source: str) -> pd.DataFrame:
    """The rows of ``frame`` that ``text`` selects (SQL logic: a comparison with NULL selects nothing).

    >>> df = pd.DataFrame({"name": ["Ashanti", "Volta", None], "pop": [5, 50, 500]})
    >>> filter_frame(df, "pop > 10 AND NOT name LIKE 'v%'", source="t.csv")["pop"].tolist()
    []
    >>> filter_frame(df, "name IS NULL OR name IN ('Volta')", source="t.csv")["pop"].tolist()
    [50, 500]
    """
    where = parse_where(text, source=source)
    names = resolve_columns(where, list(frame.columns), source=source)
    mask = _mask_of(where.tree, frame, names, where, source)
    keep = np.asarray(mask.fillna(False), dtype=bool)
    return frame.loc[keep]
